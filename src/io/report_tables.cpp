// Reports as tables, read off the report schema with protobuf reflection, so
// that every report and every field added later is tabulated the same way.
#include <google/protobuf/descriptor.h>
#include <google/protobuf/reflection.h>

#include <fmt/format.h>

#include "io/text_format.hpp"
#include "model/utf8.hpp"
#include "voronka/tables.hpp"
#include "voronka/time.hpp"

namespace voronka {
namespace {

using google::protobuf::Descriptor;
using google::protobuf::FieldDescriptor;
using google::protobuf::Message;
using google::protobuf::Reflection;

bool contains(const std::string& name, const char* part) {
  return name.find(part) != std::string::npos;
}

ColumnKind kind_of(const FieldDescriptor* field, const std::string& name) {
  switch (field->cpp_type()) {
    case FieldDescriptor::CPPTYPE_STRING:
    case FieldDescriptor::CPPTYPE_ENUM:
      return ColumnKind::kText;
    case FieldDescriptor::CPPTYPE_BOOL:
      return ColumnKind::kFlag;
    case FieldDescriptor::CPPTYPE_DOUBLE:
    case FieldDescriptor::CPPTYPE_FLOAT:
      if (contains(name, "conversion") || contains(name, "share") || contains(name, "rate") ||
          contains(name, "step") ||
          contains(name, "probability") || contains(name, "drop_off")) {
        return ColumnKind::kRatio;
      }
      return name.ends_with("_ms") ? ColumnKind::kDuration : ColumnKind::kNumber;
    default:
      break;
  }
  if (name.ends_with("_ms")) return ColumnKind::kDuration;
  if (name == "at" || name == "from" || name == "to" || name == "as_of" ||
      name.ends_with("_at") || name.ends_with("_from")) {
    return ColumnKind::kTime;
  }
  if (contains(name, "amount")) return ColumnKind::kMoney;
  return ColumnKind::kCount;
}

Value value_of(const Message& m, const FieldDescriptor* f) {
  const Reflection* r = m.GetReflection();
  if (f->has_presence() && !r->HasField(m, f)) return std::monostate();
  switch (f->cpp_type()) {
    case FieldDescriptor::CPPTYPE_INT32: return int64_t{r->GetInt32(m, f)};
    case FieldDescriptor::CPPTYPE_INT64: return r->GetInt64(m, f);
    case FieldDescriptor::CPPTYPE_UINT32: return int64_t{r->GetUInt32(m, f)};
    case FieldDescriptor::CPPTYPE_UINT64: return static_cast<int64_t>(r->GetUInt64(m, f));
    case FieldDescriptor::CPPTYPE_DOUBLE: return r->GetDouble(m, f);
    case FieldDescriptor::CPPTYPE_FLOAT: return double{r->GetFloat(m, f)};
    case FieldDescriptor::CPPTYPE_BOOL: return int64_t{r->GetBool(m, f)};
    case FieldDescriptor::CPPTYPE_STRING: return r->GetString(m, f);
    case FieldDescriptor::CPPTYPE_ENUM: return r->GetEnum(m, f)->name();
    default: return std::monostate();
  }
}

// The scalar fields of a message, nested messages flattened.
void scalar_columns(const Descriptor* d, const std::string& prefix, std::vector<Column>* out,
                    std::vector<std::vector<const FieldDescriptor*>>* paths,
                    std::vector<const FieldDescriptor*> path = {}) {
  for (int i = 0; i < d->field_count(); ++i) {
    const FieldDescriptor* f = d->field(i);
    if (f->is_repeated() || f->name() == "group") continue;
    std::vector<const FieldDescriptor*> here = path;
    here.push_back(f);
    const std::string name = prefix + f->name();
    if (f->cpp_type() == FieldDescriptor::CPPTYPE_MESSAGE) {
      scalar_columns(f->message_type(), name + "_", out, paths, here);
      continue;
    }
    out->push_back(Column{name, kind_of(f, f->name())});
    paths->push_back(here);
  }
}

Value value_at(const Message& m, const std::vector<const FieldDescriptor*>& path) {
  const Message* at = &m;
  for (size_t i = 0; i + 1 < path.size(); ++i) {
    at = &at->GetReflection()->GetMessage(*at, path[i]);
  }
  return value_of(*at, path.back());
}

const std::string kAllDeals;

struct TableBuilder {
  Table table;
  std::vector<std::vector<const FieldDescriptor*>> paths;
  // `group`: nullptr for a report without groups, the label of a group, or
  // kAllDeals for the rows of the whole report (whose group is null).
  void add_row(const std::string* group, const Message& m) {
    std::vector<Value> row;
    row.reserve(paths.size() + 1);
    if (group == &kAllDeals) {
      row.emplace_back(std::monostate());
    } else if (group) {
      row.emplace_back(*group);
    }
    for (const auto& path : paths) row.push_back(value_at(m, path));
    table.rows.push_back(std::move(row));
  }
};

void add_rows(const Message& report, const std::string* group,
              std::vector<TableBuilder>& tables, TableBuilder& summary,
              const std::vector<const FieldDescriptor*>& lists) {
  const Reflection* r = report.GetReflection();
  for (size_t t = 0; t < lists.size(); ++t) {
    for (int i = 0; i < r->FieldSize(report, lists[t]); ++i) {
      tables[t].add_row(group, r->GetRepeatedMessage(report, lists[t], i));
    }
  }
  summary.add_row(group, report);
}

std::string period_text(const Message& report) {
  const Descriptor* d = report.GetDescriptor();
  const Reflection* r = report.GetReflection();
  auto time_of = [&](const char* name) -> std::optional<int64_t> {
    const FieldDescriptor* f = d->FindFieldByName(name);
    if (f == nullptr || !r->HasField(report, f)) return std::nullopt;
    return r->GetInt64(report, f);
  };
  const auto from = time_of("from");
  const auto to = time_of("to");
  if (from && to) return fmt::format("from {} to {}", format_time(*from), format_time(*to));
  if (from) return fmt::format("since {}", format_time(*from));
  if (to) return fmt::format("until {}", format_time(*to));
  return "any time";
}

std::string title_of(const v1::Report& report, const Message& m) {
  const auto process_of = [](const std::string& p) {
    return p.empty() ? std::string("all processes") : "'" + p + "'";
  };
  switch (report.kind_case()) {
    case v1::Report::kSnapshot:
      return fmt::format("Snapshot of {}: deals open at {}", process_of(report.snapshot().process()),
                         format_time(report.snapshot().at()));
    case v1::Report::kHistory: {
      const auto& h = report.history();
      return fmt::format("History of {}: deals {} {}, counting {}, as of {}", process_of(h.process()),
                         h.basis() == "closed" ? "won or lost" : h.basis() == "activity" ? "active" : "created",
                         period_text(m), h.count(), format_time(h.as_of()));
    }
    case v1::Report::kConversion: {
      const auto& c = report.conversion();
      return fmt::format("Conversion of {}: deals {} {}, counting {}, as of {}",
                         process_of(c.process()),
                         c.basis() == "closed" ? "won or lost" : c.basis() == "activity" ? "active" : "created",
                         period_text(m), c.count(), format_time(c.as_of()));
    }
    case v1::Report::kDurations: {
      const auto& d = report.durations();
      return fmt::format("Time in stage ({}) of {}: deals {} {}, as of {}",
                         d.cumulative() ? "all visits" : "first visit", process_of(d.process()),
                         d.basis() == "closed" ? "won or lost" : d.basis() == "activity" ? "active" : "created",
                         period_text(m), format_time(d.as_of()));
    }
    case v1::Report::kObligations:
      return fmt::format("Overdue deals of {} at {}", process_of(report.obligations().process()),
                         format_time(report.obligations().at()));
    case v1::Report::kLosses:
      return fmt::format("Losses of {}: deals lost {}, as of {}", process_of(report.losses().process()),
                         period_text(m), format_time(report.losses().as_of()));
    case v1::Report::kOwners:
      return fmt::format("Manager rating for {}: {}, as of {}", process_of(report.owners().process()),
                         period_text(m), format_time(report.owners().as_of()));
    case v1::Report::kForecast:
      return fmt::format("Forecast of {} at {}, probabilities learned since {}",
                         process_of(report.forecast().process()), format_time(report.forecast().at()),
                         format_time(report.forecast().lookback_from()));
    case v1::Report::kWhatif:
      return fmt::format("What-if for {}: deals created {}, as of {}",
                         process_of(report.whatif().process()), period_text(m),
                         format_time(report.whatif().as_of()));
    case v1::Report::kWindow: {
      const auto& w = report.window();
      return fmt::format("Window funnel of {} ({}, window {}): deals created {}, as of {}",
                         process_of(w.process()), w.mode(), io::exact_duration_text(w.window_ms()),
                         period_text(m), format_time(w.as_of()));
    }
    default:
      return "";
  }
}

}  // namespace

Status report_tables(const v1::Report& report, ReportTables* out) {
  *out = ReportTables();
  const Reflection* r = report.GetReflection();
  const auto* oneof = report.GetDescriptor()->FindOneofByName("kind");
  const FieldDescriptor* kind = r->GetOneofFieldDescriptor(report, oneof);
  if (kind == nullptr) return Status(Code::kInvalidArgument, "the report is empty");
  const Message& m = r->GetMessage(report, kind);
  const Descriptor* d = m.GetDescriptor();
  out->report = kind->name();
  out->title = title_of(report, m);

  const FieldDescriptor* groups = d->FindFieldByName("groups");
  const bool grouped = groups != nullptr && m.GetReflection()->FieldSize(m, groups) > 0;
  std::vector<const FieldDescriptor*> lists;
  std::vector<TableBuilder> tables;
  for (int i = 0; i < d->field_count(); ++i) {
    const FieldDescriptor* f = d->field(i);
    if (!f->is_repeated() || f->cpp_type() != FieldDescriptor::CPPTYPE_MESSAGE || f == groups) continue;
    lists.push_back(f);
    TableBuilder& builder = tables.emplace_back();
    builder.table.name = f->name();
    if (grouped) builder.table.columns.push_back(Column{"group", ColumnKind::kText});
    scalar_columns(f->message_type(), "", &builder.table.columns, &builder.paths);
  }
  TableBuilder summary;
  summary.table.name = "summary";
  if (grouped) summary.table.columns.push_back(Column{"group", ColumnKind::kText});
  scalar_columns(d, "", &summary.table.columns, &summary.paths);

  add_rows(m, grouped ? &kAllDeals : nullptr, tables, summary, lists);
  if (grouped) {
    const Reflection* mr = m.GetReflection();
    for (int g = 0; g < mr->FieldSize(m, groups); ++g) {
      const Message& group = mr->GetRepeatedMessage(m, groups, g);
      const std::string label = group.GetReflection()->GetString(group, d->FindFieldByName("group"));
      add_rows(group, &label, tables, summary, lists);
    }
  }
  for (auto& builder : tables) out->tables.push_back(std::move(builder.table));
  out->tables.push_back(std::move(summary.table));
  return Status::ok();
}

Status find_table(const ReportTables& tables, std::string_view name, size_t* index) {
  std::vector<std::string_view> names;
  for (size_t i = 0; i < tables.tables.size(); ++i) {
    if (tables.tables[i].name == name) {
      *index = i;
      return Status::ok();
    }
    names.push_back(tables.tables[i].name);
  }
  return Status(Code::kNotFound, fmt::format("the {} report has no table '{}' (tables: {})",
                                             tables.report, model::message_text(name),
                                             fmt::join(names, ", ")));
}

std::string value_text(const Value& value, ColumnKind kind) {
  if (std::holds_alternative<std::monostate>(value)) return "";
  if (const auto* text = std::get_if<std::string>(&value)) return *text;
  if (const auto* number = std::get_if<double>(&value)) return fmt::format("{}", *number);
  const int64_t integer = std::get<int64_t>(value);
  return kind == ColumnKind::kTime ? format_time(integer) : fmt::format("{}", integer);
}

}  // namespace voronka
