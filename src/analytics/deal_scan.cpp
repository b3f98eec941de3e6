#include "analytics/deal_scan.hpp"

#include <algorithm>

namespace voronka::analytics {

int64_t first_activity(const DealReader& reader, uint32_t deal, const Period& period) {
  int64_t first = kNever;
  auto consider = [&](int64_t at) {
    if (period.contains(at) && (first == kNever || at < first)) first = at;
  };
  reader.for_each_visit(deal, [&](int, int64_t start, int64_t) { consider(start); });
  const DealAt at = reader.at(deal);
  if (at.closed_at != kNever) consider(at.closed_at);
  return first;
}

}  // namespace voronka::analytics
