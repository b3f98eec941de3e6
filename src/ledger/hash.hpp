// A fast 64-bit hash with a fixed definition.
//
// The ledger's hash tables are saved in checkpoints and must hash the same way
// in every build on every platform; std::hash promises neither, and
// boost::hash changes between releases. This is the wyhash construction
// (public domain), reduced to what short keys need.
#ifndef VORONKA_LEDGER_HASH_HPP_
#define VORONKA_LEDGER_HASH_HPP_

#include <cstdint>
#include <cstring>
#include <string_view>

namespace voronka::ledger {

inline uint64_t hash_mix(uint64_t a, uint64_t b) {
  const __uint128_t product = static_cast<__uint128_t>(a) * b;
  return static_cast<uint64_t>(product) ^ static_cast<uint64_t>(product >> 64);
}

namespace hash_detail {
inline constexpr uint64_t kP0 = 0xa0761d6478bd642full;
inline constexpr uint64_t kP1 = 0xe7037ed1a0b428dbull;
inline uint64_t read64(const char* p) {
  uint64_t v;
  std::memcpy(&v, p, 8);
  return v;
}
inline uint64_t read32(const char* p) {
  uint32_t v;
  std::memcpy(&v, p, 4);
  return v;
}
}  // namespace hash_detail

inline uint64_t hash_bytes(std::string_view bytes, uint64_t seed = 0) {
  using namespace hash_detail;
  const char* p = bytes.data();
  const size_t n = bytes.size();
  seed ^= kP0;
  uint64_t a = 0, b = 0;
  if (n <= 16) {
    if (n >= 4) {
      const size_t shift = (n >> 3) << 2;
      a = (read32(p) << 32) | read32(p + shift);
      b = (read32(p + n - 4) << 32) | read32(p + n - 4 - shift);
    } else if (n > 0) {
      a = (uint64_t{static_cast<uint8_t>(p[0])} << 16) |
          (uint64_t{static_cast<uint8_t>(p[n >> 1])} << 8) | static_cast<uint8_t>(p[n - 1]);
    }
  } else {
    size_t left = n;
    while (left > 16) {
      seed = hash_mix(read64(p) ^ kP1, read64(p + 8) ^ seed);
      p += 16;
      left -= 16;
    }
    a = read64(p + left - 16);
    b = read64(p + left - 8);
  }
  return hash_mix(kP1 ^ n, hash_mix(a ^ kP1, b ^ seed));
}

inline uint64_t hash_u64(uint64_t value, uint64_t seed = 0) {
  return hash_mix(value ^ hash_detail::kP0, seed ^ hash_detail::kP1);
}

}  // namespace voronka::ledger

#endif  // VORONKA_LEDGER_HASH_HPP_
