// Writing checkpoints.
#include <algorithm>
#include <string>
#include <unordered_map>
#include <utility>
#include <vector>

#include <google/protobuf/io/coded_stream.h>

#include "ledger/access.hpp"
#include "store/checkpoint.hpp"
#include "store/crc32c.hpp"
#include "store/format.hpp"
#include "voronka/v1/store.pb.h"

namespace voronka::store {
namespace {

using Array = v1::CheckpointArray;

// Arrays are cut into chunks of this size, each checked on its own.
constexpr size_t kChunkBytes = size_t{16} << 20;
// The tag of CheckpointArray.data: field 3, wire type 2 (length-delimited).
constexpr uint32_t kDataTag = (3 << 3) | 2;

// Writes frames to the end of a file through a buffer; large array data goes
// to the file straight from the array. The first failure sticks: later
// writes do nothing and status() reports it.
class FrameWriter {
 public:
  explicit FrameWriter(File* file) : file_(file) {}

  const Status& status() const { return status_; }

  void raw(std::string_view bytes) {
    if (!status_) return;
    if (buffer_.size() + bytes.size() > kBuffer) flush();
    if (bytes.size() > kBuffer) {
      write(bytes);
    } else {
      buffer_.append(bytes);
    }
  }

  void frame(std::string_view payload) {
    char header[kFrameHeaderBytes];
    encode_frame_header(static_cast<uint32_t>(payload.size()), crc32c(payload), header);
    raw(std::string_view(header, sizeof(header)));
    raw(payload);
  }

  // One CheckpointArray per chunk of the array's bytes; an empty array is one
  // chunk without data.
  void array(Array::Array id, const void* data, size_t count, size_t element_bytes) {
    const size_t total = count * element_bytes;
    const size_t per_chunk = kChunkBytes / element_bytes * element_bytes;
    size_t done = 0;
    do {
      const size_t size = std::min(per_chunk, total - done);
      Array head;
      head.set_array(id);
      head.set_count(count);
      std::string prefix = head.SerializeAsString();
      uint8_t field[10];
      uint8_t* end = google::protobuf::io::CodedOutputStream::WriteTagToArray(kDataTag, field);
      end = google::protobuf::io::CodedOutputStream::WriteVarint32ToArray(
          static_cast<uint32_t>(size), end);
      prefix.append(reinterpret_cast<const char*>(field), static_cast<size_t>(end - field));

      const std::string_view bytes(static_cast<const char*>(data) + done, size);
      Crc32c crc;
      crc.update(prefix);
      crc.update(bytes);
      char header[kFrameHeaderBytes];
      encode_frame_header(static_cast<uint32_t>(prefix.size() + size), crc.value(), header);
      raw(std::string_view(header, sizeof(header)));
      raw(prefix);
      raw(bytes);
      done += size;
    } while (done < total);
  }

  template <typename Vector>
  void array(Array::Array id, const Vector& v) {
    array(id, v.data(), v.size(), sizeof(typename Vector::value_type));
  }

  // An interner's characters, ends and slots, whose ids follow each other.
  void interner(Array::Array chars, const ledger::Interner& interner) {
    array(chars, interner.chars());
    array(static_cast<Array::Array>(chars + 1), interner.ends());
    array(static_cast<Array::Array>(chars + 2), interner.table().slots());
  }

  void flush() {
    if (!buffer_.empty()) write(buffer_);
    buffer_.clear();
  }

 private:
  static constexpr size_t kBuffer = size_t{1} << 20;

  void write(std::string_view bytes) {
    if (!status_) return;
    status_ = file_->write_at(offset_, bytes.data(), bytes.size());
    offset_ += bytes.size();
  }

