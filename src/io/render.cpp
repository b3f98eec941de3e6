// Rendering reports as aligned text, CSV and JSON; HTML is in render_html.cpp.
#include "voronka/render.hpp"

#include <google/protobuf/util/json_util.h>

#include <algorithm>
#include <cmath>

#include <fmt/format.h>

#include "io/csv_quote.hpp"
#include "io/render_html.hpp"
#include "io/text_format.hpp"
#include "voronka/tables.hpp"

namespace voronka {
namespace {

// A null value is an empty field and empty text a quoted one, `""`, so that
// the two stay apart (as in PostgreSQL's CSV): the rows of all deals have no
// group, the deals without a value an empty one.
std::string render_csv(const Table& table) {
  std::string out;
  for (size_t c = 0; c < table.columns.size(); ++c) {
    if (c) out += ',';
    io::append_csv_field(&out, table.columns[c].name);
  }
  out += "\n";
  for (const auto& row : table.rows) {
    for (size_t c = 0; c < row.size(); ++c) {
      if (c) out += ',';
      const auto* text = std::get_if<std::string>(&row[c]);
      if (text != nullptr && text->empty()) {
        out += "\"\"";
      } else {
        io::append_csv_field(&out, value_text(row[c], table.columns[c].kind));
      }
    }
    out += "\n";
  }
  return out;
}

// Every table, or only `only` when it is not null.
std::string render_text(const ReportTables& tables, const Table* only) {
  std::string out = tables.title + "\n";
  for (const Table& table : tables.tables) {
    if (only != nullptr && &table != only) continue;
    out += "\n";
    if (table.name == "summary") {
      // One line per figure (per group, when grouped).
      for (const auto& row : table.rows) {
        size_t width = 0;
        for (const auto& column : table.columns) width = std::max(width, column.name.size());
        for (size_t c = 0; c < row.size(); ++c) {
          const std::string text = io::pretty_cell(table, c, row[c]);
          if (text.empty() && table.columns[c].name != "group") continue;
          out += fmt::format("{:<{}}  {}\n", table.columns[c].name, width, text);
        }
        if (&row != &table.rows.back()) out += "\n";
      }
      continue;
    }
    out += table.name + "\n";
    if (table.rows.empty()) {
      out += "  (none)\n";
      continue;
    }
    std::vector<std::vector<std::string>> cells;
    std::vector<size_t> widths;
    for (const auto& column : table.columns) widths.push_back(column.name.size());
    for (const auto& row : table.rows) {
      auto& line = cells.emplace_back();
      for (size_t c = 0; c < row.size(); ++c) {
        line.push_back(io::pretty_cell(table, c, row[c]));
        widths[c] = std::max(widths[c], line.back().size());
      }
    }
    auto emit = [&](const std::vector<std::string>& line, bool header) {
      std::string text;
      for (size_t c = 0; c < line.size(); ++c) {
        const bool left = header || table.columns[c].kind == ColumnKind::kText ||
                          table.columns[c].kind == ColumnKind::kTime;
        if (c) text += "  ";
        text += left ? fmt::format("{:<{}}", line[c], widths[c])
                     : fmt::format("{:>{}}", line[c], widths[c]);
      }
      while (!text.empty() && text.back() == ' ') text.pop_back();
      out += text + "\n";
    };
    std::vector<std::string> header;
    for (const auto& column : table.columns) header.push_back(column.name);
    emit(header, true);
    for (const auto& line : cells) emit(line, false);
  }
  return out;
}

}  // namespace

std::optional<Format> parse_format(std::string_view name) {
  if (name == "table") return Format::kTable;
  if (name == "csv") return Format::kCsv;
  if (name == "json") return Format::kJson;
  if (name == "html") return Format::kHtml;
  return std::nullopt;
}

std::string report_json(const v1::Report& report) {
  google::protobuf::util::JsonPrintOptions options;
  options.add_whitespace = true;
  options.always_print_primitive_fields = true;
  options.preserve_proto_field_names = true;
  const auto* r = report.GetReflection();
  const auto* kind = r->GetOneofFieldDescriptor(report, report.GetDescriptor()->FindOneofByName("kind"));
  std::string json;
  if (kind != nullptr) {
    (void)google::protobuf::util::MessageToJsonString(r->GetMessage(report, kind), &json, options);
  }
  return json;
}

Status render_report(const v1::Report& report, const RenderOptions& options, std::string* out) {
  out->clear();
  if (options.format == Format::kJson && options.table.empty()) {
    if (report.kind_case() == v1::Report::KIND_NOT_SET) {
      return Status(Code::kInvalidArgument, "the report is empty");
    }
    *out = report_json(report);
    return Status::ok();
  }
  ReportTables tables;
  if (Status s = report_tables(report, &tables); !s) return s;
  const Table* chosen = nullptr;  // every table
  if (!options.table.empty()) {
    size_t index = 0;
    if (Status s = find_table(tables, options.table, &index); !s) {
      return Status(Code::kInvalidArgument, s.message());
    }
    if (options.format == Format::kJson || options.format == Format::kHtml) {
      return Status(Code::kInvalidArgument,
                    fmt::format("the {} format renders the whole report; a table is rendered "
                                "alone in the table or csv format",
                                options.format == Format::kJson ? "json" : "html"));
    }
    chosen = &tables.tables[index];
  }
  switch (options.format) {
    case Format::kCsv:
      *out = render_csv(chosen != nullptr ? *chosen : tables.tables.front());
      return Status::ok();
    case Format::kHtml:
      *out = io::render_html(report, tables);
      return Status::ok();
    default:
      *out = render_text(tables, chosen);
      return Status::ok();
  }
}

}  // namespace voronka
