#include "ledger/event_index.hpp"

#include "ledger/hash.hpp"

namespace voronka::ledger {
namespace {

constexpr uint64_t kMaxInline = (uint64_t{1} << 39) - 1;

uint64_t fingerprint_bits(uint64_t fingerprint) { return fingerprint >> 40 << 40; }

}  // namespace

EventIndex::Key EventIndex::key(std::string_view id) {
  // Canonical decimal: digits only, no leading zero, small enough to inline.
  uint64_t number = 0;
  bool numeric = !id.empty() && id.size() <= 12 && (id[0] != '0' || id.size() == 1);
  for (char c : id) {
    if (!numeric) break;
    if (c < '0' || c > '9') {
      numeric = false;
      break;
    }
    number = number * 10 + static_cast<uint64_t>(c - '0');
  }
  if (numeric && number < kMaxInline) return Key{id, hash_u64(number), number + 1};
  return Key{id, hash_bytes(id), 0};
}

std::string_view EventIndex::arena_id(uint64_t ref) const {
  size_t pos = ref & (kArenaFlag - 1);
  uint64_t length = 0;
  for (int shift = 0;; shift += 7) {
    const auto byte = static_cast<uint8_t>(arena_[pos++]);
    length |= uint64_t{byte & 0x7Fu} << shift;
    if ((byte & 0x80u) == 0) break;
  }
  return std::string_view(arena_.data() + pos, length);
}

bool EventIndex::same_id(uint64_t ref, const Key& key) const {
  if (key.inline_ref != 0) return ref == key.inline_ref;
  return (ref & kArenaFlag) != 0 && arena_id(ref) == key.id;
}

uint64_t EventIndex::hash_of_ref(uint64_t ref) const {
  return (ref & kArenaFlag) ? hash_bytes(arena_id(ref)) : hash_u64(ref - 1);
}

EventIndex::Lookup EventIndex::find(const Key& key, uint64_t fingerprint) const {
  if (slots_.empty()) return Lookup::kNew;
  const size_t mask = slots_.size() - 1;
  for (size_t i = key.hash & mask;; i = (i + 1) & mask) {
    const uint64_t slot = slots_[i];
    if (slot == 0) return Lookup::kNew;
    if (same_id(slot & kRefMask, key)) {
      return (slot & ~kRefMask) == fingerprint_bits(fingerprint) ? Lookup::kDuplicate
                                                                  : Lookup::kConflict;
    }
  }
}

void EventIndex::insert(const Key& key, uint64_t fingerprint) {
  if ((size_ + 1) * 4 > slots_.size() * 3) grow(slots_.empty() ? 1024 : slots_.size() * 2);
  uint64_t ref = key.inline_ref;
  if (ref == 0) {
    ref = kArenaFlag | arena_.size();
    uint64_t length = key.id.size();
    do {
      const auto byte = static_cast<uint8_t>(length & 0x7Fu);
      length >>= 7;
      arena_.push_back(static_cast<char>(length ? (byte | 0x80u) : byte));
    } while (length != 0);
    arena_.insert(arena_.end(), key.id.begin(), key.id.end());
  }
  const size_t mask = slots_.size() - 1;
  size_t i = key.hash & mask;
  while (slots_[i] != 0) i = (i + 1) & mask;
  slots_[i] = fingerprint_bits(fingerprint) | ref;
  ++size_;
}

void EventIndex::grow(size_t capacity) {
  LargeVector<uint64_t> bigger(capacity);  // zeroed: every slot empty
  for (uint64_t slot : slots_) {
    if (slot == 0) continue;
    size_t i = hash_of_ref(slot & kRefMask) & (capacity - 1);
    while (bigger[i] != 0) i = (i + 1) & (capacity - 1);
    bigger[i] = slot;
  }
  slots_.swap(bigger);
}

void EventIndex::assign(LargeVector<uint64_t> slots, LargeVector<char> arena, size_t size) {
  slots_ = std::move(slots);
  arena_ = std::move(arena);
  size_ = size;
}

}  // namespace voronka::ledger
