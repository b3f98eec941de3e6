#include "analytics/histogram.hpp"

#include <algorithm>
#include <bit>
#include <cmath>

namespace voronka::analytics {
int64_t Histogram::bucket_value(uint32_t bucket) {
  if (bucket < kSub) return bucket;
  const int shift = static_cast<int>(bucket / kSub) - 1;
  const auto low = static_cast<int64_t>((kSub + (bucket % kSub)) << shift);
  const int64_t width = int64_t{1} << shift;
  return low + (width - 1) / 2;
}

void Histogram::merge(const Histogram& other) {
  if (other.count_ == 0) return;
  if (other.size_ > size_) resize(other.size_);
  for (size_t i = 0; i < other.size_; ++i) buckets_[i] += other.buckets_[i];
  min_ = std::min(min_, other.min_);
  max_ = std::max(max_, other.max_);
  count_ += other.count_;
  sum_ = model::saturating_add(sum_, other.sum_);
}

std::optional<int64_t> Histogram::quantile(double q) const {
  if (count_ == 0) return std::nullopt;
  // The rank of the wanted value, 1-based (nearest-rank definition).
  const auto rank = std::max<uint64_t>(
      1, static_cast<uint64_t>(std::ceil(q * static_cast<double>(count_))));
  uint64_t seen = 0;
  for (size_t bucket = 0; bucket < buckets_.size(); ++bucket) {
    seen += buckets_[bucket];
    if (seen >= rank) {
      return std::clamp(bucket_value(static_cast<uint32_t>(bucket)), min_, max_);
    }
  }
  return max_;
}

void Histogram::to_proto(v1::Histogram* out) const {
  out->Clear();
  out->set_count(count_);
  out->set_sum(sum_);
  out->set_min(min());
  out->set_max(max());
  for (size_t bucket = 0; bucket < buckets_.size(); ++bucket) {
    if (buckets_[bucket] != 0) (*out->mutable_buckets())[static_cast<uint32_t>(bucket)] = buckets_[bucket];
  }
}

Histogram Histogram::from_proto(const v1::Histogram& in) {
  Histogram h;
  h.count_ = in.count();
  h.sum_ = in.sum();
  if (h.count_ != 0) {
    h.min_ = in.min();
    h.max_ = in.max();
  }
  uint32_t top = 0;
  for (const auto& [bucket, n] : in.buckets()) top = std::max(top, bucket + 1);
  // A hostile state cannot make us allocate more than the layout's buckets.
  top = std::min<uint32_t>(top, static_cast<uint32_t>((64 - kSubBits + 1) * kSub));
  h.resize(top);
  for (const auto& [bucket, n] : in.buckets()) {
    if (bucket < top) h.buckets_[bucket] += n;
  }
  return h;
}

void fill_duration_stats(const Histogram& histogram, v1::DurationStats* out) {
  out->Clear();
  out->set_count(histogram.count());
  if (histogram.count() == 0) return;
  out->set_min_ms(histogram.min());
  out->set_max_ms(histogram.max());
  out->set_sum_ms(histogram.sum());
  // Within [min, max] even when the sum has stopped at the int64 limit.
  out->set_mean_ms(std::clamp(
      static_cast<double>(histogram.sum()) / static_cast<double>(histogram.count()),
      static_cast<double>(histogram.min()), static_cast<double>(histogram.max())));
  out->set_median_ms(*histogram.quantile(0.5));
  out->set_p90_ms(*histogram.quantile(0.9));
}

}  // namespace voronka::analytics
