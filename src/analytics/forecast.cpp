// Forecast: the money the open deals are expected to bring, by stage and by
// expected close month, with declared and learned probabilities.
#include <algorithm>
#include <bit>
#include <cmath>
#include <limits>
#include <map>

#include "analytics/deal_scan.hpp"
#include "analytics/merge.hpp"
#include "analytics/reports.hpp"
#include "model/calendar.hpp"
#include "model/money.hpp"
#include "model/saturate.hpp"

namespace voronka::analytics {
namespace {

constexpr uint32_t kDefaultLookbackDays = 365;

struct StageCounters {
  uint64_t open = 0, closed_won = 0, closed_lost = 0;
  int64_t amount = 0, weighted_amount = 0;
  Histogram remaining;
  std::map<int32_t, v1::ForecastDay> open_by_day;
};

int64_t lookback_from(const v1::ForecastOptions& options, int64_t at) {
  const uint32_t days = options.lookback_days() == 0 ? kDefaultLookbackDays : options.lookback_days();
  const int64_t span = int64_t{days} * model::kMsPerDay;
  // An as_of near the earliest representable time has no earlier window.
  return at < std::numeric_limits<int64_t>::min() + span ? std::numeric_limits<int64_t>::min()
                                                         : at - span;
}

// The last day whose midnight an int64 time can hold.
constexpr int64_t kLastDay = std::numeric_limits<int64_t>::max() / model::kMsPerDay;

// A day number as a partial state keeps it, in 32 bits: a day beyond, some
// 5.8 million years from 1970, is held at the end of the range, which is
// all its month label ("before 1400", "after 9999") needs.
int32_t state_day(int64_t ms) {
  return static_cast<int32_t>(std::clamp<int64_t>(model::day_of(ms),
                                                  std::numeric_limits<int32_t>::min(),
                                                  std::numeric_limits<int32_t>::max()));
}

}  // namespace

void compute_forecast(const Scope& scope, const v1::ForecastOptions& options,
                      v1::ForecastState* out) {
  const ledger::State& s = scope.state();
  const DealReader& reader = scope.reader();
  const int64_t at_time = scope.as_of();
  const int64_t from = lookback_from(options, at_time);
  const int rows = scope.funnel().rows();
  Groups groups(scope, options.breakdown());
  const std::vector<StageCounters> fresh(rows);
  std::vector<std::vector<StageCounters>> accs(1, fresh);
  int64_t first_entry[kMaxStages];

  scan_deals(scope, Pick::kAll, [&](uint32_t deal, const DealAt& at, int64_t opened) {
    const uint16_t version = s.deals.version[deal];
    const Process& process = s.catalog.version(version);
    const bool open = at.status == DealStatus::kOpen;
    const bool closed_recently = at.closed_at != kNever && at.closed_at >= from;
    if (!open && !closed_recently) return;
    const bool won = at.status == DealStatus::kWon;
    StageMask entered_first = 0;
    if (closed_recently && won) {
      reader.for_each_visit(deal, [&](int stage, int64_t start, int64_t) {
        const StageMask bit = StageMask{1} << stage;
        if (entered_first & bit) return;
        entered_first |= bit;
        first_entry[stage] = start;
      });
    }
    auto add = [&](std::vector<StageCounters>& acc) {
      if (open) {
        StageCounters& c = acc[scope.funnel().row(version, at.stage)];
        const int64_t weighted =
            model::weighted_amount(at.amount, model::probability(process.stage(at.stage)));
        ++c.open;
        c.amount = model::saturating_add(c.amount, at.amount);
        c.weighted_amount = model::saturating_add(c.weighted_amount, weighted);
        v1::ForecastDay& day = c.open_by_day[state_day(at.since)];
        day.set_day(state_day(at.since));
        day.set_deals(day.deals() + 1);
        day.set_amount(model::saturating_add(day.amount(), at.amount));
        day.set_weighted_amount(model::saturating_add(day.weighted_amount(), weighted));
        return;
      }
      for (StageMask bits = process.reached(at.entered, won); bits != 0; bits &= bits - 1) {
        const int stage = std::countr_zero(bits);
        StageCounters& c = acc[scope.funnel().row(version, stage)];
        c.closed_won += won;
        c.closed_lost += !won;
        if ((entered_first >> stage) & 1) {
          c.remaining.add(model::saturating_sub(at.closed_at, first_entry[stage]));
        }
      }
    };
    groups.tally(accs, fresh, deal, at, opened, add);
  });

  out->Clear();
  for (uint32_t group = 0; group < accs.size(); ++group) {
    v1::ForecastTally* tally = out->add_groups();
    tally->set_group(groups.key(group));
    for (int row = 0; row < rows; ++row) {
      const StageCounters& c = accs[group][row];
      if (c.open == 0 && c.closed_won == 0 && c.closed_lost == 0) continue;
      v1::ForecastStageTally& t = (*tally->mutable_stages())[scope.funnel().key(row)];
      t.set_open(c.open);
      t.set_amount(c.amount);
      t.set_weighted_amount(c.weighted_amount);
      t.set_closed_won(c.closed_won);
      t.set_closed_lost(c.closed_lost);
      c.remaining.to_proto(t.mutable_remaining());
      for (const auto& [day, bucket] : c.open_by_day) (*t.mutable_open_by_day())[day] = bucket;
    }
  }
}

void merge_forecast(const v1::ForecastState& from, v1::ForecastState* into) {
  merge_grouped(from.groups(), into->mutable_groups(),
                [](const v1::ForecastTally& tally, v1::ForecastTally* target) {
    for (const auto& [key, stage] : tally.stages()) {
      v1::ForecastStageTally& t = (*target->mutable_stages())[key];
      t.set_open(t.open() + stage.open());
      t.set_amount(model::saturating_add(t.amount(), stage.amount()));
      t.set_weighted_amount(model::saturating_add(t.weighted_amount(), stage.weighted_amount()));
      t.set_closed_won(t.closed_won() + stage.closed_won());
      t.set_closed_lost(t.closed_lost() + stage.closed_lost());
      merge_histogram(stage.remaining(), t.mutable_remaining());
      for (const auto& [day, bucket] : stage.open_by_day()) {
        v1::ForecastDay& d = (*t.mutable_open_by_day())[day];
        d.set_day(day);
        d.set_deals(d.deals() + bucket.deals());
        d.set_amount(model::saturating_add(d.amount(), bucket.amount()));
        d.set_weighted_amount(model::saturating_add(d.weighted_amount(), bucket.weighted_amount()));
      }
    }
  });
}

void finish_forecast(const v1::PartialState& state, v1::ForecastReport* out) {
  const v1::ForecastOptions& options = state.spec().forecast();
  const int64_t at_time = state.as_of();
  const int64_t today = model::day_of(at_time);
  constexpr const char* kUnscheduled = "unscheduled";
  out->Clear();
  const auto tallies = ordered_groups(state.forecast().groups());
  for (size_t i = 0; i < tallies.size(); ++i) {
    const v1::ForecastTally& tally = tallies[i];
    v1::ForecastReport* target = i == 0 ? out : out->add_groups();
    target->set_group(tally.group());
    std::map<std::string, v1::ForecastMonth> months;
    for (const v1::FunnelStage& stage : state.funnel().stages()) {
      const auto it = tally.stages().find(stage.key());
      const v1::ForecastStageTally t =
          it == tally.stages().end() ? v1::ForecastStageTally() : it->second;
      v1::ForecastStage* r = target->add_stages();
      r->set_stage(stage.key());
      r->set_name(stage.name());
      r->set_open(t.open());
      r->set_amount(t.amount());
      if (stage.has_probability()) r->set_probability(stage.probability());
      r->set_weighted_amount(t.weighted_amount());
      std::optional<double> learned;
      if (t.closed_won() + t.closed_lost() > 0) {
        learned = static_cast<double>(t.closed_won()) /
                  static_cast<double>(t.closed_won() + t.closed_lost());
        r->set_learned_probability(*learned);
      }
      r->set_learned_weighted_amount(model::weighted_amount(t.amount(), learned));
      const auto remaining = Histogram::from_proto(t.remaining()).quantile(0.5);
      if (remaining) r->set_remaining_ms(*remaining);
      target->set_open(target->open() + t.open());
      target->set_amount(model::saturating_add(target->amount(), t.amount()));
      target->set_weighted_amount(
          model::saturating_add(target->weighted_amount(), t.weighted_amount()));
      target->set_learned_weighted_amount(
          model::saturating_add(target->learned_weighted_amount(), r->learned_weighted_amount()));
      // A deal is expected to close the median remaining time after it
      // entered its stage, and not before the forecast date.
      for (const auto& [day, bucket] : t.open_by_day()) {
        std::string label = kUnscheduled;
        if (remaining) {
          const int64_t days_left =
              *remaining / model::kMsPerDay + (*remaining % model::kMsPerDay > 0);
          const int64_t close_day = std::max<int64_t>(today, day + days_left);
          label = bucket_label(v1::Breakdown::MONTH,
                               close_day > kLastDay ? std::numeric_limits<int64_t>::max()
                                                    : close_day * model::kMsPerDay);
        }
        v1::ForecastMonth& month = months[label];
        month.set_month(label);
        month.set_deals(month.deals() + bucket.deals());
        month.set_amount(model::saturating_add(month.amount(), bucket.amount()));
        month.set_weighted_amount(
            model::saturating_add(month.weighted_amount(), bucket.weighted_amount()));
        month.set_learned_weighted_amount(
            model::saturating_add(month.learned_weighted_amount(),
                                  model::weighted_amount(bucket.amount(), learned)));
      }
    }
    for (auto& [label, month] : months) {
      if (label != kUnscheduled) *target->add_months() = month;
    }
    if (months.count(kUnscheduled)) *target->add_months() = months[kUnscheduled];
  }
  set_context(out, [&](v1::ForecastReport* report) {
    report->set_process(options.filter().process());
    report->set_at(at_time);
    report->set_lookback_from(lookback_from(options, at_time));
  });
}

}  // namespace voronka::analytics
