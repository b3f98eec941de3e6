#include "io/render_html.hpp"

#include <algorithm>
#include <vector>

#include <fmt/format.h>

#include "io/text_format.hpp"

namespace voronka::io {
namespace {

constexpr const char* kWon = "#2e7d32";
constexpr const char* kLost = "#c62828";
constexpr const char* kOpen = "#1565c0";
constexpr const char* kFrozen = "#90a4ae";

std::string escape(const std::string& text) {
  std::string out;
  for (char c : text) {
    switch (c) {
      case '&': out += "&amp;"; break;
      case '<': out += "&lt;"; break;
      case '>': out += "&gt;"; break;
      case '"': out += "&quot;"; break;
      default: out += c;
    }
  }
  return out;
}

struct Segment {
  double value;
  const char* colour;
};

struct Bar {
  std::string label;
  std::vector<Segment> segments;
  std::string note;  // printed after the bar
};

struct Chart {
  std::string title;
  std::vector<std::pair<std::string, const char*>> legend;
  std::vector<Bar> bars;
};

// Stages top to bottom; each bar centred, its width proportional to its
// total, so a funnel narrows where deals drop out.
std::string svg(const Chart& chart) {
  constexpr int kLabel = 190, kPlot = 460, kNote = 150, kRow = 30, kTop = 40;
  const int width = kLabel + kPlot + kNote;
  const int height = kTop + kRow * static_cast<int>(chart.bars.size()) + 10;
  double widest = 0;
  for (const Bar& bar : chart.bars) {
    double total = 0;
    for (const Segment& s : bar.segments) total += s.value;
    widest = std::max(widest, total);
  }
  std::string out = fmt::format(
      "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"{}\" height=\"{}\" viewBox=\"0 0 {} {}\" "
      "role=\"img\" aria-label=\"{}\">\n",
      width, height, width, height, escape(chart.title));
  out += fmt::format("<text x=\"0\" y=\"16\" font-size=\"15\" font-weight=\"bold\">{}</text>\n",
                     escape(chart.title));
  int legend_x = kLabel;
  for (const auto& [name, colour] : chart.legend) {
    out += fmt::format("<rect x=\"{}\" y=\"24\" width=\"12\" height=\"12\" fill=\"{}\"/>"
                       "<text x=\"{}\" y=\"34\" font-size=\"12\">{}</text>\n",
                       legend_x, colour, legend_x + 16, escape(name));
    legend_x += 22 + 8 * static_cast<int>(name.size());
  }
  for (size_t i = 0; i < chart.bars.size(); ++i) {
    const Bar& bar = chart.bars[i];
    const int y = kTop + kRow * static_cast<int>(i);
    double total = 0;
    for (const Segment& s : bar.segments) total += s.value;
    const double bar_width = widest > 0 ? total / widest * kPlot : 0;
    double x = kLabel + (kPlot - bar_width) / 2;
    out += fmt::format("<text x=\"{}\" y=\"{}\" font-size=\"13\" text-anchor=\"end\">{}</text>\n",
                       kLabel - 8, y + 18, escape(bar.label));
    for (const Segment& s : bar.segments) {
      const double w = widest > 0 ? s.value / widest * kPlot : 0;
      if (w > 0) {
        out += fmt::format("<rect x=\"{:.1f}\" y=\"{}\" width=\"{:.1f}\" height=\"{}\" fill=\"{}\"/>\n",
                           x, y + 3, w, kRow - 6, s.colour);
      }
      x += w;
    }
    out += fmt::format("<text x=\"{}\" y=\"{}\" font-size=\"12\" fill=\"#333\">{}</text>\n",
                       kLabel + kPlot + 8, y + 18, escape(bar.note));
  }
  return out + "</svg>\n";
}

std::vector<Chart> charts_of(const v1::Report& report) {
  std::vector<Chart> charts;
  switch (report.kind_case()) {
    case v1::Report::kHistory: {
      Chart deals{"Deals: won and lost stages", {{"won", kWon}, {"lost", kLost}}, {}};
      Chart money{"Money: won and lost potential", {{"won", kWon}, {"lost", kLost}}, {}};
      for (const auto& s : report.history().stages()) {
        deals.bars.push_back(Bar{s.name(),
                                 {{static_cast<double>(s.won_stages()), kWon},
                                  {static_cast<double>(s.lost_stages()), kLost}},
                                 fmt::format("{} / {}", s.won_stages(), s.lost_stages())});
        money.bars.push_back(Bar{s.name(),
                                 {{static_cast<double>(s.won_amount()), kWon},
                                  {static_cast<double>(s.lost_amount()), kLost}},
                                 money_text(s.won_amount())});
      }
      charts.push_back(std::move(deals));
      charts.push_back(std::move(money));
      break;
    }
    case v1::Report::kSnapshot: {
      Chart deals{"Open deals by stage", {{"open", kOpen}, {"frozen", kFrozen}}, {}};
      Chart money{"Open amount by stage", {{"amount", kOpen}}, {}};
      for (const auto& s : report.snapshot().stages()) {
        deals.bars.push_back(Bar{s.name(),
                                 {{static_cast<double>(s.open()), kOpen},
                                  {static_cast<double>(s.frozen()), kFrozen}},
                                 fmt::format("{} open, {} frozen", s.open(), s.frozen())});
        money.bars.push_back(
            Bar{s.name(), {{static_cast<double>(s.amount()), kOpen}}, money_text(s.amount())});
      }
      charts.push_back(std::move(deals));
      charts.push_back(std::move(money));
      break;
    }
    case v1::Report::kConversion: {
      Chart deals{"Deals by stage", {{"deals", kOpen}}, {}};
      for (const auto& s : report.conversion().stages()) {
        deals.bars.push_back(Bar{s.name(), {{static_cast<double>(s.deals()), kOpen}},
                                 s.has_step_conversion()
                                     ? fmt::format("{} ({:.1f}% on)", s.deals(), 100 * s.step_conversion())
                                     : fmt::format("{}", s.deals())});
      }
      charts.push_back(std::move(deals));
      break;
    }
    case v1::Report::kWindow: {
      Chart deals{"Deals reaching each level in the window", {{"deals", kOpen}}, {}};
      for (const auto& l : report.window().levels()) {
        deals.bars.push_back(Bar{l.name(), {{static_cast<double>(l.reached()), kOpen}},
                                 fmt::format("{}", l.reached())});
      }
      charts.push_back(std::move(deals));
      break;
    }
    default:
      break;
  }
  return charts;
}

}  // namespace

std::string render_html(const v1::Report& report, const ReportTables& tables) {
  std::string out =
      "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n<title>" +
      escape(tables.title) +
      "</title>\n<style>\n"
      "body{font-family:-apple-system,Segoe UI,Helvetica,Arial,sans-serif;margin:24px;color:#212121}\n"
      "h1{font-size:20px}h2{font-size:16px;margin-top:28px}\n"
      "table{border-collapse:collapse;margin:8px 0 16px}\n"
      "th,td{border:1px solid #ccc;padding:4px 8px;font-size:13px}\n"
      "th{background:#f2f2f2;text-align:left}td.n{text-align:right}\n"
      ".charts{display:flex;flex-wrap:wrap;gap:24px}\n"
      "</style>\n</head>\n<body>\n<h1>" +
      escape(tables.title) + "</h1>\n";
  const auto charts = charts_of(report);
  if (!charts.empty()) {
    out += "<div class=\"charts\">\n";
    for (const Chart& chart : charts) out += svg(chart);
    out += "</div>\n";
  }
  for (const Table& table : tables.tables) {
    out += "<h2>" + escape(table.name) + "</h2>\n<table>\n<tr>";
    for (const auto& column : table.columns) out += "<th>" + escape(column.name) + "</th>";
    out += "</tr>\n";
    for (const auto& row : table.rows) {
      out += "<tr>";
      for (size_t c = 0; c < row.size(); ++c) {
        const bool number = table.columns[c].kind != ColumnKind::kText &&
                            table.columns[c].kind != ColumnKind::kTime;
        out += number ? "<td class=\"n\">" : "<td>";
        out += escape(pretty_cell(table, c, row[c])) + "</td>";
      }
      out += "</tr>\n";
    }
    out += "</table>\n";
  }
  return out + "</body>\n</html>\n";
}

}  // namespace voronka::io
