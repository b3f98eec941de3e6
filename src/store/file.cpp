#include "store/file.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <filesystem>
#include <utility>

#include <fmt/format.h>

namespace voronka::store {

Status io_error(const std::string& what, const std::string& path, int error) {
  return Status(Code::kIo, fmt::format("{} '{}': {}", what, path, std::strerror(error)));
}

File::~File() { close(); }

File::File(File&& other) noexcept
    : fd_(std::exchange(other.fd_, -1)), path_(std::move(other.path_)) {}

File& File::operator=(File&& other) noexcept {
  if (this != &other) {
    close();
    fd_ = std::exchange(other.fd_, -1);
    path_ = std::move(other.path_);
  }
  return *this;
}

Status File::open(const std::string& path, Mode mode, File* out) {
  int flags = O_CLOEXEC;
  switch (mode) {
    case Mode::kRead: flags |= O_RDONLY; break;
    case Mode::kReadWrite: flags |= O_RDWR; break;
    case Mode::kCreate: flags |= O_RDWR | O_CREAT | O_TRUNC; break;
    case Mode::kCreateNew: flags |= O_RDWR | O_CREAT | O_EXCL; break;
  }
  const int fd = ::open(path.c_str(), flags, 0644);
  if (fd < 0) {
    const int error = errno;
    if (error == ENOENT && (mode == Mode::kRead || mode == Mode::kReadWrite)) {
      return Status(Code::kNotFound, fmt::format("store file '{}' does not exist", path));
    }
    return io_error("cannot open", path, error);
  }
  *out = adopt(fd, path);
  return Status::ok();
}

File File::adopt(int fd, std::string path) {
  File file;
  file.fd_ = fd;
  file.path_ = std::move(path);
  return file;
}

Status File::size(uint64_t* out) const {
  struct stat st;
  if (::fstat(fd_, &st) != 0) return io_error("cannot stat", path_, errno);
  *out = static_cast<uint64_t>(st.st_size);
  return Status::ok();
}

Status File::read_at(uint64_t offset, void* data, size_t size, size_t* read) const {
  auto* p = static_cast<char*>(data);
  size_t done = 0;
  while (done < size) {
    const ssize_t n = ::pread(fd_, p + done, size - done, static_cast<off_t>(offset + done));
    if (n < 0) {
      if (errno == EINTR) continue;
      return io_error(fmt::format("cannot read {} bytes at offset {} of", size, offset), path_,
                      errno);
    }
    if (n == 0) break;
    done += static_cast<size_t>(n);
  }
  *read = done;
  return Status::ok();
}

Status File::read_exact_at(uint64_t offset, void* data, size_t size) const {
  size_t read = 0;
  if (Status s = read_at(offset, data, size, &read); !s) return s;
  if (read != size) {
    return Status(Code::kCorruptStore,
                  fmt::format("'{}' ends at offset {}, inside {} bytes expected at offset {}",
                              path_, offset + read, size, offset));
  }
  return Status::ok();
}

Status File::write_at(uint64_t offset, const void* data, size_t size) {
  const auto* p = static_cast<const char*>(data);
  size_t done = 0;
  while (done < size) {
    const ssize_t n = ::pwrite(fd_, p + done, size - done, static_cast<off_t>(offset + done));
    if (n < 0) {
      if (errno == EINTR) continue;
      return io_error(fmt::format("cannot write {} bytes at offset {} of", size - done,
                                  offset + done),
                      path_, errno);
    }
    done += static_cast<size_t>(n);
  }
  return Status::ok();
}

Status File::sync() {
#if defined(__APPLE__)
  const int rc = ::fcntl(fd_, F_FULLFSYNC);
#elif defined(__linux__)
  const int rc = ::fdatasync(fd_);
#else
  const int rc = ::fsync(fd_);
#endif
  if (rc != 0) return io_error("cannot sync", path_, errno);
  return Status::ok();
}

Status File::truncate(uint64_t size) {
  if (::ftruncate(fd_, static_cast<off_t>(size)) != 0) {
    return io_error(fmt::format("cannot truncate to {} bytes", size), path_, errno);
  }
  return Status::ok();
}

void File::close() {
  if (fd_ >= 0) ::close(fd_);
  fd_ = -1;
}

bool file_exists(const std::string& path) {
  struct stat st;
  return ::stat(path.c_str(), &st) == 0;
}

namespace {

namespace fs = std::filesystem;

// The absolute path with "." and ".." and the symbolic links of its existing
// part resolved.
fs::path normal_path(const std::string& path) {
  std::error_code error;
  fs::path absolute = fs::absolute(path, error);
  if (error) return fs::path(path).lexically_normal();
  fs::path canonical = fs::weakly_canonical(absolute, error);
  return error ? absolute.lexically_normal() : canonical;
}

}  // namespace

bool same_file(const std::string& a, const std::string& b) {
  std::error_code error;
  const bool both_exist = fs::exists(a, error) && fs::exists(b, error);
  if (both_exist) return fs::equivalent(a, b, error) && !error;
  return normal_path(a) == normal_path(b);
}

Status rename_file(const std::string& from, const std::string& to) {
  if (::rename(from.c_str(), to.c_str()) != 0) {
    return io_error(fmt::format("cannot rename '{}' to", from), to, errno);
  }
  return Status::ok();
}

Status remove_file(const std::string& path) {
  if (::unlink(path.c_str()) != 0 && errno != ENOENT) return io_error("cannot remove", path, errno);
  return Status::ok();
}

Status sync_directory_of(const std::string& path) {
  const size_t slash = path.rfind('/');
  const std::string directory =
      slash == std::string::npos ? "." : (slash == 0 ? "/" : path.substr(0, slash));
  const int fd = ::open(directory.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (fd < 0) return io_error("cannot open directory", directory, errno);
  const int rc = ::fsync(fd);
  const int error = errno;
  ::close(fd);
  if (rc != 0) return io_error("cannot sync directory", directory, error);
  return Status::ok();
}

}  // namespace voronka::store
