// The open and frozen deals of every stage, kept current on append.
//
// A snapshot at the latest time asks, per stage: how many open deals, their
// amount and weighted amount, how many are overdue or rotting, their median
// age. Counts and sums are kept as running totals; stage-entry times and
// last-change times of the open deals are kept sorted, so "overdue" (entered
// before a threshold) is one binary search and the median is one lookup.
//
// The index costs nothing until a reader first asks for it: it is built then
// from the columns, and from that moment every applied event updates it. A
// large batch drops it instead (rebuilding once is cheaper than updating
// sorted arrays a million times); the next query builds it again.
#ifndef VORONKA_LEDGER_STAGE_INDEX_HPP_
#define VORONKA_LEDGER_STAGE_INDEX_HPP_

#include <algorithm>
#include <cstdint>
#include <limits>
#include <mutex>
#include <vector>

namespace voronka::ledger {

struct State;

class StageIndex {
 public:
  struct Stage {
    uint64_t open = 0;
    uint64_t frozen = 0;
    std::vector<int64_t> entered_at;   // open deals' stage entry times, sorted
    std::vector<int64_t> changed_at;   // open deals' last change times, sorted

    // Held to the int64 range.
    int64_t amount() const { return clamped(amount_sum); }
    int64_t weighted_amount() const { return clamped(weighted_sum); }  // of round(amount x p)

    // Kept exact in 128 bits, so that taking a deal out undoes putting it
    // in even when the sum lies beyond int64.
    __int128 amount_sum = 0;
    __int128 weighted_sum = 0;

   private:
    static int64_t clamped(__int128 sum) {
      return static_cast<int64_t>(
          std::clamp<__int128>(sum, std::numeric_limits<int64_t>::min(),
                               std::numeric_limits<int64_t>::max()));
    }
  };

  // Builds the index when it is not built; safe to call from concurrent
  // readers (under the ledger's shared lock).
  void ensure_built(const State& state) const;
  bool built() const { return built_; }
  // Forgets everything (it is built again on demand).
  void drop();

  // Around each applied event: the deal's contribution is taken out before
  // and put back after, whatever the event did.
  void remove(const State& state, uint32_t deal);
  void add(const State& state, uint32_t deal);

  // The stage's entry, after ensure_built; null when nothing is there.
  const Stage* stage(uint16_t version, int stage) const;

 private:
  Stage& slot(uint16_t version, int stage);
  void contribute(const State& state, uint32_t deal, int sign);

  mutable std::mutex build_mutex_;
  mutable bool built_ = false;
  mutable std::vector<std::vector<Stage>> stages_;  // by version, then stage
};

}  // namespace voronka::ledger

#endif  // VORONKA_LEDGER_STAGE_INDEX_HPP_
