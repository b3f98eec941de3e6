// The pieces of the log's format: numeric event ids and the batch encoding.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "store/batch_encoder.hpp"
#include "store/decoded_events.hpp"
#include "store/event_id.hpp"
#include "store_testing.hpp"

namespace voronka::testing {
namespace {

TEST(EventIds, OnlyCanonicalDecimalsAreNumbers) {
  uint64_t value = 7;
  EXPECT_TRUE(store::parse_numeric_id("0", &value));
  EXPECT_EQ(value, 0u);
  EXPECT_TRUE(store::parse_numeric_id("1234567", &value));
  EXPECT_EQ(value, 1234567u);
  EXPECT_TRUE(store::parse_numeric_id("18446744073709551615", &value));
  EXPECT_EQ(value, 18446744073709551615u);
  for (const char* text : {"", "01", "00", "18446744073709551616", "99999999999999999999",
                           "-1", "+1", "1e3", "12a", " 1", "123456789012345678901"}) {
    EXPECT_FALSE(store::parse_numeric_id(text, &value)) << text;
  }
  char buffer[20];
  EXPECT_EQ(std::string_view(buffer, store::format_numeric_id(18446744073709551615u, buffer)),
            "18446744073709551615");
}

TEST(BatchEncoding, DecodesToTheEventsEncoded) {
  store::Dictionary written;
  store::BatchEncoder encoder(&written);
  const auto events = every_kind_of_event();
  for (const auto& e : events) ASSERT_TRUE(encoder.add(ledger::view_of(e)));
  std::string payload;
  encoder.finish(&payload);

  v1::LogRecord record;
  ASSERT_TRUE(record.ParseFromString(payload));
  store::Dictionary read;
  store::DecodedEvents decoded;
  ASSERT_TRUE(decoded.decode(record.events(), &read));
  EXPECT_EQ(read.size(), written.size());
  EXPECT_TRUE(decoded.needs_messages());  // the activity kind 7, the field with no key
  const auto messages = decoded.messages();
  ASSERT_EQ(messages.size(), events.size());
  for (size_t i = 0; i < events.size(); ++i) {
    EXPECT_EQ(messages[i].DebugString(), events[i].DebugString()) << i;
  }
}

TEST(BatchEncoding, CutsBatchesAtTheirLimit) {
  store::Dictionary dictionary;
  store::BatchEncoder encoder(&dictionary);
  const auto e = opened("1", "D-1", 100);
  for (size_t i = 0; i + 1 < store::BatchEncoder::kMaxEvents; ++i) {
    ASSERT_TRUE(encoder.add(ledger::view_of(e)));
  }
  EXPECT_FALSE(encoder.full());
  ASSERT_TRUE(encoder.add(ledger::view_of(e)));
  EXPECT_TRUE(encoder.full());
}

TEST(BatchEncoding, MatchesTheExampleInTheFormatDocument) {
  std::vector<v1::Event> events(2);
  events[0] = event("7", "D-1", 1'700'000'000'000);
  events[0].mutable_opened()->set_process("typical_sale");
  events[0].mutable_opened()->set_owner("anna");
  events[0].mutable_opened()->set_amount(1000);
  events[1] = entered("8", "D-1", 1'700'000'000'000 + 86'400'000, "preparation");

  store::Dictionary dictionary;
  store::BatchEncoder encoder(&dictionary);
  for (const auto& e : events) ASSERT_TRUE(encoder.add(ledger::view_of(e)));
  std::string payload;
  encoder.finish(&payload);
  v1::LogRecord record;
  ASSERT_TRUE(record.ParseFromString(payload));
  const v1::EventBatch& b = record.events();
  EXPECT_THAT(b.strings(), ::testing::ElementsAre("D-1", "typical_sale", "anna", "preparation"));
  EXPECT_EQ(b.kinds(), "\x11\x02");
  EXPECT_THAT(b.ids(), ::testing::ElementsAre(6, 0));
  EXPECT_THAT(b.deals(), ::testing::ElementsAre(1));
  EXPECT_THAT(b.times(), ::testing::ElementsAre(1'700'000'000'000, 86'400'000));
  EXPECT_THAT(b.refs(), ::testing::ElementsAre(2, 3, 0, 0, 4));
  EXPECT_THAT(b.amounts(), ::testing::ElementsAre(1000));
  EXPECT_EQ(b.text_ids_size() + b.field_counts_size() + b.activities_size(), 0);
}

}  // namespace
}  // namespace voronka::testing
