#include "voronka/catalog.hpp"

#include <fmt/format.h>

#include "model/key_equal.hpp"

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

int ProcessCatalog::index_of(std::string_view key) const {
  for (size_t i = 0; i < keys_.size(); ++i) {
    if (key_equal(keys_[i], key)) return static_cast<int>(i);
  }
  return -1;
}

Status ProcessCatalog::add(const v1::Process& definition, uint16_t* version_id,
                           bool* created) {
  if (created) *created = false;
  int known = index_of(definition.key());
  uint32_t next_version = 1;
  if (known >= 0) {
    const Process& latest = *versions_[by_key_[known].back()];
    if (canonical_bytes(latest.definition()) == canonical_bytes(definition)) {
      if (version_id) *version_id = by_key_[known].back();
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
  if (known < 0) {
    known = static_cast<int>(keys_.size());
    keys_.push_back(definition.key());
    by_key_.emplace_back();
  }
  by_key_[known].push_back(id);
  if (version_id) *version_id = id;
  if (created) *created = true;
  return Status::ok();
}

int ProcessCatalog::find(std::string_view key) const {
  const int index = index_of(key);
  return index < 0 ? -1 : by_key_[index].back();
}

std::span<const uint16_t> ProcessCatalog::versions_of(std::string_view key) const {
  const int index = index_of(key);
  if (index < 0) return {};
  return by_key_[index];
}

}  // namespace voronka
