// Every report against the brute-force reference on random ledgers.
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <limits>

#include "reference.hpp"
#include "scenario.hpp"
#include "voronka/analytics.hpp"
#include "voronka/time.hpp"

namespace voronka::testing {
namespace {

using reference::DealState;
using reference::kNever;

constexpr int64_t kDay = 86'400'000;

// The exact nearest-rank quantile of a list.
int64_t exact_quantile(std::vector<int64_t> values, double q) {
  std::sort(values.begin(), values.end());
  const auto rank = std::max<size_t>(1, static_cast<size_t>(std::ceil(q * values.size())));
  return values[rank - 1];
}

void expect_within_one_percent(int64_t estimate, int64_t exact, const std::string& what) {
  EXPECT_LE(std::abs(static_cast<double>(estimate - exact)), 0.01 * static_cast<double>(exact) + 0.5)
      << what << ": estimate " << estimate << ", exact " << exact;
}

bool in_period(int64_t t, const v1::Filter& f) {
  return (!f.has_from() || t >= f.from()) && (!f.has_to() || t < f.to());
}

int64_t as_of_of(const World& world, const v1::Filter& f) {
  return f.has_as_of() ? f.as_of() : world.ledger.stats().latest_event_at;
}

bool passes(const reference::Deal& deal, const DealState& d, const v1::Filter& f) {
  if (!d.exists) return false;
  if (!f.process().empty() && deal.process != f.process()) return false;
  if (!f.owners().empty() &&
      std::find(f.owners().begin(), f.owners().end(), d.owner) == f.owners().end()) {
    return false;
  }
  for (const auto& [k, v] : f.fields()) {
    // A deal without the field has the empty value.
    auto it = d.fields.find(k);
    if ((it == d.fields.end() ? std::string() : it->second) != v) return false;
  }
  return true;
}

// The filters each comparison runs under.
std::vector<v1::Filter> filters(const Scenario& s) {
  std::vector<v1::Filter> result;
  const std::vector<std::optional<int64_t>> times = {
      std::nullopt, s.start - kDay, s.start + 12 * kDay, s.middle, s.middle + 20 * kDay + 7};
  for (const auto& as_of : times) {
    for (int variant = 0; variant < 4; ++variant) {
      v1::Filter f;
      if (as_of) f.set_as_of(*as_of);
      if (variant == 1) {
        f.set_from(s.start + 5 * kDay);
        f.set_to(s.middle + 10 * kDay);
      }
      if (variant == 2) {
        f.set_process("auto");
        f.set_from(s.middle);
      }
      if (variant == 3) {
        f.set_process("manual");
        f.add_owners("o1");
        f.add_owners("o2");
        (*f.mutable_fields())["budget"] = "yes";
        f.set_to(s.middle + 30 * kDay);
      }
      result.push_back(f);
    }
  }
  return result;
}

class ReportsMatchReference : public ::testing::TestWithParam<uint32_t> {
 protected:
  void SetUp() override {
    scenario_ = random_scenario(GetParam(), 260);
    build_world(scenario_, &world_);
    ASSERT_GT(world_.ledger.stats().deals, 200u);
  }
  Scenario scenario_;
  World world_;
};

TEST_P(ReportsMatchReference, Snapshot) {
  for (v1::Filter f : filters(scenario_)) {
    f.clear_from();
    f.clear_to();
    for (uint32_t rotting_days : {0u, 1u}) {
      v1::SnapshotOptions options;
      *options.mutable_filter() = f;
      options.set_rotting_days(rotting_days);
      v1::SnapshotReport report;
      ASSERT_TRUE(snapshot(world_.ledger, options, &report));
      const int64_t t = as_of_of(world_, f);
      EXPECT_EQ(report.at(), t);
      struct Row { uint64_t open = 0, overdue = 0, rotting = 0, frozen = 0; int64_t amount = 0, weighted = 0; std::vector<int64_t> ages; };
      std::map<std::string, Row> expected;
      for (const auto& [key, deal] : world_.deals) {
        const DealState d = deal.at(t);
        if (!passes(deal, d, f) || (d.status != "open" && d.status != "frozen")) continue;
        Row& row = expected[d.stage];
        if (d.status == "frozen") {
          ++row.frozen;
          continue;
        }
        const Process& p = *deal.graph->compiled;
        const int stage = p.find_stage(d.stage);
        ++row.open;
        row.amount += d.amount;
        if (p.stage(stage).has_probability()) {
          row.weighted += std::llround(static_cast<double>(d.amount) * p.stage(stage).probability());
        }
        row.ages.push_back(t - d.since);
        const auto due = p.due_at(stage, d.since);
        row.overdue += due && t > *due;
        const auto rot = rotting_days ? std::optional(d.last_change + rotting_days * kDay)
                                      : p.rotting_at(stage, d.last_change);
        row.rotting += rot && t > *rot;
      }
      uint64_t frozen = 0;
      for (const auto& stage : report.stages()) {
        const Row row = expected.count(stage.stage()) ? expected[stage.stage()] : Row();
        const std::string what = stage.stage() + " at " + format_time(t);
        EXPECT_EQ(stage.open(), row.open) << what;
        EXPECT_EQ(stage.amount(), row.amount) << what;
        EXPECT_EQ(stage.weighted_amount(), row.weighted) << what;
        EXPECT_EQ(stage.overdue(), row.overdue) << what;
        EXPECT_EQ(stage.rotting(), row.rotting) << what;
        EXPECT_EQ(stage.frozen(), row.frozen) << what;
        EXPECT_EQ(stage.has_median_age_ms(), !row.ages.empty()) << what;
        if (!row.ages.empty()) {
          expect_within_one_percent(stage.median_age_ms(), exact_quantile(row.ages, 0.5), what);
        }
        frozen += row.frozen;
        expected.erase(stage.stage());
      }
      EXPECT_TRUE(expected.empty()) << "stages missing from the report";
      EXPECT_EQ(report.frozen(), frozen);
    }
  }
}

// The reference's history of one basis and count.
struct StageRow {
  uint64_t entered = 0, reached = 0, visits = 0, won_stages = 0, lost_stages = 0, moved_on = 0,
           won = 0, lost = 0, entry_base = 0;
  int64_t won_amount = 0, lost_amount = 0;
};
struct HistoryExpectation {
  std::map<std::string, StageRow> stages;
  std::map<std::string, uint64_t> edges;  // "from>to"
  uint64_t deals = 0, won = 0, lost = 0, open = 0, frozen = 0;
  int64_t won_amount = 0, lost_amount = 0;
};

HistoryExpectation expected_history(const World& world, const v1::Filter& f, v1::Basis basis,
                                    v1::Count count) {
  HistoryExpectation h;
  const int64_t t = as_of_of(world, f);
  for (const auto& [key, deal] : world.deals) {
    const DealState d = deal.at(t);
    if (!passes(deal, d, f)) continue;
    bool won = d.status == "won", lost = d.status == "lost";
    std::set<std::string> entered = d.entered;
    std::map<std::string, uint64_t> visits;
    if (basis == v1::CREATED && !in_period(d.opened_at, f)) continue;
    if (basis == v1::CLOSED && (!(won || lost) || !in_period(d.closed_at, f))) continue;
    if (basis == v1::ACTIVITY) {
      won &= in_period(d.closed_at, f);
      lost &= in_period(d.closed_at, f);
      entered.clear();
      for (const auto& v : d.visits) {
        if (in_period(v.start, f)) {
          entered.insert(v.stage);
          ++visits[v.stage];
        }
      }
      if (entered.empty() && !(d.closed_at != kNever && in_period(d.closed_at, f))) continue;
    } else {
      for (const auto& v : d.visits) ++visits[v.stage];
    }
    const auto& next = deal.graph->next;
    // A loss reaches the stage it happened at, as a win reaches won, even
    // when the stage was entered before the period.
    std::set<std::string> reaching = entered;
    if (lost) reaching.insert(d.stage);
    const std::set<std::string> r = reference::reached(*deal.graph, reaching, won);
    const std::set<std::string>& c = count == v1::ENTERED ? entered : r;
    ++h.deals;
    h.won += won;
    h.lost += lost;
    h.open += d.status == "open";
    h.frozen += d.status == "frozen";
    if (won) h.won_amount += d.amount;
    if (lost) h.lost_amount += d.amount;
    for (const auto& s : entered) {
      ++h.stages[s].entered;
      h.stages[s].visits += visits[s];
    }
    // The base of the cumulative conversion: deals counted at their own
    // version's entry stage, in every stage of that version.
    if (c.count(deal.graph->entry)) {
      for (const auto& s : deal.graph->stages) ++h.stages[s].entry_base;
    }
    for (const auto& s : r) {
      StageRow& row = h.stages[s];
      ++row.reached;
      // Beyond: won, or reached a stage that s leads to.
      bool beyond = won;
      std::set<std::string> later;
      std::vector<std::string> todo = {s};
      while (!todo.empty()) {
        const std::string at = todo.back();
        todo.pop_back();
        for (const auto& n : next.at(at)) {
          if (n != "won" && later.insert(n).second) todo.push_back(n);
        }
      }
      for (const auto& n : later) beyond |= r.count(n) > 0;
      if (lost && s == d.stage) {
        ++row.lost_stages;
        row.lost_amount += d.amount;
      } else if (beyond) {
        ++row.won_stages;
        row.won_amount += d.amount;
      }
    }
    for (const auto& s : c) {
      StageRow& row = h.stages[s];
      row.won += won;
      row.lost += lost;
      bool moved = false;
      for (const auto& n : next.at(s)) {
        if ((n == "won" && won) || (n != "won" && c.count(n))) {
          ++h.edges[s + ">" + n];
          moved = true;
        }
      }
      row.moved_on += moved;
    }
  }
  return h;
}

TEST_P(ReportsMatchReference, HistoryAndConversion) {
  for (const v1::Filter& f : filters(scenario_)) {
    for (v1::Basis basis : {v1::CREATED, v1::CLOSED, v1::ACTIVITY}) {
      for (v1::Count count : {v1::REACHED, v1::ENTERED}) {
        const HistoryExpectation h = expected_history(world_, f, basis, count);
        v1::HistoryOptions options;
        *options.mutable_filter() = f;
        options.set_basis(basis);
        options.set_count(count);
        v1::HistoryReport report;
        ASSERT_TRUE(history(world_.ledger, options, &report));
        const std::string what = "basis " + std::to_string(basis) + " count " + std::to_string(count) +
                                 " filter " + f.ShortDebugString();
        EXPECT_EQ(report.deals(), h.deals) << what;
        EXPECT_EQ(report.won(), h.won) << what;
        EXPECT_EQ(report.lost(), h.lost) << what;
        EXPECT_EQ(report.open(), h.open) << what;
        EXPECT_EQ(report.frozen(), h.frozen) << what;
        EXPECT_EQ(report.won_amount(), h.won_amount) << what;
        EXPECT_EQ(report.lost_amount(), h.lost_amount) << what;
        std::optional<double> best, worst;
        std::string key_level, bottleneck;
        for (const auto& stage : report.stages()) {
          const auto it = h.stages.find(stage.stage());
          const StageRow row = it == h.stages.end() ? StageRow() : it->second;
          const std::string at = what + " stage " + stage.stage();
          EXPECT_EQ(stage.entered(), row.entered) << at;
          EXPECT_EQ(stage.reached(), row.reached) << at;
          EXPECT_EQ(stage.visits(), row.visits) << at;
          EXPECT_EQ(stage.won_stages(), row.won_stages) << at;
          EXPECT_EQ(stage.lost_stages(), row.lost_stages) << at;
          EXPECT_EQ(stage.won_amount(), row.won_amount) << at;
          EXPECT_EQ(stage.lost_amount(), row.lost_amount) << at;
          const uint64_t n = count == v1::ENTERED ? row.entered : row.reached;
          EXPECT_EQ(stage.has_step_conversion(), n > 0) << at;
          if (n > 0) {
            const double step = static_cast<double>(row.moved_on) / static_cast<double>(n);
            EXPECT_DOUBLE_EQ(stage.step_conversion(), step) << at;
            EXPECT_EQ(stage.has_cumulative_conversion(), row.entry_base > 0) << at;
            if (row.entry_base > 0) {
              EXPECT_DOUBLE_EQ(stage.cumulative_conversion(),
                               static_cast<double>(n) / static_cast<double>(row.entry_base))
                  << at;
            }
            if (!best || step > *best) { best = step; key_level = stage.stage(); }
            if (!worst || step < *worst) { worst = step; bottleneck = stage.stage(); }
          }
        }
        EXPECT_EQ(report.key_level(), key_level) << what;
        EXPECT_EQ(report.bottleneck(), bottleneck) << what;

        v1::ConversionOptions conv_options;
        *conv_options.mutable_filter() = f;
        conv_options.set_basis(basis);
        conv_options.set_count(count);
        v1::ConversionReport conv;
        ASSERT_TRUE(conversion(world_.ledger, conv_options, &conv));
        EXPECT_EQ(conv.key_level(), key_level);
        for (const auto& stage : conv.stages()) {
          const auto it = h.stages.find(stage.stage());
          const StageRow row = it == h.stages.end() ? StageRow() : it->second;
          EXPECT_EQ(stage.won(), row.won) << what;
          EXPECT_EQ(stage.lost(), row.lost) << what;
          EXPECT_EQ(stage.has_win_rate(), row.won + row.lost > 0);
          if (row.won + row.lost > 0) {
            EXPECT_DOUBLE_EQ(stage.win_rate(), static_cast<double>(row.won) / (row.won + row.lost));
          }
        }
        for (const auto& flow : conv.flows()) {
          const auto it = h.edges.find(flow.from() + ">" + flow.to());
          EXPECT_EQ(flow.deals(), it == h.edges.end() ? 0 : it->second) << what << " flow " << flow.from() << ">" << flow.to();
        }
      }
    }
  }
}

TEST_P(ReportsMatchReference, Durations) {
  for (const v1::Filter& f : filters(scenario_)) {
    for (bool cumulative : {false, true}) {
      const int64_t t = as_of_of(world_, f);
      std::map<std::string, std::vector<int64_t>> expected;
      std::vector<int64_t> to_won, to_lost;
      for (const auto& [key, deal] : world_.deals) {
        const DealState d = deal.at(t);
        if (!passes(deal, d, f) || !in_period(d.opened_at, f)) continue;
        std::map<std::string, int64_t> total;
        std::set<std::string> seen;
        for (const auto& v : d.visits) {
          const bool first = seen.insert(v.stage).second;
          if (v.end == kNever || (!first && !cumulative)) continue;
          total[v.stage] += v.end - v.start;
        }
        for (const auto& [stage, ms] : total) expected[stage].push_back(ms);
        if (d.status == "won") to_won.push_back(d.closed_at - d.opened_at);
        if (d.status == "lost") to_lost.push_back(d.closed_at - d.opened_at);
      }
      v1::DurationsOptions options;
      *options.mutable_filter() = f;
      options.set_cumulative(cumulative);
      v1::DurationsReport report;
      ASSERT_TRUE(durations(world_.ledger, options, &report));
      auto check = [&](const v1::DurationStats& stats, const std::vector<int64_t>& values,
                       const std::string& what) {
        ASSERT_EQ(stats.count(), values.size()) << what;
        if (values.empty()) return;
        EXPECT_EQ(stats.min_ms(), *std::min_element(values.begin(), values.end())) << what;
        EXPECT_EQ(stats.max_ms(), *std::max_element(values.begin(), values.end())) << what;
        int64_t sum = 0;
        for (int64_t v : values) sum += v;
        EXPECT_EQ(stats.sum_ms(), sum) << what;
        expect_within_one_percent(stats.median_ms(), exact_quantile(values, 0.5), what + " median");
        expect_within_one_percent(stats.p90_ms(), exact_quantile(values, 0.9), what + " p90");
      };
      for (const auto& stage : report.stages()) {
        check(stage.time(), expected[stage.stage()], "stage " + stage.stage());
      }
      check(report.to_won(), to_won, "to won");
      check(report.to_lost(), to_lost, "to lost");
    }
  }
}

TEST_P(ReportsMatchReference, ObligationsLossesAndOwners) {
  for (const v1::Filter& f : filters(scenario_)) {
    const int64_t t = as_of_of(world_, f);
    // Obligations: open deals past their SLA.
    std::vector<std::tuple<int64_t, std::string>> overdue;
    std::map<std::tuple<std::string, std::string>, std::pair<uint64_t, int64_t>> losses;
    struct Owner { uint64_t opened = 0, won = 0, lost = 0; int64_t won_amount = 0; std::vector<int64_t> cycles; };
    std::map<std::string, Owner> owners;
    for (const auto& [key, deal] : world_.deals) {
      const DealState d = deal.at(t);
      if (!passes(deal, d, f)) continue;
      const Process& p = *deal.graph->compiled;
      if (d.status == "open") {
        const auto due = p.due_at(p.find_stage(d.stage), d.since);
        if (due && t > *due) overdue.emplace_back(t - *due, key);
      }
      const bool closed_in = d.closed_at != kNever && in_period(d.closed_at, f);
      if (d.status == "lost" && closed_in) {
        auto& cell = losses[{d.stage, d.reason}];
        ++cell.first;
        cell.second += d.amount;
      }
      if (in_period(d.opened_at, f) || closed_in) {
        Owner& o = owners[d.owner];
        o.opened += in_period(d.opened_at, f);
        if (closed_in && d.status == "won") {
          ++o.won;
          o.won_amount += d.amount;
          o.cycles.push_back(d.closed_at - d.opened_at);
        }
        if (closed_in && d.status == "lost") ++o.lost;
      }
    }
    std::sort(overdue.begin(), overdue.end(), [](const auto& a, const auto& b) {
      return std::get<0>(a) != std::get<0>(b) ? std::get<0>(a) > std::get<0>(b) : std::get<1>(a) < std::get<1>(b);
    });
    v1::ObligationsOptions ob_options;
    *ob_options.mutable_filter() = f;
    v1::ObligationsReport ob;
    ASSERT_TRUE(obligations(world_.ledger, ob_options, &ob));
    ASSERT_EQ(static_cast<size_t>(ob.obligations_size()), overdue.size());
    for (size_t i = 0; i < overdue.size(); ++i) {
      EXPECT_EQ(ob.obligations(static_cast<int>(i)).deal(), std::get<1>(overdue[i]));
      EXPECT_EQ(ob.obligations(static_cast<int>(i)).overdue_ms(), std::get<0>(overdue[i]));
    }

    v1::LossesOptions loss_options;
    *loss_options.mutable_filter() = f;
    v1::LossesReport lr;
    ASSERT_TRUE(voronka::losses(world_.ledger, loss_options, &lr));
    ASSERT_EQ(static_cast<size_t>(lr.cells_size()), losses.size());
    for (const auto& cell : lr.cells()) {
      const auto& e = losses.at({cell.stage(), cell.reason()});
      EXPECT_EQ(cell.deals(), e.first);
      EXPECT_EQ(cell.amount(), e.second);
    }

    v1::OwnersOptions own_options;
    *own_options.mutable_filter() = f;
    v1::OwnersReport orp;
    ASSERT_TRUE(voronka::owners(world_.ledger, own_options, &orp));
    ASSERT_EQ(static_cast<size_t>(orp.owners_size()), owners.size());
    int64_t previous = std::numeric_limits<int64_t>::max();
    for (const auto& row : orp.owners()) {
      const Owner& o = owners.at(row.owner());
      EXPECT_EQ(row.opened(), o.opened);
      EXPECT_EQ(row.won(), o.won);
      EXPECT_EQ(row.lost(), o.lost);
      EXPECT_EQ(row.won_amount(), o.won_amount);
      EXPECT_LE(row.won_amount(), previous);  // ranked
      previous = row.won_amount();
      if (!o.cycles.empty()) expect_within_one_percent(row.median_cycle_ms(), exact_quantile(o.cycles, 0.5), "cycle");
    }
  }
}

TEST_P(ReportsMatchReference, Forecast) {
  for (v1::Filter f : filters(scenario_)) {
    f.clear_from();
    f.clear_to();
    const int64_t t = as_of_of(world_, f);
    const int64_t from = t - 30 * kDay;
    struct Row { uint64_t open = 0, won = 0, lost = 0; int64_t amount = 0, weighted = 0; std::vector<int64_t> remaining; };
    std::map<std::string, Row> expected;
    for (const auto& [key, deal] : world_.deals) {
      const DealState d = deal.at(t);
      if (!passes(deal, d, f)) continue;
      const Process& p = *deal.graph->compiled;
      if (d.status == "open") {
        Row& row = expected[d.stage];
        ++row.open;
        row.amount += d.amount;
        const auto& stage = p.stage(p.find_stage(d.stage));
        if (stage.has_probability()) row.weighted += std::llround(d.amount * stage.probability());
      }
      if (d.closed_at != kNever && d.closed_at >= from) {
        const bool won = d.status == "won";
        for (const auto& s : reference::reached(*deal.graph, d.entered, won)) {
          expected[s].won += won;
          expected[s].lost += !won;
        }
        if (won) {
          std::set<std::string> seen;
          for (const auto& v : d.visits) {
            if (seen.insert(v.stage).second) expected[v.stage].remaining.push_back(d.closed_at - v.start);
          }
        }
      }
    }
    v1::ForecastOptions options;
    *options.mutable_filter() = f;
    options.set_lookback_days(30);
    v1::ForecastReport report;
    ASSERT_TRUE(forecast(world_.ledger, options, &report));
    uint64_t month_deals = 0;
    for (const auto& m : report.months()) month_deals += m.deals();
    EXPECT_EQ(month_deals, report.open());
    for (const auto& stage : report.stages()) {
      const Row row = expected.count(stage.stage()) ? expected[stage.stage()] : Row();
      EXPECT_EQ(stage.open(), row.open);
      EXPECT_EQ(stage.amount(), row.amount);
      EXPECT_EQ(stage.weighted_amount(), row.weighted);
      EXPECT_EQ(stage.has_learned_probability(), row.won + row.lost > 0);
      if (row.won + row.lost > 0) {
        const double p = static_cast<double>(row.won) / (row.won + row.lost);
        EXPECT_DOUBLE_EQ(stage.learned_probability(), p);
        EXPECT_EQ(stage.learned_weighted_amount(), std::llround(row.amount * p));
      }
      EXPECT_EQ(stage.has_remaining_ms(), !row.remaining.empty());
      if (!row.remaining.empty()) expect_within_one_percent(stage.remaining_ms(), exact_quantile(row.remaining, 0.5), "remaining");
    }
  }
}

// windowFunnel, written out from its definition.
int expected_level(const std::vector<std::pair<int64_t, int>>& entries, int64_t window,
                   v1::WindowOptions::Mode mode, int levels) {
  size_t i = 0;
  while (i < entries.size() && entries[i].second != 0) ++i;
  if (i == entries.size()) return 0;
  const int64_t start = entries[i].first;
  int64_t last = start;
  int level = 1;
  for (++i; i < entries.size() && level < levels; ++i) {
    const auto [at, row] = entries[i];
    if (at > start + window) break;
    const bool next = row == level;
    if (next && !(mode == v1::WindowOptions::STRICT_INCREASE && at <= last)) {
      ++level;
      last = at;
    } else if (!next && mode == v1::WindowOptions::STRICT_ORDER) {
      break;
    } else if (!next && mode == v1::WindowOptions::STRICT_DEDUPLICATION && row == level - 1) {
      break;
    }
  }
  return level;
}

TEST_P(ReportsMatchReference, WindowFunnel) {
  v1::Filter f;
  f.set_process("auto");
  for (auto mode : {v1::WindowOptions::DEFAULT, v1::WindowOptions::STRICT_ORDER,
                    v1::WindowOptions::STRICT_DEDUPLICATION, v1::WindowOptions::STRICT_INCREASE}) {
    for (int64_t window : {int64_t{6} * 3'600'000, 5 * kDay, 60 * kDay}) {
      v1::WindowOptions options;
      *options.mutable_filter() = f;
      options.set_window_ms(window);
      options.set_mode(mode);
      v1::WindowFunnelReport report;
      ASSERT_TRUE(window_funnel(world_.ledger, options, &report));
      std::map<std::string, int> row_of;
      for (int r = 0; r < report.levels_size(); ++r) row_of[report.levels(r).stage()] = r;
      std::vector<uint64_t> levels(report.levels_size() + 1, 0);
      const int64_t t = world_.ledger.stats().latest_event_at;
      for (const auto& [key, deal] : world_.deals) {
        const DealState d = deal.at(t);
        if (!passes(deal, d, f)) continue;
        std::vector<std::pair<int64_t, int>> entries;
        for (const auto& v : d.visits) entries.emplace_back(v.start, row_of.at(v.stage));
        ++levels[expected_level(entries, window, mode, report.levels_size())];
      }
      for (int r = 0; r < report.levels_size(); ++r) {
        EXPECT_EQ(report.levels(r).deals(), levels[r + 1]) << "mode " << mode << " level " << r + 1;
      }
    }
  }
}

INSTANTIATE_TEST_SUITE_P(Seeds, ReportsMatchReference, ::testing::Values(1u, 2u, 3u));

}  // namespace
}  // namespace voronka::testing

