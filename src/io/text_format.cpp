#include "io/text_format.hpp"

#include <cmath>
#include <cstdlib>
#include <utility>

#include <fmt/format.h>

#include "voronka/time.hpp"

namespace voronka::io {

std::string money_text(int64_t cents) {
  const bool negative = cents < 0;
  const uint64_t magnitude = negative ? 0 - static_cast<uint64_t>(cents) : static_cast<uint64_t>(cents);
  const std::string digits = fmt::format("{}", magnitude / 100);
  std::string whole;
  for (size_t i = 0; i < digits.size(); ++i) {
    if (i > 0 && (digits.size() - i) % 3 == 0) whole += ',';
    whole += digits[i];
  }
  return fmt::format("{}{}.{:02}", negative ? "-" : "", whole, magnitude % 100);
}

std::string exact_duration_text(int64_t ms) {
  static constexpr std::pair<int64_t, const char*> kUnits[] = {
      {86'400'000, "d"}, {3'600'000, "h"}, {60'000, "min"}, {1000, "s"}};
  for (const auto& [size, unit] : kUnits) {
    if (ms != 0 && ms % size == 0) return fmt::format("{} {}", ms / size, unit);
  }
  return fmt::format("{} ms", ms);
}

namespace {

std::string duration_text(double ms) {
  const double seconds = ms / 1000.0;
  if (seconds < 60) return fmt::format("{:.0f} s", seconds);
  if (seconds < 3600) return fmt::format("{:.0f} min", seconds / 60);
  if (seconds < 86400) return fmt::format("{:.1f} h", seconds / 3600);
  return fmt::format("{:.1f} d", seconds / 86400);
}

}  // namespace

std::string pretty_cell(const Table& table, size_t column, const Value& value) {
  if (table.columns[column].name == "group") {
    if (std::holds_alternative<std::monostate>(value)) return "(all)";
    if (const auto* text = std::get_if<std::string>(&value); text && text->empty()) {
      return "(no value)";
    }
  }
  return pretty_value(value, table.columns[column].kind);
}

std::string pretty_value(const Value& value, ColumnKind kind) {
  if (std::holds_alternative<std::monostate>(value)) return "";
  if (const auto* text = std::get_if<std::string>(&value)) return *text;
  const double number = std::holds_alternative<double>(value)
                            ? std::get<double>(value)
                            : static_cast<double>(std::get<int64_t>(value));
  switch (kind) {
    case ColumnKind::kMoney:
      return std::holds_alternative<int64_t>(value) ? money_text(std::get<int64_t>(value))
                                                    : money_text(std::llround(number));
    case ColumnKind::kRatio:
      return fmt::format("{:.1f}%", number * 100);
    case ColumnKind::kDuration:
      return duration_text(number);
    case ColumnKind::kTime: {
      const auto ms = static_cast<int64_t>(number);
      const std::string text = format_time(ms);
      return text.ends_with("T00:00:00Z") ? text.substr(0, 10) : text;
    }
    case ColumnKind::kFlag:
      return number != 0 ? "yes" : "no";
    case ColumnKind::kNumber:
      return std::holds_alternative<int64_t>(value) ? fmt::format("{}", std::get<int64_t>(value))
                                                    : fmt::format("{:.2f}", number);
    default:
      return std::holds_alternative<int64_t>(value) ? fmt::format("{}", std::get<int64_t>(value))
                                                    : fmt::format("{}", number);
  }
}

}  // namespace voronka::io
