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
// memory and read at random, do ask: see zeroed_table(). So do arrays
// written whole as soon as they are made, as a checkpoint's are loaded:
// see reserve_on_huge_pages(). Small arrays use the ordinary heap.
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

// Asks that the pages of a large array's storage be huge (MADV_HUGEPAGE),
// for the pages not touched yet. Only advice: a failure is harmless.
template <typename T>
void ask_for_huge_pages(LargeVector<T>* v) {
#ifdef MADV_HUGEPAGE  // Linux
  const size_t bytes = v->capacity() * sizeof(T);
  if (bytes >= LargePageAllocator<T>::kThreshold) madvise(v->data(), bytes, MADV_HUGEPAGE);
#else
  (void)v;
#endif
}

// A zeroed array of `count` elements for a hash table. A large one asks for
// huge pages, unlike the columns: a table's lookups land anywhere in it, so
// with 4 KiB pages nearly every one misses the TLB, and the page walks
// stall the prefetches a bulk import overlaps its lookups with (the 1M-deal
// ingest took a quarter less time with the advice).
template <typename T>
LargeVector<T> zeroed_table(size_t count) {
  LargeVector<T> table;
  table.reserve(count);
  ask_for_huge_pages(&table);
  table.resize(count, T{});
  return table;
}

// Reserves room for `count` elements in an empty array that is about to be
// written in full, asking for huge pages when it is large. Every page
// faulted in is used at once, so the cost that keeps the columns off huge
// pages (a page faulted in long before it fills) does not arise, and there
// are 512 times fewer faults: a checkpoint of 1M deals loaded in 88-100 ms
// with the advice, 140-200 ms without. The loaded hash tables gain as
// zeroed_table's do.
template <typename T>
void reserve_on_huge_pages(LargeVector<T>* v, size_t count) {
  v->reserve(count);
  ask_for_huge_pages(v);
}

}  // namespace voronka::ledger

#endif  // VORONKA_LEDGER_LARGE_VECTOR_HPP_
