#include "store/crc32c.hpp"

#include <cstring>

#include <boost/crc.hpp>

namespace voronka::store {
namespace {

using BoostCrc32c = boost::crc_optimal<32, 0x1EDC6F41, 0xFFFFFFFF, 0xFFFFFFFF, true, true>;

// Boost.CRC is table-driven, about 0.4 GB/s here; a checkpoint holds hundreds
// of megabytes and must load in a fraction of a second. x86-64 CPUs with
// SSE 4.2 compute this very polynomial in one instruction (about 8 GB/s), and
// no Debian-packaged library offers it, so the store uses the instruction
// where the CPU has it and Boost.CRC everywhere else.
#if defined(__x86_64__)
__attribute__((target("sse4.2"))) uint32_t hardware_update(uint32_t state, const char* p,
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
