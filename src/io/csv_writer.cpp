// The events CSV writer: the reader's default columns, one row per event.
#include <algorithm>
#include <iterator>

#include <fmt/format.h>

#include "io/csv_columns.hpp"
#include "io/csv_quote.hpp"
#include "voronka/csv.hpp"
#include "voronka/time.hpp"

namespace voronka {
namespace {

// The instants ISO 8601 text covers here: the years 1400 to 9999, the range
// of the calendar behind parse_time and format_time.
constexpr int64_t kIsoFirst = -17'987'443'200'000;  // 1400-01-01T00:00:00Z
constexpr int64_t kIsoEnd = 253'402'300'800'000;    // 10000-01-01T00:00:00Z

// Rows are built in memory and handed to the stream in pieces of this size.
constexpr size_t kFlushBytes = size_t{1} << 20;

void append_time(std::string* out, int64_t ms, TimeFormat format) {
  switch (format) {
    case TimeFormat::kIso8601:
      out->append(format_time(ms));
      return;
    case TimeFormat::kEpochSeconds: {
      const uint64_t magnitude =
          ms < 0 ? uint64_t{0} - static_cast<uint64_t>(ms) : static_cast<uint64_t>(ms);
      if (ms < 0) out->push_back('-');
      fmt::format_to(std::back_inserter(*out), "{}", magnitude / 1000);
      if (magnitude % 1000 != 0) fmt::format_to(std::back_inserter(*out), ".{:03}", magnitude % 1000);
      return;
    }
    case TimeFormat::kEpochMillis:
      fmt::format_to(std::back_inserter(*out), "{}", ms);
      return;
  }
}

Status check(const EventColumns& events, TimeFormat format) {
  const size_t size = events.size;
  auto wrong = [size](std::string_view name, size_t rows) {
    return Status(Code::kInvalidArgument,
                  fmt::format("column '{}' has {} rows, the batch {}", name, rows, size));
  };
  for (size_t column = 0; column < io::kColumnCount; ++column) {
    if (const io::TextMember member = io::kTextMembers[column]) {
      const size_t rows = (events.*member).size();
      if (rows != 0 && rows != size) return wrong(io::kColumnNames[column], rows);
    }
  }
  if (events.at.size() != size) return wrong("ts", events.at.size());
  if (events.kind.size() != size) return wrong("kind", events.kind.size());
  if (!events.amount.empty() && events.amount.size() != size) {
    return wrong("amount", events.amount.size());
  }
  for (size_t i = 0; i < size; ++i) {
    const int kind = static_cast<int>(events.kind[i]);
    if (kind < 1 || kind > kEventKindCount) {
      return Status(Code::kInvalidArgument,
                    fmt::format("event {}: {} is not an event kind", i, kind));
    }
    if (format == TimeFormat::kIso8601 && (events.at[i] < kIsoFirst || events.at[i] >= kIsoEnd)) {
      return Status(Code::kInvalidArgument,
                    fmt::format("event {}: time {} ms is outside the years 1400 to 9999 that "
                                "ISO 8601 text covers; write it as epoch-ms",
                                i, events.at[i]));
    }
  }
  return Status::ok();
}

}  // namespace

Status write_events_csv(std::ostream& out, const EventColumns& events, TimeFormat format) {
  if (Status s = check(events, format); !s) return s;
  const size_t columns = events.activity.empty() ? io::kActivityColumn : io::kColumnCount;
  std::string buffer;
  buffer.reserve(std::min(kFlushBytes, (events.size + 1) * 64) + 4096);
  for (size_t column = 0; column < columns; ++column) {
    if (column > 0) buffer.push_back(',');
    buffer.append(io::kColumnNames[column]);
  }
  buffer.push_back('\n');
  for (size_t i = 0; i < events.size; ++i) {
    for (size_t column = 0; column < columns; ++column) {
      if (column > 0) buffer.push_back(',');
      switch (column) {
        case io::kTsColumn:
          append_time(&buffer, events.at[i], format);
          break;
        case io::kKindColumn:
          buffer.append(event_kind_name(events.kind[i]));
          break;
        case io::kAmountColumn:
          if (!events.amount.empty() && events.amount[i] != kNoAmount) {
            fmt::format_to(std::back_inserter(buffer), "{}", events.amount[i]);
          }
          break;
        default: {
          const auto& text = events.*io::kTextMembers[column];
          if (!text.empty()) io::append_csv_field(&buffer, text[i]);
        }
      }
    }
    buffer.push_back('\n');
    if (buffer.size() >= kFlushBytes) {
      out.write(buffer.data(), static_cast<std::streamsize>(buffer.size()));
      buffer.clear();
    }
  }
  out.write(buffer.data(), static_cast<std::streamsize>(buffer.size()));
  out.flush();
  if (!out) return Status(Code::kIo, "writing the events CSV failed");
  return Status::ok();
}

}  // namespace voronka
