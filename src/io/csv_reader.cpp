// The events CSV reader: header and column mapping, then each row checked and
// turned into columns, or rejected with its line and the reason.
#include <algorithm>
#include <cassert>
#include <charconv>
#include <future>
#include <iterator>
#include <limits>
#include <system_error>

#include <fmt/format.h>
#include <fmt/ranges.h>

#include "io/csv_columns.hpp"
#include "io/csv_scanner.hpp"
#include "io/event_file.hpp"
#include "model/utf8.hpp"
#include "voronka/csv.hpp"
#include "voronka/time.hpp"

namespace voronka {
namespace io {
namespace {

constexpr std::string_view kByteOrderMark = "\xEF\xBB\xBF";

std::string_view trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
  return s;
}

// A value as messages show it: control characters and bytes that are not
// UTF-8 escaped, a long value cut (at a character boundary).
std::string shown(std::string_view value) {
  constexpr size_t kLimit = 60;
  std::string out;
  for (const char c : model::utf8_prefix(value, kLimit)) {
    if (c == '\n') {
      out += "\\n";
    } else if (c == '\r') {
      out += "\\r";
    } else if (c == '\t') {
      out += "\\t";
    } else if (static_cast<unsigned char>(c) < 0x20) {
      out += fmt::format("\\x{:02x}", static_cast<unsigned char>(c));
    } else {
      out += c;
    }
  }
  out = model::escape_invalid_utf8(out);
  if (value.size() > kLimit) out += "...";
  return out;
}

// 'a', 'b', 'c'
std::string quoted_list(std::span<const std::string_view> names) {
  std::string out;
  for (const std::string_view name : names) {
    if (!out.empty()) out += ", ";
    out += fmt::format("'{}'", name);
  }
  return out;
}

enum class Parse { kOk, kMalformed, kOutOfRange };

Parse parse_integer(std::string_view text, int64_t* value) {
  const char* const end = text.data() + text.size();
  const auto [stop, error] = std::from_chars(text.data(), end, *value);
  if (stop != end || error == std::errc::invalid_argument) return Parse::kMalformed;
  return error == std::errc() ? Parse::kOk : Parse::kOutOfRange;
}

// Seconds (with an optional fraction, kept to the millisecond) or
// milliseconds since the epoch, as milliseconds.
Parse parse_epoch(std::string_view text, bool seconds, int64_t* ms) {
  constexpr uint64_t kMax = std::numeric_limits<int64_t>::max();
  const bool negative = text.starts_with('-');
  const char* p = text.data() + negative;
  const char* const end = text.data() + text.size();
  uint64_t whole = 0;
  const auto [stop, error] = std::from_chars(p, end, whole);
  if (error == std::errc::invalid_argument) return Parse::kMalformed;
  const bool too_large = error == std::errc::result_out_of_range;
  p = stop;
  uint64_t fraction = 0;
  if (seconds && p < end && *p == '.') {
    ++p;
    int digits = 0;
    for (; p < end && *p >= '0' && *p <= '9'; ++p, ++digits) {
      if (digits < 3) fraction = fraction * 10 + static_cast<uint64_t>(*p - '0');
    }
    if (digits == 0) return Parse::kMalformed;
    for (; digits < 3; ++digits) fraction *= 10;
  }
  if (p != end) return Parse::kMalformed;
  const uint64_t limit = kMax + negative;  // -2^63 is in range, 2^63 not
  if (too_large || (seconds && whole > (limit - fraction) / 1000) || whole > limit) {
    return Parse::kOutOfRange;
  }
  const uint64_t magnitude = seconds ? whole * 1000 + fraction : whole;
  *ms = static_cast<int64_t>(negative ? uint64_t{0} - magnitude : magnitude);
  return Parse::kOk;
}

// A time of the file; kOutOfRange when it lies outside the calendar, where
// the file's own writer could not write it back as ISO 8601.
Parse parse_ts(std::string_view text, TimeFormat format, int64_t* ms) {
  Parse parse = Parse::kMalformed;
  switch (format) {
    case TimeFormat::kIso8601: {
      const std::optional<int64_t> parsed = parse_time(text);
      if (parsed) *ms = *parsed;
      parse = parsed ? Parse::kOk : Parse::kMalformed;
      break;
    }
    case TimeFormat::kEpochSeconds: parse = parse_epoch(text, true, ms); break;
    case TimeFormat::kEpochMillis: parse = parse_epoch(text, false, ms); break;
  }
  return parse == Parse::kOk && !in_calendar(*ms) ? Parse::kOutOfRange : parse;
}

std::string_view malformed_time(TimeFormat format) {
  switch (format) {
    case TimeFormat::kIso8601: return "is not an ISO 8601 date or date-time";
    case TimeFormat::kEpochSeconds: return "is not a number of seconds since the epoch";
    case TimeFormat::kEpochMillis:
      return "is not a whole number of milliseconds since the epoch";
  }
  return "is not a time";
}

// The number of LFs in `text`. Per byte, with a small counter per lane
// that the compiler turns into vector code: several times faster than
// std::count, whose wide counters it does not vectorise well.
size_t count_lines(std::string_view text) {
  constexpr size_t kLanes = 64;
  constexpr size_t kRounds = 255;  // before a lane's 8-bit counter could overflow
  const auto* p = reinterpret_cast<const unsigned char*>(text.data());
  const size_t size = text.size();
  size_t count = 0;
  size_t i = 0;
  while (size - i >= kLanes * kRounds) {
    unsigned char lanes[kLanes] = {};
    for (size_t round = 0; round < kRounds; ++round, i += kLanes) {
      for (size_t k = 0; k < kLanes; ++k) lanes[k] += p[i + k] == '\n';
    }
    for (const unsigned char lane : lanes) count += lane;
  }
  for (; i < size; ++i) count += p[i] == '\n';
  return count;
}

}  // namespace

// Reads the text held by an EventFile's data into its columns.
class CsvReader {
 public:
  CsvReader(const CsvOptions& options, EventFileBuilder::Data* data)
      : options_(options), d_(data) {}

