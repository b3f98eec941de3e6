// The order in which a batch is applied: each deal's events in time order.
#ifndef VORONKA_LEDGER_BATCH_ORDER_HPP_
#define VORONKA_LEDGER_BATCH_ORDER_HPP_

#include <algorithm>
#include <cstdint>
#include <numeric>
#include <string_view>
#include <vector>

#include "ledger/hash.hpp"
#include "ledger/id_table.hpp"
#include "ledger/large_vector.hpp"
#include "model/key_equal.hpp"

namespace voronka::ledger {

// Returns the indexes of a batch's events so that each deal's events come in
// time order, ties and deals keeping their order in the batch; or an empty
// vector when the batch is in such an order already (the common case, which
// costs one pass). `deal(i)` and `at(i)` read event i.
template <typename DealOf, typename AtOf>
LargeVector<uint32_t> batch_order(size_t size, DealOf&& deal, AtOf&& at) {
  bool time_ordered = true;
  for (size_t i = 1; i < size && time_ordered; ++i) time_ordered = at(i - 1) <= at(i);
  if (time_ordered) return {};

  // Number each deal by first appearance; a deal's run of consecutive events
  // costs one lookup.
  IdTable groups;
  LargeVector<uint32_t> first_event;  // per group
  LargeVector<int64_t> last_at;       // per group
  LargeVector<uint32_t> group_of(size);
  bool deal_ordered = true;
  std::string_view previous;
  for (size_t i = 0; i < size; ++i) {
    const std::string_view key = deal(i);
    const bool same_deal = i > 0 && key_equal(key, previous);
    previous = key;
    if (same_deal) {
      group_of[i] = group_of[i - 1];
    } else {
      const uint64_t hash = hash_bytes(key);
      uint32_t group =
          groups.find(hash, [&](uint32_t g) { return key_equal(deal(first_event[g]), key); });
      if (group == IdTable::kMissing) {
        group = static_cast<uint32_t>(first_event.size());
        groups.insert(hash, group);
        first_event.push_back(static_cast<uint32_t>(i));
        last_at.push_back(at(i));
      }
      group_of[i] = group;
    }
    int64_t& last = last_at[group_of[i]];
    if (at(i) < last) deal_ordered = false;
    last = std::max(last, at(i));
  }
  if (deal_ordered) return {};

  LargeVector<uint32_t> order(size);
  std::iota(order.begin(), order.end(), 0u);
  std::stable_sort(order.begin(), order.end(), [&](uint32_t a, uint32_t b) {
    if (group_of[a] != group_of[b]) return group_of[a] < group_of[b];
    return at(a) < at(b);
  });
  return order;
}

}  // namespace voronka::ledger

#endif  // VORONKA_LEDGER_BATCH_ORDER_HPP_
