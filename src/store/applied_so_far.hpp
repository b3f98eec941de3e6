// The events of an append the ledger has accepted so far, for an encoder
// that follows the ledger from another thread.
//
// A large append into a store has two long steps: the ledger applies the
// batch, and the store encodes and writes what it accepted. The encoder needs
// only the accepted events' positions in the batch, in the order the ledger
// applied them, so it can run on a second core a little behind the ledger.
#ifndef VORONKA_STORE_APPLIED_SO_FAR_HPP_
#define VORONKA_STORE_APPLIED_SO_FAR_HPP_

#include <condition_variable>
#include <cstddef>
#include <cstdint>
#include <mutex>
#include <vector>

namespace voronka::store {

class AppliedSoFar {
 public:
  // `applied` is the list the ledger appends to; it must have the capacity
  // for the whole batch, so that appending never moves what was published.
  explicit AppliedSoFar(const std::vector<uint32_t>& applied) : applied_(applied) {}

  // Called by the applying thread: the events in `applied` so far may be
  // read; `finished` when the ledger is done with the batch.
  void publish(bool finished) {
    {
      std::lock_guard guard(mutex_);
      ready_ = applied_.size();
      finished_ = finished;
    }
    changed_.notify_one();
  }

  // Waits until more than `seen` events may be read, or the batch is
  // finished; returns how many may be read.
  size_t wait_beyond(size_t seen) {
    std::unique_lock lock(mutex_);
    changed_.wait(lock, [&] { return ready_ > seen || finished_; });
    return ready_;
  }

  // The position in the batch of the i-th accepted event; i < what
  // wait_beyond returned.
  uint32_t operator[](size_t i) const { return applied_[i]; }

 private:
  const std::vector<uint32_t>& applied_;
  std::mutex mutex_;
  std::condition_variable changed_;
  size_t ready_ = 0;
  bool finished_ = false;
};

}  // namespace voronka::store

#endif  // VORONKA_STORE_APPLIED_SO_FAR_HPP_
