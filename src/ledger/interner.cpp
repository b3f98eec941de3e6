#include "ledger/interner.hpp"

namespace voronka::ledger {

uint32_t Interner::intern(std::string_view text, uint64_t hash) {
  if (const uint32_t id = find(text, hash); id != kMissing) return id;
  return add(text, hash);
}

uint32_t Interner::add(std::string_view text, uint64_t hash) {
  if (chars_.size() + text.size() > kMaxBytes || ends_.size() >= kMissing - 1) {
    return kMissing;
  }
  const auto id = static_cast<uint32_t>(ends_.size());
  chars_.insert(chars_.end(), text.begin(), text.end());
  ends_.push_back(static_cast<uint32_t>(chars_.size()));
  table_.insert(hash, id);
  return id;
}

}  // namespace voronka::ledger
