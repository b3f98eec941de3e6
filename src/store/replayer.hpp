// Replay: applying a log's records to a ledger, in file order.
#ifndef VORONKA_STORE_REPLAYER_HPP_
#define VORONKA_STORE_REPLAYER_HPP_

#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "store/decoded_events.hpp"
#include "store/dictionary.hpp"
#include "store/log_position.hpp"
#include "store/log_reader.hpp"
#include "voronka/ledger.hpp"
#include "voronka/v1/store.pb.h"

namespace voronka::store {

// Applies records one after another. Event batches are held and applied
// many records at a time, since the ledger appends large batches much faster
// than small ones; a deal's events are in time order across the whole log,
// so joining records never changes the order the ledger applies them in.
//
// Every event of the log must be accepted again: anything else means the file
// is not what the store wrote, and is damage.
//
// Before its first flush of a few thousand events, a replay reserves the
// ledger for the rest of the log up to `end`, assuming it holds events, deals
// and strings as densely as the records read so far: growing the ledger's
// arrays and tables step by step would copy them and touch their memory twice.
class Replayer {
 public:
  // Continues a log at `position`, with the dictionary as it stands there.
  Replayer(Ledger* ledger, Dictionary* dictionary, std::string path, LogPosition position,
           uint64_t end);

  // Takes the next record. Damage in it, or in a held record, is
  // kCorruptStore (see damage()).
  Status add(const LogReader::Frame& frame);
  // Applies every held record.
  Status flush();

  // The end of the last record applied (after a failure: the last one before
  // the damage).
  const LogPosition& position() const { return position_; }
  const Damage& damage() const { return damage_; }

 private:
  struct Held {
    uint64_t offset;
    uint64_t end;
    uint64_t record;
    uint32_t crc;
    size_t first_event;
  };

  Status fail(const Held& held, std::string problem);
  void advance(const Held& held, size_t events);
  void reserve_for_rest();

  Ledger* ledger_;
  Dictionary* dictionary_;
  std::string path_;
  const LogPosition start_;
  const size_t start_deals_;
  const size_t start_strings_;
  const uint64_t end_;
  bool reserved_ = false;
  LogPosition position_;
  v1::LogRecord record_;
  DecodedEvents pending_;
  std::vector<Held> held_;
  Damage damage_;
};

// How a replay ended, besides its status.
struct ReplayEnd {
  uint64_t torn_bytes = 0;  // an incomplete last frame after the last record
  std::string torn_reason;
  Damage damage;            // when the status is kCorruptStore
};

// Replays the frames of `file` from `*position` to `end` into the ledger.
// On success `*position` is the end of the last complete record. On damage
// the status is kCorruptStore and `*position` is the end of the last record
// applied before it. `on_frame`, when given, sees every frame read, in order.
Status replay_log(const File& file, uint64_t end, Ledger* ledger, Dictionary* dictionary,
                  LogPosition* position, ReplayEnd* result,
                  const std::function<Status(const LogReader::Frame&)>& on_frame = {});

}  // namespace voronka::store

#endif  // VORONKA_STORE_REPLAYER_HPP_
