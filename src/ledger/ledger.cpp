#include "voronka/ledger.hpp"

#include <array>
#include <mutex>

#include <fmt/format.h>

#include "ledger/access.hpp"
#include "ledger/apply.hpp"
#include "ledger/batch_order.hpp"
#include "ledger/event_view.hpp"
#include "ledger/large_vector.hpp"
#include "model/key_equal.hpp"
#include "model/utf8.hpp"

namespace voronka {

std::string_view deal_status_name(DealStatus status) {
  switch (status) {
    case DealStatus::kOpen: return "open";
    case DealStatus::kFrozen: return "frozen";
    case DealStatus::kWon: return "won";
    case DealStatus::kLost: return "lost";
  }
  return "unknown";
}

namespace ledger {
namespace {

// Reads a batch of messages.
class MessageSource {
 public:
  explicit MessageSource(std::span<const v1::Event> events) : events_(events) {}
  size_t size() const { return events_.size(); }
  std::string_view deal(size_t i) const { return events_[i].deal(); }
  int64_t at(size_t i) const { return events_[i].at(); }
  bool opens(size_t i) const { return events_[i].kind_case() == v1::Event::kOpened; }
  Status view(size_t i, EventView* out) const {
    *out = view_of(events_[i]);
    return Status::ok();
  }

 private:
  std::span<const v1::Event> events_;
};

// Reads a columnar batch whose columns were checked.
class ColumnSource {
 public:
  explicit ColumnSource(const EventColumns& columns) : c_(columns) {}
  size_t size() const { return c_.size; }
  std::string_view deal(size_t i) const { return c_.deal[i]; }
  int64_t at(size_t i) const { return c_.at[i]; }
  bool opens(size_t i) const { return c_.kind[i] == EventKind::kOpened; }
  Status view(size_t i, EventView* out) const { return view_of(c_, i, out); }

