// voronka report KIND STORE [options]
#include <google/protobuf/util/json_util.h>

#include <cmath>

#include <fmt/format.h>
#include <fmt/ostream.h>

#include "cli/cli.hpp"
#include "voronka/analytics.hpp"
#include "voronka/render.hpp"

namespace voronka::cli {
namespace {

constexpr const char* kKinds[] = {"snapshot", "history",  "conversion", "durations", "obligations",
                                  "losses",   "owners",   "forecast",   "whatif",    "window"};

// The command line of a report; which flags were given is read off CLI11.
struct ReportFlags {
  std::string kind, store;
  std::string process;
  std::vector<std::string> owners, clients, fields;
  std::string from, to, as_of, at;
  std::string basis, count, by;
  std::string format = "table", out, table;
  std::string spec, save_spec;
  std::string window, mode;
  bool cumulative = false;
  uint32_t rotting_days = 0, lookback_days = 0;
  double inflow = 1, all_stages = 1, sensitivity_step = 0.1;
  std::vector<std::string> stage_multipliers;
};

bool given(const CLI::App& cmd, const char* flag) { return cmd.count(flag) > 0; }

// Numbers that must be greater than zero. The report options take 0 for their
// default, so an explicit 0 would silently become the default.
const CLI::Validator kPositive(
    [](std::string& input) -> std::string {
      double value = 0;
      if (CLI::detail::lexical_cast(input, value) && std::isfinite(value) && value > 0) return {};
      return fmt::format("'{}' is not a positive number", input);
    },
    "POSITIVE");

// The filter and breakdown a spec's report carries, whichever it is.
v1::Filter* filter_of(v1::ReportSpec& spec) {
  switch (spec.options_case()) {
    case v1::ReportSpec::kSnapshot: return spec.mutable_snapshot()->mutable_filter();
    case v1::ReportSpec::kHistory: return spec.mutable_history()->mutable_filter();
    case v1::ReportSpec::kConversion: return spec.mutable_conversion()->mutable_filter();
    case v1::ReportSpec::kDurations: return spec.mutable_durations()->mutable_filter();
    case v1::ReportSpec::kObligations: return spec.mutable_obligations()->mutable_filter();
    case v1::ReportSpec::kLosses: return spec.mutable_losses()->mutable_filter();
    case v1::ReportSpec::kOwners: return spec.mutable_owners()->mutable_filter();
    case v1::ReportSpec::kForecast: return spec.mutable_forecast()->mutable_filter();
    case v1::ReportSpec::kWhatif: return spec.mutable_whatif()->mutable_filter();
    case v1::ReportSpec::kWindow: return spec.mutable_window()->mutable_filter();
    default: return nullptr;
  }
}

v1::Breakdown* breakdown_of(v1::ReportSpec& spec) {
  switch (spec.options_case()) {
    case v1::ReportSpec::kSnapshot: return spec.mutable_snapshot()->mutable_breakdown();
    case v1::ReportSpec::kHistory: return spec.mutable_history()->mutable_breakdown();
    case v1::ReportSpec::kConversion: return spec.mutable_conversion()->mutable_breakdown();
    case v1::ReportSpec::kDurations: return spec.mutable_durations()->mutable_breakdown();
    case v1::ReportSpec::kLosses: return spec.mutable_losses()->mutable_breakdown();
    case v1::ReportSpec::kForecast: return spec.mutable_forecast()->mutable_breakdown();
    case v1::ReportSpec::kWindow: return spec.mutable_window()->mutable_breakdown();
    default: return nullptr;
  }
}

// Rejects a flag the report does not take.
void only_for(const CLI::App& cmd, const ReportFlags& f, const char* flag,
              std::initializer_list<const char*> kinds) {
  if (!given(cmd, flag)) return;
  for (const char* kind : kinds) {
    if (f.kind == kind) return;
  }
  throw UsageError(fmt::format("{} does not apply to the {} report (only to: {})", flag, f.kind,
                               fmt::join(kinds, ", ")));
}

v1::Breakdown parse_by(const std::string& text) {
  v1::Breakdown b;
  if (text == "owner") b.set_by(v1::Breakdown::OWNER);
  else if (text == "client") b.set_by(v1::Breakdown::CLIENT);
  else if (text == "process") b.set_by(v1::Breakdown::PROCESS);
  else if (text == "week") b.set_by(v1::Breakdown::WEEK);
  else if (text == "month") b.set_by(v1::Breakdown::MONTH);
  else if (text == "quarter") b.set_by(v1::Breakdown::QUARTER);
  else if (text.starts_with("field:") && text.size() > 6) {
    b.set_by(v1::Breakdown::FIELD);
    b.set_field(text.substr(6));
  } else {
    throw UsageError(fmt::format("--by: '{}' is not owner, client, process, field:NAME, week, "
                                 "month or quarter",
                                 text));
  }
  return b;
}

std::pair<std::string, std::string> split_pair(const std::string& flag, const std::string& text) {
  const auto eq = text.find('=');
  if (eq == std::string::npos || eq == 0) {
    throw UsageError(fmt::format("{}: '{}' is not NAME=VALUE", flag, text));
  }
  return {text.substr(0, eq), text.substr(eq + 1)};
}

v1::ReportSpec build_spec(const CLI::App& cmd, const ReportFlags& f) {
  v1::ReportSpec spec;
  if (!f.spec.empty()) {
    const auto status = google::protobuf::util::JsonStringToMessage(read_text_file(f.spec), &spec);
    if (!status.ok()) {
      throw Failure(fmt::format("--spec {}: {}", f.spec, std::string(status.message())));
    }
    if (report_name(spec) != f.kind) {
      throw UsageError(fmt::format("--spec {} holds a {} report, not {}", f.spec,
                                   report_name(spec).empty() ? "no" : report_name(spec), f.kind));
    }
  } else {
    spec = *report_spec(f.kind);
  }

  only_for(cmd, f, "--basis", {"history", "conversion", "durations"});
  only_for(cmd, f, "--count", {"history", "conversion"});
  only_for(cmd, f, "--window", {"window"});
  only_for(cmd, f, "--mode", {"window"});
  only_for(cmd, f, "--cumulative", {"durations"});
  only_for(cmd, f, "--rotting-days", {"snapshot"});
  only_for(cmd, f, "--lookback-days", {"forecast"});
  for (const char* flag : {"--inflow", "--all-stages", "--stage-multiplier", "--sensitivity-step"}) {
    only_for(cmd, f, flag, {"whatif"});
  }
  only_for(cmd, f, "--by", {"snapshot", "history", "conversion", "durations", "losses", "forecast", "window"});
  if (given(cmd, "--as-of") && given(cmd, "--at")) {
    throw UsageError("--at and --as-of are the same; give one");
  }

  v1::Filter* filter = filter_of(spec);
  if (given(cmd, "--process")) filter->set_process(f.process);
  if (given(cmd, "--owner")) {
    filter->clear_owners();
    for (const auto& o : f.owners) filter->add_owners(o);
  }
  if (given(cmd, "--client")) {
    filter->clear_clients();
    for (const auto& c : f.clients) filter->add_clients(c);
  }
  if (given(cmd, "--field")) {
    filter->clear_fields();
    for (const auto& text : f.fields) {
      const auto [key, value] = split_pair("--field", text);
      (*filter->mutable_fields())[key] = value;
    }
  }
  if (given(cmd, "--from")) filter->set_from(parse_time_flag("--from", f.from));
  if (given(cmd, "--to")) filter->set_to(parse_time_flag("--to", f.to));
  if (given(cmd, "--as-of")) filter->set_as_of(parse_time_flag("--as-of", f.as_of));
  if (given(cmd, "--at")) filter->set_as_of(parse_time_flag("--at", f.at));
  if (given(cmd, "--by")) *breakdown_of(spec) = parse_by(f.by);

  const auto basis = f.basis == "closed" ? v1::CLOSED : f.basis == "activity" ? v1::ACTIVITY : v1::CREATED;
  const auto count = f.count == "entered" ? v1::ENTERED : v1::REACHED;
  if (spec.has_history()) {
    if (given(cmd, "--basis")) spec.mutable_history()->set_basis(basis);
    if (given(cmd, "--count")) spec.mutable_history()->set_count(count);
  }
  if (spec.has_conversion()) {
    if (given(cmd, "--basis")) spec.mutable_conversion()->set_basis(basis);
    if (given(cmd, "--count")) spec.mutable_conversion()->set_count(count);
  }
  if (spec.has_durations()) {
    if (given(cmd, "--basis")) spec.mutable_durations()->set_basis(basis);
    if (given(cmd, "--cumulative")) spec.mutable_durations()->set_cumulative(f.cumulative);
  }
  if (spec.has_snapshot() && given(cmd, "--rotting-days")) {
    spec.mutable_snapshot()->set_rotting_days(f.rotting_days);
  }
  if (spec.has_forecast() && given(cmd, "--lookback-days")) {
    spec.mutable_forecast()->set_lookback_days(f.lookback_days);
  }
  if (spec.has_window()) {
    auto* w = spec.mutable_window();
    if (given(cmd, "--window")) w->set_window_ms(parse_duration_flag("--window", f.window));
    if (w->window_ms() == 0) w->set_window_ms(30LL * 86'400'000);  // a month by default
    if (given(cmd, "--mode")) {
      v1::WindowOptions::Mode mode;
      std::string upper;
      for (char c : f.mode) upper += c == '-' ? '_' : static_cast<char>(std::toupper(c));
      if (!v1::WindowOptions::Mode_Parse(upper, &mode)) {
        throw UsageError(fmt::format("--mode: '{}' is not default, strict_order, "
                                     "strict_deduplication or strict_increase",
                                     f.mode));
      }
      w->set_mode(mode);
    }
  }
  if (spec.has_whatif()) {
    auto* w = spec.mutable_whatif();
    if (given(cmd, "--inflow")) w->set_inflow(f.inflow);
    if (given(cmd, "--all-stages")) w->set_all_stages(f.all_stages);
    if (given(cmd, "--sensitivity-step")) w->set_sensitivity_step(f.sensitivity_step);
    if (given(cmd, "--stage-multiplier")) {
      w->clear_stages();
      for (const auto& text : f.stage_multipliers) {
        const auto [stage, value] = split_pair("--stage-multiplier", text);
        char* end = nullptr;
        const double m = std::strtod(value.c_str(), &end);
        if (end == value.c_str() || *end != '\0') {
          throw UsageError(fmt::format("--stage-multiplier: '{}' is not a number", value));
        }
        auto* sm = w->add_stages();
        sm->set_stage(stage);
        sm->set_multiplier(m);
      }
    }
  }
  return spec;
}

// Refuses an output that would overwrite the store, a file beside it, the
// spec read, or the other output.
void check_outputs(const ReportFlags& f) {
  std::vector<KeptFile> kept = kept_store_files(f.store);
  if (!f.spec.empty()) kept.push_back({f.spec, fmt::format("the --spec file {}", f.spec)});
  if (!f.save_spec.empty()) check_output_path("--save-spec", f.save_spec, kept);
  if (!f.out.empty()) {
    if (!f.save_spec.empty()) kept.push_back({f.save_spec, fmt::format("the --save-spec file {}", f.save_spec)});
    check_output_path("--out", f.out, kept);
  }
}

void run_report(const CLI::App& cmd, const ReportFlags& f, Context& context) {
  check_outputs(f);
  const v1::ReportSpec spec = build_spec(cmd, f);
  if (!f.save_spec.empty()) {
    google::protobuf::util::JsonPrintOptions options;
    options.add_whitespace = true;
    options.preserve_proto_field_names = true;
    std::string json;
    (void)google::protobuf::util::MessageToJsonString(spec, &json, options);
    write_text_file(f.save_spec, json);
  }
  auto store = open_store(f.store, /*writable=*/false);
  v1::Report report;
  const Status s = run_report(store->ledger(), spec, &report);
  if (s.code() == Code::kInvalidArgument) throw UsageError(s.message());
  check(s);
  RenderOptions render;
  render.format = *parse_format(f.format);
  render.table = f.table;
  std::string text;
  const Status rendered = render_report(report, render, &text);
  if (!rendered) throw UsageError(rendered.message());
  if (f.out.empty()) {
    context.out << text;
  } else {
    write_text_file(f.out, text);
    fmt::print(context.out, "wrote {}\n", f.out);
  }
}

}  // namespace

void add_report_command(CLI::App& app, Context& context) {
  auto* cmd = app.add_subcommand("report", "Compute a report over a store");
  auto f = std::make_shared<ReportFlags>();
  std::vector<std::string> kinds(std::begin(kKinds), std::end(kKinds));
  cmd->add_option("kind", f->kind, "snapshot, history, conversion, durations, obligations, "
                                   "losses, owners, forecast, whatif or window")
      ->required()
      ->check(CLI::IsMember(kinds));
  cmd->add_option("store", f->store, "The store")->required();
  cmd->add_option("--process", f->process, "Only this process");
  cmd->add_option("--owner", f->owners, "Only these owners (repeatable)");
  cmd->add_option("--client", f->clients, "Only these clients (repeatable)");
  cmd->add_option("--field", f->fields, "Only deals with field K equal to V: K=V (repeatable)");
  cmd->add_option("--from", f->from, "Period start, inclusive (ISO 8601)");
  cmd->add_option("--to", f->to, "Period end, exclusive (ISO 8601)");
  cmd->add_option("--as-of", f->as_of, "Count events up to this time (default: the latest)");
  cmd->add_option("--at", f->at, "The same as --as-of (the snapshot's time)");
  cmd->add_option("--basis", f->basis, "created, closed or activity")
      ->check(CLI::IsMember({"created", "closed", "activity"}));
  cmd->add_option("--count", f->count, "reached or entered")
      ->check(CLI::IsMember({"reached", "entered"}));
  cmd->add_option("--by", f->by, "owner, client, process, field:NAME, week, month or quarter");
  cmd->add_option("--format", f->format, "table, json, csv or html")
      ->check(CLI::IsMember({"table", "json", "csv", "html"}));
  cmd->add_option("--table", f->table, "Only this table (stages, flows, summary, ...); csv and table formats");
  cmd->add_option("--out", f->out, "Write to this file instead of standard output");
  cmd->add_option("--spec", f->spec, "Load report settings saved with --save-spec");
  cmd->add_option("--save-spec", f->save_spec, "Save the report settings (JSON)");
  cmd->add_option("--window", f->window, "window: the window (7d, 36h, ...; default 30d)");
  cmd->add_option("--mode", f->mode, "window: default, strict_order, strict_deduplication or "
                                     "strict_increase");
  cmd->add_flag("--cumulative", f->cumulative, "durations: all visits of a stage, not the first");
  cmd->add_option("--rotting-days", f->rotting_days, "snapshot: rotting limit for every stage")
      ->check(kPositive);
  cmd->add_option("--lookback-days", f->lookback_days, "forecast: history window (default 365)")
      ->check(kPositive);
  cmd->add_option("--inflow", f->inflow, "whatif: multiplier of new deals")
      ->check(kPositive);
  cmd->add_option("--all-stages", f->all_stages, "whatif: multiplier of every step conversion")
      ->check(kPositive);
  cmd->add_option("--stage-multiplier", f->stage_multipliers,
                  "whatif: STAGE=X multiplies one stage's conversion (repeatable)");
  cmd->add_option("--sensitivity-step", f->sensitivity_step,
                  "whatif: relative improvement for the ranking (default 0.1)")
      ->check(kPositive);
  cmd->callback([cmd, f, &context] { run_report(*cmd, *f, context); });
}

}  // namespace voronka::cli
