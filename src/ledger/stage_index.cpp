#include "ledger/stage_index.hpp"

#include <algorithm>

#include "ledger/state.hpp"
#include "model/money.hpp"

namespace voronka::ledger {
namespace {

void insert_sorted(std::vector<int64_t>& values, int64_t value) {
  values.insert(std::upper_bound(values.begin(), values.end(), value), value);
}

void erase_sorted(std::vector<int64_t>& values, int64_t value) {
  const auto it = std::lower_bound(values.begin(), values.end(), value);
  if (it != values.end() && *it == value) values.erase(it);
}

}  // namespace

StageIndex::Stage& StageIndex::slot(uint16_t version, int stage) {
  if (version >= stages_.size()) stages_.resize(version + 1);
  auto& by_stage = stages_[version];
  if (stage >= static_cast<int>(by_stage.size())) by_stage.resize(stage + 1);
  return by_stage[stage];
}

const StageIndex::Stage* StageIndex::stage(uint16_t version, int stage) const {
  if (version >= stages_.size() || stage >= static_cast<int>(stages_[version].size())) {
    return nullptr;
  }
  return &stages_[version][stage];
}

void StageIndex::contribute(const State& s, uint32_t deal, int sign) {
  const DealStatus status = s.deals.status[deal];
  if (status != DealStatus::kOpen && status != DealStatus::kFrozen) return;
  const uint16_t version = s.deals.version[deal];
  const int stage_index = s.deals.stage[deal];
  Stage& stage = slot(version, stage_index);
  if (status == DealStatus::kFrozen) {
    stage.frozen += sign;
    return;
  }
  const int64_t amount = s.deals.amount[deal];
  stage.open += sign;
  stage.amount_sum += sign * __int128{amount};
  const v1::Stage& definition = s.catalog.version(version).stage(stage_index);
  stage.weighted_sum +=
      sign * __int128{model::weighted_amount(amount, model::probability(definition))};
  const int64_t entered = s.deals.stage_since[deal];
  const int64_t changed = s.timelines.last_time(deal);
  if (sign > 0) {
    insert_sorted(stage.entered_at, entered);
    insert_sorted(stage.changed_at, changed);
  } else {
    erase_sorted(stage.entered_at, entered);
    erase_sorted(stage.changed_at, changed);
  }
}

void StageIndex::remove(const State& state, uint32_t deal) {
  if (built_) contribute(state, deal, -1);
}

void StageIndex::add(const State& state, uint32_t deal) {
  if (built_) contribute(state, deal, +1);
}

void StageIndex::drop() {
  std::lock_guard lock(build_mutex_);
  built_ = false;
  stages_.clear();
}

void StageIndex::ensure_built(const State& state) const {
  std::lock_guard lock(build_mutex_);
  if (built_) return;
  auto& self = const_cast<StageIndex&>(*this);
  self.stages_.clear();
  self.built_ = true;
  const auto deals = static_cast<uint32_t>(state.deals.size());
  // Appending unsorted and sorting once is cheaper than sorted inserts.
  for (uint32_t deal = 0; deal < deals; ++deal) {
    const DealStatus status = state.deals.status[deal];
    if (status != DealStatus::kOpen && status != DealStatus::kFrozen) continue;
    Stage& stage = self.slot(state.deals.version[deal], state.deals.stage[deal]);
    if (status == DealStatus::kFrozen) {
      ++stage.frozen;
      continue;
    }
    const int64_t amount = state.deals.amount[deal];
    ++stage.open;
    stage.amount_sum += amount;
    const v1::Stage& definition =
        state.catalog.version(state.deals.version[deal]).stage(state.deals.stage[deal]);
    stage.weighted_sum += model::weighted_amount(amount, model::probability(definition));
    stage.entered_at.push_back(state.deals.stage_since[deal]);
    stage.changed_at.push_back(state.timelines.last_time(deal));
  }
  for (auto& by_stage : self.stages_) {
    for (Stage& stage : by_stage) {
      std::sort(stage.entered_at.begin(), stage.entered_at.end());
      std::sort(stage.changed_at.begin(), stage.changed_at.end());
    }
  }
}

}  // namespace voronka::ledger
