#include "voronka/store.hpp"

#include <algorithm>
#include <array>
#include <chrono>
#include <condition_variable>
#include <cstring>
#include <mutex>
#include <random>
#include <system_error>
#include <thread>
#include <utility>

#include <fmt/format.h>

#include "ledger/access.hpp"
#include "ledger/event_view.hpp"
#include "store/applied_so_far.hpp"
#include "store/batch_encoder.hpp"
#include "store/checkpoint.hpp"
#include "store/dictionary.hpp"
#include "store/file.hpp"
#include "store/format.hpp"
#include "store/log_position.hpp"
#include "store/log_reader.hpp"
#include "store/replayer.hpp"
#include "store/writer_lock.hpp"
#include "voronka/v1/store.pb.h"

namespace voronka {

using store::AppliedSoFar;
using store::Dictionary;
using store::File;
using store::LogPosition;

namespace {

// A batch of at least this many events is encoded on a helper thread while
// the ledger applies it; for a smaller one the thread costs more than it saves.
constexpr size_t kFollowFromEvents = size_t{1} << 17;

int64_t now_ms() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

std::string random_store_id() {
  std::random_device device;
  std::string id(16, '\0');
  for (size_t i = 0; i < id.size(); i += 4) {
    const uint32_t word = device();
    std::memcpy(id.data() + i, &word, 4);
  }
  return id;
}

// Writes a new, empty log: to a temporary file first, synced, then renamed
// into place and the directory synced, so that `path` never names a file
// without its header.
Status create_log(const std::string& path) {
  v1::StoreHeader header;
  header.set_creator(store::creator_name());
  header.set_store_id(random_store_id());
  header.set_created_at(now_ms());
  std::string bytes = store::preamble(store::kLogMagic);
  store::append_frame(header.SerializeAsString(), &bytes);

  const std::string temporary = path + ".new";
  File file;
  if (Status s = File::open(temporary, File::Mode::kCreate, &file); !s) return s;
  Status status = file.write_at(0, bytes.data(), bytes.size());
  if (status) status = file.sync();
  file.close();
  if (status) status = store::rename_file(temporary, path);
  if (!status) {
    store::remove_file(temporary);
    return status;
  }
  // A checkpoint left by an earlier file of this name cannot belong to this one.
  if (Status s = store::remove_file(store::checkpoint_path(path)); !s) return s;
  return store::sync_directory_of(path);
}

}  // namespace

struct Store::Impl {
  using Clock = std::chrono::steady_clock;

  std::string path;
  StoreOptions options;
  bool in_memory = false;
  std::unique_ptr<Ledger> ledger = std::make_unique<Ledger>();

  // Set by open; for a writable store the encoder and file change only under
  // `mutex`.
  store::WriterLock lock;
  File file;
  std::string store_id;
  uint64_t records_start = 0;
  Dictionary dictionary;
  std::unique_ptr<store::BatchEncoder> encoder;

  mutable std::mutex mutex;
  LogPosition position;             // the end of the last record written or read
  uint64_t durable_offset = 0;      // the log is synced up to here
  uint64_t checkpoint_events = 0;   // position.events of the last checkpoint
  std::string checkpoint_error;
  Status failure;                   // the failure that stopped writes (or refreshes)
  std::string payload, buffer;      // scratch for encoding

  // kGroup: the thread that syncs, and what it waits for.
  std::thread flusher;
  std::condition_variable wake;
  bool stopping = false;
  uint64_t waiting_events = 0;      // appended since the last sync began
  Clock::time_point waiting_since;  // when the first of them was appended

  bool writable() const { return !options.read_only; }

  // Whether writes may go on; the error to return when not.
  Status check_writable() const {
    if (!writable()) {
      return Status(Code::kInvalidArgument,
                    fmt::format("store '{}' is open read-only", path));
    }
    return failure;
  }

