// The reports: each computes a partial state over a scope, and finishes a
// (possibly merged) partial state into its report message.
#ifndef VORONKA_ANALYTICS_REPORTS_HPP_
#define VORONKA_ANALYTICS_REPORTS_HPP_

#include <optional>
#include <utility>
#include <vector>

#include "analytics/scope.hpp"
#include "voronka/v1/state.pb.h"

namespace voronka::analytics {

// history, conversion and what-if share one state.
void compute_history(const Scope& scope, const v1::Breakdown& breakdown, v1::Basis basis,
                     v1::Count count, v1::HistoryState* out);
void finish_history(const v1::PartialState& state, v1::HistoryReport* out);
void finish_conversion(const v1::PartialState& state, v1::ConversionReport* out);
void finish_whatif(const v1::PartialState& state, v1::WhatIfReport* out);

void compute_snapshot(const Scope& scope, const v1::SnapshotOptions& options,
                      v1::SnapshotState* out);
void finish_snapshot(const v1::PartialState& state, v1::SnapshotReport* out);
// The snapshot at the latest time read from the ledger's stage index, when
// the options allow it (no owner, client or field filter, no breakdown);
// false otherwise. Its median age is exact.
bool latest_snapshot(const Scope& scope, const v1::SnapshotOptions& options,
                     v1::SnapshotReport* out);

// One stage row of a snapshot, and the report's totals.
struct SnapshotRow {
  uint64_t open = 0, overdue = 0, rotting = 0, frozen = 0;
  int64_t amount = 0, weighted_amount = 0;
  std::optional<int64_t> median_age;
};
void add_snapshot_row(const v1::FunnelStage& stage, const SnapshotRow& row,
                      v1::SnapshotReport* report);

void compute_durations(const Scope& scope, const v1::DurationsOptions& options,
                       v1::DurationsState* out);
void finish_durations(const v1::PartialState& state, v1::DurationsReport* out);

void compute_obligations(const Scope& scope, v1::ObligationsState* out);
void finish_obligations(const v1::PartialState& state, v1::ObligationsReport* out);

void compute_losses(const Scope& scope, const v1::Breakdown& breakdown, v1::LossesState* out);
void finish_losses(const v1::PartialState& state, v1::LossesReport* out);

void compute_owners(const Scope& scope, v1::OwnersTally* out);
void finish_owners(const v1::PartialState& state, v1::OwnersReport* out);

void compute_forecast(const Scope& scope, const v1::ForecastOptions& options,
                      v1::ForecastState* out);
void finish_forecast(const v1::PartialState& state, v1::ForecastReport* out);

void compute_window(const Scope& scope, const v1::WindowOptions& options, v1::WindowState* out);
void finish_window(const v1::PartialState& state, v1::WindowFunnelReport* out);

// The furthest window-funnel level of a deal from its stage entries (time,
// funnel row) in time order; exposed for tests.
int window_level(const std::vector<std::pair<int64_t, int>>& entries, int64_t window,
                 v1::WindowOptions::Mode mode, int levels);

// Merging partial state bodies of one kind (`into` += `from`).
// A history's stages are by funnel row: `rows` says where the rows of each
// side went in the merged funnel.
void merge_history(const v1::HistoryState& from, const RowMaps& rows, v1::HistoryState* into);
void merge_snapshot(const v1::SnapshotState& from, v1::SnapshotState* into);
void merge_durations(const v1::DurationsState& from, v1::DurationsState* into);
void merge_obligations(const v1::ObligationsState& from, v1::ObligationsState* into);
void merge_losses(const v1::LossesState& from, v1::LossesState* into);
void merge_owners(const v1::OwnersTally& from, v1::OwnersTally* into);
void merge_forecast(const v1::ForecastState& from, v1::ForecastState* into);
void merge_window(const v1::WindowState& from, v1::WindowState* into);

// A report over at least this many deals splits its scan over two threads,
// where the machine has two cores: below, a thread costs more than it saves.
inline constexpr uint32_t kParallelFromDeals = uint32_t{1} << 18;

// The partial state of a report over a ledger's state. The scan runs in two
// halves on two threads when it covers at least `parallel_from` deals; the
// halves merge into exactly the state of one scan.
Status compute(const ledger::State& state, const v1::ReportSpec& spec, v1::PartialState* out,
               uint32_t parallel_from = kParallelFromDeals);

// Checks a spec's options: periods, breakdowns, windows, multipliers.
Status check_spec(const v1::ReportSpec& spec);

// The filter of a report spec, and its name ("history", ...).
const v1::Filter& spec_filter(const v1::ReportSpec& spec);
const char* spec_name(const v1::ReportSpec& spec);

}  // namespace voronka::analytics

#endif  // VORONKA_ANALYTICS_REPORTS_HPP_
