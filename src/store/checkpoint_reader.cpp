// Loading checkpoints.
//
// A checkpoint of a million deals is a quarter of a gigabyte, and opening a
// store from it should take a fraction of a second. So the loader first
// indexes the chunks (a few dozen small reads), then fills the arrays on two
// threads, each reading through a small buffer that stays in cache: the
// checksum runs on bytes just read, and the arrays grow by copying, never
// zero-filled first, into memory that asks for huge pages.
#include <algorithm>
#include <functional>
#include <string>
#include <utility>
#include <vector>

#include <fmt/format.h>
#include <google/protobuf/io/coded_stream.h>

#include "ledger/access.hpp"
#include "ledger/large_vector.hpp"
#include "store/checkpoint.hpp"
#include "store/crc32c.hpp"
#include "store/format.hpp"
#include "store/parallel.hpp"
#include "voronka/v1/store.pb.h"

namespace voronka::store {
namespace {

using Array = v1::CheckpointArray;

constexpr uint32_t kArrayTag = (1 << 3) | 0;  // field 1, varint
constexpr uint32_t kCountTag = (2 << 3) | 0;  // field 2, varint
constexpr uint32_t kDataTag = (3 << 3) | 2;   // field 3, length-delimited
// A chunk's fields before its data take at most this many bytes.
constexpr size_t kMaxPrefixBytes = 32;
// Arrays are read in pieces of this size, which stay in cache.
constexpr size_t kPiece = size_t{1} << 20;

Status invalid(std::string what) { return Status(Code::kCorruptStore, std::move(what)); }

// One array to fill: its id, element size, and how to grow it.
struct Target {
  Array::Array id;
  size_t element_bytes;
  std::function<void(size_t)> reserve;
  std::function<void(const char*, size_t)> append;  // whole elements
};

template <typename Vector>
Target target(Array::Array id, Vector* v) {
  using T = typename Vector::value_type;
  // Room to grow by an eighth: the ledger doubles a full column on the next
  // append, which would copy the whole state right after loading it. Room
  // that is never used costs address space, not memory.
  return Target{id, sizeof(T),
                [v](size_t count) { v->reserve(count + count / 8); },
                [v](const char* bytes, size_t size) {
                  const auto* first = reinterpret_cast<const T*>(bytes);
                  v->insert(v->end(), first, first + size / sizeof(T));
                }};
}

// Where an array's data lies in the file.
struct Chunk {
  uint64_t offset;  // of the frame
  uint64_t data;    // of the data
  uint32_t length;  // of the data
  uint32_t crc;     // of the payload
  Crc32c prefix;    // the checksum of the payload's bytes before the data
};
struct Plan {
  const Target* target;
  uint64_t count = 0;
  std::vector<Chunk> chunks;
};

class CheckpointReader {
 public:
  CheckpointReader(const File& file, uint64_t size) : file_(file), size_(size) {}

  Status preamble() {
    char bytes[kPreambleBytes];
    size_t read = 0;
    if (Status s = file_.read_at(0, bytes, sizeof(bytes), &read); !s) return s;
    offset_ = kPreambleBytes;
    return check_preamble(std::string_view(bytes, read), size_, kCheckpointMagic, "checkpoint",
                          file_.path());
  }

  Status header(v1::CheckpointHeader* out) {
    FrameHeader frame;
    if (Status s = frame_header(&frame); !s) return s;
    std::string payload(frame.length, '\0');
    if (Status s = file_.read_exact_at(offset_, payload.data(), payload.size()); !s) return s;
    if (crc32c(payload) != frame.crc) return invalid("the header's checksum does not match");
    if (!out->ParseFromString(payload)) return invalid("the header does not parse");
    offset_ += frame.length;
    return Status::ok();
  }

