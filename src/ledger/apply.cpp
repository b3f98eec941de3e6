#include "ledger/apply.hpp"

#include <algorithm>
#include <bit>
#include <string>
#include <vector>

#include <fmt/format.h>

#include "model/key_equal.hpp"
#include "voronka/time.hpp"

namespace voronka::ledger {
namespace {

AppendResult rejected(Code code, std::string message) {
  return AppendResult{Outcome::kRejected, Status(code, std::move(message))};
}

// Applies one event to one existing deal. Every check comes before the first
// change, so a rejection leaves the state as it was.
class DealMachine {
 public:
  DealMachine(State& state, uint32_t deal, const EventView& event)
      : s_(state),
        deal_(deal),
        e_(event),
        process_(state.catalog.version(state.deals.version[deal])) {}

  AppendResult run();

 private:
  DealStatus status() const { return s_.deals.status[deal_]; }
  int stage() const { return s_.deals.stage[deal_]; }
  const std::string& stage_key(int stage) const { return process_.stage_key(stage); }

  std::string state_text() const {
    switch (status()) {
      case DealStatus::kOpen: return fmt::format("'{}'", stage_key(stage()));
      case DealStatus::kFrozen: return fmt::format("frozen at '{}'", stage_key(stage()));
      case DealStatus::kWon: return "won";
      case DealStatus::kLost: return fmt::format("lost at '{}'", stage_key(stage()));
    }
    return "unknown";
  }

  // The moves the deal's state allows, for error messages.
  std::string allowed_text() const {
    std::vector<std::string> allowed;
    switch (status()) {
      case DealStatus::kOpen:
        if (process_.automatic()) {
          for (int next : process_.funnel_order()) {
            if ((process_.successors(stage()) >> next) & 1) allowed.push_back(stage_key(next));
          }
          if (process_.leads_to_won(stage())) allowed.emplace_back("won");
        } else {
          allowed.emplace_back("any stage");
          allowed.emplace_back("won");
        }
        allowed.emplace_back("lost");
        allowed.emplace_back("frozen");
        break;
      case DealStatus::kFrozen:
        allowed = {"resumed", "reopened", "lost"};
        break;
      case DealStatus::kWon:
      case DealStatus::kLost:
        allowed = {"reopened"};
        break;
    }
    return fmt::format("{}", fmt::join(allowed, ", "));
  }

  AppendResult illegal(std::string_view move) const {
    return rejected(Code::kIllegalTransition,
                    fmt::format("deal {}: cannot {} from {} in {} process '{}'; allowed: {}",
                                e_.deal, move, state_text(),
                                process_.automatic() ? "automatic" : "manual",
                                process_.key(), allowed_text()));
  }

  // Rejects leaving the current stage forward while a required field is unset.
  bool missing_required_field(std::string_view destination, AppendResult* result) const {
    for (const auto& field : process_.required_fields(stage())) {
      const uint32_t key = s_.field_keys.find(field);
      if (key == Interner::kMissing || s_.field_value(deal_, key) == 0) {
        *result = rejected(Code::kIllegalTransition,
                           fmt::format("deal {}: cannot leave '{}' for '{}': required "
                                       "field '{}' is not set",
                                       e_.deal, stage_key(stage()), destination, field));
        return true;
      }
    }
    return false;
  }

  bool find_stage(std::string_view key, int* stage, AppendResult* result) const {
    *stage = process_.find_stage(key);
    if (*stage >= 0) return true;
    *result = rejected(key.empty() ? Code::kInvalidArgument : Code::kNotFound,
                       key.empty() ? fmt::format("deal {}: {} needs a stage", e_.deal,
                                                 event_kind_name(e_.kind))
                                   : fmt::format("deal {}: unknown stage '{}' in process '{}'",
                                                 e_.deal, key, process_.key()));
    return false;
  }

  bool check_amount(AppendResult* result) const {
    if (e_.amount != kNoAmount && e_.amount < 0) {
      *result = rejected(Code::kInvalidArgument,
                         fmt::format("deal {}: amount {} is negative", e_.deal, e_.amount));
      return false;
    }
    return true;
  }

  AppendResult limit(std::string_view what) const {
    return rejected(Code::kLimitExceeded,
                    fmt::format("deal {}: the ledger holds the most {} it can", e_.deal, what));
  }

  void record(EntryKind kind, uint32_t arg) {
    s_.timelines.append(deal_, e_.at, entry_code(kind, arg));
  }

  void enter(int stage) {
    const StageMask bit = StageMask{1} << stage;
    uint8_t& reentries = s_.deals.reentries[deal_];
    if ((s_.deals.entered[deal_] & bit) != 0 && reentries < 255) ++reentries;
    s_.deals.stage[deal_] = static_cast<uint8_t>(stage);
    s_.deals.stage_since[deal_] = e_.at;
    s_.deals.entered[deal_] |= bit;
  }

