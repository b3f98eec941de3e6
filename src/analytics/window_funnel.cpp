// Window funnel: how far each deal got through the stages in funnel order
// within a time window from its first stage, as ClickHouse's windowFunnel.
#include <algorithm>

#include "analytics/deal_scan.hpp"
#include "analytics/merge.hpp"
#include "analytics/reports.hpp"
#include "model/saturate.hpp"

namespace voronka::analytics {

// The furthest level a deal reached. Levels are funnel rows + 1; the chain
// starts at the deal's first entry into the first stage (level 1) and takes
// stage entries up to `window` after it.
int window_level(const std::vector<std::pair<int64_t, int>>& entries, int64_t window,
                 v1::WindowOptions::Mode mode, int levels) {
  int level = 0;
  int64_t start = 0, last = 0;
  for (const auto& [at, row] : entries) {
    if (level == 0) {
      if (row == 0) {
        level = 1;
        start = last = at;
      }
      continue;
    }
    if (model::saturating_sub(at, start) > window) break;
    if (row == level) {
      if (mode == v1::WindowOptions::STRICT_INCREASE && at <= last) continue;
      last = at;
      if (++level == levels) break;
      continue;
    }
    if (mode == v1::WindowOptions::STRICT_ORDER) break;
    if (mode == v1::WindowOptions::STRICT_DEDUPLICATION && row == level - 1) break;
  }
  return level;
}

void compute_window(const Scope& scope, const v1::WindowOptions& options, v1::WindowState* out) {
  const ledger::State& s = scope.state();
  const int rows = scope.funnel().rows();
  Groups groups(scope, options.breakdown());
  const std::vector<uint64_t> fresh(rows + 1, 0);  // a count per level reached
  std::vector<std::vector<uint64_t>> accs(1, fresh);
  std::vector<std::pair<int64_t, int>> entries;
  scan_deals(scope, Pick::kCreated, [&](uint32_t deal, const DealAt& at, int64_t opened) {
    const uint16_t version = s.deals.version[deal];
    entries.clear();
    scope.reader().for_each_visit(deal, [&](int stage, int64_t start, int64_t) {
      entries.emplace_back(start, scope.funnel().row(version, stage));
    });
    const int level = window_level(entries, options.window_ms(), options.mode(), rows);
    groups.tally(accs, fresh, deal, at, opened,
                 [&](std::vector<uint64_t>& levels) { ++levels[level]; });
  });
  out->Clear();
  for (uint32_t group = 0; group < accs.size(); ++group) {
    v1::WindowTally* tally = out->add_groups();
    tally->set_group(groups.key(group));
    for (uint64_t n : accs[group]) tally->add_levels(n);
  }
}

void merge_window(const v1::WindowState& from, v1::WindowState* into) {
  merge_grouped(from.groups(), into->mutable_groups(),
                [](const v1::WindowTally& tally, v1::WindowTally* target) {
    for (int i = 0; i < tally.levels_size(); ++i) {
      if (i < target->levels_size()) {
        target->set_levels(i, target->levels(i) + tally.levels(i));
      } else {
        target->add_levels(tally.levels(i));
      }
    }
  });
}

void finish_window(const v1::PartialState& state, v1::WindowFunnelReport* out) {
  const v1::WindowOptions& options = state.spec().window();
  const v1::Funnel& funnel = state.funnel();
  out->Clear();
  const auto tallies = ordered_groups(state.window().groups());
  for (size_t i = 0; i < tallies.size(); ++i) {
    const v1::WindowTally& tally = tallies[i];
    v1::WindowFunnelReport* target = i == 0 ? out : out->add_groups();
    target->set_group(tally.group());
    uint64_t total = 0;
    for (uint64_t n : tally.levels()) total += n;
    target->set_deals(total);
    uint64_t at_least = total - (tally.levels_size() > 0 ? tally.levels(0) : 0);
    for (int row = 0; row < funnel.stages_size(); ++row) {
      const uint64_t exactly = row + 1 < tally.levels_size() ? tally.levels(row + 1) : 0;
      v1::WindowLevel* level = target->add_levels();
      level->set_level(static_cast<uint32_t>(row + 1));
      level->set_stage(funnel.stages(row).key());
      level->set_name(funnel.stages(row).name());
      level->set_deals(exactly);
      level->set_reached(at_least);
      at_least -= exactly;
    }
  }
  set_context(out, [&](v1::WindowFunnelReport* report) {
    set_filter_context(state, options.filter(), report);
    report->set_window_ms(options.window_ms());
    report->set_mode(v1::WindowOptions::Mode_Name(options.mode()));
  });
}

}  // namespace voronka::analytics
