#include "store/log_reader.hpp"

#include <algorithm>
#include <cstring>

#include <fmt/format.h>

#include "store/crc32c.hpp"
#include "store/format.hpp"

namespace voronka::store {
namespace {

// Reads ahead this much, so that small records cost no read each.
constexpr size_t kReadAhead = size_t{1} << 20;
// A header frame is a few dozen bytes; more is damage.
constexpr uint32_t kMaxHeaderBytes = 4096;
// The unit a disk writes whole: a crash may leave a write's later sectors
// unwritten, reading as zeros, while its earlier ones reached the disk.
constexpr uint64_t kSectorBytes = 512;

}  // namespace

Status read_log_header(const File& file, uint64_t file_size, v1::StoreHeader* header,
                       uint64_t* records_start) {
  char start[kPreambleBytes + kFrameHeaderBytes];
  size_t read = 0;
  if (Status s = file.read_at(0, start, sizeof(start), &read); !s) return s;
  if (Status s = check_preamble(std::string_view(start, read), file_size, kLogMagic, "store",
                                file.path());
      !s) {
    return s;
  }
  FrameHeader frame;
  if (read < sizeof(start) || !decode_frame_header(start + kPreambleBytes, &frame) ||
      frame.length > kMaxHeaderBytes || kPreambleBytes + kFrameHeaderBytes + frame.length > file_size) {
    return Status(Code::kCorruptStore,
                  fmt::format("store file '{}': the header at offset {} is damaged or cut short",
                              file.path(), kPreambleBytes));
  }
  std::string payload(frame.length, '\0');
  const uint64_t payload_offset = kPreambleBytes + kFrameHeaderBytes;
  if (Status s = file.read_exact_at(payload_offset, payload.data(), payload.size()); !s) return s;
  if (crc32c(payload) != frame.crc || !header->ParseFromString(payload)) {
    return Status(Code::kCorruptStore,
                  fmt::format("store file '{}': the header at offset {} is damaged (checksum "
                              "mismatch or unreadable)",
                              file.path(), kPreambleBytes));
  }
  *records_start = payload_offset + frame.length;
  return Status::ok();
}

Status locate_records(const File& file, uint64_t file_size, uint64_t* records_start,
                      std::string* header_damage) {
  header_damage->clear();
  v1::StoreHeader header;
  const Status status = read_log_header(file, file_size, &header, records_start);
  if (status || status.code() != Code::kCorruptStore) return status;
  // The window where the first record may begin: after an empty header, up
  // to after the largest one, plus that record's frame header.
  constexpr uint64_t kFirst = kPreambleBytes + kFrameHeaderBytes;
  std::string window(std::min<uint64_t>(file_size, kFirst + kMaxHeaderBytes + kFrameHeaderBytes),
                     '\0');
  size_t read = 0;
  if (Status s = file.read_at(0, window.data(), window.size(), &read); !s) return s;
  window.resize(read);
  if (read < kFirst || !check_preamble(window, file_size, kLogMagic, "store", file.path())) {
    return status;
  }
  FrameHeader frame;
  if (decode_frame_header(window.data() + kPreambleBytes, &frame)) {
    if (frame.length > kMaxHeaderBytes || kFirst + frame.length > file_size) return status;
    *records_start = kFirst + frame.length;
    *header_damage = fmt::format("the header at offset {} is damaged (its payload's checksum "
                                 "does not match or it does not parse)",
                                 kPreambleBytes);
    return Status::ok();
  }
  for (uint64_t at = kFirst; at + kFrameHeaderBytes <= window.size(); ++at) {
    if (!decode_frame_header(window.data() + at, &frame) || frame.length > kMaxFrameBytes ||
        at + kFrameHeaderBytes + frame.length > file_size) {
      continue;
    }
    std::string payload(frame.length, '\0');
    if (Status s = file.read_exact_at(at + kFrameHeaderBytes, payload.data(), payload.size());
        !s) {
      return s;
    }
    if (crc32c(payload) != frame.crc) continue;
    *records_start = at;
    *header_damage = fmt::format("the header at offset {} is damaged (its frame header's "
                                 "checksum does not match); the first sound record is at "
                                 "offset {}",
                                 kPreambleBytes, at);
    return Status::ok();
  }
  return status;
}

Status damage_status(const std::string& path, const Damage& damage) {
  return Status(Code::kCorruptStore,
                fmt::format("store file '{}' is damaged at offset {}, record {}: {}; {}", path,
                            damage.offset, damage.record, damage.problem,
                            damage.record <= 1   ? "no record comes before it"
                            : damage.record == 2 ? "the record before it is intact and can be "
                                                   "salvaged"
                                                 : fmt::format("the {} records before it are "
                                                               "intact and can be salvaged",
                                                               damage.record - 1)));
}

LogReader::LogReader(const File& file, uint64_t offset, uint64_t end, uint64_t record)
    : file_(file), offset_(offset), end_(end), record_(record), buffer_offset_(offset) {}

Status LogReader::fill(size_t size) {
  const uint64_t begin = offset_ - buffer_offset_;
  if (begin + size <= buffer_size_) return Status::ok();
  // Keep the unread bytes, move them to the front, and read on.
  const size_t kept = buffer_size_ - begin;
  const size_t want = std::max<size_t>(size, std::min<uint64_t>(kReadAhead, end_ - offset_));
  if (buffer_.size() < want) buffer_.resize(want);
  std::memmove(buffer_.data(), buffer_.data() + begin, kept);
  buffer_offset_ = offset_;
  size_t read = 0;
  if (Status s = file_.read_at(offset_ + kept, buffer_.data() + kept, want - kept, &read); !s) {
    return s;
  }
  buffer_size_ = kept + read;
  if (buffer_size_ < size) {
    return Status(Code::kIo, fmt::format("store file '{}' shrank while being read (at offset {})",
                                         file_.path(), offset_ + buffer_size_));
  }
  return Status::ok();
}

Status LogReader::zero_run_start(uint64_t floor, uint64_t* start) const {
  std::vector<char> chunk(std::min<uint64_t>(kReadAhead, end_ - floor));
  for (uint64_t at = end_; at > floor;) {
    const size_t want = static_cast<size_t>(std::min<uint64_t>(chunk.size(), at - floor));
    size_t read = 0;
    if (Status s = file_.read_at(at - want, chunk.data(), want, &read); !s) return s;
    if (read != want) {
      return Status(Code::kIo, fmt::format("store file '{}' shrank while being read (at offset "
                                           "{})",
                                           file_.path(), at - want + read));
    }
    const auto last = std::find_if(chunk.rbegin() + static_cast<ptrdiff_t>(chunk.size() - want),
                                   chunk.rend(), [](char c) { return c != 0; });
    if (last != chunk.rend()) {
      *start = at - want + static_cast<uint64_t>(chunk.rend() - last);
      return Status::ok();
    }
    at -= want;
  }
  *start = floor;
  return Status::ok();
}

Status LogReader::zero_filled(uint64_t frame_end, bool* torn) {
  uint64_t zero = 0;
  if (Status s = zero_run_start(offset_, &zero); !s) return s;
  const uint64_t sector = (zero + kSectorBytes - 1) / kSectorBytes * kSectorBytes;
  *torn = zero == offset_ || sector < frame_end;
  if (zero == offset_) {
    torn_reason_ = fmt::format("the {} bytes from offset {} are all zero, space the file "
                               "system allotted to a write that never reached it",
                               end_ - offset_, offset_);
  } else if (sector < frame_end) {
    torn_reason_ = fmt::format("record {} at offset {} is zero from offset {} to the end of "
                               "the file, sectors the file system allotted to a write that "
                               "never reached them",
                               record_, offset_, sector);
  }
  if (*torn) torn_bytes_ = end_ - offset_;
  return Status::ok();
}

Status LogReader::fail(std::string problem) {
  damage_ = Damage{offset_, record_, std::move(problem)};
  return damage_status(file_.path(), damage_);
}

Status LogReader::next(Frame* frame, bool* more) {
  *more = false;
  const uint64_t remaining = end_ - offset_;
  if (remaining == 0) return Status::ok();
  if (remaining < kFrameHeaderBytes) {
    torn_bytes_ = remaining;
    torn_reason_ = fmt::format("record {} at offset {} ends after {} of its {} header bytes",
                               record_, offset_, remaining, kFrameHeaderBytes);
    return Status::ok();
  }
  if (Status s = fill(kFrameHeaderBytes); !s) return s;
  const char* header = buffer_.data() + (offset_ - buffer_offset_);
  FrameHeader h;
  bool torn = false;
  if (!decode_frame_header(header, &h)) {
    if (Status s = zero_filled(offset_ + kFrameHeaderBytes, &torn); !s || torn) return s;
    const uint32_t length = get_u32(header);
    return fail(length > remaining - kFrameHeaderBytes
                    ? fmt::format("the record header is damaged: its checksum does not match, "
                                  "and its length prefix ({} bytes) exceeds the {} bytes left in "
                                  "the file",
                                  length, remaining - kFrameHeaderBytes)
                    : fmt::format("the record header is damaged: its checksum does not match "
                                  "(length prefix {} bytes)",
                                  length));
  }
  if (h.length > kMaxFrameBytes) {
    return fail(fmt::format("the record declares {} bytes, more than the limit of {} bytes",
                            h.length, kMaxFrameBytes));
  }
  if (h.length > remaining - kFrameHeaderBytes) {
    torn_bytes_ = remaining;
    torn_reason_ = fmt::format("record {} at offset {} needs {} bytes; the file ends {} bytes "
                               "after its header",
                               record_, offset_, h.length, remaining - kFrameHeaderBytes);
    return Status::ok();
  }
  if (Status s = fill(kFrameHeaderBytes + h.length); !s) return s;
  const char* bytes = buffer_.data() + (offset_ - buffer_offset_);
  const std::string_view payload(bytes + kFrameHeaderBytes, h.length);
  if (const uint32_t crc = crc32c(payload); crc != h.crc) {
    if (Status s = zero_filled(offset_ + kFrameHeaderBytes + h.length, &torn); !s || torn) {
      return s;
    }
    return fail(fmt::format("checksum mismatch: the record's {} bytes have CRC-32C {:08x}, its "
                            "header says {:08x}",
                            h.length, crc, h.crc));
  }
  frame->offset = offset_;
  frame->record = record_;
  frame->crc = h.crc;
  frame->bytes = std::string_view(bytes, kFrameHeaderBytes + h.length);
  frame->payload = payload;
  offset_ += kFrameHeaderBytes + h.length;
  ++record_;
  *more = true;
  return Status::ok();
}

}  // namespace voronka::store
