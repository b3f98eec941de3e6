// The process catalogue: every version of every process a ledger knows.
//
// Loading a definition under a new key creates version 1; loading a changed
// definition under a known key creates the next version; loading the latest
// version's definition again changes nothing. Deals keep the version they
// were opened with. Versions have dense ids, in the order they were added.
//
// Thread safety: not synchronised itself; the owning Ledger guards it.
#ifndef VORONKA_CATALOG_HPP_
#define VORONKA_CATALOG_HPP_

#include <cstdint>
#include <memory>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "voronka/process.hpp"

namespace voronka {

// The most process versions a catalogue holds (ids are 16-bit).
inline constexpr size_t kMaxProcessVersions = 0xFFFF;

class ProcessCatalog {
 public:
  // Compiles and adds a definition (its `version` field is ignored and
  // assigned). `*version_id` receives the id of the version now current for
  // the key; `*created` whether a new version was made.
  Status add(const v1::Process& definition, uint16_t* version_id = nullptr,
             bool* created = nullptr);

  size_t version_count() const { return versions_.size(); }
  const Process& version(uint16_t id) const { return *versions_[id]; }
  std::shared_ptr<const Process> version_ptr(uint16_t id) const { return versions_[id]; }

  // The id of the current (latest) version of a process, or -1.
  int find(std::string_view key) const;
  // All version ids of a process, oldest first; empty when unknown.
  std::span<const uint16_t> versions_of(std::string_view key) const;
  // Process keys in the order they were first added.
  const std::vector<std::string>& keys() const { return keys_; }

 private:
  std::vector<std::shared_ptr<const Process>> versions_;
  int index_of(std::string_view key) const;

  // Versions by process, in the order of keys_. Catalogues hold a handful of
  // processes: a linear search beats hashing them.
  std::vector<std::vector<uint16_t>> by_key_;
  std::vector<std::string> keys_;
};

}  // namespace voronka

#endif  // VORONKA_CATALOG_HPP_
