// Snapshot: the deals open at an instant, by their stage at that instant.
#include <algorithm>
#include <cmath>
#include <limits>
#include <numeric>

#include "analytics/conversion_math.hpp"
#include "analytics/deal_scan.hpp"
#include "analytics/merge.hpp"
#include "analytics/reports.hpp"
#include "model/calendar.hpp"
#include "model/money.hpp"
#include "model/saturate.hpp"

namespace voronka::analytics {
namespace {

struct StageCounters {
  uint64_t open = 0, overdue = 0, rotting = 0, frozen = 0;
  int64_t amount = 0, weighted_amount = 0;
  Histogram age;
};

}  // namespace

void add_snapshot_row(const v1::FunnelStage& stage, const SnapshotRow& row,
                      v1::SnapshotReport* report) {
  v1::SnapshotStage* r = report->add_stages();
  r->set_stage(stage.key());
  r->set_name(stage.name());
  r->set_open(row.open);
  r->set_amount(row.amount);
  r->set_weighted_amount(row.weighted_amount);
  if (row.median_age) r->set_median_age_ms(*row.median_age);
  r->set_overdue(row.overdue);
  r->set_rotting(row.rotting);
  r->set_frozen(row.frozen);
  report->set_open(report->open() + row.open);
  report->set_amount(model::saturating_add(report->amount(), row.amount));
  report->set_weighted_amount(
      model::saturating_add(report->weighted_amount(), row.weighted_amount));
  report->set_overdue(report->overdue() + row.overdue);
  report->set_rotting(report->rotting() + row.rotting);
  report->set_frozen(report->frozen() + row.frozen);
}

void compute_snapshot(const Scope& scope, const v1::SnapshotOptions& options,
                      v1::SnapshotState* out) {
  const ledger::State& s = scope.state();
  const int64_t at_time = scope.as_of();
  Groups groups(scope, options.breakdown());
  const int rows = scope.funnel().rows();
  const std::vector<StageCounters> fresh(rows);
  std::vector<std::vector<StageCounters>> accs(1, fresh);

  scan_deals(scope, Pick::kAll, [&](uint32_t deal, const DealAt& at, int64_t opened) {
    if (at.status != DealStatus::kOpen && at.status != DealStatus::kFrozen) return;
    const uint16_t version = s.deals.version[deal];
    const Process& process = s.catalog.version(version);
    const int row = scope.funnel().row(version, at.stage);
    auto add = [&](std::vector<StageCounters>& acc) {
      StageCounters& c = acc[row];
      if (at.status == DealStatus::kFrozen) {
        ++c.frozen;
        return;
      }
      ++c.open;
      c.amount = model::saturating_add(c.amount, at.amount);
      c.weighted_amount = model::saturating_add(
          c.weighted_amount,
          model::weighted_amount(at.amount, model::probability(process.stage(at.stage))));
      c.age.add(model::saturating_sub(at_time, at.since));
      const auto due = process.due_at(at.stage, at.since);
      c.overdue += due && at_time > *due;
      const int64_t touched = scope.reader().last_change(deal);
      const auto rotting_from =
          options.rotting_days() > 0
              ? std::optional(model::saturating_add(
                    touched, int64_t{options.rotting_days()} * model::kMsPerDay))
              : process.rotting_at(at.stage, touched);
      c.rotting += rotting_from && at_time > *rotting_from;
    };
    groups.tally(accs, fresh, deal, at, opened, add);
  });

  out->Clear();
  for (uint32_t group = 0; group < accs.size(); ++group) {
    v1::SnapshotTally* tally = out->add_groups();
    tally->set_group(groups.key(group));
    for (int row = 0; row < rows; ++row) {
      const StageCounters& c = accs[group][row];
      if (c.open == 0 && c.frozen == 0) continue;
      v1::SnapshotStageTally& t = (*tally->mutable_stages())[scope.funnel().key(row)];
      t.set_open(c.open);
      t.set_amount(c.amount);
      t.set_weighted_amount(c.weighted_amount);
      t.set_overdue(c.overdue);
      t.set_rotting(c.rotting);
      t.set_frozen(c.frozen);
      c.age.to_proto(t.mutable_age());
    }
  }
}

void merge_snapshot(const v1::SnapshotState& from, v1::SnapshotState* into) {
  merge_grouped(from.groups(), into->mutable_groups(),
                [](const v1::SnapshotTally& tally, v1::SnapshotTally* target) {
    for (const auto& [key, stage] : tally.stages()) {
      v1::SnapshotStageTally& t = (*target->mutable_stages())[key];
      t.set_open(t.open() + stage.open());
      t.set_amount(model::saturating_add(t.amount(), stage.amount()));
      t.set_weighted_amount(model::saturating_add(t.weighted_amount(), stage.weighted_amount()));
      t.set_overdue(t.overdue() + stage.overdue());
      t.set_rotting(t.rotting() + stage.rotting());
      t.set_frozen(t.frozen() + stage.frozen());
      merge_histogram(stage.age(), t.mutable_age());
    }
  });
}

void finish_snapshot(const v1::PartialState& state, v1::SnapshotReport* out) {
  const v1::Funnel& funnel = state.funnel();
  out->Clear();
  const auto tallies = ordered_groups(state.snapshot().groups());
  for (size_t i = 0; i < tallies.size(); ++i) {
    const v1::SnapshotTally& tally = tallies[i];
    v1::SnapshotReport* target = i == 0 ? out : out->add_groups();
    target->set_group(tally.group());
    for (const v1::FunnelStage& stage : funnel.stages()) {
      const auto it = tally.stages().find(stage.key());
      const v1::SnapshotStageTally t =
          it == tally.stages().end() ? v1::SnapshotStageTally() : it->second;
      SnapshotRow row;
      row.open = t.open();
      row.amount = t.amount();
      row.weighted_amount = t.weighted_amount();
      row.median_age = Histogram::from_proto(t.age()).quantile(0.5);
      row.overdue = t.overdue();
      row.rotting = t.rotting();
      row.frozen = t.frozen();
      add_snapshot_row(stage, row, target);
    }
  }
  set_context(out, [&](v1::SnapshotReport* report) {
    report->set_process(state.spec().snapshot().filter().process());
    report->set_at(state.as_of());
  });
}

}  // namespace voronka::analytics

