// Walking the deals a report looks at.
#ifndef VORONKA_ANALYTICS_DEAL_SCAN_HPP_
#define VORONKA_ANALYTICS_DEAL_SCAN_HPP_

#include <algorithm>

#include "analytics/scope.hpp"

namespace voronka::analytics {

// Which deals, by the report's period.
enum class Pick {
  kAll,      // every deal opened by as_of; the period is not used
  kCreated,  // opened in the period
  kClosed,   // won or lost in the period (as of as_of)
  kActivity, // a stage entry, a win or a loss in the period
  kOpenedOrClosed,  // opened, or won or lost, in the period
};

// The pick of a report on this basis.
Pick pick_of(v1::Basis basis);

// The first time in the period at which the deal entered a stage, won or
// was lost, or kNever.
int64_t first_activity(const DealReader& reader, uint32_t deal, const Period& period);

// Which deals of a block pass a scan's checks on opening time: opened by
// as_of and, on the created basis, in the period. kNone also when every
// deal of the block opened after the period, which only kAll wants: a deal
// closes and is active no earlier than it opens.
enum class BlockMatch { kNone, kSome, kAll };
BlockMatch match_block(const Scope& scope, Pick pick, const ledger::OpenedBlocks::Block& block);

// Where to cut the scope's deals in two so that each part holds about half
// of the deals in blocks a scan with this pick does not skip; always a
// block boundary strictly inside the scope's deals when it spans two blocks.
uint32_t balanced_cut(const Scope& scope, Pick pick);

// Calls fn(deal, at, date) for each deal of the scope that passes the filter
// and the pick. `date` is the report's date of the deal: when it was opened,
// closed, or first active in the period (when opened, for kOpenedOrClosed).
template <typename Fn>
void scan_deals(const Scope& scope, Pick pick, Fn&& fn) {
  const ledger::State& s = scope.state();
  const DealReader& reader = scope.reader();
  const Period& period = scope.period();
  const bool every_version = scope.covers_every_version();
  constexpr uint32_t kBlock = ledger::OpenedBlocks::kDeals;
  for (uint32_t deal = scope.first_deal(); deal < scope.end_deal();) {
    const uint32_t block = deal / kBlock;
    const auto block_end =
        static_cast<uint32_t>(std::min<uint64_t>(scope.end_deal(), (uint64_t{block} + 1) * kBlock));
    const BlockMatch match = match_block(scope, pick, s.opened_blocks.block(block));
    if (match == BlockMatch::kNone) {
      deal = block_end;
      continue;
    }
    const bool check_opened = match == BlockMatch::kSome;
    for (; deal < block_end; ++deal) {
      if (!every_version && !scope.covers_version(deal)) continue;
      const int64_t opened = s.deals.opened_at[deal];
      if (check_opened &&
          (!reader.exists(deal) || (pick == Pick::kCreated && !period.contains(opened)))) {
        continue;
      }
      const DealAt at = reader.at(deal);
      int64_t date = opened;
      if (pick == Pick::kOpenedOrClosed && !period.contains(opened) &&
          (at.closed_at == kNever || !period.contains(at.closed_at))) {
        continue;
      }
      if (pick == Pick::kClosed) {
        if (at.closed_at == kNever || !period.contains(at.closed_at)) continue;
        date = at.closed_at;
      } else if (pick == Pick::kActivity) {
        date = first_activity(reader, deal, period);
        if (date == kNever) continue;
      }
      if (!scope.matches(deal, at)) continue;
      fn(deal, at, date);
    }
  }
}

}  // namespace voronka::analytics

#endif  // VORONKA_ANALYTICS_DEAL_SCAN_HPP_
