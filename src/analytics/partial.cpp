// The public report API: options checked, partial state computed under the
// ledger's shared lock, merged and finished.
#include <algorithm>
#include <system_error>
#include <utility>
#include <thread>

#include <google/protobuf/util/message_differencer.h>

#include <fmt/format.h>
#include <fmt/ranges.h>

#include "analytics/conversion_math.hpp"
#include "analytics/deal_scan.hpp"
#include "analytics/funnel.hpp"
#include "analytics/reports.hpp"
#include "ledger/access.hpp"
#include "voronka/analytics.hpp"
#include "voronka/time.hpp"

namespace voronka {
namespace analytics {
namespace {

// 2: history stage tallies carry the entry counts cumulative conversion and
// what-if read; a state of version 1 lacks them.
// 3: history stage tallies are by funnel row, and hold their ways.
constexpr uint32_t kFormatVersion = 3;

Status invalid(std::string message) { return Status(Code::kInvalidArgument, std::move(message)); }

Status check_filter(const v1::Filter& filter) {
  if (filter.has_from() && filter.has_to() && filter.from() > filter.to()) {
    return invalid(fmt::format("the period's start {} is after its end {}",
                               format_time(filter.from()), format_time(filter.to())));
  }
  return Status::ok();
}

Status check_breakdown(const v1::Breakdown& breakdown) {
  if (breakdown.by() == v1::Breakdown::FIELD && breakdown.field().empty()) {
    return invalid("a breakdown by field needs the field's name");
  }
  return Status::ok();
}

}  // namespace

Status check_spec(const v1::ReportSpec& spec) {
  if (spec.options_case() == v1::ReportSpec::OPTIONS_NOT_SET) {
    return invalid("the report spec names no report");
  }
  if (Status s = check_filter(spec_filter(spec)); !s) return s;
  switch (spec.options_case()) {
    case v1::ReportSpec::kSnapshot: return check_breakdown(spec.snapshot().breakdown());
    case v1::ReportSpec::kHistory: return check_breakdown(spec.history().breakdown());
    case v1::ReportSpec::kConversion: return check_breakdown(spec.conversion().breakdown());
    case v1::ReportSpec::kDurations: return check_breakdown(spec.durations().breakdown());
    case v1::ReportSpec::kLosses: return check_breakdown(spec.losses().breakdown());
    case v1::ReportSpec::kForecast: return check_breakdown(spec.forecast().breakdown());
    case v1::ReportSpec::kWindow:
      if (spec.window().window_ms() <= 0) {
        return invalid(fmt::format("window: the window must be positive, not {} ms",
                                   spec.window().window_ms()));
      }
      return check_breakdown(spec.window().breakdown());
    case v1::ReportSpec::kWhatif: {
      const auto& w = spec.whatif();
      // A bound keeps every projection finite: a million times the deals,
      // times a million on a stage, stays far inside a double. Written so
      // that NaN, which every comparison fails, fails it too.
      static constexpr double kMost = 1e6;
      const auto bad = [](double x) { return !(x >= 0 && x <= kMost); };
      const auto refuse = [](std::string_view what, double value) {
        return invalid(fmt::format("what-if: {} is {}; it must be a number from 0 to {:.0f}",
                                   what, value, kMost));
      };
      const std::pair<const char*, double> settings[] = {
          {"inflow", w.inflow()},
          {"all_stages", w.all_stages()},
          {"sensitivity_step", w.sensitivity_step()}};
      for (const auto& [name, value] : settings) {
        if (bad(value)) return refuse(name, value);
      }
      for (const auto& m : w.stages()) {
        if (bad(m.multiplier())) {
          return refuse(fmt::format("the multiplier of stage '{}'", m.stage()), m.multiplier());
        }
      }
      return Status::ok();
    }
    default: return Status::ok();
  }
}

namespace {

// Time-dependent reports cannot merge states computed at different times.
bool depends_on_now(const v1::ReportSpec& spec) {
  return spec.has_snapshot() || spec.has_obligations() || spec.has_forecast();
}

}  // namespace

const v1::Filter& spec_filter(const v1::ReportSpec& spec) {
  switch (spec.options_case()) {
    case v1::ReportSpec::kSnapshot: return spec.snapshot().filter();
    case v1::ReportSpec::kHistory: return spec.history().filter();
    case v1::ReportSpec::kConversion: return spec.conversion().filter();
    case v1::ReportSpec::kDurations: return spec.durations().filter();
    case v1::ReportSpec::kObligations: return spec.obligations().filter();
    case v1::ReportSpec::kLosses: return spec.losses().filter();
    case v1::ReportSpec::kOwners: return spec.owners().filter();
    case v1::ReportSpec::kForecast: return spec.forecast().filter();
    case v1::ReportSpec::kWhatif: return spec.whatif().filter();
    case v1::ReportSpec::kWindow: return spec.window().filter();
    default: return v1::Filter::default_instance();
  }
}

namespace {

// The report's body over the scope's deals.
void compute_body(const Scope& scope, const v1::ReportSpec& spec, v1::PartialState* out) {
  switch (spec.options_case()) {
    case v1::ReportSpec::kSnapshot:
      compute_snapshot(scope, spec.snapshot(), out->mutable_snapshot());
      break;
    case v1::ReportSpec::kHistory:
      compute_history(scope, spec.history().breakdown(), spec.history().basis(),
                      spec.history().count(), out->mutable_history());
      break;
    case v1::ReportSpec::kConversion:
      compute_history(scope, spec.conversion().breakdown(), spec.conversion().basis(),
                      spec.conversion().count(), out->mutable_history());
      break;
    case v1::ReportSpec::kWhatif:
      compute_history(scope, v1::Breakdown(), v1::CREATED, v1::REACHED, out->mutable_history());
      break;
    case v1::ReportSpec::kDurations:
      compute_durations(scope, spec.durations(), out->mutable_durations());
      break;
    case v1::ReportSpec::kObligations:
      compute_obligations(scope, out->mutable_obligations());
      break;
    case v1::ReportSpec::kLosses:
      compute_losses(scope, spec.losses().breakdown(), out->mutable_losses());
      break;
    case v1::ReportSpec::kOwners:
      compute_owners(scope, out->mutable_owners());
      break;
    case v1::ReportSpec::kForecast:
      compute_forecast(scope, spec.forecast(), out->mutable_forecast());
      break;
    case v1::ReportSpec::kWindow:
      compute_window(scope, spec.window(), out->mutable_window());
      break;
    default:
      break;
  }
}

// Whether two funnels hold the same stages in the same order.
bool same_stages(const v1::Funnel& a, const v1::Funnel& b) {
  return std::equal(a.stages().begin(), a.stages().end(), b.stages().begin(), b.stages().end(),
                    [](const v1::FunnelStage& x, const v1::FunnelStage& y) { return x.key() == y.key(); });
}

// "a, b, c": a funnel's stage keys.
std::string stage_list(const v1::Funnel& funnel) {
  std::vector<std::string_view> keys;
  for (const v1::FunnelStage& stage : funnel.stages()) keys.push_back(stage.key());
  return fmt::format("{}", fmt::join(keys, ", "));
}

// A body kept by funnel row must fit its funnel: rows are merged by number.
Status check_rows(const v1::PartialState& state) {
  if (state.body_case() != v1::PartialState::kHistory) return Status::ok();
  const int rows = state.funnel().stages_size();
  for (const v1::HistoryTally& tally : state.history().groups()) {
    if (tally.stages_size() > rows) {
      return invalid(fmt::format("its history group '{}' has {} stage rows for a funnel of {}",
                                 tally.group(), tally.stages_size(), rows));
    }
    for (int row = 0; row < tally.stages_size(); ++row) {
      for (const v1::Way& way : tally.stages(row).ways()) {
        if (way.to() < kWonWay || way.to() >= rows) {
          return invalid(fmt::format(
              "its history group '{}' has a way from row {} to row {}, in a funnel of {}",
              tally.group(), row, way.to(), rows));
        }
      }
    }
  }
  return Status::ok();
}

// `into` += `from`, for states of one report. `rows` says where the funnel
// rows of each side went (bodies kept by row follow them).
void merge_body(const v1::PartialState& from, const RowMaps& rows, v1::PartialState* into) {
  switch (from.body_case()) {
    case v1::PartialState::kHistory: merge_history(from.history(), rows, into->mutable_history()); break;
    case v1::PartialState::kSnapshot: merge_snapshot(from.snapshot(), into->mutable_snapshot()); break;
    case v1::PartialState::kDurations: merge_durations(from.durations(), into->mutable_durations()); break;
    case v1::PartialState::kObligations: merge_obligations(from.obligations(), into->mutable_obligations()); break;
    case v1::PartialState::kLosses: merge_losses(from.losses(), into->mutable_losses()); break;
    case v1::PartialState::kOwners: merge_owners(from.owners(), into->mutable_owners()); break;
    case v1::PartialState::kForecast: merge_forecast(from.forecast(), into->mutable_forecast()); break;
    case v1::PartialState::kWindow: merge_window(from.window(), into->mutable_window()); break;
    default: break;
  }
}

// Which deals the report's scan takes, for cutting the work in halves. Each
// report's compute function names its own pick; a different one here would
// cost balance only.
Pick scan_pick(const v1::ReportSpec& spec) {
  switch (spec.options_case()) {
    case v1::ReportSpec::kHistory: return pick_of(spec.history().basis());
    case v1::ReportSpec::kConversion: return pick_of(spec.conversion().basis());
    case v1::ReportSpec::kDurations: return pick_of(spec.durations().basis());
    case v1::ReportSpec::kWhatif:
    case v1::ReportSpec::kWindow: return Pick::kCreated;
    case v1::ReportSpec::kLosses: return Pick::kClosed;
    case v1::ReportSpec::kOwners: return Pick::kOpenedOrClosed;
    default: return Pick::kAll;
  }
}

// Computes the body over the scope's deals in two halves, the second on a
// helper thread, and merges the halves as partitions merge: exactly. The
// halves hold about as many deals each that the scan does not skip.
void compute_body_in_halves(Scope& scope, const v1::ReportSpec& spec, v1::PartialState* out) {
  const uint32_t middle = balanced_cut(scope, scan_pick(spec));
  Scope second;
  (void)second.init(scope.state(), spec_filter(spec));  // it resolved for `scope`
  second.restrict_deals(middle, scope.end_deal());
  scope.restrict_deals(scope.first_deal(), middle);
  v1::PartialState second_half;
  auto compute_second = [&] { compute_body(second, spec, &second_half); };
  std::thread helper;
  try {
    helper = std::thread(compute_second);
  } catch (const std::system_error&) {
    compute_second();  // no thread to be had: the same work, in turn
  }
  compute_body(scope, spec, out);
  if (helper.joinable()) helper.join();
  merge_body(second_half, same_rows(out->funnel().stages_size()), out);
}

}  // namespace

Status compute(const ledger::State& state, const v1::ReportSpec& spec, v1::PartialState* out,
               uint32_t parallel_from) {
  out->Clear();
  if (Status s = check_spec(spec); !s) return s;
  Scope scope;
  if (Status s = scope.init(state, spec_filter(spec)); !s) return s;
  if (spec.has_whatif()) {
    for (const auto& m : spec.whatif().stages()) {
      if (find_row(scope.funnel().funnel(), m.stage()) < 0) {
        return Status(Code::kNotFound, fmt::format("what-if: unknown stage '{}'", m.stage()));
      }
    }
  }
  out->set_format_version(kFormatVersion);
  *out->mutable_spec() = spec;
  *out->mutable_funnel() = scope.funnel().funnel();
  out->set_as_of(scope.as_of());
  out->set_as_of_given(scope.as_of_given());
  const uint32_t deals = scope.end_deal() - scope.first_deal();
  if (deals >= parallel_from && std::thread::hardware_concurrency() > 1) {
    compute_body_in_halves(scope, spec, out);
  } else {
    compute_body(scope, spec, out);
  }
  return Status::ok();
}

Status merge(std::span<const v1::PartialState> parts, v1::PartialState* out) {
  out->Clear();
  if (parts.empty()) return invalid("no partial states to merge");
  for (size_t i = 0; i < parts.size(); ++i) {
    const v1::PartialState& part = parts[i];
    if (part.format_version() != kFormatVersion) {
      return Status(Code::kVersionMismatch,
                    fmt::format("partial state {} has format version {}, this library reads {}",
                                i, part.format_version(), kFormatVersion));
    }
    if (part.body_case() == v1::PartialState::BODY_NOT_SET) {
      return invalid(fmt::format("partial state {} is empty", i));
    }
    if (Status s = check_rows(part); !s) {
      return invalid(fmt::format("partial state {}: {}", i, s.message()));
    }
    if (i == 0) {
      *out = part;
      continue;
    }
    if (!google::protobuf::util::MessageDifferencer::Equals(part.spec(), out->spec())) {
      return invalid(fmt::format("partial state {} was computed for other report options than "
                                 "state 0",
                                 i));
    }
    if (depends_on_now(part.spec()) && part.as_of() != out->as_of()) {
      return invalid(fmt::format(
          "partial states {} and 0 were computed at different times ({} and {}); give the report "
          "an explicit as_of",
          i, format_time(part.as_of()), format_time(out->as_of())));
    }
    if (part.has_window() && !same_stages(part.funnel(), out->funnel())) {
      return invalid(fmt::format(
          "partial states {} and 0 saw other stages ({} and {}); a window funnel counts levels "
          "along its funnel, so its partitions must know the same process versions",
          i, stage_list(part.funnel()), stage_list(out->funnel())));
    }
    out->set_as_of(std::max(out->as_of(), part.as_of()));
    const RowMaps rows = merge_funnel(part.funnel(), out->mutable_funnel());
    merge_body(part, rows, out);
  }
  return Status::ok();
}

Status finish(const v1::PartialState& state, v1::Report* out) {
  out->Clear();
  if (state.format_version() != kFormatVersion) {
    return Status(Code::kVersionMismatch,
                  fmt::format("partial state has format version {}, this library reads {}",
                              state.format_version(), kFormatVersion));
  }
  const v1::ReportSpec& spec = state.spec();
  auto body_is = [&](v1::PartialState::BodyCase body) {
    return state.body_case() == body ? Status::ok()
                                     : invalid(fmt::format("partial state for report '{}' has "
                                                           "no matching body",
                                                           spec_name(spec)));
  };
  switch (spec.options_case()) {
    case v1::ReportSpec::kSnapshot:
      if (Status s = body_is(v1::PartialState::kSnapshot); !s) return s;
      finish_snapshot(state, out->mutable_snapshot());
      break;
    case v1::ReportSpec::kHistory:
      if (Status s = body_is(v1::PartialState::kHistory); !s) return s;
      finish_history(state, out->mutable_history());
      break;
    case v1::ReportSpec::kConversion:
      if (Status s = body_is(v1::PartialState::kHistory); !s) return s;
      finish_conversion(state, out->mutable_conversion());
      break;
    case v1::ReportSpec::kWhatif:
      if (Status s = body_is(v1::PartialState::kHistory); !s) return s;
      finish_whatif(state, out->mutable_whatif());
      break;
    case v1::ReportSpec::kDurations:
      if (Status s = body_is(v1::PartialState::kDurations); !s) return s;
      finish_durations(state, out->mutable_durations());
      break;
    case v1::ReportSpec::kObligations:
      if (Status s = body_is(v1::PartialState::kObligations); !s) return s;
      finish_obligations(state, out->mutable_obligations());
      break;
    case v1::ReportSpec::kLosses:
      if (Status s = body_is(v1::PartialState::kLosses); !s) return s;
      finish_losses(state, out->mutable_losses());
      break;
    case v1::ReportSpec::kOwners:
      if (Status s = body_is(v1::PartialState::kOwners); !s) return s;
      finish_owners(state, out->mutable_owners());
      break;
    case v1::ReportSpec::kForecast:
      if (Status s = body_is(v1::PartialState::kForecast); !s) return s;
      finish_forecast(state, out->mutable_forecast());
      break;
    case v1::ReportSpec::kWindow:
      if (Status s = body_is(v1::PartialState::kWindow); !s) return s;
      finish_window(state, out->mutable_window());
      break;
    default:
      return invalid("the partial state names no report");
  }
  return Status::ok();
}

const char* spec_name(const v1::ReportSpec& spec) {
  switch (spec.options_case()) {
    case v1::ReportSpec::kSnapshot: return "snapshot";
    case v1::ReportSpec::kHistory: return "history";
    case v1::ReportSpec::kConversion: return "conversion";
    case v1::ReportSpec::kDurations: return "durations";
    case v1::ReportSpec::kObligations: return "obligations";
    case v1::ReportSpec::kLosses: return "losses";
    case v1::ReportSpec::kOwners: return "owners";
    case v1::ReportSpec::kForecast: return "forecast";
    case v1::ReportSpec::kWhatif: return "whatif";
    case v1::ReportSpec::kWindow: return "window";
    default: return "";
  }
}

}  // namespace analytics

Status compute_partial(const Ledger& ledger, const v1::ReportSpec& spec, v1::PartialState* out) {
  const ledger::Reader reader(ledger);
  return analytics::compute(reader.state(), spec, out);
}

Status merge_partials(std::span<const v1::PartialState> parts, v1::PartialState* out) {
  return analytics::merge(parts, out);
}

Status finish_partial(const v1::PartialState& state, v1::Report* out) {
  return analytics::finish(state, out);
}

Status run_report(const Ledger& ledger, const v1::ReportSpec& spec, v1::Report* out) {
  if (spec.has_snapshot()) {
    // The snapshot at the latest time comes from the index kept on append.
    const ledger::Reader reader(ledger);
    analytics::Scope scope;
    if (Status s = analytics::check_spec(spec); !s) return s;
    if (Status s = scope.init(reader.state(), spec.snapshot().filter()); !s) return s;
    if (analytics::latest_snapshot(scope, spec.snapshot(), out->mutable_snapshot())) {
      return Status::ok();
    }
  }
  v1::PartialState state;
  if (Status s = compute_partial(ledger, spec, &state); !s) {
    out->Clear();
    return s;
  }
  return finish_partial(state, out);
}

std::string_view report_name(const v1::ReportSpec& spec) { return analytics::spec_name(spec); }

std::optional<v1::ReportSpec> report_spec(std::string_view name) {
  v1::ReportSpec spec;
  if (name == "snapshot") spec.mutable_snapshot();
  else if (name == "history") spec.mutable_history();
  else if (name == "conversion") spec.mutable_conversion();
  else if (name == "durations") spec.mutable_durations();
  else if (name == "obligations") spec.mutable_obligations();
  else if (name == "losses") spec.mutable_losses();
  else if (name == "owners") spec.mutable_owners();
  else if (name == "forecast") spec.mutable_forecast();
  else if (name == "whatif") spec.mutable_whatif();
  else if (name == "window") spec.mutable_window();
  else return std::nullopt;
  return spec;
}

namespace {

// The typed entry points: wrap the options in a spec, run, unwrap.
template <typename Options, typename Result>
Status typed(const Ledger& ledger, const Options& options, Result* out,
             Options* (v1::ReportSpec::*set)(), const Result& (v1::Report::*get)() const) {
  v1::ReportSpec spec;
  *(spec.*set)() = options;
  v1::Report report;
  Status s = run_report(ledger, spec, &report);
  *out = (report.*get)();
  return s;
}

}  // namespace

Status snapshot(const Ledger& l, const v1::SnapshotOptions& o, v1::SnapshotReport* out) {
  return typed(l, o, out, &v1::ReportSpec::mutable_snapshot, &v1::Report::snapshot);
}
Status history(const Ledger& l, const v1::HistoryOptions& o, v1::HistoryReport* out) {
  return typed(l, o, out, &v1::ReportSpec::mutable_history, &v1::Report::history);
}
Status conversion(const Ledger& l, const v1::ConversionOptions& o, v1::ConversionReport* out) {
  return typed(l, o, out, &v1::ReportSpec::mutable_conversion, &v1::Report::conversion);
}
Status durations(const Ledger& l, const v1::DurationsOptions& o, v1::DurationsReport* out) {
  return typed(l, o, out, &v1::ReportSpec::mutable_durations, &v1::Report::durations);
}
Status obligations(const Ledger& l, const v1::ObligationsOptions& o, v1::ObligationsReport* out) {
  return typed(l, o, out, &v1::ReportSpec::mutable_obligations, &v1::Report::obligations);
}
Status losses(const Ledger& l, const v1::LossesOptions& o, v1::LossesReport* out) {
  return typed(l, o, out, &v1::ReportSpec::mutable_losses, &v1::Report::losses);
}
Status owners(const Ledger& l, const v1::OwnersOptions& o, v1::OwnersReport* out) {
  return typed(l, o, out, &v1::ReportSpec::mutable_owners, &v1::Report::owners);
}
Status forecast(const Ledger& l, const v1::ForecastOptions& o, v1::ForecastReport* out) {
  return typed(l, o, out, &v1::ReportSpec::mutable_forecast, &v1::Report::forecast);
}
Status whatif(const Ledger& l, const v1::WhatIfOptions& o, v1::WhatIfReport* out) {
  return typed(l, o, out, &v1::ReportSpec::mutable_whatif, &v1::Report::whatif);
}
Status window_funnel(const Ledger& l, const v1::WindowOptions& o, v1::WindowFunnelReport* out) {
  return typed(l, o, out, &v1::ReportSpec::mutable_window, &v1::Report::window);
}

}  // namespace voronka
