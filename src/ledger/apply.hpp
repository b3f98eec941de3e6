// The deal state machine: applying one event to the ledger state.
#ifndef VORONKA_LEDGER_APPLY_HPP_
#define VORONKA_LEDGER_APPLY_HPP_

#include "ledger/event_view.hpp"
#include "ledger/hash.hpp"
#include "ledger/state.hpp"

namespace voronka::ledger {

// The hashes an event is looked up by, computed once per event.
struct EventKeys {
  EventIndex::Key id;
  uint64_t deal_hash;
  uint64_t client_hash;  // of an opening event's client, else 0

  static EventKeys of(const EventView& event) {
    return EventKeys{EventIndex::key(event.event_id), hash_bytes(event.deal),
                     event.kind == EventKind::kOpened ? hash_bytes(event.client) : 0};
  }
};

// Applies one event, or leaves the state untouched and says why not.
// `*deal` is the deal's id when the caller knows it (from the event before,
// of the same deal), else Interner::kMissing; it receives the deal's id when
// the deal exists after the event.
AppendResult apply(State& state, const EventView& event, const EventKeys& keys,
                   uint32_t* deal);

}  // namespace voronka::ledger

#endif  // VORONKA_LEDGER_APPLY_HPP_
