// Process::compile: validation of a definition and the derived graph facts.
#include "voronka/process.hpp"

#include <algorithm>
#include <bit>
#include <cmath>
#include <string>
#include <unordered_map>

#include <fmt/format.h>

#include "model/calendar.hpp"
#include "model/key_equal.hpp"
#include "model/saturate.hpp"
#include "model/stage_graph.hpp"

namespace voronka {
namespace {

constexpr std::string_view kWon = "won";
constexpr std::string_view kPrimaryDemand = "primary_demand";
// Limits beyond which a time limit is certainly a typo; they also bound the
// business-day walk.
constexpr uint32_t kMaxLimitDays = 3660;
constexpr uint32_t kMaxLimitHours = kMaxLimitDays * 24;

bool is_reserved(std::string_view key) {
  return key == "won" || key == "lost" || key == "frozen";
}

// Collects violations; the compile result lists all of them.
class Violations {
 public:
  template <typename... Args>
  void add(fmt::format_string<Args...> format, Args&&... args) {
    list_.push_back(fmt::format(format, std::forward<Args>(args)...));
  }
  bool empty() const { return list_.empty(); }
  Status status(std::string_view process_key) const {
    return Status(Code::kInvalidProcess,
                  fmt::format("process '{}' is invalid: {}", process_key,
                              fmt::join(list_, "; ")));
  }

