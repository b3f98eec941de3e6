// Helpers for merging partial states and finishing reports.
#ifndef VORONKA_ANALYTICS_MERGE_HPP_
#define VORONKA_ANALYTICS_MERGE_HPP_

#include <algorithm>
#include <functional>
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
// has none), then the breakdown groups by label. References into `groups`,
// which must outlive them: a tally holds maps, too dear to copy for a sort.
template <typename Tally>
std::vector<std::reference_wrapper<const Tally>> ordered_groups(
    const google::protobuf::RepeatedPtrField<Tally>& groups) {
  std::vector<std::reference_wrapper<const Tally>> ordered(groups.begin(), groups.end());
  if (ordered.empty()) ordered.emplace_back(Tally::default_instance());
  std::sort(ordered.begin() + 1, ordered.end(),
            [](const Tally& a, const Tally& b) { return a.group() < b.group(); });
  return ordered;
}

// Sets what a report was asked (its process, period, as_of, ...) on the
// whole and on each breakdown group, so that a group read alone, or as a
// row of a table, says what it counts.
template <typename Report, typename SetContext>
void set_context(Report* out, SetContext&& set) {
  set(out);
  for (Report& group : *out->mutable_groups()) set(&group);
}

// The context most reports share: the process, the period and as_of.
template <typename Report>
void set_filter_context(const v1::PartialState& state, const v1::Filter& filter, Report* out) {
  out->set_process(filter.process());
  if (filter.has_from()) out->set_from(filter.from());
  if (filter.has_to()) out->set_to(filter.to());
  out->set_as_of(state.as_of());
}

// "created", "closed" or "activity".
inline const char* basis_name(v1::Basis basis) {
  switch (basis) {
    case v1::CLOSED: return "closed";
    case v1::ACTIVITY: return "activity";
    default: return "created";
  }
}

}  // namespace voronka::analytics

#endif  // VORONKA_ANALYTICS_MERGE_HPP_
