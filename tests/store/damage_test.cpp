// Damaged logs, each made by hand: what an open reports, and what it keeps.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "store/crc32c.hpp"
#include "store_testing.hpp"

namespace voronka::testing {
namespace {

using ::testing::HasSubstr;

class DamageTest : public ::testing::Test {
 protected:
  // A store of five records: two processes, then three batches of one,
  // two and three events.
  void SetUp() override {
    path_ = dir_.file("s.vrk");
    std::unique_ptr<Store> store;
    ASSERT_TRUE(Store::open(path_, {}, &store));
    add_generator_processes(*store);
    BatchResult results;
    const std::vector<std::vector<v1::Event>> batches = {
        {opened("1", "D-1", 100)},
        {opened("2", "D-2", 200), entered("3", "D-1", 300, "preparation")},
        {opened("4", "D-3", 400), opened("5", "D-4", 500), opened("6", "D-5", 600)}};
    for (const auto& batch : batches) {
      ASSERT_TRUE(store->append(batch, &results));
      expect_all_accepted(results);
    }
    store.reset();
    bytes_ = read_file(path_);
    spans_ = record_spans(path_);
    ASSERT_EQ(spans_.size(), 5u);
  }

  Status open(OpenInfo* info = nullptr, bool read_only = false) {
    StoreOptions options;
    options.read_only = read_only;
    store_.reset();
    return Store::open(path_, options, &store_, info);
  }

  // The message an open gives for damage at record `record`.
  std::string damage(size_t record, const std::string& problem) const {
    const std::string before =
        record == 1   ? "no record comes before it"
        : record == 2 ? "the record before it is intact and can be salvaged"
                      : fmt::format("the {} records before it are intact and can be salvaged",
                                    record - 1);
    return fmt::format("store file '{}' is damaged at offset {}, record {}: {}; {}", path_,
                       spans_[record - 1].offset, record, problem, before);
  }

  // A log whose records have these payloads, framed as the store frames them.
  std::string log_of(const std::vector<std::string>& payloads) const {
    std::string log = bytes_.substr(0, spans_[0].offset);  // preamble and header
    for (const auto& payload : payloads) store::append_frame(payload, &log);
    return log;
  }
  std::string record_payload(size_t record) const {
    return bytes_.substr(spans_[record - 1].offset + store::kFrameHeaderBytes,
                         spans_[record - 1].size - store::kFrameHeaderBytes);
  }

