#include "store/replayer.hpp"

#include <algorithm>
#include <mutex>

#include <fmt/format.h>

#include "ledger/access.hpp"
#include "store/format.hpp"

namespace voronka::store {
namespace {

// Events applied in one ledger batch during replay.
constexpr size_t kReplayBatch = size_t{1} << 16;

// Events read before the rest of the log is extrapolated from them.
constexpr uint64_t kSampleEvents = uint64_t{1} << 12;
// What is reserved beyond the extrapolation: falling short even slightly
// would double the arrays once more near the end.
constexpr double kReserveMargin = 1.125;

}  // namespace

Replayer::Replayer(Ledger* ledger, Dictionary* dictionary, std::string path,
                   LogPosition position, uint64_t end)
    : ledger_(ledger),
      dictionary_(dictionary),
      path_(std::move(path)),
      start_(position),
      start_deals_(ledger::Access::state(*ledger).deals.size()),
      start_strings_(dictionary->size()),
      end_(end),
      position_(position) {}

Status Replayer::fail(const Held& held, std::string problem) {
  damage_ = Damage{held.offset, held.record, std::move(problem)};
  return damage_status(path_, damage_);
}

void Replayer::advance(const Held& held, size_t events) {
  position_.offset = held.end;
  position_.records = held.record;
  position_.events += events;
  position_.last_record_offset = held.offset;
  position_.last_record_crc = held.crc;
}

Status Replayer::add(const LogReader::Frame& frame) {
  const Held held{frame.offset, frame.offset + frame.bytes.size(), frame.record, frame.crc,
                  pending_.size()};
  if (!record_.ParseFromArray(frame.payload.data(), static_cast<int>(frame.payload.size()))) {
    if (Status s = flush(); !s) return s;
    return fail(held, "its payload is not a log record (it does not parse)");
  }
  switch (record_.body_case()) {
    case v1::LogRecord::kEvents: {
      const v1::EventBatch& batch = record_.events();
      size_t new_bytes = 0;
      for (const std::string& text : batch.strings()) new_bytes += text.size();
      if (pending_.size() != 0 &&
          (dictionary_->would_move(new_bytes) || pending_.size() >= kReplayBatch)) {
        if (Status s = flush(); !s) return s;
      }
      const size_t before = pending_.size();
      if (Status s = pending_.decode(batch, dictionary_); !s) {
        if (Status f = flush(); !f) return f;
        return fail(held, fmt::format("a malformed event batch: {}", s.message()));
      }
      held_.push_back(Held{held.offset, held.end, held.record, held.crc, before});
      return Status::ok();
    }
    case v1::LogRecord::kProcess: {
      if (Status s = flush(); !s) return s;
      uint16_t version = 0;
      bool created = false;
      if (Status s = ledger_->add_process(record_.process(), &version, &created); !s) {
        return fail(held, fmt::format("its process '{}' was not accepted again: {}",
                                      record_.process().key(), s.to_string()));
      }
      if (!created) {
        return fail(held, fmt::format("its process '{}' is already the current version",
                                      record_.process().key()));
      }
      advance(held, 0);
      return Status::ok();
    }
    case v1::LogRecord::BODY_NOT_SET:
      break;
  }
  if (Status s = flush(); !s) return s;
  return fail(held, "it holds neither events nor a process");
}

void Replayer::reserve_for_rest() {
  const uint64_t read_bytes = held_.back().end - start_.offset;
  const uint64_t read_events = position_.events - start_.events + pending_.size();
  if (read_events < kSampleEvents) return;
  reserved_ = true;
  const double scale = kReserveMargin * static_cast<double>(end_ - start_.offset) /
                       static_cast<double>(read_bytes);
  auto rest = [scale](uint64_t read) {
    return static_cast<size_t>(static_cast<double>(read) * (scale - 1.0));
  };
  // A refresh replays while readers may be reporting.
  const std::unique_lock lock(ledger::Access::mutex(*ledger_));
  ledger::State& state = ledger::Access::state(*ledger_);
  const uint64_t read_deals = state.deals.size() - start_deals_ + pending_.opened_count();
  state.reserve_more(pending_.size() + rest(read_events),
                     pending_.opened_count() + rest(read_deals));
  dictionary_->interner().reserve(dictionary_->size() +
                                  rest(dictionary_->size() - start_strings_));
}

Status Replayer::flush() {
  if (held_.empty()) return Status::ok();
  if (!reserved_) reserve_for_rest();
  const BatchResult results = pending_.needs_messages() ? ledger_->append(pending_.messages())
                                                       : ledger_->append(pending_.columns());
  size_t next_held = 0;
  Status status;
  for (size_t i = 0; i < results.size(); ++i) {
    while (next_held + 1 < held_.size() && held_[next_held + 1].first_event <= i) {
      advance(held_[next_held], held_[next_held + 1].first_event - held_[next_held].first_event);
      ++next_held;
    }
    if (results.outcome(i) != Outcome::kAccepted) {
      status = fail(held_[next_held],
                    fmt::format("its event '{}' of deal '{}' was not accepted again ({})",
                                pending_.event_id(i), pending_.deal(i),
                                results.outcome(i) == Outcome::kDuplicate
                                    ? "a duplicate"
                                    : results.status(i).to_string()));
      break;
    }
  }
  if (status) advance(held_.back(), pending_.size() - held_.back().first_event);
  held_.clear();
  pending_.clear();
  return status;
}

Status replay_log(const File& file, uint64_t end, Ledger* ledger, Dictionary* dictionary,
                  LogPosition* position, ReplayEnd* result,
                  const std::function<Status(const LogReader::Frame&)>& on_frame) {
  LogReader reader(file, position->offset, end, position->records + 1);
  Replayer replayer(ledger, dictionary, file.path(), *position, end);
  *result = ReplayEnd{};
  auto finish = [&](Status status, const Damage& damage) {
    *position = replayer.position();
    if (status.code() == Code::kCorruptStore) result->damage = damage;
    return status;
  };
  while (true) {
    LogReader::Frame frame;
    bool more = false;
    if (Status s = reader.next(&frame, &more); !s) {
      // Damage in records still held lies earlier in the file, so it comes first.
      if (Status f = replayer.flush(); !f) return finish(f, replayer.damage());
      return finish(s, reader.damage());
    }
    if (!more) break;
    if (on_frame) {
      if (Status s = on_frame(frame); !s) return finish(s, {});
    }
    if (Status s = replayer.add(frame); !s) return finish(s, replayer.damage());
  }
  if (Status s = replayer.flush(); !s) return finish(s, replayer.damage());
  result->torn_bytes = reader.torn_bytes();
  result->torn_reason = reader.torn_reason();
  return finish(Status::ok(), {});
}

}  // namespace voronka::store
