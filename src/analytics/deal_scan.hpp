// Walking the deals a report looks at.
#ifndef VORONKA_ANALYTICS_DEAL_SCAN_HPP_
#define VORONKA_ANALYTICS_DEAL_SCAN_HPP_

#include "analytics/scope.hpp"

namespace voronka::analytics {

// Which deals, by the report's period.
enum class Pick {
  kAll,      // every deal opened by as_of; the period is not used
  kCreated,  // opened in the period
  kClosed,   // won or lost in the period (as of as_of)
  kActivity, // a stage entry, a win or a loss in the period
};

// The first time in the period at which the deal entered a stage, won or
// was lost, or kNever.
int64_t first_activity(const DealReader& reader, uint32_t deal, const Period& period);

// Calls fn(deal, at, date) for each deal of the scope that passes the filter
// and the pick. `date` is the report's date of the deal: when it was opened,
// closed, or first active in the period.
template <typename Fn>
void scan_deals(const Scope& scope, Pick pick, Fn&& fn) {
  const ledger::State& s = scope.state();
  const DealReader& reader = scope.reader();
  const Period& period = scope.period();
  for (uint32_t deal = scope.first_deal(); deal < scope.end_deal(); ++deal) {
    if (!scope.covers(deal)) continue;
    const int64_t opened = s.deals.opened_at[deal];
    if (pick == Pick::kCreated && !period.contains(opened)) continue;
    const DealAt at = reader.at(deal);
    int64_t date = opened;
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

}  // namespace voronka::analytics

#endif  // VORONKA_ANALYTICS_DEAL_SCAN_HPP_
