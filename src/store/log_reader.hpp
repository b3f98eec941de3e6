// Reading a log file: its header, then its frames one after another.
//
// The reader tells the three ways a log can end apart (docs/file-format.md):
// cleanly at a frame boundary; in a torn tail, the incomplete last frame a
// crash leaves behind (a frame header cut short, a payload cut short under an
// intact header, or bytes that are all zero to the end of the file, from the
// frame's start or from a sector boundary inside it); or in damage, which is every
// other inconsistency and is never skipped.
#ifndef VORONKA_STORE_LOG_READER_HPP_
#define VORONKA_STORE_LOG_READER_HPP_

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "store/file.hpp"
#include "voronka/status.hpp"
#include "voronka/v1/store.pb.h"

namespace voronka::store {

// Reads and checks a log's preamble and header; `*records_start` receives
// the offset of the first record.
Status read_log_header(const File& file, uint64_t file_size, v1::StoreHeader* header,
                       uint64_t* records_start);

// For salvage: where the records of a log begin, even when its header is
// damaged (the copy gets a new header, so only the records matter). With an
// intact frame header the records follow the header's payload; otherwise
// they begin at the first sound frame (both checksums hold) where a record
// can follow a header. `*header_damage` says what was wrong with the header,
// and is empty when nothing was. Fails as read_log_header() does when the
// preamble is unusable or no record can be found.
Status locate_records(const File& file, uint64_t file_size, uint64_t* records_start,
                      std::string* header_damage);

// Where a log's damage begins and what it is, for errors and salvage.
struct Damage {
  uint64_t offset = 0;  // where the damaged record starts
  uint64_t record = 0;  // its number; records count from 1
  std::string problem;
};

// The status for damage: kCorruptStore, naming the file, offset and record.
Status damage_status(const std::string& path, const Damage& damage);

class LogReader {
 public:
  struct Frame {
    uint64_t offset = 0;      // where the frame starts
    uint64_t record = 0;      // its record number
    uint32_t crc = 0;         // the payload's CRC-32C
    std::string_view bytes;   // header and payload; valid until the next read
    std::string_view payload;
  };

  // Reads `file` from `offset`, a frame boundary, up to `end`; the record at
  // `offset` has number `record`.
  LogReader(const File& file, uint64_t offset, uint64_t end, uint64_t record);

  // Reads the next frame: OK with `*more` true and `*frame` filled, or OK
  // with `*more` false at the end (clean or torn, see torn_bytes()). Damage
  // is kCorruptStore (see damage()); a failed read is kIo.
  Status next(Frame* frame, bool* more);

  // Where the next frame would start: the end of the last complete one.
  uint64_t offset() const { return offset_; }
  uint64_t next_record() const { return record_; }
  // Bytes of an incomplete frame at the end, and what was incomplete.
  uint64_t torn_bytes() const { return torn_bytes_; }
  const std::string& torn_reason() const { return torn_reason_; }
  const Damage& damage() const { return damage_; }

 private:
  // Makes the `size` bytes at `offset_` available at buffer_[begin_].
  Status fill(size_t size);
  // Where the run of zero bytes that ends the file begins, looking back no
  // further than `floor` (`floor` when every byte from it is zero).
  Status zero_run_start(uint64_t floor, uint64_t* start) const;
  // Whether the frame at offset_, ending at `frame_end` (its header's end
  // when the header is damaged), is one a crash cut short: from offset_, or
  // from a sector boundary inside the frame, to the end of the file every
  // byte is zero. Fills torn_bytes_ and torn_reason_ when it is.
  Status zero_filled(uint64_t frame_end, bool* torn);
  Status fail(std::string problem);

  const File& file_;
  uint64_t offset_;
  uint64_t end_;
  uint64_t record_;
  std::vector<char> buffer_;
  uint64_t buffer_offset_ = 0;  // file offset of buffer_[0]
  size_t buffer_size_ = 0;      // valid bytes in buffer_
  uint64_t torn_bytes_ = 0;
  std::string torn_reason_;
  Damage damage_;
};

}  // namespace voronka::store

#endif  // VORONKA_STORE_LOG_READER_HPP_