 private:
  std::vector<std::string> list_;
};

void check_limit(const v1::TimeLimit& limit, std::string_view what,
                 std::string_view stage, Violations* violations) {
  switch (limit.unit_case()) {
    case v1::TimeLimit::UNIT_NOT_SET:
      return;
    case v1::TimeLimit::kDays:
    case v1::TimeLimit::kBusinessDays: {
      const uint32_t days = limit.unit_case() == v1::TimeLimit::kDays
                                ? limit.days()
                                : limit.business_days();
      if (days == 0 || days > kMaxLimitDays) {
        violations->add("stage '{}': {} of {} days is outside 1..{}", stage, what,
                        days, kMaxLimitDays);
      }
      return;
    }
    case v1::TimeLimit::kHours:
      if (limit.hours() == 0 || limit.hours() > kMaxLimitHours) {
        violations->add("stage '{}': {} of {} hours is outside 1..{}", stage, what,
                        limit.hours(), kMaxLimitHours);
      }
      return;
  }
}

}  // namespace

const std::string& Process::stage_name(int index) const {
  const auto& s = stage(index);
  return s.name().empty() ? s.key() : s.name();
}

int Process::find_stage(std::string_view key) const { return stage_keys_->find(key); }

StageMask Process::reached(StageMask entered, bool won) const {
  StageMask result = won ? won_dominators_ : 0;
  while (entered != 0) {
    result |= dominators_[std::countr_zero(entered)];
    entered &= entered - 1;
  }
  return result;
}

bool Process::accepts_reason(std::string_view reason) const {
  return reason_keys_->size() == 0 || reason_keys_->find(reason) >= 0;
}

int64_t Process::add_limit(const v1::TimeLimit& limit, int64_t start) const {
  switch (limit.unit_case()) {
    case v1::TimeLimit::kDays:
      return model::saturating_add(start, int64_t{limit.days()} * model::kMsPerDay);
    case v1::TimeLimit::kHours:
      return model::saturating_add(start, int64_t{limit.hours()} * model::kMsPerHour);
    case v1::TimeLimit::kBusinessDays:
      return model::add_business_days(start, limit.business_days(), holidays_);
    case v1::TimeLimit::UNIT_NOT_SET:
      break;
  }
  return start;
}

std::optional<int64_t> Process::due_at(int stage_index, int64_t entered_at) const {
  const auto& limit = stage(stage_index).sla();
  if (limit.unit_case() == v1::TimeLimit::UNIT_NOT_SET) return std::nullopt;
  return add_limit(limit, entered_at);
}

std::optional<int64_t> Process::rotting_at(int stage_index, int64_t touched_at) const {
  const auto& limit = stage(stage_index).rotting();
  if (limit.unit_case() == v1::TimeLimit::UNIT_NOT_SET) return std::nullopt;
  return add_limit(limit, touched_at);
}

Status Process::compile(const v1::Process& definition,
                        std::shared_ptr<const Process>* out) {
  out->reset();
  Violations violations;
  const std::string_view process_key = definition.key();
  if (process_key.empty()) violations.add("key is empty");
  if (definition.mode() != v1::Process::AUTOMATIC &&
      definition.mode() != v1::Process::MANUAL) {
    violations.add("mode must be AUTOMATIC or MANUAL");
  }

  const int n = definition.stages_size();
  if (n == 0) violations.add("there are no stages");
  if (n > kMaxStages) {
    violations.add("{} stages, more than the limit of {}", n, kMaxStages);
    return violations.status(process_key);  // masks below cannot hold them
  }

  // Stage keys and attributes.
  std::unordered_map<std::string_view, int> stage_index;
  for (int i = 0; i < n; ++i) {
    const auto& stage = definition.stages(i);
    const std::string_view key = stage.key();
    if (key.empty()) {
      violations.add("stages[{}]: key is empty", i);
      continue;
    }
    if (is_reserved(key)) violations.add("stage '{}': the key is reserved", key);
    auto [it, inserted] = stage_index.emplace(key, i);
    if (!inserted) {
      violations.add("stage '{}': duplicate key (stages[{}] and stages[{}])", key,
                     it->second, i);
    }
    if (stage.has_probability() &&
        !(stage.probability() >= 0.0 && stage.probability() <= 1.0)) {
      violations.add("stage '{}': probability {} is outside [0, 1]", key,
                     stage.probability());
    }
    check_limit(stage.sla(), "sla", key, &violations);
    check_limit(stage.rotting(), "rotting", key, &violations);
    for (const auto& field : stage.required_fields()) {
      if (field.empty()) violations.add("stage '{}': a required field is empty", key);
    }
  }

  // The declared graph; vertex n is "won".
  model::StageGraph graph(n + 1);
  bool explicit_won = false;
  if (definition.transitions_size() == 0) {
    for (int i = 0; i + 1 < n; ++i) boost::add_edge(i, i + 1, graph);
  }
  for (int t = 0; t < definition.transitions_size(); ++t) {
    const auto& transition = definition.transitions(t);
    const auto from = stage_index.find(transition.from());
    if (from == stage_index.end()) {
      violations.add("transitions[{}]: unknown stage '{}' in 'from'", t,
                     transition.from());
    }
    int to = -1;
    if (transition.to() == kWon) {
      to = n;
      explicit_won = true;
    } else if (auto it = stage_index.find(transition.to()); it != stage_index.end()) {
      to = it->second;
    } else {
      violations.add("transitions[{}]: unknown stage '{}' in 'to'", t, transition.to());
    }
    if (from != stage_index.end() && to >= 0 &&
        !boost::edge(from->second, to, graph).second) {
      boost::add_edge(from->second, to, graph);
    }
  }
  if (!explicit_won) {
    for (int i = 0; i < n; ++i) {
      if (boost::out_degree(i, graph) == 0) boost::add_edge(i, n, graph);
    }
  }

  auto key_of = [&](int v) -> std::string_view {
    return v == n ? kWon : std::string_view(definition.stages(v).key());
  };

  for (const auto& cycle : model::cycles(graph)) {
    std::vector<std::string_view> keys;
    for (int v : cycle) keys.push_back(key_of(v));
    violations.add("cycle in the declared graph through stages {}",
                   fmt::join(keys, ", "));
  }

  std::vector<int> entries;
  for (int i = 0; i < n; ++i) {
    if (boost::in_degree(i, graph) == 0) entries.push_back(i);
  }
  if (n > 0 && entries.empty()) {
    violations.add("no entry stage: every stage has an incoming transition");
  }
  if (entries.size() > 1) {
    std::vector<std::string_view> keys;
    for (int v : entries) keys.push_back(key_of(v));
    violations.add("several entry stages ({}): exactly one stage may have no "
                   "incoming transition",
                   fmt::join(keys, ", "));
  }
  if (entries.size() == 1) {
    const auto from_entry = model::reachable_from(graph, entries[0]);
    for (int i = 0; i < n; ++i) {
      if (!from_entry[i]) {
        violations.add("stage '{}': unreachable from the entry stage '{}'", key_of(i),
                       key_of(entries[0]));
      }
    }
  }
  if (n > 0) {
    const auto to_won = model::reaching(graph, n);
    for (int i = 0; i < n; ++i) {
      if (!to_won[i]) violations.add("stage '{}': 'won' is unreachable from it", key_of(i));
    }
  }

  std::vector<int32_t> holidays;
  for (int h = 0; h < definition.holidays_size(); ++h) {
    if (auto day = model::parse_date(definition.holidays(h))) {
      holidays.push_back(*day);
    } else {
      violations.add("holidays[{}]: '{}' is not a date (YYYY-MM-DD)", h,
                     definition.holidays(h));
    }
  }
  for (int r = 0; r < definition.lost_reasons_size(); ++r) {
    if (definition.lost_reasons(r).empty()) violations.add("lost_reasons[{}]: empty", r);
  }

  if (!violations.empty()) return violations.status(process_key);

  std::shared_ptr<Process> process(new Process());
  process->definition_ = definition;
  process->entry_ = entries[0];
  std::sort(holidays.begin(), holidays.end());
  holidays.erase(std::unique(holidays.begin(), holidays.end()), holidays.end());
  process->holidays_ = std::move(holidays);

  for (int v : model::ordered_topological_sort(graph)) {
    if (v < n) process->funnel_order_.push_back(v);
  }
  process->funnel_rank_.resize(n);
  for (int rank = 0; rank < n; ++rank) {
    process->funnel_rank_[process->funnel_order_[rank]] = rank;
  }

  process->successors_.assign(n, 0);
  for (int i = 0; i < n; ++i) {
    for (auto [e, end] = boost::out_edges(i, graph); e != end; ++e) {
      const auto target = static_cast<int>(boost::target(*e, graph));
      if (target == n) {
        process->won_predecessors_ |= StageMask{1} << i;
      } else {
        process->successors_[i] |= StageMask{1} << target;
      }
    }
  }
  // Reachability as masks, in one pass backwards over the topological order.
  process->later_.assign(n, 0);
  for (auto it = process->funnel_order_.rbegin(); it != process->funnel_order_.rend(); ++it) {
    for (StageMask next = process->successors_[*it]; next != 0; next &= next - 1) {
      const int to = std::countr_zero(next);
      process->later_[*it] |= (StageMask{1} << to) | process->later_[to];
    }
  }

  const auto idom = model::immediate_dominators(graph, process->entry_);
  auto dominator_mask = [&](int v) {
    StageMask mask = 0;
    for (int d = v == n ? idom[n] : v; d >= 0; d = idom[d]) mask |= StageMask{1} << d;
    return mask;
  };
  process->dominators_.resize(n);
  for (int i = 0; i < n; ++i) process->dominators_[i] = dominator_mask(i);
  process->won_dominators_ = dominator_mask(n);

  auto stage_keys = std::make_shared<KeyList>();
  for (const auto& stage : process->definition_.stages()) stage_keys->add(stage.key());
  process->stage_keys_ = std::move(stage_keys);
  auto reason_keys = std::make_shared<KeyList>();
  for (const auto& reason : process->definition_.lost_reasons()) reason_keys->add(reason);
  process->reason_keys_ = std::move(reason_keys);

  process->required_fields_.resize(n);
  for (int i = 0; i < n; ++i) {
    const auto& fields = definition.stages(i).required_fields();
    process->required_fields_[i].assign(fields.begin(), fields.end());
  }
  if (definition.require_primary_demand()) {
    auto& entry_fields = process->required_fields_[process->entry_];
    if (std::find(entry_fields.begin(), entry_fields.end(), kPrimaryDemand) ==
        entry_fields.end()) {
      entry_fields.emplace_back(kPrimaryDemand);
    }
  }

  *out = std::move(process);
  return Status::ok();
}

}  // namespace voronka
