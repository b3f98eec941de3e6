#include <gtest/gtest.h>

#include "model/calendar.hpp"
#include "voronka/time.hpp"

namespace voronka {
namespace {

TEST(Time, ParsesDatesAndDateTimes) {
  EXPECT_EQ(parse_time("1970-01-01"), 0);
  EXPECT_EQ(parse_time("2025-02-04"), 1738627200000);
  EXPECT_EQ(parse_time("2025-02-04T03:25:45Z"), 1738639545000);
  EXPECT_EQ(parse_time("2025-02-04 03:25:45"), 1738639545000);
  EXPECT_EQ(parse_time("2025-02-04T03:25Z"), 1738639500000);
  EXPECT_EQ(parse_time("2025-02-04T03:25:45.5Z"), 1738639545500);
  EXPECT_EQ(parse_time("2025-02-04T03:25:45.123456Z"), 1738639545123);
  EXPECT_EQ(parse_time("2025-02-04T06:25:45+03:00"), 1738639545000);
  EXPECT_EQ(parse_time("2025-02-03T22:25:45-0500"), 1738639545000);
}

TEST(Time, RejectsMalformedText) {
  for (const char* text : {"", "2025", "2025-02-30", "2025-13-01", "2025-02-04T24:00Z",
                           "2025-02-04T03:25:45ZZ", "2025-02-04T03:25:45+3", "04.02.2025",
                           "2025-02-04T", "2025-02-04T03:25:45.Z", "2025-2-4"}) {
    EXPECT_FALSE(parse_time(text).has_value()) << text;
  }
}

TEST(Time, FormatsRoundTrip) {
  EXPECT_EQ(format_time(1738639545000), "2025-02-04T03:25:45Z");
  EXPECT_EQ(format_time(1738639545250), "2025-02-04T03:25:45.250Z");
  EXPECT_EQ(format_time(-1000), "1969-12-31T23:59:59Z");
  EXPECT_EQ(format_date(1738639545000), "2025-02-04");
}

TEST(Time, WritesTimesOutsideTheCalendarAsMilliseconds) {
  const int64_t first = -17'987'443'200'000;  // 1400-01-01T00:00:00Z
  const int64_t last = 253'402'300'799'999;   // 9999-12-31T23:59:59.999Z
  EXPECT_TRUE(in_calendar(first) && in_calendar(last));
  EXPECT_FALSE(in_calendar(first - 1) || in_calendar(last + 1));
  EXPECT_EQ(format_time(first), "1400-01-01T00:00:00Z");
  EXPECT_EQ(format_time(last), "9999-12-31T23:59:59.999Z");
  EXPECT_EQ(format_time(last + 1), "253402300800000 ms");
  EXPECT_EQ(format_time(INT64_MIN), "-9223372036854775808 ms");
  EXPECT_EQ(format_date(INT64_MAX), "9223372036854775807 ms");
}

TEST(Time, BusinessDaysOutsideTheCalendar) {
  // 2000-01-01 was a Saturday; 400 Gregorian years are exactly 20,871 weeks,
  // so 1200-01-01 and 10000-01-01 were Saturdays too.
  const int32_t y2000 = 10'957, cycle = 146'097;
  for (const int32_t saturday : {y2000 - 2 * cycle, y2000, y2000 + 20 * cycle}) {
    EXPECT_FALSE(model::is_business_day(saturday, {}));
    EXPECT_FALSE(model::is_business_day(saturday + 1, {}));
    EXPECT_TRUE(model::is_business_day(saturday + 2, {}));
    EXPECT_TRUE(model::is_business_day(saturday - 1, {}));
  }
  // Friday 9999-12-31 plus one business day: Monday 10000-01-03.
  const int64_t friday = (y2000 + 20 * cycle - 1) * int64_t{model::kMsPerDay};
  EXPECT_EQ(model::add_business_days(friday, 1, {}), friday + 3 * model::kMsPerDay);
}

}  // namespace
}  // namespace voronka
