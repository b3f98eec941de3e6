#include "analytics/deal_scan.hpp"

#include <algorithm>
#include <numeric>
#include <vector>

namespace voronka::analytics {

Pick pick_of(v1::Basis basis) {
  return basis == v1::CLOSED     ? Pick::kClosed
         : basis == v1::ACTIVITY ? Pick::kActivity
                                 : Pick::kCreated;
}

int64_t first_activity(const DealReader& reader, uint32_t deal, const Period& period) {
  int64_t first = kNever;
  auto consider = [&](int64_t at) {
    if (period.contains(at) && (first == kNever || at < first)) first = at;
  };
  reader.for_each_visit(deal, [&](int, int64_t start, int64_t) { consider(start); });
  const DealAt at = reader.at(deal);
  if (at.closed_at != kNever) consider(at.closed_at);
  return first;
}

BlockMatch match_block(const Scope& scope, Pick pick, const ledger::OpenedBlocks::Block& block) {
  const int64_t as_of = scope.as_of();
  const Period& period = scope.period();
  if (block.earliest > as_of) return BlockMatch::kNone;
  if (pick != Pick::kAll && period.to && block.earliest >= *period.to) return BlockMatch::kNone;
  if (pick == Pick::kCreated && block.latest < period.from) return BlockMatch::kNone;
  const bool all_exist = block.latest <= as_of;
  const bool all_created_in_period =
      pick != Pick::kCreated || (period.contains(block.earliest) && period.contains(block.latest));
  return all_exist && all_created_in_period ? BlockMatch::kAll : BlockMatch::kSome;
}

uint32_t balanced_cut(const Scope& scope, Pick pick) {
  constexpr uint64_t kBlock = ledger::OpenedBlocks::kDeals;
  const uint64_t first = scope.first_deal(), end = scope.end_deal();
  const auto middle = static_cast<uint32_t>(first + (end - first) / 2);
  // The deals of each block inside the scope, or 0 where the scan skips it.
  std::vector<uint64_t> weights;
  for (uint64_t block = first / kBlock; block * kBlock < end; ++block) {
    const bool skipped = match_block(scope, pick, scope.state().opened_blocks.block(
                                                      static_cast<uint32_t>(block))) ==
                         BlockMatch::kNone;
    const uint64_t deals = std::min(end, (block + 1) * kBlock) - std::max(first, block * kBlock);
    weights.push_back(skipped ? 0 : deals);
  }
  const uint64_t total = std::accumulate(weights.begin(), weights.end(), uint64_t{0});
  if (weights.size() < 2 || total == 0) return middle;
  // The first block boundary with at least half the weight before it; never
  // the scope's end.
  uint64_t taken = 0;
  size_t i = 0;
  while (i + 2 < weights.size() && 2 * (taken + weights[i]) < total) taken += weights[i++];
  return static_cast<uint32_t>((first / kBlock + i + 1) * kBlock);
}

}  // namespace voronka::analytics
