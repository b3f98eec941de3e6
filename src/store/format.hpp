// The framing shared by the store's files (docs/file-format.md).
//
// Each file opens with a 12-byte preamble, an 8-byte magic and a
// little-endian u32 format version, followed by frames. A frame is a 12-byte
// header and a protobuf payload:
//
//   u32 length          payload bytes
//   u32 payload_crc     CRC-32C of the payload
//   u32 header_crc      CRC-32C of the 8 bytes before it
//
// The header's own checksum makes the length trustworthy before the payload
// is read: a length that runs past the end of the file under an intact
// header is a write cut short, while a damaged header is corruption.
#ifndef VORONKA_STORE_FORMAT_HPP_
#define VORONKA_STORE_FORMAT_HPP_

#include <bit>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <string>
#include <string_view>

#include "voronka/status.hpp"

namespace voronka::store {

// Arrays and integers are stored little-endian, as they are in memory.
static_assert(std::endian::native == std::endian::little,
              "the store's files are little-endian; big-endian hosts need byte swapping");

// PNG-style magics: the high byte catches 7-bit transports, CR LF and the
// ^Z catch text-mode conversions.
inline constexpr std::string_view kLogMagic{"\x89VRK\r\n\x1a\n", 8};
inline constexpr std::string_view kCheckpointMagic{"\x89VRC\r\n\x1a\n", 8};

// The format this build writes, and the newest it reads.
inline constexpr uint32_t kFormatVersion = 1;

inline constexpr size_t kPreambleBytes = 12;
inline constexpr size_t kFrameHeaderBytes = 12;

// No frame is longer: a length beyond it is damage, never a reason to
// allocate. Writers split event batches well below it.
inline constexpr uint32_t kMaxFrameBytes = uint32_t{64} << 20;

// "voronka 0.1.0": the creator recorded in every file.
std::string creator_name();

inline void put_u32(char* p, uint32_t value) { std::memcpy(p, &value, 4); }
inline uint32_t get_u32(const char* p) {
  uint32_t value;
  std::memcpy(&value, p, 4);
  return value;
}

// The 12-byte preamble of a file with the given magic.
std::string preamble(std::string_view magic);

// Checks a file's preamble. `bytes` holds the file's first bytes (fewer when
// the file is shorter) and `file_size` its size; `what` names the kind of file
// in messages ("store", "checkpoint").
Status check_preamble(std::string_view bytes, uint64_t file_size, std::string_view magic,
                      std::string_view what, const std::string& path);

struct FrameHeader {
  uint32_t length = 0;
  uint32_t crc = 0;  // of the payload
};

// Writes the 12-byte header of a frame.
void encode_frame_header(uint32_t length, uint32_t payload_crc, char* out);
// Reads a frame header; false when its checksum does not match.
bool decode_frame_header(const char* in, FrameHeader* out);

// Appends a whole frame (header and payload) to `out`; returns the payload's
// CRC.
uint32_t append_frame(std::string_view payload, std::string* out);

}  // namespace voronka::store

#endif  // VORONKA_STORE_FORMAT_HPP_
