// Growing vectors ahead of a batch.
#ifndef VORONKA_LEDGER_VECTORS_HPP_
#define VORONKA_LEDGER_VECTORS_HPP_

#include <algorithm>
#include <cstddef>

namespace voronka::ledger {

// Makes room for `extra` more elements, growing the capacity at least
// geometrically so that a stream of small batches does not reallocate on
// every batch.
template <typename Vector>
void reserve_more(Vector& v, size_t extra) {
  if (v.size() + extra > v.capacity()) v.reserve(std::max(v.size() + extra, v.capacity() * 2));
}

}  // namespace voronka::ledger

#endif  // VORONKA_LEDGER_VECTORS_HPP_
