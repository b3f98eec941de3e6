// FileContents: the bytes of a whole file in memory.
//
// A regular file is mapped rather than read: its pages are then the page
// cache's own, so loading costs neither a copy nor fresh zeroed memory —
// for a file of hundreds of megabytes that is a sizeable part of an import.
// Other files (pipes, devices) are read into memory.
#ifndef VORONKA_IO_FILE_CONTENTS_HPP_
#define VORONKA_IO_FILE_CONTENTS_HPP_

#include <string>
#include <string_view>

#include "ledger/large_vector.hpp"
#include "voronka/status.hpp"

namespace voronka::io {

class FileContents {
 public:
  FileContents() = default;
  ~FileContents();
  FileContents(FileContents&& other) noexcept;
  FileContents& operator=(FileContents&& other) noexcept;

  // Loads the file at `path`; kNotFound when it does not exist, kIo when it
  // cannot be read.
  Status load(const std::string& path);

  std::string_view text() const { return text_; }

 private:
  void release();

  void* mapping_ = nullptr;
  size_t mapping_size_ = 0;
  ledger::LargeVector<char> copy_;  // a file that could not be mapped
  std::string_view text_;
};

}  // namespace voronka::io

#endif  // VORONKA_IO_FILE_CONTENTS_HPP_
