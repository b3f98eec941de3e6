// The ledger's building blocks, each against a plain reference.
#include <gtest/gtest.h>

#include <algorithm>
#include <cstdint>
#include <map>
#include <numeric>
#include <random>
#include <string>
#include <tuple>
#include <unordered_map>
#include <vector>

#include "ledger/batch_order.hpp"
#include "ledger/event_index.hpp"
#include "ledger/hash.hpp"
#include "ledger/id_table.hpp"
#include "ledger/interner.hpp"
#include "ledger/large_vector.hpp"
#include "ledger/opened_blocks.hpp"
#include "ledger/timelines.hpp"

#include "huge_pages_testing.hpp"

namespace voronka::ledger {
namespace {

TEST(Hash, IsFixedAcrossBuilds) {
  // Checkpoints store hash tables: these values must never change.
  EXPECT_EQ(hash_bytes(""), 0x42bc986dc5eec4d3ull);
  EXPECT_EQ(hash_bytes("D0000001"), hash_bytes("D0000001"));
  EXPECT_NE(hash_bytes("D0000001"), hash_bytes("D0000002"));
  EXPECT_NE(hash_bytes("abc"), hash_bytes("abd"));
  EXPECT_NE(hash_bytes(std::string(40, 'x')), hash_bytes(std::string(41, 'x')));
  EXPECT_NE(hash_u64(1), hash_u64(2));
}

TEST(Timelines, RandomInterleavingsKeepEveryDealsEntriesInOrder) {
  std::mt19937 random(11);
  Timelines timelines;
  std::vector<std::vector<std::pair<int64_t, uint32_t>>> reference;
  for (int step = 0; step < 200000; ++step) {
    if (reference.empty() || random() % 50 == 0) {
      timelines.add_deal();
      reference.emplace_back();
    }
    // Mostly the newest deals, sometimes any: runs must move.
    const uint32_t deal = random() % 4 == 0
                              ? random() % reference.size()
                              : reference.size() - 1 - random() % std::min<size_t>(3, reference.size());
    const auto at = static_cast<int64_t>(step);
    const auto code = static_cast<uint32_t>(random());
    timelines.append(deal, at, code);
    reference[deal].emplace_back(at, code);
    if (step == 100000) timelines.compact();
  }
  size_t live = 0;
  for (uint32_t deal = 0; deal < reference.size(); ++deal) {
    const auto times = timelines.times(deal);
    const auto codes = timelines.codes(deal);
    ASSERT_EQ(times.size(), reference[deal].size());
    for (size_t i = 0; i < times.size(); ++i) {
      ASSERT_EQ(times[i], reference[deal][i].first);
      ASSERT_EQ(codes[i], reference[deal][i].second);
    }
    live += times.size();
  }
  EXPECT_EQ(timelines.live_entries(), live);
  // Garbage is bounded: arrays hold at most a few times the live entries.
  EXPECT_LT(timelines.memory_bytes(), live * 12 * 6 + (1 << 20));
}

TEST(OpenedBlocks, HoldTheEarliestAndLatestOpeningOfEachBlock) {
  constexpr uint32_t kBlock = ledger::OpenedBlocks::kDeals;
  std::mt19937 random(7);
  std::vector<int64_t> opened(2 * kBlock + 5);
  for (int64_t& at : opened) at = static_cast<int64_t>(random() % 1'000'000) - 500'000;
  opened[3] = INT64_MIN;  // times at the ends of the range
  opened[kBlock + 9] = INT64_MAX;
  ledger::OpenedBlocks added, assigned;
  for (int64_t at : opened) added.add(at);
  assigned.assign(opened);
  ASSERT_EQ(added.size(), 3u);
  ASSERT_EQ(assigned.size(), 3u);
  for (uint32_t b = 0; b < 3; ++b) {
    const auto first = opened.begin() + b * kBlock;
    const auto last = opened.begin() + std::min<size_t>(opened.size(), (b + 1) * kBlock);
    const auto [earliest, latest] = std::minmax_element(first, last);
    EXPECT_EQ(added.block(b).earliest, *earliest) << "block " << b;
    EXPECT_EQ(added.block(b).latest, *latest) << "block " << b;
    EXPECT_EQ(assigned.block(b).earliest, *earliest) << "block " << b;
    EXPECT_EQ(assigned.block(b).latest, *latest) << "block " << b;
  }
  EXPECT_EQ(added.block(0).earliest, INT64_MIN);
  EXPECT_EQ(added.block(1).latest, INT64_MAX);
  // The last block holds five deals.
  EXPECT_EQ(added.block(2).earliest, *std::min_element(opened.end() - 5, opened.end()));
}

TEST(Interner, AssignsDenseIdsAndFindsThemAgain) {
  Interner interner;
  std::unordered_map<std::string, uint32_t> reference;
  std::mt19937 random(3);
  for (int i = 0; i < 100000; ++i) {
    const std::string key = "k" + std::to_string(random() % 30000);
    const uint32_t id = interner.intern(key);
    auto [it, inserted] = reference.emplace(key, id);
    if (inserted) {
      EXPECT_EQ(id, reference.size() - 1);
    } else {
      EXPECT_EQ(id, it->second);
    }
  }
  for (const auto& [key, id] : reference) {
    EXPECT_EQ(interner.find(key), id);
    EXPECT_EQ(interner.str(id), key);
  }
  EXPECT_EQ(interner.find("absent"), Interner::kMissing);
  EXPECT_EQ(interner.size(), reference.size());
}

TEST(LargeVector, LargeArraysAskForHugePagesWhereverTheyGrow) {
  // Past 4 MiB an array asks for huge pages over all it reserves, and again
  // where growing moves it.
  constexpr size_t kLarge = LargePageAllocator<uint32_t>::kThreshold / sizeof(uint32_t);
  LargeVector<uint32_t> large;
  large.reserve(kLarge);
  for (uint32_t i = 0; i < 3 * kLarge; ++i) large.push_back(i * 7);
  ASSERT_GE(large.capacity(), 3 * kLarge);  // it grew, so it moved
  for (uint32_t i = 0; i < 3 * kLarge; ++i) ASSERT_EQ(large[i], i * 7);
  const LargeVector<uint64_t> zeroed(kLarge, 0);
  EXPECT_TRUE(std::all_of(zeroed.begin(), zeroed.end(), [](uint64_t v) { return v == 0; }));
  if (testing::has_transparent_huge_pages()) {
    EXPECT_EQ(testing::advised_huge_pages(large.data()), true);
    EXPECT_EQ(testing::advised_huge_pages(large.data() + large.capacity() - 1), true);
    EXPECT_EQ(testing::advised_huge_pages(zeroed.data()), true);
  }
  // Smaller arrays are on the ordinary heap.
  LargeVector<uint32_t> small(1000, 3);
  small.push_back(4);
  EXPECT_EQ(small.size(), 1001u);
  EXPECT_EQ(small.back(), 4u);
}

TEST(LargeVector, StandardVectorsReservedOnHugePagesAskForThemInside) {
  // 16 MiB on the standard allocator, not aligned to huge pages: the whole
  // huge pages inside it ask for them.
  constexpr size_t kCount = 4 * LargePageAllocator<uint64_t>::kThreshold / sizeof(uint64_t);
  std::vector<uint64_t> large;
  reserve_on_huge_pages(&large, kCount);
  EXPECT_TRUE(large.empty());
  ASSERT_GE(large.capacity(), kCount);
  for (uint64_t i = 0; i < kCount; ++i) large.push_back(i * 3);
  for (uint64_t i = 0; i < kCount; ++i) ASSERT_EQ(large[i], i * 3);
  if (testing::has_transparent_huge_pages()) {
    EXPECT_EQ(testing::advised_huge_pages(large.data() + kCount / 2), true);
  }
  std::vector<uint64_t> small{1, 2};
  reserve_on_huge_pages(&small, 100);
  EXPECT_GE(small.capacity(), 100u);
  EXPECT_EQ(small, (std::vector<uint64_t>{1, 2}));
}

TEST(IdTable, FindsEveryIdAcrossGrowthIntoHugePages) {
  // 400,000 ids grow the table past 4 MiB, where it asks for huge pages.
  IdTable table;
  constexpr uint32_t kIds = 400'000;
  for (uint32_t id = 0; id < kIds; ++id) table.insert(hash_u64(id), id);
  EXPECT_GE(table.slots().size() * sizeof(uint64_t), LargePageAllocator<uint64_t>::kThreshold);
  for (uint32_t id = 0; id < kIds; ++id) {
    ASSERT_EQ(table.find(hash_u64(id), [id](uint32_t candidate) { return candidate == id; }), id);
  }
  EXPECT_EQ(table.find(hash_u64(kIds), [](uint32_t candidate) { return candidate == kIds; }),
            IdTable::kMissing);
  EXPECT_EQ(table.size(), kIds);
}

TEST(EventIndex, NumericAndTextIdsAreExact) {
  EventIndex index;
  std::map<std::string, uint64_t> recorded;
  std::mt19937_64 random(5);
  for (int i = 0; i < 50000; ++i) {
    std::string id;
    switch (i % 4) {
      case 0: id = std::to_string(i); break;                          // inline numeric
      case 1: id = "0" + std::to_string(i); break;                    // leading zero: text
      case 2: id = "evt-" + std::to_string(i) + std::string(i % 40, 'x'); break;
      case 3: id = std::to_string(1'000'000'000'000ull + i); break;  // too large to inline
    }
    const uint64_t print = random();
    const auto key = EventIndex::key(id);
    ASSERT_EQ(index.find(key, print), EventIndex::Lookup::kNew) << id;
    index.insert(key, print);
    recorded.emplace(id, print);
  }
  for (const auto& [id, print] : recorded) {
    const auto key = EventIndex::key(id);
    ASSERT_EQ(index.find(key, print), EventIndex::Lookup::kDuplicate) << id;
    ASSERT_EQ(index.find(key, print ^ (uint64_t{1} << 63)), EventIndex::Lookup::kConflict) << id;
  }
  EXPECT_EQ(index.find(EventIndex::key("1"), 0), EventIndex::Lookup::kNew);  // only "01" was added
  EXPECT_EQ(index.find(EventIndex::key("00"), 0), EventIndex::Lookup::kNew);  // "0" exists, "00" does not
  EXPECT_EQ(index.size(), recorded.size());
}

TEST(BatchOrder, KeepsOrderedBatchesAndSortsOthersPerDeal) {
  const std::vector<std::string> deals = {"a", "b", "a", "b", "c"};
  std::vector<int64_t> at = {1, 5, 2, 6, 0};  // per deal in order, not globally
  auto deal_of = [&](size_t i) -> std::string_view { return deals[i]; };
  auto at_of = [&](size_t i) { return at[i]; };
  EXPECT_TRUE(batch_order(deals.size(), deal_of, at_of).empty());

  at = {3, 5, 2, 6, 0};  // deal a goes back in time
  const auto order = batch_order(deals.size(), deal_of, at_of);
  EXPECT_EQ(std::vector<uint32_t>(order.begin(), order.end()), (std::vector<uint32_t>{2, 0, 1, 3, 4}));

  at = {1, 1, 1, 1, 1};  // equal times keep batch order
  EXPECT_TRUE(batch_order(deals.size(), deal_of, at_of).empty());
}

TEST(BatchOrder, PutsAnOpenedFirstAmongItsDealsEventsOfOneTime) {
  // Deal a: entered, opened and won at time 1; deal b opened at 1 after a's entered.
  const std::vector<std::string> deals = {"a", "a", "b", "a"};
  const std::vector<Moment> when = {{1, true}, {1, false}, {1, false}, {1, true}};
  const auto order = batch_order(
      deals.size(), [&](size_t i) -> std::string_view { return deals[i]; },
      [&](size_t i) { return when[i]; });
  EXPECT_EQ(std::vector<uint32_t>(order.begin(), order.end()), (std::vector<uint32_t>{1, 0, 3, 2}));
}

// Against the definition: with each deal numbered by first appearance, the
// stable sort by (deal, time, not opened), or nothing when that keeps every
// deal's events in batch order.
TEST(BatchOrder, MatchesTheDefinitionOnRandomBatches) {
  std::mt19937_64 random(7);
  for (int round = 0; round < 400; ++round) {
    const size_t size = random() % 200;
    const int deals = 1 + static_cast<int>(random() % 30);
    const bool grouped = round % 2 == 0;  // runs of one deal, as CRM exports come
    std::vector<std::string> deal(size);
    std::vector<int64_t> at(size);
    std::vector<bool> opened(size);
    for (size_t i = 0; i < size; ++i) {
      const bool same_run = grouped && i > 0 && random() % 4 != 0;
      deal[i] = same_run ? deal[i - 1] : "d" + std::to_string(random() % deals);
      at[i] = static_cast<int64_t>(random() % 8);  // many ties
      opened[i] = random() % 5 == 0;
    }
    if (round % 4 == 1) std::sort(at.begin(), at.end());  // time-ordered batches
    std::map<std::string, size_t> number;
    for (const auto& d : deal) number.emplace(d, number.size());
    auto key = [&](uint32_t i) { return std::tuple(number[deal[i]], at[i], !opened[i]); };
    std::vector<uint32_t> expected(size);
    std::iota(expected.begin(), expected.end(), 0u);
    std::stable_sort(expected.begin(), expected.end(),
                     [&](uint32_t a, uint32_t b) { return key(a) < key(b); });
    bool each_deal_in_order = true;
    std::map<std::string, uint32_t> last;
    for (uint32_t i = 0; i < size; ++i) {
      auto [it, fresh] = last.emplace(deal[i], i);
      each_deal_in_order = each_deal_in_order && (fresh || key(it->second) <= key(i));
      it->second = i;
    }
    const auto order = batch_order(size, [&](size_t i) -> std::string_view { return deal[i]; },
                                   [&](size_t i) { return Moment{at[i], !opened[i]}; });
    if (each_deal_in_order) {
      EXPECT_TRUE(order.empty()) << "round " << round;
    } else {
      EXPECT_EQ(std::vector<uint32_t>(order.begin(), order.end()), expected) << "round " << round;
    }
  }
}

}  // namespace
}  // namespace voronka::ledger
