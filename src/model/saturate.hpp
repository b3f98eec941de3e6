// Arithmetic held to the int64 range.
//
// Any int64 is a valid time, so two times can lie further apart than int64
// holds: a duration, an age, a deadline or a sum of durations computed from
// them stops at the end of the range instead of overflowing.
#ifndef VORONKA_MODEL_SATURATE_HPP_
#define VORONKA_MODEL_SATURATE_HPP_

#include <cstdint>
#include <limits>

namespace voronka::model {

inline int64_t saturating_add(int64_t a, int64_t b) {
  int64_t sum;
  if (!__builtin_add_overflow(a, b, &sum)) return sum;
  return b > 0 ? std::numeric_limits<int64_t>::max() : std::numeric_limits<int64_t>::min();
}

// a - b.
inline int64_t saturating_sub(int64_t a, int64_t b) {
  int64_t difference;
  if (!__builtin_sub_overflow(a, b, &difference)) return difference;
  return b < 0 ? std::numeric_limits<int64_t>::max() : std::numeric_limits<int64_t>::min();
}

}  // namespace voronka::model

#endif  // VORONKA_MODEL_SATURATE_HPP_
