// merge(parts) == whole, for every report, on random partitions of random
// ledgers; and the errors of merging states that do not belong together.
#include <gtest/gtest.h>
#include <google/protobuf/util/message_differencer.h>

#include <random>

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

  for (uint32_t other : {1u, 3u}) {  // an older and a newer one
    sa.set_format_version(other);
    std::vector<v1::PartialState> apart = {sa};
    EXPECT_EQ(merge_partials(apart, &merged).code(), Code::kVersionMismatch);
    EXPECT_EQ(finish_partial(sa, &report).code(), Code::kVersionMismatch);
  }
  EXPECT_EQ(merge_partials({}, &merged).code(), Code::kInvalidArgument);
  v1::PartialState empty;
  empty.set_format_version(2);
  EXPECT_EQ(finish_partial(empty, &report).code(), Code::kInvalidArgument);
}

}  // namespace
}  // namespace voronka::testing
