// Obligations: the deals overdue in their current stage at an instant, and
// how many each owner has.
#include <algorithm>
#include <map>

#include "analytics/deal_scan.hpp"
#include "analytics/reports.hpp"
#include "model/saturate.hpp"

namespace voronka::analytics {

void compute_obligations(const Scope& scope, v1::ObligationsState* out) {
  const ledger::State& s = scope.state();
  const int64_t at_time = scope.as_of();
  out->Clear();
  scan_deals(scope, Pick::kAll, [&](uint32_t deal, const DealAt& at, int64_t) {
    if (at.status != DealStatus::kOpen) return;
    const Process& process = s.catalog.version(s.deals.version[deal]);
    const auto due = process.due_at(at.stage, at.since);
    if (!due || at_time <= *due) return;
    v1::Obligation* o = out->add_obligations();
    o->set_deal(std::string(s.deal_keys.str(deal)));
    o->set_process(process.key());
    o->set_stage(process.stage_key(at.stage));
    o->set_owner(std::string(s.owners.str(at.owner)));
    o->set_entered_at(at.since);
    o->set_due_at(*due);
    o->set_overdue_ms(model::saturating_sub(at_time, *due));
  });
}

void merge_obligations(const v1::ObligationsState& from, v1::ObligationsState* into) {
  for (const auto& o : from.obligations()) *into->add_obligations() = o;
}

void finish_obligations(const v1::PartialState& state, v1::ObligationsReport* out) {
  out->Clear();
  std::vector<v1::Obligation> items(state.obligations().obligations().begin(),
                                    state.obligations().obligations().end());
  std::sort(items.begin(), items.end(), [](const auto& a, const auto& b) {
    if (a.overdue_ms() != b.overdue_ms()) return a.overdue_ms() > b.overdue_ms();
    return a.deal() < b.deal();
  });
  std::map<std::string, uint64_t> by_owner;
  for (auto& item : items) {
    ++by_owner[item.owner()];
    *out->add_obligations() = std::move(item);
  }
  std::vector<std::pair<std::string, uint64_t>> owners(by_owner.begin(), by_owner.end());
  std::stable_sort(owners.begin(), owners.end(),
                   [](const auto& a, const auto& b) { return a.second > b.second; });
  for (const auto& [owner, overdue] : owners) {
    v1::OwnerObligations* row = out->add_owners();
    row->set_owner(owner);
    row->set_overdue(overdue);
  }
  out->set_process(state.spec().obligations().filter().process());
  out->set_at(state.as_of());
}

}  // namespace voronka::analytics
