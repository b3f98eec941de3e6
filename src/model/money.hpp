// Weighted amounts: a deal's amount times its stage's probability of being
// won, rounded deal by deal, so that sums agree however the deals are split
// into partitions.
#ifndef VORONKA_MODEL_MONEY_HPP_
#define VORONKA_MODEL_MONEY_HPP_

#include <cstdint>
#include <optional>

#include "model/saturate.hpp"
#include "voronka/v1/process.pb.h"

namespace voronka::model {

// The stage's probability, when it has one.
inline std::optional<double> probability(const v1::Stage& stage) {
  return stage.has_probability() ? std::optional(stage.probability()) : std::nullopt;
}

// round(amount x p); 0 without a probability.
inline int64_t weighted_amount(int64_t amount, std::optional<double> p) {
  return p ? saturating_round(static_cast<double>(amount) * *p) : 0;
}

}  // namespace voronka::model

#endif  // VORONKA_MODEL_MONEY_HPP_
