// BatchResult: a batch's outcomes, with the rejected events' statuses apart.
#include <algorithm>
#include <cassert>
#include <utility>

#include "voronka/event.hpp"

namespace voronka {

BatchResult::BatchResult(std::vector<Outcome> outcomes, std::vector<Rejection> rejections,
                         size_t duplicates)
    : outcomes_(std::move(outcomes)), rejections_(std::move(rejections)),
      duplicates_(duplicates) {
  // A batch is applied in its own order (by deal and time), not the
  // caller's; status() and the iterator find rejections by batch order.
  std::sort(rejections_.begin(), rejections_.end(),
            [](const Rejection& a, const Rejection& b) { return a.index < b.index; });
  assert(static_cast<size_t>(std::count(outcomes_.begin(), outcomes_.end(),
                                        Outcome::kRejected)) == rejections_.size());
  assert(static_cast<size_t>(std::count(outcomes_.begin(), outcomes_.end(),
                                        Outcome::kDuplicate)) == duplicates_);
}

BatchResult BatchResult::all_rejected(size_t size, const Status& status) {
  std::vector<Rejection> rejections(size);
  for (size_t i = 0; i < size; ++i) rejections[i] = Rejection{i, status};
  return BatchResult(std::vector<Outcome>(size, Outcome::kRejected), std::move(rejections), 0);
}

const Status& BatchResult::not_rejected() {
  static const Status kOk;
  return kOk;
}

const Status& BatchResult::status(size_t index) const {
  assert(index < size());
  const auto it = std::lower_bound(
      rejections_.begin(), rejections_.end(), index,
      [](const Rejection& rejection, size_t i) { return rejection.index < i; });
  return it != rejections_.end() && it->index == index ? it->status : not_rejected();
}

}  // namespace voronka
