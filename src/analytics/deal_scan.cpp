#include "analytics/deal_scan.hpp"

#include <algorithm>

namespace voronka::analytics {

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

}  // namespace voronka::analytics
