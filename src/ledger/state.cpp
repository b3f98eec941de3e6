#include "ledger/state.hpp"

#include "ledger/vectors.hpp"

namespace voronka::ledger {

State::State() {
  // Id 0 is the empty string: "no owner", "no reason", "unset".
  owners.intern("");
  clients.intern("");
  reasons.intern("");
  field_values.intern("");
}

void DealColumns::reserve_more(size_t deals) {
  ledger::reserve_more(version, deals);
  ledger::reserve_more(status, deals);
  ledger::reserve_more(stage, deals);
  ledger::reserve_more(owner, deals);
  ledger::reserve_more(client, deals);
  ledger::reserve_more(amount, deals);
  ledger::reserve_more(opened_at, deals);
  ledger::reserve_more(stage_since, deals);
  ledger::reserve_more(closed_at, deals);
  ledger::reserve_more(entered, deals);
  ledger::reserve_more(reentries, deals);
}

void State::reserve_more(size_t event_count, size_t deal_count) {
  deals.reserve_more(deal_count);
  opened_blocks.reserve(deals.size() + deal_count);
  deal_keys.reserve(deals.size() + deal_count);
  timelines.reserve(event_count, deal_count);
  events.reserve(events.size() + event_count);
}

}  // namespace voronka::ledger
