#include "analytics/conversion_math.hpp"

#include "analytics/funnel.hpp"

namespace voronka::analytics {

const v1::StageTally& stage_tally(const v1::HistoryTally& tally, int row) {
  return row < tally.stages_size() ? tally.stages(row) : v1::StageTally::default_instance();
}

uint64_t counted(const v1::StageTally& tally, v1::Count count) {
  return count == v1::ENTERED ? tally.entered() : tally.reached();
}

uint64_t way_deals(const v1::StageTally& stage, int to) {
  for (const v1::Way& way : stage.ways()) {
    if (way.to() == to) return way.deals();
  }
  return 0;
}

Conversions conversions(const v1::Funnel& funnel, const v1::HistoryTally& tally,
                        v1::Count count) {
  const int rows = funnel.stages_size();
  Conversions result;
  result.step.resize(rows);
  result.cumulative.resize(rows);
  std::vector<uint64_t> n(rows);
  for (int row = 0; row < rows; ++row) {
    n[row] = counted(stage_tally(tally, row), count);
  }
  int best = -1, worst = -1;
  for (int row = 0; row < rows; ++row) {
    if (n[row] == 0) continue;
    const v1::StageTally& t = stage_tally(tally, row);
    // Compared with the deals at the entry stage of each deal's own process
    // version: several processes, or versions with another entry stage, may
    // share the stage.
    if (t.entry_base() > 0) {
      result.cumulative[row] = static_cast<double>(n[row]) / static_cast<double>(t.entry_base());
    }
    const double step = static_cast<double>(t.moved_on()) / static_cast<double>(n[row]);
    result.step[row] = step;
    if (best < 0 || step > *result.step[best]) best = row;
    if (worst < 0 || step < *result.step[worst]) worst = row;
  }
  if (best >= 0) result.key_level = funnel.stages(best).key();
  if (worst >= 0) result.bottleneck = funnel.stages(worst).key();
  return result;
}

}  // namespace voronka::analytics
