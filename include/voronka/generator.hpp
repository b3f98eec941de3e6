// A deterministic generator of realistic sales data, for the benchmarks, the
// demo and tests.
//
// Deals open uniformly over a period and walk the nine-stage typical sale:
// each stage converts with its own rate, deals that do not convert are lost
// (with a reason) or frozen (some resume later); a share of deals follows the
// manual process and sometimes skips a stage. Time in stage is log-normal
// around a per-stage median. Events after the period's end are cut, so the
// data ends with open deals. The same options give the same events on every
// platform.
#ifndef VORONKA_GENERATOR_HPP_
#define VORONKA_GENERATOR_HPP_

#include <cstdint>
#include <deque>
#include <string>
#include <string_view>
#include <vector>

#include "voronka/event.hpp"
#include "voronka/v1/process.pb.h"

namespace voronka {

struct GeneratorOptions {
  uint64_t deals = 1000;
  uint64_t seed = 1;
  int64_t start = 1704067200000;  // 2024-01-01T00:00:00Z
  uint32_t days = 730;            // deals open over this many days
  double manual_share = 0.2;      // deals in the manual process
  uint32_t owners = 50;
  uint32_t clients = 20000;
};

// Events as owned columns; the rows of each deal are contiguous and in time
// order, deals in order of opening.
class EventTable {
 public:
  EventTable() = default;
  EventTable(EventTable&&) = default;
  EventTable& operator=(EventTable&&) = default;

  size_t size() const { return at_.size(); }
  EventColumns columns() const;
  // The same events as messages.
  std::vector<v1::Event> to_messages() const;

  // Makes room for `rows` rows.
  void reserve(size_t rows);
  // Adds a row; strings are copied.
  void add(std::string_view event_id, std::string_view deal, int64_t at, EventKind kind,
           std::string_view process, std::string_view stage, int64_t amount,
           std::string_view owner, std::string_view client, std::string_view reason);

 private:
  std::string_view keep(std::string_view text);

  std::vector<std::string_view> event_id_, deal_, process_, stage_, owner_, client_, reason_;
  std::vector<int64_t> at_, amount_;
  std::vector<EventKind> kind_;
  std::deque<std::string> storage_;
};

// The processes the generated deals follow: "typical_sale" (automatic) and
// "manual_sale" (manual), the same nine stages.
std::vector<v1::Process> generator_processes();

EventTable generate_events(const GeneratorOptions& options);

}  // namespace voronka

#endif  // VORONKA_GENERATOR_HPP_
