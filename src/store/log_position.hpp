// How far into a log a reader, writer or checkpoint stands.
#ifndef VORONKA_STORE_LOG_POSITION_HPP_
#define VORONKA_STORE_LOG_POSITION_HPP_

#include <cstdint>

namespace voronka::store {

struct LogPosition {
  uint64_t offset = 0;              // the end of the last record
  uint64_t records = 0;             // records up to there
  uint64_t events = 0;              // events in them
  uint64_t last_record_offset = 0;  // where the last record starts; 0 when none
  uint32_t last_record_crc = 0;     // its payload's CRC-32C
};

}  // namespace voronka::store

#endif  // VORONKA_STORE_LOG_POSITION_HPP_
