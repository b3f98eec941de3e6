#include "analytics/deal_scan.hpp"

#include <algorithm>

namespace voronka::analytics {

Pick pick_of(v1::Basis basis) {
  return basis == v1::CLOSED ? Pick::kClosed : basis == v1::ACTIVITY ? Pick::kActivity : Pick::kCreated;
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
  const int64_t as_of = scope.reader().as_of();
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
  constexpr uint32_t kBlock = ledger::OpenedBlocks::kDeals;
  const uint32_t first_block = scope.first_deal() / kBlock;
  const uint32_t end_block = (scope.end_deal() + kBlock - 1) / kBlock;
  const uint32_t middle = scope.first_deal() + (scope.end_deal() - scope.first_deal()) / 2;
  if (end_block - first_block < 2) return middle;
  // The weight of a block: its deals inside the scope, when not skipped.
  auto weight = [&](uint32_t block) -> uint64_t {
    if (match_block(scope, pick, scope.state().opened_blocks.block(block)) == BlockMatch::kNone) {
      return 0;
    }
    const uint64_t begin = std::max<uint64_t>(scope.first_deal(), uint64_t{block} * kBlock);
    const uint64_t end = std::min<uint64_t>(scope.end_deal(), (uint64_t{block} + 1) * kBlock);
    return end - begin;
  };
  uint64_t total = 0;
  for (uint32_t block = first_block; block < end_block; ++block) total += weight(block);
  if (total == 0) return middle;
  uint64_t taken = 0;
  for (uint32_t block = first_block; block + 1 < end_block; ++block) {
    taken += weight(block);
    if (2 * taken >= total) return (block + 1) * kBlock;
  }
  return (end_block - 1) * kBlock;
}

}  // namespace voronka::analytics
