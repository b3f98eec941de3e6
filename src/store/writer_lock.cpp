#include "store/writer_lock.hpp"

#include <fcntl.h>
#include <sys/file.h>
#include <unistd.h>

#include <cerrno>
#include <charconv>
#include <string_view>

#include <fmt/format.h>

namespace voronka::store {
namespace {

bool try_lock(int fd) {
#if defined(F_OFD_SETLK)
  struct flock lock = {};
  lock.l_type = F_WRLCK;
  lock.l_whence = SEEK_SET;  // l_start = l_len = 0: the whole file
  return ::fcntl(fd, F_OFD_SETLK, &lock) == 0;
#else
  return ::flock(fd, LOCK_EX | LOCK_NB) == 0;
#endif
}

// "pid 1234", "pid 1234, this process", or "pid unknown" while the holder has
// yet to write it.
std::string holder(const File& file) {
  char text[32];
  size_t read = 0;
  long pid = 0;
  if (!file.read_at(0, text, sizeof(text), &read) ||
      std::from_chars(text, text + read, pid).ec != std::errc() || pid <= 0) {
    return "pid unknown";
  }
  return pid == ::getpid() ? fmt::format("pid {}, this process", pid) : fmt::format("pid {}", pid);
}

}  // namespace

std::string lock_path(const std::string& store_path) { return store_path + ".lock"; }

Status WriterLock::acquire(const std::string& store_path, WriterLock* out) {
  const std::string path = lock_path(store_path);
  const int fd = ::open(path.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0644);
  if (fd < 0) return io_error("cannot open the lock file", path, errno);
  File file = File::adopt(fd, path);
  if (!try_lock(fd)) {
    if (errno != EAGAIN && errno != EACCES && errno != EWOULDBLOCK) {
      return io_error("cannot lock", path, errno);
    }
    return Status(Code::kLocked,
                  fmt::format("store '{}' is locked by another writer ({}); a store has one "
                              "writer at a time, and any number of read-only handles",
                              store_path, holder(file)));
  }
  const std::string pid = fmt::format("{}\n", ::getpid());
  if (Status s = file.truncate(0); !s) return s;
  if (Status s = file.write_at(0, pid.data(), pid.size()); !s) return s;
  out->file_ = std::move(file);
  return Status::ok();
}

}  // namespace voronka::store
