// Owners: the manager rating.
#include <algorithm>
#include <map>

#include "analytics/deal_scan.hpp"
#include "analytics/funnel.hpp"
#include "analytics/merge.hpp"
#include "analytics/reports.hpp"
#include "model/saturate.hpp"

namespace voronka::analytics {
namespace {

struct OwnerCounters {
  bool seen = false;
  uint64_t opened = 0, won = 0, lost = 0;
  int64_t won_amount = 0;
  Histogram cycle;
  std::vector<uint64_t> lost_by_row;
};

}  // namespace

void compute_owners(const Scope& scope, v1::OwnersTally* out) {
  const ledger::State& s = scope.state();
  const Period& period = scope.period();
  std::vector<OwnerCounters> owners(s.owners.size());  // by owner id
  // Deals are credited to their owner as of as_of.
  scan_deals(scope, Pick::kOpenedOrClosed, [&](uint32_t deal, const DealAt& at, int64_t opened) {
    const bool opened_in = period.contains(opened);
    const bool closed_in = at.closed_at != kNever && period.contains(at.closed_at);
    OwnerCounters& c = owners[at.owner];
    c.seen = true;
    c.opened += opened_in;
    if (!closed_in) return;
    if (at.status == DealStatus::kWon) {
      ++c.won;
      c.won_amount = model::saturating_add(c.won_amount, at.amount);
      c.cycle.add(model::saturating_sub(at.closed_at, opened));
    } else {
      ++c.lost;
      if (c.lost_by_row.empty()) c.lost_by_row.resize(scope.funnel().rows(), 0);
      ++c.lost_by_row[scope.funnel().row(s.deals.version[deal], at.stage)];
    }
  });
  out->Clear();
  for (uint32_t owner = 0; owner < owners.size(); ++owner) {
    const OwnerCounters& c = owners[owner];
    if (!c.seen) continue;
    v1::OwnerTally& t = (*out->mutable_owners())[std::string(s.owners.str(owner))];
    t.set_opened(c.opened);
    t.set_won(c.won);
    t.set_lost(c.lost);
    t.set_won_amount(c.won_amount);
    c.cycle.to_proto(t.mutable_cycle());
    for (size_t row = 0; row < c.lost_by_row.size(); ++row) {
      if (c.lost_by_row[row] != 0) {
        (*t.mutable_lost_by_stage())[scope.funnel().key(static_cast<int>(row))] = c.lost_by_row[row];
      }
    }
  }
}

void merge_owners(const v1::OwnersTally& from, v1::OwnersTally* into) {
  for (const auto& [owner, tally] : from.owners()) {
    v1::OwnerTally& t = (*into->mutable_owners())[owner];
    t.set_opened(t.opened() + tally.opened());
    t.set_won(t.won() + tally.won());
    t.set_lost(t.lost() + tally.lost());
    t.set_won_amount(model::saturating_add(t.won_amount(), tally.won_amount()));
    merge_histogram(tally.cycle(), t.mutable_cycle());
    for (const auto& [stage, n] : tally.lost_by_stage()) (*t.mutable_lost_by_stage())[stage] += n;
  }
}

void finish_owners(const v1::PartialState& state, v1::OwnersReport* out) {
  const v1::OwnersOptions& options = state.spec().owners();
  out->Clear();
  std::vector<v1::OwnerRow> rows;
  for (const auto& [owner, t] : state.owners().owners()) {
    v1::OwnerRow row;
    row.set_owner(owner);
    row.set_opened(t.opened());
    row.set_won(t.won());
    row.set_lost(t.lost());
    if (t.won() + t.lost() > 0) {
      row.set_win_rate(static_cast<double>(t.won()) / static_cast<double>(t.won() + t.lost()));
    }
    row.set_won_amount(t.won_amount());
    if (const auto median = Histogram::from_proto(t.cycle()).quantile(0.5)) {
      row.set_median_cycle_ms(*median);
    }
    // The stage with the most losses; the earlier stage on a tie.
    int worst_row = -1;
    uint64_t worst = 0;
    for (const auto& [stage, n] : t.lost_by_stage()) {
      const int r = find_row(state.funnel(), stage);
      if (n > worst || (n == worst && r < worst_row)) {
        worst = n;
        worst_row = r;
      }
    }
    if (worst_row >= 0) {
      row.set_worst_stage(state.funnel().stages(worst_row).key());
      row.set_worst_stage_lost(worst);
    }
    rows.push_back(std::move(row));
  }
  std::sort(rows.begin(), rows.end(), [](const auto& a, const auto& b) {
    if (a.won_amount() != b.won_amount()) return a.won_amount() > b.won_amount();
    // An owner who closed nothing has no win rate, and comes after any rate.
    if (a.has_win_rate() != b.has_win_rate()) return a.has_win_rate();
    if (a.win_rate() != b.win_rate()) return a.win_rate() > b.win_rate();
    return a.owner() < b.owner();
  });
  uint32_t rank = 0;
  for (auto& row : rows) {
    row.set_rank(++rank);
    *out->add_owners() = std::move(row);
  }
  out->set_process(options.filter().process());
  if (options.filter().has_from()) out->set_from(options.filter().from());
  if (options.filter().has_to()) out->set_to(options.filter().to());
  out->set_as_of(state.as_of());
}

}  // namespace voronka::analytics
