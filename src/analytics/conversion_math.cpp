#include "analytics/conversion_math.hpp"

#include "analytics/funnel.hpp"

namespace voronka::analytics {

v1::StageTally stage_tally(const v1::HistoryTally& tally, const std::string& key) {
  const auto it = tally.stages().find(key);
  return it == tally.stages().end() ? v1::StageTally() : it->second;
}

uint64_t counted(const v1::StageTally& tally, v1::Count count) {
  return count == v1::ENTERED ? tally.entered() : tally.reached();
}

std::string edge_key(const std::string& from, const std::string& to) { return from + ">" + to; }

Conversions conversions(const v1::Funnel& funnel, const v1::HistoryTally& tally,
                        v1::Count count) {
  const int rows = funnel.stages_size();
  Conversions result;
  result.step.resize(rows);
  result.cumulative.resize(rows);
  std::vector<uint64_t> n(rows);
  for (int row = 0; row < rows; ++row) {
    n[row] = counted(stage_tally(tally, funnel.stages(row).key()), count);
  }
  // The cumulative conversion compares a stage with the entry stage of its
  // process: the funnel's first rows without predecessors that lead to it
  // (one for a single process; one per process when processes share no
  // stage).
  std::vector<std::vector<bool>> leads_to(rows, std::vector<bool>(rows, false));
  std::vector<bool> is_source(rows, true);
  for (int row = rows - 1; row >= 0; --row) {
    leads_to[row][row] = true;
    for (const std::string& next : funnel.stages(row).next()) {
      const int to = find_row(funnel, next);
      if (to < 0) continue;
      is_source[to] = false;
      for (int r = 0; r < rows; ++r) {
        if (leads_to[to][r]) leads_to[row][r] = true;
      }
    }
  }
  int best = -1, worst = -1;
  for (int row = 0; row < rows; ++row) {
    if (n[row] == 0) continue;
    uint64_t entry = 0;
    for (int source = 0; source < rows; ++source) {
      if (is_source[source] && leads_to[source][row]) entry += n[source];
    }
    if (entry > 0) result.cumulative[row] = static_cast<double>(n[row]) / static_cast<double>(entry);
    const double step = static_cast<double>(stage_tally(tally, funnel.stages(row).key()).moved_on()) /
                        static_cast<double>(n[row]);
    result.step[row] = step;
    if (best < 0 || step > *result.step[best]) best = row;
    if (worst < 0 || step < *result.step[worst]) worst = row;
  }
  if (best >= 0) result.key_level = funnel.stages(best).key();
  if (worst >= 0) result.bottleneck = funnel.stages(worst).key();
  return result;
}

}  // namespace voronka::analytics
