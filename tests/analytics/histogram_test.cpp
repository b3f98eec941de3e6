#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <random>

#include "analytics/histogram.hpp"

namespace voronka::analytics {
namespace {

TEST(Histogram, SmallValuesAreExact) {
  Histogram h;
  for (int v : {5, 1, 63, 0, 7}) h.add(v);
  EXPECT_EQ(h.count(), 5u);
  EXPECT_EQ(h.sum(), 76);
  EXPECT_EQ(h.min(), 0);
  EXPECT_EQ(h.max(), 63);
  EXPECT_EQ(h.quantile(0.5), 5);   // 0 1 5 7 63
  EXPECT_EQ(h.quantile(0.9), 63);
  EXPECT_EQ(h.quantile(0.0), 0);
  EXPECT_FALSE(Histogram().quantile(0.5).has_value());
}

TEST(Histogram, BucketsAreContiguousAndWithinOnePercent) {
  // Every value maps into a bucket whose midpoint is within 1/128 of it, and
  // bucket numbers never go backwards.
  uint32_t previous = 0;
  for (int64_t v = 0; v < 1'000'000; v += 1 + v / 1000) {
    const uint32_t b = Histogram::bucket_of(v);
    EXPECT_GE(b, previous);
    previous = b;
    const int64_t mid = Histogram::bucket_value(b);
    EXPECT_LE(std::abs(static_cast<double>(mid - v)), static_cast<double>(v) / 128.0 + 0.5) << v;
  }
  for (int64_t v : {int64_t{1} << 40, (int64_t{1} << 62) + 12345, int64_t{86'400'000} * 3650}) {
    const int64_t mid = Histogram::bucket_value(Histogram::bucket_of(v));
    EXPECT_LE(std::abs(static_cast<double>(mid - v)), static_cast<double>(v) / 128.0) << v;
  }
}

TEST(Histogram, QuantilesOfRandomDurationsWithinOnePercent) {
  std::mt19937_64 random(9);
  std::lognormal_distribution<double> days(1.0, 1.2);
  std::vector<int64_t> values;
  Histogram h, a, b;
  for (int i = 0; i < 20000; ++i) {
    const auto v = static_cast<int64_t>(days(random) * 86'400'000);
    values.push_back(v);
    h.add(v);
    (i % 3 ? a : b).add(v);
  }
  std::sort(values.begin(), values.end());
  for (double q : {0.1, 0.5, 0.9, 0.99}) {
    const int64_t exact = values[static_cast<size_t>(std::ceil(q * values.size())) - 1];
    EXPECT_LE(std::abs(static_cast<double>(*h.quantile(q) - exact)), 0.01 * exact) << q;
  }
  a.merge(b);
  v1::Histogram pa, ph;
  a.to_proto(&pa);
  h.to_proto(&ph);
  EXPECT_EQ(pa.SerializeAsString().size(), ph.SerializeAsString().size());
  EXPECT_EQ(a.quantile(0.5), h.quantile(0.5));
  EXPECT_EQ(Histogram::from_proto(pa).quantile(0.9), h.quantile(0.9));
  EXPECT_EQ(a.sum(), h.sum());
}

// A histogram grown by a merge or loaded from a state keeps every bucket
// when a smaller value is added to it afterwards.
TEST(Histogram, MergedAndLoadedKeepTheirBucketsOnAdd) {
  Histogram large;
  large.add(1'000'000);
  const uint32_t bucket = Histogram::bucket_of(1'000'000);
  ASSERT_GT(bucket, Histogram::bucket_of(3));

  Histogram merged;
  merged.merge(large);
  v1::Histogram proto;
  large.to_proto(&proto);
  Histogram loaded = Histogram::from_proto(proto);
  for (Histogram* h : {&merged, &loaded}) {
    h->add(3);
    v1::Histogram out;
    h->to_proto(&out);
    EXPECT_EQ(out.count(), 2u);
    ASSERT_EQ(out.buckets().size(), 2u);
    EXPECT_EQ(out.buckets().at(bucket), 1u);
    EXPECT_EQ(out.buckets().at(3), 1u);
  }
}

}  // namespace
}  // namespace voronka::analytics
