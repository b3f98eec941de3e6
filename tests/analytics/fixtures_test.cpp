// Reports on small ledgers whose answers are worked out by hand.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <cmath>
#include <optional>

#include <google/protobuf/util/message_differencer.h>

#include "voronka/analytics.hpp"
#include "voronka/voronka.hpp"

namespace voronka {
namespace {

constexpr int64_t kHour = 3'600'000;
constexpr int64_t kDay = 24 * kHour;

int64_t at(const char* text) { return *parse_time(text); }

// A manual process whose stage a forks to p or t, both leading to c.
v1::Process fork_process() {
  return ProcessBuilder("fork", v1::Process::MANUAL)
      .stage("a").stage("p").stage("t").stage("c")
      .transition("a", "p").transition("a", "t")
      .transition("p", "c").transition("t", "c")
      .definition();
}

// Builds events for a ledger, with fresh ids.
class Events {
 public:
  // `prefix` keeps the ids of a later batch apart from an earlier one's.
  explicit Events(std::string prefix = "") : prefix_(std::move(prefix)) {}
  Events& opened(const std::string& deal, int64_t t, const std::string& process,
                 int64_t amount = 0, const std::string& owner = "anna",
                 const std::string& stage = "") {
    v1::Event& e = next(deal, t);
    e.mutable_opened()->set_process(process);
    e.mutable_opened()->set_amount(amount);
    e.mutable_opened()->set_owner(owner);
    e.mutable_opened()->set_stage(stage);
    return *this;
  }
  Events& enter(const std::string& deal, int64_t t, const std::string& stage) {
    next(deal, t).mutable_entered()->set_stage(stage);
    return *this;
  }
  Events& won(const std::string& deal, int64_t t) {
    next(deal, t).mutable_won();
    return *this;
  }
  Events& lost(const std::string& deal, int64_t t, const std::string& reason) {
    next(deal, t).mutable_lost()->set_reason(reason);
    return *this;
  }
  Events& reopened(const std::string& deal, int64_t t) {
    next(deal, t).mutable_reopened();
    return *this;
  }
  Events& frozen(const std::string& deal, int64_t t) {
    next(deal, t).mutable_frozen();
    return *this;
  }
  Events& field(const std::string& deal, int64_t t, const std::string& key,
                const std::string& value) {
    v1::Event& e = next(deal, t);
    e.mutable_field_set()->set_key(key);
    e.mutable_field_set()->set_value(value);
    return *this;
  }
  Events& activity(const std::string& deal, int64_t t) {
    next(deal, t).mutable_activity()->set_kind(v1::Activity::CALL);
    return *this;
  }
  void into(Ledger& ledger) const {
    for (const auto& r : ledger.append(events_)) ASSERT_TRUE(r.status) << r.status.to_string();
  }

 private:
  v1::Event& next(const std::string& deal, int64_t t) {
    v1::Event& e = events_.emplace_back();
    e.set_event_id(prefix_ + std::to_string(events_.size()));
    e.set_deal(deal);
    e.set_at(t);
    return e;
  }
  std::string prefix_;
  std::vector<v1::Event> events_;
};

const v1::HistoryStage& row(const v1::HistoryReport& report, const std::string& stage) {
  for (const auto& r : report.stages()) {
    if (r.stage() == stage) return r;
  }
  ADD_FAILURE() << "no stage " << stage;
  return v1::HistoryStage::default_instance();
}

// The window-sales funnel of the founding article: 100 incoming calls, 3% of
// them to a measurer's visit, 67% of the visits to a sale.
class WindowSales : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_TRUE(ledger_.add_process(ProcessBuilder("windows", v1::Process::AUTOMATIC)
                                        .stage("incoming_call", "Incoming call")
                                        .stage("measurer_visit", "Measurer visit")
                                        .definition()));
    Events events;
    const int64_t day = at("2025-04-01T09:00:00Z");
    for (int i = 0; i < 100; ++i) {
      const std::string deal = "call-" + std::to_string(i);
      events.opened(deal, day + i * kHour, "windows", 500'000 + 100'000 * (i % 3));
      if (i < 3) {
        events.enter(deal, day + i * kHour + 2 * kDay, "measurer_visit");
        if (i < 2) {
          events.won(deal, day + i * kHour + 5 * kDay);  // amounts 5,000.00 and 6,000.00
        } else {
          events.lost(deal, day + i * kHour + 4 * kDay, "price");
        }
      } else if (i < 90) {
        events.lost(deal, day + i * kHour + kDay, "no_response");
      }
    }
    events.into(ledger_);
  }
  Ledger ledger_;
};

TEST_F(WindowSales, KeyLevelIsTheVisitAndTheBottleneckTheFirstStep) {
  v1::HistoryReport report;
  ASSERT_TRUE(history(ledger_, v1::HistoryOptions(), &report));
  EXPECT_EQ(report.deals(), 100u);
  EXPECT_EQ(report.won(), 2u);
  EXPECT_EQ(report.lost(), 88u);
  EXPECT_EQ(report.open(), 10u);
  EXPECT_EQ(row(report, "incoming_call").reached(), 100u);
  EXPECT_EQ(row(report, "measurer_visit").reached(), 3u);
  EXPECT_DOUBLE_EQ(row(report, "incoming_call").step_conversion(), 0.03);
  EXPECT_DOUBLE_EQ(row(report, "measurer_visit").step_conversion(), 2.0 / 3.0);
  EXPECT_DOUBLE_EQ(row(report, "measurer_visit").cumulative_conversion(), 0.03);
  EXPECT_EQ(report.key_level(), "measurer_visit");
  EXPECT_EQ(report.bottleneck(), "incoming_call");

  v1::ConversionReport conv;
  ASSERT_TRUE(conversion(ledger_, v1::ConversionOptions(), &conv));
  EXPECT_EQ(conv.key_level(), "measurer_visit");
  EXPECT_DOUBLE_EQ(conv.stages(0).drop_off(), 0.97);
  EXPECT_DOUBLE_EQ(conv.stages(1).win_rate(), 2.0 / 3.0);  // 2 won, 1 lost
  EXPECT_DOUBLE_EQ(conv.stages(0).win_rate(), 2.0 / 90.0);  // 2 won, 88 lost
  EXPECT_TRUE(conv.flows().empty());  // a line has no branches
}

