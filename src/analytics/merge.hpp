// Helpers for merging partial states.
#ifndef VORONKA_ANALYTICS_MERGE_HPP_
#define VORONKA_ANALYTICS_MERGE_HPP_

#include <algorithm>
#include <string>
#include <vector>
#include <unordered_map>

#include "analytics/histogram.hpp"
#include "voronka/v1/state.pb.h"

namespace voronka::analytics {

// Merges grouped tallies. The first tally of a state is every deal; the
// others are breakdown groups keyed by their label (which may be empty: a
// deal without the field broken down by). The first merges with the first;
// a group only in `from` is copied, a group in both is combined by
// merge_one(from_tally, into_tally).
template <typename Tally, typename MergeOne>
void merge_grouped(const google::protobuf::RepeatedPtrField<Tally>& from,
                   google::protobuf::RepeatedPtrField<Tally>* into, MergeOne&& merge_one) {
  if (from.empty()) return;
  if (into->empty()) {
    *into = from;
    return;
  }
  merge_one(from[0], into->Mutable(0));
  std::unordered_map<std::string, Tally*> index;
  for (int i = 1; i < into->size(); ++i) index.emplace(into->Get(i).group(), into->Mutable(i));
  for (int i = 1; i < from.size(); ++i) {
    const Tally& tally = from[i];
    auto it = index.find(tally.group());
    if (it == index.end()) {
      Tally* added = into->Add();
      *added = tally;
      index.emplace(tally.group(), added);
    } else {
      merge_one(tally, it->second);
    }
  }
}

// into += from, for histograms kept as messages.
inline void merge_histogram(const v1::Histogram& from, v1::Histogram* into) {
  Histogram merged = Histogram::from_proto(*into);
  merged.merge(Histogram::from_proto(from));
  merged.to_proto(into);
}

// Tallies in report order: every deal first (an empty tally when the state
// has none), then the breakdown groups by label.
template <typename Tally>
std::vector<Tally> ordered_groups(const google::protobuf::RepeatedPtrField<Tally>& groups) {
  std::vector<Tally> ordered(groups.begin(), groups.end());
  if (ordered.empty()) ordered.emplace_back();
  std::sort(ordered.begin() + 1, ordered.end(),
            [](const Tally& a, const Tally& b) { return a.group() < b.group(); });
  return ordered;
}

}  // namespace voronka::analytics

#endif  // VORONKA_ANALYTICS_MERGE_HPP_
