// Writing one CSV field.
#ifndef VORONKA_IO_CSV_QUOTE_HPP_
#define VORONKA_IO_CSV_QUOTE_HPP_

#include <string>
#include <string_view>

namespace voronka::io {

// Appends `value` as a CSV field: as is, or in quotes with its quotes doubled
// when it holds a comma, a quote or a line break (RFC 4180).
inline void append_csv_field(std::string* out, std::string_view value) {
  if (value.find_first_of(",\"\r\n") == std::string_view::npos) {
    out->append(value);
    return;
  }
  out->push_back('"');
  for (const char c : value) {
    if (c == '"') out->push_back('"');
    out->push_back(c);
  }
  out->push_back('"');
}

}  // namespace voronka::io

#endif  // VORONKA_IO_CSV_QUOTE_HPP_