TEST_F(WindowSales, DoublingEveryStagesConversion) {
  v1::WhatIfOptions options;
  options.set_all_stages(2.0);
  v1::WhatIfReport report;
  ASSERT_TRUE(whatif(ledger_, options, &report));
  // 100 calls; 3% x 2 = 6% reach the visit; 2/3 x 2 is capped at 1: all 6 win.
  EXPECT_DOUBLE_EQ(report.stages(0).projected_reached(), 100.0);
  EXPECT_DOUBLE_EQ(report.stages(0).projected_step(), 0.06);
  EXPECT_DOUBLE_EQ(report.stages(1).projected_reached(), 6.0);
  EXPECT_DOUBLE_EQ(report.stages(1).projected_step(), 1.0);
  EXPECT_EQ(report.baseline_won(), 2u);
  EXPECT_DOUBLE_EQ(report.projected_won(), 6.0);
  // At the average won deal, (5,000.00 + 6,000.00) / 2.
  EXPECT_EQ(report.baseline_won_amount(), 1'100'000);
  EXPECT_EQ(report.projected_won_amount(), 3'300'000);
  // A further +10%: only the calls can still improve (0.066 x 100 = 6.6 wins).
  ASSERT_EQ(report.sensitivity_size(), 2);
  EXPECT_EQ(report.sensitivity(0).stage(), "incoming_call");
  EXPECT_NEAR(report.sensitivity(0).won_gain(), 0.6, 1e-9);
  EXPECT_EQ(report.sensitivity(0).won_amount_gain(), 330'000);
  EXPECT_EQ(report.sensitivity(1).stage(), "measurer_visit");
  EXPECT_NEAR(report.sensitivity(1).won_gain(), 0.0, 1e-9);

  // Inflow alone scales everything: twice the calls, twice the wins.
  v1::WhatIfOptions inflow;
  inflow.set_inflow(2.0);
  ASSERT_TRUE(whatif(ledger_, inflow, &report));
  EXPECT_DOUBLE_EQ(report.projected_won(), 4.0);
  // The unchanged baseline gives back the baseline.
  ASSERT_TRUE(whatif(ledger_, v1::WhatIfOptions(), &report));
  EXPECT_DOUBLE_EQ(report.projected_won(), 2.0);
  EXPECT_DOUBLE_EQ(report.stages(1).projected_reached(), 3.0);
}

// A manual deal that went both ways of a fork is one deal: the projection
// splits what a stage passes on, it does not send the deal down each way.
TEST(WhatIf, ADealThatWentBothWaysOfAForkIsProjectedOnce) {
  Ledger ledger;
  ASSERT_TRUE(ledger.add_process(fork_process()));
  Events ev;
  const int64_t t0 = at("2025-03-03");
  ev.opened("B", t0, "fork", 1000).enter("B", t0 + kDay, "p").enter("B", t0 + 2 * kDay, "t")
      .enter("B", t0 + 3 * kDay, "c").won("B", t0 + 4 * kDay);
  ev.opened("P", t0, "fork", 3000).enter("P", t0 + kDay, "p").enter("P", t0 + 2 * kDay, "c")
      .won("P", t0 + 3 * kDay);
  ev.into(ledger);
  v1::WhatIfReport r;
  ASSERT_TRUE(whatif(ledger, v1::WhatIfOptions(), &r));
  // a passes on 2 x 1; the ways out of a were taken 2 times to p (B, P) and
  // once to t (B): p gets 2 x 2/3, t 2 x 1/3; both pass all on to c: 2, won 2.
  EXPECT_DOUBLE_EQ(r.stages(0).projected_reached(), 2.0);
  EXPECT_DOUBLE_EQ(r.stages(1).projected_reached(), 4.0 / 3.0);
  EXPECT_DOUBLE_EQ(r.stages(2).projected_reached(), 2.0 / 3.0);
  EXPECT_DOUBLE_EQ(r.stages(3).projected_reached(), 2.0);
  EXPECT_EQ(r.baseline_won(), 2u);
  EXPECT_DOUBLE_EQ(r.projected_won(), 2.0);
  EXPECT_EQ(r.projected_won_amount(), 4000);  // 2 x the average won deal, 2,000
}

// A new version puts a stage before the old entry stage: each deal's
// cumulative conversion is measured from the entry stage of its own version.
TEST(Versions, CumulativeConversionFromEachVersionsEntryStage) {
  Ledger ledger;
  ASSERT_TRUE(ledger.add_process(
      ProcessBuilder("p", v1::Process::MANUAL).stage("a").stage("b").definition()));
  const int64_t t0 = at("2025-03-03");
  Events old_deals;
  for (const char* deal : {"O1", "O2", "O3", "O4"}) old_deals.opened(deal, t0, "p");
  old_deals.enter("O1", t0 + kDay, "b").enter("O2", t0 + kDay, "b");
  old_deals.into(ledger);
  ASSERT_TRUE(ledger.add_process(
      ProcessBuilder("p", v1::Process::MANUAL).stage("lead").stage("a").stage("b").definition()));
  Events new_deals("new-");
  new_deals.opened("N1", t0 + 2 * kDay, "p").enter("N1", t0 + 3 * kDay, "a");
  new_deals.into(ledger);

  v1::HistoryReport r;
  ASSERT_TRUE(history(ledger, v1::HistoryOptions(), &r));
  ASSERT_EQ(r.stages_size(), 3);
  EXPECT_EQ(r.stages(0).stage(), "lead");
  // Reached: lead 1 (N1), a 5, b 2 (O1, O2). The entry stages hold
  // 1 (N1 at lead) + 4 (O1..O4 at a) deals, of which only N1's version has lead.
  EXPECT_DOUBLE_EQ(r.stages(0).cumulative_conversion(), 1.0);  // 1 / 1
  EXPECT_DOUBLE_EQ(r.stages(1).cumulative_conversion(), 1.0);  // 5 / (1 + 4)
  EXPECT_DOUBLE_EQ(r.stages(2).cumulative_conversion(), 0.4);  // 2 / (1 + 4)
}

// The deals of an old version enter the what-if projection at their own
// entry stage, not only through the stage a new version put before it.
TEST(Versions, WhatIfProjectsEachVersionsDealsFromItsEntryStage) {
  Ledger ledger;
  ASSERT_TRUE(ledger.add_process(
      ProcessBuilder("p", v1::Process::MANUAL).stage("a").stage("b").definition()));
  const int64_t t0 = at("2025-03-03");
  Events old_deals;
  for (const char* deal : {"O1", "O2", "O3", "O4"}) old_deals.opened(deal, t0, "p", 100);
  old_deals.enter("O1", t0 + kDay, "b").enter("O2", t0 + kDay, "b").won("O1", t0 + 2 * kDay);
  old_deals.into(ledger);
  ASSERT_TRUE(ledger.add_process(
      ProcessBuilder("p", v1::Process::MANUAL).stage("lead").stage("a").stage("b").definition()));
  Events new_deals("new-");
  new_deals.opened("N1", t0 + 2 * kDay, "p", 100).enter("N1", t0 + 3 * kDay, "a");
  new_deals.into(ledger);

  v1::WhatIfReport r;
  ASSERT_TRUE(whatif(ledger, v1::WhatIfOptions(), &r));
  // A line with multipliers 1 gives back the baseline: lead 1 (N1); a 4 old
  // deals + 1 from lead; b 5 x 2/5; won 2 x 1/2.
  EXPECT_DOUBLE_EQ(r.stages(0).projected_reached(), 1.0);
  EXPECT_DOUBLE_EQ(r.stages(1).projected_reached(), 5.0);
  EXPECT_DOUBLE_EQ(r.stages(2).projected_reached(), 2.0);
  EXPECT_DOUBLE_EQ(r.projected_won(), 1.0);
  // Twice the inflow: twice everything.
  v1::WhatIfOptions twice;
  twice.set_inflow(2.0);
  ASSERT_TRUE(whatif(ledger, twice, &r));
  EXPECT_DOUBLE_EQ(r.stages(1).projected_reached(), 10.0);
  EXPECT_DOUBLE_EQ(r.projected_won(), 2.0);
}

// The 1C "Sales funnel" report: deals won or lost in March 2025.
TEST(ClosedBasis, WonAndLostStagesAndPotentials) {
  Ledger ledger;
  ASSERT_TRUE(ledger.add_process(ProcessBuilder("sale", v1::Process::AUTOMATIC)
                                     .stage("evaluation").stage("presentation")
                                     .stage("proposal").stage("contract")
                                     .definition()));
  Events ev;
  const std::vector<std::string> line = {"evaluation", "presentation", "proposal", "contract"};
  // Walks a deal to the stage of the given index, a day per stage, from a day in February.
  auto walk = [&](const std::string& deal, int to, int64_t amount) {
    const int64_t t0 = at("2025-02-10");
    ev.opened(deal, t0, "sale", amount);
    for (int s = 1; s <= to; ++s) ev.enter(deal, t0 + s * kDay, line[s]);
  };
  walk("D1", 3, 1000), ev.won("D1", at("2025-03-10"));
  walk("D2", 3, 2000), ev.won("D2", at("2025-03-20"));
  walk("D3", 1, 500), ev.lost("D3", at("2025-03-05"), "price");
  walk("D4", 0, 300), ev.lost("D4", at("2025-03-02"), "no_budget");
  walk("D5", 2, 800), ev.lost("D5", at("2025-03-15"), "competitor");
  walk("D6", 3, 1500), ev.lost("D6", at("2025-03-25"), "price");
  walk("D7", 0, 200), ev.lost("D7", at("2025-03-12"), "no_response");
  walk("D8", 1, 600), ev.lost("D8", at("2025-03-28"), "timing");
  walk("D9", 3, 4000), ev.won("D9", at("2025-02-25"));          // closed before March
  walk("D10", 1, 700), ev.lost("D10", at("2025-04-01"), "price");  // on the end: outside
  walk("D11", 2, 900);                                          // still open
  walk("D12", 3, 3000), ev.won("D12", at("2025-03-31T23:59:59Z"));
  ev.into(ledger);

  v1::HistoryOptions options;
  options.set_basis(v1::CLOSED);
  options.mutable_filter()->set_from(at("2025-03-01"));
  options.mutable_filter()->set_to(at("2025-04-01"));
  v1::HistoryReport r;
  ASSERT_TRUE(history(ledger, options, &r));
  EXPECT_EQ(r.deals(), 9u);
  EXPECT_EQ(r.won(), 3u);
  EXPECT_EQ(r.lost(), 6u);
  EXPECT_EQ(r.won_amount(), 6000);
  EXPECT_EQ(r.lost_amount(), 3900);
  struct Expected { const char* stage; uint64_t won, lost; int64_t won_amount, lost_amount; uint64_t reached; };
  for (const Expected& e : {Expected{"evaluation", 7, 2, 9400, 500, 9},
                            Expected{"presentation", 5, 2, 8300, 1100, 7},
                            Expected{"proposal", 4, 1, 7500, 800, 5},
                            Expected{"contract", 3, 1, 6000, 1500, 4}}) {
    const v1::HistoryStage& s = row(r, e.stage);
    EXPECT_EQ(s.won_stages(), e.won) << e.stage;
    EXPECT_EQ(s.lost_stages(), e.lost) << e.stage;
    EXPECT_EQ(s.won_amount(), e.won_amount) << e.stage;
    EXPECT_EQ(s.lost_amount(), e.lost_amount) << e.stage;
    EXPECT_EQ(s.reached(), e.reached) << e.stage;
  }
  // Steps 7/9, 5/7, 4/5, 3/4.
  EXPECT_EQ(r.key_level(), "proposal");
  EXPECT_EQ(r.bottleneck(), "presentation");

  v1::LossesOptions loss_options;
  *loss_options.mutable_filter() = options.filter();
  v1::LossesReport losses_report;
  ASSERT_TRUE(losses(ledger, loss_options, &losses_report));
  EXPECT_EQ(losses_report.deals(), 6u);
  EXPECT_EQ(losses_report.amount(), 3900);
  ASSERT_EQ(losses_report.reasons_size(), 5);
  EXPECT_EQ(losses_report.reasons(0).reason(), "price");  // D3 and D6
  EXPECT_EQ(losses_report.reasons(0).deals(), 2u);
  EXPECT_EQ(losses_report.reasons(0).amount(), 2000);
  EXPECT_EQ(losses_report.stages(0).deals(), 2u);  // evaluation: D4, D7
  EXPECT_EQ(losses_report.cells(0).stage(), "evaluation");
  EXPECT_EQ(losses_report.cells(0).reason(), "no_budget");
}

// A won deal is a won stage at every stage it reached, also where it did not
// pass through a successor: on a fork a manual deal may skip both ways, or
// win straight from the first stage.
TEST(ClosedBasis, AWonDealIsAWonStageWhereverItReached) {
  Ledger ledger;
  ASSERT_TRUE(ledger.add_process(fork_process()));
  Events ev;
  const int64_t t0 = at("2025-03-03");
  ev.opened("S1", t0, "fork", 100).enter("S1", t0 + kDay, "c").won("S1", t0 + 2 * kDay);
  ev.opened("S2", t0, "fork", 200).won("S2", t0 + kDay);
  ev.opened("S3", t0, "fork", 400).enter("S3", t0 + kDay, "p").enter("S3", t0 + 2 * kDay, "c")
      .won("S3", t0 + 3 * kDay);
  ev.opened("L1", t0, "fork", 800).enter("L1", t0 + kDay, "c").lost("L1", t0 + 2 * kDay, "price");
  ev.into(ledger);

  v1::HistoryOptions options;
  options.set_basis(v1::CLOSED);
  v1::HistoryReport r;
  ASSERT_TRUE(history(ledger, options, &r));
  // c dominates won, so every deal reached a and c; only S3 reached p.
  // a: S1, S2, S3 won (100 + 200 + 400); L1 moved beyond a to c (800).
  EXPECT_EQ(row(r, "a").reached(), 4u);
  EXPECT_EQ(row(r, "a").won_stages(), 4u);
  EXPECT_EQ(row(r, "a").won_amount(), 1500);
  EXPECT_EQ(row(r, "p").reached(), 1u);
  EXPECT_EQ(row(r, "p").won_stages(), 1u);
  EXPECT_EQ(row(r, "t").reached(), 0u);
  // c: the three wins; L1 was lost there.
  EXPECT_EQ(row(r, "c").won_stages(), 3u);
  EXPECT_EQ(row(r, "c").won_amount(), 700);
  EXPECT_EQ(row(r, "c").lost_stages(), 1u);
  EXPECT_EQ(row(r, "c").lost_amount(), 800);
}

TEST(ActivityBasis, ALossInThePeriodIsPutOnItsStageAsAWinIsOnItsStages) {
  Ledger ledger;
  ASSERT_TRUE(ledger.add_process(ProcessBuilder("line", v1::Process::AUTOMATIC)
                                     .stage("a").stage("b").stage("c").definition()));
  Events ev;
  // Both entered their stage before the period and closed in it.
  ev.opened("X", at("2025-01-06"), "line", 500).lost("X", at("2025-01-20"), "price");
  ev.opened("Y", at("2025-01-06"), "line", 700).enter("Y", at("2025-01-08"), "b")
      .lost("Y", at("2025-01-21"), "price");
  ev.opened("Z", at("2025-01-06"), "line", 900).enter("Z", at("2025-01-09"), "b")
      .enter("Z", at("2025-01-10"), "c").won("Z", at("2025-01-22"));
  ev.into(ledger);

  v1::HistoryOptions options;
  options.set_basis(v1::ACTIVITY);
  options.mutable_filter()->set_from(at("2025-01-16"));
  options.mutable_filter()->set_to(at("2025-01-26"));
  v1::HistoryReport r;
  ASSERT_TRUE(history(ledger, options, &r));
  EXPECT_EQ(r.deals(), 3u);
  EXPECT_EQ(r.lost(), 2u);
  EXPECT_EQ(r.lost_amount(), 1200);
  // X was lost at a, Y at b after passing a; Z passed a, b and c to won.
  EXPECT_EQ(row(r, "a").entered(), 0u);
  EXPECT_EQ(row(r, "a").reached(), 3u);
  EXPECT_EQ(row(r, "a").lost_stages(), 1u);
  EXPECT_EQ(row(r, "a").lost_amount(), 500);
  EXPECT_EQ(row(r, "a").won_stages(), 2u);
  EXPECT_EQ(row(r, "a").won_amount(), 1600);
  EXPECT_EQ(row(r, "b").reached(), 2u);
  EXPECT_EQ(row(r, "b").lost_stages(), 1u);
  EXPECT_EQ(row(r, "b").lost_amount(), 700);
  EXPECT_EQ(row(r, "b").won_stages(), 1u);
  EXPECT_EQ(row(r, "c").reached(), 1u);
  EXPECT_EQ(row(r, "c").lost_stages(), 0u);
  EXPECT_EQ(row(r, "c").won_stages(), 1u);
}

TEST(Owners, RankedByWonAmountThenWinRateWithNoRateLast) {
  Ledger ledger;
  ASSERT_TRUE(ledger.add_process(ProcessBuilder("line", v1::Process::MANUAL)
                                     .stage("a").stage("b").definition()));
  Events ev;
  const int64_t t = at("2025-02-03");
  ev.opened("C1", t, "line", 100, "cat");
  ev.opened("D1", t, "line", 100, "dan").lost("D1", t + kDay, "price");
  ev.opened("E1", t, "line", 100, "eve");
  ev.opened("A1", t, "line", 100, "ann").won("A1", t + kDay);
  ev.opened("B1", t, "line", 100, "bob").won("B1", t + kDay);
  ev.opened("B2", t, "line", 100, "bob").lost("B2", t + kDay, "price");
  ev.into(ledger);
  v1::OwnersReport r;
  ASSERT_TRUE(owners(ledger, v1::OwnersOptions(), &r));
  std::vector<std::string> order;
  for (const auto& row : r.owners()) order.push_back(row.owner());
  // ann and bob won 1.00 each, ann at the higher rate; dan's rate is 0;
  // cat and eve closed nothing.
  EXPECT_THAT(order, ::testing::ElementsAre("ann", "bob", "dan", "cat", "eve"));
  EXPECT_EQ(r.owners(4).rank(), 5u);
  EXPECT_FALSE(r.owners(3).has_win_rate());
}

TEST(Snapshot, AmountsAgesOverdueRottingAndFrozen) {
  Ledger ledger;
  ASSERT_TRUE(ledger.add_process(ProcessBuilder("p", v1::Process::MANUAL)
                                     .stage("e").probability(0.25).sla_days(2).rotting_days(1)
                                     .stage("f").probability(0.5)
                                     .definition()));
  Events ev;
  ev.opened("X", at("2025-03-03T10:00:00Z"), "p", 1000);
  ev.opened("Y", at("2025-03-04T12:00:00Z"), "p", 3000).activity("Y", at("2025-03-05T09:00:00Z"));
  ev.opened("Z", at("2025-03-01T08:00:00Z"), "p", 9000).frozen("Z", at("2025-03-02T08:00:00Z"));
  ev.opened("W", at("2025-03-01T08:00:00Z"), "p", 7000).enter("W", at("2025-03-05T11:00:00Z"), "f");
  ev.into(ledger);

  v1::SnapshotOptions options;
  options.mutable_filter()->set_as_of(at("2025-03-05T11:00:00Z"));
  v1::SnapshotReport r;
  ASSERT_TRUE(snapshot(ledger, options, &r));
  ASSERT_EQ(r.stages_size(), 2);
  const v1::SnapshotStage& e = r.stages(0);
  EXPECT_EQ(e.open(), 2u);  // X and Y; Z is frozen; W moved on at this very instant
  EXPECT_EQ(e.amount(), 4000);
  EXPECT_EQ(e.weighted_amount(), 1000);
  EXPECT_EQ(e.overdue(), 1u);  // X: due 03-05 10:00
  EXPECT_EQ(e.rotting(), 1u);  // X: untouched since 03-03 10:00; Y had a call
  EXPECT_EQ(e.frozen(), 1u);
  // Ages 49 h and 23 h: the (lower) median is 23 h, within 1%.
  EXPECT_NEAR(static_cast<double>(e.median_age_ms()), 23.0 * kHour, 0.01 * 23 * kHour);
  EXPECT_EQ(r.stages(1).open(), 1u);
  EXPECT_EQ(r.stages(1).median_age_ms(), 0);
  EXPECT_EQ(r.frozen(), 1u);
  EXPECT_EQ(r.open(), 3u);

  // One millisecond earlier W is still at e; before any event nothing exists.
  options.mutable_filter()->set_as_of(at("2025-03-05T11:00:00Z") - 1);
  ASSERT_TRUE(snapshot(ledger, options, &r));
  EXPECT_EQ(r.stages(0).open(), 3u);
  options.mutable_filter()->set_as_of(at("2025-02-01"));
  ASSERT_TRUE(snapshot(ledger, options, &r));
  EXPECT_EQ(r.open(), 0u);
  EXPECT_EQ(r.frozen(), 0u);
  EXPECT_FALSE(r.stages(0).has_median_age_ms());
  // A query limit overrides the stage's: with 3 days nothing rots.
  options.mutable_filter()->set_as_of(at("2025-03-05T11:00:00Z"));
  options.set_rotting_days(3);
  ASSERT_TRUE(snapshot(ledger, options, &r));
  EXPECT_EQ(r.stages(0).rotting(), 0u);
}

// A deal closed by the snapshot's instant is not open then, even when it
// was reopened later; one reopened by then is; a close at the very instant
// counts. The forecast's look-back window likewise takes a deal's close as
// of its instant, from the window's first instant on.
TEST(AsOf, ClosesAndReopeningsCountFromTheirInstant) {
  Ledger ledger;
  ASSERT_TRUE(ledger.add_process(
      ProcessBuilder("p", v1::Process::MANUAL).stage("e").stage("f").definition()));
  Events ev;
  ev.opened("Again", at("2025-03-01"), "p", 1).lost("Again", at("2025-03-02"), "price");
  ev.reopened("Again", at("2025-03-10")).lost("Again", at("2025-03-20"), "price");
  ev.opened("Won", at("2025-03-01"), "p", 10).won("Won", at("2025-03-05"));
  ev.opened("Back", at("2025-03-01"), "p", 100).lost("Back", at("2025-03-02"), "price");
  ev.reopened("Back", at("2025-03-03"));
  ev.into(ledger);

  auto open_amount = [&](const char* as_of, int64_t ms_later = 0) {
    v1::SnapshotOptions options;
    options.mutable_filter()->set_as_of(at(as_of) + ms_later);
    v1::SnapshotReport r;
    EXPECT_TRUE(snapshot(ledger, options, &r));
    return r.amount();
  };
  EXPECT_EQ(open_amount("2025-03-01T12:00:00Z"), 111);
  EXPECT_EQ(open_amount("2025-03-02"), 10);  // lost at this very instant
  EXPECT_EQ(open_amount("2025-03-05", -1), 110);
  EXPECT_EQ(open_amount("2025-03-05"), 100);  // won at this very instant
  EXPECT_EQ(open_amount("2025-03-09"), 100);  // Again is lost, to reopen tomorrow
  EXPECT_EQ(open_amount("2025-03-12"), 101);
  EXPECT_EQ(open_amount("2025-03-25"), 100);

  // The forecast learns from the deals closed in its look-back window, as
  // of its instant, and not from those closed before the window.
  auto learned = [&](const char* as_of, uint32_t lookback_days) {
    v1::ForecastOptions options;
    options.mutable_filter()->set_as_of(at(as_of));
    options.set_lookback_days(lookback_days);
    v1::ForecastReport r;
    EXPECT_TRUE(forecast(ledger, options, &r));
    return r.stages(0).has_learned_probability()
               ? std::optional(r.stages(0).learned_probability())
               : std::nullopt;
  };
  // From 03-02: Again lost at the window's first instant, Won won; Back,
  // also lost on 03-02, is open again.
  EXPECT_EQ(learned("2025-03-09", 7), 0.5);
  // From 03-05: Won closed at the window's first instant; Again is open.
  EXPECT_EQ(learned("2025-03-12", 7), 1.0);
  EXPECT_EQ(learned("2025-03-12", 6), std::nullopt);
}

// Learned probabilities and close months. The partial state keeps open deals
// by the day they entered their stage, so the close day is that day plus the
// remaining time rounded up to whole days.
TEST(Forecast, LearnedProbabilityAndCloseMonthsInWholeDays) {
  Ledger ledger;
  ASSERT_TRUE(ledger.add_process(ProcessBuilder("line", v1::Process::MANUAL)
                                     .stage("a").probability(0.5)
                                     .stage("b").probability(0.8)
                                     .definition()));
  Events ev;
  // Closed in the look-back window: W1 won from a after 36 h (it reached b,
  // which dominates won, without entering it); L1 lost at a.
  ev.opened("W1", at("2024-12-01"), "line", 700).won("W1", at("2024-12-02T12:00:00Z"));
  ev.opened("L1", at("2024-12-05"), "line", 300).lost("L1", at("2024-12-06"), "price");
  // Open at the forecast date.
  ev.opened("O1", at("2025-01-30T10:00:00Z"), "line", 1000);
  ev.opened("O2", at("2025-01-20"), "line", 2000).enter("O2", at("2025-01-21"), "b");
  ev.into(ledger);

  v1::ForecastOptions options;
  options.mutable_filter()->set_as_of(at("2025-01-30T12:00:00Z"));
  v1::ForecastReport r;
  ASSERT_TRUE(forecast(ledger, options, &r));
  ASSERT_EQ(r.stages_size(), 2);
  // a: 1 won of 2 closed; b: 1 won of 1.
  EXPECT_DOUBLE_EQ(r.stages(0).learned_probability(), 0.5);
  EXPECT_EQ(r.stages(0).weighted_amount(), 500);           // 1,000 x 0.5
  EXPECT_EQ(r.stages(0).learned_weighted_amount(), 500);   // 1,000 x 0.5
  EXPECT_DOUBLE_EQ(r.stages(1).learned_probability(), 1.0);
  EXPECT_EQ(r.stages(1).weighted_amount(), 1600);          // 2,000 x 0.8
  EXPECT_EQ(r.stages(1).learned_weighted_amount(), 2000);
  EXPECT_FALSE(r.stages(1).has_remaining_ms());  // no deal won after entering b
  // O1: 01-30 plus 36 h rounded up to 2 days is 02-01 (to the hour it
  // would be 01-31 22:00). O2 has no remaining time: unscheduled, last.
  ASSERT_EQ(r.months_size(), 2);
  EXPECT_EQ(r.months(0).month(), "2025-02");
  EXPECT_EQ(r.months(0).deals(), 1u);
  EXPECT_EQ(r.months(0).amount(), 1000);
  EXPECT_EQ(r.months(1).month(), "unscheduled");
  EXPECT_EQ(r.months(1).amount(), 2000);
}

TEST(Durations, FirstVisitCumulativeAndCycle) {
  Ledger ledger;
  ASSERT_TRUE(ledger.add_process(
      ProcessBuilder("p", v1::Process::MANUAL).stage("e").stage("f").stage("g").definition()));
  const int64_t t0 = at("2025-05-01");
  Events ev;
  ev.opened("A", t0, "p").enter("A", t0 + 2 * kDay, "f").enter("A", t0 + 3 * kDay, "e")
      .enter("A", t0 + 6 * kDay, "g").won("A", t0 + 10 * kDay);
  ev.opened("B", t0, "p").lost("B", t0 + kDay, "price");
  ev.opened("C", t0, "p").enter("C", t0 + kDay, "f");  // f still going on
  ev.into(ledger);

  v1::DurationsReport r;
  ASSERT_TRUE(durations(ledger, v1::DurationsOptions(), &r));
  // e: A's first visit 2 days, B 1 day, C 1 day.
  EXPECT_EQ(r.stages(0).time().count(), 3u);
  EXPECT_EQ(r.stages(0).time().sum_ms(), 4 * kDay);
  EXPECT_EQ(r.stages(0).time().min_ms(), kDay);
  EXPECT_EQ(r.stages(0).time().max_ms(), 2 * kDay);
  // f: A's day; C's visit has not ended.
  EXPECT_EQ(r.stages(1).time().count(), 1u);
  EXPECT_EQ(r.stages(1).time().sum_ms(), kDay);
  EXPECT_EQ(r.stages(2).time().sum_ms(), 4 * kDay);
  EXPECT_EQ(r.to_won().sum_ms(), 10 * kDay);
  EXPECT_EQ(r.to_lost().sum_ms(), kDay);
  EXPECT_FALSE(r.stages(2).time().has_median_ms() && r.stages(2).time().count() == 0);

  v1::DurationsOptions cumulative;
  cumulative.set_cumulative(true);
  ASSERT_TRUE(durations(ledger, cumulative, &r));
  EXPECT_EQ(r.stages(0).time().max_ms(), 5 * kDay);  // A: 2 + 3 days
  EXPECT_EQ(r.stages(0).time().sum_ms(), 7 * kDay);
}

TEST(WindowFunnel, ModesOnDocumentedExamples) {
  Ledger ledger;
  ASSERT_TRUE(ledger.add_process(
      ProcessBuilder("p", v1::Process::MANUAL).stage("a").stage("b").stage("c").definition()));
  const int64_t t0 = at("2025-06-02T10:00:00Z");
  Events ev;
  ev.opened("skip", t0, "p").enter("skip", t0 + kHour, "c").enter("skip", t0 + 2 * kHour, "b")
      .enter("skip", t0 + 3 * kHour, "c");  // a, c, b, c
  ev.opened("back", t0, "p").enter("back", t0 + kHour, "b").enter("back", t0 + 2 * kHour, "a")
      .enter("back", t0 + 3 * kHour, "b").enter("back", t0 + 4 * kHour, "c");  // a, b, a, b, c
  ev.opened("fast", t0, "p").enter("fast", t0, "b").enter("fast", t0 + kHour, "c");  // b at t0
  ev.opened("slow", t0, "p").enter("slow", t0 + 2 * kDay, "b");
  ev.into(ledger);

  auto levels = [&](v1::WindowOptions::Mode mode, int64_t window) {
    v1::WindowOptions options;
    options.set_window_ms(window);
    options.set_mode(mode);
    v1::WindowFunnelReport r;
    EXPECT_TRUE(window_funnel(ledger, options, &r));
    std::vector<uint64_t> deals;
    for (const auto& level : r.levels()) deals.push_back(level.deals());
    return deals;  // deals ending at a, b, c
  };
  using M = v1::WindowOptions;
  // Default: skip -> 3, back -> 3, fast -> 3, slow -> 1 (b after the day).
  EXPECT_EQ(levels(M::DEFAULT, kDay), (std::vector<uint64_t>{1, 0, 3}));
  // Strict order: skip stops at c (level 1); back stops at the second a (2).
  EXPECT_EQ(levels(M::STRICT_ORDER, kDay), (std::vector<uint64_t>{2, 1, 1}));
  // Strict deduplication: back enters b again after b matched: stops at 2.
  EXPECT_EQ(levels(M::STRICT_DEDUPLICATION, kDay), (std::vector<uint64_t>{1, 1, 2}));
  // Strict increase: fast's b shares a's instant and does not count.
  EXPECT_EQ(levels(M::STRICT_INCREASE, kDay), (std::vector<uint64_t>{2, 0, 2}));
  // A window of 3 days lets slow reach b.
  EXPECT_EQ(levels(M::DEFAULT, 3 * kDay), (std::vector<uint64_t>{0, 1, 3}));

  v1::WindowOptions bad;
  v1::WindowFunnelReport r;
  EXPECT_EQ(window_funnel(ledger, bad, &r).code(), Code::kInvalidArgument);
}

TEST(EdgeCases, EmptyLedgerPeriodAndUnreachedStages) {
  Ledger ledger;
  v1::HistoryReport r;
  ASSERT_TRUE(history(ledger, v1::HistoryOptions(), &r));
  EXPECT_EQ(r.deals(), 0u);
  EXPECT_EQ(r.stages_size(), 0);
  EXPECT_EQ(r.key_level(), "");

  ASSERT_TRUE(ledger.add_process(ProcessBuilder("p", v1::Process::AUTOMATIC)
                                     .stage("a").stage("b").stage("c").definition()));
  const int64_t t0 = at("2025-01-10");
  Events ev;
  ev.opened("only-opened", t0, "p");
  ev.opened("moved", t0 + kDay, "p").enter("moved", t0 + 2 * kDay, "b");
  ev.into(ledger);

  ASSERT_TRUE(history(ledger, v1::HistoryOptions(), &r));
  EXPECT_EQ(r.deals(), 2u);
  EXPECT_EQ(row(r, "a").reached(), 2u);
  EXPECT_DOUBLE_EQ(row(r, "a").step_conversion(), 0.5);
  EXPECT_DOUBLE_EQ(row(r, "b").step_conversion(), 0.0);  // one deal, not moved on
  EXPECT_FALSE(row(r, "c").has_step_conversion());     // nobody: null, never NaN
  EXPECT_FALSE(row(r, "c").has_cumulative_conversion());
  EXPECT_EQ(r.key_level(), "a");
  EXPECT_EQ(r.bottleneck(), "b");

  // Half-open periods: the deal opened exactly at `from` counts, at `to` not.
  v1::HistoryOptions options;
  options.mutable_filter()->set_from(t0);
  options.mutable_filter()->set_to(t0 + kDay);
  ASSERT_TRUE(history(ledger, options, &r));
  EXPECT_EQ(r.deals(), 1u);
  options.mutable_filter()->set_from(t0 + kDay);
  options.mutable_filter()->set_to(t0 + kDay);  // empty
  ASSERT_TRUE(history(ledger, options, &r));
  EXPECT_EQ(r.deals(), 0u);
  EXPECT_EQ(r.stages_size(), 3);
  EXPECT_FALSE(r.stages(0).has_step_conversion());
  options.mutable_filter()->set_to(t0);  // backwards
  EXPECT_EQ(history(ledger, options, &r).code(), Code::kInvalidArgument);

  // as_of before any event: nothing has happened.
  options.Clear();
  options.mutable_filter()->set_as_of(t0 - 1);
  ASSERT_TRUE(history(ledger, options, &r));
  EXPECT_EQ(r.deals(), 0u);
  // As of the move, the move counts (as_of is inclusive).
  options.mutable_filter()->set_as_of(t0 + 2 * kDay);
  ASSERT_TRUE(history(ledger, options, &r));
  EXPECT_EQ(row(r, "b").reached(), 1u);
  options.mutable_filter()->set_as_of(t0 + 2 * kDay - 1);
  ASSERT_TRUE(history(ledger, options, &r));
  EXPECT_EQ(row(r, "b").reached(), 0u);

  options.Clear();
  options.mutable_filter()->set_process("nope");
  EXPECT_EQ(history(ledger, options, &r).code(), Code::kNotFound);
  options.Clear();
  options.mutable_breakdown()->set_by(v1::Breakdown::FIELD);
  EXPECT_EQ(history(ledger, options, &r).code(), Code::kInvalidArgument);
}

// A field filter asking for the empty value matches the deals without the
// field (as the FIELD breakdown puts them in the group ""), whether or not
// any deal of the ledger ever had the field.
TEST(EdgeCases, FilterOnAnEmptyFieldValueMatchesDealsWithoutTheField) {
  Ledger ledger;
  ASSERT_TRUE(ledger.add_process(
      ProcessBuilder("p", v1::Process::MANUAL).stage("a").stage("b").definition()));
  const int64_t t0 = at("2025-01-10");
  Events ev;
  ev.opened("with", t0, "p", 100).field("with", t0, "budget", "yes");
  ev.opened("without", t0, "p", 200);
  ev.opened("cleared", t0, "p", 400).field("cleared", t0, "budget", "yes")
      .field("cleared", t0 + kDay, "budget", "");
  ev.into(ledger);
  auto deals_where = [&](const std::string& key, const std::string& value) {
    v1::HistoryOptions options;
    (*options.mutable_filter()->mutable_fields())[key] = value;
    v1::HistoryReport r;
    EXPECT_TRUE(history(ledger, options, &r));
    return r.deals();
  };
  EXPECT_EQ(deals_where("budget", "yes"), 1u);
  EXPECT_EQ(deals_where("budget", ""), 2u);   // without, cleared
  EXPECT_EQ(deals_where("region", ""), 3u);   // nobody has a region
  EXPECT_EQ(deals_where("region", "north"), 0u);
}

// Visits are counted in full, however often a deal comes back to a stage.
TEST(EdgeCases, VisitsOfAStageEnteredHundredsOfTimes) {
  Ledger ledger;
  ASSERT_TRUE(ledger.add_process(
      ProcessBuilder("p", v1::Process::MANUAL).stage("a").stage("b").definition()));
  const int64_t t0 = at("2025-01-10");
  Events ev;
  ev.opened("bouncing", t0, "p");
  for (int i = 0; i < 300; ++i) {
    ev.enter("bouncing", t0 + (2 * i + 1) * 60'000, "b");
    ev.enter("bouncing", t0 + (2 * i + 2) * 60'000, "a");
  }
  ev.into(ledger);
  for (v1::Basis basis : {v1::CREATED, v1::ACTIVITY}) {
    v1::HistoryOptions options;
    options.set_basis(basis);
    v1::HistoryReport r;
    ASSERT_TRUE(history(ledger, options, &r));
    EXPECT_EQ(row(r, "a").visits(), 301u);  // opened there, then 300 returns
    EXPECT_EQ(row(r, "b").visits(), 300u);
  }
}

TEST(Breakdowns, OwnersMonthsAndTheWholeAgree) {
  Ledger ledger;
  ASSERT_TRUE(ledger.add_process(
      ProcessBuilder("p", v1::Process::AUTOMATIC).stage("a").stage("b").definition()));
  Events ev;
  ev.opened("1", at("2025-01-30"), "p", 100, "anna").enter("1", at("2025-02-02"), "b");
  ev.opened("2", at("2025-02-03"), "p", 200, "boris").enter("2", at("2025-02-04"), "b")
      .won("2", at("2025-02-05"));
  ev.opened("3", at("2025-02-04"), "p", 300, "anna");
  ev.into(ledger);
  v1::HistoryOptions options;
  options.mutable_breakdown()->set_by(v1::Breakdown::OWNER);
  v1::HistoryReport r;
  ASSERT_TRUE(history(ledger, options, &r));
  EXPECT_EQ(r.deals(), 3u);
  ASSERT_EQ(r.groups_size(), 2);
  EXPECT_EQ(r.groups(0).group(), "anna");
  EXPECT_EQ(r.groups(0).deals(), 2u);
  EXPECT_EQ(r.groups(1).group(), "boris");
  EXPECT_EQ(r.groups(1).won(), 1u);
  EXPECT_EQ(r.groups(1).won_amount(), 200);
  options.mutable_breakdown()->set_by(v1::Breakdown::MONTH);
  ASSERT_TRUE(history(ledger, options, &r));
  ASSERT_EQ(r.groups_size(), 2);
  EXPECT_EQ(r.groups(0).group(), "2025-01");
  EXPECT_EQ(r.groups(1).group(), "2025-02");
  EXPECT_EQ(r.groups(1).deals(), 2u);
  options.mutable_breakdown()->set_by(v1::Breakdown::WEEK);
  ASSERT_TRUE(history(ledger, options, &r));
  EXPECT_EQ(r.groups(0).group(), "2025-W05");
  EXPECT_EQ(r.groups(1).group(), "2025-W06");
  options.mutable_breakdown()->set_by(v1::Breakdown::QUARTER);
  ASSERT_TRUE(history(ledger, options, &r));
  ASSERT_EQ(r.groups_size(), 1);
  EXPECT_EQ(r.groups(0).group(), "2025-Q1");
}

// Report options with a filter and a breakdown.
template <typename Options>
Options scoped(const v1::Filter& filter, const v1::Breakdown& breakdown) {
  Options options;
  *options.mutable_filter() = filter;
  *options.mutable_breakdown() = breakdown;
  return options;
}

// Whether each group of a report states what the whole does: its process,
// period, as_of and options.
template <typename Report>
void expect_groups_share_context(const Report& whole) {
  std::vector<const google::protobuf::FieldDescriptor*> context;
  for (const char* name : {"process", "basis", "count", "cumulative", "from", "to", "as_of", "at",
                           "lookback_from", "window_ms", "mode"}) {
    if (const auto* field = Report::descriptor()->FindFieldByName(name)) context.push_back(field);
  }
  ASSERT_GT(whole.groups_size(), 0) << Report::descriptor()->name();
  for (const Report& group : whole.groups()) {
    google::protobuf::util::MessageDifferencer differencer;
    EXPECT_TRUE(differencer.CompareWithFields(whole, group, context, context))
        << Report::descriptor()->name() << " group " << group.group();
  }
}

TEST(Breakdowns, EachGroupStatesWhatTheReportWasAsked) {
  Ledger ledger;
  ASSERT_TRUE(ledger.add_process(
      ProcessBuilder("p", v1::Process::AUTOMATIC).stage("a").stage("b").definition()));
  Events ev;
  ev.opened("1", at("2025-01-30"), "p", 100, "anna").enter("1", at("2025-02-02"), "b");
  ev.opened("2", at("2025-02-03"), "p", 200, "boris").lost("2", at("2025-02-05"), "price");
  ev.into(ledger);
  v1::Filter filter;
  filter.set_process("p");
  filter.set_from(at("2025-01-01"));
  filter.set_to(at("2025-03-01"));
  filter.set_as_of(at("2025-02-06"));
  v1::Breakdown by_owner;
  by_owner.set_by(v1::Breakdown::OWNER);

  auto history_options = scoped<v1::HistoryOptions>(filter, by_owner);
  history_options.set_basis(v1::CLOSED);
  history_options.set_count(v1::ENTERED);
  v1::HistoryReport h;
  ASSERT_TRUE(history(ledger, history_options, &h));
  ASSERT_EQ(h.groups_size(), 1);  // only boris's deal closed
  EXPECT_EQ(h.groups(0).group(), "boris");
  EXPECT_EQ(h.groups(0).process(), "p");
  EXPECT_EQ(h.groups(0).basis(), "closed");
  EXPECT_EQ(h.groups(0).count(), "entered");
  EXPECT_EQ(h.groups(0).from(), at("2025-01-01"));
  EXPECT_EQ(h.groups(0).to(), at("2025-03-01"));
  EXPECT_EQ(h.groups(0).as_of(), at("2025-02-06"));
  expect_groups_share_context(h);

  auto conversion_options = scoped<v1::ConversionOptions>(filter, by_owner);
  v1::ConversionReport c;
  ASSERT_TRUE(conversion(ledger, conversion_options, &c));
  expect_groups_share_context(c);
  auto durations_options = scoped<v1::DurationsOptions>(filter, by_owner);
  durations_options.set_cumulative(true);
  v1::DurationsReport d;
  ASSERT_TRUE(durations(ledger, durations_options, &d));
  EXPECT_TRUE(d.groups(0).cumulative());
  expect_groups_share_context(d);
  auto snapshot_options = scoped<v1::SnapshotOptions>(filter, by_owner);
  v1::SnapshotReport s;
  ASSERT_TRUE(snapshot(ledger, snapshot_options, &s));
  EXPECT_EQ(s.groups(0).at(), at("2025-02-06"));
  expect_groups_share_context(s);
  auto losses_options = scoped<v1::LossesOptions>(filter, by_owner);
  v1::LossesReport l;
  ASSERT_TRUE(losses(ledger, losses_options, &l));
  expect_groups_share_context(l);
  auto forecast_options = scoped<v1::ForecastOptions>(filter, by_owner);
  v1::ForecastReport f;
  ASSERT_TRUE(forecast(ledger, forecast_options, &f));
  expect_groups_share_context(f);
  auto window_options = scoped<v1::WindowOptions>(filter, by_owner);
  window_options.set_window_ms(7 * kDay);
  v1::WindowFunnelReport w;
  ASSERT_TRUE(window_funnel(ledger, window_options, &w));
  EXPECT_EQ(w.groups(0).window_ms(), 7 * kDay);
  expect_groups_share_context(w);
}

TEST(Breakdowns, TimesOutsideTheCalendarHaveABucketOfTheirOwn) {
  Ledger ledger;
  ASSERT_TRUE(ledger.add_process(
      ProcessBuilder("p", v1::Process::AUTOMATIC).stage("a").stage("b").definition()));
  Events ev;
  ev.opened("1", at("2025-02-03"), "p", 100);
  ev.opened("2", *parse_time("9999-12-31T23:59:59.999Z") + 1, "p", 200);
  ev.opened("3", INT64_MAX / 2, "p", 300);  // its day does not fit 32 bits
  ev.into(ledger);
  v1::HistoryOptions options;
  for (const auto by : {v1::Breakdown::WEEK, v1::Breakdown::MONTH, v1::Breakdown::QUARTER}) {
    options.mutable_breakdown()->set_by(by);
    v1::HistoryReport r;
    ASSERT_TRUE(history(ledger, options, &r));
    ASSERT_EQ(r.groups_size(), 2);
    EXPECT_EQ(r.groups(1).group(), "after 9999");
    EXPECT_EQ(r.groups(1).deals(), 2u);
  }
}

}  // namespace
}  // namespace voronka