  File* file_;
  Status status_;
  uint64_t offset_ = 0;
  std::string buffer_;
};

// A checkpoint must hold all of the state. These fail to compile when a
// member is added to the state, until it is saved here and loaded in
// checkpoint_reader.cpp (or, if it is derived, listed here as not saved).
static_assert(sizeof(ledger::DealColumns) == 11 * sizeof(ledger::LargeVector<uint8_t>),
              "a new deal column must be saved in checkpoints");
static_assert(sizeof(ledger::State) ==
                  sizeof(ProcessCatalog) + 6 * sizeof(ledger::Interner) +
                      sizeof(ledger::DealColumns) +
                      sizeof(ledger::OpenedBlocks) +  // derived, rebuilt on load: not saved
                      sizeof(ledger::Timelines) +
                      2 * sizeof(std::vector<int64_t>) +
                      sizeof(std::unordered_map<uint64_t, uint32_t>) +
                      sizeof(ledger::EventIndex) +
                      sizeof(ledger::StageIndex) +  // derived, built on demand: not saved
                      sizeof(size_t) +  // max_event_text: the owning store's, not saved
                      3 * sizeof(uint64_t),
              "a new member of the ledger state must be saved in checkpoints");

// The arrays in the order of CheckpointArray.Array, which the loader expects.
void write_state(FrameWriter& w, const ledger::State& s, const Dictionary& dictionary) {
  static_assert(sizeof(ledger::FieldChange) == 8, "field changes are saved as raw bytes");
  const ledger::DealColumns& d = s.deals;
  const ledger::Timelines& t = s.timelines;
  w.interner(Array::DEAL_KEY_CHARS, s.deal_keys);
  w.interner(Array::OWNER_CHARS, s.owners);
  w.interner(Array::CLIENT_CHARS, s.clients);
  w.interner(Array::REASON_CHARS, s.reasons);
  w.interner(Array::FIELD_KEY_CHARS, s.field_keys);
  w.interner(Array::FIELD_VALUE_CHARS, s.field_values);
  w.array(Array::DEAL_VERSION, d.version);
  w.array(Array::DEAL_STATUS, d.status);
  w.array(Array::DEAL_STAGE, d.stage);
  w.array(Array::DEAL_OWNER, d.owner);
  w.array(Array::DEAL_CLIENT, d.client);
  w.array(Array::DEAL_AMOUNT, d.amount);
  w.array(Array::DEAL_OPENED_AT, d.opened_at);
  w.array(Array::DEAL_STAGE_SINCE, d.stage_since);
  w.array(Array::DEAL_CLOSED_AT, d.closed_at);
  w.array(Array::DEAL_ENTERED, d.entered);
  w.array(Array::DEAL_REENTRIES, d.reentries);
  w.array(Array::TIMELINE_AT, t.raw_times());
  w.array(Array::TIMELINE_CODE, t.raw_codes());
  w.array(Array::TIMELINE_BEGIN, t.raw_begins());
  w.array(Array::TIMELINE_SIZE, t.raw_sizes());
  w.array(Array::TIMELINE_CAPACITY, t.raw_capacities());
  w.array(Array::PREVIOUS_AMOUNTS, s.previous_amounts);
  w.array(Array::FIELD_CHANGES, s.field_changes);
  ledger::LargeVector<uint64_t> field_slots;
  ledger::LargeVector<uint32_t> field_values;
  field_slots.reserve(s.fields.size());
  field_values.reserve(s.fields.size());
  for (const auto& [slot, value] : s.fields) {
    field_slots.push_back(slot);
    field_values.push_back(value);
  }
  w.array(Array::FIELD_SLOTS, field_slots);
  w.array(Array::FIELD_VALUES, field_values);
  w.array(Array::EVENT_SLOTS, s.events.slots());
  w.array(Array::EVENT_ARENA, s.events.arena());
  w.interner(Array::DICTIONARY_CHARS, dictionary.interner());
}

}  // namespace

std::string checkpoint_path(const std::string& store_path) { return store_path + ".checkpoint"; }

Status write_checkpoint(const std::string& store_path, const std::string& store_id,
                        const LogPosition& position, const ledger::State& state,
                        const Dictionary& dictionary) {
  const std::string path = checkpoint_path(store_path);
  const std::string temporary = path + ".tmp";
  File file;
  if (Status s = File::open(temporary, File::Mode::kCreate, &file); !s) return s;

  v1::CheckpointHeader header;
  header.set_creator(creator_name());
  header.set_store_id(store_id);
  header.set_log_offset(position.offset);
  header.set_log_records(position.records);
  header.set_log_events(position.events);
  header.set_last_record_offset(position.last_record_offset);
  header.set_last_record_crc(position.last_record_crc);
  for (size_t id = 0; id < state.catalog.version_count(); ++id) {
    *header.add_processes() = state.catalog.version(static_cast<uint16_t>(id)).definition();
  }
  header.set_accepted_events(state.accepted_events);
  header.set_latest_at(state.latest_at);
  header.set_generation(state.generation);
  header.set_event_ids(state.events.size());

  FrameWriter writer(&file);
  writer.raw(preamble(kCheckpointMagic));
  writer.frame(header.SerializeAsString());
  write_state(writer, state, dictionary);
  writer.flush();
  Status status = writer.status();
  if (status) status = file.sync();
  file.close();
  if (status) status = rename_file(temporary, path);
  if (status) return sync_directory_of(path);
  remove_file(temporary);
  return status;
}

}  // namespace voronka::store
