#include "voronka/time.hpp"

#include <exception>

#include <boost/date_time/gregorian/gregorian.hpp>
#include <fmt/format.h>

#include "model/calendar.hpp"

namespace voronka {
namespace {

const boost::gregorian::date kEpoch(1970, 1, 1);

// Boost's Gregorian calendar covers the years 1400 to 9999; checking the
// range first also keeps the day arithmetic below from overflowing.
constexpr int64_t kFirstCalendarMs = -17'987'443'200'000;  // 1400-01-01
constexpr int64_t kLastCalendarMs = 253'402'300'799'999;   // 9999-12-31T23:59:59.999

// Reads exactly `count` digits at `pos`, advancing it.
bool read_digits(std::string_view text, size_t* pos, int count, int* value) {
  if (*pos + count > text.size()) return false;
  int v = 0;
  for (int i = 0; i < count; ++i) {
    const char c = text[*pos + i];
    if (c < '0' || c > '9') return false;
    v = v * 10 + (c - '0');
  }
  *pos += count;
  *value = v;
  return true;
}

bool expect(std::string_view text, size_t* pos, char c) {
  if (*pos >= text.size() || text[*pos] != c) return false;
  ++*pos;
  return true;
}

}  // namespace

std::optional<int64_t> parse_time(std::string_view text) {
  size_t pos = 0;
  int year = 0, month = 0, day = 0;
  if (!read_digits(text, &pos, 4, &year) || !expect(text, &pos, '-') ||
      !read_digits(text, &pos, 2, &month) || !expect(text, &pos, '-') ||
      !read_digits(text, &pos, 2, &day)) {
    return std::nullopt;
  }
  int64_t days;
  try {
    days = (boost::gregorian::date(year, month, day) - kEpoch).days();
  } catch (const std::exception&) {
    return std::nullopt;
  }
  int64_t ms = days * model::kMsPerDay;
  if (pos == text.size()) return ms;

  if (text[pos] != 'T' && text[pos] != 't' && text[pos] != ' ') return std::nullopt;
  ++pos;
  int hour = 0, minute = 0, second = 0, millis = 0;
  if (!read_digits(text, &pos, 2, &hour) || !expect(text, &pos, ':') ||
      !read_digits(text, &pos, 2, &minute) || hour > 23 || minute > 59) {
    return std::nullopt;
  }
  if (pos < text.size() && text[pos] == ':') {
    ++pos;
    if (!read_digits(text, &pos, 2, &second) || second > 59) return std::nullopt;
    if (pos < text.size() && (text[pos] == '.' || text[pos] == ',')) {
      ++pos;
      // Keep milliseconds; finer digits are truncated.
      int digits = 0;
      while (pos < text.size() && text[pos] >= '0' && text[pos] <= '9') {
        if (digits < 3) millis = millis * 10 + (text[pos] - '0');
        ++digits;
        ++pos;
      }
      if (digits == 0) return std::nullopt;
      for (; digits < 3; ++digits) millis *= 10;
    }
  }
  ms += ((hour * 60 + minute) * 60 + second) * int64_t{1000} + millis;
  if (pos == text.size()) return ms;
  if (text[pos] == 'Z' || text[pos] == 'z') return pos + 1 == text.size() ? std::optional(ms) : std::nullopt;

  const char sign = text[pos];
  if (sign != '+' && sign != '-') return std::nullopt;
  ++pos;
  int offset_hours = 0, offset_minutes = 0;
  if (!read_digits(text, &pos, 2, &offset_hours) || offset_hours > 23) return std::nullopt;
  if (pos < text.size()) {
    if (text[pos] == ':') ++pos;
    if (!read_digits(text, &pos, 2, &offset_minutes) || offset_minutes > 59) {
      return std::nullopt;
    }
  }
  if (pos != text.size()) return std::nullopt;
  const int64_t offset = (offset_hours * 60 + offset_minutes) * int64_t{60'000};
  return sign == '+' ? ms - offset : ms + offset;
}

bool in_calendar(int64_t ms) { return ms >= kFirstCalendarMs && ms <= kLastCalendarMs; }

std::string format_date(int64_t ms) {
  if (!in_calendar(ms)) return fmt::format("{} ms", ms);
  const auto date = kEpoch + boost::gregorian::days(model::day_of(ms));
  return fmt::format("{:04}-{:02}-{:02}", static_cast<int>(date.year()),
                     static_cast<int>(date.month()), static_cast<int>(date.day()));
}

std::string format_time(int64_t ms) {
  if (!in_calendar(ms)) return fmt::format("{} ms", ms);
  const int64_t in_day = ms - model::day_of(ms) * model::kMsPerDay;
  const int64_t seconds = in_day / 1000;
  std::string text = fmt::format("{}T{:02}:{:02}:{:02}", format_date(ms), seconds / 3600,
                                 seconds / 60 % 60, seconds % 60);
  if (in_day % 1000 != 0) text += fmt::format(".{:03}", in_day % 1000);
  text += 'Z';
  return text;
}

}  // namespace voronka
