#include "voronka/catalog.hpp"

#include <fmt/format.h>

namespace voronka {
namespace {

// Definitions are compared without their assigned version number.
std::string canonical_bytes(const v1::Process& definition) {
  v1::Process copy = definition;
  copy.set_version(0);
  std::string bytes;
  google::protobuf::io::StringOutputStream stream(&bytes);
  google::protobuf::io::CodedOutputStream coded(&stream);
  coded.SetSerializationDeterministic(true);
  copy.SerializeToCodedStream(&coded);
  coded.Trim();
  return bytes;
}

}  // namespace

Status ProcessCatalog::add(const v1::Process& definition, uint16_t* version_id,
                           bool* created) {
  if (created) *created = false;
  auto known = by_key_.find(definition.key());
  uint32_t next_version = 1;
  if (known != by_key_.end()) {
    const Process& latest = *versions_[known->second.back()];
    if (canonical_bytes(latest.definition()) == canonical_bytes(definition)) {
      if (version_id) *version_id = known->second.back();
      return Status::ok();
    }
    next_version = latest.version() + 1;
  }
  if (versions_.size() >= kMaxProcessVersions) {
    return Status(Code::kLimitExceeded,
                  fmt::format("process '{}': the catalogue already holds {} versions, "
                              "the limit",
                              definition.key(), kMaxProcessVersions));
  }

  v1::Process versioned = definition;
  versioned.set_version(next_version);
  std::shared_ptr<const Process> compiled;
  if (Status s = Process::compile(versioned, &compiled); !s) return s;

  const auto id = static_cast<uint16_t>(versions_.size());
  versions_.push_back(std::move(compiled));
  if (known == by_key_.end()) {
    keys_.push_back(definition.key());
    known = by_key_.emplace(definition.key(), std::vector<uint16_t>{}).first;
  }
  known->second.push_back(id);
  if (version_id) *version_id = id;
  if (created) *created = true;
  return Status::ok();
}

int ProcessCatalog::find(std::string_view key) const {
  auto it = by_key_.find(key);
  return it == by_key_.end() ? -1 : it->second.back();
}

std::span<const uint16_t> ProcessCatalog::versions_of(std::string_view key) const {
  auto it = by_key_.find(key);
  if (it == by_key_.end()) return {};
  return it->second;
}

}  // namespace voronka