namespace voronka::testing {
namespace {

// The latest snapshot is read from an index kept current on append; it must
// agree with the snapshot computed from the timelines after every batch.
TEST(LatestSnapshot, IndexStaysCurrentOnAppend) {
  const Scenario scenario = random_scenario(21, 300);
  Ledger ledger;
  for (const auto& p : scenario.processes) ASSERT_TRUE(ledger.add_process(p));
  ledger.append(scenario.first_batch);
  auto compare = [&](const std::string& when) {
    for (uint32_t rotting_days : {0u, 2u}) {
      v1::ReportSpec spec;
      spec.mutable_snapshot()->set_rotting_days(rotting_days);
      v1::Report fast, scanned;
      v1::PartialState state;
      ASSERT_TRUE(run_report(ledger, spec, &fast));
      ASSERT_TRUE(compute_partial(ledger, spec, &state));
      ASSERT_TRUE(finish_partial(state, &scanned));
      const auto& a = fast.snapshot();
      const auto& b = scanned.snapshot();
      ASSERT_EQ(a.stages_size(), b.stages_size());
      EXPECT_EQ(a.at(), b.at());
      for (int i = 0; i < a.stages_size(); ++i) {
        const auto& x = a.stages(i);
        const auto& y = b.stages(i);
        const std::string what = when + " stage " + x.stage();
        EXPECT_EQ(x.open(), y.open()) << what;
        EXPECT_EQ(x.amount(), y.amount()) << what;
        EXPECT_EQ(x.weighted_amount(), y.weighted_amount()) << what;
        EXPECT_EQ(x.overdue(), y.overdue()) << what;
        EXPECT_EQ(x.rotting(), y.rotting()) << what;
        EXPECT_EQ(x.frozen(), y.frozen()) << what;
        ASSERT_EQ(x.has_median_age_ms(), y.has_median_age_ms()) << what;
        if (x.has_median_age_ms()) {
          EXPECT_LE(std::abs(static_cast<double>(x.median_age_ms() - y.median_age_ms())),
                    0.01 * static_cast<double>(x.median_age_ms()) + 1)
              << what;
        }
      }
    }
  };
  compare("after the first batch");
  for (const auto& p : scenario.new_versions) ASSERT_TRUE(ledger.add_process(p));
  // Small batches in time order, as a live system sends them.
  std::vector<v1::Event> rest = scenario.second_batch;
  std::stable_sort(rest.begin(), rest.end(),
                   [](const auto& a, const auto& b) { return a.at() < b.at(); });
  for (size_t i = 0; i < rest.size(); i += 40) {
    const std::vector<v1::Event> batch(rest.begin() + i,
                                       rest.begin() + std::min(rest.size(), i + 40));
    ledger.append(batch);
    compare("after event " + std::to_string(i));
  }
}

}  // namespace
}  // namespace voronka::testing

namespace voronka::testing {
namespace {

// A forecast as of the earliest representable time: nothing is open yet,
// and the lookback window cannot reach before it (it would overflow).
TEST(Forecast, AsOfTheEarliestTimeHasNothingOpen) {
  const Scenario scenario = random_scenario(5, 40);
  Ledger ledger;
  for (const auto& p : scenario.processes) ASSERT_TRUE(ledger.add_process(p));
  ledger.append(scenario.first_batch);
  v1::ForecastOptions options;
  options.mutable_filter()->set_process(scenario.processes[0].key());
  options.mutable_filter()->set_as_of(std::numeric_limits<int64_t>::min() + 1);
  options.set_lookback_days(365);
  v1::ForecastReport report;
  ASSERT_TRUE(forecast(ledger, options, &report));
  EXPECT_EQ(report.open(), 0u);
  for (const auto& stage : report.stages()) {
    EXPECT_EQ(stage.open(), 0u) << stage.stage();
    EXPECT_FALSE(stage.has_learned_probability()) << stage.stage();
  }
}

}  // namespace
}  // namespace voronka::testing
