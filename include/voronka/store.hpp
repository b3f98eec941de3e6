// The durable store: a ledger kept in one local file.
//
// A store is an append-only log of the events the ledger accepted, in the
// order it applied them, and of the process definitions they refer to, so a
// file is self-contained. Opening a store replays the log into a fresh ledger;
// a checkpoint beside the log ("<path>.checkpoint", a snapshot of the whole
// ledger) lets an open load the snapshot and replay only the log after it.
// docs/file-format.md describes the files.
//
//   std::unique_ptr<voronka::Store> store;
//   voronka::OpenInfo info;
//   if (auto s = voronka::Store::open("pipeline.vrk", {}, &store, &info); !s) ...
//   store->add_process(definition);
//   voronka::BatchResult results;
//   if (auto s = store->append(events, &results); !s) ...  // an I/O failure
//   for (const auto& r : results.rejections()) ...         // r.index, r.status
//
// Durability. An append writes its records to the file before it returns, in
// every mode, so a crash of the process never loses an acknowledged event. The
// modes differ in what survives a crash of the machine (power loss, kernel
// panic):
//   kSync   every event whose append returned; each append syncs the file
//           (fdatasync) before it returns, and a new file's directory is
//           synced when the file is created.
//   kGroup  every event appended before the last completed sync. A background
//           thread syncs at most group_max_delay_ms after an append, and as
//           soon as group_max_events events wait, whichever comes first;
//           sync() and closing the store sync at once.
//   kNone   whatever the operating system wrote back by itself; sync() and
//           checkpoint() still sync.
// A machine crash can tear the last record; the next writable open drops the
// torn tail (OpenInfo::dropped_tail_bytes), never a complete record. A large
// batch is written record by record (at most 65,536 events each) as it is
// encoded, so a crash during its append may leave the first of its records:
// events of an append that had not returned, in the order it applied them.
//
// Failures. If writing or syncing the log fails after the ledger accepted a
// batch, the in-memory ledger holds events the file may lack. From then on
// every write (append, add_process, sync, checkpoint) fails with that first
// error, so memory and file cannot silently drift apart; reads go on working.
// Reopen the store to continue from what the file holds.
//
// Damage. A log whose middle is damaged (a checksum mismatch, garbage, a
// record that does not decode or is not accepted again) does not open: the
// error (kCorruptStore) names the file offset and the record number, and
// nothing is skipped. salvage_store() copies the records before the damage
// into a new file.
//
// Locking. One writer per file: a writable open takes an exclusive lock on
// "<path>.lock", held until the Store is destroyed, and a second writer, in
// this process or another, fails with kLocked, naming the holder's pid. Any
// number of read-only handles may open the store beside the writer and call
// refresh() to apply what it appended since.
//
// Thread safety. One Store may be shared by many threads. Writes (append,
// add_process, sync, checkpoint, refresh) are serialised; reads through
// ledger() run concurrently with them and see the ledger between whole
// batches (Ledger's own rule). A reader may see a batch before the append
// that wrote it has returned, that is, before it is durable.
#ifndef VORONKA_STORE_HPP_
#define VORONKA_STORE_HPP_

#include <cstdint>
#include <memory>
#include <span>
#include <string>
#include <vector>

#include "voronka/event.hpp"
#include "voronka/ledger.hpp"
#include "voronka/status.hpp"
#include "voronka/v1/process.pb.h"

namespace voronka {

enum class Durability : uint8_t { kSync, kGroup, kNone };

struct StoreOptions {
  Durability durability = Durability::kSync;
  // Open without the writer lock; only refresh() changes the ledger.
  bool read_only = false;
  // Create the file when it does not exist (writable opens only).
  bool create_if_missing = true;
  // Write a checkpoint each time this many events were appended since the
  // last one (by the append that crosses the mark, before it returns);
  // 0 writes checkpoints only when checkpoint() is called.
  uint64_t checkpoint_every = 0;
  uint32_t group_max_delay_ms = 50;    // kGroup: the longest an append waits for a sync
  uint32_t group_max_events = 100000;  // kGroup: sync as soon as this many events wait
};

// What an open found.
struct OpenInfo {
  // Events replayed from the log (after the checkpoint, when one was loaded).
  uint64_t replayed_events = 0;
  // Bytes of a torn last record: truncated by a writable open, left in place
  // (perhaps a record being written) and not applied by a read-only one.
  uint64_t dropped_tail_bytes = 0;
  bool from_checkpoint = false;
  bool created = false;  // the open created the file
  // Something the open worked around, e.g. a checkpoint it ignored or the
  // torn tail it dropped; empty when there was nothing.
  std::string warning;
};

struct StoreStats {
  uint64_t file_bytes = 0;     // the log's length: the end of its last record
  uint64_t records = 0;        // records in the log
  uint64_t events = 0;         // events in the log
  uint64_t durable_bytes = 0;  // the part of the log known to be synced (writable stores)
  uint64_t checkpoint_events = 0;  // events covered by the last checkpoint written or loaded
  // The failure that stopped writes (see "Failures"), or OK.
  Status failure;
  // Why the last automatic checkpoint failed; empty when it did not. Such a
  // failure stops nothing: the log holds every event regardless.
  std::string checkpoint_error;
};

class Store {
 public:
  // Opens (or creates) the store at `path`, replaying its log into a new
  // ledger. Errors: kNotFound (no file, and not creating it), kLocked
  // (another writer holds it), kCorruptStore (an empty file, a wrong magic, a
  // damaged header or record, a record whose length exceeds the limit: the
  // message says which and where), kVersionMismatch (a newer format), kIo.
  // Thread safety: none needed; the Store does not exist yet.
  static Status open(const std::string& path, const StoreOptions& options,
                     std::unique_ptr<Store>* out, OpenInfo* info = nullptr);

