// Encodes accepted events as the log's EventBatch records.
#ifndef VORONKA_STORE_BATCH_ENCODER_HPP_
#define VORONKA_STORE_BATCH_ENCODER_HPP_

#include <array>
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "ledger/event_view.hpp"
#include "store/dictionary.hpp"
#include "voronka/status.hpp"
#include "voronka/v1/store.pb.h"

namespace voronka::store {

// Flag bits of an EventBatch `kinds` byte; the low four bits hold the kind.
inline constexpr uint8_t kKindMask = 0x0F;
inline constexpr uint8_t kNewDeal = 0x10;
inline constexpr uint8_t kTextId = 0x20;
inline constexpr uint8_t kHasAmount = 0x40;
inline constexpr uint8_t kHasFields = 0x80;

class BatchEncoder {
 public:
  // A batch is cut into records of at most this many events, and of about
  // this many bytes, so that no record nears the frame limit and readers
  // replay in bounded steps.
  static constexpr size_t kMaxEvents = 65536;
  static constexpr size_t kTargetBytes = size_t{4} << 20;

  explicit BatchEncoder(Dictionary* dictionary);

  // Adds an event. Strings new to the dictionary join it (and the batch).
  // Fails only when the dictionary is full, which leaves the batch unusable.
  Status add(const ledger::EventView& event);

  // Starts fetching what adding the event will look up; a caller that adds
  // many events prefetches a few ahead, so the lookups overlap.
  void prefetch(const ledger::EventView& event) const;

  size_t size() const { return events_; }
  // Whether the batch should be cut before more events are added.
  bool full() const { return events_ >= kMaxEvents || estimated_bytes_ >= kTargetBytes; }

  // Serialises the batch as a LogRecord payload into `*payload` and starts a
  // new batch.
  void finish(std::string* payload);

 private:
  // The dictionary entry of `text`, added when new; `remember` keeps it
  // among the recent ones.
  Status entry(std::string_view text, uint32_t* id, bool remember);
  // Appends the entry of `text` to the batch's refs.
  Status ref(std::string_view text);

  // Short strings used lately, with their entries, by hash: the strings
  // events repeat (processes, stages, owners, clients, reasons) skip the
  // dictionary, whose table and strings deal keys make large and slow to
  // reach. 512 KiB.
  struct Recent {
    uint64_t hash = 0;
    uint32_t id = Dictionary::kMissing;
    uint8_t size = 0;
    char text[19];
  };
  static_assert(sizeof(Recent) == 32);
  std::array<Recent, 16384> recent_{};

  Dictionary* dictionary_;
  v1::LogRecord record_;
  v1::EventBatch* batch_;
  size_t events_ = 0;
  size_t estimated_bytes_ = 0;
  uint64_t previous_id_ = 0;
  std::string_view previous_deal_;
  int64_t previous_at_ = 0;
  int64_t run_start_at_ = 0;
};

}  // namespace voronka::store

#endif  // VORONKA_STORE_BATCH_ENCODER_HPP_
