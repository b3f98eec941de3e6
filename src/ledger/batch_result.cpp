// BatchResult: a batch's outcomes, with the rejected events' statuses apart.
#include <algorithm>
#include <cassert>
#include <utility>

#include "voronka/event.hpp"

namespace voronka {

BatchResult::BatchResult(std::vector<Outcome> outcomes, std::vector<Rejection> rejections)
    : outcomes_(std::move(outcomes)), rejections_(std::move(rejections)) {
  // A batch is applied in its own order (by deal and time), not the
  // caller's; status() looks a rejection up by its event.
  std::sort(rejections_.begin(), rejections_.end(),
            [](const Rejection& a, const Rejection& b) { return a.event < b.event; });
  duplicates_ = static_cast<size_t>(std::count(outcomes_.begin(), outcomes_.end(),
                                               Outcome::kDuplicate));
  assert(static_cast<size_t>(std::count(outcomes_.begin(), outcomes_.end(),
                                        Outcome::kRejected)) == rejections_.size());
}

BatchResult BatchResult::all_rejected(size_t size, const Status& status) {
  std::vector<Rejection> rejections(size);
  for (size_t i = 0; i < size; ++i) rejections[i] = Rejection{i, status};
  return BatchResult(std::vector<Outcome>(size, Outcome::kRejected), std::move(rejections));
}

const Status& BatchResult::status(size_t event) const {
  static const Status kNotRejected;
  const auto it = std::lower_bound(
      rejections_.begin(), rejections_.end(), event,
      [](const Rejection& rejection, size_t e) { return rejection.event < e; });
  return it != rejections_.end() && it->event == event ? it->status : kNotRejected;
}

}  // namespace voronka
