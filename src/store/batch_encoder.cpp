#include "store/batch_encoder.hpp"

#include <algorithm>
#include <cstring>
#include <utility>
#include <vector>

#include <fmt/format.h>

#include "store/event_id.hpp"

namespace voronka::store {
namespace {

// Differences are taken modulo 2^64, so any two times have one.
int64_t difference(int64_t value, int64_t base) {
  return static_cast<int64_t>(static_cast<uint64_t>(value) - static_cast<uint64_t>(base));
}

}  // namespace

BatchEncoder::BatchEncoder(Dictionary* dictionary)
    : dictionary_(dictionary), batch_(record_.mutable_events()) {}

Status BatchEncoder::entry(std::string_view text, uint32_t* id, bool remember) {
  const uint64_t hash = ledger::hash_bytes(text);
  Recent& recent = recent_[hash % recent_.size()];
  if (recent.hash == hash && recent.id != Dictionary::kMissing &&
      std::string_view(recent.text, recent.size) == text) {
    *id = recent.id;
    return Status::ok();
  }
  *id = dictionary_->find(text, hash);
  if (*id == Dictionary::kMissing) {
    *id = dictionary_->add(text, hash);
    if (*id == Dictionary::kMissing) {
      return Status(Code::kLimitExceeded,
                    fmt::format("the store's dictionary holds the most strings it can ({})",
                                dictionary_->size()));
    }
    batch_->add_strings(text.data(), text.size());
    estimated_bytes_ += text.size() + 2;
  }
  if (remember && text.size() <= sizeof(recent.text)) {
    recent.hash = hash;
    recent.id = *id;
    recent.size = static_cast<uint8_t>(text.size());
    if (!text.empty()) std::memcpy(recent.text, text.data(), text.size());
  }
  return Status::ok();
}

void BatchEncoder::prefetch(const ledger::EventView& e) const {
  const uint64_t deal = ledger::hash_bytes(e.deal);
  dictionary_->interner().prefetch(deal);
  if (e.kind == EventKind::kOpened) {
    for (std::string_view text : {e.owner, e.client}) {
      const uint64_t hash = ledger::hash_bytes(text);
      __builtin_prefetch(&recent_[hash % recent_.size()]);
      dictionary_->interner().prefetch(hash);
    }
  }
}

Status BatchEncoder::ref(std::string_view text) {
  uint32_t id;
  if (Status s = entry(text, &id, true); !s) return s;
  batch_->add_refs(id);
  return Status::ok();
}

Status BatchEncoder::add(const ledger::EventView& e) {
  uint8_t kind = static_cast<uint8_t>(e.kind);

  uint64_t number;
  if (parse_numeric_id(e.event_id, &number)) {
    batch_->add_ids(static_cast<int64_t>(number - previous_id_ - 1));
    previous_id_ = number;
  } else {
    kind |= kTextId;
    batch_->add_text_ids(e.event_id.data(), e.event_id.size());
    estimated_bytes_ += e.event_id.size();
  }

  if (events_ == 0 || e.deal != previous_deal_) {
    kind |= kNewDeal;
    uint32_t deal;
    if (Status s = entry(e.deal, &deal, false); !s) return s;  // deals rarely repeat
    batch_->add_deals(deal);
    batch_->add_times(difference(e.at, run_start_at_));
    run_start_at_ = e.at;
    previous_deal_ = e.deal;
  } else {
    batch_->add_times(difference(e.at, previous_at_));
  }
  previous_at_ = e.at;

  Status s;
  switch (e.kind) {
    case EventKind::kOpened: {
      for (std::string_view text : {e.process, e.owner, e.client, e.stage}) {
        if (s = ref(text); !s) return s;
      }
      batch_->add_amounts(e.amount == kNoAmount ? 0 : e.amount);
      // Fields in key order, so equal events make equal files.
      std::vector<std::pair<std::string_view, std::string_view>> fields;
      if (e.opened_fields != nullptr) {
        for (const auto& [key, value] : *e.opened_fields) fields.emplace_back(key, value);
        std::sort(fields.begin(), fields.end());
      } else if (!e.field.empty()) {
        fields.emplace_back(e.field, e.value);
      }
      if (!fields.empty()) {
        kind |= kHasFields;
        batch_->add_field_counts(static_cast<uint32_t>(fields.size()));
        for (const auto& [key, value] : fields) {
          if (s = ref(key); !s) return s;
          if (s = ref(value); !s) return s;
        }
      }
      break;
    }
    case EventKind::kEntered:
    case EventKind::kReopened:
      s = ref(e.stage);
      break;
    case EventKind::kLost:
      s = ref(e.reason);
      break;
    case EventKind::kOwnerChanged:
      s = ref(e.owner);
      break;
    case EventKind::kFieldSet:
      if (s = ref(e.field); !s) return s;
      s = ref(e.value);
      break;
    case EventKind::kWon:
      if (e.amount != kNoAmount) {
        kind |= kHasAmount;
        batch_->add_amounts(e.amount);
      }
      break;
    case EventKind::kAmountChanged:
      batch_->add_amounts(e.amount);
      break;
    case EventKind::kActivity:
      batch_->add_activities(static_cast<int32_t>(e.activity));
      break;
    case EventKind::kFrozen:
    case EventKind::kResumed:
      break;
  }
  if (!s) return s;
  batch_->mutable_kinds()->push_back(static_cast<char>(kind));
  ++events_;
  estimated_bytes_ += 12;
  return Status::ok();
}

void BatchEncoder::finish(std::string* payload) {
  payload->clear();
  record_.SerializeToString(payload);
  batch_->Clear();
  events_ = 0;
  estimated_bytes_ = 0;
  previous_id_ = 0;
  previous_deal_ = {};
  previous_at_ = 0;
  run_start_at_ = 0;
}

}  // namespace voronka::store
