// The ledger: every deal of every process, kept by applying events.
//
// Appending an event runs the deal state machine of its process (see
// docs/semantics.md): automatic processes move only along declared
// transitions, manual ones may enter any stage; won, lost, frozen, resumed
// and reopened follow the lifecycle rules; required fields must be set before
// a deal leaves a stage forward. A rejected event changes nothing and its
// status names the deal, its state, the attempted move and what is allowed.
//
// Appends are idempotent by event id: the same id with the same content is a
// duplicate (reported, not applied twice); the same id with other content is
// kConflictingDuplicate. A deal's events must not go back in time
// (kOutOfOrder); a batch first sorts each deal's events by time (stably, its
// kOpened first among those of one time), so a whole history can be
// appended in any order.
//
// Thread safety: one writer and many readers at once. append() and
// add_process() take an exclusive lock; every read (find_deal, stats, the
// reports) takes a shared lock and sees the ledger between two whole batches,
// never part of one.
#ifndef VORONKA_LEDGER_HPP_
#define VORONKA_LEDGER_HPP_

#include <cstdint>
#include <memory>
#include <shared_mutex>
#include <span>
#include <string_view>
#include <vector>

#include "voronka/catalog.hpp"
#include "voronka/event.hpp"
#include "voronka/status.hpp"
#include "voronka/v1/report.pb.h"

namespace voronka {

namespace ledger {
struct State;
class Access;
}  // namespace ledger

enum class DealStatus : uint8_t { kOpen = 1, kFrozen = 2, kWon = 3, kLost = 4 };

// "open", "frozen", "won", "lost".
std::string_view deal_status_name(DealStatus status);

struct LedgerStats {
  uint64_t deals = 0;
  uint64_t events = 0;  // accepted events, duplicates not counted
  int64_t latest_event_at = 0;  // 0 when empty
  size_t memory_bytes = 0;      // heap held by the ledger's columns and indexes
};

class Ledger {
 public:
  Ledger();
  ~Ledger();
  Ledger(const Ledger&) = delete;
  Ledger& operator=(const Ledger&) = delete;

  // Adds a process, or a new version of a known one (see ProcessCatalog).
  Status add_process(const v1::Process& definition, uint16_t* version_id = nullptr,
                     bool* created = nullptr);
  // The current version of a process, or null.
  std::shared_ptr<const Process> process(std::string_view key) const;
  // The current version of every process, in the order they were added.
  std::vector<std::shared_ptr<const Process>> processes() const;

  // Appends one event.
  AppendResult append(const v1::Event& event);
  // Appends a batch: the result's outcome(i) is that of events[i]. When
  // `applied` is given it receives the indexes of the accepted events in the
  // order they were applied (each deal's events in time order), the order in
  // which a log must replay them.
  BatchResult append(std::span<const v1::Event> events,
                     std::vector<uint32_t>* applied = nullptr);
  BatchResult append(const EventColumns& events, std::vector<uint32_t>* applied = nullptr,
                     const AppendProgress& progress = nullptr);

  // The current state of a deal; kNotFound when no deal has the key.
  Status find_deal(std::string_view key, v1::DealState* out) const;

  LedgerStats stats() const;

 private:
  friend class ledger::Access;

  std::unique_ptr<ledger::State> state_;
  mutable std::shared_mutex mutex_;
};

}  // namespace voronka

#endif  // VORONKA_LEDGER_HPP_
