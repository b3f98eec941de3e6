// Reports as text: an aligned table, CSV, JSON, or a self-contained HTML page
// with SVG charts.
#ifndef VORONKA_RENDER_HPP_
#define VORONKA_RENDER_HPP_

#include <optional>
#include <string>
#include <string_view>

#include "voronka/status.hpp"
#include "voronka/v1/report.pb.h"

namespace voronka {

enum class Format : uint8_t {
  kTable,  // a title line, then each table aligned, for people
  kCsv,    // one table (the main one unless named) with a header row
  kJson,   // protobuf's JSON form of the report, proto field names, zeros printed
  kHtml,   // one page: the tables and the funnel charts, nothing external
};

// "table", "csv", "json", "html".
std::optional<Format> parse_format(std::string_view name);

struct RenderOptions {
  Format format = Format::kTable;
  // Which table to write ("stages", "flows", "summary", ...): CSV writes the
  // report's main table when empty, the table format every table. The JSON
  // and HTML formats render the whole report and take none.
  std::string table;
};

// kInvalidArgument for an empty report, an unknown table name, or a table
// named for the JSON or HTML format.
Status render_report(const v1::Report& report, const RenderOptions& options, std::string* out);

// The report message of a Report, as JSON (the kJson format).
std::string report_json(const v1::Report& report);

}  // namespace voronka

#endif  // VORONKA_RENDER_HPP_
