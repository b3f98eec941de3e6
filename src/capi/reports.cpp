// Reports, their tables, and partial states.
#include <fmt/format.h>
#include <google/protobuf/util/json_util.h>

#include <climits>

#include "capi/capi.hpp"
#include "voronka/render.hpp"

using namespace voronka;

namespace {

// The C enums mirror the schema's (unary + compares values across enum types).
static_assert(+VRK_BREAKDOWN_NONE == +v1::Breakdown::NONE &&
              +VRK_BREAKDOWN_OWNER == +v1::Breakdown::OWNER &&
              +VRK_BREAKDOWN_CLIENT == +v1::Breakdown::CLIENT &&
              +VRK_BREAKDOWN_PROCESS == +v1::Breakdown::PROCESS &&
              +VRK_BREAKDOWN_FIELD == +v1::Breakdown::FIELD &&
              +VRK_BREAKDOWN_WEEK == +v1::Breakdown::WEEK &&
              +VRK_BREAKDOWN_MONTH == +v1::Breakdown::MONTH &&
              +VRK_BREAKDOWN_QUARTER == +v1::Breakdown::QUARTER);
static_assert(+VRK_BASIS_CREATED == +v1::CREATED && +VRK_BASIS_CLOSED == +v1::CLOSED &&
              +VRK_BASIS_ACTIVITY == +v1::ACTIVITY);
static_assert(+VRK_COUNT_REACHED == +v1::REACHED && +VRK_COUNT_ENTERED == +v1::ENTERED);
static_assert(+VRK_WINDOW_DEFAULT == +v1::WindowOptions::DEFAULT &&
              +VRK_WINDOW_STRICT_ORDER == +v1::WindowOptions::STRICT_ORDER &&
              +VRK_WINDOW_STRICT_DEDUPLICATION == +v1::WindowOptions::STRICT_DEDUPLICATION &&
              +VRK_WINDOW_STRICT_INCREASE == +v1::WindowOptions::STRICT_INCREASE);
static_assert(VRK_COLUMN_TEXT == static_cast<int>(ColumnKind::kText) &&
              VRK_COLUMN_COUNT == static_cast<int>(ColumnKind::kCount) &&
              VRK_COLUMN_MONEY == static_cast<int>(ColumnKind::kMoney) &&
              VRK_COLUMN_RATIO == static_cast<int>(ColumnKind::kRatio) &&
              VRK_COLUMN_TIME == static_cast<int>(ColumnKind::kTime) &&
              VRK_COLUMN_DURATION == static_cast<int>(ColumnKind::kDuration) &&
              VRK_COLUMN_NUMBER == static_cast<int>(ColumnKind::kNumber) &&
              VRK_COLUMN_FLAG == static_cast<int>(ColumnKind::kFlag));
static_assert(VRK_FORMAT_TABLE == static_cast<int>(Format::kTable) &&
              VRK_FORMAT_CSV == static_cast<int>(Format::kCsv) &&
              VRK_FORMAT_JSON == static_cast<int>(Format::kJson) &&
              VRK_FORMAT_HTML == static_cast<int>(Format::kHtml));

// --- options ------------------------------------------------------------------
//
// Each converter checks what the C types cannot (arrays against their
// counts, enum ranges) and fills the report's options message; the meaning
// of the options is the analytics' to check.

int strings(const char* const* items, size_t count, const char* type, const char* name,
            google::protobuf::RepeatedPtrField<std::string>* out) {
  if (count > 0 && items == nullptr) {
    return capi::invalid(fmt::format("{}.{} is NULL but its count is {}", type, name, count));
  }
  for (size_t i = 0; i < count; ++i) {
    if (items[i] == nullptr) return capi::invalid(fmt::format("{}.{}[{}] is NULL", type, name, i));
    out->Add(items[i]);
  }
  return VRK_OK;
}

int filter_of(const vrk_filter& f, const char* type, v1::Filter* out) {
  out->set_process(f.process != nullptr ? f.process : "");
  if (int rc = strings(f.owners, f.owner_count, type, "filter.owners", out->mutable_owners())) {
    return rc;
  }
  if (int rc = strings(f.clients, f.client_count, type, "filter.clients", out->mutable_clients())) {
    return rc;
  }
  if (f.field_count > 0 && (f.field_keys == nullptr || f.field_values == nullptr)) {
    return capi::invalid(
        fmt::format("{}.filter.field_keys or field_values is NULL but "
                    "field_count is {}",
                    type, f.field_count));
  }
  for (size_t i = 0; i < f.field_count; ++i) {
    if (f.field_keys[i] == nullptr || f.field_values[i] == nullptr) {
      return capi::invalid(fmt::format("{}.filter: field {} has a NULL key or value", type, i));
    }
    // The filter is a map: a second value for a key would replace the first
    // and select deals the caller's conditions exclude.
    auto& fields = *out->mutable_fields();
    const std::string key = f.field_keys[i];
    if (const auto it = fields.find(key); it != fields.end() && it->second != f.field_values[i]) {
      return capi::invalid(
          fmt::format("{}.filter: field '{}' is given twice, as '{}' and '{}'; no deal has both",
                      type, key, it->second, f.field_values[i]));
    }
    fields[key] = f.field_values[i];
  }
  if (f.has_from) out->set_from(f.from);
  if (f.has_to) out->set_to(f.to);
  if (f.has_as_of) out->set_as_of(f.as_of);
  return VRK_OK;
}

int breakdown_of(const vrk_breakdown& b, const char* type, v1::Breakdown* out) {
  if (!v1::Breakdown::By_IsValid(b.by)) {
    return capi::invalid(fmt::format("{}.breakdown.by is {}, not a vrk_breakdown_by", type, b.by));
  }
  out->set_by(static_cast<v1::Breakdown::By>(b.by));
  out->set_field(b.field != nullptr ? b.field : "");
  return VRK_OK;
}

int basis_of(int basis, const char* type, v1::Basis* out) {
  if (!v1::Basis_IsValid(basis)) {
    return capi::invalid(fmt::format("{}.basis is {}, not a vrk_basis", type, basis));
  }
  *out = static_cast<v1::Basis>(basis);
  return VRK_OK;
}

int count_of(int count, const char* type, v1::Count* out) {
  if (!v1::Count_IsValid(count)) {
    return capi::invalid(fmt::format("{}.count is {}, not a vrk_count", type, count));
  }
  *out = static_cast<v1::Count>(count);
  return VRK_OK;
}

// Options with a filter and a breakdown, the common head of most reports.
template <typename COptions, typename Message>
int head_of(const COptions& o, const char* type, Message* out) {
  if (int rc = filter_of(o.filter, type, out->mutable_filter())) return rc;
  return breakdown_of(o.breakdown, type, out->mutable_breakdown());
}

int convert(const vrk_snapshot_options& o, v1::ReportSpec* spec) {
  auto* m = spec->mutable_snapshot();
  if (int rc = head_of(o, "vrk_snapshot_options", m)) return rc;
  m->set_rotting_days(o.rotting_days);
  return VRK_OK;
}

int convert(const vrk_history_options& o, v1::ReportSpec* spec) {
  const char* type = "vrk_history_options";
  auto* m = spec->mutable_history();
  v1::Basis basis;
  v1::Count count;
  if (int rc = head_of(o, type, m)) return rc;
  if (int rc = basis_of(o.basis, type, &basis)) return rc;
  if (int rc = count_of(o.count, type, &count)) return rc;
  m->set_basis(basis);
  m->set_count(count);
  return VRK_OK;
}

int convert(const vrk_conversion_options& o, v1::ReportSpec* spec) {
  const char* type = "vrk_conversion_options";
  auto* m = spec->mutable_conversion();
  v1::Basis basis;
  v1::Count count;
  if (int rc = head_of(o, type, m)) return rc;
  if (int rc = basis_of(o.basis, type, &basis)) return rc;
  if (int rc = count_of(o.count, type, &count)) return rc;
  m->set_basis(basis);
  m->set_count(count);
  return VRK_OK;
}

int convert(const vrk_durations_options& o, v1::ReportSpec* spec) {
  const char* type = "vrk_durations_options";
  auto* m = spec->mutable_durations();
  v1::Basis basis;
  if (int rc = head_of(o, type, m)) return rc;
  if (int rc = basis_of(o.basis, type, &basis)) return rc;
  m->set_basis(basis);
  m->set_cumulative(o.cumulative != 0);
  return VRK_OK;
}

int convert(const vrk_obligations_options& o, v1::ReportSpec* spec) {
  return filter_of(o.filter, "vrk_obligations_options",
                   spec->mutable_obligations()->mutable_filter());
}

int convert(const vrk_losses_options& o, v1::ReportSpec* spec) {
  return head_of(o, "vrk_losses_options", spec->mutable_losses());
}

int convert(const vrk_owners_options& o, v1::ReportSpec* spec) {
  return filter_of(o.filter, "vrk_owners_options", spec->mutable_owners()->mutable_filter());
}

int convert(const vrk_forecast_options& o, v1::ReportSpec* spec) {
  auto* m = spec->mutable_forecast();
  if (int rc = head_of(o, "vrk_forecast_options", m)) return rc;
  m->set_lookback_days(o.lookback_days);
  return VRK_OK;
}

int convert(const vrk_whatif_options& o, v1::ReportSpec* spec) {
  const char* type = "vrk_whatif_options";
  auto* m = spec->mutable_whatif();
  if (int rc = filter_of(o.filter, type, m->mutable_filter())) return rc;
  m->set_inflow(o.inflow);
  m->set_all_stages(o.all_stages);
  m->set_sensitivity_step(o.sensitivity_step);
  if (o.stage_count > 0 && (o.stages == nullptr || o.multipliers == nullptr)) {
    return capi::invalid(
        fmt::format("{}.stages or multipliers is NULL but stage_count is {}", type, o.stage_count));
  }
  for (size_t i = 0; i < o.stage_count; ++i) {
    if (o.stages[i] == nullptr) return capi::invalid(fmt::format("{}.stages[{}] is NULL", type, i));
    auto* stage = m->add_stages();
    stage->set_stage(o.stages[i]);
    stage->set_multiplier(o.multipliers[i]);
  }
  return VRK_OK;
}

int convert(const vrk_window_options& o, v1::ReportSpec* spec) {
  const char* type = "vrk_window_options";
  auto* m = spec->mutable_window();
  if (int rc = head_of(o, type, m)) return rc;
  if (!v1::WindowOptions::Mode_IsValid(o.mode)) {
    return capi::invalid(fmt::format("{}.mode is {}, not a vrk_window_mode", type, o.mode));
  }
  m->set_window_ms(o.window_ms);
  m->set_mode(static_cast<v1::WindowOptions::Mode>(o.mode));
  return VRK_OK;
}

// Runs a typed report: defaults for NULL options, size checked, converted,
// run.
template <typename COptions>
int run(vrk_report** out, const vrk_store* store, const COptions* options, const char* type) {
  return capi::guard([&] {
    if (out == nullptr) return capi::invalid(fmt::format("{}: out is NULL", type));
    *out = nullptr;
    if (store == nullptr) return capi::invalid(fmt::format("{}: store is NULL", type));
    COptions o{};
    o.size = sizeof(COptions);
    if (options != nullptr) {
      if (int rc = capi::check_size(*options, type); rc != VRK_OK) return rc;
      o = *options;
    }
    v1::ReportSpec spec;
    if (int rc = convert(o, &spec); rc != VRK_OK) return rc;
    return capi::make_report(out, [&](v1::Report* report) {
      return run_report(store->store->ledger(), spec, report);
    });
  });
}

template <typename COptions>
void init(COptions* options) {
  if (options == nullptr) return;
  *options = COptions{};
  options->size = sizeof(COptions);
}

int parse_spec(const char* json, v1::ReportSpec* spec) {
  google::protobuf::util::JsonParseOptions options;
  options.ignore_unknown_fields = false;
  const auto status = google::protobuf::util::JsonStringToMessage(json, spec, options);
  if (!status.ok()) {
    return capi::invalid(fmt::format("report spec JSON: {}", std::string(status.message())));
  }
  return VRK_OK;
}

// --- tables -------------------------------------------------------------------

const Table* table_at(const vrk_report* report, size_t table) {
  const ReportTables* tables = capi::tables_of(report);
  if (tables == nullptr || table >= tables->tables.size()) return nullptr;
  return &tables->tables[table];
}

const Value* cell_at(const vrk_report* report, size_t table, size_t row, size_t column) {
  const Table* t = table_at(report, table);
  if (t == nullptr || row >= t->rows.size() || column >= t->rows[row].size()) return nullptr;
  return &t->rows[row][column];
}

}  // namespace

