// Losses: the deals lost in a period, by stage and reason, counts and money.
#include <algorithm>
#include <map>

#include "analytics/deal_scan.hpp"
#include "analytics/funnel.hpp"
#include "analytics/merge.hpp"
#include "analytics/reports.hpp"
#include "model/saturate.hpp"

namespace voronka::analytics {
namespace {

using CellKey = std::pair<int, uint32_t>;  // (row, reason id)
struct Cell {
  uint64_t deals = 0;
  int64_t amount = 0;
};

}  // namespace

void compute_losses(const Scope& scope, const v1::Breakdown& breakdown, v1::LossesState* out) {
  const ledger::State& s = scope.state();
  Groups groups(scope, breakdown);
  const std::map<CellKey, Cell> fresh;
  std::vector<std::map<CellKey, Cell>> accs(1, fresh);
  scan_deals(scope, Pick::kClosed, [&](uint32_t deal, const DealAt& at, int64_t closed) {
    if (at.status != DealStatus::kLost) return;
    const CellKey key{scope.funnel().row(s.deals.version[deal], at.stage),
                      scope.reader().lost_reason(deal)};
    auto add = [&](std::map<CellKey, Cell>& acc) {
      Cell& cell = acc[key];
      ++cell.deals;
      cell.amount = model::saturating_add(cell.amount, at.amount);
    };
    groups.tally(accs, fresh, deal, at, closed, add);
  });
  out->Clear();
  for (uint32_t group = 0; group < accs.size(); ++group) {
    v1::LossesTally* tally = out->add_groups();
    tally->set_group(groups.key(group));
    for (const auto& [key, cell] : accs[group]) {
      v1::LossCell* c = tally->add_cells();
      c->set_stage(scope.funnel().key(key.first));
      c->set_reason(std::string(s.reasons.str(key.second)));
      c->set_deals(cell.deals);
      c->set_amount(cell.amount);
    }
  }
}

void merge_losses(const v1::LossesState& from, v1::LossesState* into) {
  merge_grouped(from.groups(), into->mutable_groups(),
                [](const v1::LossesTally& tally, v1::LossesTally* target) {
    for (const v1::LossCell& cell : tally.cells()) {
      v1::LossCell* same = nullptr;
      for (auto& existing : *target->mutable_cells()) {
        if (existing.stage() == cell.stage() && existing.reason() == cell.reason()) same = &existing;
      }
      if (same == nullptr) {
        *target->add_cells() = cell;
      } else {
        same->set_deals(same->deals() + cell.deals());
        same->set_amount(model::saturating_add(same->amount(), cell.amount()));
      }
    }
  });
}

void finish_losses(const v1::PartialState& state, v1::LossesReport* out) {
  const v1::Funnel& funnel = state.funnel();
  const v1::LossesOptions& options = state.spec().losses();
  out->Clear();
  const auto tallies = ordered_groups(state.losses().groups());
  for (size_t i = 0; i < tallies.size(); ++i) {
    const v1::LossesTally& tally = tallies[i];
    v1::LossesReport* target = i == 0 ? out : out->add_groups();
    target->set_group(tally.group());
    std::vector<v1::LossCell> cells(tally.cells().begin(), tally.cells().end());
    std::sort(cells.begin(), cells.end(), [&](const auto& a, const auto& b) {
      const int ra = find_row(funnel, a.stage()), rb = find_row(funnel, b.stage());
      if (ra != rb) return ra < rb;
      return a.reason() < b.reason();
    });
    std::map<std::string, v1::LossReason> reasons;
    for (const v1::FunnelStage& stage : funnel.stages()) {
      v1::LossStage* row = target->add_stages();
      row->set_stage(stage.key());
      row->set_name(stage.name());
      for (const auto& cell : cells) {
        if (cell.stage() != stage.key()) continue;
        row->set_deals(row->deals() + cell.deals());
        row->set_amount(model::saturating_add(row->amount(), cell.amount()));
      }
    }
    for (const auto& cell : cells) {
      v1::LossReason& reason = reasons[cell.reason()];
      reason.set_reason(cell.reason());
      reason.set_deals(reason.deals() + cell.deals());
      reason.set_amount(model::saturating_add(reason.amount(), cell.amount()));
      target->set_deals(target->deals() + cell.deals());
      target->set_amount(model::saturating_add(target->amount(), cell.amount()));
      *target->add_cells() = cell;
    }
    std::vector<v1::LossReason> ranked;
    for (auto& [name, reason] : reasons) ranked.push_back(reason);
    std::stable_sort(ranked.begin(), ranked.end(),
                     [](const auto& a, const auto& b) { return a.deals() > b.deals(); });
    for (auto& reason : ranked) *target->add_reasons() = std::move(reason);
  }
  set_context(out, [&](v1::LossesReport* report) {
    set_filter_context(state, options.filter(), report);
  });
}

}  // namespace voronka::analytics
