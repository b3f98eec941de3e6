// Checkpoints: the ledger's whole state and the log's dictionary as of a
// point in the log, beside the log at "<store>.checkpoint", so that opening
// a store loads it and replays only the log after that point.
//
// A checkpoint is a cache: it is written atomically (to a temporary file,
// synced, then renamed over the old one), every chunk carries a checksum, and
// one that is damaged, incomplete, from another build's layout or from
// another log is set aside with a warning in favour of a full replay.
#ifndef VORONKA_STORE_CHECKPOINT_HPP_
#define VORONKA_STORE_CHECKPOINT_HPP_

#include <cstdint>
#include <string>

#include "ledger/state.hpp"
#include "store/dictionary.hpp"
#include "store/file.hpp"
#include "store/log_position.hpp"
#include "voronka/ledger.hpp"
#include "voronka/status.hpp"

namespace voronka::store {

std::string checkpoint_path(const std::string& store_path);

// Writes a checkpoint of `state` and `dictionary`, which hold the log's
// records up to `position`. The log's bytes up to there must be durable.
Status write_checkpoint(const std::string& store_path, const std::string& store_id,
                        const LogPosition& position, const ledger::State& state,
                        const Dictionary& dictionary);

// Loads the checkpoint of the store at `store_path` into an empty ledger and
// dictionary, after checking that it belongs to `log` (whose header named
// `store_id` and whose records begin at `records_start`). kNotFound when
// there is none; any other failure leaves the ledger and dictionary in an
// unspecified state, to be discarded.
Status load_checkpoint(const std::string& store_path, const std::string& store_id,
                       const File& log, uint64_t log_size, uint64_t records_start,
                       Ledger* ledger, Dictionary* dictionary, LogPosition* position);

// Checks that a loaded state (and the log's dictionary, when given) is
// consistent, so that no id or offset in it points outside the array it
// indexes and every hash table has room: kCorruptStore naming the first
// inconsistency. Runs on two threads.
Status check_state(const ledger::State& state, const ledger::Interner* dictionary = nullptr);

}  // namespace voronka::store

#endif  // VORONKA_STORE_CHECKPOINT_HPP_
