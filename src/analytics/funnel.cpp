#include "analytics/funnel.hpp"

#include <algorithm>

namespace voronka::analytics {

int find_row(const v1::Funnel& funnel, std::string_view key) {
  for (int row = 0; row < funnel.stages_size(); ++row) {
    if (funnel.stages(row).key() == key) return row;
  }
  return -1;
}

std::vector<int> successor_rows(const v1::Funnel& funnel, const v1::FunnelStage& stage) {
  std::vector<int> rows;
  for (const std::string& next : stage.next()) {
    if (const int row = find_row(funnel, next); row >= 0) rows.push_back(row);
  }
  std::sort(rows.begin(), rows.end());
  return rows;
}

RowMaps merge_funnel(const v1::Funnel& from, v1::Funnel* into) {
  RowMaps maps;
  maps.into.resize(into->stages_size());
  for (int row = 0; row < into->stages_size(); ++row) maps.into[row] = row;
  int previous = -1;
  for (int i = 0; i < from.stages_size(); ++i) {
    const v1::FunnelStage& stage = from.stages(i);
    int row = find_row(*into, stage.key());
    if (row < 0) {
      // After the stage before it; with none, before the first later stage
      // already known; with none of those either, at the end.
      row = into->stages_size();
      if (previous >= 0) {
        row = previous + 1;
      } else {
        for (int j = i + 1; j < from.stages_size(); ++j) {
          if (const int known = find_row(*into, from.stages(j).key()); known >= 0) {
            row = known;
            break;
          }
        }
      }
      *into->mutable_stages()->Add() = stage;
      // Move the appended stage up to its place.
      for (int i = into->stages_size() - 1; i > row; --i) {
        into->mutable_stages()->SwapElements(i, i - 1);
      }
      for (int& moved : maps.into) {
        if (moved >= row) {
          ++moved;
          maps.into_moved = true;
        }
      }
    } else {
      v1::FunnelStage* kept = into->mutable_stages(row);
      for (const std::string& next : stage.next()) {
        if (std::find(kept->next().begin(), kept->next().end(), next) == kept->next().end()) {
          kept->add_next(next);
        }
      }
      kept->set_leads_to_won(kept->leads_to_won() || stage.leads_to_won());
      if (!kept->has_probability() && stage.has_probability()) {
        kept->set_probability(stage.probability());
      }
    }
    previous = row;
  }
  // Rows of `from` placed early may have moved down since.
  maps.from.resize(from.stages_size());
  for (int i = 0; i < from.stages_size(); ++i) {
    maps.from[i] = find_row(*into, from.stages(i).key());
    maps.from_moved = maps.from_moved || maps.from[i] != i;
  }
  maps.merged = into->stages_size();
  return maps;
}

RowMaps same_rows(int rows) {
  RowMaps maps;
  maps.from.resize(rows);
  for (int row = 0; row < rows; ++row) maps.from[row] = row;
  maps.into = maps.from;
  maps.merged = rows;
  return maps;
}

namespace {

v1::Funnel funnel_of(const Process& process) {
  v1::Funnel funnel;
  for (int stage : process.funnel_order()) {
    v1::FunnelStage* row = funnel.add_stages();
    row->set_key(process.stage_key(stage));
    row->set_name(process.stage_name(stage));
    for (int next : process.funnel_order()) {
      if ((process.successors(stage) >> next) & 1) row->add_next(process.stage_key(next));
    }
    row->set_leads_to_won(process.leads_to_won(stage));
    if (process.stage(stage).has_probability()) {
      row->set_probability(process.stage(stage).probability());
    }
  }
  return funnel;
}

}  // namespace

FunnelMap::FunnelMap(const ProcessCatalog& catalog, const std::vector<uint16_t>& versions) {
  // Processes in catalogue order, each newest version first: the current
  // definitions decide the order and the names.
  auto process_rank = [&](uint16_t version) {
    const auto& keys = catalog.keys();
    return std::find(keys.begin(), keys.end(), catalog.version(version).key()) - keys.begin();
  };
  std::vector<uint16_t> ordered = versions;
  std::sort(ordered.begin(), ordered.end(), [&](uint16_t a, uint16_t b) {
    const auto ra = process_rank(a), rb = process_rank(b);
    if (ra != rb) return ra < rb;
    return catalog.version(a).version() > catalog.version(b).version();
  });
  for (uint16_t version : ordered) merge_funnel(funnel_of(catalog.version(version)), &funnel_);

  rows_.resize(catalog.version_count());
  for (uint16_t version : versions) {
    const Process& process = catalog.version(version);
    rows_[version].resize(process.stage_count());
    for (int stage = 0; stage < process.stage_count(); ++stage) {
      rows_[version][stage] = find_row(funnel_, process.stage_key(stage));
    }
  }
}

}  // namespace voronka::analytics
