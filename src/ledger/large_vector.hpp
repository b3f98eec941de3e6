// Vectors for the ledger's large columns and tables.
//
// Large arrays start on 2 MiB boundaries and fill whole 2 MiB pages, so
// that where the system backs memory with transparent huge pages (THP
// "always") an array sits on them: beyond a few megabytes the ledger's
// lookups are random, and with 4 KiB pages nearly each one misses the TLB.
// For its columns the library does not ask for huge pages itself (madvise)
// but leaves it to the system's policy: where a VM's host backs guest memory
// lazily, a huge page costs several times its 4 KiB pages to fault in (on
// the development VM, importing the 1M-deal CSV took 10 s with the advice
// on every array, 2.8-3.4 s without). Hash tables, a small share of the
// memory and read at random, do ask: see zeroed_table(). Small arrays use
// the ordinary heap.
#ifndef VORONKA_LEDGER_LARGE_VECTOR_HPP_
#define VORONKA_LEDGER_LARGE_VECTOR_HPP_

#include <sys/mman.h>

#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <new>
#include <vector>

namespace voronka::ledger {

template <typename T>
class LargePageAllocator {
 public:
  using value_type = T;

  LargePageAllocator() = default;
  template <typename U>
  LargePageAllocator(const LargePageAllocator<U>&) {}

  T* allocate(size_t n) {
    const size_t bytes = n * sizeof(T);
    if (bytes < kThreshold) return static_cast<T*>(::operator new(bytes));
    const size_t rounded = (bytes + kHugePage - 1) / kHugePage * kHugePage;
    void* p = std::aligned_alloc(kHugePage, rounded);
    if (p == nullptr) throw std::bad_alloc();
    return static_cast<T*>(p);
  }

  void deallocate(T* p, size_t n) {
    if (n * sizeof(T) < kThreshold) {
      ::operator delete(p);
    } else {
      std::free(p);
    }
  }

  template <typename U>
  bool operator==(const LargePageAllocator<U>&) const {
    return true;
  }

  static constexpr size_t kThreshold = size_t{4} << 20;  // smaller arrays use the heap

 private:
  static constexpr size_t kHugePage = size_t{2} << 20;
};

template <typename T>
using LargeVector = std::vector<T, LargePageAllocator<T>>;

// A zeroed array of `count` elements for a hash table. A large one asks for
// huge pages (MADV_HUGEPAGE), unlike the columns: a table's lookups land
// anywhere in it, so with 4 KiB pages nearly every one misses the TLB, and
// the page walks stall the prefetches a bulk import overlaps its lookups
// with (the 1M-deal ingest took a quarter less time with the advice).
template <typename T>
LargeVector<T> zeroed_table(size_t count) {
  LargeVector<T> table;
  table.reserve(count);
#ifdef MADV_HUGEPAGE  // Linux
  if (count * sizeof(T) >= LargePageAllocator<T>::kThreshold) {
    madvise(table.data(), count * sizeof(T), MADV_HUGEPAGE);  // advice: failure is harmless
  }
#endif
  table.resize(count, T{});
  return table;
}

}  // namespace voronka::ledger

#endif  // VORONKA_LEDGER_LARGE_VECTOR_HPP_
