// Durations: how long deals stay in each stage, and how long deals take to
// be won or lost.
#include <bit>

#include "analytics/deal_scan.hpp"
#include "analytics/merge.hpp"
#include "analytics/reports.hpp"
#include "model/saturate.hpp"

namespace voronka::analytics {
namespace {

struct Accumulator {
  explicit Accumulator(int rows) : stages(rows) {}
  std::vector<Histogram> stages;
  Histogram to_won, to_lost;
};

}  // namespace

void compute_durations(const Scope& scope, const v1::DurationsOptions& options,
                       v1::DurationsState* out) {
  const ledger::State& s = scope.state();
  const DealReader& reader = scope.reader();
  const int rows = scope.funnel().rows();
  Groups groups(scope, options.breakdown());
  const Accumulator fresh(rows);
  std::vector<Accumulator> accs(1, fresh);
  int64_t time_in[kMaxStages];
  const bool cumulative = options.cumulative();

  scan_deals(scope, pick_of(options.basis()), [&](uint32_t deal, const DealAt& at, int64_t date) {
    const uint16_t version = s.deals.version[deal];
    // Completed visits only: a visit still going on has no duration yet.
    // Without branches: which visits count varies from deal to deal, and
    // mispredicting it cost more than the arithmetic. A visit that does not
    // count spans start to start, so that only a span beyond int64 takes
    // the saturating arithmetic's rare branch.
    StageMask seen = 0, measured = 0;
    reader.for_each_visit(deal, [&](int stage, int64_t start, int64_t end) {
      const StageMask bit = StageMask{1} << stage;
      const bool first = (seen & bit) == 0;
      seen |= bit;
      const bool counts = end != kNever && (first || cumulative);
      time_in[stage] = model::saturating_add(first ? 0 : time_in[stage],
                                             model::saturating_sub(counts ? end : start, start));
      measured |= counts ? bit : 0;
    });
    const int* const rows_of = scope.funnel().rows_of(version);
    auto add = [&](Accumulator& acc) {
      for (StageMask bits = measured; bits != 0; bits &= bits - 1) {
        const int stage = std::countr_zero(bits);
        acc.stages[rows_of[stage]].add(time_in[stage]);
      }
      // An open deal's closed_at is kNever: not subtracted.
      const int64_t opened = s.deals.opened_at[deal];
      if (at.status == DealStatus::kWon) {
        acc.to_won.add(model::saturating_sub(at.closed_at, opened));
      } else if (at.status == DealStatus::kLost) {
        acc.to_lost.add(model::saturating_sub(at.closed_at, opened));
      }
    };
    groups.tally(accs, fresh, deal, at, date, add);
  });

  out->Clear();
  for (uint32_t group = 0; group < accs.size(); ++group) {
    v1::DurationsTally* tally = out->add_groups();
    tally->set_group(groups.key(group));
    for (int row = 0; row < rows; ++row) {
      if (accs[group].stages[row].count() == 0) continue;
      accs[group].stages[row].to_proto(&(*tally->mutable_stages())[scope.funnel().key(row)]);
    }
    accs[group].to_won.to_proto(tally->mutable_to_won());
    accs[group].to_lost.to_proto(tally->mutable_to_lost());
  }
}

void merge_durations(const v1::DurationsState& from, v1::DurationsState* into) {
  merge_grouped(from.groups(), into->mutable_groups(),
                [](const v1::DurationsTally& tally, v1::DurationsTally* target) {
    for (const auto& [key, histogram] : tally.stages()) {
      merge_histogram(histogram, &(*target->mutable_stages())[key]);
    }
    merge_histogram(tally.to_won(), target->mutable_to_won());
    merge_histogram(tally.to_lost(), target->mutable_to_lost());
  });
}

void finish_durations(const v1::PartialState& state, v1::DurationsReport* out) {
  const v1::DurationsOptions& options = state.spec().durations();
  out->Clear();
  const auto tallies = ordered_groups(state.durations().groups());
  for (size_t i = 0; i < tallies.size(); ++i) {
    const v1::DurationsTally& tally = tallies[i];
    v1::DurationsReport* target = i == 0 ? out : out->add_groups();
    target->set_group(tally.group());
    for (const v1::FunnelStage& stage : state.funnel().stages()) {
      v1::DurationStage* r = target->add_stages();
      r->set_stage(stage.key());
      r->set_name(stage.name());
      const auto it = tally.stages().find(stage.key());
      fill_duration_stats(it == tally.stages().end() ? Histogram() : Histogram::from_proto(it->second),
                          r->mutable_time());
    }
    fill_duration_stats(Histogram::from_proto(tally.to_won()), target->mutable_to_won());
    fill_duration_stats(Histogram::from_proto(tally.to_lost()), target->mutable_to_lost());
  }
  set_context(out, [&](v1::DurationsReport* report) {
    set_filter_context(state, options.filter(), report);
    report->set_basis(basis_name(options.basis()));
    report->set_cumulative(options.cumulative());
  });
}

}  // namespace voronka::analytics
