#include "io/file_contents.hpp"

#include <fcntl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <system_error>
#include <utility>

#include <fmt/format.h>

namespace voronka::io {
namespace {

Status failure(const std::string& path, int error) {
  return Status(error == ENOENT ? Code::kNotFound : Code::kIo,
                fmt::format("cannot read '{}': {}", path, std::generic_category().message(error)));
}

// Reads what `fd` yields until its end.
int read_all(int fd, size_t expected, ledger::LargeVector<char>* out) {
  out->resize(expected + 1);  // + 1: room to see the end
  size_t used = 0;
  for (;;) {
    if (used == out->size()) out->resize(out->size() * 2);
    const ssize_t n = ::read(fd, out->data() + used, out->size() - used);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) return errno;
    if (n == 0) break;
    used += static_cast<size_t>(n);
  }
  out->resize(used);
  return 0;
}

}  // namespace

FileContents::~FileContents() { release(); }

FileContents::FileContents(FileContents&& other) noexcept { *this = std::move(other); }

FileContents& FileContents::operator=(FileContents&& other) noexcept {
  if (this != &other) {
    release();
    mapping_ = std::exchange(other.mapping_, nullptr);
    mapping_size_ = std::exchange(other.mapping_size_, 0);
    copy_ = std::move(other.copy_);
    text_ = std::exchange(other.text_, {});
  }
  return *this;
}

void FileContents::release() {
  if (mapping_ != nullptr) ::munmap(mapping_, mapping_size_);
  mapping_ = nullptr;
  mapping_size_ = 0;
  copy_ = {};
  text_ = {};
}

Status FileContents::load(const std::string& path) {
  release();
  const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) return failure(path, errno);
  struct stat info {};
  if (::fstat(fd, &info) != 0) {
    const int error = errno;
    ::close(fd);
    return failure(path, error);
  }
  const bool regular = S_ISREG(info.st_mode);
  const size_t size = regular ? static_cast<size_t>(info.st_size) : 0;
  if (regular && size > 0) {
    int flags = MAP_PRIVATE;
#if defined(MAP_POPULATE)
    flags |= MAP_POPULATE;  // map every page now instead of one fault at a time
#endif
    void* mapping = ::mmap(nullptr, size, PROT_READ, flags, fd, 0);
    if (mapping != MAP_FAILED) {
      ::close(fd);
      mapping_ = mapping;
      mapping_size_ = size;
      text_ = std::string_view(static_cast<const char*>(mapping), size);
      return Status::ok();
    }
  }
  const int error = read_all(fd, size, &copy_);
  ::close(fd);
  if (error != 0) {
    copy_ = {};
    return failure(path, error);
  }
  text_ = std::string_view(copy_.data(), copy_.size());
  return Status::ok();
}

}  // namespace voronka::io