  // Records a write failure; it stops every later write.
  Status fail(const Status& cause) {
    if (failure.is_ok()) {
      failure = Status(cause.code(),
                       fmt::format("{}; store '{}' refuses further writes because its ledger "
                                   "may hold events its file lacks: reopen it to continue from "
                                   "the file",
                                   cause.message(), path));
    }
    return failure;
  }

  // Cuts the encoder's batch into a frame at the end of `buffer`, the frames
  // not yet written, and moves `next` past it.
  void cut(LogPosition* next) {
    const size_t events = encoder->size();
    if (events == 0) return;
    encoder->finish(&payload);
    const size_t before = buffer.size();
    next->last_record_offset = next->offset;
    next->last_record_crc = store::append_frame(payload, &buffer);
    next->offset += buffer.size() - before;
    ++next->records;
    next->events += events;
  }

  // Encodes and writes the accepted events, as far as `applied` gets, and
  // moves `*next` past their records; `view(i, &view)` reads the batch's
  // i-th event. The dictionary lookups of each event are prefetched a few
  // events ahead: in a large store they miss the cache, and overlapping them
  // is most of the encoder's speed. Touches only the encoder, the file and
  // the scratch buffers, so it may run beside the ledger's append.
  template <typename ViewOf>
  Status encode_events(AppliedSoFar& applied, ViewOf&& view_of, LogPosition* next) {
    constexpr size_t kAhead = 8;
    buffer.clear();
    *next = position;
    uint64_t unwritten = position.offset;  // where `buffer` goes in the file
    std::array<ledger::EventView, kAhead> ahead;
    size_t ready = applied.wait_beyond(0);
    auto prepare = [&](size_t k) {
      if (k >= ready) return;
      view_of(applied[k], &ahead[k % kAhead]);
      encoder->prefetch(ahead[k % kAhead]);
    };
    for (size_t k = 0; k < kAhead; ++k) prepare(k);
    for (size_t k = 0; k < ready;) {
      const ledger::EventView view = ahead[k % kAhead];
      prepare(k + kAhead);
      if (Status s = encoder->add(view); !s) return fail(s);
      if (encoder->full()) {
        // Each frame goes to the file once cut: a large batch is never held
        // whole, and the buffer stays small enough to stay in the cache.
        cut(next);
        if (Status s = write_frames(unwritten); !s) return s;
        unwritten = next->offset;
      }
      if (++k == ready) {
        const size_t seen = ready;
        ready = applied.wait_beyond(seen);
        for (size_t j = seen; j < std::min(seen + kAhead, ready); ++j) prepare(j);
      }
    }
    cut(next);
    return write_frames(unwritten);
  }

  // Runs the ledger's append of `size` events, `apply(on_progress)`, which
  // fills `applied` and calls on_progress now and then when `reports` is
  // set; and logs the accepted events. A large batch whose append reports
  // progress is encoded on a helper thread while the ledger applies it.
  template <typename Apply, typename ViewOf>
  Status append_and_log(size_t size, bool reports, std::vector<uint32_t>& applied, Apply&& apply,
                        ViewOf&& view_of) {
    applied.reserve(size);  // the encoder reads it while the ledger appends to it
    AppliedSoFar so_far(applied);
    LogPosition next;
    Status logged;
    auto encode = [&] { logged = encode_events(so_far, view_of, &next); };
    std::thread helper;
    if (reports && size >= kFollowFromEvents && std::thread::hardware_concurrency() > 1) {
      try {
        helper = std::thread(encode);
      } catch (const std::system_error&) {
        // no thread to be had: encode after the ledger, as a small batch does
      }
    }
    const bool following = helper.joinable();
    {
      // Ends the batch for the helper even when the append throws.
      struct Finish {
        AppliedSoFar& so_far;
        std::thread& helper;
        ~Finish() {
          so_far.publish(/*finished=*/true);
          if (helper.joinable()) helper.join();
        }
      } finish{so_far, helper};
      apply([&so_far] { so_far.publish(/*finished=*/false); });
    }
    if (!following) encode();
    if (!logged) return logged;
    if (applied.empty()) return Status::ok();
    return commit(next, applied.size());
  }

