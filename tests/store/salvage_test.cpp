// salvage_store(): what it keeps of a damaged store, and what it reports.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <filesystem>

#include "store_testing.hpp"

namespace voronka::testing {
namespace {

using ::testing::HasSubstr;
using ::testing::StartsWith;

class SalvageTest : public ::testing::Test {
 protected:
  void SetUp() override {
    damaged_ = dir_.file("damaged.vrk");
    fresh_ = dir_.file("fresh.vrk");
    std::unique_ptr<Store> store;
    ASSERT_TRUE(Store::open(damaged_, {}, &store));
    add_generator_processes(*store);
    BatchResult results;
    for (int batch = 0; batch < 4; ++batch) {
      std::vector<v1::Event> events;
      for (int i = 0; i < 3; ++i) {
        const int n = batch * 3 + i + 1;
        events.push_back(opened(std::to_string(n), "D-" + std::to_string(n), 100 * n));
      }
      ASSERT_TRUE(store->append(events, &results));
    }
    store.reset();
    bytes_ = read_file(damaged_);
    spans_ = record_spans(damaged_);
    ASSERT_EQ(spans_.size(), 6u);
  }

  TempDir dir_;
  std::string damaged_, fresh_;
  std::string bytes_;
  std::vector<RecordSpan> spans_;
};

TEST_F(SalvageTest, CopiesTheRecordsBeforeTheDamage) {
  std::string bytes = bytes_;
  bytes[spans_[4].offset + 16] ^= 0x08;  // record 5: the third batch
  write_file(damaged_, bytes);
  SalvageReport report;
  ASSERT_TRUE(salvage_store(damaged_, fresh_, &report));
  EXPECT_EQ(report.records_kept, 4u);
  EXPECT_EQ(report.events_kept, 6u);
  EXPECT_EQ(report.damage_offset, spans_[4].offset);
  EXPECT_EQ(report.bytes_lost, bytes.size() - spans_[4].offset);
  EXPECT_THAT(report.damage, HasSubstr(fmt::format("record 5 at offset {}: checksum mismatch",
                                                   spans_[4].offset)));

  OpenInfo info;
  std::unique_ptr<Store> store;
  ASSERT_TRUE(Store::open(fresh_, {}, &store, &info));
  EXPECT_EQ(info.warning, "");
  EXPECT_EQ(store->ledger().stats().events, 6u);
  EXPECT_EQ(store->ledger().processes().size(), 2u);
  EXPECT_EQ(read_file(damaged_), bytes) << "the damaged file is left alone";
}

TEST_F(SalvageTest, StopsAtARecordThatDoesNotReplay) {
  // Record 4 repeated where record 5 was: well-formed, but its events are
  // duplicates.
  std::string bytes = bytes_.substr(0, spans_[4].offset) +
                      bytes_.substr(spans_[3].offset, spans_[3].size);
  write_file(damaged_, bytes);
  SalvageReport report;
  ASSERT_TRUE(salvage_store(damaged_, fresh_, &report));
  EXPECT_EQ(report.records_kept, 4u);
  EXPECT_EQ(report.events_kept, 6u);
  EXPECT_EQ(report.damage_offset, spans_[4].offset);
  EXPECT_THAT(report.damage, HasSubstr("was not accepted again (a duplicate)"));
}

TEST_F(SalvageTest, ReportsATornTail) {
  write_file(damaged_, bytes_.substr(0, bytes_.size() - 2));
  SalvageReport report;
  ASSERT_TRUE(salvage_store(damaged_, fresh_, &report));
  EXPECT_EQ(report.records_kept, 5u);
  EXPECT_EQ(report.events_kept, 9u);
  EXPECT_EQ(report.damage_offset, spans_[5].offset);
  EXPECT_EQ(report.bytes_lost, spans_[5].size - 2);
  EXPECT_THAT(report.damage, HasSubstr("a torn last record: record 6 at offset"));
}

TEST_F(SalvageTest, ASoundStoreLosesNothing) {
  SalvageReport report;
  ASSERT_TRUE(salvage_store(damaged_, fresh_, &report));
  EXPECT_EQ(report.records_kept, 6u);
  EXPECT_EQ(report.events_kept, 12u);
  EXPECT_EQ(report.bytes_lost, 0u);
  EXPECT_EQ(report.damage_offset, bytes_.size());
  EXPECT_EQ(report.damage, "");
  // The same records under a new header.
  const std::string fresh = read_file(fresh_);
  EXPECT_EQ(fresh.substr(record_spans(fresh_)[0].offset), bytes_.substr(spans_[0].offset));
}

TEST_F(SalvageTest, RefusesToOverwrite) {
  write_file(fresh_, "precious");
  SalvageReport report;
  const Status s = salvage_store(damaged_, fresh_, &report);
  EXPECT_EQ(s.code(), Code::kInvalidArgument);
  EXPECT_EQ(s.message(), "'" + fresh_ + "' exists; salvage writes a new file only");
  EXPECT_EQ(read_file(fresh_), "precious");
}

TEST_F(SalvageTest, NeverWritesOverItsInputOrAnotherFileOnTheWay) {
  // The copy is written to FRESH.new first: a store named so is its input.
  const std::string renamed = fresh_ + ".new";
  std::filesystem::rename(damaged_, renamed);
  SalvageReport report;
  Status s = salvage_store(renamed, fresh_, &report);
  EXPECT_EQ(s.code(), Code::kInvalidArgument);
  EXPECT_EQ(s.message(), "'" + renamed + "' exists; salvage writes its copy there before naming "
                         "it '" + fresh_ + "': move it away first");
  EXPECT_EQ(read_file(renamed), bytes_);
  EXPECT_FALSE(std::filesystem::exists(fresh_));
  // Under another name it is salvaged whole.
  std::filesystem::rename(renamed, damaged_);
  ASSERT_TRUE(salvage_store(damaged_, fresh_, &report));
  EXPECT_EQ(report.events_kept, 12u);
}

TEST_F(SalvageTest, ADamagedHeaderLosesNoRecord) {
  std::string bytes = bytes_;
  bytes[store::kPreambleBytes + store::kFrameHeaderBytes + 3] ^= 0x20;  // the header's payload
  write_file(damaged_, bytes);
  std::unique_ptr<Store> store;
  ASSERT_EQ(Store::open(damaged_, {}, &store).code(), Code::kCorruptStore);
  SalvageReport report;
  ASSERT_TRUE(salvage_store(damaged_, fresh_, &report));
  EXPECT_EQ(report.records_kept, 6u);
  EXPECT_EQ(report.events_kept, 12u);
  EXPECT_EQ(report.damage_offset, bytes.size());
  EXPECT_EQ(report.bytes_lost, 0u);
  EXPECT_EQ(report.damage, "the header at offset 12 is damaged (its payload's checksum does not "
                           "match or it does not parse)");
  ASSERT_TRUE(Store::open(fresh_, {}, &store));
  EXPECT_EQ(store->ledger().stats().events, 12u);
}

TEST_F(SalvageTest, ADamagedHeaderFrameIsPassedOverToTheFirstSoundRecord) {
  std::string bytes = bytes_;
  bytes[store::kPreambleBytes] ^= 0x01;  // the header's length: no longer to be trusted
  bytes[spans_[4].offset + 16] ^= 0x08;  // and record 5
  write_file(damaged_, bytes);
  SalvageReport report;
  ASSERT_TRUE(salvage_store(damaged_, fresh_, &report));
  EXPECT_EQ(report.records_kept, 4u);
  EXPECT_EQ(report.events_kept, 6u);
  EXPECT_EQ(report.damage_offset, spans_[4].offset);
  EXPECT_EQ(report.bytes_lost, bytes.size() - spans_[4].offset);
  EXPECT_THAT(report.damage,
              StartsWith(fmt::format("the header at offset 12 is damaged (its frame header's "
                                     "checksum does not match); the first sound record is at "
                                     "offset {}; then record 5 at offset {}: checksum mismatch",
                                     spans_[0].offset, spans_[4].offset)));
  std::unique_ptr<Store> store;
  ASSERT_TRUE(Store::open(fresh_, {}, &store));
  EXPECT_EQ(store->ledger().stats().events, 6u);
  EXPECT_EQ(store->ledger().processes().size(), 2u);
}

TEST_F(SalvageTest, CannotSalvageWithoutAHeader) {
  write_file(damaged_, "garbage" + bytes_);
  SalvageReport report;
  const Status s = salvage_store(damaged_, fresh_, &report);
  EXPECT_EQ(s.code(), Code::kCorruptStore);
  EXPECT_THAT(s.message(), HasSubstr("is not a voronka store file"));
  EXPECT_FALSE(store::file_exists(fresh_));
}

}  // namespace
}  // namespace voronka::testing
