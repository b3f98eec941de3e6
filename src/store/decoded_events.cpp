#include "store/decoded_events.hpp"

#include <cstring>
#include <string>

#include <fmt/format.h>

#include "store/batch_encoder.hpp"
#include "store/event_id.hpp"

namespace voronka::store {
namespace {

Status malformed(std::string what) { return Status(Code::kCorruptStore, std::move(what)); }

// Sums modulo 2^64, the inverse of the encoder's differences.
int64_t add_difference(int64_t base, int64_t difference) {
  return static_cast<int64_t>(static_cast<uint64_t>(base) + static_cast<uint64_t>(difference));
}

// How many entries of each column a batch's kinds call for.
struct ColumnCounts {
  size_t ids = 0, text_ids = 0, deals = 0, refs = 0, amounts = 0, field_counts = 0,
         activities = 0;
};

Status count_columns(const std::string& kinds, ColumnCounts* counts) {
  for (size_t i = 0; i < kinds.size(); ++i) {
    const auto byte = static_cast<uint8_t>(kinds[i]);
    const int kind = byte & kKindMask;
    if (kind < 1 || kind > kEventKindCount) {
      return malformed(fmt::format("event {} has kind {}, which is no event kind", i, kind));
    }
    if (i == 0 && !(byte & kNewDeal)) {
      return malformed("the first event does not name its deal");
    }
    if ((byte & kHasAmount) && kind != static_cast<int>(EventKind::kWon)) {
      return malformed(fmt::format("event {} ({}) has the amount flag, which only won events have",
                                   i, event_kind_name(static_cast<EventKind>(kind))));
    }
    if ((byte & kHasFields) && kind != static_cast<int>(EventKind::kOpened)) {
      return malformed(fmt::format("event {} ({}) has the fields flag, which only opened events "
                                   "have",
                                   i, event_kind_name(static_cast<EventKind>(kind))));
    }
    ++((byte & kTextId) ? counts->text_ids : counts->ids);
    counts->deals += (byte & kNewDeal) != 0;
    switch (static_cast<EventKind>(kind)) {
      case EventKind::kOpened:
        counts->refs += 4;
        ++counts->amounts;
        counts->field_counts += (byte & kHasFields) != 0;
        break;
      case EventKind::kEntered:
      case EventKind::kReopened:
      case EventKind::kLost:
      case EventKind::kOwnerChanged:
        ++counts->refs;
        break;
      case EventKind::kFieldSet:
        counts->refs += 2;
        break;
      case EventKind::kWon:
        counts->amounts += (byte & kHasAmount) != 0;
        break;
      case EventKind::kAmountChanged:
        ++counts->amounts;
        break;
      case EventKind::kActivity:
        ++counts->activities;
        break;
      case EventKind::kFrozen:
      case EventKind::kResumed:
        break;
    }
  }
  return Status::ok();
}

Status check_count(std::string_view column, int have, size_t expected) {
  if (static_cast<size_t>(have) == expected) return Status::ok();
  return malformed(fmt::format("the batch has {} {} where its events call for {}", have, column,
                               expected));
}

}  // namespace

char* DecodedEvents::Arena::allocate(size_t size) {
  if (size > kChunk / 4) return large_.emplace_back(std::make_unique<char[]>(size)).get();
  if (chunks_.empty() || used_ + size > kChunk) {
    chunks_.push_back(std::make_unique<char[]>(kChunk));
    used_ = 0;
  }
  char* p = chunks_.back().get() + used_;
  used_ += size;
  return p;
}

void DecodedEvents::Arena::clear() {
  if (chunks_.size() > 1) chunks_.resize(1);
  large_.clear();
  used_ = 0;
}

void DecodedEvents::clear() {
  kind_.clear();
  at_.clear();
  amount_.clear();
  for (auto* column : {&id_, &deal_, &process_, &stage_, &owner_, &client_, &reason_, &field_,
                       &value_, &activity_}) {
    column->clear();
  }
  activity_kind_.clear();
  fields_.clear();
  field_runs_.clear();
  arena_.clear();
  opened_ = 0;
  needs_messages_ = false;
}

Status DecodedEvents::decode(const v1::EventBatch& b, Dictionary* dictionary) {
  const std::string& kinds = b.kinds();
  const size_t n = kinds.size();
  if (n == 0) return malformed("the batch holds no events");

  // Every check comes before the first change.
  ColumnCounts counts;
  if (Status s = count_columns(kinds, &counts); !s) return s;
  for (Status s : {check_count("numeric ids", b.ids_size(), counts.ids),
                   check_count("text ids", b.text_ids_size(), counts.text_ids),
                   check_count("deals", b.deals_size(), counts.deals),
                   check_count("times", b.times_size(), n),
                   check_count("amounts", b.amounts_size(), counts.amounts),
                   check_count("field counts", b.field_counts_size(), counts.field_counts),
                   check_count("activities", b.activities_size(), counts.activities)}) {
    if (!s) return s;
  }
  for (uint32_t fields : b.field_counts()) {
    if (fields > static_cast<size_t>(b.refs_size())) {
      return malformed(fmt::format("an opened event claims {} fields; the batch has {} strings",
                                   fields, b.refs_size()));
    }
    counts.refs += 2 * size_t{fields};
  }
  if (Status s = check_count("string references", b.refs_size(), counts.refs); !s) return s;

  size_t new_bytes = 0;
  for (const std::string& text : b.strings()) new_bytes += text.size();
  const ledger::Interner& strings = dictionary->interner();
  if (strings.chars().size() + new_bytes > ledger::Interner::kMaxBytes ||
      strings.size() + b.strings_size() >= Dictionary::kMissing - 1) {
    return malformed(fmt::format("the batch adds {} strings of {} bytes to a dictionary of {}, "
                                 "more than it can hold",
                                 b.strings_size(), new_bytes, strings.size()));
  }
  const size_t entries = dictionary->size() + b.strings_size();
  auto check_entries = [entries](std::string_view column,
                                 const google::protobuf::RepeatedField<uint32_t>& values) {
    for (uint32_t entry : values) {
      if (entry >= entries) {
        return malformed(fmt::format("a {} refers to dictionary entry {}; the dictionary has {}",
                                     column, entry, entries));
      }
    }
    return Status::ok();
  };
  if (Status s = check_entries("deal", b.deals()); !s) return s;
  if (Status s = check_entries("string", b.refs()); !s) return s;

  for (const std::string& text : b.strings()) dictionary->add(text);

  const size_t old_size = size();
  for (auto* column : {&id_, &deal_, &process_, &stage_, &owner_, &client_, &reason_, &field_,
                       &value_, &activity_}) {
    column->resize(old_size + n);
  }
  kind_.resize(old_size + n);
  at_.resize(old_size + n);
  amount_.resize(old_size + n, kNoAmount);
  activity_kind_.resize(old_size + n);

  size_t next_id = 0, next_text_id = 0, next_deal = 0, next_ref = 0, next_amount = 0,
         next_field_count = 0, next_activity = 0;
  auto text = [&] { return dictionary->str(b.refs(static_cast<int>(next_ref++))); };
  uint64_t previous_id = 0;
  int64_t previous_at = 0, run_start_at = 0;
  std::string_view deal;
  for (size_t k = 0; k < n; ++k) {
    const size_t i = old_size + k;
    const auto byte = static_cast<uint8_t>(kinds[k]);
    const auto kind = static_cast<EventKind>(byte & kKindMask);
    kind_[i] = kind;

    if (byte & kTextId) {
      const std::string& id = b.text_ids(static_cast<int>(next_text_id++));
      char* p = arena_.allocate(id.size());
      std::memcpy(p, id.data(), id.size());
      id_[i] = std::string_view(p, id.size());
    } else {
      previous_id += 1 + static_cast<uint64_t>(b.ids(static_cast<int>(next_id++)));
      char* p = arena_.allocate(20);
      id_[i] = std::string_view(p, static_cast<size_t>(format_numeric_id(previous_id, p) - p));
    }

    const int64_t difference = b.times(static_cast<int>(k));
    if (byte & kNewDeal) {
      deal = dictionary->str(b.deals(static_cast<int>(next_deal++)));
      run_start_at = add_difference(run_start_at, difference);
      previous_at = run_start_at;
    } else {
      previous_at = add_difference(previous_at, difference);
    }
    deal_[i] = deal;
    at_[i] = previous_at;

    switch (kind) {
      case EventKind::kOpened: {
        ++opened_;
        process_[i] = text();
        owner_[i] = text();
        client_[i] = text();
        stage_[i] = text();
        amount_[i] = b.amounts(static_cast<int>(next_amount++));
        if (byte & kHasFields) {
          const uint32_t count = b.field_counts(static_cast<int>(next_field_count++));
          field_runs_.push_back(FieldRun{static_cast<uint32_t>(i),
                                         static_cast<uint32_t>(fields_.size()), count});
          for (uint32_t f = 0; f < count; ++f) {
            const std::string_view key = text();
            fields_.emplace_back(key, text());
          }
          if (count == 1 && !fields_.back().first.empty()) {
            field_[i] = fields_.back().first;
            value_[i] = fields_.back().second;
          } else {
            needs_messages_ = true;
          }
        }
        break;
      }
      case EventKind::kEntered:
      case EventKind::kReopened:
        stage_[i] = text();
        break;
      case EventKind::kLost:
        reason_[i] = text();
        break;
      case EventKind::kOwnerChanged:
        owner_[i] = text();
        break;
      case EventKind::kFieldSet:
        field_[i] = text();
        value_[i] = text();
        break;
      case EventKind::kWon:
        if (byte & kHasAmount) amount_[i] = b.amounts(static_cast<int>(next_amount++));
        break;
      case EventKind::kAmountChanged:
        amount_[i] = b.amounts(static_cast<int>(next_amount++));
        break;
      case EventKind::kActivity: {
        const int32_t activity = b.activities(static_cast<int>(next_activity++));
        activity_kind_[i] = activity;
        if (v1::Activity::Kind_IsValid(activity)) {
          activity_[i] = activity_name(static_cast<v1::Activity::Kind>(activity));
        } else {
          needs_messages_ = true;
        }
        break;
      }
      case EventKind::kFrozen:
      case EventKind::kResumed:
        break;
    }
  }
  return Status::ok();
}

EventColumns DecodedEvents::columns() const {
  EventColumns c;
  c.size = size();
  c.event_id = id_;
  c.deal = deal_;
  c.at = at_;
  c.kind = kind_;
  c.process = process_;
  c.stage = stage_;
  c.amount = amount_;
  c.owner = owner_;
  c.client = client_;
  c.reason = reason_;
  c.field = field_;
  c.value = value_;
  c.activity = activity_;
  return c;
}

std::vector<v1::Event> DecodedEvents::messages() const {
  std::vector<v1::Event> events(size());
  size_t next_run = 0;
  for (size_t i = 0; i < size(); ++i) {
    v1::Event& e = events[i];
    e.set_event_id(std::string(id_[i]));
    e.set_deal(std::string(deal_[i]));
    e.set_at(at_[i]);
    switch (kind_[i]) {
      case EventKind::kOpened: {
        auto* opened = e.mutable_opened();
        opened->set_process(std::string(process_[i]));
        opened->set_owner(std::string(owner_[i]));
        opened->set_client(std::string(client_[i]));
        opened->set_amount(amount_[i]);
        opened->set_stage(std::string(stage_[i]));
        if (next_run < field_runs_.size() && field_runs_[next_run].event == i) {
          const FieldRun& run = field_runs_[next_run++];
          for (uint32_t f = 0; f < run.count; ++f) {
            const auto& [key, value] = fields_[run.begin + f];
            (*opened->mutable_fields())[std::string(key)] = std::string(value);
          }
        }
        break;
      }
      case EventKind::kEntered: e.mutable_entered()->set_stage(std::string(stage_[i])); break;
      case EventKind::kWon:
        e.mutable_won();
        if (amount_[i] != kNoAmount) e.mutable_won()->set_amount(amount_[i]);
        break;
      case EventKind::kLost: e.mutable_lost()->set_reason(std::string(reason_[i])); break;
      case EventKind::kFrozen: e.mutable_frozen(); break;
      case EventKind::kResumed: e.mutable_resumed(); break;
      case EventKind::kReopened: e.mutable_reopened()->set_stage(std::string(stage_[i])); break;
      case EventKind::kAmountChanged: e.mutable_amount_changed()->set_amount(amount_[i]); break;
      case EventKind::kOwnerChanged:
        e.mutable_owner_changed()->set_owner(std::string(owner_[i]));
        break;
      case EventKind::kFieldSet:
        e.mutable_field_set()->set_key(std::string(field_[i]));
        e.mutable_field_set()->set_value(std::string(value_[i]));
        break;
      case EventKind::kActivity:
        e.mutable_activity()->set_kind(static_cast<v1::Activity::Kind>(activity_kind_[i]));
        break;
    }
  }
  return events;
}

}  // namespace voronka::store
