#include "store/text_limit.hpp"

#include <span>

#include <fmt/format.h>

namespace voronka::store {
namespace {

// Copies the kept rows of a column (a span or a TextColumn) into `to`, and
// points `out` at them.
template <typename Column, typename T>
void pick(const Column& from, const std::vector<uint32_t>& keep, std::vector<T>* to,
          Column* out) {
  if (from.empty()) return;
  for (uint32_t row : keep) to->push_back(from[row]);
  *out = *to;
}

}  // namespace

size_t text_bytes(const ledger::EventView& e) {
  size_t bytes = e.event_id.size() + e.deal.size() + e.process.size() + e.stage.size() +
                 e.owner.size() + e.client.size() + e.reason.size() + e.field.size() +
                 e.value.size();
  if (e.opened_fields != nullptr) {
    for (const auto& [key, value] : *e.opened_fields) bytes += key.size() + value.size();
  }
  return bytes;
}

size_t row_text_bytes(const EventColumns& c, size_t row) {
  size_t bytes = 0;
  for (const auto* column : {&c.event_id, &c.deal, &c.process, &c.stage, &c.owner, &c.client,
                             &c.reason, &c.field, &c.value}) {
    if (!column->empty()) bytes += (*column)[row].size();
  }
  return bytes;
}

bool columns_consistent(const EventColumns& c) {
  for (size_t rows : {c.event_id.size(), c.deal.size(), c.at.size(), c.kind.size(),
                      c.process.size(), c.stage.size(), c.amount.size(), c.owner.size(),
                      c.client.size(), c.reason.size(), c.field.size(), c.value.size(),
                      c.activity.size()}) {
    if (rows != 0 && rows != c.size) return false;
  }
  return true;
}

Status too_long(const ledger::EventView& e, size_t bytes) {
  return Status(Code::kLimitExceeded,
                fmt::format("deal {}: event {} holds {} bytes of text, more than the {} bytes "
                            "a stored event may hold",
                            e.deal.substr(0, 100), e.event_id.substr(0, 100), bytes,
                            Store::kMaxEventTextBytes));
}

KeptColumns::KeptColumns(const EventColumns& c, const std::vector<uint32_t>& keep) {
  columns_.size = keep.size();
  pick(c.event_id, keep, &texts_[0], &columns_.event_id);
  pick(c.deal, keep, &texts_[1], &columns_.deal);
  pick(c.process, keep, &texts_[2], &columns_.process);
  pick(c.stage, keep, &texts_[3], &columns_.stage);
  pick(c.owner, keep, &texts_[4], &columns_.owner);
  pick(c.client, keep, &texts_[5], &columns_.client);
  pick(c.reason, keep, &texts_[6], &columns_.reason);
  pick(c.field, keep, &texts_[7], &columns_.field);
  pick(c.value, keep, &texts_[8], &columns_.value);
  pick(c.activity, keep, &texts_[9], &columns_.activity);
  pick(c.at, keep, &at_, &columns_.at);
  pick(c.amount, keep, &amount_, &columns_.amount);
  pick(c.kind, keep, &kind_, &columns_.kind);
}

}  // namespace voronka::store
