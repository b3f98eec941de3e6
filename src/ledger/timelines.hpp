// Per-deal timelines: every recorded change of every deal, as columns.
//
// A deal's entries sit contiguously in two shared arrays (time and code), so
// a report walks a deal's history in one sequential read. Appends to the deal
// whose run ends the arrays extend it in place (a bulk import grouped by deal
// never moves anything); an append to any other deal whose run is full moves
// the run to the end with doubled capacity. Abandoned runs are reclaimed by a
// compaction once they outweigh live entries, so appends cost amortised O(1)
// and memory stays within a small factor of the live entries.
#ifndef VORONKA_LEDGER_TIMELINES_HPP_
#define VORONKA_LEDGER_TIMELINES_HPP_

#include <cstdint>
#include <span>
#include <vector>

#include "ledger/large_vector.hpp"

namespace voronka::ledger {

// What an entry records; the values are those of EventKind.
enum class EntryKind : uint8_t {
  kOpened = 1,         // arg: the stage entered
  kEntered = 2,        // arg: the stage entered
  kWon = 3,            // arg: 0, or 1 + index of the previous amount (final amount set)
  kLost = 4,           // arg: the reason id
  kFrozen = 5,         // arg: 0
  kResumed = 6,        // arg: 0
  kReopened = 7,       // arg: the stage entered
  kAmountChanged = 8,  // arg: index of the previous amount
  kOwnerChanged = 9,   // arg: the previous owner id
  kFieldSet = 10,      // arg: index of the field change (key, previous value)
  kActivity = 11,      // arg: the activity kind
};

// An entry code packs the kind (low 4 bits) and an argument (28 bits).
inline constexpr uint32_t kMaxEntryArg = (uint32_t{1} << 28) - 1;
inline uint32_t entry_code(EntryKind kind, uint32_t arg) {
  return static_cast<uint32_t>(kind) | (arg << 4);
}
inline EntryKind entry_kind(uint32_t code) { return static_cast<EntryKind>(code & 0xF); }
inline uint32_t entry_arg(uint32_t code) { return code >> 4; }

class Timelines {
 public:
  // The most entries the arrays can address.
  static constexpr size_t kMaxEntries = 0xFFFFFFFFu;

  void add_deal() {
    begin_.push_back(0);
    size_.push_back(0);
    capacity_.push_back(0);
  }
  size_t deal_count() const { return begin_.size(); }

  // Makes room for `entries` more entries and `deals` more deals.
  void reserve(size_t entries, size_t deals);

  // Whether one more entry fits.
  bool has_room() const { return live_ < kMaxEntries / 2; }
  void append(uint32_t deal, int64_t at, uint32_t code);

  std::span<const int64_t> times(uint32_t deal) const {
    return {at_.data() + begin_[deal], size_[deal]};
  }
  std::span<const uint32_t> codes(uint32_t deal) const {
    return {code_.data() + begin_[deal], size_[deal]};
  }
  uint32_t size(uint32_t deal) const { return size_[deal]; }
  int64_t last_time(uint32_t deal) const { return at_[begin_[deal] + size_[deal] - 1]; }

  size_t live_entries() const { return live_; }
  size_t memory_bytes() const {
    return at_.capacity() * 8 + code_.capacity() * 4 +
           (begin_.capacity() + size_.capacity() + capacity_.capacity()) * 4;
  }

  // Rewrites every run contiguously in deal order, without spare capacity.
  void compact();

  // Raw parts, for checkpoints.
  const LargeVector<int64_t>& raw_times() const { return at_; }
  const LargeVector<uint32_t>& raw_codes() const { return code_; }
  const LargeVector<uint32_t>& raw_begins() const { return begin_; }
  const LargeVector<uint32_t>& raw_sizes() const { return size_; }
  const LargeVector<uint32_t>& raw_capacities() const { return capacity_; }
  // Replaces every part (the caller vouches for their consistency); the live
  // entries are the sum of the sizes.
  void assign(LargeVector<int64_t> at, LargeVector<uint32_t> code, LargeVector<uint32_t> begin,
              LargeVector<uint32_t> size, LargeVector<uint32_t> capacity);

 private:
  void relocate(uint32_t deal, uint32_t capacity);

  LargeVector<int64_t> at_;
  LargeVector<uint32_t> code_;
  LargeVector<uint32_t> begin_, size_, capacity_;  // per deal
  size_t live_ = 0;
};

}  // namespace voronka::ledger

#endif  // VORONKA_LEDGER_TIMELINES_HPP_