  // Writes `buffer` at file offset `at` and empties it.
  Status write_frames(uint64_t at) {
    if (Status s = file.write_at(at, buffer.data(), buffer.size()); !s) return fail(s);
    buffer.clear();
    return Status::ok();
  }

  // Moves the log's end to `next`, whose frames are written, and makes them
  // as durable as the mode asks.
  Status commit(const LogPosition& next, uint64_t events) {
    position = next;
    switch (options.durability) {
      case Durability::kSync:
        if (Status s = sync_log(); !s) return s;
        break;
      case Durability::kGroup: {
        const bool first = waiting_events == 0;
        if (first) waiting_since = Clock::now();
        waiting_events += std::max<uint64_t>(events, 1);  // a process record counts as one
        if (first || waiting_events >= options.group_max_events) wake.notify_one();
        break;
      }
      case Durability::kNone:
        break;
    }
    if (options.checkpoint_every != 0 &&
        position.events - checkpoint_events >= options.checkpoint_every) {
      // The events are logged whatever becomes of the checkpoint.
      if (Status s = write_checkpoint(); !s && failure.is_ok()) checkpoint_error = s.to_string();
      if (!failure.is_ok()) return failure;
    }
    return Status::ok();
  }

  Status sync_log() {
    if (durable_offset == position.offset) return Status::ok();
    if (Status s = file.sync(); !s) return fail(s);
    durable_offset = position.offset;
    return Status::ok();
  }

  Status write_checkpoint() {
    if (Status s = sync_log(); !s) return s;
    ledger::Reader reader(*ledger);
    if (Status s = store::write_checkpoint(path, store_id, position, reader.state(), dictionary);
        !s) {
      return s;
    }
    checkpoint_events = position.events;
    checkpoint_error.clear();
    return Status::ok();
  }

  // kGroup: syncs once the oldest unsynced append has waited long enough, or
  // enough events wait. The sync runs without the mutex, so appends go on
  // meanwhile; it covers at least what was written when it began.
  void run_flusher() {
    const auto delay = std::chrono::milliseconds(options.group_max_delay_ms);
    std::unique_lock guard(mutex);
    while (!stopping) {
      if (waiting_events == 0 || !failure.is_ok()) {
        wake.wait(guard);
        continue;
      }
      const Clock::time_point deadline = waiting_since + delay;
      if (waiting_events < options.group_max_events && Clock::now() < deadline) {
        wake.wait_until(guard, deadline);
        continue;
      }
      const uint64_t target = position.offset;
      waiting_events = 0;
      guard.unlock();
      Status s = file.sync();
      guard.lock();
      if (!s) {
        fail(s);
      } else {
        durable_offset = std::max(durable_offset, target);
      }
    }
  }

