// A brute-force reference for the reports: plain code over the raw list of
// accepted events, with no timelines, columns or indexes. Graph facts are
// recomputed by exhaustive reachability. Only calendar arithmetic (SLA due
// times) is borrowed from the model, which has hand-worked tests of its own.
#ifndef VORONKA_TESTS_ANALYTICS_REFERENCE_HPP_
#define VORONKA_TESTS_ANALYTICS_REFERENCE_HPP_

#include <cstdint>
#include <limits>
#include <map>
#include <memory>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "voronka/process.hpp"
#include "voronka/v1/event.pb.h"

namespace voronka::reference {

constexpr int64_t kNever = std::numeric_limits<int64_t>::min();

struct Graph {
  std::vector<std::string> stages;  // declaration order
  std::string entry;
  std::map<std::string, std::set<std::string>> next;  // includes "won"
  // dominated_by[t] = stages on every path from the entry to t ("won" too).
  std::map<std::string, std::set<std::string>> dominated_by;
  std::shared_ptr<const Process> compiled;  // calendar arithmetic only
};

Graph make_graph(const v1::Process& definition);

struct Visit {
  std::string stage;
  int64_t start;
  int64_t end;  // kNever while going on
};

// A deal as of a time, replayed from its events.
struct DealState {
  bool exists = false;
  std::string status;  // open, frozen, won, lost
  std::string stage;
  int64_t since = 0;
  int64_t closed_at = kNever;
  int64_t amount = 0;
  std::string owner, client, reason;
  std::map<std::string, std::string> fields;
  std::vector<Visit> visits;
  std::set<std::string> entered;
  int64_t opened_at = 0;
  int64_t last_change = 0;
};

struct Deal {
  std::string key;
  const Graph* graph = nullptr;  // the version it was opened with
  std::string process;
  std::vector<v1::Event> events;  // accepted, in the order applied

  DealState at(int64_t as_of) const;
};

// Stages reached: entered, or dominating an entered stage, or dominating
// "won" when won.
std::set<std::string> reached(const Graph& graph, const std::set<std::string>& entered, bool won);

}  // namespace voronka::reference

#endif  // VORONKA_TESTS_ANALYTICS_REFERENCE_HPP_
