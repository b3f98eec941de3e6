// CRC-32C (Castagnoli), the checksum of every frame the store writes.
#ifndef VORONKA_STORE_CRC32C_HPP_
#define VORONKA_STORE_CRC32C_HPP_

#include <cstddef>
#include <cstdint>
#include <string_view>

namespace voronka::store {

// A running CRC-32C: update() over consecutive pieces gives the checksum of
// their concatenation.
class Crc32c {
 public:
  // kFastest uses the CPU's CRC-32C instruction where there is one; kBoost
  // is Boost.CRC alone (the fallback, selectable so tests cover it).
  enum class Engine { kFastest, kBoost };

  explicit Crc32c(Engine engine = Engine::kFastest);
  void update(const void* data, size_t size);
  void update(std::string_view bytes) { update(bytes.data(), bytes.size()); }
  uint32_t value() const;

 private:
  bool hardware_;
  uint32_t state_ = 0xFFFFFFFFu;  // the register, in the form its engine keeps it
};

inline uint32_t crc32c(const void* data, size_t size) {
  Crc32c crc;
  crc.update(data, size);
  return crc.value();
}
inline uint32_t crc32c(std::string_view bytes) { return crc32c(bytes.data(), bytes.size()); }

}  // namespace voronka::store

#endif  // VORONKA_STORE_CRC32C_HPP_
