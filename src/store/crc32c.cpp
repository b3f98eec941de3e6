#include "store/crc32c.hpp"

#include <cstring>

#include <boost/crc.hpp>

namespace voronka::store {
namespace {

using BoostCrc32c = boost::crc_optimal<32, 0x1EDC6F41, 0xFFFFFFFF, 0xFFFFFFFF, true, true>;

// Boost.CRC is table-driven, about 0.4 GB/s here; a checkpoint holds hundreds
// of megabytes and must load in a fraction of a second. x86-64 CPUs with
// SSE 4.2 compute this very polynomial in one instruction, and no
// Debian-packaged library offers it, so the store uses the instruction where
// the CPU has it and Boost.CRC everywhere else.
#if defined(__x86_64__)
__attribute__((target("sse4.2"))) uint32_t serial_update(uint32_t state, const char* p,
                                                         size_t size) {
  uint64_t crc = state;
  for (; size >= 8; p += 8, size -= 8) {
    uint64_t word;
    std::memcpy(&word, p, 8);
    crc = __builtin_ia32_crc32di(crc, word);
  }
  auto crc32 = static_cast<uint32_t>(crc);
  for (; size > 0; ++p, --size) crc32 = __builtin_ia32_crc32qi(crc32, static_cast<uint8_t>(*p));
  return crc32;
}

// Each instruction waits for the one before (about 3 cycles on current
// cores, for 8 bytes), so one stream runs at a third of the unit's pace.
// Three streams over three lanes of a block keep it busy. The lanes'
// registers are then joined: the register after a message is linear in the
// register before it and in the message, so the block's register is the
// first lane's moved past two lanes of zeros, xor the second's moved past
// one, xor the third's.
constexpr size_t kLane = 4096;

// The register after `zeros` zero bytes, as a function of the register
// before: linear over GF(2), so a table per byte of the register.
class ZeroShift {
 public:
  explicit ZeroShift(size_t zeros) {
    static constexpr char kZeros[2 * kLane] = {};
    uint32_t moved_bit[32];
    for (int bit = 0; bit < 32; ++bit) {
      moved_bit[bit] = serial_update(uint32_t{1} << bit, kZeros, zeros);
    }
    for (int byte = 0; byte < 4; ++byte) {
      for (uint32_t value = 0; value < 256; ++value) {
        uint32_t moved = 0;
        for (int bit = 0; bit < 8; ++bit) {
          if ((value >> bit) & 1) moved ^= moved_bit[8 * byte + bit];
        }
        table_[byte][value] = moved;
      }
    }
  }
  uint32_t operator()(uint32_t state) const {
    return table_[0][state & 0xFF] ^ table_[1][(state >> 8) & 0xFF] ^
           table_[2][(state >> 16) & 0xFF] ^ table_[3][state >> 24];
  }

 private:
  uint32_t table_[4][256];
};

__attribute__((target("sse4.2"))) uint32_t hardware_update(uint32_t state, const char* p,
                                                           size_t size) {
  if (size < 3 * kLane) return serial_update(state, p, size);
  static const ZeroShift past_one_lane(kLane), past_two_lanes(2 * kLane);
  for (; size >= 3 * kLane; p += 3 * kLane, size -= 3 * kLane) {
    uint64_t first = state, second = 0, third = 0;
    for (size_t i = 0; i < kLane; i += 8) {
      uint64_t words[3];
      std::memcpy(&words[0], p + i, 8);
      std::memcpy(&words[1], p + kLane + i, 8);
      std::memcpy(&words[2], p + 2 * kLane + i, 8);
      first = __builtin_ia32_crc32di(first, words[0]);
      second = __builtin_ia32_crc32di(second, words[1]);
      third = __builtin_ia32_crc32di(third, words[2]);
    }
    state = past_two_lanes(static_cast<uint32_t>(first)) ^
            past_one_lane(static_cast<uint32_t>(second)) ^ static_cast<uint32_t>(third);
  }
  return serial_update(state, p, size);
}

bool have_hardware() { return __builtin_cpu_supports("sse4.2"); }
#else
uint32_t hardware_update(uint32_t state, const char*, size_t) { return state; }
bool have_hardware() { return false; }
#endif

}  // namespace

Crc32c::Crc32c(Engine engine) : hardware_(engine == Engine::kFastest && have_hardware()) {}

void Crc32c::update(const void* data, size_t size) {
  if (hardware_) {
    state_ = hardware_update(state_, static_cast<const char*>(data), size);
    return;
  }
  // Boost.CRC keeps the register between calls as its "interim remainder",
  // a different form from the instruction's.
  BoostCrc32c crc(state_);
  crc.process_bytes(data, size);
  state_ = crc.get_interim_remainder();
}

uint32_t Crc32c::value() const { return hardware_ ? ~state_ : BoostCrc32c(state_).checksum(); }

}  // namespace voronka::store
