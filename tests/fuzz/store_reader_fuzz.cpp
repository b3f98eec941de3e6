// The log reader on arbitrary bytes: reading the header and replaying the
// records must fail cleanly (kCorruptStore, never a crash, a hang or a giant
// allocation) or account for every byte and every event.
#include <sys/mman.h>
#include <unistd.h>

#include <cstddef>
#include <cstdint>

#include "store/dictionary.hpp"
#include "store/file.hpp"
#include "store/log_position.hpp"
#include "store/log_reader.hpp"
#include "store/replayer.hpp"
#include "voronka/ledger.hpp"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace voronka;
  static const int memory = ::memfd_create("store_reader_fuzz", 0);
  if (memory < 0 || ::ftruncate(memory, 0) != 0 ||
      ::pwrite(memory, data, size, 0) != static_cast<ssize_t>(size)) {
    __builtin_trap();
  }
  const store::File file = store::File::adopt(::dup(memory), "fuzz.vrk");

  v1::StoreHeader header;
  uint64_t records_start = 0;
  if (!store::read_log_header(file, size, &header, &records_start)) return 0;
  Ledger ledger;
  store::Dictionary dictionary;
  store::LogPosition position;
  position.offset = records_start;
  store::ReplayEnd end;
  const Status s = store::replay_log(file, size, &ledger, &dictionary, &position, &end);
  if (position.offset > size) __builtin_trap();
  if (s) {
    // Every byte is a complete record or the torn tail; every event replayed.
    if (position.offset + end.torn_bytes != size) __builtin_trap();
    if (ledger.stats().events != position.events) __builtin_trap();
  } else if (s.code() != Code::kCorruptStore) {
    __builtin_trap();
  } else if (end.damage.offset != position.offset || end.damage.record != position.records + 1) {
    __builtin_trap();  // the damage begins where the sound records end
  }
  return 0;
}