namespace voronka::analytics {
namespace {

// The k-th smallest (from 1) of the values in several sorted arrays.
int64_t kth_smallest(const std::vector<const std::vector<int64_t>*>& arrays, uint64_t k) {
  if (arrays.size() == 1) return (*arrays[0])[k - 1];
  int64_t low = std::numeric_limits<int64_t>::max(), high = std::numeric_limits<int64_t>::min();
  for (const auto* a : arrays) {
    if (a->empty()) continue;
    low = std::min(low, a->front());
    high = std::max(high, a->back());
  }
  while (low < high) {
    const int64_t middle = std::midpoint(low, high);  // rounds down: middle < high
    uint64_t at_most = 0;
    for (const auto* a : arrays) {
      at_most += static_cast<uint64_t>(std::upper_bound(a->begin(), a->end(), middle) - a->begin());
    }
    if (at_most >= k) {
      high = middle;
    } else {
      low = middle + 1;
    }
  }
  return low;
}

// How many of the sorted times make a limit that starts at them end before
// `now`. limit_end is non-decreasing in its start (calendar and business
// days alike), so this is a binary search.
template <typename LimitEnd>
uint64_t expired(const std::vector<int64_t>& starts, int64_t now, LimitEnd&& limit_end) {
  return static_cast<uint64_t>(
      std::partition_point(starts.begin(), starts.end(),
                           [&](int64_t start) { return limit_end(start) < now; }) -
      starts.begin());
}

}  // namespace

bool latest_snapshot(const Scope& scope, const v1::SnapshotOptions& options,
                     v1::SnapshotReport* out) {
  const ledger::State& s = scope.state();
  const v1::Filter& f = options.filter();
  if (options.breakdown().by() != v1::Breakdown::NONE || !f.owners().empty() ||
      !f.clients().empty() || !f.fields().empty() || scope.as_of() < s.latest_at) {
    return false;
  }
  s.stage_index.ensure_built(s);
  const int64_t now = scope.as_of();
  const FunnelMap& funnel = scope.funnel();
  std::vector<SnapshotRow> rows(funnel.rows());
  std::vector<std::vector<const std::vector<int64_t>*>> entered(funnel.rows());
  for (uint16_t version : scope.versions()) {
    const Process& process = s.catalog.version(version);
    for (int stage = 0; stage < process.stage_count(); ++stage) {
      const ledger::StageIndex::Stage* index = s.stage_index.stage(version, stage);
      if (index == nullptr) continue;
      const int row = funnel.row(version, stage);
      SnapshotRow& r = rows[row];
      r.open += index->open;
      r.amount = model::saturating_add(r.amount, index->amount());
      r.weighted_amount = model::saturating_add(r.weighted_amount, index->weighted_amount());
      r.frozen += index->frozen;
      if (process.stage(stage).has_sla()) {
        r.overdue += expired(index->entered_at, now,
                             [&](int64_t start) { return *process.due_at(stage, start); });
      }
      if (options.rotting_days() > 0) {
        const int64_t limit = int64_t{options.rotting_days()} * model::kMsPerDay;
        r.rotting += expired(index->changed_at, now,
                             [&](int64_t start) { return model::saturating_add(start, limit); });
      } else if (process.stage(stage).has_rotting()) {
        r.rotting += expired(index->changed_at, now,
                             [&](int64_t start) { return *process.rotting_at(stage, start); });
      }
      if (!index->entered_at.empty()) entered[row].push_back(&index->entered_at);
    }
  }
  out->Clear();
  for (int row = 0; row < funnel.rows(); ++row) {
    SnapshotRow& r = rows[row];
    if (r.open > 0) {
      // The median age by nearest rank; the youngest deals entered last.
      const uint64_t rank = std::max<uint64_t>(1, (r.open + 1) / 2);
      r.median_age = model::saturating_sub(now, kth_smallest(entered[row], r.open - rank + 1));
    }
    add_snapshot_row(funnel.funnel().stages(row), r, out);
  }
  out->set_process(f.process());
  out->set_at(now);
  return true;
}

}  // namespace voronka::analytics