  // Records a new amount, keeping the previous one for replay.
  bool set_amount(EntryKind kind, uint32_t arg_offset) {
    if (s_.previous_amounts.size() + arg_offset > kMaxEntryArg) return false;
    record(kind, static_cast<uint32_t>(s_.previous_amounts.size()) + arg_offset);
    s_.previous_amounts.push_back(s_.deals.amount[deal_]);
    s_.deals.amount[deal_] = e_.amount;
    return true;
  }

  AppendResult entered();
  AppendResult won();
  AppendResult lost();
  AppendResult reopened();
  AppendResult field_set();

  State& s_;
  uint32_t deal_;
  const EventView& e_;
  const Process& process_;
};

AppendResult DealMachine::entered() {
  AppendResult result;
  int next;
  if (!find_stage(e_.stage, &next, &result)) return result;
  if (status() != DealStatus::kOpen) return illegal(fmt::format("enter '{}'", e_.stage));
  if (next == stage()) return result;  // a repeated stage changes nothing
  const bool forward = process_.automatic() ||
                       process_.funnel_rank(next) > process_.funnel_rank(stage());
  if (process_.automatic() && !((process_.successors(stage()) >> next) & 1)) {
    return illegal(fmt::format("enter '{}'", e_.stage));
  }
  if (forward && missing_required_field(e_.stage, &result)) return result;
  record(EntryKind::kEntered, static_cast<uint32_t>(next));
  enter(next);
  return result;
}

AppendResult DealMachine::won() {
  AppendResult result;
  if (status() != DealStatus::kOpen) return illegal("win");
  if (process_.automatic() && !process_.leads_to_won(stage())) return illegal("win");
  if (!check_amount(&result) || missing_required_field("won", &result)) return result;
  if (e_.amount == kNoAmount) {
    record(EntryKind::kWon, 0);
  } else if (!set_amount(EntryKind::kWon, 1)) {
    return limit("amount changes");
  }
  s_.deals.status[deal_] = DealStatus::kWon;
  s_.deals.closed_at[deal_] = e_.at;
  return result;
}

AppendResult DealMachine::lost() {
  if (status() != DealStatus::kOpen && status() != DealStatus::kFrozen) {
    return illegal("lose");
  }
  if (!process_.accepts_reason(e_.reason)) {
    return rejected(Code::kInvalidArgument,
                    fmt::format("deal {}: lost reason '{}' is not in the catalogue of "
                                "process '{}': {}",
                                e_.deal, e_.reason, process_.key(),
                                fmt::join(process_.definition().lost_reasons(), ", ")));
  }
  const uint32_t reason = s_.reasons.intern(e_.reason);
  if (reason == Interner::kMissing || reason > kMaxEntryArg) return limit("lost reasons");
  record(EntryKind::kLost, reason);
  s_.deals.status[deal_] = DealStatus::kLost;
  s_.deals.closed_at[deal_] = e_.at;
  return {};
}

AppendResult DealMachine::reopened() {
  AppendResult result;
  if (status() == DealStatus::kOpen) return illegal("reopen");
  int target = stage();
  if (!e_.stage.empty() && !find_stage(e_.stage, &target, &result)) return result;
  record(EntryKind::kReopened, static_cast<uint32_t>(target));
  // A frozen deal reopened at its own stage continues its visit.
  const bool continues = status() == DealStatus::kFrozen && target == stage();
  s_.deals.status[deal_] = DealStatus::kOpen;
  s_.deals.closed_at[deal_] = kNever;
  if (!continues) enter(target);
  return result;
}

AppendResult DealMachine::field_set() {
  if (e_.field.empty()) {
    return rejected(Code::kInvalidArgument,
                    fmt::format("deal {}: field_set needs a field name", e_.deal));
  }
  const uint32_t key = s_.field_keys.intern(e_.field);
  const uint32_t value = s_.field_values.intern(e_.value);
  if (key == Interner::kMissing || value == Interner::kMissing) return limit("field values");
  if (s_.field_changes.size() > kMaxEntryArg) return limit("field changes");
  const uint64_t slot = State::field_slot(deal_, key);
  record(EntryKind::kFieldSet, static_cast<uint32_t>(s_.field_changes.size()));
  s_.field_changes.push_back(FieldChange{key, s_.field_value(deal_, key)});
  if (value == 0) {
    s_.fields.erase(slot);
  } else {
    s_.fields[slot] = value;
  }
  return {};
}

AppendResult DealMachine::run() {
  if (!e_.process.empty() && !key_equal(e_.process, process_.key())) {
    return rejected(Code::kInvalidArgument,
                    fmt::format("deal {}: belongs to process '{}', the event names '{}'",
                                e_.deal, process_.key(), e_.process));
  }
  const int64_t last = s_.timelines.last_time(deal_);
  if (e_.at < last) {
    return rejected(Code::kOutOfOrder,
                    fmt::format("deal {}: {} at {} is earlier than the deal's last event "
                                "at {}; a deal's events must not go back in time",
                                e_.deal, event_kind_name(e_.kind), format_time(e_.at),
                                format_time(last)));
  }
  if (!s_.timelines.has_room()) return limit("events");

  switch (e_.kind) {
    case EventKind::kOpened:
      return rejected(Code::kIllegalTransition,
                      fmt::format("deal {}: already opened at {} in process '{}'; a deal "
                                  "is opened once (reopened brings back a closed deal)",
                                  e_.deal, format_time(s_.deals.opened_at[deal_]),
                                  process_.key()));
    case EventKind::kEntered:
      return entered();
    case EventKind::kWon:
      return won();
    case EventKind::kLost:
      return lost();
    case EventKind::kFrozen:
      if (status() != DealStatus::kOpen) return illegal("freeze");
      record(EntryKind::kFrozen, 0);
      s_.deals.status[deal_] = DealStatus::kFrozen;
      return {};
    case EventKind::kResumed:
      if (status() != DealStatus::kFrozen) return illegal("resume");
      record(EntryKind::kResumed, 0);
      s_.deals.status[deal_] = DealStatus::kOpen;
      return {};
    case EventKind::kReopened:
      return reopened();
    case EventKind::kAmountChanged: {
      AppendResult result;
      if (e_.amount == kNoAmount) {
        return rejected(Code::kInvalidArgument,
                        fmt::format("deal {}: amount_changed needs an amount", e_.deal));
      }
      if (!check_amount(&result)) return result;
      if (!set_amount(EntryKind::kAmountChanged, 0)) return limit("amount changes");
      return result;
    }
    case EventKind::kOwnerChanged: {
      const uint32_t owner = s_.owners.intern(e_.owner);
      if (owner == Interner::kMissing) return limit("owners");
      if (s_.deals.owner[deal_] > kMaxEntryArg) return limit("owners");
      record(EntryKind::kOwnerChanged, s_.deals.owner[deal_]);
      s_.deals.owner[deal_] = owner;
      return {};
    }
    case EventKind::kFieldSet:
      return field_set();
    case EventKind::kActivity:
      record(EntryKind::kActivity, static_cast<uint32_t>(e_.activity));
      return {};
  }
  return rejected(Code::kInvalidArgument, fmt::format("deal {}: unknown event kind", e_.deal));
}

AppendResult open_deal(State& s, const EventView& e, const EventKeys& keys) {
  const int version = s.catalog.find(e.process);
  if (version < 0) {
    return rejected(e.process.empty() ? Code::kInvalidArgument : Code::kNotFound,
                    e.process.empty()
                        ? fmt::format("deal {}: opened needs a process", e.deal)
                        : fmt::format("deal {}: unknown process '{}'", e.deal, e.process));
  }
  const Process& process = s.catalog.version(static_cast<uint16_t>(version));
  int stage = process.entry_stage();
  if (!e.stage.empty()) {
    stage = process.find_stage(e.stage);
    if (stage < 0) {
      return rejected(Code::kNotFound, fmt::format("deal {}: unknown stage '{}' in process '{}'",
                                                   e.deal, e.stage, process.key()));
    }
    if (process.automatic() && stage != process.entry_stage()) {
      return rejected(Code::kIllegalTransition,
                      fmt::format("deal {}: cannot open at '{}' in automatic process '{}'; "
                                  "allowed: {}",
                                  e.deal, e.stage, process.key(),
                                  process.stage_key(process.entry_stage())));
    }
  }
  if (e.amount != kNoAmount && e.amount < 0) {
    return rejected(Code::kInvalidArgument,
                    fmt::format("deal {}: amount {} is negative", e.deal, e.amount));
  }
  if (!s.timelines.has_room()) {
    return rejected(Code::kLimitExceeded,
                    fmt::format("deal {}: the ledger holds the most events it can", e.deal));
  }

  // Fields given at opening, recorded as field changes at the same instant.
  std::vector<std::pair<uint32_t, uint32_t>> fields;
  auto add_field = [&](std::string_view key, std::string_view value) {
    if (key.empty() || value.empty()) return true;
    const uint32_t key_id = s.field_keys.intern(key);
    const uint32_t value_id = s.field_values.intern(value);
    if (key_id == Interner::kMissing || value_id == Interner::kMissing) return false;
    fields.emplace_back(key_id, value_id);
    return true;
  };
  bool fields_fit = true;
  if (e.opened_fields != nullptr) {
    for (const auto& [key, value] : *e.opened_fields) fields_fit &= add_field(key, value);
  } else {
    fields_fit = add_field(e.field, e.value);
  }
  const uint32_t owner = s.owners.intern(e.owner);
  const uint32_t client = s.clients.intern(e.client, keys.client_hash);
  const uint32_t deal = s.deal_keys.add(e.deal, keys.deal_hash);
  if (!fields_fit || owner == Interner::kMissing || client == Interner::kMissing ||
      deal == Interner::kMissing || s.field_changes.size() + fields.size() > kMaxEntryArg) {
    return rejected(Code::kLimitExceeded,
                    fmt::format("deal {}: the ledger holds the most keys it can", e.deal));
  }

  DealColumns& d = s.deals;
  d.version.push_back(static_cast<uint16_t>(version));
  d.status.push_back(DealStatus::kOpen);
  d.stage.push_back(static_cast<uint8_t>(stage));
  d.owner.push_back(owner);
  d.client.push_back(client);
  d.amount.push_back(e.amount == kNoAmount ? 0 : e.amount);
  d.opened_at.push_back(e.at);
  d.stage_since.push_back(e.at);
  d.closed_at.push_back(kNever);
  d.entered.push_back(StageMask{1} << stage);
  d.reentries.push_back(0);
  s.opened_blocks.add(e.at);
  s.timelines.add_deal();
  s.timelines.append(deal, e.at, entry_code(EntryKind::kOpened, static_cast<uint32_t>(stage)));
  for (const auto& [key, value] : fields) {
    s.timelines.append(deal, e.at,
                       entry_code(EntryKind::kFieldSet,
                                  static_cast<uint32_t>(s.field_changes.size())));
    s.field_changes.push_back(FieldChange{key, s.field_value(deal, key)});
    s.fields[State::field_slot(deal, key)] = value;
  }
  return {};
}

}  // namespace

AppendResult apply(State& state, const EventView& event, const EventKeys& keys,
                   uint32_t* deal_id) {
  if (event.deal.empty()) {
    return rejected(Code::kInvalidArgument,
                    fmt::format("event {}: no deal", event.event_id));
  }
  if (event.event_id.empty()) {
    return rejected(Code::kInvalidArgument, fmt::format("deal {}: no event_id", event.deal));
  }
  if (static_cast<int>(event.kind) < 1 || static_cast<int>(event.kind) > kEventKindCount) {
    return rejected(Code::kInvalidArgument,
                    fmt::format("deal {}: event {} has no kind", event.deal, event.event_id));
  }
  if (event.at == kNever) {  // the ledger's mark of a time that is not there
    return rejected(Code::kInvalidArgument,
                    fmt::format("deal {}: event {} is at {} ms, the one time an event cannot "
                                "have (the least int64)",
                                event.deal, event.event_id, event.at));
  }

  const EventIndex::Key& id = keys.id;
  const uint64_t deal_hash = keys.deal_hash;
  const uint64_t print = fingerprint(event, deal_hash);
  switch (state.events.find(id, print)) {
    case EventIndex::Lookup::kDuplicate:
      return AppendResult{Outcome::kDuplicate, Status::ok()};
    case EventIndex::Lookup::kConflict:
      return rejected(Code::kConflictingDuplicate,
                      fmt::format("deal {}: event id {} was recorded before with different "
                                  "content",
                                  event.deal, event.event_id));
    case EventIndex::Lookup::kNew:
      break;
  }

  if (*deal_id == Interner::kMissing) *deal_id = state.deal_keys.find(event.deal, deal_hash);
  const uint32_t deal = *deal_id;
  AppendResult result;
  if (event.kind == EventKind::kOpened && deal == Interner::kMissing) {
    result = open_deal(state, event, keys);
    if (result.outcome == Outcome::kAccepted) {
      *deal_id = static_cast<uint32_t>(state.deals.size() - 1);
      state.stage_index.add(state, *deal_id);
    }
  } else if (deal == Interner::kMissing) {
    result = rejected(Code::kNotFound,
                      fmt::format("deal {}: unknown deal (no opened event at or before {})",
                                  event.deal, format_time(event.at)));
  } else {
    state.stage_index.remove(state, deal);
    result = DealMachine(state, deal, event).run();
    state.stage_index.add(state, deal);
  }
  if (result.outcome == Outcome::kAccepted) {
    state.events.insert(id, print);
    ++state.accepted_events;
    state.latest_at = std::max(state.latest_at, event.at);
  }
  return result;
}

}  // namespace voronka::ledger
