#include "scenario.hpp"

#include <algorithm>
#include <random>

#include <gtest/gtest.h>

#include "voronka/time.hpp"

namespace voronka::testing {
namespace {

constexpr int64_t kHour = 3'600'000;

v1::Process automatic_process() {
  return ProcessBuilder("auto", v1::Process::AUTOMATIC)
      .stage("a", "Alpha").probability(0.1).rotting_days(3)
      .stage("b", "Beta").probability(0.3).sla_days(2)
      .stage("c", "Gamma").probability(0.5).sla_business_days(1)
      .stage("d", "Delta").probability(0.5).sla_hours(30)
      .stage("e", "Epsilon").probability(0.9)
      .transition("a", "b").transition("b", "c").transition("b", "d")
      .transition("c", "e").transition("d", "e")
      .lost_reasons({"price", "late"})
      .definition();
}

v1::Process manual_process(bool second_version) {
  ProcessBuilder builder("manual", v1::Process::MANUAL);
  builder.stage("w").sla_hours(20).stage("x").required_field("budget").probability(0.4)
      .stage("y").probability(second_version ? 0.6 : 0.5).rotting_days(2).stage("z");
  if (second_version) builder.stage("v", "Vee");
  return builder.definition();
}

}  // namespace

Scenario random_scenario(uint32_t seed, int deals) {
  std::mt19937 random(seed);
  auto chance = [&](double p) { return std::uniform_real_distribution<>(0, 1)(random) < p; };
  auto pick = [&](int n) { return static_cast<int>(random() % static_cast<uint32_t>(n)); };

  Scenario s;
  s.processes = {automatic_process(), manual_process(false)};
  s.new_versions = {manual_process(true)};
  s.start = *parse_time("2025-01-06");  // a Monday
  s.middle = s.start + 30 * 24 * kHour;
  s.end = s.start + 75 * 24 * kHour;

  std::vector<v1::Event> all;
  int next_id = 1;
  auto event = [&](const std::string& deal, int64_t at) {
    v1::Event e;
    // Mix numeric and text ids.
    e.set_event_id(next_id % 3 == 0 ? "ev-" + std::to_string(next_id) : std::to_string(next_id));
    ++next_id;
    e.set_deal(deal);
    e.set_at(at);
    return e;
  };
  const std::vector<std::string> auto_stages = {"a", "b", "c", "d", "e"};
  const std::vector<std::string> manual_stages = {"w", "x", "y", "z", "v"};
  for (int n = 0; n < deals; ++n) {
    const std::string deal = "d" + std::to_string(n);
    const bool manual = chance(0.45);
    int64_t t = s.start + pick(60 * 24) * kHour;
    v1::Event opened = event(deal, t);
    auto* o = opened.mutable_opened();
    o->set_process(manual ? "manual" : "auto");
    o->set_owner("o" + std::to_string(pick(4)));
    o->set_client("c" + std::to_string(pick(6)));
    o->set_amount(100 * (1 + pick(500)));
    if (manual && chance(0.3)) o->set_stage(manual_stages[pick(4)]);
    if (chance(0.3)) (*o->mutable_fields())["budget"] = "yes";
    if (chance(0.3)) (*o->mutable_fields())["region"] = chance(0.5) ? "north" : "south";
    all.push_back(opened);
    int current = 0;  // a guess of the stage, to steer automatic deals forward
    const int steps = pick(9);
    for (int step = 0; step < steps; ++step) {
      if (!chance(0.2)) t += (1 + pick(72)) * kHour;  // else: an equal timestamp
      v1::Event e = event(deal, t);
      const int action = pick(100);
      if (action < 50) {
        const auto& stages = manual ? manual_stages : auto_stages;
        int target = pick(static_cast<int>(stages.size()));
        if (!manual && chance(0.8)) target = std::min(current + 1 + (current == 1 && chance(0.5)), 4);
        if (!manual && current == 2 && target == 3) target = 4;  // c leads to e
        e.mutable_entered()->set_stage(stages[target]);
        current = target;
      } else if (action < 58) {
        e.mutable_won();
        if (chance(0.3)) e.mutable_won()->set_amount(100 * (1 + pick(500)));
      } else if (action < 66) {
        e.mutable_lost()->set_reason(manual ? (chance(0.5) ? "any" : "")
                                            : (chance(0.5) ? "price" : "late"));
      } else if (action < 72) {
        e.mutable_frozen();
      } else if (action < 77) {
        e.mutable_resumed();
      } else if (action < 82) {
        const auto& stages = manual ? manual_stages : auto_stages;
        e.mutable_reopened()->set_stage(chance(0.5) ? "" : stages[pick(4)]);
      } else if (action < 87) {
        e.mutable_amount_changed()->set_amount(100 * (1 + pick(500)));
      } else if (action < 91) {
        e.mutable_owner_changed()->set_owner("o" + std::to_string(pick(4)));
      } else if (action < 96) {
        e.mutable_field_set()->set_key("budget");
        e.mutable_field_set()->set_value(chance(0.8) ? "yes" : "");
      } else {
        e.mutable_activity()->set_kind(v1::Activity::CALL);
      }
      all.push_back(e);
      if (chance(0.04)) all.push_back(e);  // a re-delivery
      if (chance(0.02)) {                  // a conflicting re-delivery
        v1::Event conflict = e;
        conflict.set_at(e.at() + kHour);
        all.push_back(conflict);
      }
      if (chance(0.02)) all.push_back(event(deal, t - 5 * kHour));  // no kind, or late
    }
  }
  std::shuffle(all.begin(), all.end(), random);
  for (auto& e : all) (e.at() < s.middle ? s.first_batch : s.second_batch).push_back(e);
  return s;
}

namespace {

void append(World* world, const std::vector<v1::Event>& batch, bool second,
            const std::function<bool(const std::string&)>& keep) {
  std::vector<v1::Event> events;
  for (const auto& e : batch) {
    if (!keep || keep(e.deal())) events.push_back(e);
  }
  std::vector<uint32_t> applied;
  world->ledger.append(events, &applied);
  for (uint32_t i : applied) {
    const v1::Event& e = events[i];
    reference::Deal& deal = world->deals[e.deal()];
    if (e.has_opened()) {
      const std::string& process = e.opened().process();
      const int version = second && process == "manual" ? 2 : 1;
      deal.key = e.deal();
      deal.process = process;
      deal.graph = &world->graphs.at(process + "#" + std::to_string(version));
    }
    deal.events.push_back(e);
  }
}

}  // namespace

void build_world(const Scenario& scenario, World* world,
                 const std::function<bool(const std::string&)>& keep) {
  for (const auto& p : scenario.processes) {
    ASSERT_TRUE(world->ledger.add_process(p));
    world->graphs[p.key() + "#1"] = reference::make_graph(p);
  }
  append(world, scenario.first_batch, false, keep);
  for (const auto& p : scenario.new_versions) {
    ASSERT_TRUE(world->ledger.add_process(p));
    world->graphs[p.key() + "#2"] = reference::make_graph(p);
  }
  append(world, scenario.second_batch, true, keep);
}

}  // namespace voronka::testing
