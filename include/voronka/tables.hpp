// Reports as tables: the one tabular view every output uses (the command's
// table, CSV and HTML formats, the C API's typed accessors, Python's data
// frames).
//
// A report becomes named tables of typed columns, read off its schema: each
// repeated message field of the report (stages, flows, months, ...) is a
// table whose columns are that message's fields in schema order (a nested
// message's fields are flattened, named "<field>_<inner>"), and the report's
// own scalar fields form a one-row table "summary". When a report has a
// breakdown, its rows carry the group in a first column "group" ("" for all
// deals) and its groups' rows follow the whole's.
#ifndef VORONKA_TABLES_HPP_
#define VORONKA_TABLES_HPP_

#include <cstdint>
#include <string>
#include <variant>
#include <vector>

#include "voronka/status.hpp"
#include "voronka/v1/report.pb.h"

namespace voronka {

// What a column's numbers mean, for formatting.
enum class ColumnKind : uint8_t {
  kText,
  kCount,     // an integer count
  kMoney,     // minor units (cents)
  kRatio,     // a share in [0, 1]
  kTime,      // ms since the epoch, UTC
  kDuration,  // ms
  kNumber,    // any other number
  kFlag,      // 0 or 1
};

// A cell: null, an integer, a real number or text.
using Value = std::variant<std::monostate, int64_t, double, std::string>;

struct Column {
  std::string name;
  ColumnKind kind = ColumnKind::kText;
};

struct Table {
  std::string name;  // "stages", "flows", ..., "summary"
  std::vector<Column> columns;
  std::vector<std::vector<Value>> rows;
};

struct ReportTables {
  std::string report;  // "history", ...
  std::string title;   // one line saying what was counted
  std::vector<Table> tables;  // the main table first, "summary" last
};

// The tables of a report; kInvalidArgument when the report holds none.
Status report_tables(const v1::Report& report, ReportTables* out);

// The index of the table named `name`; kNotFound, listing the tables, when
// there is none.
Status find_table(const ReportTables& tables, std::string_view name, size_t* index);

// A cell as text: times as ISO 8601, ratios as decimals, null as "".
std::string value_text(const Value& value, ColumnKind kind);

}  // namespace voronka

#endif  // VORONKA_TABLES_HPP_
