// Random ledgers for property tests: two processes (an automatic one with a
// branch, a manual one with a required field), a new process version half
// way, and deals that skip, go back, re-enter, freeze, resume, reopen, change
// amount and owner, with equal timestamps, duplicates, conflicts and
// out-of-order events mixed in. Each world is built twice in lockstep: into a
// Ledger and into the brute-force reference (accepted events only).
#ifndef VORONKA_TESTS_ANALYTICS_SCENARIO_HPP_
#define VORONKA_TESTS_ANALYTICS_SCENARIO_HPP_

#include <functional>
#include <map>
#include <string>
#include <vector>

#include "reference.hpp"
#include "voronka/ledger.hpp"

namespace voronka::testing {

struct Scenario {
  std::vector<v1::Process> processes;   // added first
  std::vector<v1::Process> new_versions;  // added between the batches
  std::vector<v1::Event> first_batch, second_batch;
  int64_t start = 0, middle = 0, end = 0;
};

Scenario random_scenario(uint32_t seed, int deals);

struct World {
  Ledger ledger;
  std::map<std::string, reference::Graph> graphs;  // by "key#version"
  std::map<std::string, reference::Deal> deals;
};

// Builds a world from the deals `keep(deal key)` selects.
void build_world(const Scenario& scenario, World* world,
                 const std::function<bool(const std::string&)>& keep = nullptr);

}  // namespace voronka::testing

#endif  // VORONKA_TESTS_ANALYTICS_SCENARIO_HPP_
