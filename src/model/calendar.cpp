#include "model/calendar.hpp"

#include <algorithm>
#include <exception>
#include <string>

#include <boost/date_time/gregorian/gregorian.hpp>

namespace voronka::model {
namespace {

const boost::gregorian::date kEpoch(1970, 1, 1);

int64_t floor_div(int64_t a, int64_t b) {
  const int64_t q = a / b;
  return (a % b != 0 && (a < 0) != (b < 0)) ? q - 1 : q;
}

int64_t floor_mod(int64_t a, int64_t b) { return a - floor_div(a, b) * b; }

}  // namespace

int32_t day_of(int64_t ms) { return static_cast<int32_t>(floor_div(ms, kMsPerDay)); }

std::optional<int32_t> parse_date(std::string_view text) {
  if (text.size() != 10 || text[4] != '-' || text[7] != '-') return std::nullopt;
  try {
    const auto date = boost::gregorian::from_simple_string(std::string(text));
    return static_cast<int32_t>((date - kEpoch).days());
  } catch (const std::exception&) {
    return std::nullopt;
  }
}

bool is_business_day(int32_t day, std::span<const int32_t> holidays) {
  // Counted from day 0, a Thursday, rather than asked of Boost's calendar,
  // which throws outside the years 1400 to 9999 that events may still reach.
  const int64_t weekday = floor_mod(int64_t{day} + 4, 7);  // 0 = Sunday
  if (weekday == 0 || weekday == 6) return false;
  return !std::binary_search(holidays.begin(), holidays.end(), day);
}

int64_t add_business_days(int64_t start, uint32_t days,
                          std::span<const int32_t> holidays) {
  int32_t day = day_of(start);
  int64_t time_of_day = start - int64_t{day} * kMsPerDay;
  if (!is_business_day(day, holidays)) {
    time_of_day = 0;
    do ++day; while (!is_business_day(day, holidays));
  }
  for (uint32_t i = 0; i < days; ++i) {
    do ++day; while (!is_business_day(day, holidays));
  }
  return int64_t{day} * kMsPerDay + time_of_day;
}

}  // namespace voronka::model
