// Reports over deals at both ends of int64 time: two such times are further
// apart than int64 holds, so every duration, age and deadline must saturate
// rather than overflow (the sanitizer build checks that none does), and a
// time far beyond the calendar must still land in its "after 9999" bucket.
#include <gtest/gtest.h>

#include <limits>
#include <map>
#include <string>
#include <vector>

#include "voronka/analytics.hpp"
#include "voronka/voronka.hpp"

namespace voronka {
namespace {

constexpr int64_t kMax = std::numeric_limits<int64_t>::max();
constexpr int64_t kFirst = std::numeric_limits<int64_t>::min() + 1;  // a Sunday
constexpr int64_t kLast = kMax - 10;

// A manual process with a limit in each unit; 'a' has a probability.
class ExtremeTimes : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_TRUE(ledger_.add_process(ProcessBuilder("p", v1::Process::MANUAL)
                                        .stage("a")
                                        .probability(1.0)
                                        .sla_days(5)
                                        .stage("b")
                                        .sla_business_days(3)
                                        .stage("c")
                                        .sla_hours(4)
                                        .definition()));
  }

  static v1::Event opened(const std::string& stage, int64_t amount = 0) {
    v1::Event e;
    e.mutable_opened()->set_process("p");
    e.mutable_opened()->set_stage(stage);
    e.mutable_opened()->set_amount(amount);
    return e;
  }
  static v1::Event lost() {
    v1::Event e;
    e.mutable_lost();
    return e;
  }
  static v1::Event entered(const std::string& stage) {
    v1::Event e;
    e.mutable_entered()->set_stage(stage);
    return e;
  }
  static v1::Event won() {
    v1::Event e;
    e.mutable_won();
    return e;
  }
  void add(const std::string& deal, int64_t at, v1::Event e) {
    e.set_event_id(std::to_string(++events_made_));
    e.set_deal(deal);
    e.set_at(at);
    events_.push_back(std::move(e));
  }
  void record() {
    for (const auto& r : ledger_.append(events_)) {
      ASSERT_EQ(r.outcome, Outcome::kAccepted) << r.status.to_string();
    }
  }

  Ledger ledger_;
  std::vector<v1::Event> events_;  // to record
  int events_made_ = 0;
};

// Deals at both ends of time, shared by the tests below.
class Extremes : public ExtremeTimes {
 protected:
  void SetUp() override {
    ExtremeTimes::SetUp();
    // d1 and d5 spend all of time in 'a', then win; d2 stays in 'a'; d3
    // opens in 'c' just before the end; d4 opens in 'b' at the beginning.
    for (const char* deal : {"d1", "d5"}) {
      add(deal, kFirst, opened("a"));
      add(deal, kLast, entered("b"));
      add(deal, kLast, won());
    }
    add("d2", kFirst, opened("a"));
    add("d3", kLast, opened("c"));
    add("d4", kFirst, opened("b"));
    record();
  }
};

TEST_F(Extremes, DurationsSaturate) {
  v1::DurationsReport report;
  ASSERT_TRUE(durations(ledger_, v1::DurationsOptions(), &report));
  ASSERT_EQ(report.stages_size(), 3);
  const v1::DurationStats& a = report.stages(0).time();
  EXPECT_EQ(a.count(), 2u);  // d1 and d5; d2's visit goes on
  EXPECT_EQ(a.min_ms(), kMax);
  EXPECT_EQ(a.max_ms(), kMax);
  EXPECT_EQ(a.sum_ms(), kMax);  // two of them: the sum saturates too
  EXPECT_EQ(a.mean_ms(), static_cast<double>(kMax));  // not the capped sum over 2
  EXPECT_EQ(a.median_ms(), kMax);
  const v1::DurationStats& b = report.stages(1).time();
  EXPECT_EQ(b.count(), 2u);
  EXPECT_EQ(b.max_ms(), 0);
  EXPECT_EQ(report.to_won().count(), 2u);
  EXPECT_EQ(report.to_won().min_ms(), kMax);
  EXPECT_EQ(report.to_won().sum_ms(), kMax);
}