  // A store without a file: the same API over a plain ledger. sync(),
  // checkpoint() and refresh() do nothing.
  static std::unique_ptr<Store> memory();

  // Syncs what waits for a group commit (kGroup) and releases the lock.
  ~Store();
  Store(const Store&) = delete;
  Store& operator=(const Store&) = delete;

  // The ledger, for reads. Thread safety: any thread, any time.
  const Ledger& ledger() const;

  // Adds a process, or a new version of one (Ledger::add_process); a new
  // version is logged before this returns. kInvalidProcess for a definition
  // that does not validate (nothing is logged), or a write error.
  // Thread safety: serialised with the other writes.
  Status add_process(const v1::Process& definition, uint16_t* version_id = nullptr,
                     bool* created = nullptr);

  // Appends a batch (Ledger::append): `results->outcome(i)` is that of
  // event i (`results` may be null), and the accepted events are logged, in
  // the order the ledger applied them, before this returns. The status is
  // about the log: OK once the accepted events are written (and synced, per
  // the durability mode); otherwise the error that stopped writes, and
  // `results` holds the ledger's outcomes of the events it applied. A
  // read-only store, or one whose writes stopped, accepts nothing: every
  // event is rejected with the returned status (kInvalidArgument for a
  // read-only one). An event whose strings exceed
  // kMaxEventTextBytes in all is rejected with kLimitExceeded.
  // `progress`, when given, is called now and then with the events applied
  // so far, for a progress bar.
  // Thread safety: serialised with the other writes.
  Status append(std::span<const v1::Event> events, BatchResult* results);
  Status append(const EventColumns& events, BatchResult* results,
                const AppendProgress& progress = nullptr);

  // Makes everything appended so far durable now, whatever the mode.
  // Thread safety: serialised with the other writes.
  Status sync();

  // Writes a checkpoint of the ledger as it stands (syncing the log first),
  // replacing the previous one atomically. Appends wait while it is written.
  // kInvalidArgument on a read-only store. Thread safety: serialised with the
  // other writes.
  Status checkpoint();

  // Read-only stores: applies the records appended to the file since the
  // open or the last refresh; `*changed` says whether there were any. A
  // record still being written is left for a later refresh. Writable stores
  // hold everything already: OK, unchanged. A damaged record fails with
  // kCorruptStore, after which every refresh fails the same way.
  // Thread safety: serialised with the other writes.
  Status refresh(bool* changed = nullptr);

  // Thread safety: any thread.
  StoreStats stats() const;

  // The most bytes of text (id, deal, and every string the event's kind
  // reads) one stored event may hold, so that a record always fits the log's
  // frame limit.
  static constexpr size_t kMaxEventTextBytes = size_t{16} << 20;

 private:
  struct Impl;
  explicit Store(std::unique_ptr<Impl> impl);

  std::unique_ptr<Impl> impl_;
};

// The files of the store at `path`: the log itself, then the files the store
// keeps beside it, its lock ("<path>.lock") and checkpoint
// ("<path>.checkpoint"). Any but the log may be missing.
std::vector<std::string> store_files(const std::string& path);

// What salvage_store() kept and lost.
struct SalvageReport {
  uint64_t records_kept = 0;
  uint64_t events_kept = 0;
  uint64_t bytes_lost = 0;      // from the damage to the end of the damaged file
  uint64_t damage_offset = 0;   // where the damage begins; the file size when there is none
  // What is wrong; empty when nothing is. A damaged header is named here but
  // costs no record, so it leaves damage_offset and bytes_lost alone.
  std::string damage;
};

// Copies every valid record of the store at `damaged`, up to its first damage
// (or torn tail), into a new store at `fresh`, which must not exist. The
// records are checked as an open checks them (checksums, decoding, and
// replay into a scratch ledger), so `fresh` opens cleanly. `fresh` gets a new
// header, so a damaged header loses nothing: the records follow it when its
// frame header is intact, else the copy starts at the first sound record
// after the preamble. kCorruptStore or kVersionMismatch when the damaged
// file's preamble is unusable (an empty file, a wrong magic, a newer
// version) or no record can be found after a damaged header;
// kInvalidArgument when `fresh` exists, or "<fresh>.new", where the copy is
// written before it is renamed to `fresh` (it may be `damaged` itself).
Status salvage_store(const std::string& damaged, const std::string& fresh,
                     SalvageReport* report);

}  // namespace voronka

#endif  // VORONKA_STORE_HPP_
