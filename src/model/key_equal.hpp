// Equality of short keys without a library call.
//
// Keys (deal, stage and process keys, ids) are mostly under 16 bytes, and
// comparing them is on the hot path of every append; a call to memcmp costs
// more than the comparison. Two overlapping 8-byte loads compare any key of
// 8 to 16 bytes.
#ifndef VORONKA_MODEL_KEY_EQUAL_HPP_
#define VORONKA_MODEL_KEY_EQUAL_HPP_

#include <cstdint>
#include <cstring>
#include <string>
#include <string_view>
#include <vector>

namespace voronka {

inline bool key_equal(std::string_view a, std::string_view b) {
  const size_t n = a.size();
  if (n != b.size()) return false;
  auto load = [](const char* p) {
    uint64_t v;
    std::memcpy(&v, p, 8);
    return v;
  };
  if (n >= 8 && n <= 16) {
    return load(a.data()) == load(b.data()) && load(a.data() + n - 8) == load(b.data() + n - 8);
  }
  if (n < 8) {
    for (size_t i = 0; i < n; ++i) {
      if (a[i] != b[i]) return false;
    }
    return true;
  }
  return std::memcmp(a.data(), b.data(), n) == 0;
}

// A short list of keys searched by value: a process's stages or lost
// reasons, a catalogue's processes. A linear scan over each key's length and
// first eight bytes beats hashing for the few dozen keys such lists hold.
class KeyList {
 public:
  void add(std::string_view key) {
    keys_.emplace_back(key);
    heads_.push_back(head(key));
  }
  // The position of `key`, or -1.
  int find(std::string_view key) const {
    const uint64_t h = head(key);
    for (size_t i = 0; i < keys_.size(); ++i) {
      if (heads_[i] == h && key_equal(keys_[i], key)) return static_cast<int>(i);
    }
    return -1;
  }
  size_t size() const { return keys_.size(); }

 private:
  // The length and the first bytes of a key, mixed; fixed-size loads only.
  static uint64_t head(std::string_view key) {
    uint64_t h = 0;
    if (key.size() >= 8) {
      std::memcpy(&h, key.data(), 8);
    } else {
      for (size_t i = 0; i < key.size(); ++i) h |= uint64_t{static_cast<uint8_t>(key[i])} << (8 * i);
    }
    return h ^ (key.size() * 0x9E3779B97F4A7C15ull);
  }

  std::vector<std::string> keys_;
  std::vector<uint64_t> heads_;
};

}  // namespace voronka

#endif  // VORONKA_MODEL_KEY_EQUAL_HPP_
