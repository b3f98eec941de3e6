// Event ids that are canonical decimal numbers, which the log stores as
// numbers (docs/file-format.md).
#ifndef VORONKA_STORE_EVENT_ID_HPP_
#define VORONKA_STORE_EVENT_ID_HPP_

#include <charconv>
#include <cstdint>
#include <string_view>

namespace voronka::store {

// The number an id spells when it is "0" or digits without a leading zero
// below 2^64; false for any other id, which the log keeps as text.
inline bool parse_numeric_id(std::string_view id, uint64_t* out) {
  if (id.empty() || id.size() > 20 || (id[0] == '0' && id.size() > 1)) return false;
  uint64_t value = 0;
  for (char c : id) {
    if (c < '0' || c > '9') return false;
    if (__builtin_mul_overflow(value, uint64_t{10}, &value) ||
        __builtin_add_overflow(value, static_cast<uint64_t>(c - '0'), &value)) {
      return false;
    }
  }
  *out = value;
  return true;
}

// Writes the decimal form of `value` (at most 20 characters); returns its end.
inline char* format_numeric_id(uint64_t value, char* out) {
  return std::to_chars(out, out + 20, value).ptr;
}

}  // namespace voronka::store

#endif  // VORONKA_STORE_EVENT_ID_HPP_
