// Calendar arithmetic on millisecond timestamps (UTC), with Boost.Date_Time.
#ifndef VORONKA_MODEL_CALENDAR_HPP_
#define VORONKA_MODEL_CALENDAR_HPP_

#include <cstdint>
#include <optional>
#include <span>
#include <string_view>

namespace voronka::model {

inline constexpr int64_t kMsPerHour = 3'600'000;
inline constexpr int64_t kMsPerDay = 86'400'000;

// The day (days since 1970-01-01) that contains the instant.
int64_t day_of(int64_t ms);

// Parses "YYYY-MM-DD" into days since the epoch.
std::optional<int32_t> parse_date(std::string_view text);

// Whether the day is Monday to Friday and not in `holidays` (sorted).
bool is_business_day(int64_t day, std::span<const int32_t> holidays);

// The instant `days` business days after `start`, at the same time of day.
// A start outside business days counts from the next business day's midnight.
// A result past the last representable instant is that instant.
int64_t add_business_days(int64_t start, uint32_t days,
                          std::span<const int32_t> holidays);

}  // namespace voronka::model

#endif  // VORONKA_MODEL_CALENDAR_HPP_
