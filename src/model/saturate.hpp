// Arithmetic held to the int64 range.
//
// Any int64 is a valid time and any non-negative int64 a valid amount, so a
// duration between two times, a deadline, or a sum of durations or amounts
// can lie beyond int64: it stops at the end of the range instead of
// overflowing.
#ifndef VORONKA_MODEL_SATURATE_HPP_
#define VORONKA_MODEL_SATURATE_HPP_

#include <cmath>
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

// The int64 nearest to x (halves away from zero); 0 for NaN.
inline int64_t saturating_round(double x) {
  constexpr double kTwoTo63 = 9223372036854775808.0;
  if (std::isnan(x)) return 0;
  if (x >= kTwoTo63) return std::numeric_limits<int64_t>::max();
  if (x < -kTwoTo63) return std::numeric_limits<int64_t>::min();
  return std::llround(x);  // every double below 2^63 in magnitude rounds within range
}

}  // namespace voronka::model

#endif  // VORONKA_MODEL_SATURATE_HPP_
