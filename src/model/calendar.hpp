// Calendar arithmetic on millisecond timestamps (UTC), with Boost.Date_Time.
#ifndef VORONKA_MODEL_CALENDAR_HPP_
#define VORONKA_MODEL_CALENDAR_HPP_

#include <cstdint>
#include <limits>
#include <optional>
#include <span>
#include <string_view>

namespace voronka::model {

inline constexpr int64_t kMsPerHour = 3'600'000;
inline constexpr int64_t kMsPerDay = 86'400'000;

// The day (days since 1970-01-01) that contains the instant.
int32_t day_of(int64_t ms);

// Parses "YYYY-MM-DD" into days since the epoch.
std::optional<int32_t> parse_date(std::string_view text);

// Times span all of int64, so that two of them can be further apart than
// int64 holds; these two never overflow.
//
// `start` plus `ms` (not negative), or the last representable instant when
// the sum lies beyond it: a limit that would end past the end of time never
// expires.
inline int64_t later_by(int64_t start, int64_t ms) {
  int64_t sum;
  return __builtin_add_overflow(start, ms, &sum) ? std::numeric_limits<int64_t>::max() : sum;
}
// `to` minus `from`, held to the int64 range.
inline int64_t elapsed(int64_t from, int64_t to) {
  int64_t difference;
  if (!__builtin_sub_overflow(to, from, &difference)) return difference;
  return to > from ? std::numeric_limits<int64_t>::max() : std::numeric_limits<int64_t>::min();
}

// Whether the day is Monday to Friday and not in `holidays` (sorted).
bool is_business_day(int64_t day, std::span<const int32_t> holidays);

// The instant `days` business days after `start`, at the same time of day.
// A start outside business days counts from the next business day's midnight.
// Saturates as later_by does.
int64_t add_business_days(int64_t start, uint32_t days,
                          std::span<const int32_t> holidays);

}  // namespace voronka::model

#endif  // VORONKA_MODEL_CALENDAR_HPP_
