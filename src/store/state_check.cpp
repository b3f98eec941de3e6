// Consistency checks of a ledger state loaded from a checkpoint.
//
// Checksums catch damage, not a state that a faulty or foreign writer got
// wrong; the ledger indexes arrays with the ids a state holds, so every id is
// checked against the array it indexes before the state is used.
#include <algorithm>
#include <bit>
#include <functional>
#include <vector>
#include <string_view>

#include <fmt/format.h>

#include "ledger/state.hpp"
#include "store/checkpoint.hpp"
#include "store/parallel.hpp"

namespace voronka::store {
namespace {

Status inconsistent(std::string what) {
  return Status(Code::kCorruptStore, "its state is inconsistent: " + std::move(what));
}

// A table of 8-byte slots, 0 meaning empty, probed linearly: a power-of-two
// size with at least one empty slot (or lookups never end), holding exactly
// `size` entries, none of which `invalid(slot)`. The scan is branch-free (a
// checkpoint's tables hold millions of slots); a second pass finds what to
// report.
template <typename Invalid>
Status check_table(const ledger::LargeVector<uint64_t>& slots, size_t size,
                   std::string_view name, Invalid&& invalid) {
  if (slots.empty()) {
    if (size != 0) return inconsistent(fmt::format("{} has {} keys and no table", name, size));
    return Status::ok();
  }
  if (!std::has_single_bit(slots.size()) || size >= slots.size()) {
    return inconsistent(fmt::format("{} has a table of {} slots for {} keys", name,
                                    slots.size(), size));
  }
  size_t used = 0;
  bool bad = false;
  for (uint64_t slot : slots) {
    used += slot != 0;
    bad |= (slot != 0) & invalid(slot);
  }
  if (bad) {
    for (uint64_t slot : slots) {
      if (slot != 0 && invalid(slot)) {
        return inconsistent(fmt::format("{} has a table slot {:#x} that is out of range", name,
                                        slot));
      }
    }
  }
  if (used != size) {
    return inconsistent(fmt::format("{} has {} table entries for {} keys", name, used, size));
  }
  return Status::ok();
}

Status check_deals(const ledger::State& s) {
  const ledger::DealColumns& d = s.deals;
  const size_t deals = d.size();
  const size_t sizes[] = {d.status.size(),      d.stage.size(),     d.owner.size(),
                          d.client.size(),      d.amount.size(),    d.opened_at.size(),
                          d.stage_since.size(), d.closed_at.size(), d.entered.size(),
                          d.reentries.size(),   s.deal_keys.size(), s.timelines.deal_count()};
  for (size_t size : sizes) {
    if (size != deals) {
      return inconsistent(fmt::format("a deal column has {} rows for {} deals", size, deals));
    }
  }
  for (size_t deal = 0; deal < deals; ++deal) {
    if (d.version[deal] >= s.catalog.version_count()) {
      return inconsistent(fmt::format("deal {} has process version {} of {}", deal,
                                      d.version[deal], s.catalog.version_count()));
    }
    const auto status = static_cast<int>(d.status[deal]);
    if (status < static_cast<int>(DealStatus::kOpen) || status > static_cast<int>(DealStatus::kLost)) {
      return inconsistent(fmt::format("deal {} has status {}", deal, status));
    }
    if (d.stage[deal] >= s.catalog.version(d.version[deal]).stage_count() ||
        d.owner[deal] >= s.owners.size() || d.client[deal] >= s.clients.size()) {
      return inconsistent(fmt::format("deal {} has a stage, owner or client out of range", deal));
    }
  }
  return Status::ok();
}

Status check_timelines(const ledger::State& s) {
  const ledger::Timelines& t = s.timelines;
  const auto& at = t.raw_times();
  const auto& code = t.raw_codes();
  const auto& begin = t.raw_begins();
  const auto& size = t.raw_sizes();
  const auto& capacity = t.raw_capacities();
  if (at.size() != code.size() || begin.size() != size.size() ||
      begin.size() != capacity.size()) {
    return inconsistent("the timeline arrays differ in length");
  }
  // One more than the largest valid argument of each entry kind (0 for codes
  // that are no kind): a table lookup per entry, without branches. Only the
  // stages depend on the deal.
  constexpr uint32_t kAny = 0xFFFFFFFFu;  // no argument is out of range
  auto clamp = [](size_t n) { return static_cast<uint32_t>(std::min<size_t>(n, kAny)); };
  uint32_t limits[16] = {};
  limits[static_cast<int>(ledger::EntryKind::kWon)] = clamp(s.previous_amounts.size() + 1);
  limits[static_cast<int>(ledger::EntryKind::kAmountChanged)] = clamp(s.previous_amounts.size());
  limits[static_cast<int>(ledger::EntryKind::kLost)] = clamp(s.reasons.size());
  limits[static_cast<int>(ledger::EntryKind::kOwnerChanged)] = clamp(s.owners.size());
  limits[static_cast<int>(ledger::EntryKind::kFieldSet)] = clamp(s.field_changes.size());
  for (auto kind : {ledger::EntryKind::kFrozen, ledger::EntryKind::kResumed,
                    ledger::EntryKind::kActivity}) {
    limits[static_cast<int>(kind)] = kAny;
  }
  std::vector<uint32_t> stage_counts(s.catalog.version_count());
  for (size_t v = 0; v < stage_counts.size(); ++v) {
    stage_counts[v] =
        static_cast<uint32_t>(s.catalog.version(static_cast<uint16_t>(v)).stage_count());
  }
  for (size_t deal = 0; deal < begin.size(); ++deal) {
    // Every deal has its opened entry; the ledger reads a deal's last entry.
    if (size[deal] == 0 || size[deal] > capacity[deal] ||
        uint64_t{begin[deal]} + capacity[deal] > at.size()) {
      return inconsistent(fmt::format("deal {} has a timeline run out of range", deal));
    }
    limits[static_cast<int>(ledger::EntryKind::kOpened)] = stage_counts[s.deals.version[deal]];
    limits[static_cast<int>(ledger::EntryKind::kEntered)] = stage_counts[s.deals.version[deal]];
    limits[static_cast<int>(ledger::EntryKind::kReopened)] = stage_counts[s.deals.version[deal]];
    bool bad = false;
    for (uint32_t i = begin[deal]; i < begin[deal] + size[deal]; ++i) {
      bad |= ledger::entry_arg(code[i]) >= limits[code[i] & 0xF];
    }
    for (uint32_t i = begin[deal]; bad && i < begin[deal] + size[deal]; ++i) {
      if (ledger::entry_arg(code[i]) >= limits[code[i] & 0xF]) {
        return inconsistent(fmt::format("deal {} has a timeline entry {:#x} out of range", deal,
                                        code[i]));
      }
    }
  }
  return Status::ok();
}

Status check_fields(const ledger::State& s) {
  for (const ledger::FieldChange& change : s.field_changes) {
    if (change.key >= s.field_keys.size() || change.previous >= s.field_values.size()) {
      return inconsistent("a field change is out of range");
    }
  }
  for (const auto& [slot, value] : s.fields) {
    if ((slot >> 32) >= s.deals.size() || (slot & 0xFFFFFFFFu) >= s.field_keys.size() ||
        value == 0 || value >= s.field_values.size()) {
      return inconsistent("a deal field is out of range");
    }
  }
  return Status::ok();
}

// The event index: slots hold [fingerprint:24][ref:40]; a ref with bit 39 set
// points into the arena at a varint length and the id's bytes, any other is
// a number + 1.
Status check_events(const ledger::State& s) {
  const auto& arena = s.events.arena();
  constexpr uint64_t kRefMask = (uint64_t{1} << 40) - 1;
  constexpr uint64_t kArenaFlag = uint64_t{1} << 39;
  auto arena_id_fits = [&arena](uint64_t ref) {
    uint64_t pos = ref & (kArenaFlag - 1);
    uint64_t length = 0;
    for (int shift = 0; shift < 64; shift += 7) {
      if (pos >= arena.size()) return false;
      const auto byte = static_cast<uint8_t>(arena[pos++]);
      length |= uint64_t{byte & 0x7Fu} << shift;
      if ((byte & 0x80u) == 0) return length <= arena.size() - pos;
    }
    return false;
  };
  auto invalid = [&](uint64_t slot) {
    const uint64_t ref = slot & kRefMask;
    if (ref == 0) return true;
    return (ref & kArenaFlag) != 0 && !arena_id_fits(ref);
  };
  Status st = arena.empty()
                  // Numeric ids only (the common case): a branch-free scan.
                  ? check_table(s.events.slots(), s.events.size(), "the event index",
                                [](uint64_t slot) {
                                  const uint64_t ref = slot & kRefMask;
                                  return (ref == 0) | ((ref & kArenaFlag) != 0);
                                })
                  : check_table(s.events.slots(), s.events.size(), "the event index", invalid);
  if (!st) return st;
  if (s.events.size() != s.accepted_events) {
    return inconsistent(fmt::format("the event index holds {} ids for {} accepted events",
                                    s.events.size(), s.accepted_events));
  }
  return Status::ok();
}

Status check_interner(const ledger::Interner& interner, std::string_view name) {
  const auto& ends = interner.ends();
  bool overlap = false;
  for (size_t i = 1; i < ends.size(); ++i) overlap |= ends[i] < ends[i - 1];
  if (overlap) return inconsistent(fmt::format("the {} strings overlap", name));
  const uint64_t last = ends.empty() ? 0 : ends.back();
  if (last != interner.chars().size()) {
    return inconsistent(fmt::format("the {} strings end at {} of {} characters", name, last,
                                    interner.chars().size()));
  }
  const size_t size = ends.size();
  return check_table(interner.table().slots(), interner.table().size(), name,
                     [size](uint64_t slot) {
                       // The low half is the id + 1.
                       return static_cast<uint32_t>(slot) - uint64_t{1} >= size;
                     });
}

}  // namespace

Status check_state(const ledger::State& s, const ledger::Interner* dictionary) {
  for (const ledger::Interner* interner : {&s.owners, &s.clients, &s.reasons, &s.field_values}) {
    if (interner->size() == 0 || !interner->str(0).empty()) {
      return inconsistent("an interner lacks its empty string");
    }
  }
  // The deal columns first: the timelines' check relies on them.
  if (Status st = check_deals(s); !st) return st;
  // The largest checks first, so that the two threads finish together.
  const std::vector<std::function<Status()>> checks = {
      [&] { return check_timelines(s); },
      [&] { return check_events(s); },
      [&] { return check_interner(s.deal_keys, "deal key"); },
      [&] { return dictionary ? check_interner(*dictionary, "dictionary") : Status::ok(); },
      [&] { return check_interner(s.clients, "client"); },
      [&] { return check_interner(s.owners, "owner"); },
      [&] { return check_interner(s.reasons, "reason"); },
      [&] { return check_interner(s.field_keys, "field key"); },
      [&] { return check_interner(s.field_values, "field value"); },
      [&] { return check_fields(s); },
  };
  return run_on_two_threads(checks.size(), [&](size_t i, int) { return checks[i](); });
}

}  // namespace voronka::store