  Status read(size_t halves_from) {
    std::string_view text = d_->text;
    if (text.starts_with(kByteOrderMark)) text.remove_prefix(kByteOrderMark.size());
    CsvScanner scanner(text, &d_->arena);
    CsvRecord record;
    if (!scanner.next(&record)) {
      return Status(Code::kInvalidArgument, "the file is empty: it has no header row");
    }
    if (Status s = read_header(record); !s) return s;
    const size_t rows_begin = scanner.position();
    const size_t split = split_point(text, rows_begin, halves_from);
    const size_t lines_before = count_lines(text.substr(rows_begin, split - rows_begin));
    // The line count bounds the row count (one more for a last line without
    // a line end): columns are reserved once.
    const size_t most_rows = lines_before + count_lines(text.substr(split)) + 1;
    // A text column lists at most one field per row elsewhere, numbered in
    // its cells' 31 bits.
    if (most_rows > TextColumn::kMaxElsewhere) {
      return Status(Code::kLimitExceeded,
                    fmt::format("the file has more than {} lines after the header, the most a "
                                "file may have: split it",
                                TextColumn::kMaxElsewhere - 1));
    }
    reserve_columns(most_rows);
    if (split == text.size()) {
      read_rows(&scanner, text.size());
    } else {
      read_in_halves(&scanner, text, split, lines_before);
    }
    return Status::ok();
  }