namespace voronka::capi {

const ReportTables* tables_of(const vrk_report* report) noexcept {
  if (report == nullptr) return nullptr;
  if (const ReportTables* tables = report->tables.load(std::memory_order_acquire)) return tables;
  try {
    std::lock_guard lock(report->tables_mutex);
    if (report->tables_made == nullptr) {
      auto tables = std::make_unique<ReportTables>();
      // A report has a kind (make_report checks), so its tables are found.
      if (Status s = report_tables(*report->report, tables.get()); !s) {
        fail(s);
        return nullptr;
      }
      report->tables_made = std::move(tables);
      report->tables.store(report->tables_made.get(), std::memory_order_release);
    }
    return report->tables_made.get();
  } catch (...) {  // only std::bad_alloc is thrown here
    out_of_memory();
    return nullptr;
  }
}

}  // namespace voronka::capi

extern "C" {

void vrk_snapshot_options_init(vrk_snapshot_options* options) { init(options); }
void vrk_history_options_init(vrk_history_options* options) { init(options); }
void vrk_conversion_options_init(vrk_conversion_options* options) { init(options); }
void vrk_durations_options_init(vrk_durations_options* options) { init(options); }
void vrk_obligations_options_init(vrk_obligations_options* options) { init(options); }
void vrk_losses_options_init(vrk_losses_options* options) { init(options); }
void vrk_owners_options_init(vrk_owners_options* options) { init(options); }
void vrk_forecast_options_init(vrk_forecast_options* options) { init(options); }
void vrk_whatif_options_init(vrk_whatif_options* options) { init(options); }
void vrk_window_options_init(vrk_window_options* options) { init(options); }

int vrk_store_report_snapshot(vrk_report** out, const vrk_store* store,
                              const vrk_snapshot_options* options) {
  return run(out, store, options, "vrk_snapshot_options");
}

int vrk_store_report_history(vrk_report** out, const vrk_store* store,
                             const vrk_history_options* options) {
  return run(out, store, options, "vrk_history_options");
}

int vrk_store_report_conversion(vrk_report** out, const vrk_store* store,
                                const vrk_conversion_options* options) {
  return run(out, store, options, "vrk_conversion_options");
}

int vrk_store_report_durations(vrk_report** out, const vrk_store* store,
                               const vrk_durations_options* options) {
  return run(out, store, options, "vrk_durations_options");
}

int vrk_store_report_obligations(vrk_report** out, const vrk_store* store,
                                 const vrk_obligations_options* options) {
  return run(out, store, options, "vrk_obligations_options");
}

int vrk_store_report_losses(vrk_report** out, const vrk_store* store,
                            const vrk_losses_options* options) {
  return run(out, store, options, "vrk_losses_options");
}

int vrk_store_report_owners(vrk_report** out, const vrk_store* store,
                            const vrk_owners_options* options) {
  return run(out, store, options, "vrk_owners_options");
}

int vrk_store_report_forecast(vrk_report** out, const vrk_store* store,
                              const vrk_forecast_options* options) {
  return run(out, store, options, "vrk_forecast_options");
}

int vrk_store_report_whatif(vrk_report** out, const vrk_store* store,
                            const vrk_whatif_options* options) {
  return run(out, store, options, "vrk_whatif_options");
}

int vrk_store_report_window(vrk_report** out, const vrk_store* store,
                            const vrk_window_options* options) {
  return run(out, store, options, "vrk_window_options");
}

int vrk_store_report_json(vrk_report** out, const vrk_store* store, const char* spec_json) {
  return capi::guard([&] {
    if (out == nullptr) return capi::invalid("vrk_store_report_json: out is NULL");
    *out = nullptr;
    if (store == nullptr || spec_json == nullptr) {
      return capi::invalid("vrk_store_report_json: NULL argument");
    }
    v1::ReportSpec spec;
    if (int rc = parse_spec(spec_json, &spec); rc != VRK_OK) return rc;
    return capi::make_report(out, [&](v1::Report* report) {
      return run_report(store->store->ledger(), spec, report);
    });
  });
}

// --- the report handle --------------------------------------------------------

const char* vrk_report_name(const vrk_report* report) {
  const ReportTables* tables = capi::tables_of(report);
  return tables != nullptr ? tables->report.c_str() : nullptr;
}

const char* vrk_report_title(const vrk_report* report) {
  const ReportTables* tables = capi::tables_of(report);
  return tables != nullptr ? tables->title.c_str() : nullptr;
}

size_t vrk_report_table_count(const vrk_report* report) {
  const ReportTables* tables = capi::tables_of(report);
  return tables != nullptr ? tables->tables.size() : 0;
}

const char* vrk_report_table_name(const vrk_report* report, size_t table) {
  const Table* t = table_at(report, table);
  return t != nullptr ? t->name.c_str() : nullptr;
}

int vrk_report_find_table(size_t* out, const vrk_report* report, const char* name) {
  return capi::guard([&] {
    if (out != nullptr) *out = 0;
    if (out == nullptr || report == nullptr || name == nullptr) {
      return capi::invalid("vrk_report_find_table: NULL argument");
    }
    const ReportTables* tables = capi::tables_of(report);
    if (tables == nullptr) return vrk_last_error_code();  // out of memory
    if (Status s = find_table(*tables, name, out); !s) return capi::fail(s);
    return capi::ok();
  });
}

size_t vrk_report_column_count(const vrk_report* report, size_t table) {
  const Table* t = table_at(report, table);
  return t != nullptr ? t->columns.size() : 0;
}

const char* vrk_report_column_name(const vrk_report* report, size_t table, size_t column) {
  const Table* t = table_at(report, table);
  if (t == nullptr || column >= t->columns.size()) return nullptr;
  return t->columns[column].name.c_str();
}

int vrk_report_column_kind(const vrk_report* report, size_t table, size_t column) {
  const Table* t = table_at(report, table);
  if (t == nullptr || column >= t->columns.size()) {
    return capi::invalid(fmt::format("vrk_report_column_kind: no column {} of table {}{}", column,
                                     table, report == nullptr ? " (NULL report)" : ""));
  }
  return static_cast<int>(t->columns[column].kind);
}

int vrk_report_find_column(size_t* out, const vrk_report* report, size_t table, const char* name) {
  return capi::guard([&] {
    if (out != nullptr) *out = 0;
    if (out == nullptr || report == nullptr || name == nullptr) {
      return capi::invalid("vrk_report_find_column: NULL argument");
    }
    const ReportTables* tables = capi::tables_of(report);
    if (tables == nullptr) return vrk_last_error_code();  // out of memory
    if (table >= tables->tables.size()) {
      return capi::invalid(
          fmt::format("vrk_report_find_column: table {} is out of range: the "
                      "report has {} tables",
                      table, tables->tables.size()));
    }
    const Table* t = &tables->tables[table];
    for (size_t i = 0; i < t->columns.size(); ++i) {
      if (t->columns[i].name == name) {
        *out = i;
        return capi::ok();
      }
    }
    return capi::fail(Code::kNotFound, fmt::format("table '{}' has no column '{}'", t->name, name));
  });
}

size_t vrk_report_row_count(const vrk_report* report, size_t table) {
  const Table* t = table_at(report, table);
  return t != nullptr ? t->rows.size() : 0;
}

int vrk_report_value_type(const vrk_report* report, size_t table, size_t row, size_t column) {
  const Value* v = cell_at(report, table, row, column);
  if (v == nullptr) {
    return capi::invalid(fmt::format("vrk_report_value_type: no cell at row {}, column {} of "
                                     "table {}{}",
                                     row, column, table, report == nullptr ? " (NULL report)" : ""));
  }
  static_assert(std::is_same_v<std::variant_alternative_t<VRK_VALUE_NULL, Value>, std::monostate> &&
                std::is_same_v<std::variant_alternative_t<VRK_VALUE_INT64, Value>, int64_t> &&
                std::is_same_v<std::variant_alternative_t<VRK_VALUE_DOUBLE, Value>, double> &&
                std::is_same_v<std::variant_alternative_t<VRK_VALUE_TEXT, Value>, std::string>);
  return static_cast<int>(v->index());
}

int64_t vrk_report_int64(const vrk_report* report, size_t table, size_t row, size_t column) {
  const Value* v = cell_at(report, table, row, column);
  const int64_t* i = v != nullptr ? std::get_if<int64_t>(v) : nullptr;
  return i != nullptr ? *i : 0;
}

double vrk_report_double(const vrk_report* report, size_t table, size_t row, size_t column) {
  const Value* v = cell_at(report, table, row, column);
  if (v == nullptr) return 0.0;
  if (const double* d = std::get_if<double>(v)) return *d;
  if (const int64_t* i = std::get_if<int64_t>(v)) return static_cast<double>(*i);
  return 0.0;
}

const char* vrk_report_text(const vrk_report* report, size_t table, size_t row, size_t column) {
  const Value* v = cell_at(report, table, row, column);
  const std::string* s = v != nullptr ? std::get_if<std::string>(v) : nullptr;
  return s != nullptr ? s->c_str() : nullptr;
}

int vrk_report_protobuf(vrk_buf* out, const vrk_report* report) {
  return capi::guard([&] {
    if (out == nullptr) return capi::invalid("vrk_report_protobuf: out is NULL");
    *out = vrk_buf{nullptr, 0};
    if (report == nullptr) return capi::invalid("vrk_report_protobuf: report is NULL");
    return capi::fill(out, report->report->SerializeAsString());
  });
}

int vrk_report_json(vrk_buf* out, const vrk_report* report) {
  return capi::guard([&] {
    if (out == nullptr) return capi::invalid("vrk_report_json: out is NULL");
    *out = vrk_buf{nullptr, 0};
    if (report == nullptr) return capi::invalid("vrk_report_json: report is NULL");
    return capi::fill(out, report_json(*report->report));
  });
}

int vrk_report_render(vrk_buf* out, const vrk_report* report, int format, const char* table) {
  return capi::guard([&] {
    if (out == nullptr) return capi::invalid("vrk_report_render: out is NULL");
    *out = vrk_buf{nullptr, 0};
    if (report == nullptr) return capi::invalid("vrk_report_render: report is NULL");
    if (format < VRK_FORMAT_TABLE || format > VRK_FORMAT_HTML) {
      return capi::invalid(fmt::format("vrk_report_render: format {} is not a vrk_format", format));
    }
    RenderOptions options;
    options.format = static_cast<Format>(format);
    options.table = capi::view(table);
    std::string text;
    if (Status s = render_report(*report->report, options, &text); !s) return capi::fail(s);
    return capi::fill(out, text);
  });
}

void vrk_report_free(vrk_report* report) { delete report; }

// --- partial states -----------------------------------------------------------

int vrk_store_compute_partial(vrk_partial** out, const vrk_store* store, const char* spec_json) {
  return capi::guard([&] {
    if (out == nullptr) return capi::invalid("vrk_store_compute_partial: out is NULL");
    *out = nullptr;
    if (store == nullptr || spec_json == nullptr) {
      return capi::invalid("vrk_store_compute_partial: NULL argument");
    }
    v1::ReportSpec spec;
    if (int rc = parse_spec(spec_json, &spec); rc != VRK_OK) return rc;
    auto partial = std::make_unique<vrk_partial>();
    if (Status s = compute_partial(store->store->ledger(), spec, &partial->state); !s) {
      return capi::fail(s);
    }
    *out = partial.release();
    return capi::ok();
  });
}

int vrk_partial_serialize(vrk_buf* out, const vrk_partial* partial) {
  return capi::guard([&] {
    if (out == nullptr) return capi::invalid("vrk_partial_serialize: out is NULL");
    *out = vrk_buf{nullptr, 0};
    if (partial == nullptr) return capi::invalid("vrk_partial_serialize: partial is NULL");
    return capi::fill(out, partial->state.SerializeAsString());
  });
}

int vrk_partial_deserialize(vrk_partial** out, const void* data, size_t size) {
  return capi::guard([&] {
    if (out == nullptr) return capi::invalid("vrk_partial_deserialize: out is NULL");
    *out = nullptr;
    if (data == nullptr && size > 0) return capi::invalid("vrk_partial_deserialize: data is NULL");
    if (size > static_cast<size_t>(INT_MAX)) {
      return capi::invalid(
          fmt::format("vrk_partial_deserialize: {} bytes is more than a "
                      "partial state may hold",
                      size));
    }
    auto partial = std::make_unique<vrk_partial>();
    if (size > 0 && !partial->state.ParseFromArray(data, static_cast<int>(size))) {
      return capi::invalid("vrk_partial_deserialize: the bytes are not a serialized partial state");
    }
    *out = partial.release();
    return capi::ok();
  });
}

int vrk_partial_merge(vrk_partial** out, const vrk_partial* const* parts, size_t count) {
  return capi::guard([&] {
    if (out == nullptr) return capi::invalid("vrk_partial_merge: out is NULL");
    *out = nullptr;
    if (parts == nullptr && count > 0) return capi::invalid("vrk_partial_merge: parts is NULL");
    std::vector<v1::PartialState> states;
    states.reserve(count);
    for (size_t i = 0; i < count; ++i) {
      if (parts[i] == nullptr) {
        return capi::invalid(fmt::format("vrk_partial_merge: parts[{}] is NULL", i));
      }
      states.push_back(parts[i]->state);
    }
    auto merged = std::make_unique<vrk_partial>();
    if (Status s = merge_partials(states, &merged->state); !s) return capi::fail(s);
    *out = merged.release();
    return capi::ok();
  });
}

int vrk_partial_finish(vrk_report** out, const vrk_partial* partial) {
  return capi::guard([&] {
    if (out == nullptr) return capi::invalid("vrk_partial_finish: out is NULL");
    *out = nullptr;
    if (partial == nullptr) return capi::invalid("vrk_partial_finish: partial is NULL");
    return capi::make_report(out, [&](v1::Report* report) {
      return finish_partial(partial->state, report);
    });
  });
}

void vrk_partial_free(vrk_partial* partial) { delete partial; }

}  // extern "C"
