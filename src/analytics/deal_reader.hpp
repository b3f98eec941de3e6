// Deals as of a time.
//
// A report counts only events at or before its `as_of` time. A deal whose
// last event is not later is read straight from the ledger's columns; any
// other deal is rebuilt from its timeline: the state machine's effects are
// replayed forward to `as_of`, and amount, owner and fields are wound back
// from their current values through the changes after it (each change entry
// keeps the value it replaced).
#ifndef VORONKA_ANALYTICS_DEAL_READER_HPP_
#define VORONKA_ANALYTICS_DEAL_READER_HPP_

#include <algorithm>
#include <cstdint>

#include "ledger/state.hpp"

namespace voronka::analytics {

using ledger::kNever;

struct DealAt {
  DealStatus status = DealStatus::kOpen;
  int stage = 0;              // current stage; for closed deals the stage closed at
  int64_t since = 0;          // when the current visit began
  int64_t closed_at = kNever; // when won or lost
  int64_t amount = 0;
  uint32_t owner = 0;
  uint32_t client = 0;
  StageMask entered = 0;      // stages the deal has been in
  bool reentered = false;     // entered some stage more than once
};

class DealReader {
 public:
  DealReader(const ledger::State& state, int64_t as_of)
      : s_(state), as_of_(as_of), all_current_(as_of >= state.latest_at) {}

  const ledger::State& state() const { return s_; }
  int64_t as_of() const { return as_of_; }
  const Process& process(uint32_t deal) const {
    return s_.catalog.version(s_.deals.version[deal]);
  }

  // Whether the deal was opened by as_of.
  bool exists(uint32_t deal) const { return s_.deals.opened_at[deal] <= as_of_; }
  // Whether the deal's columns are its state as of as_of.
  bool current(uint32_t deal) const {
    return all_current_ || s_.timelines.last_time(deal) <= as_of_;
  }

  // The deal as of as_of; it must exist.
  DealAt at(uint32_t deal) const {
    if (!current(deal)) return replay(deal);
    const ledger::DealColumns& d = s_.deals;
    DealAt a;
    a.amount = d.amount[deal];
    a.owner = d.owner[deal];
    a.client = d.client[deal];
    a.status = d.status[deal];
    a.stage = d.stage[deal];
    a.since = d.stage_since[deal];
    a.closed_at = d.closed_at[deal];
    a.entered = d.entered[deal];
    a.reentered = d.reentries[deal] != 0;
    return a;
  }
  // When the deal last changed (its last recorded event) as of as_of.
  int64_t last_change(uint32_t deal) const;
  // A field's value id as of as_of (0 = unset).
  uint32_t field(uint32_t deal, uint32_t key) const;
  // The reason of a deal lost as of as_of.
  uint32_t lost_reason(uint32_t deal) const;

  // Calls fn(stage, start, end) for each visit of a stage up to as_of, in
  // time order; `end` is kNever for the visit still going on. A visit ends
  // when the deal enters another stage, wins or is lost; freezing does not
  // end it.
  template <typename Fn>
  void for_each_visit(uint32_t deal, Fn&& fn) const;

 private:
  // A deal with events after as_of, rebuilt from its timeline.
  DealAt replay(uint32_t deal) const;

  const ledger::State& s_;
  int64_t as_of_;
  bool all_current_;
};

template <typename Fn>
void DealReader::for_each_visit(uint32_t deal, Fn&& fn) const {
  using ledger::EntryKind;
  const auto times = s_.timelines.times(deal);
  const auto codes = s_.timelines.codes(deal);
  // Entries after as_of do not count; a deal's entries are in time order.
  const size_t n = current(deal)
                       ? times.size()
                       : static_cast<size_t>(std::upper_bound(times.begin(), times.end(), as_of_) -
                                             times.begin());
  int stage = -1;
  int64_t start = 0;
  bool frozen = false;
  // Kinds tested by bit sets: a stage entry or an outcome (nearly every
  // entry) takes two predictable branches, where a chain of comparisons
  // mispredicted at every change of kind.
  constexpr auto bit = [](EntryKind kind) { return uint32_t{1} << static_cast<int>(kind); };
  constexpr uint32_t kEnters = bit(EntryKind::kEntered) | bit(EntryKind::kOpened);
  constexpr uint32_t kEndsVisit = kEnters | bit(EntryKind::kWon) | bit(EntryKind::kLost);
  constexpr uint32_t kFreezing =
      bit(EntryKind::kFrozen) | bit(EntryKind::kResumed) | bit(EntryKind::kReopened);
  for (size_t i = 0; i < n; ++i) {
    const uint32_t kind = bit(ledger::entry_kind(codes[i]));
    if ((kind & kEndsVisit) != 0) {
      if (stage >= 0) fn(stage, start, times[i]);
      const bool enters = (kind & kEnters) != 0;
      stage = enters ? static_cast<int>(ledger::entry_arg(codes[i])) : -1;
      start = times[i];
      frozen = frozen && enters;  // an outcome ends a freeze
    } else if ((kind & kFreezing) != 0) {
      if (kind == bit(EntryKind::kFrozen)) {
        frozen = true;
      } else if (kind == bit(EntryKind::kResumed)) {
        frozen = false;
      } else {  // reopened
        const auto arg = static_cast<int>(ledger::entry_arg(codes[i]));
        if (frozen && arg == stage) {
          frozen = false;  // the visit goes on
          continue;
        }
        if (stage >= 0 && frozen) fn(stage, start, times[i]);
        frozen = false;
        stage = arg;
        start = times[i];
      }
    }
  }
  if (stage >= 0) fn(stage, start, kNever);
}

}  // namespace voronka::analytics

#endif  // VORONKA_ANALYTICS_DEAL_READER_HPP_
