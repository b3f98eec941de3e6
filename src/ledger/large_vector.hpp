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

  // Asks that the whole huge pages among the first `bytes` of a large array
  // (one placed on 2 MiB boundaries above) be huge (MADV_HUGEPAGE), for the
  // pages not touched yet. Only advice: a failure is harmless.
  static void advise_huge_pages(T* data, size_t bytes) {
#ifdef MADV_HUGEPAGE  // Linux
    const size_t whole = bytes / kHugePage * kHugePage;
    if (whole != 0) madvise(data, whole, MADV_HUGEPAGE);
#else
    (void)data;
    (void)bytes;
#endif
  }

 private:
  static constexpr size_t kHugePage = size_t{2} << 20;
};

template <typename T>
using LargeVector = std::vector<T, LargePageAllocator<T>>;

// Asks for huge pages for the first `count` elements of a large array, in
// whole huge pages (see LargePageAllocator::advise_huge_pages); a small
// array is on the heap and is left alone.
template <typename T>
void ask_for_huge_pages(LargeVector<T>* v, size_t count) {
  if (v->capacity() * sizeof(T) >= LargePageAllocator<T>::kThreshold) {
    LargePageAllocator<T>::advise_huge_pages(v->data(), count * sizeof(T));
  }
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
  ask_for_huge_pages(&table, count);
  table.resize(count, T{});
  return table;
}

// Reserves room for `count` elements, about to be written in full, and
// `room` more in an empty array; the first `count` ask for huge pages when
// the array is large. Each of their pages fills as soon as it is faulted
// in, so the cost that keeps the columns off huge pages (a page faulted in
// long before it fills) does not arise, and there are 512 times fewer
// faults: a checkpoint of 1M deals loaded in 88-100 ms with the advice,
// 137-200 ms without. The room, filled one append at a time, keeps 4 KiB
// pages as the columns do.
template <typename T>
void reserve_on_huge_pages(LargeVector<T>* v, size_t count, size_t room) {
  v->reserve(count + room);
  ask_for_huge_pages(v, count);
}

}  // namespace voronka::ledger

#endif  // VORONKA_LEDGER_LARGE_VECTOR_HPP_
