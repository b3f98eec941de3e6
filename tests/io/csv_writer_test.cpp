#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <sstream>
#include <string>
#include <vector>

#include "voronka/csv.hpp"
#include "voronka/generator.hpp"

namespace voronka {
namespace {

// Three events with values that need quoting.
struct Sample {
  std::vector<std::string_view> event_id{"e1", "e2", "e3"};
  std::vector<std::string_view> deal{"D-1", "D-1", "D,2"};
  std::vector<int64_t> at{1740996000000, 1741156200250, -1500};
  std::vector<EventKind> kind{EventKind::kOpened, EventKind::kEntered, EventKind::kLost};
  std::vector<std::string_view> process{"typical_sale", "", ""};
  std::vector<std::string_view> stage{"", "prep \"A\"", ""};
  std::vector<int64_t> amount{1250000, kNoAmount, kNoAmount};
  std::vector<std::string_view> owner{"anna", "", ""};
  std::vector<std::string_view> client{"Acme, Inc", "", ""};
  std::vector<std::string_view> reason{"", "", "too\nexpensive"};

  EventColumns columns() const {
    EventColumns c;
    c.size = 3;
    c.event_id = event_id;
    c.deal = deal;
    c.at = at;
    c.kind = kind;
    c.process = process;
    c.stage = stage;
    c.amount = amount;
    c.owner = owner;
    c.client = client;
    c.reason = reason;
    return c;
  }
};

std::string write(const EventColumns& columns, TimeFormat format) {
  std::ostringstream out;
  const Status status = write_events_csv(out, columns, format);
  EXPECT_TRUE(status.is_ok()) << status.to_string();
  return out.str();
}

TEST(CsvWriter, WritesIsoTimes) {
  EXPECT_EQ(write(Sample().columns(), TimeFormat::kIso8601),
            "event_id,deal_id,process,ts,kind,stage,amount,owner,client,reason,field,value\n"
            "e1,D-1,typical_sale,2025-03-03T10:00:00Z,opened,,1250000,anna,\"Acme, Inc\",,,\n"
            "e2,D-1,,2025-03-05T06:30:00.250Z,entered,\"prep \"\"A\"\"\",,,,,,\n"
            "e3,\"D,2\",,1969-12-31T23:59:58.500Z,lost,,,,,\"too\nexpensive\",,\n");
}

TEST(CsvWriter, WritesEpochTimes) {
  const std::string seconds = write(Sample().columns(), TimeFormat::kEpochSeconds);
  EXPECT_THAT(seconds, ::testing::HasSubstr("\ne1,D-1,typical_sale,1740996000,opened,"));
  EXPECT_THAT(seconds, ::testing::HasSubstr("\ne2,D-1,,1741156200.250,entered,"));
  EXPECT_THAT(seconds, ::testing::HasSubstr("\ne3,\"D,2\",,-1.500,lost,"));
  const std::string millis = write(Sample().columns(), TimeFormat::kEpochMillis);
  EXPECT_THAT(millis, ::testing::HasSubstr("\ne1,D-1,typical_sale,1740996000000,opened,"));
  EXPECT_THAT(millis, ::testing::HasSubstr("\ne2,D-1,,1741156200250,entered,"));
  EXPECT_THAT(millis, ::testing::HasSubstr("\ne3,\"D,2\",,-1500,lost,"));
}

TEST(CsvWriter, WritesTheActivityColumnWhenTheBatchHasIt) {
  const std::vector<std::string_view> event_id{"a1"}, deal{"D1"}, activity{"call"};
  const std::vector<int64_t> at{0};
  const std::vector<EventKind> kind{EventKind::kActivity};
  EventColumns c;
  c.size = 1;
  c.event_id = event_id;
  c.deal = deal;
  c.at = at;
  c.kind = kind;
  c.activity = activity;
  EXPECT_EQ(write(c, TimeFormat::kEpochMillis),
            "event_id,deal_id,process,ts,kind,stage,amount,owner,client,reason,field,value,"
            "activity\n"
            "a1,D1,,0,activity,,,,,,,,call\n");
}

TEST(CsvWriter, FailsOnBadColumns) {
  Sample sample;
  sample.stage.pop_back();
  std::ostringstream out;
  EXPECT_EQ(write_events_csv(out, sample.columns()).message(),
            "column 'stage' has 2 rows, the batch 3");

  sample = Sample();
  sample.at[2] = -17'987'443'200'001;  // 1399-12-31T23:59:59.999Z
  EXPECT_EQ(write_events_csv(out, sample.columns()).message(),
            "event 2: time -17987443200001 ms is outside the years 1400 to 9999 that ISO 8601 "
            "text covers; write it as epoch-ms");
  EXPECT_TRUE(write_events_csv(out, sample.columns(), TimeFormat::kEpochMillis).is_ok());

  sample = Sample();
  sample.kind[1] = static_cast<EventKind>(0);
  EXPECT_EQ(write_events_csv(out, sample.columns()).message(),
            "event 1: 0 is not an event kind");
}

TEST(CsvWriter, FailsWhenTheStreamFails) {
  std::ostringstream out;
  out.setstate(std::ios::badbit);
  const Status status = write_events_csv(out, Sample().columns());
  EXPECT_EQ(status.code(), Code::kIo);
}

// Compares two batches row by row; an unused column reads as empty text or
// no amount.
void expect_same_events(const EventColumns& a, const EventColumns& b) {
  ASSERT_EQ(a.size, b.size);
  auto text = [](const TextColumn& column, size_t i) {
    return column.empty() ? std::string_view() : column[i];
  };
  auto amount = [](std::span<const int64_t> column, size_t i) {
    return column.empty() ? kNoAmount : column[i];
  };
  for (size_t i = 0; i < a.size; ++i) {
    SCOPED_TRACE(i);
    ASSERT_EQ(a.event_id[i], b.event_id[i]);
    ASSERT_EQ(a.deal[i], b.deal[i]);
    ASSERT_EQ(a.at[i], b.at[i]);
    ASSERT_EQ(a.kind[i], b.kind[i]);
    ASSERT_EQ(text(a.process, i), text(b.process, i));
    ASSERT_EQ(text(a.stage, i), text(b.stage, i));
    ASSERT_EQ(amount(a.amount, i), amount(b.amount, i));
    ASSERT_EQ(text(a.owner, i), text(b.owner, i));
    ASSERT_EQ(text(a.client, i), text(b.client, i));
    ASSERT_EQ(text(a.reason, i), text(b.reason, i));
    ASSERT_EQ(text(a.field, i), text(b.field, i));
    ASSERT_EQ(text(a.value, i), text(b.value, i));
    ASSERT_EQ(text(a.activity, i), text(b.activity, i));
  }
}

TEST(CsvWriter, RoundTripsGeneratedEvents) {
  GeneratorOptions options;
  options.deals = 2'000;
  const EventTable table = generate_events(options);
  ASSERT_GT(table.size(), 8'000u);
  for (const TimeFormat format :
       {TimeFormat::kIso8601, TimeFormat::kEpochSeconds, TimeFormat::kEpochMillis}) {
    SCOPED_TRACE(time_format_name(format));
    CsvOptions read_options;
    read_options.time_format = format;
    EventFile file;
    ASSERT_TRUE(parse_events_csv(write(table.columns(), format), read_options, &file));
    EXPECT_TRUE(file.rejects().empty());
    expect_same_events(table.columns(), file.columns());
    EXPECT_EQ(file.lines().back(), table.size() + 1);
  }
}

TEST(CsvWriter, RoundTripsAwkwardText) {
  const std::vector<std::string_view> event_id{"1", "\"2\"", " 3 "};
  const std::vector<std::string_view> deal{"D\r1", "D\r\n2", "Д-3"};
  const std::vector<int64_t> at{1, 2, 3};
  const std::vector<EventKind> kind{EventKind::kFieldSet, EventKind::kFieldSet,
                                    EventKind::kActivity};
  const std::vector<std::string_view> field{"a,b", "", "\n"};
  const std::vector<std::string_view> value{"\"\"", "x\ry", ""};
  const std::vector<std::string_view> activity{"", "", "email"};
  EventColumns c;
  c.size = 3;
  c.event_id = event_id;
  c.deal = deal;
  c.at = at;
  c.kind = kind;
  c.field = field;
  c.value = value;
  c.activity = activity;
  CsvOptions options;
  options.time_format = TimeFormat::kEpochMillis;
  EventFile file;
  ASSERT_TRUE(parse_events_csv(write(c, TimeFormat::kEpochMillis), options, &file));
  EXPECT_TRUE(file.rejects().empty());
  expect_same_events(c, file.columns());
}

}  // namespace
}  // namespace voronka
