// Events CSV from arbitrary bytes: reading must fail cleanly or account for
// every row as an event or a reject, the events read must come back
// unchanged when written out and read again, and reading the text in two
// halves at once must give exactly what reading it whole gives.
//
// The first byte chooses the options: its value modulo 3 the time format,
// bit 2 the mapping "Deal ID=deal_id", bit 3 the mapping "When=ts".
#include <cstddef>
#include <cstdint>
#include <sstream>
#include <string>
#include <string_view>

#include "io/event_file.hpp"
#include "voronka/csv.hpp"

namespace {

using voronka::EventColumns;

void check(bool condition) {
  if (!condition) __builtin_trap();
}

std::string_view text_at(const voronka::TextColumn& column, size_t i) {
  return column.empty() ? std::string_view() : column[i];
}

int64_t amount_at(std::span<const int64_t> column, size_t i) {
  return column.empty() ? voronka::kNoAmount : column[i];
}

void check_same(const EventColumns& a, const EventColumns& b) {
  check(a.size == b.size && a.amount.empty() == b.amount.empty());
  for (size_t i = 0; i < a.size; ++i) {
    check(a.event_id[i] == b.event_id[i] && a.deal[i] == b.deal[i] && a.at[i] == b.at[i] &&
          a.kind[i] == b.kind[i]);
    check(amount_at(a.amount, i) == amount_at(b.amount, i));
    for (auto member : {&EventColumns::process, &EventColumns::stage, &EventColumns::owner,
                        &EventColumns::client, &EventColumns::reason, &EventColumns::field,
                        &EventColumns::value, &EventColumns::activity}) {
      check(text_at(a.*member, i) == text_at(b.*member, i));
    }
  }
}

// `halves`, read in two halves, is `whole` read front to back.
void check_same_read(const voronka::EventFile& halves, const voronka::EventFile& whole) {
  check_same(halves.columns(), whole.columns());
  for (auto member : {&EventColumns::process, &EventColumns::stage, &EventColumns::owner,
                      &EventColumns::client, &EventColumns::reason, &EventColumns::field,
                      &EventColumns::value, &EventColumns::activity}) {
    check((halves.columns().*member).empty() == (whole.columns().*member).empty());
  }
  for (size_t i = 0; i < whole.size(); ++i) {
    check(halves.lines()[i] == whole.lines()[i] && halves.row(i) == whole.row(i));
  }
  check(halves.rejects().size() == whole.rejects().size());
  for (size_t i = 0; i < whole.rejects().size(); ++i) {
    const voronka::CsvReject& a = halves.rejects()[i];
    const voronka::CsvReject& b = whole.rejects()[i];
    check(a.line == b.line && a.row == b.row && a.error == b.error);
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size == 0) return 0;
  voronka::CsvOptions options;
  options.time_format = static_cast<voronka::TimeFormat>(data[0] % 3);
  if (data[0] & 4) options.column_map.emplace_back("Deal ID", "deal_id");
  if (data[0] & 8) options.column_map.emplace_back("When", "ts");
  const std::string text(reinterpret_cast<const char*>(data) + 1, size - 1);

  voronka::EventFile file, halves;
  const voronka::Status status = voronka::io::parse_events_csv(text, options, &file, SIZE_MAX);
  check(voronka::io::parse_events_csv(text, options, &halves, 0).message() == status.message());
  if (!status) {
    check(file.size() == 0 && file.rejects().empty());
    return 0;
  }
  check_same_read(halves, file);
  const EventColumns c = file.columns();
  check(c.size == file.size() && file.lines().size() == c.size);
  check(c.event_id.size() == c.size && c.deal.size() == c.size && c.at.size() == c.size &&
        c.kind.size() == c.size);
  // Rows come in line order, each once; their text is part of the input.
  uint64_t last_line = 0;
  for (size_t i = 0; i < c.size; ++i) {
    check(!c.event_id[i].empty() && !c.deal[i].empty());
    check(file.lines()[i] > last_line);
    last_line = file.lines()[i];
    check(!file.row(i).empty() && text.find(file.row(i)) != std::string::npos);
  }
  last_line = 0;
  for (const voronka::CsvReject& reject : file.rejects()) {
    check(reject.line > last_line && !reject.error.empty());
    last_line = reject.line;
    check(text.find(reject.row) != std::string::npos);
  }

  std::ostringstream out;
  if (const voronka::Status s = voronka::write_events_csv(out, c, options.time_format); !s) {
    // Only ISO 8601 text has a range narrower than the times a file can hold.
    check(options.time_format == voronka::TimeFormat::kIso8601 &&
          s.code() == voronka::Code::kInvalidArgument);
    return 0;
  }
  voronka::CsvOptions plain;
  plain.time_format = options.time_format;
  voronka::EventFile again;
  check(voronka::parse_events_csv(out.str(), plain, &again).is_ok());
  check(again.rejects().empty());
  check_same(c, again.columns());
  return 0;
}
