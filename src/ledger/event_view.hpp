// EventView: one event, whatever form it arrived in.
//
// The ledger applies events from protobuf messages, from columnar batches and
// from the C API alike; each form is read through this flat view of borrowed
// strings, so the state machine is written once.
#ifndef VORONKA_LEDGER_EVENT_VIEW_HPP_
#define VORONKA_LEDGER_EVENT_VIEW_HPP_

#include <cstdint>
#include <string_view>

#include "model/utf8.hpp"
#include "voronka/event.hpp"

namespace voronka::ledger {

struct EventView {
  std::string_view event_id;
  std::string_view deal;
  int64_t at = 0;
  EventKind kind{};  // zero when the event has none
  std::string_view process, stage, owner, client, reason, field, value;
  int64_t amount = kNoAmount;
  v1::Activity::Kind activity = v1::Activity::OTHER;
  // The fields of an opened message; a columnar row carries at most one
  // field, in `field` and `value`.
  const google::protobuf::Map<std::string, std::string>* opened_fields = nullptr;
};

EventView view_of(const v1::Event& event);

// A row of a columnar batch. Fails when the row's kind needs a column the
// batch lacks or holds an unknown activity name.
Status view_of(const EventColumns& columns, size_t row, EventView* out);

// The bytes of text an event holds, as State::max_event_text counts them:
// its id, its deal and every other string of the view.
size_t text_bytes(const EventView& event);

// Fails (kInvalidArgument) when a text of the event is not valid UTF-8,
// naming the field and showing the bytes that do not belong.
Status check_utf8(const EventView& event);

// Whether every text of the event is ASCII, so that check_utf8 has nothing
// to find: the test a bulk import makes of each event.
inline bool all_ascii(const EventView& e) {
  return e.opened_fields == nullptr &&
         (model::non_ascii_bits(e.event_id) | model::non_ascii_bits(e.deal) |
          model::non_ascii_bits(e.process) | model::non_ascii_bits(e.stage) |
          model::non_ascii_bits(e.owner) | model::non_ascii_bits(e.client) |
          model::non_ascii_bits(e.reason) | model::non_ascii_bits(e.field) |
          model::non_ascii_bits(e.value)) == 0;
}

// A hash of everything the event says except its id: what makes two
// deliveries of one id the same event. Only the fields the event's kind
// reads take part, so stray columns of a CSV row do not matter. `deal_hash`
// is hash_bytes(event.deal).
uint64_t fingerprint(const EventView& event, uint64_t deal_hash);

}  // namespace voronka::ledger

#endif  // VORONKA_LEDGER_EVENT_VIEW_HPP_
