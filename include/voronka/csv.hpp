// Deal events as CSV: the reader a bulk import uses, the writer that exports
// events in the same shape, and the writer of the rejects file. The format is
// described in docs/csv-format.md.
//
// The reader takes RFC 4180 text (quoted fields, doubled quotes, commas and
// line breaks inside quotes; an optional UTF-8 byte order mark; LF or CRLF
// line ends) with a header row. The columns, named by the header, are
//
//   event_id  deal_id  process  ts  kind  stage  amount  owner  client
//   reason  field  value  activity
//
// of which event_id, deal_id, ts and kind are required; the others may be
// missing, and columns with other names are ignored. `kind` is an event kind
// as event_kind_name() spells it, `ts` a time in the chosen TimeFormat,
// `amount` an integer in minor units (empty: none), `activity` one of call,
// meeting, email, other (read on activity rows). EventColumns (event.hpp)
// says which columns each kind reads.
//
// A row that cannot be read becomes a CsvReject naming its line, its column
// and the bad value; every other row becomes an event. Problems with the file
// as a whole (unreadable, empty, no header, required columns missing, a bad
// column mapping) fail the read with a Status instead.
#ifndef VORONKA_CSV_HPP_
#define VORONKA_CSV_HPP_

#include <cstdint>
#include <memory>
#include <optional>
#include <ostream>
#include <span>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "voronka/event.hpp"
#include "voronka/status.hpp"

namespace voronka {

namespace io {
class EventFileBuilder;
}  // namespace io

// How the `ts` column writes time. The values are those of the C API's
// vrk_csv_time_format and never change.
enum class TimeFormat : uint8_t {
  kIso8601 = 0,       // 2025-01-31, 2025-01-31T14:05:09Z, ...+03:00 (parse_time)
  kEpochSeconds = 1,  // 1738332309, or 1738332309.250 with milliseconds
  kEpochMillis = 2,   // 1738332309250
};

// "iso8601", "epoch-s", "epoch-ms".
std::string_view time_format_name(TimeFormat format);
std::optional<TimeFormat> parse_time_format(std::string_view name);

struct CsvOptions {
  // Renames columns of the file to voronka's, e.g. {"Deal ID", "deal_id"}.
  // Each destination must be one of the columns above and at most one file
  // column may end up under each name; a source the header lacks is an
  // error too. Names are compared without surrounding spaces.
  std::vector<std::pair<std::string, std::string>> column_map;
  TimeFormat time_format = TimeFormat::kIso8601;
};

// Parses one mapping written "SRC=DST" (split at the last '=').
Status parse_column_mapping(std::string_view text, std::pair<std::string, std::string>* out);

// A row the reader could not turn into an event. The error names the column
// and shows the value; to a person it reads "line 7: ts: '2025-13-01' ...".
struct CsvReject {
  uint64_t line = 0;  // 1-based line of the file where the row starts
  std::string row;    // the row exactly as in the file, without its line end
  std::string error;  // "ts: '2025-13-01' is not an ISO 8601 date or date-time"
};

// The events of a CSV file, with what is needed to report on each row. The
// columns point into memory the EventFile owns; they stay valid while it
// lives (moving it keeps them valid).
class EventFile {
 public:
  EventFile();
  ~EventFile();
  EventFile(EventFile&&) noexcept;
  EventFile& operator=(EventFile&&) noexcept;

  // Events read, in file order.
  size_t size() const;
  EventColumns columns() const;
  // lines()[i] is the line where event i's row starts.
  std::span<const uint64_t> lines() const;
  // Event i's row exactly as in the file, without its line end.
  std::string_view row(size_t i) const;
  // The header row as in the file, without a byte order mark or line end.
  std::string_view header() const;
  // Rows that could not be read, in line order.
  const std::vector<CsvReject>& rejects() const;

 private:
  friend class io::EventFileBuilder;
  struct Data;
  std::unique_ptr<Data> data_;
};

// Reads a CSV file of events. On failure `*out` is left empty; kNotFound
// when the file does not exist, kIo when it cannot be read, and
// kInvalidArgument for the problems with the file as a whole listed above.
//
// A regular file is mapped into memory rather than copied, and the events'
// text points into it: the file must not be truncated or rewritten while the
// EventFile lives.
Status read_events_csv(const std::string& path, const CsvOptions& options, EventFile* out);
// The same from text in memory, which the EventFile takes over.
Status parse_events_csv(std::string text, const CsvOptions& options, EventFile* out);

// Writes events as CSV: a header of the columns event_id ... value, plus
// `activity` when the batch has that column, then one row per event, quoted
// where needed and ending in "\n". Fails with kInvalidArgument when a column
// has the wrong length or a time cannot be written in the format (ISO 8601
// covers the years 1400 to 9999), and with kIo when the stream fails.
// Reading the text back gives the same events.
Status write_events_csv(std::ostream& out, const EventColumns& events,
                        TimeFormat format = TimeFormat::kIso8601);

// Collects every rejected row of an import — the reader's and the ledger's —
// and writes the rejects file: the original header with the columns `line`
// and `error` appended, then each rejected row exactly as in the file
// followed by its line and error, in line order. The file is valid CSV: a
// row whose own quoting is broken keeps its fields up to the broken one and
// the rest of it becomes one quoted field. With no rejects nothing is
// written, so an empty file means every row was recorded.
class RejectsWriter {
 public:
  // `header` is the header row as in the file (EventFile::header()).
  explicit RejectsWriter(std::string_view header);

  void add(uint64_t line, std::string_view row, std::string_view error);
  void add(const CsvReject& reject);
  // The reader's rejects of `file`, and the rows whose append the ledger
  // rejected: `results` as Ledger::append(file.columns()) returned them.
  void add(const EventFile& file, const BatchResult& results);

  size_t size() const { return entries_.size(); }
  Status write(std::ostream& out) const;

 private:
  struct Entry {
    uint64_t line;
    std::string row;
    std::string error;
  };
  std::string header_;
  std::vector<Entry> entries_;
};

}  // namespace voronka

#endif  // VORONKA_CSV_HPP_
