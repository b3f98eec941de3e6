// TextArena: stable storage for strings built while reading a file.
//
// Most CSV fields are used in place, as views into the file's text; only a
// field with doubled quotes must be rewritten. Those few go here, in blocks
// that never move, so every view handed out stays valid as the arena grows
// and when the arena itself is moved.
#ifndef VORONKA_IO_TEXT_ARENA_HPP_
#define VORONKA_IO_TEXT_ARENA_HPP_

#include <algorithm>
#include <cstddef>
#include <memory>
#include <vector>

namespace voronka::io {

class TextArena {
 public:
  // Room for `size` bytes, valid while the arena lives.
  char* allocate(size_t size) {
    if (size > left_) {
      const size_t block = std::max(size, kBlockSize);
      blocks_.push_back(std::make_unique_for_overwrite<char[]>(block));
      next_ = blocks_.back().get();
      left_ = block;
    }
    char* result = next_;
    next_ += size;
    left_ -= size;
    return result;
  }

  // Keeps `other`'s strings alive as long as this arena; `other` is left
  // empty.
  void adopt(TextArena&& other) {
    for (auto& block : other.blocks_) blocks_.push_back(std::move(block));
    other = TextArena();
  }

 private:
  static constexpr size_t kBlockSize = size_t{16} << 10;

  std::vector<std::unique_ptr<char[]>> blocks_;
  char* next_ = nullptr;
  size_t left_ = 0;
};

}  // namespace voronka::io

#endif  // VORONKA_IO_TEXT_ARENA_HPP_
