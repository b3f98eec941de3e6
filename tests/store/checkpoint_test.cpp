// Checkpoints: opening from one plus the log's tail, and every way one is
// found wanting and set aside.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <google/protobuf/io/coded_stream.h>

#include "huge_pages_testing.hpp"
#include "ledger/large_vector.hpp"
#include "store/checkpoint.hpp"
#include "store/crc32c.hpp"
#include "store/event_id.hpp"
#include "store_testing.hpp"

namespace voronka::testing {
namespace {

using ::testing::HasSubstr;
using ::testing::StartsWith;

class CheckpointTest : public ::testing::Test {
 protected:
  void SetUp() override {
    path_ = dir_.file("s.vrk");
    GeneratorOptions options;
    options.deals = 3000;
    table_ = generate_events(options);
    // Numeric ids past the generator's.
    events_ = every_kind_of_event();
    for (auto& e : events_) {
      uint64_t id = 0;
      if (store::parse_numeric_id(e.event_id(), &id) && id < 1'000'000) {
        e.set_event_id(std::to_string(id + 1'000'000));
      }
    }
  }

  // Creates the store with the events of `table` and a checkpoint after
  // them, and leaves it open in *store.
  void write_checkpointed(const EventTable& table, std::unique_ptr<Store>* store) {
    ASSERT_TRUE(Store::open(path_, {}, store));
    add_generator_processes(**store);
    BatchResult results;
    ASSERT_TRUE((*store)->append(table.columns(), &results));
    expect_all_accepted(results);
    ASSERT_TRUE((*store)->checkpoint());
    EXPECT_EQ((*store)->stats().checkpoint_events, table.size());
  }

  // Writes the generated events and every_kind_of_event(), with a checkpoint
  // after the generated ones.
  void write_store_with_checkpoint() {
    std::unique_ptr<Store> store;
    ASSERT_NO_FATAL_FAILURE(write_checkpointed(table_, &store));
    BatchResult results;
    ASSERT_TRUE(store->append(events_, &results));
    expect_all_accepted(results);
  }

  std::unique_ptr<Ledger> full_replay() {
    auto ledger = std::make_unique<Ledger>();
    add_generator_processes(*ledger);
    expect_all_accepted(ledger->append(table_.columns()));
    expect_all_accepted(ledger->append(events_));
    return ledger;
  }

  // Opens and expects the checkpoint to be ignored with a warning that
  // begins like this, and the whole log replayed.
  void expect_ignored(const std::string& reason) {
    OpenInfo info;
    std::unique_ptr<Store> store;
    ASSERT_TRUE(Store::open(path_, {}, &store, &info));
    EXPECT_FALSE(info.from_checkpoint);
    EXPECT_THAT(info.warning,
                StartsWith("checkpoint '" + path_ + ".checkpoint' was ignored and the whole "
                           "log replayed: " + reason));
    EXPECT_EQ(info.replayed_events, table_.size() + events_.size());
    expect_same_ledger(store->ledger(), *full_replay());
  }

  // Where each frame of the checkpoint starts.
  std::vector<size_t> checkpoint_frames(const std::string& bytes) {
    std::vector<size_t> frames;
    for (size_t at = store::kPreambleBytes; at < bytes.size();) {
      frames.push_back(at);
      at += store::kFrameHeaderBytes + store::get_u32(bytes.data() + at);
    }
    return frames;
  }