  Status open_log(OpenInfo* info);
};

Status Store::Impl::open_log(OpenInfo* info) {
  if (writable()) {
    const Status missing(Code::kNotFound, fmt::format("store file '{}' does not exist", path));
    // Checked before the lock too, so that a failed open leaves no lock file.
    if (!options.create_if_missing && !store::file_exists(path)) return missing;
    if (Status s = store::WriterLock::acquire(path, &lock); !s) return s;
    if (!store::file_exists(path)) {
      if (!options.create_if_missing) return missing;
      if (Status s = create_log(path); !s) return s;
      info->created = true;
    }
  }
  if (Status s = File::open(path, writable() ? File::Mode::kReadWrite : File::Mode::kRead, &file);
      !s) {
    return s;
  }
  uint64_t size = 0;
  if (Status s = file.size(&size); !s) return s;
  v1::StoreHeader header;
  if (Status s = store::read_log_header(file, size, &header, &records_start); !s) return s;
  store_id = header.store_id();
  position.offset = records_start;

  if (store::file_exists(store::checkpoint_path(path))) {
    auto loaded = std::make_unique<Ledger>();
    Dictionary loaded_dictionary;
    LogPosition loaded_position;
    const Status s =
        store::load_checkpoint(path, store_id, file, size, records_start, loaded.get(),
                               &loaded_dictionary, &loaded_position);
    if (s) {
      ledger = std::move(loaded);
      dictionary = std::move(loaded_dictionary);
      position = loaded_position;
      checkpoint_events = position.events;
      info->from_checkpoint = true;
    } else {
      info->warning = fmt::format("checkpoint '{}' was ignored and the whole log replayed: {}",
                                  store::checkpoint_path(path), s.message());
    }
  }

  const uint64_t events_before = position.events;
  store::ReplayEnd end;
  if (Status s = store::replay_log(file, size, ledger.get(), &dictionary, &position, &end); !s) {
    return s;
  }
  info->replayed_events = position.events - events_before;
  info->dropped_tail_bytes = end.torn_bytes;
  if (end.torn_bytes != 0) {
    std::string note;
    if (writable()) {
      if (Status s = file.truncate(position.offset); !s) return s;
      note = fmt::format("dropped a torn last record ({} bytes at offset {}): {}",
                         end.torn_bytes, position.offset, end.torn_reason);
    } else {
      note = fmt::format("left {} bytes at offset {} unread, an incomplete last record: {}",
                         end.torn_bytes, position.offset, end.torn_reason);
    }
    info->warning += (info->warning.empty() ? "" : "; ") + note;
  }
  if (writable()) {
    // What the open read is durable from here on, whoever wrote it.
    if (Status s = file.sync(); !s) return s;
    durable_offset = position.offset;
    encoder = std::make_unique<store::BatchEncoder>(&dictionary);
    if (options.durability == Durability::kGroup) {
      flusher = std::thread([this] { run_flusher(); });
    }
  }
  return Status::ok();
}

Store::Store(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {
  // The ledger rejects an event whose text could not fit a record.
  ledger::Access::state(*impl_->ledger).max_event_text = kMaxEventTextBytes;
}

Status Store::open(const std::string& path, const StoreOptions& options,
                   std::unique_ptr<Store>* out, OpenInfo* info) {
  OpenInfo ignored;
  OpenInfo& found = info != nullptr ? *info : ignored;
  found = OpenInfo{};
  out->reset();
  auto impl = std::make_unique<Impl>();
  impl->path = path;
  impl->options = options;
  if (Status s = impl->open_log(&found); !s) return s;
  out->reset(new Store(std::move(impl)));
  return Status::ok();
}

std::unique_ptr<Store> Store::memory() {
  auto impl = std::make_unique<Impl>();
  impl->in_memory = true;
  impl->path = ":memory:";
  return std::unique_ptr<Store>(new Store(std::move(impl)));
}

Store::~Store() {
  Impl& m = *impl_;
  if (m.flusher.joinable()) {
    {
      std::lock_guard guard(m.mutex);
      m.stopping = true;
    }
    m.wake.notify_all();
    m.flusher.join();
    // Nothing is left to report a failure to: the next open finds the file as it is.
    if (m.failure.is_ok()) m.sync_log();
  }
}

const Ledger& Store::ledger() const { return *impl_->ledger; }

Status Store::add_process(const v1::Process& definition, uint16_t* version_id, bool* created) {
  Impl& m = *impl_;
  std::lock_guard guard(m.mutex);
  if (created) *created = false;
  if (Status s = m.check_writable(); !s) return s;
  bool made = false;
  if (Status s = m.ledger->add_process(definition, version_id, &made); !s) return s;
  if (created) *created = made;
  if (!made || m.in_memory) return Status::ok();

  v1::LogRecord record;
  *record.mutable_process() = definition;
  record.mutable_process()->clear_version();  // the catalogue assigns it again on replay
  m.payload = record.SerializeAsString();
  m.buffer.clear();
  LogPosition next = m.position;
  next.last_record_offset = m.position.offset;
  next.last_record_crc = store::append_frame(m.payload, &m.buffer);
  next.offset = m.position.offset + m.buffer.size();
  ++next.records;
  if (Status s = m.write_frames(m.position.offset); !s) return s;
  return m.commit(next, 0);
}

Status Store::append(std::span<const v1::Event> events, BatchResult* results) {
  Impl& m = *impl_;
  BatchResult ignored;
  BatchResult& out = results != nullptr ? *results : ignored;
  std::lock_guard guard(m.mutex);
  if (Status s = m.check_writable(); !s) {
    out = BatchResult::all_rejected(events.size(), s);
    return s;
  }
  if (m.in_memory) {
    out = m.ledger->append(events);
    return Status::ok();
  }
  std::vector<uint32_t> applied;
  return m.append_and_log(
      events.size(), /*reports=*/false, applied,
      [&](const auto&) { out = m.ledger->append(events, &applied); },
      [&events](uint32_t i, ledger::EventView* view) { *view = ledger::view_of(events[i]); });
}

Status Store::append(const EventColumns& events, BatchResult* results,
                     const AppendProgress& progress) {
  Impl& m = *impl_;
  BatchResult ignored;
  BatchResult& out = results != nullptr ? *results : ignored;
  std::lock_guard guard(m.mutex);
  if (Status s = m.check_writable(); !s) {
    out = BatchResult::all_rejected(events.size, s);
    return s;
  }
  if (m.in_memory) {
    out = m.ledger->append(events, nullptr, progress);
    return Status::ok();
  }
  std::vector<uint32_t> applied;
  return m.append_and_log(
      events.size, /*reports=*/true, applied,
      [&](const auto& on_progress) {
        out = m.ledger->append(events, &applied, [&](uint64_t done, uint64_t total) {
          on_progress();
          if (progress) progress(done, total);
        });
      },
      [&events](uint32_t i, ledger::EventView* view) {
        (void)ledger::view_of(events, i, view);  // accepted rows read cleanly
      });
}

Status Store::sync() {
  Impl& m = *impl_;
  std::lock_guard guard(m.mutex);
  if (m.in_memory || !m.writable()) return Status::ok();
  if (!m.failure.is_ok()) return m.failure;
  return m.sync_log();
}

Status Store::checkpoint() {
  Impl& m = *impl_;
  std::lock_guard guard(m.mutex);
  if (m.in_memory) return Status::ok();
  if (Status s = m.check_writable(); !s) return s;
  return m.write_checkpoint();
}

Status Store::refresh(bool* changed) {
  Impl& m = *impl_;
  std::lock_guard guard(m.mutex);
  if (changed) *changed = false;
  if (m.in_memory || m.writable()) return Status::ok();
  if (!m.failure.is_ok()) return m.failure;
  uint64_t size = 0;
  if (Status s = m.file.size(&size); !s) return s;
  if (size < m.position.offset) {
    m.failure = Status(Code::kCorruptStore,
                       fmt::format("store file '{}' shrank to {} bytes, below the {} this "
                                   "handle has read; reopen it",
                                   m.path, size, m.position.offset));
    return m.failure;
  }
  const uint64_t records = m.position.records;
  store::ReplayEnd end;
  if (Status s = store::replay_log(m.file, size, m.ledger.get(), &m.dictionary, &m.position, &end);
      !s) {
    m.failure = s;
    return s;
  }
  if (changed) *changed = m.position.records != records;
  return Status::ok();
}

StoreStats Store::stats() const {
  const Impl& m = *impl_;
  std::lock_guard guard(m.mutex);
  StoreStats stats;
  stats.file_bytes = m.position.offset;
  stats.records = m.position.records;
  stats.events = m.position.events;
  stats.durable_bytes = m.durable_offset;
  stats.checkpoint_events = m.checkpoint_events;
  stats.failure = m.failure;
  stats.checkpoint_error = m.checkpoint_error;
  return stats;
}

std::vector<std::string> store_files(const std::string& path) {
  return {path, store::lock_path(path), store::checkpoint_path(path)};
}

}  // namespace voronka