 private:
  const EventColumns& c_;
};

Status too_long(const EventView& event, size_t bytes, size_t limit) {
  return Status(Code::kLimitExceeded,
                fmt::format("deal {}: event {} holds {} bytes of text, more than the {} bytes "
                            "a stored event may hold",
                            model::message_text(event.deal), model::message_text(event.event_id), bytes,
                            limit));
}

// Applies a batch in batch_order. Memory for the whole batch is reserved up
// front, and the index slots an event will touch are prefetched a few events
// ahead: on a large ledger those lookups are cache misses, and overlapping
// them is most of the speed of a bulk import.
template <typename Source>
BatchResult append_batch(State& state, const Source& source, std::vector<uint32_t>* applied,
                         const AppendProgress& progress = nullptr) {
  const size_t size = source.size();
  std::vector<Outcome> outcomes(size, Outcome::kAccepted);
  std::vector<BatchResult::Rejection> rejections;
  size_t duplicates = 0;
  auto reject = [&](size_t i, Status status) {
    outcomes[i] = Outcome::kRejected;
    rejections.push_back(BatchResult::Rejection{i, std::move(status)});
  };
  if (applied) {
    applied->clear();
    reserve_on_huge_pages(applied, size);
  }
  const LargeVector<uint32_t> order = batch_order(
      size, [&](size_t i) { return source.deal(i); },
      [&](size_t i) { return Moment{source.at(i), !source.opens(i)}; });

  size_t opening = 0;
  for (size_t i = 0; i < size; ++i) opening += source.opens(i);
  state.reserve_more(size, opening);
  // Updating the stage index event by event costs more than rebuilding it
  // once a large batch is in.
  if (size > std::max<size_t>(10'000, state.deals.size() / 8)) state.stage_index.drop();

  // Each event is read (its text measured, for C strings) once, a few
  // events ahead of its turn, so that its keys can be hashed and prefetched.
  struct Prepared {
    Status status;  // of reading the event
    EventView event;
    EventKeys keys;
  };
  constexpr size_t kAhead = 8;
  std::array<Prepared, 2 * kAhead> ahead;  // events k .. k + kAhead, by k mod 2 * kAhead
  auto event_at = [&](size_t k) { return order.empty() ? k : order[k]; };
  auto prepare = [&](size_t k) {
    if (k >= size) return;
    Prepared& p = ahead[k % ahead.size()];
    p.status = source.view(event_at(k), &p.event);
    if (!p.status) return;
    p.keys = EventKeys::of(p.event);
    state.events.prefetch(p.keys.id);
    state.deal_keys.prefetch(p.keys.deal_hash);
    // A deal's client is one of many, looked up once per deal: a cache miss.
    if (p.keys.client_hash != 0) state.clients.prefetch(p.keys.client_hash);
  };
  for (size_t k = 0; k < kAhead; ++k) prepare(k);

  const uint64_t accepted_before = state.accepted_events;
  // Consecutive events of one deal resolve its key once.
  std::string_view last_deal;
  uint32_t last_deal_id = Interner::kMissing;
  constexpr size_t kProgressEvery = size_t{1} << 16;
  for (size_t k = 0; k < size; ++k) {
    if (progress && k % kProgressEvery == 0 && k > 0) progress(k, size);
    prepare(k + kAhead);
    Prepared& p = ahead[k % ahead.size()];
    const EventView& event = p.event;
    const size_t i = event_at(k);
    if (!p.status) {
      reject(i, std::move(p.status));
      continue;
    }
    if (const size_t bytes = text_bytes(event); bytes > state.max_event_text) {
      reject(i, too_long(event, bytes, state.max_event_text));
      continue;
    }
    if (!all_ascii(event)) {
      if (Status s = check_utf8(event); !s) {
        reject(i, std::move(s));
        continue;
      }
    }
    uint32_t deal = key_equal(event.deal, last_deal) ? last_deal_id : Interner::kMissing;
    AppendResult result = apply(state, event, p.keys, &deal);
    last_deal = event.deal;
    last_deal_id = deal;
    if (result.outcome == Outcome::kAccepted) {
      if (applied) applied->push_back(static_cast<uint32_t>(i));
    } else if (result.outcome == Outcome::kDuplicate) {
      outcomes[i] = Outcome::kDuplicate;
      ++duplicates;
    } else {
      reject(i, std::move(result.status));
    }
  }
  if (state.accepted_events != accepted_before) ++state.generation;
  if (progress) progress(size, size);
  return Access::batch_result(std::move(outcomes), std::move(rejections), duplicates);
}

// Checks that every column of a columnar batch has the batch's length.
Status check_columns(const EventColumns& c) {
  const std::pair<std::string_view, size_t> columns[] = {
      {"event_id", c.event_id.size()}, {"deal", c.deal.size()},
      {"at", c.at.size()},             {"kind", c.kind.size()},
      {"process", c.process.size()},   {"stage", c.stage.size()},
      {"amount", c.amount.size()},     {"owner", c.owner.size()},
      {"client", c.client.size()},     {"reason", c.reason.size()},
      {"field", c.field.size()},       {"value", c.value.size()},
      {"activity", c.activity.size()}};
  for (const auto& [name, rows] : columns) {
    if (rows != 0 && rows != c.size) {
      return Status(Code::kInvalidArgument,
                    fmt::format("column '{}' has {} rows, the batch {}", name, rows, c.size));
    }
  }
  for (std::string_view required : {"event_id", "deal", "at", "kind"}) {
    for (const auto& [name, rows] : columns) {
      if (name == required && rows == 0 && c.size != 0) {
        return Status(Code::kInvalidArgument,
                      fmt::format("the batch has no '{}' column", name));
      }
    }
  }
  return Status::ok();
}

}  // namespace
}  // namespace ledger

Ledger::Ledger() : state_(std::make_unique<ledger::State>()) {}
Ledger::~Ledger() = default;

Status Ledger::add_process(const v1::Process& definition, uint16_t* version_id,
                           bool* created) {
  std::unique_lock lock(mutex_);
  return state_->catalog.add(definition, version_id, created);
}

std::shared_ptr<const Process> Ledger::process(std::string_view key) const {
  std::shared_lock lock(mutex_);
  const int id = state_->catalog.find(key);
  return id < 0 ? nullptr : state_->catalog.version_ptr(static_cast<uint16_t>(id));
}

std::vector<std::shared_ptr<const Process>> Ledger::processes() const {
  std::shared_lock lock(mutex_);
  std::vector<std::shared_ptr<const Process>> result;
  for (const auto& key : state_->catalog.keys()) {
    result.push_back(state_->catalog.version_ptr(
        static_cast<uint16_t>(state_->catalog.find(key))));
  }
  return result;
}

AppendResult Ledger::append(const v1::Event& event) {
  const BatchResult result = append(std::span<const v1::Event>(&event, 1));
  return AppendResult{result.outcome(0), result.status(0)};
}

BatchResult Ledger::append(std::span<const v1::Event> events, std::vector<uint32_t>* applied) {
  std::unique_lock lock(mutex_);
  return ledger::append_batch(*state_, ledger::MessageSource(events), applied);
}

BatchResult Ledger::append(const EventColumns& events, std::vector<uint32_t>* applied,
                           const AppendProgress& progress) {
  if (Status s = ledger::check_columns(events); !s) {
    if (applied) applied->clear();
    return BatchResult::all_rejected(events.size, s);
  }
  std::unique_lock lock(mutex_);
  return ledger::append_batch(*state_, ledger::ColumnSource(events), applied, progress);
}

Status Ledger::find_deal(std::string_view key, v1::DealState* out) const {
  out->Clear();
  std::shared_lock lock(mutex_);
  const ledger::State& s = *state_;
  const uint32_t deal = s.deal_keys.find(key);
  if (deal == ledger::Interner::kMissing) {
    return Status(Code::kNotFound, fmt::format("deal {}: unknown deal", key));
  }
  const Process& process = s.catalog.version(s.deals.version[deal]);
  const DealStatus status = s.deals.status[deal];
  out->set_deal(std::string(key));
  out->set_process(process.key());
  out->set_process_version(process.version());
  out->set_status(std::string(deal_status_name(status)));
  out->set_stage(process.stage_key(s.deals.stage[deal]));
  out->set_stage_since(s.deals.stage_since[deal]);
  out->set_opened_at(s.deals.opened_at[deal]);
  if (s.deals.closed_at[deal] != ledger::kNever) out->set_closed_at(s.deals.closed_at[deal]);
  out->set_owner(std::string(s.owners.str(s.deals.owner[deal])));
  out->set_client(std::string(s.clients.str(s.deals.client[deal])));
  out->set_amount(s.deals.amount[deal]);
  const auto codes = s.timelines.codes(deal);
  if (status == DealStatus::kLost) {
    for (auto it = codes.rbegin(); it != codes.rend(); ++it) {
      if (ledger::entry_kind(*it) == ledger::EntryKind::kLost) {
        out->set_lost_reason(std::string(s.reasons.str(ledger::entry_arg(*it))));
        break;
      }
    }
  }
  for (uint32_t key_id = 0; key_id < s.field_keys.size(); ++key_id) {
    if (const uint32_t value = s.field_value(deal, key_id); value != 0) {
      (*out->mutable_fields())[std::string(s.field_keys.str(key_id))] =
          std::string(s.field_values.str(value));
    }
  }
  out->set_events(static_cast<uint32_t>(codes.size()));
  return Status::ok();
}

LedgerStats Ledger::stats() const {
  std::shared_lock lock(mutex_);
  const ledger::State& s = *state_;
  LedgerStats stats;
  stats.deals = s.deals.size();
  stats.events = s.accepted_events;
  stats.latest_event_at = s.latest_at == ledger::kNever ? 0 : s.latest_at;
  const auto& d = s.deals;
  stats.memory_bytes =
      s.deal_keys.memory_bytes() + s.owners.memory_bytes() + s.clients.memory_bytes() +
      s.reasons.memory_bytes() + s.field_keys.memory_bytes() +
      s.field_values.memory_bytes() + s.opened_blocks.memory_bytes() +
      s.timelines.memory_bytes() +
      s.events.memory_bytes() + s.previous_amounts.capacity() * 8 +
      s.field_changes.capacity() * sizeof(ledger::FieldChange) +
      d.version.capacity() * 2 + d.status.capacity() + d.stage.capacity() +
      (d.owner.capacity() + d.client.capacity()) * 4 +
      (d.amount.capacity() + d.opened_at.capacity() + d.stage_since.capacity() +
       d.closed_at.capacity() + d.entered.capacity()) * 8 +
      d.reentries.capacity();
  return stats;
}

}  // namespace voronka