  // Finds the chunks of every target, which must follow each other in this
  // order and end the file.
  Status index(const std::vector<Target>& targets, std::vector<Plan>* plans) {
    for (const Target& t : targets) {
      Plan plan{&t, 0, {}};
      uint64_t bytes = 0;
      do {
        Chunk chunk;
        uint32_t array = 0;
        uint64_t count = 0;
        if (Status s = chunk_header(&chunk, &array, &count); !s) return s;
        if (array != static_cast<uint32_t>(t.id)) {
          return invalid(fmt::format("the chunk at offset {} holds array {} where array {} ({}) "
                                     "belongs",
                                     chunk.offset, array, static_cast<int>(t.id),
                                     Array::Array_Name(t.id)));
        }
        if (plan.chunks.empty()) {
          plan.count = count;
          // What the count claims must be in the file: no giant allocation.
          if (count > size_ / t.element_bytes) {
            return invalid(fmt::format("array {} claims {} elements, more than the file holds",
                                       Array::Array_Name(t.id), count));
          }
        } else if (count != plan.count) {
          return invalid(fmt::format("the chunks of array {} disagree on its size",
                                     Array::Array_Name(t.id)));
        }
        bytes += chunk.length;
        if (chunk.length % t.element_bytes != 0 || bytes > plan.count * t.element_bytes ||
            (chunk.length == 0 && plan.count != 0)) {
          return invalid(fmt::format("the chunk of array {} at offset {} holds {} bytes of an "
                                     "array of {} elements",
                                     Array::Array_Name(t.id), chunk.offset, chunk.length,
                                     plan.count));
        }
        plan.chunks.push_back(chunk);
      } while (bytes < plan.count * t.element_bytes);
      plans->push_back(std::move(plan));
    }
    if (offset_ != size_) {
      return invalid(fmt::format("{} bytes follow the last array", size_ - offset_));
    }
    return Status::ok();
  }

  // Fills an array from its chunks, checking each chunk's checksum.
  Status load(const Plan& plan, std::vector<char>* buffer) const {
    plan.target->reserve(plan.count);
    for (const Chunk& chunk : plan.chunks) {
      Crc32c crc = chunk.prefix;
      for (uint32_t done = 0; done < chunk.length;) {
        const size_t piece = std::min<size_t>(buffer->size(), chunk.length - done);
        if (Status s = file_.read_exact_at(chunk.data + done, buffer->data(), piece); !s) {
          return s;
        }
        crc.update(buffer->data(), piece);
        plan.target->append(buffer->data(), piece);
        done += static_cast<uint32_t>(piece);
      }
      if (crc.value() != chunk.crc) {
        return invalid(fmt::format("the chunk of array {} at offset {} fails its checksum",
                                   Array::Array_Name(plan.target->id), chunk.offset));
      }
    }
    return Status::ok();
  }

 private:
  Status frame_header(FrameHeader* frame) {
    char bytes[kFrameHeaderBytes];
    if (size_ - offset_ < kFrameHeaderBytes) {
      return invalid(fmt::format("the file ends at offset {}, inside a frame header", size_));
    }
    if (Status s = file_.read_exact_at(offset_, bytes, sizeof(bytes)); !s) return s;
    if (!decode_frame_header(bytes, frame)) {
      return invalid(fmt::format("the frame header at offset {} is damaged", offset_));
    }
    if (frame->length > kMaxFrameBytes || frame->length > size_ - offset_ - kFrameHeaderBytes) {
      return invalid(fmt::format("the frame at offset {} declares {} bytes, more than the file "
                                 "or the limit allows",
                                 offset_, frame->length));
    }
    offset_ += kFrameHeaderBytes;
    return Status::ok();
  }

  // Reads a chunk's frame header and the fields before its data.
  Status chunk_header(Chunk* chunk, uint32_t* array, uint64_t* count) {
    chunk->offset = offset_;
    FrameHeader frame;
    if (Status s = frame_header(&frame); !s) return s;
    char prefix[kMaxPrefixBytes];
    const size_t read = std::min<size_t>(frame.length, kMaxPrefixBytes);
    if (Status s = file_.read_exact_at(offset_, prefix, read); !s) return s;
    google::protobuf::io::CodedInputStream in(reinterpret_cast<const uint8_t*>(prefix),
                                             static_cast<int>(read));
    while (true) {
      const uint32_t tag = in.ReadTag();
      if (tag == kArrayTag && in.ReadVarint32(array)) continue;
      if (tag == kCountTag && in.ReadVarint64(count)) continue;
      if (tag == kDataTag && in.ReadVarint32(&chunk->length)) break;
      return invalid(fmt::format("the chunk at offset {} does not parse", chunk->offset));
    }
    const auto data = static_cast<size_t>(in.CurrentPosition());
    if (data + chunk->length != frame.length) {
      return invalid(fmt::format("the chunk at offset {} has {} data bytes in a {}-byte frame",
                                 chunk->offset, chunk->length, frame.length));
    }
    chunk->data = offset_ + data;
    chunk->crc = frame.crc;
    chunk->prefix.update(prefix, data);
    offset_ += frame.length;
    return Status::ok();
  }

