// Conversions from a history tally: one definition for every report.
//
// The step conversion of a stage is the share of the deals it counts that
// moved on to a successor stage (or won, from a stage that leads to won):
// on a line, next / this. The cumulative conversion is this / the entry
// stage. The key level has the highest step conversion, the bottleneck the
// lowest (ties: the earlier stage). A stage with no deals has none.
#ifndef VORONKA_ANALYTICS_CONVERSION_MATH_HPP_
#define VORONKA_ANALYTICS_CONVERSION_MATH_HPP_

#include <optional>
#include <string>
#include <vector>

#include "voronka/v1/state.pb.h"

namespace voronka::analytics {

struct Conversions {
  std::vector<std::optional<double>> step;        // by funnel row
  std::vector<std::optional<double>> cumulative;  // by funnel row
  std::string key_level;
  std::string bottleneck;
};

Conversions conversions(const v1::Funnel& funnel, const v1::HistoryTally& tally,
                        v1::Count count);

// The tally of a funnel row, zero when the tally has none (a hostile
// state may hold fewer rows than its funnel).
const v1::StageTally& stage_tally(const v1::HistoryTally& tally, int row);

// The deals a stage counts: reached or entered.
uint64_t counted(const v1::StageTally& tally, v1::Count count);

// The won "row" of Way.to.
inline constexpr int kWonWay = -1;

// The deals that moved from a stage to a row, or won (kWonWay).
uint64_t way_deals(const v1::StageTally& stage, int to);

}  // namespace voronka::analytics

#endif  // VORONKA_ANALYTICS_CONVERSION_MATH_HPP_