  TempDir dir_;
  std::string path_;
  EventTable table_;
  std::vector<v1::Event> events_;
};

TEST_F(CheckpointTest, CheckpointPlusTailEqualsFullReplay) {
  write_store_with_checkpoint();
  OpenInfo info;
  std::unique_ptr<Store> store;
  ASSERT_TRUE(Store::open(path_, {}, &store, &info));
  EXPECT_TRUE(info.from_checkpoint);
  EXPECT_EQ(info.warning, "");
  EXPECT_EQ(info.replayed_events, events_.size());
  EXPECT_EQ(store->stats().events, table_.size() + events_.size());
  EXPECT_EQ(store->stats().checkpoint_events, table_.size());
  expect_same_ledger(store->ledger(), *full_replay());

  // The loaded state takes appends, and duplicates are known.
  BatchResult results;
  ASSERT_TRUE(store->append(events_, &results));
  for (const auto& r : results) EXPECT_EQ(r.outcome, Outcome::kDuplicate);
  const auto more = opened("more-1", "D-more", 100);
  ASSERT_TRUE(store->append({&more, 1}, &results));
  expect_all_accepted(results);
  store.reset();
  ASSERT_TRUE(Store::open(path_, {}, &store, &info));
  EXPECT_EQ(info.replayed_events, events_.size() + 1);
}

TEST_F(CheckpointTest, ACheckpointAtTheEndReplaysNothing) {
  write_store_with_checkpoint();
  std::unique_ptr<Store> store;
  ASSERT_TRUE(Store::open(path_, {}, &store));
  ASSERT_TRUE(store->checkpoint());
  store.reset();
  OpenInfo info;
  StoreOptions read_only;
  read_only.read_only = true;
  ASSERT_TRUE(Store::open(path_, read_only, &store, &info));
  EXPECT_TRUE(info.from_checkpoint);
  EXPECT_EQ(info.replayed_events, 0u);
  expect_same_ledger(store->ledger(), *full_replay());
}

TEST_F(CheckpointTest, LargeArraysLoadOntoHugePagesExactly) {
  // 130,000 deals: the timelines' times and the event index pass 4 MiB,
  // where arrays ask for huge pages.
  GeneratorOptions options;
  options.deals = 130'000;
  const EventTable table = generate_events(options);
  {
    std::unique_ptr<Store> written;
    ASSERT_NO_FATAL_FAILURE(write_checkpointed(table, &written));
  }
  OpenInfo info;
  std::unique_ptr<Store> store;
  ASSERT_TRUE(Store::open(path_, {}, &store, &info));
  ASSERT_TRUE(info.from_checkpoint);
  EXPECT_EQ(info.replayed_events, 0u);
  const ledger::Reader reader(store->ledger());
  const auto& times = reader.state().timelines.raw_times();
  const auto& event_slots = reader.state().events.slots();
  constexpr size_t kLarge = ledger::LargePageAllocator<char>::kThreshold;
  ASSERT_GE(times.capacity() * sizeof(times[0]), kLarge);
  ASSERT_GE(event_slots.capacity() * sizeof(event_slots[0]), kLarge);
  if (has_transparent_huge_pages()) {
    EXPECT_EQ(advised_huge_pages(times.data()), true);
    EXPECT_EQ(advised_huge_pages(event_slots.data()), true);
  }
  Ledger direct;
  add_generator_processes(direct);
  expect_all_accepted(direct.append(table.columns()));
  expect_same_ledger(store->ledger(), direct);
}

TEST_F(CheckpointTest, AnEmptyStoreCheckpoints) {
  std::unique_ptr<Store> store;
  ASSERT_TRUE(Store::open(path_, {}, &store));
  ASSERT_TRUE(store->checkpoint());
  store.reset();
  OpenInfo info;
  ASSERT_TRUE(Store::open(path_, {}, &store, &info));
  EXPECT_TRUE(info.from_checkpoint);
  EXPECT_EQ(store->ledger().stats().deals, 0u);
  add_generator_processes(*store);
}

TEST_F(CheckpointTest, AutomaticCheckpointsFollowTheEventCount) {
  StoreOptions options;
  options.durability = Durability::kNone;
  options.checkpoint_every = 1000;
  std::unique_ptr<Store> store;
  ASSERT_TRUE(Store::open(path_, options, &store));
  add_generator_processes(*store);
  BatchResult results;
  const auto messages = table_.to_messages();
  ASSERT_TRUE(store->append({messages.data(), 999}, &results));
  EXPECT_FALSE(store::file_exists(path_ + ".checkpoint"));
  ASSERT_TRUE(store->append({messages.data() + 999, 2}, &results));
  EXPECT_TRUE(store::file_exists(path_ + ".checkpoint"));
  EXPECT_EQ(store->stats().checkpoint_events, 1001u);
  EXPECT_EQ(store->stats().checkpoint_error, "");
  store.reset();
  OpenInfo info;
  ASSERT_TRUE(Store::open(path_, {}, &store, &info));
  EXPECT_TRUE(info.from_checkpoint);
  EXPECT_EQ(info.replayed_events, 0u);
}

TEST_F(CheckpointTest, AFlippedByteIsIgnoredWithAWarning) {
  write_store_with_checkpoint();
  const std::string checkpoint = path_ + ".checkpoint";
  std::string bytes = read_file(checkpoint);
  bytes[bytes.size() / 2] ^= 0x20;
  write_file(checkpoint, bytes);
  expect_ignored("the chunk of array ");
}

TEST_F(CheckpointTest, ATruncatedCheckpointIsIgnored) {
  write_store_with_checkpoint();
  const std::string checkpoint = path_ + ".checkpoint";
  const std::string bytes = read_file(checkpoint);
  write_file(checkpoint, bytes.substr(0, bytes.size() - 3));
  expect_ignored("the frame at offset ");
  write_file(checkpoint, bytes.substr(0, checkpoint_frames(bytes).back()));
  expect_ignored("the file ends at offset ");
}

TEST_F(CheckpointTest, ACheckpointWithTheWrongMagicIsIgnored) {
  write_store_with_checkpoint();
  const std::string checkpoint = path_ + ".checkpoint";
  write_file(checkpoint, "not a checkpoint at all");
  expect_ignored("'" + checkpoint + "' is not a voronka checkpoint file");
}

TEST_F(CheckpointTest, ACheckpointOfAnotherStoreIsIgnored) {
  write_store_with_checkpoint();
  const std::string checkpoint = read_file(path_ + ".checkpoint");
  // The same events in another file: another store id.
  const std::string other = dir_.file("other.vrk");
  std::filesystem::rename(path_, other);
  std::filesystem::remove(path_ + ".checkpoint");
  {
    std::unique_ptr<Store> store;
    ASSERT_TRUE(Store::open(path_, {}, &store));
    add_generator_processes(*store);
    BatchResult results;
    ASSERT_TRUE(store->append(table_.columns(), &results));
    ASSERT_TRUE(store->append(events_, &results));
  }
  write_file(path_ + ".checkpoint", checkpoint);
  expect_ignored("it belongs to another store");
}

TEST_F(CheckpointTest, ACheckpointOfALogThatChangedIsIgnored) {
  write_store_with_checkpoint();
  const auto spans = record_spans(path_);
  const std::string log = read_file(path_);
  const std::string checkpoint = read_file(path_ + ".checkpoint");
  // The log cut back to its process records, as a salvage might leave it.
  const std::string processes_only = log.substr(0, spans[2].offset);
  write_file(path_, processes_only);
  OpenInfo info;
  std::unique_ptr<Store> store;
  ASSERT_TRUE(Store::open(path_, {}, &store, &info));
  EXPECT_THAT(info.warning, HasSubstr(fmt::format("it covers {} bytes of the log, which has {}",
                                                  spans[2].offset + spans[2].size,
                                                  processes_only.size())));
  EXPECT_EQ(store->ledger().stats().deals, 0u);

  // The same log then grown with other records: the record the checkpoint
  // ended with is gone.
  std::filesystem::remove(path_ + ".checkpoint");
  BatchResult results;
  ASSERT_TRUE(store->append(events_, &results));
  ASSERT_TRUE(store->append(table_.columns(), &results));
  store.reset();
  write_file(path_ + ".checkpoint", checkpoint);
  ASSERT_TRUE(Store::open(path_, {}, &store, &info));
  EXPECT_FALSE(info.from_checkpoint);
  EXPECT_THAT(info.warning, HasSubstr(fmt::format("its last record (at offset {}) is not in the "
                                                  "log",
                                                  spans[2].offset)));
  EXPECT_EQ(store->ledger().stats().events, table_.size() + events_.size());
}

TEST_F(CheckpointTest, AnInconsistentStateIsIgnoredDespiteGoodChecksums) {
  write_store_with_checkpoint();
  const std::string checkpoint = path_ + ".checkpoint";
  std::string bytes = read_file(checkpoint);
  // Find the DEAL_OWNER chunk, point deal 0 at an owner that does not exist,
  // and fix the chunk's checksum as a faulty writer would have written it.
  for (size_t at : checkpoint_frames(bytes)) {
    const size_t payload = at + store::kFrameHeaderBytes;
    const uint32_t length = store::get_u32(bytes.data() + at);
    v1::CheckpointArray chunk;
    if (!chunk.ParseFromArray(bytes.data() + payload, static_cast<int>(length)) ||
        chunk.array() != v1::CheckpointArray::DEAL_OWNER) {
      continue;
    }
    const size_t data = payload + length - chunk.data().size();
    store::put_u32(bytes.data() + data, 999'999);
    char header[store::kFrameHeaderBytes];
    store::encode_frame_header(length, store::crc32c(bytes.data() + payload, length), header);
    bytes.replace(at, sizeof(header), header, sizeof(header));
  }
  write_file(checkpoint, bytes);
  expect_ignored("its state is inconsistent: deal 0 has a stage, owner or client out of range");
}

TEST_F(CheckpointTest, CheckStateCatchesOutOfRangeIds) {
  Ledger ledger;
  add_generator_processes(ledger);
  expect_all_accepted(ledger.append(table_.columns()));
  ledger::State& state = ledger::Access::state(ledger);
  ASSERT_TRUE(store::check_state(state));

  auto& codes = const_cast<ledger::LargeVector<uint32_t>&>(state.timelines.raw_codes());
  const uint32_t saved = codes[1];
  codes[1] = ledger::entry_code(ledger::EntryKind::kLost, 77);
  EXPECT_EQ(store::check_state(state).message(),
            "its state is inconsistent: deal 0 has a timeline entry 0x4d4 out of range");
  codes[1] = saved;

  state.deals.status[5] = static_cast<DealStatus>(9);
  EXPECT_EQ(store::check_state(state).message(),
            "its state is inconsistent: deal 5 has status 9");
  state.deals.status[5] = DealStatus::kOpen;
  state.accepted_events += 1;
  EXPECT_EQ(store::check_state(state).message(),
            fmt::format("its state is inconsistent: the event index holds {} ids for {} "
                        "accepted events",
                        table_.size(), table_.size() + 1));
}

}  // namespace
}  // namespace voronka::testing
