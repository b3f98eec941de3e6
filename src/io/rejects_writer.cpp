#include <algorithm>
#include <iterator>

#include <fmt/format.h>

#include "io/csv_quote.hpp"
#include "io/csv_scanner.hpp"
#include "voronka/csv.hpp"

namespace voronka {
namespace {

// Appends a rejected row so that the rejects file stays valid CSV. A row
// that is one well-formed record is copied as it is. A row whose quoting is
// broken keeps its fields up to the broken one, and the rest of it becomes
// one quoted field: copied verbatim, an unclosed quote would swallow every
// row after it.
void append_row(std::string* out, std::string_view row) {
  io::TextArena arena;
  io::CsvScanner scanner(row, &arena);
  io::CsvRecord record;
  if (!scanner.next(&record) || (record.problem == io::CsvProblem::kNone &&
                                 record.text.data() == row.data() &&
                                 record.text.size() == row.size())) {
    out->append(row);
    return;
  }
  size_t broken = 0;  // where the part to quote starts
  if (record.problem != io::CsvProblem::kNone && record.text.data() == row.data()) {
    broken = static_cast<size_t>(record.problem_text.data() - row.data());
  }
  out->append(row.substr(0, broken));
  io::append_csv_field(out, row.substr(broken));
}

}  // namespace

RejectsWriter::RejectsWriter(std::string_view header) : header_(header) {}

void RejectsWriter::add(uint64_t line, std::string_view row, std::string_view error) {
  entries_.push_back(Entry{line, std::string(row), std::string(error)});
}

void RejectsWriter::add(const CsvReject& reject) { add(reject.line, reject.row, reject.error); }

void RejectsWriter::add(const EventFile& file, const BatchResult& results) {
  for (const CsvReject& reject : file.rejects()) add(reject);
  for (const BatchResult::Rejection& rejection : results.rejections()) {
    if (rejection.index >= file.size()) break;
    add(file.lines()[rejection.index], file.row(rejection.index), rejection.status.message());
  }
}

Status RejectsWriter::write(std::ostream& out) const {
  if (entries_.empty()) return Status::ok();
  // The reader's rejects and the ledger's arrive apart; the file lists them
  // as they stand in the input.
  std::vector<const Entry*> order;
  order.reserve(entries_.size());
  for (const Entry& entry : entries_) order.push_back(&entry);
  std::stable_sort(order.begin(), order.end(),
                   [](const Entry* a, const Entry* b) { return a->line < b->line; });

  std::string text = header_;
  text += ",line,error\n";
  for (const Entry* entry : order) {
    append_row(&text, entry->row);
    fmt::format_to(std::back_inserter(text), ",{},", entry->line);
    io::append_csv_field(&text, entry->error);
    text += '\n';
  }
  out.write(text.data(), static_cast<std::streamsize>(text.size()));
  out.flush();
  if (!out) return Status(Code::kIo, "writing the rejects failed");
  return Status::ok();
}

}  // namespace voronka