 private:
  // Where a second thread starts reading: the line start nearest after the
  // middle of the rows; the end of the text when it is too short to split.
  static size_t split_point(std::string_view text, size_t rows_begin, size_t halves_from) {
    if (text.size() - rows_begin < halves_from) return text.size();
    const size_t lf = text.find('\n', rows_begin + (text.size() - rows_begin) / 2);
    return lf == std::string_view::npos ? text.size() : lf + 1;
  }
  // Reserves every column a row may write.
  void reserve_columns(size_t rows) {
    d_->at.reserve(rows);
    d_->kind.reserve(rows);
    d_->lines.reserve(rows);
    d_->offsets.reserve(rows);
    if (field_of_[kAmountColumn] != width_) d_->amount.reserve(rows);
    for (const auto& [column, field] : text_fields_) d_->text_columns[column].reserve(rows);
  }
  // Reads the rows that start before `limit`.
  void read_rows(CsvScanner* scanner, size_t limit) {
    CsvRecord record;
    while (scanner->position() < limit && scanner->next(&record)) read_row(record);
  }
  // Reads the rows after `split` on a second thread while this one reads
  // the `lines` lines before, as if a row starts at `split`. That guess is
  // checked afterwards: the first half's last row must end right there.
  // Only a line break inside quotes (or blank lines) at that spot can make
  // it wrong, and then the second half's work is dropped and this thread
  // reads on.
  void read_in_halves(CsvScanner* scanner, std::string_view text, size_t split, size_t lines);
  // Adds the rows `second` read into the columns' windows from row
  // `first_row` on.
  void take_second_half(EventFileBuilder::Data&& second, size_t first_row);

  Status read_header(const CsvRecord& header);
  // Adds a row's values to every column, or rejects it. A column in use
  // gets a value from every row, so all columns in use stay one length.
  void read_row(const CsvRecord& record);

  // How messages name the file's column `field`: ours, with the file's name
  // when a mapping renamed it.
  std::string label(size_t field) const;
  void reject(const CsvRecord& record, std::string error) {
    d_->rejects.push_back(CsvReject{record.line, std::string(record.text), std::move(error)});
  }

  // A field's packed cell: where it lies in its row of the text, or its place
  // among the column's texts listed elsewhere.
  uint32_t cell_of(Column column, std::string_view row, std::string_view value) {
    if (value.empty()) return 0;
    const auto start = reinterpret_cast<uintptr_t>(row.data());
    const auto field = reinterpret_cast<uintptr_t>(value.data());
    // Wholly inside the row: an arena block could start right at its end.
    if (field >= start && field - start < row.size() &&
        value.size() <= row.size() - (field - start)) {
      if (const auto cell = TextColumn::pack(field - start, value.size())) return *cell;
    }
    std::vector<std::string_view>& elsewhere = d_->elsewhere[column];
    elsewhere.push_back(value);
    return TextColumn::elsewhere_cell(elsewhere.size() - 1);
  }

