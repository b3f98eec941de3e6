// Interned strings: each distinct string gets a dense 32-bit id.
#ifndef VORONKA_LEDGER_INTERNER_HPP_
#define VORONKA_LEDGER_INTERNER_HPP_

#include <cstdint>
#include <string_view>
#include <vector>

#include "ledger/hash.hpp"
#include "ledger/id_table.hpp"
#include "model/key_equal.hpp"

namespace voronka::ledger {

class Interner {
 public:
  static constexpr uint32_t kMissing = IdTable::kMissing;
  // The most bytes of text one interner holds (offsets are 32-bit).
  static constexpr size_t kMaxBytes = 0xFFFFFFFFu;

  uint32_t find(std::string_view text) const { return find(text, hash_bytes(text)); }
  uint32_t find(std::string_view text, uint64_t hash) const {
    return table_.find(hash, [&](uint32_t id) { return key_equal(str(id), text); });
  }

  // The id of `text`, adding it when new. Returns kMissing when the interner
  // is full (kMaxBytes).
  uint32_t intern(std::string_view text) { return intern(text, hash_bytes(text)); }
  uint32_t intern(std::string_view text, uint64_t hash);
  // Adds a string known to be absent; kMissing when the interner is full.
  uint32_t add(std::string_view text, uint64_t hash);

  void prefetch(uint64_t hash) const { table_.prefetch(hash); }
  void reserve(size_t strings) { table_.reserve(strings); }

  std::string_view str(uint32_t id) const {
    const uint32_t begin = id == 0 ? 0 : ends_[id - 1];
    return std::string_view(chars_.data() + begin, ends_[id] - begin);
  }
  size_t size() const { return ends_.size(); }
  size_t memory_bytes() const {
    return chars_.capacity() + ends_.capacity() * 4 + table_.slots().capacity() * 8;
  }

  // Raw parts, for checkpoints.
  const LargeVector<char>& chars() const { return chars_; }
  const LargeVector<uint32_t>& ends() const { return ends_; }
  const IdTable& table() const { return table_; }
  void assign(LargeVector<char> chars, LargeVector<uint32_t> ends, IdTable table) {
    chars_ = std::move(chars);
    ends_ = std::move(ends);
    table_ = std::move(table);
  }

 private:
  LargeVector<char> chars_;
  LargeVector<uint32_t> ends_;  // string i is chars_[ends_[i-1], ends_[i])
  IdTable table_;
};

}  // namespace voronka::ledger

#endif  // VORONKA_LEDGER_INTERNER_HPP_
