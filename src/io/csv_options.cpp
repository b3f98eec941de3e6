#include <fmt/format.h>

#include "voronka/csv.hpp"

namespace voronka {

std::string_view time_format_name(TimeFormat format) {
  switch (format) {
    case TimeFormat::kIso8601: return "iso8601";
    case TimeFormat::kEpochSeconds: return "epoch-s";
    case TimeFormat::kEpochMillis: return "epoch-ms";
  }
  return "unknown";
}

std::optional<TimeFormat> parse_time_format(std::string_view name) {
  for (TimeFormat format :
       {TimeFormat::kIso8601, TimeFormat::kEpochSeconds, TimeFormat::kEpochMillis}) {
    if (time_format_name(format) == name) return format;
  }
  return std::nullopt;
}

Status parse_column_mapping(std::string_view text, std::pair<std::string, std::string>* out) {
  // Split at the last '=': column names of ours never hold one, a
  // spreadsheet's might.
  const size_t equals = text.rfind('=');
  if (equals == std::string_view::npos || equals == 0 || equals + 1 == text.size()) {
    return Status(Code::kInvalidArgument,
                  fmt::format("column mapping '{}' is not SRC=DST, e.g. 'Deal ID=deal_id'", text));
  }
  *out = {std::string(text.substr(0, equals)), std::string(text.substr(equals + 1))};
  return Status::ok();
}

}  // namespace voronka
