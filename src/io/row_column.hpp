// RowColumn: one column of the rows read from a file.
//
// Its buffer is reserved once for the most rows the text can hold (memory
// the system backs only where rows are written). Unlike a
// vector it hands out windows: a second reader writes the rows of the
// second half of a text straight into place behind the first's, where a
// vector would need them copied over, writing every page twice.
#ifndef VORONKA_IO_ROW_COLUMN_HPP_
#define VORONKA_IO_ROW_COLUMN_HPP_

#include <algorithm>
#include <cassert>
#include <cstring>
#include <memory>
#include <type_traits>
#include <utility>

#include "ledger/large_vector.hpp"

namespace voronka::io {

template <typename T>
class RowColumn {
  static_assert(std::is_trivially_copyable_v<T> && std::is_trivially_destructible_v<T>);

 public:
  RowColumn() = default;
  RowColumn(RowColumn&& other) noexcept { *this = std::move(other); }
  RowColumn& operator=(RowColumn&& other) noexcept {
    if (this == &other) return *this;
    release();
    data_ = std::exchange(other.data_, nullptr);
    size_ = std::exchange(other.size_, 0);
    capacity_ = std::exchange(other.capacity_, 0);
    owned_ = std::exchange(other.owned_, false);
    return *this;
  }
  ~RowColumn() { release(); }

  // Room for `capacity` rows; any rows held are dropped.
  void reserve(size_t capacity) {
    release();
    data_ = ledger::LargePageAllocator<T>().allocate(capacity);
    capacity_ = capacity;
    owned_ = true;
  }
  // The rows from `first` on, as an empty column that writes into this one's
  // buffer; it must not outlive this column.
  RowColumn window(size_t first) {
    assert(first <= capacity_);
    RowColumn column;
    column.data_ = data_ + first;
    column.capacity_ = capacity_ - first;
    return column;
  }

  bool reserved() const { return data_ != nullptr; }
  size_t size() const { return size_; }
  bool empty() const { return size_ == 0; }
  const T* data() const { return data_; }
  T* mutable_data() { return data_; }
  const T* begin() const { return data_; }
  const T* end() const { return data_ + size_; }
  const T& operator[](size_t row) const { return data_[row]; }

  void push_back(const T& value) {
    assert(size_ < capacity_);
    std::construct_at(data_ + size_++, value);
  }
  // Grows to `size` rows, the new ones `fill`.
  void resize(size_t size, const T& fill) {
    assert(size <= capacity_);
    for (; size_ < size; ++size_) std::construct_at(data_ + size_, fill);
    size_ = size;
  }
  // Adds the `count` rows a window from row `first` >= size() wrote, moving
  // them down when rows between are unused.
  void append_window(size_t first, size_t count) {
    assert(first >= size_ && first + count <= capacity_);
    if (first != size_) std::memmove(data_ + size_, data_ + first, count * sizeof(T));
    size_ += count;
  }

 private:
  void release() {
    if (owned_) ledger::LargePageAllocator<T>().deallocate(data_, capacity_);
    data_ = nullptr;
    size_ = capacity_ = 0;
    owned_ = false;
  }

  T* data_ = nullptr;
  size_t size_ = 0;
  size_t capacity_ = 0;
  bool owned_ = false;  // false for a window
};

}  // namespace voronka::io

#endif  // VORONKA_IO_ROW_COLUMN_HPP_
