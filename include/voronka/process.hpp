// Processes: validated stage graphs.
//
// A process (deal kind) is written as a v1::Process message, usually as JSON,
// and compiled into an immutable Process that answers every graph question the
// ledger and the reports ask: which moves are legal, the funnel order of the
// stages, which stages a stage dominates, and when a stay in a stage is
// overdue. Compiling validates the definition and reports every violation at
// once, each naming its stage, transition or field.
//
// Thread safety: a compiled Process is immutable and may be shared freely.
#ifndef VORONKA_PROCESS_HPP_
#define VORONKA_PROCESS_HPP_

#include <cstdint>
#include <initializer_list>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "voronka/status.hpp"
#include "voronka/v1/process.pb.h"

namespace voronka {

class KeyList;

// The most stages a process may have. Sets of stages are 64-bit masks.
inline constexpr int kMaxStages = 64;

// A set of stages of one process, bit i standing for the stage declared i-th.
using StageMask = uint64_t;

// Parses the protobuf JSON form of a process. Syntax and schema errors carry
// protobuf's field path, e.g. "(stages[0].probability): invalid value ...".
// The result is not validated; compile it with Process::compile.
Status parse_process_json(std::string_view json, v1::Process* out);

// The JSON form of a process definition (proto field names).
std::string process_to_json(const v1::Process& definition);

class Process {
 public:
  // Validates `definition` and derives the stage graph. On failure the status
  // is kInvalidProcess and lists every violation, separated by "; ".
  static Status compile(const v1::Process& definition,
                        std::shared_ptr<const Process>* out);

  const v1::Process& definition() const { return definition_; }
  const std::string& key() const { return definition_.key(); }
  const std::string& name() const { return definition_.name(); }
  uint32_t version() const { return definition_.version(); }
  bool automatic() const { return definition_.mode() == v1::Process::AUTOMATIC; }

  // Stages are numbered in declaration order, from 0.
  int stage_count() const { return definition_.stages_size(); }
  const v1::Stage& stage(int index) const { return definition_.stages(index); }
  const std::string& stage_key(int index) const { return stage(index).key(); }
  // The display name: the stage's name, or its key when it has none.
  const std::string& stage_name(int index) const;
  // The index of the stage with this key, or -1.
  int find_stage(std::string_view key) const;
  int entry_stage() const { return entry_; }

  // Stages in funnel order: topological order of the declared graph, ties
  // broken by declaration order.
  std::span<const int> funnel_order() const { return funnel_order_; }
  // Position of a stage in funnel order.
  int funnel_rank(int stage) const { return funnel_rank_[stage]; }

  // Stages reachable by one declared transition.
  StageMask successors(int stage) const { return successors_[stage]; }
  // Stages reachable by one or more declared transitions.
  StageMask later(int stage) const { return later_[stage]; }
  // Whether a declared transition leads from the stage to "won".
  bool leads_to_won(int stage) const { return (won_predecessors_ >> stage) & 1; }
  // The stages that dominate `stage` (every path from the entry to it passes
  // them), the stage itself included.
  StageMask dominators(int stage) const { return dominators_[stage]; }
  // The stages every path from the entry to "won" passes.
  StageMask won_dominators() const { return won_dominators_; }
  // The stages a deal counts as reached after entering the stages in
  // `entered` (and winning, when `won`): the union of their dominators.
  StageMask reached(StageMask entered, bool won) const;

  // Fields that must be set before a deal leaves the stage forward.
  const std::vector<std::string>& required_fields(int stage) const {
    return required_fields_[stage];
  }

  // Whether a lost reason is accepted: any reason when the process has no
  // catalogue, otherwise one from it.
  bool accepts_reason(std::string_view reason) const;

  // When a deal that entered `stage` at `entered_at` becomes overdue, or
  // nullopt when the stage has no SLA. Times are ms since the epoch, UTC.
  std::optional<int64_t> due_at(int stage, int64_t entered_at) const;
  // When a deal last touched (entered or active) at `touched_at` starts
  // rotting, or nullopt when the stage has no rotting limit.
  std::optional<int64_t> rotting_at(int stage, int64_t touched_at) const;
  // The end of a time limit that starts at `start` (business days skip
  // weekends and this process's holidays).
  int64_t add_limit(const v1::TimeLimit& limit, int64_t start) const;

 private:
  Process() = default;

  v1::Process definition_;
  int entry_ = 0;
  std::vector<int> funnel_order_;
  std::vector<int> funnel_rank_;
  std::vector<StageMask> successors_;
  std::vector<StageMask> later_;
  std::vector<StageMask> dominators_;
  StageMask won_predecessors_ = 0;
  StageMask won_dominators_ = 0;
  std::vector<std::vector<std::string>> required_fields_;
  std::vector<int32_t> holidays_;  // sorted days since the epoch
  // Looked up on every appended event.
  std::shared_ptr<const KeyList> stage_keys_, reason_keys_;
};

// Builds a process definition in C++:
//
//   ProcessBuilder("typical_sale", v1::Process::AUTOMATIC)
//       .stage("evaluation", "Client evaluation").probability(0.1).sla_days(5)
//       .stage("preparation").probability(0.2)
//       .lost_reasons({"price", "competitor"})
//       .build(&process);
//
// Attribute calls apply to the stage added last. Without transitions the
// stages form a line in the order they were added.
class ProcessBuilder {
 public:
  ProcessBuilder(std::string key, v1::Process::Mode mode);

  ProcessBuilder& name(std::string name);
  ProcessBuilder& require_primary_demand(bool required = true);
  ProcessBuilder& stage(std::string key, std::string name = {});
  ProcessBuilder& probability(double p);
  ProcessBuilder& sla_days(uint32_t days);
  ProcessBuilder& sla_hours(uint32_t hours);
  ProcessBuilder& sla_business_days(uint32_t days);
  ProcessBuilder& rotting_days(uint32_t days);
  ProcessBuilder& owner_role(std::string role);
  ProcessBuilder& required_field(std::string field);
  ProcessBuilder& transition(std::string from, std::string to);
  ProcessBuilder& lost_reasons(std::initializer_list<std::string_view> reasons);
  ProcessBuilder& holiday(std::string date);

  const v1::Process& definition() const { return definition_; }
  Status build(std::shared_ptr<const Process>* out) const;

 private:
  v1::Stage* last_stage();

  v1::Process definition_;
};

}  // namespace voronka

#endif  // VORONKA_PROCESS_HPP_
