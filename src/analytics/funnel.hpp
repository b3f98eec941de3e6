// The stage rows of a report: the union of the stages of the processes and
// versions it covers, in funnel order, stages with equal keys merged (which is
// how reports map stages across process versions).
#ifndef VORONKA_ANALYTICS_FUNNEL_HPP_
#define VORONKA_ANALYTICS_FUNNEL_HPP_

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "voronka/catalog.hpp"
#include "voronka/v1/state.pb.h"

namespace voronka::analytics {

// Inserts the stages of `from` into `into`: a key already present keeps its
// row; a new key goes right after the row of the stage before it in `from`
// (a process with no stage in common lands after the others).
// Names, successors and probabilities of `into` win over those of `from`.
//
// Returns where the rows went: tallies kept by row follow them.
struct RowMaps {
  using Map = std::vector<int>;
  Map from;  // the merged row of each row of `from`
  Map into;  // the merged row of each former row of `into`
  int merged = 0;  // rows of the merged funnel
  // Whether some row changed number (the maps are not the identity).
  bool from_moved = false, into_moved = false;
};
RowMaps merge_funnel(const v1::Funnel& from, v1::Funnel* into);
// The maps of merging a funnel of `rows` rows with itself.
RowMaps same_rows(int rows);

// Maps (process version, stage) to funnel rows.
class FunnelMap {
 public:
  // Covers `versions` (catalogue ids), newest first within a process so the
  // current definition decides order and names.
  FunnelMap(const ProcessCatalog& catalog, const std::vector<uint16_t>& versions);

  int rows() const { return funnel_.stages_size(); }
  int row(uint16_t version, int stage) const { return rows_[version][stage]; }
  // The rows of a version's stages, by stage.
  const int* rows_of(uint16_t version) const { return rows_[version].data(); }
  const v1::Funnel& funnel() const { return funnel_; }
  const std::string& key(int row) const { return funnel_.stages(row).key(); }

 private:
  v1::Funnel funnel_;
  std::vector<std::vector<int>> rows_;  // by catalogue version id, then stage
};

// The row of a key in a funnel, or -1.
int find_row(const v1::Funnel& funnel, std::string_view key);

// The rows of a stage's successors, in funnel order. A successor the funnel
// lacks (only in a state from elsewhere) is left out.
std::vector<int> successor_rows(const v1::Funnel& funnel, const v1::FunnelStage& stage);

}  // namespace voronka::analytics

#endif  // VORONKA_ANALYTICS_FUNNEL_HPP_