TEST_F(Extremes, DeadlinesSaturate) {
  v1::ObligationsOptions options;
  options.mutable_filter()->set_as_of(kMax);
  v1::ObligationsReport report;
  ASSERT_TRUE(obligations(ledger_, options, &report));
  // d3's four hours would end past the end of time: never overdue.
  std::map<std::string, v1::Obligation> by_deal;
  for (const auto& o : report.obligations()) by_deal[o.deal()] = o;
  ASSERT_EQ(by_deal.size(), 2u);
  EXPECT_EQ(by_deal["d2"].due_at(), kFirst + 5 * int64_t{86'400'000});
  EXPECT_EQ(by_deal["d2"].overdue_ms(), kMax);
  // From a Sunday: Monday's midnight, then Tuesday, Wednesday and Thursday.
  // The day of kFirst is -106,751,991,168, so Thursday is 4 days later.
  EXPECT_EQ(by_deal["d4"].due_at(), (-106'751'991'168 + 4) * int64_t{86'400'000});
  EXPECT_EQ(by_deal["d4"].overdue_ms(), kMax);
}

TEST_F(Extremes, AgesSaturate) {
  for (const int64_t as_of : {kMax, kLast - 1}) {  // the latest, and a past date
    SCOPED_TRACE(as_of);
    v1::SnapshotOptions options;
    options.mutable_filter()->set_as_of(as_of);
    options.set_rotting_days(4'000'000'000u);
    v1::SnapshotReport report;
    ASSERT_TRUE(snapshot(ledger_, options, &report));
    ASSERT_EQ(report.stages_size(), 3);
    const v1::SnapshotStage& a = report.stages(0);
    EXPECT_EQ(a.open(), as_of == kMax ? 1u : 3u);  // before kLast, d1 and d5 are in 'a'
    EXPECT_EQ(a.median_age_ms(), kMax);
    EXPECT_EQ(a.overdue(), a.open());
    EXPECT_EQ(a.rotting(), a.open());
    // d3's limits, four hours and 4e9 days from kLast, end past the end.
    const v1::SnapshotStage& c = report.stages(2);
    EXPECT_EQ(c.open(), as_of == kMax ? 1u : 0u);
    EXPECT_EQ(c.overdue(), 0u);
    EXPECT_EQ(c.rotting(), 0u);
  }
}

TEST_F(Extremes, EveryReportRuns) {
  for (const char* name : {"snapshot", "history", "conversion", "durations", "obligations",
                           "losses", "owners", "forecast", "whatif", "window"}) {
    SCOPED_TRACE(name);
    v1::ReportSpec spec = *report_spec(name);
    if (spec.has_window()) spec.mutable_window()->set_window_ms(3'600'000);
    v1::Report report;
    EXPECT_TRUE(run_report(ledger_, spec, &report));
  }
  v1::OwnersReport owners_report;
  ASSERT_TRUE(owners(ledger_, v1::OwnersOptions(), &owners_report));
  ASSERT_EQ(owners_report.owners_size(), 1);
  EXPECT_EQ(owners_report.owners(0).median_cycle_ms(), kMax);
}

TEST_F(ExtremeTimes, CumulativeTimesSaturate) {
  // 'a' from the beginning of time to 0, then from 1 to 2; 'b' from 0 to 1
  // and from 2 on.
  add("d", kFirst, opened("a"));
  add("d", 0, entered("b"));
  add("d", 1, entered("a"));
  add("d", 2, entered("b"));
  record();
  for (const bool cumulative : {false, true}) {
    SCOPED_TRACE(cumulative);
    v1::DurationsOptions options;
    options.set_cumulative(cumulative);
    v1::DurationsReport report;
    ASSERT_TRUE(durations(ledger_, options, &report));
    const v1::DurationStats& a = report.stages(0).time();
    EXPECT_EQ(a.count(), 1u);
    EXPECT_EQ(a.sum_ms(), kMax);
    EXPECT_EQ(a.mean_ms(), static_cast<double>(kMax));
    const v1::DurationStats& b = report.stages(1).time();
    EXPECT_EQ(b.count(), 1u);
    EXPECT_EQ(b.sum_ms(), 1);  // the visit going on has no duration yet
  }
}

TEST_F(ExtremeTimes, ForecastBeyondTheCalendar) {
  // About 11.8 million years from 1970: the day number needs more than 32 bits.
  const int64_t t = (int64_t{1} << 32) * 86'400'000 + 20'000 * int64_t{86'400'000};
  add("w", t, opened("a"));
  add("w", t + 86'400'000, won());
  add("x", t + 2 * 86'400'000, opened("a"));
  record();
  v1::ForecastReport report;
  ASSERT_TRUE(forecast(ledger_, v1::ForecastOptions(), &report));
  EXPECT_EQ(report.open(), 1u);
  ASSERT_EQ(report.months_size(), 1);
  EXPECT_EQ(report.months(0).month(), "after 9999");
  EXPECT_EQ(report.months(0).deals(), 1u);
}

TEST_F(ExtremeTimes, PeriodWithoutAnEndHoldsTheLastInstant) {
  add("d", kMax, opened("a"));
  record();
  v1::HistoryReport history_report;
  ASSERT_TRUE(history(ledger_, v1::HistoryOptions(), &history_report));
  EXPECT_EQ(history_report.deals(), 1u);
  v1::HistoryOptions before_the_end;
  before_the_end.mutable_filter()->set_to(kMax);
  ASSERT_TRUE(history(ledger_, before_the_end, &history_report));
  EXPECT_EQ(history_report.deals(), 0u);
}

// Amounts, too, may be any non-negative int64, so their sums saturate. The
// open deals' sums of the latest snapshot are kept exact, so that a deal
// leaving a stage takes out exactly what it put in.
TEST_F(ExtremeTimes, AmountsSaturate) {
  add("A", 1, opened("a", kMax));
  add("B", 1, opened("a", kMax));
  add("C", 1, opened("a", 5));
  record();
  auto stage_a = [&] {
    v1::SnapshotReport report;
    EXPECT_TRUE(snapshot(ledger_, v1::SnapshotOptions(), &report));
    return report.stages(0);
  };
  EXPECT_EQ(stage_a().amount(), kMax);
  EXPECT_EQ(stage_a().weighted_amount(), kMax);  // kMax x 1.0 rounds to 2^63
  events_.clear();
  add("B", 2, lost());
  add("A", 3, won());
  record();
  EXPECT_EQ(stage_a().open(), 1u);
  EXPECT_EQ(stage_a().amount(), 5);
  EXPECT_EQ(stage_a().weighted_amount(), 5);

  v1::SnapshotOptions past;
  past.mutable_filter()->set_as_of(1);  // before B and A closed: the scan, not the index
  v1::SnapshotReport report;
  ASSERT_TRUE(snapshot(ledger_, past, &report));
  EXPECT_EQ(report.amount(), kMax);
  v1::HistoryReport history_report;
  ASSERT_TRUE(history(ledger_, v1::HistoryOptions(), &history_report));
  EXPECT_EQ(history_report.won_amount(), kMax);
  EXPECT_EQ(history_report.lost_amount(), kMax);
  for (const char* name : {"conversion", "losses", "owners", "forecast", "whatif"}) {
    SCOPED_TRACE(name);
    v1::Report any;
    EXPECT_TRUE(run_report(ledger_, *report_spec(name), &any));
  }
}

}  // namespace
}  // namespace voronka
