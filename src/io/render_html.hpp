// A report as one self-contained HTML page: its tables and, for funnel
// reports, SVG charts drawn as in the 1C "Sales funnel" report — a deal-count
// chart and a money chart, stages top to bottom, bars centred so that they
// narrow into a funnel, won and lost in two colours.
#ifndef VORONKA_IO_RENDER_HTML_HPP_
#define VORONKA_IO_RENDER_HTML_HPP_

#include <string>

#include "voronka/tables.hpp"
#include "voronka/v1/report.pb.h"

namespace voronka::io {

std::string render_html(const v1::Report& report, const ReportTables& tables);

}  // namespace voronka::io

#endif  // VORONKA_IO_RENDER_HTML_HPP_
