// salvage_store(): copying what is sound of a damaged store into a new file.
#include <chrono>
#include <random>

#include <fmt/format.h>

#include "store/dictionary.hpp"
#include "store/file.hpp"
#include "store/format.hpp"
#include "store/log_position.hpp"
#include "store/log_reader.hpp"
#include "store/replayer.hpp"
#include "voronka/store.hpp"
#include "voronka/v1/store.pb.h"

namespace voronka {

using store::File;

namespace {

// Writes the copied frames through a buffer.
class Copier {
 public:
  Copier(File* out, uint64_t offset) : out_(out), offset_(offset) {}

  Status add(std::string_view bytes) {
    buffer_.append(bytes);
    return buffer_.size() >= kBuffer ? flush() : Status::ok();
  }
  Status flush() {
    Status s = out_->write_at(offset_, buffer_.data(), buffer_.size());
    offset_ += buffer_.size();
    buffer_.clear();
    return s;
  }

 private:
  static constexpr size_t kBuffer = size_t{1} << 20;
  File* out_;
  uint64_t offset_;
  std::string buffer_;
};

std::string new_header() {
  std::random_device device;
  std::string id(16, '\0');
  for (char& c : id) c = static_cast<char>(device());
  v1::StoreHeader header;
  header.set_creator(store::creator_name());
  header.set_store_id(id);
  header.set_created_at(std::chrono::duration_cast<std::chrono::milliseconds>(
                            std::chrono::system_clock::now().time_since_epoch())
                            .count());
  std::string bytes = store::preamble(store::kLogMagic);
  store::append_frame(header.SerializeAsString(), &bytes);
  return bytes;
}

}  // namespace

Status salvage_store(const std::string& damaged, const std::string& fresh,
                     SalvageReport* report) {
  SalvageReport ignored;
  SalvageReport& r = report != nullptr ? *report : ignored;
  r = SalvageReport{};
  if (store::file_exists(fresh)) {
    return Status(Code::kInvalidArgument,
                  fmt::format("'{}' exists; salvage writes a new file only", fresh));
  }
  File in;
  if (Status s = File::open(damaged, File::Mode::kRead, &in); !s) return s;
  uint64_t size = 0;
  if (Status s = in.size(&size); !s) return s;
  // A damaged header costs no record: the copy gets a new one.
  uint64_t records_start = 0;
  std::string header_damage;
  if (Status s = store::locate_records(in, size, &records_start, &header_damage); !s) return s;

  // Created, never truncated: it may name a file of the user's, the damaged
  // store itself among them.
  const std::string temporary = fresh + ".new";
  if (store::file_exists(temporary)) {
    return Status(Code::kInvalidArgument,
                  fmt::format("'{}' exists; salvage writes its copy there before naming it '{}': "
                              "move it away first",
                              temporary, fresh));
  }
  File out;
  if (Status s = File::open(temporary, File::Mode::kCreateNew, &out); !s) return s;
  const std::string head = new_header();
  Status status = out.write_at(0, head.data(), head.size());

  // Every frame is copied as it is read; the copy is then cut back to the
  // last record that replayed.
  Copier copier(&out, head.size());
  Ledger scratch;
  store::Dictionary dictionary;
  store::LogPosition position;
  position.offset = records_start;
  store::ReplayEnd end;
  if (status) {
    const Status replay = store::replay_log(
        in, size, &scratch, &dictionary, &position, &end,
        [&copier](const store::LogReader::Frame& frame) { return copier.add(frame.bytes); });
    status = copier.flush();
    if (status && !replay && replay.code() != Code::kCorruptStore) status = replay;
    if (status && !replay) {
      r.damage = fmt::format("record {} at offset {}: {}", end.damage.record, end.damage.offset,
                             end.damage.problem);
    } else if (status && end.torn_bytes != 0) {
      r.damage = fmt::format("a torn last record: {}", end.torn_reason);
    }
  }
  if (status) status = out.truncate(head.size() + (position.offset - records_start));
  if (status) status = out.sync();
  out.close();
  if (status && store::file_exists(fresh)) {
    status = Status(Code::kInvalidArgument,
                    fmt::format("'{}' appeared while salvaging; the copy is left at '{}'", fresh,
                                temporary));
    return status;
  }
  if (status) status = store::rename_file(temporary, fresh);
  if (status) status = store::sync_directory_of(fresh);
  if (!status) {
    store::remove_file(temporary);
    return status;
  }
  if (!header_damage.empty()) {
    r.damage = r.damage.empty() ? header_damage : header_damage + "; then " + r.damage;
  }
  r.records_kept = position.records;
  r.events_kept = position.events;
  r.damage_offset = position.offset;  // the file size when the records end cleanly
  r.bytes_lost = size - r.damage_offset;
  return Status::ok();
}

}  // namespace voronka
