// The columns of an events CSV file, shared by the reader and the writer.
#ifndef VORONKA_IO_CSV_COLUMNS_HPP_
#define VORONKA_IO_CSV_COLUMNS_HPP_

#include <array>
#include <cstdint>
#include <optional>
#include <span>
#include <string_view>

#include "voronka/event.hpp"

namespace voronka::io {

// In the order the writer puts them; `activity` is written only for batches
// that have it.
enum Column : uint8_t {
  kEventIdColumn,
  kDealIdColumn,
  kProcessColumn,
  kTsColumn,
  kKindColumn,
  kStageColumn,
  kAmountColumn,
  kOwnerColumn,
  kClientColumn,
  kReasonColumn,
  kFieldColumn,
  kValueColumn,
  kActivityColumn,
  kColumnCount,
};

inline constexpr std::array<std::string_view, kColumnCount> kColumnNames = {
    "event_id", "deal_id", "process", "ts",    "kind",  "stage",   "amount",
    "owner",    "client",  "reason",  "field", "value", "activity"};

inline constexpr std::array<Column, 4> kRequiredColumns = {kEventIdColumn, kDealIdColumn,
                                                           kTsColumn, kKindColumn};

inline std::optional<Column> find_column(std::string_view name) {
  for (size_t c = 0; c < kColumnCount; ++c) {
    if (kColumnNames[c] == name) return static_cast<Column>(c);
  }
  return std::nullopt;
}

// The EventColumns member that holds a text column; null for ts, kind and
// amount.
using TextMember = TextColumn EventColumns::*;
inline constexpr std::array<TextMember, kColumnCount> kTextMembers = {
    &EventColumns::event_id, &EventColumns::deal,   &EventColumns::process,
    nullptr,                 nullptr,               &EventColumns::stage,
    nullptr,                 &EventColumns::owner,  &EventColumns::client,
    &EventColumns::reason,   &EventColumns::field,  &EventColumns::value,
    &EventColumns::activity};

}  // namespace voronka::io

#endif  // VORONKA_IO_CSV_COLUMNS_HPP_
