// What-if: the baseline funnel of a period projected under changed inflow
// and step conversions, and the stages ranked by what improving each brings.
//
// The projection flows deals along the funnel's edges: each stage passes on
// its projected deals times its step conversion (times its multiplier,
// capped at 1), split between its successors (and won) in the proportions
// of the ways the baseline's deals took. On a line, multipliers of 1 give
// back the baseline exactly.
#include <algorithm>
#include <cmath>
#include <map>

#include "analytics/conversion_math.hpp"
#include "analytics/funnel.hpp"
#include "analytics/merge.hpp"
#include "analytics/reports.hpp"
#include "model/saturate.hpp"

namespace voronka::analytics {
namespace {

struct Projection {
  std::vector<double> reached;  // by row
  std::vector<std::optional<double>> step;
  double won = 0;
};

Projection project(const v1::Funnel& funnel, const v1::HistoryTally& tally,
                   const std::vector<double>& multipliers, double inflow) {
  const int rows = funnel.stages_size();
  Projection p;
  p.reached.assign(rows, 0.0);
  p.step.resize(rows);
  for (int row = 0; row < rows; ++row) {
    const v1::FunnelStage& stage = funnel.stages(row);
    const v1::StageTally& t = stage_tally(tally, row);
    // Deals come in at the entry stage of their own process version (an
    // old version's entry stage may follow a stage a newer one put first).
    p.reached[row] += static_cast<double>(t.entry_deals()) * inflow;
    if (t.reached() == 0 || t.moved_on() == 0) {
      if (t.reached() > 0) p.step[row] = 0.0;
      continue;
    }
    const double step = static_cast<double>(t.moved_on()) / static_cast<double>(t.reached());
    const double projected = std::min(1.0, step * multipliers[row]);
    p.step[row] = projected;
    // The deals passed on are split in the proportions of the ways taken. A
    // manual deal that went several ways counts in each, so the ways can
    // outnumber the deals that moved on: the split is of their total.
    auto edge = [&](int to) { return static_cast<double>(way_deals(t, to)); };
    const std::vector<int> next_rows = successor_rows(funnel, stage);
    double ways = stage.leads_to_won() ? edge(kWonWay) : 0.0;
    for (const int to : next_rows) ways += edge(to);
    if (ways == 0) continue;
    const double scale = projected / ways;
    auto flow = [&](int to) { return p.reached[row] * edge(to) * scale; };
    for (const int to : next_rows) p.reached[to] += flow(to);
    if (stage.leads_to_won()) p.won += flow(kWonWay);
  }
  return p;
}

}  // namespace

void finish_whatif(const v1::PartialState& state, v1::WhatIfReport* out) {
  const v1::WhatIfOptions& options = state.spec().whatif();
  const v1::Funnel& funnel = state.funnel();
  const int rows = funnel.stages_size();
  const v1::HistoryTally& whole = ordered_groups(state.history().groups()).front().get();

  const double inflow = options.inflow() == 0 ? 1.0 : options.inflow();
  const double all = options.all_stages() == 0 ? 1.0 : options.all_stages();
  const double step_size = options.sensitivity_step() == 0 ? 0.1 : options.sensitivity_step();
  std::vector<double> multipliers(rows, all);
  for (const auto& m : options.stages()) {
    const int row = find_row(funnel, m.stage());
    if (row >= 0) multipliers[row] *= m.multiplier();
  }

  const Projection baseline = project(funnel, whole, std::vector<double>(rows, 1.0), 1.0);
  const Projection projected = project(funnel, whole, multipliers, inflow);
  // Won amount scales with wins at the baseline's average won deal (or the
  // average deal, when nothing was won).
  const double average =
      whole.won() > 0 ? static_cast<double>(whole.won_amount()) / static_cast<double>(whole.won())
      : whole.deals() > 0 ? static_cast<double>(whole.amount()) / static_cast<double>(whole.deals())
                          : 0.0;

  out->Clear();
  out->set_process(options.filter().process());
  if (options.filter().has_from()) out->set_from(options.filter().from());
  if (options.filter().has_to()) out->set_to(options.filter().to());
  out->set_as_of(state.as_of());
  out->set_inflow(inflow);
  for (int row = 0; row < rows; ++row) {
    const v1::FunnelStage& stage = funnel.stages(row);
    v1::WhatIfStage* r = out->add_stages();
    r->set_stage(stage.key());
    r->set_name(stage.name());
    r->set_multiplier(multipliers[row]);
    r->set_baseline_reached(stage_tally(whole, row).reached());
    r->set_projected_reached(projected.reached[row]);
    if (baseline.step[row]) r->set_baseline_step(*baseline.step[row]);
    if (projected.step[row]) r->set_projected_step(*projected.step[row]);
  }
  out->set_baseline_won(whole.won());
  out->set_projected_won(projected.won);
  out->set_baseline_won_amount(whole.won_amount());
  out->set_projected_won_amount(model::saturating_round(projected.won * average));
  out->set_sensitivity_step(step_size);

  std::vector<v1::Sensitivity> ranking;
  for (int row = 0; row < rows; ++row) {
    if (!projected.step[row]) continue;
    std::vector<double> improved = multipliers;
    improved[row] *= 1.0 + step_size;
    const double gain = project(funnel, whole, improved, inflow).won - projected.won;
    v1::Sensitivity s;
    s.set_stage(funnel.stages(row).key());
    s.set_name(funnel.stages(row).name());
    s.set_won_gain(gain);
    s.set_won_amount_gain(model::saturating_round(gain * average));
    ranking.push_back(s);
  }
  std::stable_sort(ranking.begin(), ranking.end(), [](const auto& a, const auto& b) {
    return a.won_gain() > b.won_gain();
  });
  for (auto& s : ranking) *out->add_sensitivity() = std::move(s);
}

}  // namespace voronka::analytics
