// Vectors for the ledger's large columns and tables.
//
// Large arrays start on 2 MiB boundaries, fill whole 2 MiB pages and ask for
// transparent huge pages (madvise), which the system gives where its policy
// is "madvise" or "always" ("never" turns them off). Two costs make them
// worth it. Beyond a few megabytes the ledger's lookups are random, and with
// 4 KiB pages nearly each one misses the TLB, stalling the prefetches a bulk
// import overlaps its lookups with. And faulting memory in costs far more
// per 4 KiB page than per huge page on a VM: on the development VM, writing
// 256 MiB of fresh memory took 0.8-1.0 s on 4 KiB pages (some 15 us a
// fault) and 18-20 ms on huge pages, so the 1M-deal ingest took 2.7-3.5 s
// with the advice on its hash tables only and 1.9-2.5 s with it on every
// large array. The arrays fill from the front, so a huge page is faulted in
// when it is about to fill; what is reserved beyond that costs address
// space, not memory. (On an earlier VM of the same machine type a huge page
// cost several times its 4 KiB pages to fault in, and the advice on every
// array made the CSV import slower, 10 s against 3; such a system turns the
// advice off with the "never" policy.) Small arrays use the ordinary heap.
#ifndef VORONKA_LEDGER_LARGE_VECTOR_HPP_
#define VORONKA_LEDGER_LARGE_VECTOR_HPP_

#include <sys/mman.h>

#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <new>
#include <vector>

namespace voronka::ledger {

inline constexpr size_t kHugePageBytes = size_t{2} << 20;

// Asks that the whole huge pages inside [data, data + bytes) be huge
// (MADV_HUGEPAGE), for their pages not touched yet. Only advice: a failure
// is harmless.
inline void advise_huge_pages(void* data, size_t bytes) {
#ifdef MADV_HUGEPAGE  // Linux
  const auto begin = reinterpret_cast<uintptr_t>(data);
  const uintptr_t first = (begin + kHugePageBytes - 1) / kHugePageBytes * kHugePageBytes;
  const uintptr_t last = (begin + bytes) / kHugePageBytes * kHugePageBytes;
  if (last > first) madvise(reinterpret_cast<void*>(first), last - first, MADV_HUGEPAGE);
#else
  (void)data;
  (void)bytes;
#endif
}

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
    const size_t rounded = (bytes + kHugePageBytes - 1) / kHugePageBytes * kHugePageBytes;
    void* p = std::aligned_alloc(kHugePageBytes, rounded);
    if (p == nullptr) throw std::bad_alloc();
    advise_huge_pages(p, rounded);
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
};

template <typename T>
using LargeVector = std::vector<T, LargePageAllocator<T>>;

// Reserves room for `count` elements in a vector whose allocator a public
// type fixes to the standard one (the results of an append), asking for
// huge pages for the room when it is large, as a LargeVector's does.
template <typename T>
void reserve_on_huge_pages(std::vector<T>* v, size_t count) {
  v->reserve(count);
  const size_t bytes = v->capacity() * sizeof(T);
  if (bytes >= LargePageAllocator<T>::kThreshold) advise_huge_pages(v->data(), bytes);
}

}  // namespace voronka::ledger

#endif  // VORONKA_LEDGER_LARGE_VECTOR_HPP_