  TempDir dir_;
  std::string path_;
  std::string bytes_;
  std::vector<RecordSpan> spans_;
  std::unique_ptr<Store> store_;
};

TEST_F(DamageTest, ATornLastRecordIsTruncatedOnTheNextWritableOpen) {
  const RecordSpan last = spans_.back();
  write_file(path_, bytes_.substr(0, last.offset + last.size - 5));
  OpenInfo info;
  ASSERT_TRUE(open(&info));
  EXPECT_EQ(info.dropped_tail_bytes, last.size - 5);
  EXPECT_EQ(info.warning,
            fmt::format("dropped a torn last record ({} bytes at offset {}): record 5 at offset "
                        "{} needs {} bytes; the file ends {} bytes after its header",
                        last.size - 5, last.offset, last.offset, last.size - 12,
                        last.size - 17));
  EXPECT_EQ(store_->ledger().stats().events, 3u);
  EXPECT_EQ(read_file(path_), bytes_.substr(0, last.offset));
  // Appending goes on where the complete records end.
  BatchResult results;
  const auto e = opened("4", "D-3", 400);
  ASSERT_TRUE(store_->append({&e, 1}, &results));
  expect_all_accepted(results);
  ASSERT_TRUE(open(&info));
  EXPECT_EQ(info.dropped_tail_bytes, 0u);
  EXPECT_EQ(store_->ledger().stats().events, 4u);
}

TEST_F(DamageTest, ARecordCutInsideItsHeaderIsATornTail) {
  const RecordSpan last = spans_.back();
  write_file(path_, bytes_.substr(0, last.offset + 7));
  OpenInfo info;
  ASSERT_TRUE(open(&info));
  EXPECT_EQ(info.dropped_tail_bytes, 7u);
  EXPECT_THAT(info.warning,
              HasSubstr(fmt::format("record 5 at offset {} ends after 7 of its 12 header bytes",
                                    last.offset)));
  EXPECT_EQ(store_->ledger().stats().events, 3u);
}

TEST_F(DamageTest, ZerosAtTheEndAreATornTail) {
  write_file(path_, bytes_ + std::string(4096, '\0'));
  OpenInfo info;
  ASSERT_TRUE(open(&info));
  EXPECT_EQ(info.dropped_tail_bytes, 4096u);
  EXPECT_THAT(info.warning, HasSubstr("are all zero"));
  EXPECT_EQ(store_->ledger().stats().events, 6u);
  EXPECT_EQ(read_file(path_), bytes_);
}

TEST_F(DamageTest, ARecordZeroFromASectorBoundaryToTheEndIsATornTail) {
  // A record of many events, spanning sectors: a machine crash wrote its
  // first sectors and left the others as zeros.
  ASSERT_TRUE(open());
  std::vector<v1::Event> events;
  for (int i = 7; i < 207; ++i) {
    events.push_back(opened(std::to_string(i), fmt::format("D-{}", i), 100 * i));
  }
  BatchResult results;
  ASSERT_TRUE(store_->append(events, &results));
  store_.reset();
  const std::string whole = read_file(path_);
  ASSERT_EQ(whole.substr(0, bytes_.size()), bytes_);
  const uint64_t start = bytes_.size();
  const uint64_t sector = (start + store::kFrameHeaderBytes + 511) / 512 * 512;
  ASSERT_LT(sector + 512, whole.size());
  const std::string torn = whole.substr(0, sector) + std::string(whole.size() - sector, '\0');
  write_file(path_, torn);
  OpenInfo info;
  ASSERT_TRUE(open(&info, /*read_only=*/true));
  EXPECT_EQ(info.dropped_tail_bytes, whole.size() - start);
  EXPECT_EQ(read_file(path_), torn) << "a reader never truncates";
  ASSERT_TRUE(open(&info));
  EXPECT_EQ(info.dropped_tail_bytes, whole.size() - start);
  EXPECT_EQ(info.warning,
            fmt::format("dropped a torn last record ({} bytes at offset {}): record 6 at offset "
                        "{} is zero from offset {} to the end of the file, sectors the file "
                        "system allotted to a write that never reached them",
                        whole.size() - start, start, start, sector));
  EXPECT_EQ(store_->ledger().stats().events, 6u);
  EXPECT_EQ(read_file(path_), bytes_);

  // Zeros that begin inside the last sector of the record, or that other
  // bytes follow, are damage: no write leaves them.
  write_file(path_, whole.substr(0, whole.size() - 3) + std::string(3, '\0'));
  EXPECT_EQ(open().code(), Code::kCorruptStore);
  write_file(path_, torn + "x");
  EXPECT_EQ(open().code(), Code::kCorruptStore);
}

TEST_F(DamageTest, AFlippedByteInTheMiddleIsCorruption) {
  std::string bytes = bytes_;
  bytes[spans_[3].offset + 15] ^= 0x40;
  write_file(path_, bytes);
  const Status s = open();
  EXPECT_EQ(s.code(), Code::kCorruptStore);
  EXPECT_THAT(s.message(), HasSubstr(fmt::format("damaged at offset {}, record 4: checksum "
                                                 "mismatch: the record's {} bytes have CRC-32C",
                                                 spans_[3].offset, spans_[3].size - 12)));
  EXPECT_EQ(read_file(path_), bytes) << "a failed open changes nothing";
}

TEST_F(DamageTest, AFlippedByteInTheLastCompleteRecordIsCorruptionToo) {
  std::string bytes = bytes_;
  bytes[bytes.size() - 1] ^= 0x01;
  write_file(path_, bytes);
  const Status s = open();
  EXPECT_EQ(s.code(), Code::kCorruptStore);
  EXPECT_THAT(s.message(), HasSubstr("record 5: checksum mismatch"));
}

TEST_F(DamageTest, GarbageInTheMiddleIsCorruption) {
  std::string bytes = bytes_;
  bytes.replace(spans_[2].offset, 16, "garbage garbage!");
  write_file(path_, bytes);
  const Status s = open();
  EXPECT_EQ(s.code(), Code::kCorruptStore);
  EXPECT_EQ(s.message(), damage(3, "the record header is damaged: its checksum does not match, "
                                   "and its length prefix (1651663207 bytes) exceeds the " +
                                       std::to_string(bytes.size() - spans_[2].offset - 12) +
                                       " bytes left in the file"));
}

TEST_F(DamageTest, ADamagedHeaderWithASmallLengthIsCorruption) {
  std::string bytes = bytes_;
  bytes[spans_[1].offset + 9] ^= 0x10;  // the header checksum itself
  write_file(path_, bytes);
  const Status s = open();
  EXPECT_EQ(s.message(), damage(2, fmt::format("the record header is damaged: its checksum does "
                                               "not match (length prefix {} bytes)",
                                               spans_[1].size - 12)));
}

TEST_F(DamageTest, AHugeLengthPrefixIsRefusedBeforeAnyAllocation) {
  std::string bytes = bytes_.substr(0, spans_[2].offset);
  char header[store::kFrameHeaderBytes];
  store::encode_frame_header(0xFFFFFFF0u, 0, header);  // an intact header
  bytes.append(header, sizeof(header));
  bytes += std::string(100, 'x');
  write_file(path_, bytes);
  const Status s = open();
  EXPECT_EQ(s.code(), Code::kCorruptStore);
  EXPECT_EQ(s.message(), damage(3, "the record declares 4294967280 bytes, more than the limit "
                                   "of 67108864 bytes"));
}

TEST_F(DamageTest, WrongMagic) {
  write_file(path_, "PK\x03\x04" + bytes_.substr(4));
  const Status s = open();
  EXPECT_EQ(s.code(), Code::kCorruptStore);
  EXPECT_EQ(s.message(), "'" + path_ + "' is not a voronka store file: it begins with 50 4b 03 "
                         "04 0d 0a 1a 0a, not 89 56 52 4b 0d 0a 1a 0a");
}

TEST_F(DamageTest, ANewerFormatVersion) {
  std::string bytes = bytes_;
  bytes[8] = 2;
  write_file(path_, bytes);
  const Status s = open();
  EXPECT_EQ(s.code(), Code::kVersionMismatch);
  EXPECT_EQ(s.message(), "store file '" + path_ + "' has format version 2; voronka 0.1.0 "
                         "reads versions up to 1");
}

TEST_F(DamageTest, AnEmptyFile) {
  write_file(path_, "");
  for (bool read_only : {false, true}) {
    const Status s = open(nullptr, read_only);
    EXPECT_EQ(s.code(), Code::kCorruptStore);
    EXPECT_EQ(s.message(), "store file '" + path_ + "' is empty; it should begin with a "
                           "12-byte preamble (magic and format version) and a header");
  }
}

TEST_F(DamageTest, AFileShorterThanItsPreamble) {
  write_file(path_, bytes_.substr(0, 10));
  const Status s = open();
  EXPECT_EQ(s.code(), Code::kCorruptStore);
  EXPECT_EQ(s.message(),
            "store file '" + path_ + "' is 10 bytes long, shorter than its 12-byte preamble");
}

TEST_F(DamageTest, ADamagedFileHeader) {
  std::string bytes = bytes_;
  bytes[store::kPreambleBytes + store::kFrameHeaderBytes + 3] ^= 0x01;
  write_file(path_, bytes);
  const Status s = open();
  EXPECT_EQ(s.code(), Code::kCorruptStore);
  EXPECT_EQ(s.message(), "store file '" + path_ + "': the header at offset 12 is damaged "
                         "(checksum mismatch or unreadable)");
}

TEST_F(DamageTest, APayloadThatIsNoRecord) {
  write_file(path_, log_of({record_payload(1), "\xff\xff\xff not protobuf"}));
  const Status s = open();
  EXPECT_EQ(s.message(), damage(2, "its payload is not a log record (it does not parse)"));
}

TEST_F(DamageTest, ARecordWithoutABody) {
  write_file(path_, log_of({record_payload(1), ""}));
  const Status s = open();
  EXPECT_EQ(s.message(), damage(2, "it holds neither events nor a process"));
}

TEST_F(DamageTest, AMalformedBatch) {
  v1::LogRecord record;
  auto* batch = record.mutable_events();
  batch->set_kinds(std::string(1, static_cast<char>(0x10 | 2)));  // one entered, no columns
  write_file(path_, log_of({record_payload(1), record.SerializeAsString()}));
  Status s = open();
  EXPECT_EQ(s.message(),
            damage(2, "a malformed event batch: the batch has 0 numeric ids where its events "
                      "call for 1"));

  batch->add_ids(0);
  batch->add_deals(7);
  batch->add_times(100);
  batch->add_refs(0);
  write_file(path_, log_of({record_payload(1), record.SerializeAsString()}));
  s = open();
  EXPECT_EQ(s.message(), damage(2, "a malformed event batch: a deal refers to dictionary entry "
                                   "7; the dictionary has 1"));

  batch->set_kinds(std::string(1, static_cast<char>(0x10 | 12)));
  write_file(path_, log_of({record_payload(1), record.SerializeAsString()}));
  s = open();
  EXPECT_EQ(s.message(), damage(2, "a malformed event batch: event 0 has kind 12, which is no "
                                   "event kind"));
}

TEST_F(DamageTest, ARecordWhoseEventsTheLedgerRefuses) {
  // A well-formed batch: 'entered' for a deal that was never opened.
  v1::LogRecord record;
  auto* batch = record.mutable_events();
  batch->add_strings("D-404");
  batch->add_strings("preparation");
  batch->set_kinds(std::string(1, static_cast<char>(0x10 | 2)));
  batch->add_ids(41);  // id 42
  batch->add_deals(1);
  batch->add_times(100);
  batch->add_refs(2);
  write_file(path_, log_of({record_payload(1), record_payload(2), record.SerializeAsString()}));
  const Status s = open();
  EXPECT_EQ(s.code(), Code::kCorruptStore);
  // The ledger's own message follows; the ledger's tests pin it.
  EXPECT_THAT(s.message(), HasSubstr(fmt::format("damaged at offset {}, record 3: its event '42' "
                                                 "of deal 'D-404' was not accepted again (not "
                                                 "found: deal D-404: unknown deal",
                                                 spans_[2].offset)));
}

TEST_F(DamageTest, AProcessRecordTwice) {
  write_file(path_, log_of({record_payload(1), record_payload(1)}));
  const Status s = open();
  EXPECT_EQ(s.message(), damage(2, "its process 'typical_sale' is already the current version"));
}

TEST_F(DamageTest, ACorruptRecordIsNamedEvenAfterRecordsHeldForReplay) {
  // Records 3 and 4 are held together for replay when record 5 turns out bad.
  std::string bytes = bytes_;
  bytes[spans_[4].offset + 14] ^= 0x01;
  write_file(path_, bytes);
  const Status s = open();
  EXPECT_THAT(s.message(), HasSubstr("record 5: checksum mismatch"));
}

TEST(Crc32c, MatchesBoostCrcOnEveryEngineAndInPieces) {
  const std::string check = "123456789";
  for (auto engine : {store::Crc32c::Engine::kFastest, store::Crc32c::Engine::kBoost}) {
    store::Crc32c crc(engine);
    crc.update(check);
    EXPECT_EQ(crc.value(), 0xE3069283u);
  }
  std::string data(100'003, '\0');
  for (size_t i = 0; i < data.size(); ++i) data[i] = static_cast<char>(i * 2654435761u >> 13);
  store::Crc32c boost(store::Crc32c::Engine::kBoost);
  boost.update(data);
  // Cuts inside and at the edges of the three-lane blocks (3 x 4096 bytes)
  // the instruction is run over, and of their 8-byte words.
  for (size_t cut : {0, 1, 7, 8, 9, 4096, 12'287, 12'288, 12'289, 24'581, 100'002, 100'003}) {
    for (auto engine : {store::Crc32c::Engine::kFastest, store::Crc32c::Engine::kBoost}) {
      store::Crc32c crc(engine);
      crc.update(data.data(), cut);
      crc.update(data.data() + cut, data.size() - cut);
      EXPECT_EQ(crc.value(), boost.value()) << cut;
    }
  }
}

}  // namespace
}  // namespace voronka::testing