  const File& file_;
  uint64_t size_;
  uint64_t offset_ = 0;
};

// The parts of an interner, loaded apart and assembled afterwards.
struct InternerParts {
  ledger::LargeVector<char> chars;
  ledger::LargeVector<uint32_t> ends;
  ledger::LargeVector<uint64_t> slots;

  void add_targets(Array::Array chars_id, std::vector<Target>* targets) {
    targets->push_back(target(chars_id, &chars));
    targets->push_back(target(static_cast<Array::Array>(chars_id + 1), &ends));
    targets->push_back(target(static_cast<Array::Array>(chars_id + 2), &slots));
  }
  void assemble(ledger::Interner* out) {
    ledger::IdTable table;
    const size_t size = ends.size();
    table.assign(std::move(slots), size);
    out->assign(std::move(chars), std::move(ends), std::move(table));
  }
};

// Reads the arrays, in the order of CheckpointArray.Array, into the state.
Status read_state(CheckpointReader& r, const v1::CheckpointHeader& header, ledger::State* s,
                  Dictionary* dictionary) {
  ledger::DealColumns& d = s->deals;
  InternerParts deal_keys, owners, clients, reasons, field_keys, field_values, words;
  ledger::LargeVector<int64_t> at;
  ledger::LargeVector<uint32_t> code, begin, size, capacity, field_values_of_slots;
  ledger::LargeVector<uint64_t> field_slots, event_slots;
  ledger::LargeVector<char> event_arena;
  std::vector<Target> targets;
  deal_keys.add_targets(Array::DEAL_KEY_CHARS, &targets);
  owners.add_targets(Array::OWNER_CHARS, &targets);
  clients.add_targets(Array::CLIENT_CHARS, &targets);
  reasons.add_targets(Array::REASON_CHARS, &targets);
  field_keys.add_targets(Array::FIELD_KEY_CHARS, &targets);
  field_values.add_targets(Array::FIELD_VALUE_CHARS, &targets);
  targets.push_back(target(Array::DEAL_VERSION, &d.version));
  targets.push_back(target(Array::DEAL_STATUS, &d.status));
  targets.push_back(target(Array::DEAL_STAGE, &d.stage));
  targets.push_back(target(Array::DEAL_OWNER, &d.owner));
  targets.push_back(target(Array::DEAL_CLIENT, &d.client));
  targets.push_back(target(Array::DEAL_AMOUNT, &d.amount));
  targets.push_back(target(Array::DEAL_OPENED_AT, &d.opened_at));
  targets.push_back(target(Array::DEAL_STAGE_SINCE, &d.stage_since));
  targets.push_back(target(Array::DEAL_CLOSED_AT, &d.closed_at));
  targets.push_back(target(Array::DEAL_ENTERED, &d.entered));
  targets.push_back(target(Array::DEAL_REENTRIES, &d.reentries));
  targets.push_back(target(Array::TIMELINE_AT, &at));
  targets.push_back(target(Array::TIMELINE_CODE, &code));
  targets.push_back(target(Array::TIMELINE_BEGIN, &begin));
  targets.push_back(target(Array::TIMELINE_SIZE, &size));
  targets.push_back(target(Array::TIMELINE_CAPACITY, &capacity));
  targets.push_back(target(Array::PREVIOUS_AMOUNTS, &s->previous_amounts));
  targets.push_back(target(Array::FIELD_CHANGES, &s->field_changes));
  targets.push_back(target(Array::FIELD_SLOTS, &field_slots));
  targets.push_back(target(Array::FIELD_VALUES, &field_values_of_slots));
  targets.push_back(target(Array::EVENT_SLOTS, &event_slots));
  targets.push_back(target(Array::EVENT_ARENA, &event_arena));
  words.add_targets(Array::DICTIONARY_CHARS, &targets);

  std::vector<Plan> plans;
  if (Status status = r.index(targets, &plans); !status) return status;
  // Largest first, so that the two threads finish together.
  std::sort(plans.begin(), plans.end(), [](const Plan& a, const Plan& b) {
    return a.count * a.target->element_bytes > b.count * b.target->element_bytes;
  });
  std::vector<char> buffers[2] = {std::vector<char>(kPiece), std::vector<char>(kPiece)};
  if (Status status = run_on_two_threads(
          plans.size(), [&](size_t i, int worker) { return r.load(plans[i], &buffers[worker]); });
      !status) {
    return status;
  }

  deal_keys.assemble(&s->deal_keys);
  owners.assemble(&s->owners);
  clients.assemble(&s->clients);
  reasons.assemble(&s->reasons);
  field_keys.assemble(&s->field_keys);
  field_values.assemble(&s->field_values);
  words.assemble(&dictionary->interner());
  s->opened_blocks.assign(d.opened_at);
  s->timelines.assign(std::move(at), std::move(code), std::move(begin), std::move(size),
                      std::move(capacity));
  if (field_slots.size() != field_values_of_slots.size()) {
    return invalid(fmt::format("it has {} field slots but {} field values", field_slots.size(),
                               field_values_of_slots.size()));
  }
  s->fields.reserve(field_slots.size());
  for (size_t i = 0; i < field_slots.size(); ++i) {
    s->fields.emplace(field_slots[i], field_values_of_slots[i]);
  }
  s->events.assign(std::move(event_slots), std::move(event_arena), header.event_ids());
  s->accepted_events = header.accepted_events();
  s->latest_at = header.latest_at();
  s->generation = header.generation();
  return Status::ok();
}

// Whether the log still holds the record the checkpoint ends with.
Status check_log(const v1::CheckpointHeader& header, const File& log, uint64_t log_size,
                 uint64_t records_start) {
  if (header.log_offset() > log_size) {
    return invalid(fmt::format("it covers {} bytes of the log, which has {}",
                               header.log_offset(), log_size));
  }
  if (header.log_records() == 0) {
    if (header.log_offset() != records_start) {
      return invalid("it covers no records but does not start where the log's records do");
    }
    return Status::ok();
  }
  char bytes[kFrameHeaderBytes];
  FrameHeader frame;
  if (header.last_record_offset() < records_start ||
      header.last_record_offset() + kFrameHeaderBytes > header.log_offset() ||
      !log.read_exact_at(header.last_record_offset(), bytes, sizeof(bytes)) ||
      !decode_frame_header(bytes, &frame) || frame.crc != header.last_record_crc() ||
      header.last_record_offset() + kFrameHeaderBytes + frame.length != header.log_offset()) {
    return invalid(fmt::format("its last record (at offset {}) is not in the log",
                               header.last_record_offset()));
  }
  return Status::ok();
}

}  // namespace

Status load_checkpoint(const std::string& store_path, const std::string& store_id,
                       const File& log, uint64_t log_size, uint64_t records_start,
                       Ledger* ledger, Dictionary* dictionary, LogPosition* position) {
  File file;
  if (Status s = File::open(checkpoint_path(store_path), File::Mode::kRead, &file); !s) return s;
  uint64_t size = 0;
  if (Status s = file.size(&size); !s) return s;
  CheckpointReader reader(file, size);
  v1::CheckpointHeader header;
  if (Status s = reader.preamble(); !s) return s;
  if (Status s = reader.header(&header); !s) return s;
  if (header.store_id() != store_id) return invalid("it belongs to another store");
  if (Status s = check_log(header, log, log_size, records_start); !s) return s;

  for (int id = 0; id < header.processes_size(); ++id) {
    uint16_t version = 0;
    bool created = false;
    if (Status s = ledger->add_process(header.processes(id), &version, &created); !s) {
      return invalid(fmt::format("its process version {} is not accepted: {}", id,
                                 s.to_string()));
    }
    if (!created || version != id) {
      return invalid(fmt::format("its process version {} does not make version {}", id, id));
    }
  }
  // The ledger is not shared yet; its lock is not needed.
  ledger::State& state = ledger::Access::state(*ledger);
  if (Status s = read_state(reader, header, &state, dictionary); !s) return s;
  if (Status s = check_state(state, &dictionary->interner()); !s) return s;
  if (dictionary->size() == 0 || !dictionary->str(0).empty()) {
    return invalid("its dictionary does not begin with the empty string");
  }
  position->offset = header.log_offset();
  position->records = header.log_records();
  position->events = header.log_events();
  position->last_record_offset = header.last_record_offset();
  position->last_record_crc = header.last_record_crc();
  return Status::ok();
}

}  // namespace voronka::store
