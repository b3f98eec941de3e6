// Table cells written for people: money with thousands separators, ratios as
// percentages, durations in the largest fitting unit, dates without a time
// when they fall on midnight.
#ifndef VORONKA_IO_TEXT_FORMAT_HPP_
#define VORONKA_IO_TEXT_FORMAT_HPP_

#include <string>

#include "voronka/tables.hpp"

namespace voronka::io {

std::string pretty_value(const Value& value, ColumnKind kind);

// A cell of a table for people: pretty_value, except that the `group` column
// of a breakdown names the rows of all deals "(all)" (their group is null)
// and the group of deals without a value "(no value)" (its label is empty).
std::string pretty_cell(const Table& table, size_t column, const Value& value);

// 1234567 minor units -> "12,345.67".
std::string money_text(int64_t cents);

// A duration exactly, in the largest unit that divides it: 604800000 ->
// "7 d", 129600000 -> "36 h", 5400000 -> "90 min", 45000 -> "45 s", 1 -> "1 ms".
std::string exact_duration_text(int64_t ms);

}  // namespace voronka::io

#endif  // VORONKA_IO_TEXT_FORMAT_HPP_
