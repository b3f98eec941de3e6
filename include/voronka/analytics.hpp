// Reports over a ledger: snapshot, history, conversion, durations,
// obligations, losses, owners, forecast, what-if and window funnel.
//
// docs/semantics.md defines every number. Options and results are protobuf
// messages (proto/voronka/v1/report.proto); a Filter selects the deals
// (process, owners, clients, fields, period, as_of) and a Breakdown groups
// them. Every report is finished from a partial state
// (proto/voronka/v1/state.proto) that merges across partitions splitting the
// deals, so a distributed engine can compute parts and merge them.
//
// Speed: a report reads the deals a filter can select only. Deals are
// numbered as they arrive, and the ledger keeps the earliest and latest
// opening time of each block of 1,024: a scan skips the blocks opened after
// as_of, and those its period rules out (see README, "Performance"). Events
// sent roughly in time order, as a live system sends them, make the blocks
// narrow.
//
// Thread safety: reports take the ledger's shared lock for their duration;
// any number may run at once, beside one appending writer. A report over a
// ledger of 262,144 deals or more scans it in two halves, the second on a
// thread of its own (on a machine of two cores or more), and merges them as
// partitions merge: the result is exactly that of one scan. The halves are
// cut where the deals in blocks the scan does not skip halve.
#ifndef VORONKA_ANALYTICS_HPP_
#define VORONKA_ANALYTICS_HPP_

#include <optional>
#include <span>
#include <string_view>

#include "voronka/ledger.hpp"
#include "voronka/status.hpp"
#include "voronka/v1/report.pb.h"
#include "voronka/v1/state.pb.h"

namespace voronka {

// Any report, chosen by the spec's options.
Status run_report(const Ledger& ledger, const v1::ReportSpec& spec, v1::Report* out);

Status snapshot(const Ledger& ledger, const v1::SnapshotOptions& options, v1::SnapshotReport* out);
Status history(const Ledger& ledger, const v1::HistoryOptions& options, v1::HistoryReport* out);
Status conversion(const Ledger& ledger, const v1::ConversionOptions& options,
                  v1::ConversionReport* out);
Status durations(const Ledger& ledger, const v1::DurationsOptions& options,
                 v1::DurationsReport* out);
Status obligations(const Ledger& ledger, const v1::ObligationsOptions& options,
                   v1::ObligationsReport* out);
Status losses(const Ledger& ledger, const v1::LossesOptions& options, v1::LossesReport* out);
Status owners(const Ledger& ledger, const v1::OwnersOptions& options, v1::OwnersReport* out);
Status forecast(const Ledger& ledger, const v1::ForecastOptions& options, v1::ForecastReport* out);
Status whatif(const Ledger& ledger, const v1::WhatIfOptions& options, v1::WhatIfReport* out);
Status window_funnel(const Ledger& ledger, const v1::WindowOptions& options,
                     v1::WindowFunnelReport* out);

// The partial state of a report over this ledger's deals.
Status compute_partial(const Ledger& ledger, const v1::ReportSpec& spec, v1::PartialState* out);
// Merges partial states of one spec. States of reports that depend on "now"
// (snapshot, obligations, forecast) must share their time: give them an
// explicit as_of when the partitions' latest events differ.
Status merge_partials(std::span<const v1::PartialState> parts, v1::PartialState* out);
// The report of a (merged) partial state.
Status finish_partial(const v1::PartialState& state, v1::Report* out);

// "snapshot", "history", ... for a spec's options; empty when none is set.
std::string_view report_name(const v1::ReportSpec& spec);
// A spec with default options for a report name; nullopt for unknown names.
std::optional<v1::ReportSpec> report_spec(std::string_view name);

}  // namespace voronka

#endif  // VORONKA_ANALYTICS_HPP_
