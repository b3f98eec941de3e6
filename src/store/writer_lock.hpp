// The single-writer lock of a store.
//
// An exclusive lock on "<store>.lock": an open-file-description lock on
// Linux (flock() elsewhere), which belongs to the open file rather than the
// process, so two writers in one process exclude each other as two processes
// do. The system drops it when the holder exits, however it exits. The file
// also holds the holder's pid, for the message the next writer gets.
#ifndef VORONKA_STORE_WRITER_LOCK_HPP_
#define VORONKA_STORE_WRITER_LOCK_HPP_

#include <string>

#include "store/file.hpp"
#include "voronka/status.hpp"

namespace voronka::store {

// "<store>.lock".
std::string lock_path(const std::string& store_path);

class WriterLock {
 public:
  // Takes the lock of the store at `store_path`, or fails with kLocked.
  static Status acquire(const std::string& store_path, WriterLock* out);

  bool held() const { return file_.is_open(); }

 private:
  File file_;  // closing it releases the lock
};

}  // namespace voronka::store

#endif  // VORONKA_STORE_WRITER_LOCK_HPP_
