#include "store/format.hpp"

#include <fmt/format.h>

#include "store/crc32c.hpp"
#include "voronka/version.hpp"

namespace voronka::store {
namespace {

std::string hex_bytes(std::string_view bytes) {
  std::string text;
  for (char c : bytes) {
    if (!text.empty()) text += ' ';
    text += fmt::format("{:02x}", static_cast<uint8_t>(c));
  }
  return text;
}

}  // namespace

std::string creator_name() { return fmt::format("voronka {}", version_string()); }

std::string preamble(std::string_view magic) {
  std::string bytes(magic);
  bytes.resize(kPreambleBytes);
  put_u32(bytes.data() + magic.size(), kFormatVersion);
  return bytes;
}

Status check_preamble(std::string_view bytes, uint64_t file_size, std::string_view magic,
                      std::string_view what, const std::string& path) {
  if (file_size == 0) {
    return Status(Code::kCorruptStore,
                  fmt::format("{} file '{}' is empty; it should begin with a {}-byte preamble "
                              "(magic and format version) and a header",
                              what, path, kPreambleBytes));
  }
  const std::string_view start = bytes.substr(0, magic.size());
  if (start != magic.substr(0, start.size())) {
    return Status(Code::kCorruptStore,
                  fmt::format("'{}' is not a voronka {} file: it begins with {}, not {}", path,
                              what, hex_bytes(start), hex_bytes(magic)));
  }
  if (file_size < kPreambleBytes || bytes.size() < kPreambleBytes) {
    return Status(Code::kCorruptStore,
                  fmt::format("{} file '{}' is {} bytes long, shorter than its {}-byte preamble",
                              what, path, file_size, kPreambleBytes));
  }
  const uint32_t version = get_u32(bytes.data() + magic.size());
  if (version > kFormatVersion) {
    return Status(Code::kVersionMismatch,
                  fmt::format("{} file '{}' has format version {}; {} reads versions up to {}",
                              what, path, version, creator_name(), kFormatVersion));
  }
  if (version == 0) {
    return Status(Code::kCorruptStore,
                  fmt::format("{} file '{}' has format version 0, which no voronka writes", what,
                              path));
  }
  return Status::ok();
}

void encode_frame_header(uint32_t length, uint32_t payload_crc, char* out) {
  put_u32(out, length);
  put_u32(out + 4, payload_crc);
  put_u32(out + 8, crc32c(out, 8));
}

bool decode_frame_header(const char* in, FrameHeader* out) {
  if (crc32c(in, 8) != get_u32(in + 8)) return false;
  out->length = get_u32(in);
  out->crc = get_u32(in + 4);
  return true;
}

uint32_t append_frame(std::string_view payload, std::string* out) {
  const uint32_t crc = crc32c(payload);
  char header[kFrameHeaderBytes];
  encode_frame_header(static_cast<uint32_t>(payload.size()), crc, header);
  out->append(header, kFrameHeaderBytes);
  out->append(payload);
  return crc;
}

}  // namespace voronka::store
