#include "store/replayer.hpp"

#include <algorithm>

#include <fmt/format.h>

#include "store/format.hpp"

namespace voronka::store {
namespace {

// Events applied in one ledger batch during replay.
constexpr size_t kReplayBatch = size_t{1} << 16;

}  // namespace

Replayer::Replayer(Ledger* ledger, Dictionary* dictionary, std::string path,
                   LogPosition position)
    : ledger_(ledger), dictionary_(dictionary), path_(std::move(path)), position_(position) {}

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

Status Replayer::flush() {
  if (held_.empty()) return Status::ok();
  const std::vector<AppendResult> results = pending_.needs_messages()
                                                ? ledger_->append(pending_.messages())
                                                : ledger_->append(pending_.columns());
  size_t next_held = 0;
  Status status;
  for (size_t i = 0; i < results.size(); ++i) {
    while (next_held + 1 < held_.size() && held_[next_held + 1].first_event <= i) {
      advance(held_[next_held], held_[next_held + 1].first_event - held_[next_held].first_event);
      ++next_held;
    }
    if (results[i].outcome != Outcome::kAccepted) {
      status = fail(held_[next_held],
                    fmt::format("its event '{}' of deal '{}' was not accepted again ({})",
                                pending_.event_id(i), pending_.deal(i),
                                results[i].outcome == Outcome::kDuplicate
                                    ? "a duplicate"
                                    : results[i].status.to_string()));
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
  Replayer replayer(ledger, dictionary, file.path(), *position);
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
