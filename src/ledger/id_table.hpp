// An open-addressing hash table from keys to dense 32-bit ids.
//
// The table stores no keys: each 8-byte slot holds 32 bits of the key's hash
// and id + 1, and the caller compares candidate ids against its own key
// storage. That keeps an index over millions of deal keys at a few bytes per
// key, which std::unordered_map (a node of 40+ bytes per key) cannot.
#ifndef VORONKA_LEDGER_ID_TABLE_HPP_
#define VORONKA_LEDGER_ID_TABLE_HPP_

#include <cstdint>
#include <limits>
#include <vector>

#include "ledger/large_vector.hpp"

namespace voronka::ledger {

class IdTable {
 public:
  static constexpr uint32_t kMissing = std::numeric_limits<uint32_t>::max();

  // The id whose key hashes to `hash` and satisfies `equals(id)`, or kMissing.
  template <typename Equals>
  uint32_t find(uint64_t hash, Equals&& equals) const {
    if (slots_.empty()) return kMissing;
    const uint32_t tag = tag_of(hash);
    for (size_t i = tag & mask_;; i = (i + 1) & mask_) {
      const uint64_t slot = slots_[i];
      if (slot == 0) return kMissing;
      if (static_cast<uint32_t>(slot >> 32) == tag) {
        const auto id = static_cast<uint32_t>(slot) - 1;
        if (equals(id)) return id;
      }
    }
  }

  // Adds an id for a key known to be absent.
  void insert(uint64_t hash, uint32_t id) {
    if ((size_ + 1) * 4 > slots_.size() * 3) grow(slots_.empty() ? 16 : slots_.size() * 2);
    place(slots_, mask_, (uint64_t{tag_of(hash)} << 32) | (uint64_t{id} + 1));
    ++size_;
  }

  void prefetch(uint64_t hash) const {
    if (!slots_.empty()) __builtin_prefetch(&slots_[tag_of(hash) & mask_]);
  }

  // Makes room for `count` keys in all, so inserting them never rehashes.
  void reserve(size_t count) {
    size_t capacity = slots_.empty() ? 16 : slots_.size();
    while (count * 4 > capacity * 3) capacity *= 2;
    if (capacity != slots_.size()) grow(capacity);
  }

  size_t size() const { return size_; }
  void clear() {
    slots_.clear();
    size_ = 0;
    mask_ = 0;
  }

  // Raw slots, for checkpoints.
  const LargeVector<uint64_t>& slots() const { return slots_; }
  void assign(LargeVector<uint64_t> slots, size_t size) {
    slots_ = std::move(slots);
    size_ = size;
    mask_ = slots_.empty() ? 0 : slots_.size() - 1;
  }

 private:
  static uint32_t tag_of(uint64_t hash) { return static_cast<uint32_t>(hash >> 32); }

  static void place(LargeVector<uint64_t>& slots, size_t mask, uint64_t slot) {
    size_t i = (slot >> 32) & mask;
    while (slots[i] != 0) i = (i + 1) & mask;
    slots[i] = slot;
  }

  void grow(size_t capacity) {
    LargeVector<uint64_t> bigger(capacity);  // zeroed: every slot empty
    for (uint64_t slot : slots_) {
      if (slot != 0) place(bigger, capacity - 1, slot);
    }
    slots_.swap(bigger);
    mask_ = capacity - 1;
  }

  LargeVector<uint64_t> slots_;
  size_t size_ = 0;
  size_t mask_ = 0;
};

}  // namespace voronka::ledger

#endif  // VORONKA_LEDGER_ID_TABLE_HPP_
