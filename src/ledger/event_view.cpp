#include "ledger/event_view.hpp"

#include <algorithm>
#include <array>
#include <vector>

#include <fmt/format.h>

#include "ledger/hash.hpp"


namespace voronka {

namespace {
constexpr std::array<std::string_view, kEventKindCount> kKindNames = {
    "opened",   "entered",        "won",           "lost",      "frozen",  "resumed",
    "reopened", "amount_changed", "owner_changed", "field_set", "activity"};
}  // namespace

std::string_view event_kind_name(EventKind kind) {
  const auto index = static_cast<size_t>(kind) - 1;
  return index < kKindNames.size() ? kKindNames[index] : std::string_view("unknown");
}

std::optional<EventKind> parse_event_kind(std::string_view name) {
  for (size_t i = 0; i < kKindNames.size(); ++i) {
    if (kKindNames[i] == name) return static_cast<EventKind>(i + 1);
  }
  return std::nullopt;
}

std::string_view activity_name(v1::Activity::Kind kind) {
  switch (kind) {
    case v1::Activity::CALL: return "call";
    case v1::Activity::MEETING: return "meeting";
    case v1::Activity::EMAIL: return "email";
    default: return "other";
  }
}

std::optional<v1::Activity::Kind> parse_activity(std::string_view name) {
  if (name == "call") return v1::Activity::CALL;
  if (name == "meeting") return v1::Activity::MEETING;
  if (name == "email") return v1::Activity::EMAIL;
  if (name == "other" || name.empty()) return v1::Activity::OTHER;
  return std::nullopt;
}

namespace ledger {

EventView view_of(const v1::Event& event) {
  EventView view;
  view.event_id = event.event_id();
  view.deal = event.deal();
  view.at = event.at();
  switch (event.kind_case()) {
    case v1::Event::kOpened: {
      const auto& opened = event.opened();
      view.kind = EventKind::kOpened;
      view.process = opened.process();
      view.owner = opened.owner();
      view.client = opened.client();
      view.amount = opened.amount();
      view.stage = opened.stage();
      if (!opened.fields().empty()) view.opened_fields = &opened.fields();
      break;
    }
    case v1::Event::kEntered:
      view.kind = EventKind::kEntered;
      view.stage = event.entered().stage();
      break;
    case v1::Event::kWon:
      view.kind = EventKind::kWon;
      if (event.won().has_amount()) view.amount = event.won().amount();
      break;
    case v1::Event::kLost:
      view.kind = EventKind::kLost;
      view.reason = event.lost().reason();
      break;
    case v1::Event::kFrozen:
      view.kind = EventKind::kFrozen;
      break;
    case v1::Event::kResumed:
      view.kind = EventKind::kResumed;
      break;
    case v1::Event::kReopened:
      view.kind = EventKind::kReopened;
      view.stage = event.reopened().stage();
      break;
    case v1::Event::kAmountChanged:
      view.kind = EventKind::kAmountChanged;
      view.amount = event.amount_changed().amount();
      break;
    case v1::Event::kOwnerChanged:
      view.kind = EventKind::kOwnerChanged;
      view.owner = event.owner_changed().owner();
      break;
    case v1::Event::kFieldSet:
      view.kind = EventKind::kFieldSet;
      view.field = event.field_set().key();
      view.value = event.field_set().value();
      break;
    case v1::Event::kActivity:
      view.kind = EventKind::kActivity;
      view.activity = event.activity().kind();
      break;
    case v1::Event::KIND_NOT_SET:
      break;
  }
  return view;
}

size_t text_bytes(const EventView& e) {
  size_t bytes = e.event_id.size() + e.deal.size() + e.process.size() + e.stage.size() +
                 e.owner.size() + e.client.size() + e.reason.size() + e.field.size() +
                 e.value.size();
  if (e.opened_fields != nullptr) {
    for (const auto& [key, value] : *e.opened_fields) bytes += key.size() + value.size();
  }
  return bytes;
}

Status view_of(const EventColumns& columns, size_t row, EventView* out) {
  // Every field is written once; this runs for each row of a bulk import.
  EventView& view = *out;
  auto text = [row](const TextColumn& column) {
    return column.empty() ? std::string_view() : column[row];
  };
  view.event_id = text(columns.event_id);
  view.deal = text(columns.deal);
  view.at = columns.at.empty() ? 0 : columns.at[row];
  view.kind = columns.kind.empty() ? EventKind{} : columns.kind[row];
  view.amount = columns.amount.empty() ? kNoAmount : columns.amount[row];
  view.process = text(columns.process);
  view.stage = text(columns.stage);
  view.owner = text(columns.owner);
  view.client = text(columns.client);
  view.reason = text(columns.reason);
  view.field = text(columns.field);
  view.value = text(columns.value);
  view.opened_fields = nullptr;
  view.activity = v1::Activity::OTHER;
  if (view.kind == EventKind::kActivity) {
    const auto activity = parse_activity(text(columns.activity));
    if (!activity) {
      return Status(Code::kInvalidArgument,
                    fmt::format("deal {}: unknown activity '{}' (call, meeting, email or other)",
                                model::message_text(view.deal),
                                model::message_text(text(columns.activity))));
    }
    view.activity = *activity;
  }
  if (columns.at.empty()) {
    return Status(Code::kInvalidArgument, "the batch has no 'at' column");
  }
  return Status::ok();
}

Status check_utf8(const EventView& e) {
  auto invalid = [&](std::string_view field, std::string_view text) {
    return Status(Code::kInvalidArgument,
                  fmt::format("deal {}: event {}: {} '{}' is not valid UTF-8 text",
                              model::message_text(e.deal), model::message_text(e.event_id), field,
                              model::message_text(text)));
  };
  const std::pair<std::string_view, std::string_view> texts[] = {
      {"event_id", e.event_id}, {"deal", e.deal},     {"process", e.process},
      {"stage", e.stage},       {"owner", e.owner},   {"client", e.client},
      {"reason", e.reason},     {"field", e.field},   {"value", e.value}};
  for (const auto& [field, text] : texts) {
    if (!model::is_valid_utf8(text)) return invalid(field, text);
  }
  if (e.opened_fields != nullptr) {
    for (const auto& [key, value] : *e.opened_fields) {
      if (!model::is_valid_utf8(key)) return invalid("a field key", key);
      if (!model::is_valid_utf8(value)) return invalid(fmt::format("field '{}'", key), value);
    }
  }
  return Status::ok();
}

uint64_t fingerprint(const EventView& event, uint64_t deal_hash) {
  uint64_t h = hash_u64(deal_hash, static_cast<uint64_t>(event.kind));
  auto add = [&h](std::string_view text) { h = hash_bytes(text, h); };
  auto add_number = [&h](int64_t value) { h = hash_u64(static_cast<uint64_t>(value), h); };
  add_number(event.at);
  switch (event.kind) {
    case EventKind::kOpened: {
      add(event.process);
      add(event.owner);
      add(event.client);
      add_number(event.amount == kNoAmount ? 0 : event.amount);
      add(event.stage);
      if (event.opened_fields != nullptr) {
        std::vector<std::pair<std::string_view, std::string_view>> fields(
            event.opened_fields->begin(), event.opened_fields->end());
        std::sort(fields.begin(), fields.end());
        for (const auto& [key, value] : fields) {
          add(key);
          add(value);
        }
      } else if (!event.field.empty()) {
        add(event.field);
        add(event.value);
      }
      break;
    }
    case EventKind::kEntered:
    case EventKind::kReopened:
      add(event.stage);
      break;
    case EventKind::kWon:
    case EventKind::kAmountChanged:
      add_number(event.amount);
      break;
    case EventKind::kLost:
      add(event.reason);
      break;
    case EventKind::kOwnerChanged:
      add(event.owner);
      break;
    case EventKind::kFieldSet:
      add(event.field);
      add(event.value);
      break;
    case EventKind::kActivity:
      add_number(event.activity);
      break;
    case EventKind::kFrozen:
    case EventKind::kResumed:
      break;
  }
  return h;
}

}  // namespace ledger
}  // namespace voronka
