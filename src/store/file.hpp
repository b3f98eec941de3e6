// POSIX files for the store: positioned reads and writes that report what
// failed, where, and why.
#ifndef VORONKA_STORE_FILE_HPP_
#define VORONKA_STORE_FILE_HPP_

#include <cstddef>
#include <cstdint>
#include <string>

#include "voronka/status.hpp"

namespace voronka::store {

class File {
 public:
  enum class Mode {
    kRead,
    kReadWrite,
    kCreate,     // read-write, truncating or creating
    kCreateNew,  // read-write, creating; fails (kIo) when the file exists
  };

  File() = default;
  ~File();
  File(File&& other) noexcept;
  File& operator=(File&& other) noexcept;
  File(const File&) = delete;
  File& operator=(const File&) = delete;

  // kNotFound when a file to read does not exist.
  static Status open(const std::string& path, Mode mode, File* out);
  // Adopts an open descriptor (for tests and fuzzing).
  static File adopt(int fd, std::string path);

  bool is_open() const { return fd_ >= 0; }
  int fd() const { return fd_; }
  const std::string& path() const { return path_; }

  Status size(uint64_t* out) const;
  // Reads up to `size` bytes; `*read` is less only at the end of the file.
  Status read_at(uint64_t offset, void* data, size_t size, size_t* read) const;
  // Reads exactly `size` bytes; a short file is kCorruptStore.
  Status read_exact_at(uint64_t offset, void* data, size_t size) const;
  Status write_at(uint64_t offset, const void* data, size_t size);
  // Makes the file's data durable (fdatasync).
  Status sync();
  Status truncate(uint64_t size);
  void close();

 private:
  int fd_ = -1;
  std::string path_;
};

bool file_exists(const std::string& path);
// Whether two paths name one file: by identity where both exist, else by
// normalised absolute path (symbolic links of the existing part resolved).
bool same_file(const std::string& a, const std::string& b);
Status rename_file(const std::string& from, const std::string& to);
Status remove_file(const std::string& path);
// Makes a rename or creation in the file's directory durable.
Status sync_directory_of(const std::string& path);

// An I/O error naming the operation, the file and the system's reason.
Status io_error(const std::string& what, const std::string& path, int error);

}  // namespace voronka::store

#endif  // VORONKA_STORE_FILE_HPP_
