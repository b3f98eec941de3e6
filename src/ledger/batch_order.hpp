// The order in which a batch is applied: each deal's events in time order,
// an `opened` first among its deal's events of one time.
#ifndef VORONKA_LEDGER_BATCH_ORDER_HPP_
#define VORONKA_LEDGER_BATCH_ORDER_HPP_

#include <algorithm>
#include <array>
#include <compare>
#include <cstdint>
#include <numeric>
#include <string_view>
#include <vector>

#include "ledger/hash.hpp"
#include "ledger/id_table.hpp"
#include "ledger/large_vector.hpp"
#include "model/key_equal.hpp"

namespace voronka::ledger {

// Runs of a batch: maximal ranges of consecutive events of one deal, each
// numbered by its deal's first appearance. Each run is cut a few runs ahead
// of its turn, so that its deal's slot in the table of deals can be
// prefetched: on a batch of a million deals those lookups are cache misses.
struct BatchRun {
  size_t begin = 0, end = 0;  // events [begin, end)
  uint32_t group = 0;         // the deal's number
  bool new_deal = false;      // the deal's first run
};

template <typename DealOf>
class BatchRuns {
 public:
  BatchRuns(size_t size, DealOf deal, size_t expected_deals) : size_(size), deal_(deal) {
    groups_.reserve(expected_deals);
    while (cut_ < kAhead && next_ < size_) cut(ahead_[cut_++ % kAhead]);
  }

  // The next run; false after the last.
  bool next(BatchRun* run) {
    if (taken_ == cut_) return false;
    const Cut c = ahead_[taken_++ % kAhead];
    if (next_ < size_) cut(ahead_[cut_++ % kAhead]);
    const std::string_view key = deal_(c.begin);
    uint32_t group = groups_.find(
        c.hash, [&](uint32_t g) { return key_equal(deal_(first_event_[g]), key); });
    run->new_deal = group == IdTable::kMissing;
    if (run->new_deal) {
      group = static_cast<uint32_t>(first_event_.size());
      groups_.insert(c.hash, group);
      first_event_.push_back(static_cast<uint32_t>(c.begin));
    }
    run->begin = c.begin;
    run->end = c.end;
    run->group = group;
    return true;
  }
  // The deals met so far.
  size_t deals() const { return first_event_.size(); }

 private:
  static constexpr size_t kAhead = 16;
  struct Cut {
    size_t begin = 0, end = 0;
    uint64_t hash = 0;
  };

  void cut(Cut& c) {
    c.begin = next_;
    const std::string_view key = deal_(next_);
    do ++next_; while (next_ < size_ && key_equal(deal_(next_), key));
    c.end = next_;
    c.hash = hash_bytes(key);
    groups_.prefetch(c.hash);
  }

  size_t size_;
  DealOf deal_;  // a callable, such as a lambda capturing by reference
  IdTable groups_;
  LargeVector<uint32_t> first_event_;  // per group
  std::array<Cut, kAhead> ahead_;
  size_t next_ = 0;             // the first event not cut into a run
  size_t cut_ = 0, taken_ = 0;  // runs cut, runs handed out
};

// When an event happens, as a batch orders it: its time, and among events of
// one time an `opened` first. Nothing can happen to a deal before it is
// opened, and exports often list a deal's first events of one instant in any
// order.
struct Moment {
  int64_t at = 0;
  bool after_opening = false;  // false for an `opened`
  friend auto operator<=>(const Moment&, const Moment&) = default;
};

// Returns the indexes of a batch's events so that each deal's events come in
// the order of their moments, ties and deals keeping their order in the
// batch; or an empty vector when the batch is in such an order already (the
// common case, which costs one pass, or two when it is grouped by deal but
// not in time order). `deal(i)` and `when(i)` read event i; `when` returns
// a Moment, or anything else ordered (a time).
template <typename DealOf, typename WhenOf>
LargeVector<uint32_t> batch_order(size_t size, DealOf&& deal, WhenOf&& when) {
  using When = decltype(when(size_t{0}));
  bool time_ordered = true;
  for (size_t i = 1; i < size && time_ordered; ++i) time_ordered = when(i - 1) <= when(i);
  if (time_ordered) return {};

  // A guess at the number of deals: most batches hold a few events per deal.
  size_t expected_deals = size / 4;
  {
    // Each deal's events are in order when each run is, and each run starts
    // no earlier than its deal's runs before it ended.
    BatchRuns runs(size, deal, expected_deals);
    LargeVector<When> last_of;  // per group
    bool deal_ordered = true;
    for (BatchRun run; deal_ordered && runs.next(&run);) {
      When last = when(run.begin);
      for (size_t i = run.begin + 1; i < run.end && deal_ordered; ++i) {
        deal_ordered = when(i) >= last;
        last = when(i);
      }
      if (run.new_deal) {
        last_of.push_back(last);
      } else {
        deal_ordered = deal_ordered && when(run.begin) >= last_of[run.group];
        last_of[run.group] = last;
      }
    }
    if (deal_ordered) return {};
    expected_deals = runs.deals();  // at least
  }

  LargeVector<uint32_t> group_of(size);
  BatchRuns runs(size, deal, expected_deals);
  for (BatchRun run; runs.next(&run);) {
    std::fill(group_of.begin() + run.begin, group_of.begin() + run.end, run.group);
  }
  LargeVector<uint32_t> order(size);
  std::iota(order.begin(), order.end(), 0u);
  std::stable_sort(order.begin(), order.end(), [&](uint32_t a, uint32_t b) {
    if (group_of[a] != group_of[b]) return group_of[a] < group_of[b];
    return when(a) < when(b);
  });
  return order;
}

}  // namespace voronka::ledger

#endif  // VORONKA_LEDGER_BATCH_ORDER_HPP_
