// A mergeable histogram of durations with bounded relative error.
//
// Values are non-negative integers (milliseconds). Below 64 each value has
// its own bucket; above, every power of two is split into 64 buckets, so a
// bucket is at most 1/64 of its values wide and its midpoint within 0.8% of
// any value in it. This is the HdrHistogram layout: the bucket of a value
// takes one count-leading-zeros, where a logarithmic axis (Boost.Histogram's
// log transform) would take a std::log per value, more than the durations
// report can afford over millions of visits.
#ifndef VORONKA_ANALYTICS_HISTOGRAM_HPP_
#define VORONKA_ANALYTICS_HISTOGRAM_HPP_

#include <algorithm>
#include <bit>
#include <cstdint>
#include <limits>
#include <optional>
#include <vector>

#include "model/saturate.hpp"
#include "voronka/v1/state.pb.h"

namespace voronka::analytics {

class Histogram {
 public:
  void add(int64_t value) {
    value = value < 0 ? 0 : value;
    const uint32_t bucket = bucket_of(value);
    if (bucket >= size_) resize(bucket + 1);
    ++buckets_[bucket];
    min_ = std::min(min_, value);  // no branch: the order of values is random
    max_ = std::max(max_, value);
    ++count_;
    sum_ = model::saturating_add(sum_, value);
  }
  void merge(const Histogram& other);

  uint64_t count() const { return count_; }
  int64_t sum() const { return sum_; }  // held to the int64 range
  // 0 when empty.
  int64_t min() const { return count_ == 0 ? 0 : min_; }
  int64_t max() const { return count_ == 0 ? 0 : max_; }
  // The value below which a share q of the values fall, within 1%; nullopt
  // when empty. q = 0.5 is the median. Clamped to [min, max].
  std::optional<int64_t> quantile(double q) const;

  void to_proto(v1::Histogram* out) const;
  static Histogram from_proto(const v1::Histogram& in);

  static uint32_t bucket_of(int64_t value) {
    const auto v = static_cast<uint64_t>(value < 0 ? 0 : value);
    if (v < kSub) return static_cast<uint32_t>(v);
    const int shift = 63 - std::countl_zero(v) - kSubBits;
    return static_cast<uint32_t>((shift + 1) * kSub) +
           static_cast<uint32_t>((v >> shift) & (kSub - 1));
  }
  // The midpoint of a bucket's values.
  static int64_t bucket_value(uint32_t bucket);

 private:
  static constexpr int kSubBits = 6;  // 64 buckets per power of two
  static constexpr uint64_t kSub = uint64_t{1} << kSubBits;

  void resize(uint32_t buckets) {
    buckets_.resize(buckets, 0);
    size_ = buckets;
  }

  std::vector<uint64_t> buckets_;  // grows to the largest bucket used
  // buckets_.size(), kept beside the fields add() updates: its check then
  // reads one word of a line it writes anyway rather than work the size out
  // of the vector's two pointers, which made the durations report 4% slower.
  uint32_t size_ = 0;
  uint64_t count_ = 0;
  int64_t sum_ = 0;
  int64_t min_ = std::numeric_limits<int64_t>::max();  // of no values: above any value
  int64_t max_ = std::numeric_limits<int64_t>::min();
};

// Fills a DurationStats message from a histogram.
void fill_duration_stats(const Histogram& histogram, v1::DurationStats* out);

}  // namespace voronka::analytics

#endif  // VORONKA_ANALYTICS_HISTOGRAM_HPP_
