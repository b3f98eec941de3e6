// Access to a Ledger's state for the library's own modules.
//
// Reports read the state through a Reader, which holds the ledger's shared
// lock for its lifetime; the store reaches the state to save and load it.
#ifndef VORONKA_LEDGER_ACCESS_HPP_
#define VORONKA_LEDGER_ACCESS_HPP_

#include <mutex>
#include <shared_mutex>
#include <utility>
#include <vector>

#include "ledger/state.hpp"
#include "voronka/ledger.hpp"

namespace voronka::ledger {

class Access {
 public:
  static State& state(Ledger& ledger) { return *ledger.state_; }
  static const State& state(const Ledger& ledger) { return *ledger.state_; }
  static std::shared_mutex& mutex(const Ledger& ledger) { return ledger.mutex_; }
  static BatchResult batch_result(std::vector<Outcome> outcomes,
                                  std::vector<BatchResult::Rejection> rejections,
                                  size_t duplicates) {
    return BatchResult(std::move(outcomes), std::move(rejections), duplicates);
  }
};

// A consistent read-only view: no batch is applied while it lives.
class Reader {
 public:
  explicit Reader(const Ledger& ledger)
      : lock_(Access::mutex(ledger)), state_(Access::state(ledger)) {}
  const State& state() const { return state_; }

 private:
  std::shared_lock<std::shared_mutex> lock_;
  const State& state_;
};

}  // namespace voronka::ledger

#endif  // VORONKA_LEDGER_ACCESS_HPP_
