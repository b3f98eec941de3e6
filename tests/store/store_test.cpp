// The store's API: logging, reopening, durability modes, locking, readers,
// write failures and limits.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <signal.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <thread>

#include "store_testing.hpp"

namespace voronka::testing {
namespace {

using ::testing::HasSubstr;
using ::testing::StartsWith;

StoreOptions with(Durability durability) {
  StoreOptions options;
  options.durability = durability;
  return options;
}

std::unique_ptr<Store> open_store(const std::string& path, const StoreOptions& options = {},
                                  OpenInfo* info = nullptr) {
  std::unique_ptr<Store> store;
  const Status s = Store::open(path, options, &store, info);
  EXPECT_TRUE(s) << s.to_string();
  return store;
}

TEST(Store, CreatesAFileAndReplaysItOnOpen) {
  TempDir dir;
  const std::string path = dir.file("pipeline.vrk");
  const auto events = every_kind_of_event();
  Ledger reference;
  add_generator_processes(reference);
  expect_all_accepted(reference.append(events));
  {
    OpenInfo info;
    auto store = open_store(path, {}, &info);
    EXPECT_TRUE(info.created);
    EXPECT_EQ(info.replayed_events, 0u);
    add_generator_processes(*store);
    BatchResult results;
    ASSERT_TRUE(store->append(events, &results));
    expect_all_accepted(results);
    EXPECT_EQ(store->stats().events, events.size());
    EXPECT_EQ(store->stats().records, 3u);  // two processes, one batch
  }
  OpenInfo info;
  auto store = open_store(path, {}, &info);
  EXPECT_FALSE(info.created);
  EXPECT_FALSE(info.from_checkpoint);
  EXPECT_EQ(info.replayed_events, events.size());
  EXPECT_EQ(info.dropped_tail_bytes, 0u);
  EXPECT_EQ(info.warning, "");
  expect_same_ledger(store->ledger(), reference);

  v1::DealState deal;
  ASSERT_TRUE(store->ledger().find_deal("D-1", &deal));
  EXPECT_EQ(deal.status(), "open");
  EXPECT_EQ(deal.stage(), "preparation");
  EXPECT_EQ(deal.owner(), "boris");
  EXPECT_EQ(deal.amount(), 900);
  EXPECT_EQ(deal.fields().at("region"), "north");
  EXPECT_EQ(deal.fields().at("budget"), "500");
  ASSERT_TRUE(store->ledger().find_deal("D-2", &deal));
  EXPECT_EQ(deal.status(), "won");
  EXPECT_EQ(deal.amount(), 5000);

  // Re-delivered events are duplicates after the reopen, as before it.
  BatchResult results;
  ASSERT_TRUE(store->append(events, &results));
  for (const auto& r : results) EXPECT_EQ(r.outcome, Outcome::kDuplicate);
  EXPECT_EQ(store->stats().records, 3u);  // nothing new was logged
  // The same id with other content is still a conflict.
  auto changed = events[2];
  changed.set_at(2001);
  ASSERT_TRUE(store->append({&changed, 1}, &results));
  EXPECT_EQ(results[0].status.code(), Code::kConflictingDuplicate);
}

TEST(Store, LogsExactlyTheAcceptedEventsInTheOrderTheyWereApplied) {
  TempDir dir;
  const std::string path = dir.file("s.vrk");
  // Out of time order, with a rejected event and a duplicate in the batch.
  const std::vector<v1::Event> batch = {
      entered("3", "D-1", 300, "preparation"), opened("1", "D-1", 100),
      entered("9", "D-1", 350, "contract"),  // illegal: rejected
      opened("4", "D-2", 50),  entered("2", "D-1", 200, "evaluation"),
      opened("4", "D-2", 50),  // a duplicate in the same batch
  };
  Ledger reference;
  add_generator_processes(reference);
  const auto expected = reference.append(batch);
  {
    auto store = open_store(path);
    add_generator_processes(*store);
    BatchResult results;
    ASSERT_TRUE(store->append(batch, &results));
    ASSERT_EQ(results.size(), expected.size());
    for (size_t i = 0; i < results.size(); ++i) {
      EXPECT_EQ(results[i].outcome, expected[i].outcome) << i;
      EXPECT_EQ(results[i].status.to_string(), expected[i].status.to_string()) << i;
    }
    EXPECT_EQ(store->stats().events, 4u);
  }
  auto store = open_store(path);
  EXPECT_EQ(store->ledger().stats().events, 4u);
  expect_same_ledger(store->ledger(), reference);
}

TEST(Store, ColumnarAppendsRoundTrip) {
  TempDir dir;
  const std::string path = dir.file("s.vrk");
  GeneratorOptions options;
  options.deals = 500;
  const EventTable table = generate_events(options);
  Ledger reference;
  add_generator_processes(reference);
  expect_all_accepted(reference.append(table.columns()));
  {
    auto store = open_store(path, with(Durability::kNone));
    add_generator_processes(*store);
    BatchResult results;
    ASSERT_TRUE(store->append(table.columns(), &results));
    expect_all_accepted(results);
  }
  OpenInfo info;
  auto store = open_store(path, {}, &info);
  EXPECT_EQ(info.replayed_events, table.size());
  expect_same_ledger(store->ledger(), reference);
}

TEST(Store, ReportsTheProgressOfABigBatch) {
  GeneratorOptions options;
  options.deals = 30'000;  // beyond one progress step
  const EventTable table = generate_events(options);
  auto store = Store::memory();
  add_generator_processes(*store);
  std::vector<std::pair<uint64_t, uint64_t>> calls;
  BatchResult results;
  ASSERT_TRUE(store->append(table.columns(), &results,
                            [&](uint64_t done, uint64_t total) { calls.emplace_back(done, total); }));
  expect_all_accepted(results);
  ASSERT_GE(calls.size(), 2u);
  EXPECT_EQ(calls.back(), std::make_pair(uint64_t{table.size()}, uint64_t{table.size()}));
  for (size_t i = 1; i < calls.size(); ++i) {
    EXPECT_LT(calls[i - 1].first, calls[i].first);
    EXPECT_EQ(calls[i].second, table.size());
  }
}

TEST(Store, AnOpenedEventWithSeveralFieldsRoundTrips) {
  TempDir dir;
  const std::string path = dir.file("s.vrk");
  v1::Event e = opened("1", "D-1", 100);
  auto& fields = *e.mutable_opened()->mutable_fields();
  fields["region"] = "north";
  fields["source"] = "web";
  fields["segment"] = "";
  {
    auto store = open_store(path);
    add_generator_processes(*store);
    BatchResult results;
    ASSERT_TRUE(store->append({&e, 1}, &results));
    expect_all_accepted(results);
  }
  auto store = open_store(path);
  v1::DealState deal;
  ASSERT_TRUE(store->ledger().find_deal("D-1", &deal));
  EXPECT_EQ(deal.fields().size(), 2u);
  EXPECT_EQ(deal.fields().at("region"), "north");
  EXPECT_EQ(deal.fields().at("source"), "web");
  BatchResult results;
  ASSERT_TRUE(store->append({&e, 1}, &results));
  EXPECT_EQ(results[0].outcome, Outcome::kDuplicate);
}

TEST(Store, ProcessVersionsAreLoggedAndReplayed) {
  TempDir dir;
  const std::string path = dir.file("s.vrk");
  auto first = ProcessBuilder("p", v1::Process::AUTOMATIC).stage("a").stage("b").definition();
  auto second = ProcessBuilder("p", v1::Process::AUTOMATIC).stage("a").stage("c").definition();
  {
    auto store = open_store(path);
    uint16_t id = 99;
    bool created = false;
    ASSERT_TRUE(store->add_process(first, &id, &created));
    EXPECT_EQ(id, 0);
    EXPECT_TRUE(created);
    ASSERT_TRUE(store->add_process(first, &id, &created));  // unchanged: not logged
    EXPECT_FALSE(created);
    BatchResult results;
    const auto e = opened("1", "D-1", 100, "p");
    ASSERT_TRUE(store->append({&e, 1}, &results));
    ASSERT_TRUE(store->add_process(second, &id, &created));
    EXPECT_EQ(id, 1);
    const auto bad = ProcessBuilder("q", v1::Process::AUTOMATIC).definition();  // no stages
    EXPECT_EQ(store->add_process(bad).code(), Code::kInvalidProcess);
    EXPECT_EQ(store->stats().records, 3u);
  }
  auto store = open_store(path);
  ASSERT_EQ(store->ledger().process("p")->version(), 2u);
  EXPECT_EQ(store->ledger().process("p")->stage_key(1), "c");
  v1::DealState deal;
  ASSERT_TRUE(store->ledger().find_deal("D-1", &deal));
  EXPECT_EQ(deal.process_version(), 1u);
}

TEST(Store, SplitsLargeBatchesIntoRecords) {
  TempDir dir;
  const std::string path = dir.file("s.vrk");
  GeneratorOptions options;
  options.deals = 30000;  // about 144,000 events: three records
  const EventTable table = generate_events(options);
  {
    auto store = open_store(path, with(Durability::kNone));
    add_generator_processes(*store);
    BatchResult results;
    ASSERT_TRUE(store->append(table.columns(), &results));
    EXPECT_EQ(store->stats().records, 2 + (table.size() + 65535) / 65536);
    // A record after the batch's records starts where they end.
    v1::Process renamed = generator_processes()[0];
    renamed.set_name("Typical sale, renamed");
    ASSERT_TRUE(store->add_process(renamed));
  }
  OpenInfo info;
  auto store = open_store(path, {}, &info);
  EXPECT_EQ(info.replayed_events, table.size());
  EXPECT_EQ(store->ledger().stats().deals, 30000u);
  EXPECT_EQ(store->ledger().process("typical_sale")->version(), 2u);
}

TEST(Store, AReplayReservesTheLedgerForTheWholeLog) {
  TempDir dir;
  const std::string path = dir.file("s.vrk");
  GeneratorOptions options;
  options.deals = 30000;  // about 144,000 events: flushed to the ledger in three parts
  const EventTable table = generate_events(options);
  Ledger whole;  // one batch, reserved exactly
  add_generator_processes(whole);
  expect_all_accepted(whole.append(table.columns()));
  {
    auto store = open_store(path, with(Durability::kNone));
    add_generator_processes(*store);
    BatchResult results;
    ASSERT_TRUE(store->append(table.columns(), &results));
  }
  auto store = open_store(path);
  ASSERT_EQ(store->ledger().stats().events, table.size());
  // Grown flush by flush, the arrays would hold up to twice what they need.
  EXPECT_LT(static_cast<double>(store->ledger().stats().memory_bytes),
            1.12 * static_cast<double>(whole.stats().memory_bytes));
}

TEST(Store, GeneratorDataTakesFewerThan16BytesPerEvent) {
  TempDir dir;
  const std::string path = dir.file("s.vrk");
  GeneratorOptions options;
  options.deals = 5000;
  const EventTable table = generate_events(options);
  auto store = open_store(path, with(Durability::kNone));
  add_generator_processes(*store);
  BatchResult results;
  ASSERT_TRUE(store->append(table.columns(), &results));
  const double per_event = static_cast<double>(store->stats().file_bytes) / table.size();
  EXPECT_LT(per_event, 16.0);
  EXPECT_GT(per_event, 4.0);
}

TEST(Store, SyncModeIsDurableWhenAppendReturns) {
  TempDir dir;
  auto store = open_store(dir.file("s.vrk"), with(Durability::kSync));
  add_generator_processes(*store);
  BatchResult results;
  const auto e = opened("1", "D-1", 100);
  ASSERT_TRUE(store->append({&e, 1}, &results));
  EXPECT_EQ(store->stats().durable_bytes, store->stats().file_bytes);
}

TEST(Store, NoneModeSyncsOnlyWhenAsked) {
  TempDir dir;
  auto store = open_store(dir.file("s.vrk"), with(Durability::kNone));
  const uint64_t created = store->stats().durable_bytes;
  add_generator_processes(*store);
  EXPECT_EQ(store->stats().durable_bytes, created);
  ASSERT_TRUE(store->sync());
  EXPECT_EQ(store->stats().durable_bytes, store->stats().file_bytes);
}

TEST(Store, GroupModeSyncsWithinTheDelay) {
  TempDir dir;
  StoreOptions options = with(Durability::kGroup);
  options.group_max_delay_ms = 20;
  auto store = open_store(dir.file("s.vrk"), options);
  add_generator_processes(*store);
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(5);
  while (store->stats().durable_bytes != store->stats().file_bytes &&
         std::chrono::steady_clock::now() < deadline) {
    std::this_thread::sleep_for(std::chrono::milliseconds(2));
  }
  EXPECT_EQ(store->stats().durable_bytes, store->stats().file_bytes);
}

TEST(Store, GroupModeSyncsOnceEnoughEventsWait) {
  TempDir dir;
  StoreOptions options = with(Durability::kGroup);
  options.group_max_delay_ms = 60'000;
  options.group_max_events = 10;
  auto store = open_store(dir.file("s.vrk"), options);
  add_generator_processes(*store);
  std::vector<v1::Event> events;
  for (int i = 0; i < 10; ++i) {
    events.push_back(opened(std::to_string(i + 1), "D-" + std::to_string(i), 100));
  }
  BatchResult results;
  ASSERT_TRUE(store->append(events, &results));
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(5);
  while (store->stats().durable_bytes != store->stats().file_bytes &&
         std::chrono::steady_clock::now() < deadline) {
    std::this_thread::sleep_for(std::chrono::milliseconds(2));
  }
  EXPECT_EQ(store->stats().durable_bytes, store->stats().file_bytes);
}

TEST(Store, GroupModeSyncsOnClose) {
  TempDir dir;
  const std::string path = dir.file("s.vrk");
  StoreOptions options = with(Durability::kGroup);
  options.group_max_delay_ms = 60'000;
  {
    auto store = open_store(path, options);
    add_generator_processes(*store);
    EXPECT_LT(store->stats().durable_bytes, store->stats().file_bytes);
  }
  auto store = open_store(path);
  EXPECT_EQ(store->ledger().processes().size(), 2u);
}

TEST(Store, MissingFiles) {
  TempDir dir;
  std::unique_ptr<Store> store;
  StoreOptions options;
  options.create_if_missing = false;
  Status s = Store::open(dir.file("absent.vrk"), options, &store);
  EXPECT_EQ(s.code(), Code::kNotFound);
  EXPECT_EQ(s.message(), "store file '" + dir.file("absent.vrk") + "' does not exist");
  EXPECT_FALSE(store::file_exists(dir.file("absent.vrk.lock")));
  options.read_only = true;
  s = Store::open(dir.file("absent.vrk"), options, &store);
  EXPECT_EQ(s.code(), Code::kNotFound);
  EXPECT_EQ(s.message(), "store file '" + dir.file("absent.vrk") + "' does not exist");
  EXPECT_EQ(store, nullptr);
}

TEST(Store, NamesItsFiles) {
  TempDir dir;
  const std::string path = dir.file("s.vrk");
  EXPECT_EQ(store_files(path),
            (std::vector<std::string>{path, path + ".lock", path + ".checkpoint"}));
  {
    auto store = open_store(path);
    ASSERT_TRUE(store->checkpoint());
  }
  for (const std::string& file : store_files(path)) EXPECT_TRUE(store::file_exists(file)) << file;
}

TEST(Store, ASecondWriterInTheSameProcessIsLockedOut) {
  TempDir dir;
  const std::string path = dir.file("s.vrk");
  auto first = open_store(path);
  std::unique_ptr<Store> second;
  const Status s = Store::open(path, {}, &second);
  EXPECT_EQ(s.code(), Code::kLocked);
  EXPECT_EQ(s.message(), fmt::format("store '{}' is locked by another writer (pid {}, this "
                                     "process); a store has one writer at a time, and any "
                                     "number of read-only handles",
                                     path, ::getpid()));
  // Readers are welcome beside the writer.
  StoreOptions read_only;
  read_only.read_only = true;
  EXPECT_TRUE(Store::open(path, read_only, &second));
  second.reset();
  first.reset();
  EXPECT_TRUE(Store::open(path, {}, &second));
}

TEST(Store, AWriterInAnotherProcessIsNamedByItsPid) {
  TempDir dir;
  const std::string path = dir.file("s.vrk");
  int ready[2], done[2];
  ASSERT_EQ(::pipe(ready), 0);
  ASSERT_EQ(::pipe(done), 0);
  const pid_t child = ::fork();
  ASSERT_GE(child, 0);
  if (child == 0) {
    std::unique_ptr<Store> store;
    const bool opened = static_cast<bool>(Store::open(path, {}, &store));
    char byte = opened ? 1 : 0;
    (void)!::write(ready[1], &byte, 1);
    (void)!::read(done[0], &byte, 1);
    ::_exit(0);
  }
  char byte = 0;
  ASSERT_EQ(::read(ready[0], &byte, 1), 1);
  ASSERT_EQ(byte, 1);
  std::unique_ptr<Store> store;
  const Status s = Store::open(path, {}, &store);
  EXPECT_EQ(s.code(), Code::kLocked);
  EXPECT_THAT(s.message(), HasSubstr(fmt::format("locked by another writer (pid {})", child)));
  ASSERT_EQ(::write(done[1], &byte, 1), 1);
  int status = 0;
  ::waitpid(child, &status, 0);
  EXPECT_TRUE(Store::open(path, {}, &store)) << "the lock goes with its holder";
  for (int fd : {ready[0], ready[1], done[0], done[1]}) ::close(fd);
}

TEST(Store, ReadOnlyHandlesRefreshToSeeNewEvents) {
  TempDir dir;
  const std::string path = dir.file("s.vrk");
  auto writer = open_store(path);
  add_generator_processes(*writer);
  BatchResult results;
  const auto first = opened("1", "D-1", 100);
  ASSERT_TRUE(writer->append({&first, 1}, &results));

  StoreOptions options;
  options.read_only = true;
  auto reader = open_store(path, options);
  EXPECT_EQ(reader->ledger().stats().events, 1u);
  bool changed = true;
  ASSERT_TRUE(reader->refresh(&changed));
  EXPECT_FALSE(changed);

  const auto events = std::vector<v1::Event>{entered("2", "D-1", 200, "preparation"),
                                             opened("3", "D-2", 300)};
  ASSERT_TRUE(writer->append(events, &results));
  ASSERT_TRUE(reader->refresh(&changed));
  EXPECT_TRUE(changed);
  EXPECT_EQ(reader->ledger().stats().events, 3u);
  expect_same_ledger(reader->ledger(), writer->ledger());

  // An append of duplicates only logs nothing.
  const std::string bytes = read_file(path);
  ASSERT_TRUE(writer->append({&events[0], 1}, &results));
  EXPECT_EQ(results[0].outcome, Outcome::kDuplicate);
  EXPECT_EQ(read_file(path), bytes);

  const Status s = reader->append({&first, 1}, &results);
  EXPECT_EQ(s.code(), Code::kInvalidArgument);
  EXPECT_EQ(s.message(), "store '" + path + "' is open read-only");
  ASSERT_EQ(results.size(), 1u);
  EXPECT_EQ(results[0].outcome, Outcome::kRejected);
  EXPECT_EQ(reader->checkpoint().code(), Code::kInvalidArgument);
  EXPECT_EQ(reader->add_process(generator_processes()[0]).code(), Code::kInvalidArgument);
}

TEST(Store, ReadOnlyHandlesLeaveAnIncompleteLastRecordForLater) {
  TempDir dir;
  const std::string path = dir.file("s.vrk");
  {
    auto writer = open_store(path);
    add_generator_processes(*writer);
    BatchResult results;
    const auto e = opened("1", "D-1", 100);
    ASSERT_TRUE(writer->append({&e, 1}, &results));
  }
  const std::string whole = read_file(path);
  const auto spans = record_spans(path);
  const RecordSpan last = spans.back();
  write_file(path, whole.substr(0, last.offset + last.size / 2));

  StoreOptions options;
  options.read_only = true;
  OpenInfo info;
  auto reader = open_store(path, options, &info);
  EXPECT_EQ(reader->ledger().stats().events, 0u);
  EXPECT_EQ(info.dropped_tail_bytes, last.size / 2);
  EXPECT_THAT(info.warning, StartsWith(fmt::format("left {} bytes at offset {} unread",
                                                   last.size / 2, last.offset)));
  EXPECT_EQ(read_file(path).size(), last.offset + last.size / 2) << "a reader never truncates";

  write_file(path, whole);  // the writer finishes the record
  bool changed = false;
  ASSERT_TRUE(reader->refresh(&changed));
  EXPECT_TRUE(changed);
  EXPECT_EQ(reader->ledger().stats().events, 1u);
}

TEST(Store, RefreshReportsDamageAndKeepsReportingIt) {
  TempDir dir;
  const std::string path = dir.file("s.vrk");
  auto writer = open_store(path);
  StoreOptions options;
  options.read_only = true;
  auto reader = open_store(path, options);
  add_generator_processes(*writer);
  std::string bytes = read_file(path);
  const auto spans = record_spans(path);
  bytes[spans[1].offset + 20] ^= 0x01;
  write_file(path, bytes);
  const Status s = reader->refresh();
  EXPECT_EQ(s.code(), Code::kCorruptStore);
  EXPECT_THAT(s.message(), HasSubstr(fmt::format("damaged at offset {}, record 2: checksum "
                                                 "mismatch",
                                                 spans[1].offset)));
  EXPECT_EQ(reader->refresh().to_string(), s.to_string());
}

TEST(Store, AFailedWriteStopsEveryLaterWrite) {
  TempDir dir;
  const std::string path = dir.file("s.vrk");
  auto store = open_store(path);
  add_generator_processes(*store);
  BatchResult results;
  const auto first = opened("1", "D-1", 100);
  ASSERT_TRUE(store->append({&first, 1}, &results));
  const uint64_t size = store->stats().file_bytes;

  // Writing past RLIMIT_FSIZE fails with EFBIG once SIGXFSZ is ignored.
  struct rlimit saved;
  ASSERT_EQ(::getrlimit(RLIMIT_FSIZE, &saved), 0);
  struct sigaction ignore = {}, previous = {};
  ignore.sa_handler = SIG_IGN;
  ASSERT_EQ(::sigaction(SIGXFSZ, &ignore, &previous), 0);
  struct rlimit limit = saved;
  limit.rlim_cur = size + 4;
  ASSERT_EQ(::setrlimit(RLIMIT_FSIZE, &limit), 0);
  const auto second = opened("2", "D-2", 200);
  const Status s = store->append({&second, 1}, &results);
  ASSERT_EQ(::setrlimit(RLIMIT_FSIZE, &saved), 0);
  ASSERT_EQ(::sigaction(SIGXFSZ, &previous, nullptr), 0);

  EXPECT_EQ(s.code(), Code::kIo);
  EXPECT_THAT(s.message(), HasSubstr(fmt::format(" bytes at offset {} of '{}': File too large",
                                                 size + 4, path)));
  EXPECT_THAT(s.message(), HasSubstr("refuses further writes"));
  EXPECT_EQ(results[0].outcome, Outcome::kAccepted);  // the ledger took it
  EXPECT_EQ(store->ledger().stats().events, 2u);
  EXPECT_EQ(store->stats().failure.to_string(), s.to_string());

  const auto third = opened("3", "D-3", 300);
  EXPECT_EQ(store->append({&third, 1}, &results).to_string(), s.to_string());
  EXPECT_EQ(results[0].outcome, Outcome::kRejected);
  EXPECT_EQ(store->ledger().stats().events, 2u) << "refused writes never reach the ledger";
  EXPECT_EQ(store->add_process(generator_processes()[0]).to_string(), s.to_string());
  EXPECT_EQ(store->sync().to_string(), s.to_string());
  EXPECT_EQ(store->checkpoint().to_string(), s.to_string());
  store.reset();

  OpenInfo info;
  store = open_store(path, {}, &info);
  EXPECT_EQ(store->ledger().stats().events, 1u);
  EXPECT_EQ(info.dropped_tail_bytes, 4u);
}

TEST(Store, EventsWithTooMuchTextAreRejected) {
  TempDir dir;
  const std::string path = dir.file("s.vrk");
  auto store = open_store(path);
  add_generator_processes(*store);
  std::vector<v1::Event> events = {opened("1", "D-1", 100), opened("2", "D-2", 100),
                                   opened("3", "D-3", 100)};
  events[1].mutable_opened()->set_client(std::string(Store::kMaxEventTextBytes, 'x'));
  BatchResult results;
  ASSERT_TRUE(store->append(events, &results));
  ASSERT_EQ(results.size(), 3u);
  EXPECT_EQ(results[0].outcome, Outcome::kAccepted);
  EXPECT_EQ(results[1].outcome, Outcome::kRejected);
  EXPECT_EQ(results[1].status.code(), Code::kLimitExceeded);
  EXPECT_EQ(results[1].status.message(),
            fmt::format("deal D-2: event 2 holds {} bytes of text, more than the {} bytes a "
                        "stored event may hold",
                        Store::kMaxEventTextBytes + 20, Store::kMaxEventTextBytes));  // + id, deal, process, owner
  EXPECT_EQ(results[2].outcome, Outcome::kAccepted);
  EXPECT_EQ(store->ledger().stats().events, 2u);

  // The same through columns.
  const std::vector<std::string_view> ids = {"4", "5"}, deals = {"D-4", "D-5"},
                                      processes = {"typical_sale", "typical_sale"};
  const std::string long_owner(Store::kMaxEventTextBytes, 'o');
  const std::vector<std::string_view> owners = {"anna", long_owner};
  const std::vector<int64_t> at = {100, 100};
  const std::vector<EventKind> kinds = {EventKind::kOpened, EventKind::kOpened};
  EventColumns columns;
  columns.size = 2;
  columns.event_id = ids;
  columns.deal = deals;
  columns.at = at;
  columns.kind = kinds;
  columns.process = processes;
  columns.owner = owners;
  ASSERT_TRUE(store->append(columns, &results));
  EXPECT_EQ(results[0].outcome, Outcome::kAccepted);
  EXPECT_EQ(results[1].status.code(), Code::kLimitExceeded);
  ASSERT_TRUE(store->checkpoint());
  store.reset();
  store = open_store(path);  // from the checkpoint
  EXPECT_EQ(store->ledger().stats().events, 3u);
  // A reopened store keeps the limit; the same event fits a ledger alone.
  const std::vector<std::string_view> ids6 = {"6", "7"}, deals6 = {"D-6", "D-7"};
  columns.event_id = ids6;
  columns.deal = deals6;
  ASSERT_TRUE(store->append(columns, &results));
  EXPECT_EQ(results[0].outcome, Outcome::kAccepted);
  EXPECT_EQ(results[1].status.code(), Code::kLimitExceeded);
  Ledger ledger;
  for (const auto& p : generator_processes()) ASSERT_TRUE(ledger.add_process(p));
  for (const auto& r : ledger.append(columns)) EXPECT_EQ(r.outcome, Outcome::kAccepted);

  // The message quotes the first 100 bytes of a long deal key without
  // splitting a letter: "D" and 49 two-byte letters.
  std::string russian_deal = "D";
  for (size_t i = 0; i < Store::kMaxEventTextBytes / 2; ++i) russian_deal += "\xd0\xb4";  // "д"
  std::string shown_deal = "D";
  for (int i = 0; i < 49; ++i) shown_deal += "\xd0\xb4";
  ASSERT_TRUE(store->append(std::vector<v1::Event>{opened("8", russian_deal, 100)}, &results));
  EXPECT_EQ(results[0].status.message(),
            fmt::format("deal {}: event 8 holds {} bytes of text, more than the {} bytes a "
                        "stored event may hold",
                        shown_deal, russian_deal.size() + 21, Store::kMaxEventTextBytes));  // + id, process, owner, client
}

TEST(Store, MemoryStoresOfferTheSameApiWithoutAFile) {
  auto store = Store::memory();
  add_generator_processes(*store);
  BatchResult results;
  ASSERT_TRUE(store->append(every_kind_of_event(), &results));
  expect_all_accepted(results);
  EXPECT_TRUE(store->sync());
  EXPECT_TRUE(store->checkpoint());
  bool changed = true;
  EXPECT_TRUE(store->refresh(&changed));
  EXPECT_FALSE(changed);
  EXPECT_EQ(store->ledger().stats().events, every_kind_of_event().size());
  EXPECT_EQ(store->stats().file_bytes, 0u);
}

TEST(Store, ReadersRunWhileAnotherThreadAppends) {
  TempDir dir;
  auto store = open_store(dir.file("s.vrk"), with(Durability::kNone));
  add_generator_processes(*store);
  GeneratorOptions options;
  options.deals = 2000;
  const EventTable table = generate_events(options);
  const auto messages = table.to_messages();
  std::atomic<bool> done = false;
  std::thread writer([&] {
    BatchResult results;
    for (size_t i = 0; i < messages.size(); i += 500) {
      const size_t n = std::min<size_t>(500, messages.size() - i);
      EXPECT_TRUE(store->append({messages.data() + i, n}, &results));
    }
    done = true;
  });
  std::thread reader([&] {
    uint64_t last = 0;
    while (!done) {
      const uint64_t events = store->ledger().stats().events;
      EXPECT_GE(events, last);
      last = events;
      (void)store->stats();
    }
  });
  writer.join();
  reader.join();
  EXPECT_EQ(store->ledger().stats().events, messages.size());
  EXPECT_EQ(store->stats().events, messages.size());
}

}  // namespace
}  // namespace voronka::testing
