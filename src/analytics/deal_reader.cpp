#include "analytics/deal_reader.hpp"

#include <algorithm>

namespace voronka::analytics {

using ledger::EntryKind;
using ledger::entry_arg;
using ledger::entry_kind;

DealAt DealReader::replay(uint32_t deal) const {
  const ledger::DealColumns& d = s_.deals;
  DealAt a;
  a.amount = d.amount[deal];
  a.owner = d.owner[deal];
  a.client = d.client[deal];

  const auto times = s_.timelines.times(deal);
  const auto codes = s_.timelines.codes(deal);
  size_t i = 0;
  for (; i < times.size() && times[i] <= as_of_; ++i) {
    const auto arg = entry_arg(codes[i]);
    auto enter = [&](int stage) {
      const StageMask bit = StageMask{1} << stage;
      a.reentered |= (a.entered & bit) != 0;
      a.entered |= bit;
      a.stage = stage;
      a.since = times[i];
    };
    switch (entry_kind(codes[i])) {
      case EntryKind::kOpened:
        a.status = DealStatus::kOpen;
        enter(static_cast<int>(arg));
        break;
      case EntryKind::kEntered:
        enter(static_cast<int>(arg));
        break;
      case EntryKind::kWon:
        a.status = DealStatus::kWon;
        a.closed_at = times[i];
        break;
      case EntryKind::kLost:
        a.status = DealStatus::kLost;
        a.closed_at = times[i];
        break;
      case EntryKind::kFrozen:
        a.status = DealStatus::kFrozen;
        break;
      case EntryKind::kResumed:
        a.status = DealStatus::kOpen;
        break;
      case EntryKind::kReopened: {
        const bool continues = a.status == DealStatus::kFrozen && static_cast<int>(arg) == a.stage;
        a.status = DealStatus::kOpen;
        a.closed_at = kNever;
        if (!continues) enter(static_cast<int>(arg));
        break;
      }
      default:
        break;
    }
  }
  // Wind amount and owner back through the changes after as_of.
  for (size_t j = times.size(); j-- > i;) {
    const auto arg = entry_arg(codes[j]);
    switch (entry_kind(codes[j])) {
      case EntryKind::kAmountChanged:
        a.amount = s_.previous_amounts[arg];
        break;
      case EntryKind::kWon:
        if (arg != 0) a.amount = s_.previous_amounts[arg - 1];
        break;
      case EntryKind::kOwnerChanged:
        a.owner = arg;
        break;
      default:
        break;
    }
  }
  return a;
}

int64_t DealReader::last_change(uint32_t deal) const {
  if (current(deal)) return s_.timelines.last_time(deal);
  const auto times = s_.timelines.times(deal);
  // A deal's entries are in time order.
  const auto end = std::upper_bound(times.begin(), times.end(), as_of_);
  return end == times.begin() ? kNever : *(end - 1);
}

uint32_t DealReader::field(uint32_t deal, uint32_t key) const {
  uint32_t value = s_.field_value(deal, key);
  if (current(deal)) return value;
  const auto times = s_.timelines.times(deal);
  const auto codes = s_.timelines.codes(deal);
  for (size_t j = times.size(); j-- > 0 && times[j] > as_of_;) {
    if (entry_kind(codes[j]) != EntryKind::kFieldSet) continue;
    const ledger::FieldChange& change = s_.field_changes[entry_arg(codes[j])];
    if (change.key == key) value = change.previous;
  }
  return value;
}

uint32_t DealReader::lost_reason(uint32_t deal) const {
  const auto times = s_.timelines.times(deal);
  const auto codes = s_.timelines.codes(deal);
  for (size_t j = times.size(); j-- > 0;) {
    if (times[j] <= as_of_ && entry_kind(codes[j]) == EntryKind::kLost) return entry_arg(codes[j]);
  }
  return 0;
}

}  // namespace voronka::analytics
