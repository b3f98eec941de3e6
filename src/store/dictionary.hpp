// The log's dictionary: every string an event batch refers to, numbered in
// the order the file introduces them. Entry 0 is the empty string.
#ifndef VORONKA_STORE_DICTIONARY_HPP_
#define VORONKA_STORE_DICTIONARY_HPP_

#include <cstdint>
#include <string_view>

#include "ledger/interner.hpp"

namespace voronka::store {

class Dictionary {
 public:
  static constexpr uint32_t kMissing = ledger::Interner::kMissing;

  Dictionary() { strings_.intern(""); }

  size_t size() const { return strings_.size(); }
  std::string_view str(uint32_t id) const { return strings_.str(id); }
  // `hash` is ledger::hash_bytes(text).
  uint32_t find(std::string_view text, uint64_t hash) const { return strings_.find(text, hash); }
  uint32_t find(std::string_view text) const { return strings_.find(text); }
  // Adds a string known to be absent; kMissing when the dictionary is full.
  uint32_t add(std::string_view text, uint64_t hash) { return strings_.add(text, hash); }
  uint32_t add(std::string_view text) { return add(text, ledger::hash_bytes(text)); }

  // Whether adding `bytes` bytes of strings would move the strings already
  // held, invalidating the views str() gave out.
  bool would_move(size_t bytes) const {
    return strings_.chars().size() + bytes > strings_.chars().capacity();
  }

  size_t memory_bytes() const { return strings_.memory_bytes(); }

  // The strings and their index, for checkpoints.
  ledger::Interner& interner() { return strings_; }
  const ledger::Interner& interner() const { return strings_; }

 private:
  ledger::Interner strings_;
};

}  // namespace voronka::store

#endif  // VORONKA_STORE_DICTIONARY_HPP_
