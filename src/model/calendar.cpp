#include "model/calendar.hpp"

#include <algorithm>
#include <exception>
#include <string>

#include <boost/date_time/gregorian/gregorian.hpp>

#include "model/saturate.hpp"

namespace voronka::model {
namespace {

const boost::gregorian::date kEpoch(1970, 1, 1);

int64_t floor_div(int64_t a, int64_t b) {
  const int64_t q = a / b;
  return (a % b != 0 && (a < 0) != (b < 0)) ? q - 1 : q;
}

// Not a - floor_div(a, b) * b, which overflows for a near INT64_MIN.
int64_t floor_mod(int64_t a, int64_t b) {
  const int64_t r = a % b;
  return (r != 0 && (r < 0) != (b < 0)) ? r + b : r;
}

}  // namespace

int64_t day_of(int64_t ms) { return floor_div(ms, kMsPerDay); }

std::optional<int32_t> parse_date(std::string_view text) {
  if (text.size() != 10 || text[4] != '-' || text[7] != '-') return std::nullopt;
  try {
    const auto date = boost::gregorian::from_simple_string(std::string(text));
    return static_cast<int32_t>((date - kEpoch).days());
  } catch (const std::exception&) {
    return std::nullopt;
  }
}

bool is_business_day(int64_t day, std::span<const int32_t> holidays) {
  // Counted from day 0, a Thursday, rather than asked of Boost's calendar,
  // which throws outside the years 1400 to 9999 that events may still reach.
  const int64_t weekday = floor_mod(day + 4, 7);  // 0 = Sunday
  if (weekday == 0 || weekday == 6) return false;
  return !std::binary_search(holidays.begin(), holidays.end(), day);
}

int64_t add_business_days(int64_t start, uint32_t days,
                          std::span<const int32_t> holidays) {
  // Day numbers in 64 bits: an instant near either end of int64 lies about
  // 10^11 days from 1970, beyond int32.
  const int64_t first_day = floor_div(start, kMsPerDay);
  int64_t day = first_day;
  int64_t back_to_midnight = 0;
  if (!is_business_day(day, holidays)) {
    back_to_midnight = floor_mod(start, kMsPerDay);
    do ++day; while (!is_business_day(day, holidays));
  }
  for (uint32_t i = 0; i < days; ++i) {
    do ++day; while (!is_business_day(day, holidays));
  }
  // Not negative: a start outside business days moves at least to the next
  // midnight.
  return saturating_add(start, (day - first_day) * kMsPerDay - back_to_midnight);
}

}  // namespace voronka::model
