// Timestamps: int64 milliseconds since the Unix epoch, UTC.
#ifndef VORONKA_TIME_HPP_
#define VORONKA_TIME_HPP_

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace voronka {

// Parses an ISO 8601 date or date-time:
//   2025-01-31                     midnight UTC
//   2025-01-31T14:05[:09[.250]]    UTC (also with a space instead of 'T')
//   ...Z, ...+03:00, ...-0500      with a UTC offset
// Returns nullopt for anything else, including impossible dates.
std::optional<int64_t> parse_time(std::string_view text);

// "2025-01-31T14:05:09Z", with ".250" when the milliseconds are not zero.
// Both formatters write a time outside the calendar (see in_calendar) as
// its milliseconds, "<ms> ms", so that messages about wild input never fail.
std::string format_time(int64_t ms);

// "2025-01-31".
std::string format_date(int64_t ms);

// Whether a time lies in the years 1400 to 9999, the calendar's range.
bool in_calendar(int64_t ms);

}  // namespace voronka

#endif  // VORONKA_TIME_HPP_
