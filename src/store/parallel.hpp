// Running independent tasks on two threads, for the parts of opening a store
// that are worth spreading over the cores a small machine has.
#ifndef VORONKA_STORE_PARALLEL_HPP_
#define VORONKA_STORE_PARALLEL_HPP_

#include <atomic>
#include <cstddef>
#include <functional>
#include <thread>
#include <vector>

#include "voronka/status.hpp"

namespace voronka::store {

// Runs run(task, worker) for every task < count, on this thread (worker 0)
// and one more (worker 1), handing tasks out in order. Returns the failure of
// the lowest-numbered task that failed, or OK.
inline Status run_on_two_threads(size_t count,
                                 const std::function<Status(size_t task, int worker)>& run) {
  std::atomic<size_t> next = 0;
  std::vector<Status> results(count);
  auto work = [&](int worker) {
    for (size_t task = next++; task < count; task = next++) results[task] = run(task, worker);
  };
  std::thread helper(work, 1);
  work(0);
  helper.join();
  for (Status& s : results) {
    if (!s) return std::move(s);
  }
  return Status::ok();
}

}  // namespace voronka::store

#endif  // VORONKA_STORE_PARALLEL_HPP_
