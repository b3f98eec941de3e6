// The set of recorded event ids, for idempotent appends.
//
// Every recorded event leaves its id and a 24-bit fingerprint of its content
// in one 8-byte slot: ids that are canonical decimal numbers below 2^39 are
// kept inline, other ids in a byte arena. Ids are compared exactly, so a new
// event is never mistaken for a recorded one; a re-delivered id whose content
// differs is reported as a conflict unless the two contents share the 24-bit
// fingerprint (one chance in 16.7 million), in which case it is reported as a
// duplicate and, as with any duplicate, nothing is applied.
#ifndef VORONKA_LEDGER_EVENT_INDEX_HPP_
#define VORONKA_LEDGER_EVENT_INDEX_HPP_

#include <cstdint>
#include <string_view>
#include <vector>

#include "ledger/large_vector.hpp"

namespace voronka::ledger {

class EventIndex {
 public:
  enum class Lookup { kNew, kDuplicate, kConflict };

  // A prepared id: its hash and how it would be stored.
  struct Key {
    std::string_view id;
    uint64_t hash;
    uint64_t inline_ref;  // id + 1 for numeric ids, else 0
  };
  static Key key(std::string_view id);

  Lookup find(const Key& key, uint64_t fingerprint) const;
  // Records an id known to be absent.
  void insert(const Key& key, uint64_t fingerprint);

  void prefetch(const Key& key) const {
    if (!slots_.empty()) __builtin_prefetch(&slots_[key.hash & (slots_.size() - 1)]);
  }
  // Makes room for `count` ids in all, so inserting them never rehashes.
  void reserve(size_t count) {
    size_t capacity = slots_.empty() ? 1024 : slots_.size();
    while (count * 4 > capacity * 3) capacity *= 2;
    if (capacity != slots_.size()) grow(capacity);
  }

  size_t size() const { return size_; }
  size_t memory_bytes() const { return slots_.capacity() * 8 + arena_.capacity(); }

  // Raw parts, for checkpoints.
  const LargeVector<uint64_t>& slots() const { return slots_; }
  const LargeVector<char>& arena() const { return arena_; }
  void assign(LargeVector<uint64_t> slots, LargeVector<char> arena, size_t size);

 private:
  static constexpr int kRefBits = 40;
  static constexpr uint64_t kRefMask = (uint64_t{1} << kRefBits) - 1;
  static constexpr uint64_t kArenaFlag = uint64_t{1} << (kRefBits - 1);

  bool same_id(uint64_t ref, const Key& key) const;
  std::string_view arena_id(uint64_t ref) const;
  uint64_t hash_of_ref(uint64_t ref) const;
  void grow(size_t capacity);

  LargeVector<uint64_t> slots_;  // [fingerprint:24][ref:40]; 0 = empty
  LargeVector<char> arena_;      // varint length + bytes, per non-numeric id
  size_t size_ = 0;
};

}  // namespace voronka::ledger

#endif  // VORONKA_LEDGER_EVENT_INDEX_HPP_
