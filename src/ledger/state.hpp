// The ledger's state: deal columns, timelines and the indexes that feed them.
//
// Deals are numbered in the order they were opened (their interned key id).
// Each attribute is a column indexed by that number, so a report scans only
// the columns it reads.
#ifndef VORONKA_LEDGER_STATE_HPP_
#define VORONKA_LEDGER_STATE_HPP_

#include <cstdint>
#include <limits>
#include <unordered_map>
#include <vector>

#include "ledger/event_index.hpp"
#include "ledger/interner.hpp"
#include "ledger/large_vector.hpp"
#include "ledger/opened_blocks.hpp"
#include "ledger/stage_index.hpp"
#include "ledger/timelines.hpp"
#include "voronka/catalog.hpp"
#include "voronka/ledger.hpp"

namespace voronka::ledger {

inline constexpr int64_t kNever = std::numeric_limits<int64_t>::min();

struct DealColumns {
  LargeVector<uint16_t> version;   // process version id
  LargeVector<DealStatus> status;
  LargeVector<uint8_t> stage;      // current stage; for closed deals the stage closed at
  LargeVector<uint32_t> owner;
  LargeVector<uint32_t> client;
  LargeVector<int64_t> amount;
  LargeVector<int64_t> opened_at;
  LargeVector<int64_t> stage_since;  // when the current visit of `stage` began
  LargeVector<int64_t> closed_at;    // when won or lost; kNever otherwise
  LargeVector<StageMask> entered;    // every stage the deal has been in
  LargeVector<uint8_t> reentries;    // entries into a stage already visited, at most 255

  size_t size() const { return version.size(); }
  void reserve_more(size_t deals);
};

struct FieldChange {
  uint32_t key;
  uint32_t previous;  // value id before the change; 0 = unset
};

struct State {
  State();

  ProcessCatalog catalog;
  // Interned strings. Id 0 of owners, clients, reasons and field values is
  // the empty string.
  Interner deal_keys, owners, clients, reasons, field_keys, field_values;
  DealColumns deals;
  // Derived from deals.opened_at: kept on append, rebuilt on load.
  OpenedBlocks opened_blocks;
  Timelines timelines;
  std::vector<int64_t> previous_amounts;  // referenced by amount entries
  std::vector<FieldChange> field_changes;  // referenced by field entries
  // Current field values: (deal << 32 | key id) -> value id (non-empty).
  std::unordered_map<uint64_t, uint32_t> fields;
  EventIndex events;
  // Derived, built on demand: open deals by stage for the latest snapshot.
  StageIndex stage_index;

  // The most bytes of text (text_bytes) an event may hold: a store's record
  // limit. An event over it is rejected with kLimitExceeded.
  size_t max_event_text = SIZE_MAX;

  uint64_t accepted_events = 0;
  int64_t latest_at = kNever;  // the latest time of any accepted event
  // Bumped by every batch that changed something, for readers' caches.
  uint64_t generation = 0;

  // Makes room for a batch of `events` events opening `deals` deals.
  void reserve_more(size_t events, size_t deals);

  static uint64_t field_slot(uint32_t deal, uint32_t key) {
    return (uint64_t{deal} << 32) | key;
  }
  uint32_t field_value(uint32_t deal, uint32_t key) const {
    auto it = fields.find(field_slot(deal, key));
    return it == fields.end() ? 0 : it->second;
  }
};

}  // namespace voronka::ledger

#endif  // VORONKA_LEDGER_STATE_HPP_