  const CsvOptions& options_;
  EventFileBuilder::Data* d_;
  size_t width_ = 0;                      // fields per row
  std::array<size_t, kColumnCount> field_of_{};  // a column's field; width_ when absent
  std::vector<std::string_view> names_;   // the header's names, trimmed
  std::vector<int> column_of_;            // a field's column, or -1
  std::vector<std::pair<Column, size_t>> text_fields_;  // text columns to keep
  bool amounts_ = false;  // whether a row had an amount yet
};

void CsvReader::read_in_halves(CsvScanner* scanner, std::string_view text, size_t split,
                               size_t lines) {
  // The first half has at most one row per line: the second's rows go
  // right after that many, and move down only when some lines were not rows.
  EventFileBuilder::Data second;
  second.text = d_->text;  // offsets count from the same place
  for (size_t column = 0; column < kColumnCount; ++column) {
    if (d_->text_columns[column].reserved()) {
      second.text_columns[column] = d_->text_columns[column].window(lines);
    }
  }
  if (d_->amount.reserved()) second.amount = d_->amount.window(lines);
  second.at = d_->at.window(lines);
  second.kind = d_->kind.window(lines);
  second.lines = d_->lines.window(lines);
  second.offsets = d_->offsets.window(lines);

  CsvReader second_reader = *this;  // the header as read
  second_reader.d_ = &second;
  const uint64_t second_line = scanner->line() + lines;
  CsvScanner second_scanner(text.substr(split), &second.arena, second_line);
  std::future<void> reading;
  try {
    reading = std::async(std::launch::async, [&] {
      second_reader.read_rows(&second_scanner, std::string_view::npos);
    });
  } catch (const std::system_error&) {  // no thread to be had: read alone
    read_rows(scanner, text.size());
    return;
  }
  read_rows(scanner, split);
  reading.get();
  if (scanner->position() == split && scanner->line() == second_line) {
    take_second_half(std::move(second), lines);
  } else {
    read_rows(scanner, text.size());  // over what the second half wrote
  }
}

void CsvReader::take_second_half(EventFileBuilder::Data&& second, size_t first_row) {
  const size_t rows = d_->lines.size();
  const size_t second_rows = second.lines.size();
  auto join = [&](auto* column, const auto& second_column, const auto& none) {
    if (second_column.empty()) {
      if (!column->empty()) column->resize(rows + second_rows, none);
      return;
    }
    column->resize(rows, none);  // when the first half did not use it
    column->append_window(first_row, second_rows);
  };
  for (size_t column = 0; column < kColumnCount; ++column) {
    // The second half numbered the texts it listed elsewhere from 0.
    std::vector<std::string_view>& listed = d_->elsewhere[column];
    if (!second.elsewhere[column].empty()) {
      assert(listed.size() + second.elsewhere[column].size() <= TextColumn::kMaxElsewhere);
      RowColumn<uint32_t>& cells = second.text_columns[column];
      for (size_t row = 0; row < cells.size(); ++row) {
        if (TextColumn::is_elsewhere(cells[row])) cells.mutable_data()[row] += listed.size();
      }
      listed.insert(listed.end(), second.elsewhere[column].begin(),
                    second.elsewhere[column].end());
    }
    join(&d_->text_columns[column], second.text_columns[column], uint32_t{0});
  }
  join(&d_->amount, second.amount, kNoAmount);
  amounts_ = !d_->amount.empty();
  join(&d_->at, second.at, int64_t{0});
  join(&d_->kind, second.kind, EventKind{});
  join(&d_->lines, second.lines, uint64_t{0});
  join(&d_->offsets, second.offsets, uint64_t{0});
  d_->rejects.insert(d_->rejects.end(), std::make_move_iterator(second.rejects.begin()),
                     std::make_move_iterator(second.rejects.end()));
  d_->arena.adopt(std::move(second.arena));
}

Status CsvReader::read_header(const CsvRecord& header) {
  if (header.problem != CsvProblem::kNone) {
    return Status(Code::kInvalidArgument,
                  fmt::format("line {}: the header's column {} '{}' {}", header.line,
                              header.problem_field + 1, shown(header.problem_text),
                              describe(header.problem)));
  }

  // The mapping, checked on its own first.
  struct Rename {
    std::string_view source;
    Column column;
    bool found = false;
  };
  std::vector<Rename> renames;
  std::array<int, kColumnCount> renamed_by;  // index into renames, or -1
  renamed_by.fill(-1);
  for (const auto& [raw_source, raw_column] : options_.column_map) {
    const std::string_view source = trim(raw_source);
    const std::string_view name = trim(raw_column);
    const std::optional<Column> column = find_column(name);
    if (!column) {
      return Status(Code::kInvalidArgument,
                    fmt::format("column mapping '{}={}': '{}' is not a column; the columns are "
                                "{}",
                                raw_source, raw_column, name, fmt::join(kColumnNames, ", ")));
    }
    if (source.empty()) {
      return Status(Code::kInvalidArgument,
                    fmt::format("column mapping '{}={}': the source column name is empty",
                                raw_source, raw_column));
    }
    for (const Rename& earlier : renames) {
      if (earlier.source == source) {
        return Status(Code::kInvalidArgument,
                      fmt::format("column mapping: '{}' is mapped twice", source));
      }
    }
    if (renamed_by[*column] >= 0) {
      return Status(Code::kInvalidArgument,
                    fmt::format("column mapping: '{}' and '{}' both map to '{}'",
                                renames[renamed_by[*column]].source, source, name));
    }
    renamed_by[*column] = static_cast<int>(renames.size());
    renames.push_back(Rename{source, *column});
  }

  // The header's columns. A column named like a mapping's destination gives
  // way to the column mapped there.
  width_ = header.fields.size();
  field_of_.fill(width_);
  names_.resize(width_);
  column_of_.assign(width_, -1);
  bool known = false;
  for (size_t field = 0; field < width_; ++field) {
    const std::string_view name = trim(header.fields[field]);
    names_[field] = name;
    std::optional<Column> column;
    for (Rename& rename : renames) {
      if (rename.source == name) {
        column = rename.column;
        rename.found = true;
        break;
      }
    }
    if (!column) {
      column = find_column(name);
      if (column && renamed_by[*column] >= 0) column.reset();
    }
    if (!column) continue;
    known = true;
    if (field_of_[*column] != width_) {
      const size_t first = field_of_[*column];
      return Status(Code::kInvalidArgument,
                    fmt::format("the header has two columns for '{}': column {} ('{}') and "
                                "column {} ('{}')",
                                kColumnNames[*column], first + 1, shown(names_[first]), field + 1,
                                shown(name)));
    }
    field_of_[*column] = field;
    column_of_[field] = *column;
  }
  if (!known) {
    return Status(Code::kInvalidArgument,
                  fmt::format("the file has no header row: line {} '{}' names none of the "
                              "columns; the header must name at least event_id, deal_id, ts "
                              "and kind",
                              header.line, shown(header.text)));
  }
  for (const Rename& rename : renames) {
    if (!rename.found) {
      return Status(Code::kInvalidArgument,
                    fmt::format("column mapping '{}={}': the header has no column '{}'",
                                rename.source, kColumnNames[rename.column], rename.source));
    }
  }
  std::vector<std::string_view> missing;
  for (const Column column : kRequiredColumns) {
    if (field_of_[column] == width_) missing.push_back(kColumnNames[column]);
  }
  if (!missing.empty()) {
    // A column of the required name may be there, mapped to another.
    std::string mapped_away;
    for (const std::string_view name : missing) {
      for (const Rename& rename : renames) {
        if (rename.source == name) {
          mapped_away += fmt::format(" (its column '{}' is read as '{}' by the mapping '{}={}')",
                                     name, kColumnNames[rename.column], name,
                                     kColumnNames[rename.column]);
        }
      }
    }
    return Status(Code::kInvalidArgument,
                  fmt::format("the header lacks the required column{} {}{}; it has {}",
                              missing.size() == 1 ? "" : "s", quoted_list(missing), mapped_away,
                              quoted_list(names_)));
  }

  d_->header = header.text;
  for (size_t column = 0; column < kColumnCount; ++column) {
    if (kTextMembers[column] != nullptr && field_of_[column] != width_) {
      text_fields_.emplace_back(static_cast<Column>(column), field_of_[column]);
    }
  }
  return Status::ok();
}

std::string CsvReader::label(size_t field) const {
  if (field >= width_ || (column_of_[field] < 0 && names_[field].empty())) {
    return fmt::format("column {}", field + 1);
  }
  if (column_of_[field] < 0) return shown(names_[field]);
  const std::string_view ours = kColumnNames[column_of_[field]];
  return names_[field] == ours ? std::string(ours)
                               : fmt::format("{} ('{}')", ours, shown(names_[field]));
}

void CsvReader::read_row(const CsvRecord& record) {
  if (record.problem != CsvProblem::kNone) {
    reject(record, fmt::format("{}: '{}' {}", label(record.problem_field),
                               shown(record.problem_text), describe(record.problem)));
    return;
  }
  const std::vector<std::string_view>& fields = record.fields;
  if (fields.size() != width_) {
    reject(record,
           fmt::format("the row has {} fields, the header {}", fields.size(), width_));
    return;
  }
  auto missing = [&](Column column) {
    reject(record, fmt::format("{}: empty, but every event needs one",
                               label(field_of_[column])));
  };
  // Required columns are present (read_header), so their fields exist.
  if (fields[field_of_[kEventIdColumn]].empty()) return missing(kEventIdColumn);
  if (fields[field_of_[kDealIdColumn]].empty()) return missing(kDealIdColumn);

  const std::string_view ts = fields[field_of_[kTsColumn]];
  if (ts.empty()) return missing(kTsColumn);
  int64_t at = 0;
  if (const Parse parse = parse_ts(ts, options_.time_format, &at); parse != Parse::kOk) {
    reject(record, fmt::format("{}: '{}' {}", label(field_of_[kTsColumn]), shown(ts),
                               parse == Parse::kOutOfRange
                                   ? std::string_view("is outside the calendar's years 1400 "
                                                      "to 9999")
                                   : malformed_time(options_.time_format)));
    return;
  }

  const std::string_view kind_name = fields[field_of_[kKindColumn]];
  if (kind_name.empty()) return missing(kKindColumn);
  const std::optional<EventKind> kind = parse_event_kind(kind_name);
  if (!kind) {
    reject(record, fmt::format("{}: '{}' is not an event kind; the kinds are opened, entered, "
                               "won, lost, frozen, resumed, reopened, amount_changed, "
                               "owner_changed, field_set, activity",
                               label(field_of_[kKindColumn]), shown(kind_name)));
    return;
  }

  int64_t amount = kNoAmount;
  if (field_of_[kAmountColumn] != width_) {
    const std::string_view text = fields[field_of_[kAmountColumn]];
    if (!text.empty()) {
      Parse parse = parse_integer(text, &amount);
      if (parse == Parse::kOk && amount == kNoAmount) parse = Parse::kOutOfRange;
      if (parse != Parse::kOk) {
        reject(record, fmt::format("{}: '{}' {}", label(field_of_[kAmountColumn]),
                                   shown(text),
                                   parse == Parse::kOutOfRange
                                       ? "is out of range"
                                       : "is not an integer amount in minor units (cents)"));
        return;
      }
    }
  }

  if (*kind == EventKind::kActivity && field_of_[kActivityColumn] != width_) {
    const std::string_view activity = fields[field_of_[kActivityColumn]];
    if (!parse_activity(activity)) {
      reject(record, fmt::format("{}: '{}' is not an activity; the activities are call, "
                                 "meeting, email, other",
                                 label(field_of_[kActivityColumn]), shown(activity)));
      return;
    }
  }

  // A column starts at its first value: one empty on every row (as field
  // and value often are) costs nothing and stays unused.
  const size_t row = d_->lines.size();
  for (const auto& [column, field] : text_fields_) {
    const std::string_view value = fields[field];
    auto& values = d_->text_columns[column];
    if (values.empty()) {
      if (value.empty()) continue;
      values.resize(row, uint32_t{0});  // an empty text
    }
    values.push_back(cell_of(column, record.text, value));
  }
  if (!amounts_ && amount != kNoAmount) {
    amounts_ = true;
    d_->amount.resize(row, kNoAmount);
  }
  if (amounts_) d_->amount.push_back(amount);
  d_->at.push_back(at);
  d_->kind.push_back(*kind);
  d_->lines.push_back(record.line);
  d_->offsets.push_back(static_cast<uint64_t>(record.text.data() - d_->text.data()));
}

// Reads `data->text` into the fresh columns of `data`, or empties it.
Status read_text(const CsvOptions& options, EventFile* out, size_t halves_from) {
  Status s = CsvReader(options, &EventFileBuilder::data(out)).read(halves_from);
  if (!s) EventFileBuilder::reset(out);
  return s;
}

Status parse_events_csv(std::string text, const CsvOptions& options, EventFile* out,
                        size_t halves_from) {
  EventFileBuilder::Data& data = EventFileBuilder::reset(out);
  data.owned = std::move(text);
  data.text = data.owned;
  return read_text(options, out, halves_from);
}

}  // namespace io

Status parse_events_csv(std::string text, const CsvOptions& options, EventFile* out) {
  return io::parse_events_csv(std::move(text), options, out, io::kReadInHalvesFromBytes);
}

Status read_events_csv(const std::string& path, const CsvOptions& options, EventFile* out) {
  io::EventFileBuilder::Data& data = io::EventFileBuilder::reset(out);
  if (Status s = data.file.load(path); !s) {
    io::EventFileBuilder::reset(out);
    return s;
  }
  data.text = data.file.text();
  return io::read_text(options, out, io::kReadInHalvesFromBytes);
}

}  // namespace voronka
