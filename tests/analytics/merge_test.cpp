// merge(parts) == whole, for every report, on random partitions of random
// ledgers; and the errors of merging states that do not belong together.
#include <gtest/gtest.h>
#include <google/protobuf/util/message_differencer.h>

#include <map>
#include <random>
#include <string>
#include <utility>
#include <vector>

#include "analytics/reports.hpp"
#include "ledger/access.hpp"
#include "scenario.hpp"
#include "voronka/analytics.hpp"
#include "voronka/time.hpp"

namespace voronka::testing {
namespace {

std::vector<v1::ReportSpec> every_report(const Scenario& s) {
  std::vector<v1::ReportSpec> specs;
  const int64_t at = s.middle + 20 * 86'400'000;
  v1::Filter period;
  period.set_from(s.start + 3 * 86'400'000);
  period.set_to(s.end);
  auto add = [&](const char* name) -> v1::ReportSpec& {
    specs.push_back(*report_spec(name));
    return specs.back();
  };
  add("snapshot").mutable_snapshot()->mutable_filter()->set_as_of(at);
  add("snapshot").mutable_snapshot()->mutable_filter()->set_as_of(at);
  specs.back().mutable_snapshot()->mutable_breakdown()->set_by(v1::Breakdown::OWNER);
  for (v1::Basis basis : {v1::CREATED, v1::CLOSED, v1::ACTIVITY}) {
    auto& h = *add("history").mutable_history();
    *h.mutable_filter() = period;
    h.set_basis(basis);
    h.mutable_breakdown()->set_by(v1::Breakdown::WEEK);
  }
  add("conversion").mutable_conversion()->set_count(v1::ENTERED);
  specs.back().mutable_conversion()->mutable_breakdown()->set_by(v1::Breakdown::PROCESS);
  add("durations").mutable_durations()->set_cumulative(true);
  specs.back().mutable_durations()->mutable_breakdown()->set_by(v1::Breakdown::CLIENT);
  add("obligations").mutable_obligations()->mutable_filter()->set_as_of(at);
  *add("losses").mutable_losses()->mutable_filter() = period;
  specs.back().mutable_losses()->mutable_breakdown()->set_by(v1::Breakdown::FIELD);
  specs.back().mutable_losses()->mutable_breakdown()->set_field("region");
  *add("owners").mutable_owners()->mutable_filter() = period;
  add("forecast").mutable_forecast()->mutable_filter()->set_as_of(at);
  specs.back().mutable_forecast()->mutable_breakdown()->set_by(v1::Breakdown::MONTH);
  add("whatif").mutable_whatif()->set_all_stages(1.5);
  add("window").mutable_window()->set_window_ms(10 * 86'400'000);
  specs.back().mutable_window()->mutable_breakdown()->set_by(v1::Breakdown::QUARTER);
  return specs;
}

class MergeEqualsWhole : public ::testing::TestWithParam<uint32_t> {};

TEST_P(MergeEqualsWhole, ForEveryReport) {
  const Scenario scenario = random_scenario(GetParam(), 240);
  World whole;
  build_world(scenario, &whole);
  std::mt19937 random(GetParam());
  const int parts = 2 + static_cast<int>(random() % 3);
  std::map<std::string, int> part_of;
  for (const auto& [key, deal] : whole.deals) part_of[key] = static_cast<int>(random() % parts);
  std::vector<std::unique_ptr<World>> worlds;
  for (int p = 0; p < parts; ++p) {
    worlds.push_back(std::make_unique<World>());
    build_world(scenario, worlds.back().get(), [&](const std::string& deal) {
      auto it = part_of.find(deal);
      return it != part_of.end() && it->second == p;
    });
  }
  for (const v1::ReportSpec& spec : every_report(scenario)) {
    v1::Report expected;
    ASSERT_TRUE(run_report(whole.ledger, spec, &expected));
    std::vector<v1::PartialState> states(parts);
    for (int p = 0; p < parts; ++p) {
      ASSERT_TRUE(compute_partial(worlds[p]->ledger, spec, &states[p]));
      // States travel as bytes.
      v1::PartialState copy;
      ASSERT_TRUE(copy.ParseFromString(states[p].SerializeAsString()));
      states[p] = copy;
    }
    std::shuffle(states.begin(), states.end(), random);
    // ((a + b) + c) and (a + (b + c)) alike.
    v1::PartialState merged, right;
    ASSERT_TRUE(merge_partials(states, &merged));
    std::vector<v1::PartialState> tail(states.begin() + 1, states.end());
    ASSERT_TRUE(merge_partials(tail, &right));
    std::vector<v1::PartialState> pair = {right, states[0]};
    ASSERT_TRUE(merge_partials(pair, &right));
    for (const auto* state : {&merged, &right}) {
      v1::Report report;
      ASSERT_TRUE(finish_partial(*state, &report));
      EXPECT_TRUE(google::protobuf::util::MessageDifferencer::Equals(report, expected))
          << report_name(spec) << "\nmerged:\n"
          << report.ShortDebugString().substr(0, 2000) << "\nwhole:\n"
          << expected.ShortDebugString().substr(0, 2000);
    }
  }
}

INSTANTIATE_TEST_SUITE_P(Seeds, MergeEqualsWhole, ::testing::Values(11u, 12u, 13u));

// A large scan runs in two halves on two threads; forced on small ledgers,
// it must give every report exactly as one scan does.
class HalvesEqualWhole : public ::testing::TestWithParam<uint32_t> {};

TEST_P(HalvesEqualWhole, ForEveryReport) {
  const Scenario scenario = random_scenario(GetParam(), 240);
  World world, empty;
  build_world(scenario, &world);
  std::vector<v1::ReportSpec> specs = every_report(scenario);
  for (const char* name : {"snapshot", "durations", "obligations", "forecast"}) {
    specs.push_back(*report_spec(name));
  }
  for (const World* w : {&world, &empty}) {
    const ledger::State& state = ledger::Access::state(w->ledger);
    for (const v1::ReportSpec& spec : specs) {
      v1::PartialState one_scan, halves;
      const Status whole = analytics::compute(state, spec, &one_scan, UINT32_MAX);
      ASSERT_EQ(analytics::compute(state, spec, &halves, 0).message(), whole.message());
      if (w == &empty && !whole) continue;  // it knows no process a report names
      ASSERT_TRUE(whole) << report_name(spec) << ": " << whole.message();
      v1::Report expected, report;
      ASSERT_TRUE(finish_partial(one_scan, &expected));
      ASSERT_TRUE(finish_partial(halves, &report));
      EXPECT_TRUE(google::protobuf::util::MessageDifferencer::Equals(report, expected))
          << report_name(spec) << "\nhalves:\n"
          << report.ShortDebugString().substr(0, 2000) << "\none scan:\n"
          << expected.ShortDebugString().substr(0, 2000);
    }
  }
}

INSTANTIATE_TEST_SUITE_P(Seeds, HalvesEqualWhole, ::testing::Values(21u, 22u, 23u));

// Partitions that know different versions of a process have different
// funnels: here version 2 puts 'x' between 'a' and 'b', so merging moves the
// rows of whichever state lacks it.
class MergeAcrossFunnels : public ::testing::Test {
 protected:
  static v1::Process version(bool with_x) {
    ProcessBuilder p("p", v1::Process::MANUAL);
    p.stage("a");
    if (with_x) p.stage("x");
    p.stage("b").stage("c");
    if (with_x) p.transition("a", "x").transition("x", "b");
    p.transition("a", "b").transition("a", "c").transition("b", "c");
    return p.definition();
  }
  // d*: version 1's deals; e*: version 2's. Each deal's stages in order,
  // then "won", "lost" or nothing (still open).
  static std::vector<v1::Event> events(char prefix, int64_t day) {
    const std::map<char, std::vector<std::vector<std::string>>> deals = {
        {'d', {{"a", "b", "c", "won"}, {"a", "c", "lost"}, {"a"}}},
        {'e', {{"a", "x", "b", "won"}, {"a", "c"}, {"a", "x", "lost"}}}};
    std::vector<v1::Event> out;
    int n = 0;
    for (const auto& steps : deals.at(prefix)) {
      const std::string deal = std::string(1, prefix) + std::to_string(++n);
      int64_t at = day * 86'400'000;
      for (size_t i = 0; i < steps.size(); ++i, at += 3'600'000) {
        v1::Event e;
        e.set_event_id(deal + "-" + std::to_string(i));
        e.set_deal(deal);
        e.set_at(at);
        if (i == 0) {
          e.mutable_opened()->set_process("p");
          e.mutable_opened()->set_stage(steps[i]);
          e.mutable_opened()->set_amount(100 * n);
        } else if (steps[i] == "won") {
          e.mutable_won();
        } else if (steps[i] == "lost") {
          e.mutable_lost();
        } else {
          e.mutable_entered()->set_stage(steps[i]);
        }
        out.push_back(std::move(e));
      }
    }
    return out;
  }
  static void record(Ledger& ledger, const std::vector<v1::Event>& events) {
    for (const auto& r : ledger.append(events)) {
      ASSERT_EQ(r.outcome, Outcome::kAccepted) << r.status.to_string();
    }
  }
};

TEST_F(MergeAcrossFunnels, GiveTheWholesReports) {
  Ledger old_only, both, whole;
  ASSERT_TRUE(old_only.add_process(version(false)));
  ASSERT_TRUE(whole.add_process(version(false)));
  record(old_only, events('d', 19'000));
  record(whole, events('d', 19'000));
  for (Ledger* ledger : {&both, &whole}) {
    if (ledger == &both) {
      ASSERT_TRUE(ledger->add_process(version(false)));
    }
    ASSERT_TRUE(ledger->add_process(version(true)));
    record(*ledger, events('e', 19'010));
  }
  std::vector<v1::ReportSpec> specs;
  for (const char* name : {"history", "conversion", "whatif", "durations", "losses", "owners",
                           "snapshot", "forecast", "obligations"}) {
    specs.push_back(*report_spec(name));
  }
  specs[0].mutable_history()->mutable_breakdown()->set_by(v1::Breakdown::WEEK);
  specs[2].mutable_whatif()->set_all_stages(1.5);
  // Reports of "now" merge at one time.
  const int64_t later = 19'100LL * 86'400'000;
  specs[6].mutable_snapshot()->mutable_filter()->set_as_of(later);
  specs[7].mutable_forecast()->mutable_filter()->set_as_of(later);
  specs[8].mutable_obligations()->mutable_filter()->set_as_of(later);
  for (const v1::ReportSpec& spec : specs) {
    v1::Report expected;
    ASSERT_TRUE(run_report(whole, spec, &expected));
    std::vector<v1::PartialState> states(2);
    ASSERT_TRUE(compute_partial(old_only, spec, &states[0]));
    ASSERT_TRUE(compute_partial(both, spec, &states[1]));
    ASSERT_EQ(states[0].funnel().stages_size(), 3);
    for (int order = 0; order < 2; ++order) {
      v1::PartialState merged;
      ASSERT_TRUE(merge_partials(states, &merged));
      v1::Report report;
      ASSERT_TRUE(finish_partial(merged, &report));
      EXPECT_TRUE(google::protobuf::util::MessageDifferencer::Equals(report, expected))
          << report_name(spec) << " order " << order << "\nmerged:\n"
          << report.ShortDebugString() << "\nwhole:\n" << expected.ShortDebugString();
      if (spec.has_conversion()) {
        // Worked by hand. Reached: a by all six; x by e1 and e3; b by d1 and
        // e1; c by d1, d2, e2 and the won e1 (c leads to won). A way from a
        // goes to each successor of a the deal reached: d1 a>b a>c, d2 a>c,
        // e1 a>x a>b a>c, e2 a>c, e3 a>x.
        std::vector<std::pair<std::string, uint64_t>> from_a;
        for (const v1::Flow& flow : report.conversion().flows()) {
          if (flow.from() == "a") from_a.emplace_back(flow.to(), flow.deals());
        }
        EXPECT_EQ(from_a, (std::vector<std::pair<std::string, uint64_t>>{
                              {"x", 2}, {"b", 2}, {"c", 4}}));
        std::vector<std::pair<std::string, uint64_t>> reached;
        for (const v1::ConversionStage& stage : report.conversion().stages()) {
          reached.emplace_back(stage.stage(), stage.deals());
        }
        EXPECT_EQ(reached, (std::vector<std::pair<std::string, uint64_t>>{
                               {"a", 6}, {"x", 2}, {"b", 2}, {"c", 4}}));
      }
      std::swap(states[0], states[1]);
    }
  }
}

// A window funnel's levels follow its funnel: a deal that went a, b, c is
// at level 3 of a-b-c but at level 1 of a-x-b-c. States over different
// funnels cannot merge exactly, so they do not merge.
TEST_F(MergeAcrossFunnels, WindowFunnelsRefuseOtherStages) {
  Ledger old_only, both;
  ASSERT_TRUE(old_only.add_process(version(false)));
  record(old_only, events('d', 19'000));
  ASSERT_TRUE(both.add_process(version(false)));
  ASSERT_TRUE(both.add_process(version(true)));
  record(both, events('e', 19'010));
  v1::ReportSpec spec = *report_spec("window");
  spec.mutable_window()->set_window_ms(30 * 86'400'000LL);
  std::vector<v1::PartialState> states(2);
  ASSERT_TRUE(compute_partial(old_only, spec, &states[0]));
  ASSERT_TRUE(compute_partial(both, spec, &states[1]));
  v1::PartialState merged;
  const Status s = merge_partials(states, &merged);
  EXPECT_EQ(s.code(), Code::kInvalidArgument);
  EXPECT_EQ(s.message(),
            "partial states 1 and 0 saw other stages (a, x, b, c and a, b, c); a window funnel "
            "counts levels along its funnel, so its partitions must know the same process "
            "versions");
  states[1] = states[0];
  EXPECT_TRUE(merge_partials(states, &merged));
}

// A state whose tallies do not fit its funnel is refused by name, not read
// out of bounds.
TEST_F(MergeAcrossFunnels, StatesWhoseRowsDoNotFitTheirFunnelAreRefused) {
  Ledger ledger;
  ASSERT_TRUE(ledger.add_process(version(false)));
  record(ledger, events('d', 19'000));
  std::vector<v1::PartialState> states(2);
  ASSERT_TRUE(compute_partial(ledger, *report_spec("history"), &states[0]));
  states[1] = states[0];
  states[1].mutable_history()->mutable_groups(0)->add_stages();
  v1::PartialState merged;
  Status s = merge_partials(states, &merged);
  EXPECT_EQ(s.code(), Code::kInvalidArgument);
  EXPECT_EQ(s.message(), "partial state 1: its history group '' has 4 stage rows for a funnel of 3");
  states[1] = states[0];
  states[1].mutable_history()->mutable_groups(0)->mutable_stages(1)->add_ways()->set_to(3);
  s = merge_partials(states, &merged);
  EXPECT_EQ(s.message(),
            "partial state 1: its history group '' has a way from row 1 to row 3, in a funnel of 3");
  states[1].mutable_history()->mutable_groups(0)->mutable_stages(1)->mutable_ways()->rbegin()->set_to(-2);
  EXPECT_EQ(merge_partials(states, &merged).code(), Code::kInvalidArgument);
}

// A state from elsewhere may name a successor its funnel lacks: finishing
// takes it for no way, and reads nothing outside the funnel's rows.
TEST_F(MergeAcrossFunnels, SuccessorsOutsideTheFunnelAreNoWay) {
  Ledger ledger;
  ASSERT_TRUE(ledger.add_process(version(true)));
  record(ledger, events('e', 19'010));
  for (const char* name : {"whatif", "conversion"}) {
    v1::PartialState state;
    ASSERT_TRUE(compute_partial(ledger, *report_spec(name), &state));
    v1::Report expected, report;
    ASSERT_TRUE(finish_partial(state, &expected));
    for (v1::FunnelStage& stage : *state.mutable_funnel()->mutable_stages()) stage.add_next("nowhere");
    ASSERT_TRUE(finish_partial(state, &report));
    EXPECT_TRUE(google::protobuf::util::MessageDifferencer::Equals(report, expected))
        << name << "\n" << report.ShortDebugString() << "\n" << expected.ShortDebugString();
  }
}

TEST(MergeErrors, StatesThatDoNotBelongTogether) {
  const Scenario scenario = random_scenario(5, 60);
  World a, b;
  build_world(scenario, &a, [](const std::string& d) { return d < "d3"; });
  build_world(scenario, &b, [](const std::string& d) { return d >= "d3"; });
  v1::PartialState sa, sb, merged;
  v1::Report report;

  ASSERT_TRUE(compute_partial(a.ledger, *report_spec("history"), &sa));
  ASSERT_TRUE(compute_partial(b.ledger, *report_spec("losses"), &sb));
  std::vector<v1::PartialState> mixed = {sa, sb};
  Status s = merge_partials(mixed, &merged);
  EXPECT_EQ(s.code(), Code::kInvalidArgument);
  EXPECT_EQ(s.message(), "partial state 1 was computed for other report options than state 0");

  // Snapshots at the parts' own latest times cannot merge.
  ASSERT_TRUE(compute_partial(a.ledger, *report_spec("snapshot"), &sa));
  ASSERT_TRUE(compute_partial(b.ledger, *report_spec("snapshot"), &sb));
  if (sa.as_of() != sb.as_of()) {
    std::vector<v1::PartialState> apart = {sa, sb};
    s = merge_partials(apart, &merged);
    EXPECT_EQ(s.code(), Code::kInvalidArgument);
    EXPECT_NE(s.message().find("give the report an explicit as_of"), std::string::npos);
  }

  for (uint32_t other : {2u, 4u}) {  // an older and a newer one
    sa.set_format_version(other);
    std::vector<v1::PartialState> apart = {sa};
    EXPECT_EQ(merge_partials(apart, &merged).code(), Code::kVersionMismatch);
    EXPECT_EQ(finish_partial(sa, &report).code(), Code::kVersionMismatch);
  }
  EXPECT_EQ(merge_partials({}, &merged).code(), Code::kInvalidArgument);
  v1::PartialState empty;
  empty.set_format_version(3);
  EXPECT_EQ(finish_partial(empty, &report).code(), Code::kInvalidArgument);
}

}  // namespace
}  // namespace voronka::testing
