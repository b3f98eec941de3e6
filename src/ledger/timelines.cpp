#include "ledger/timelines.hpp"

#include <algorithm>
#include <utility>

#include "ledger/vectors.hpp"

namespace voronka::ledger {

void Timelines::append(uint32_t deal, int64_t at, uint32_t code) {
  const uint32_t end = begin_[deal] + size_[deal];
  if (size_[deal] == capacity_[deal]) {
    if (end == at_.size() && size_[deal] != 0) {
      // The run ends the arrays: grow it in place.
      at_.push_back(at);
      code_.push_back(code);
      ++size_[deal];
      ++capacity_[deal];
      ++live_;
      return;
    }
    if (at_.size() > 2 * live_ + 1024) compact();
    relocate(deal, size_[deal] == 0 ? 1 : 2 * size_[deal]);
  }
  const uint32_t slot = begin_[deal] + size_[deal];
  at_[slot] = at;
  code_[slot] = code;
  ++size_[deal];
  ++live_;
}

void Timelines::reserve(size_t entries, size_t deals) {
  reserve_more(at_, entries);
  reserve_more(code_, entries);
  reserve_more(begin_, deals);
  reserve_more(size_, deals);
  reserve_more(capacity_, deals);
}

void Timelines::relocate(uint32_t deal, uint32_t capacity) {
  const uint32_t old_begin = begin_[deal];
  const auto new_begin = static_cast<uint32_t>(at_.size());
  at_.resize(at_.size() + capacity);
  code_.resize(code_.size() + capacity);
  std::copy_n(at_.begin() + old_begin, size_[deal], at_.begin() + new_begin);
  std::copy_n(code_.begin() + old_begin, size_[deal], code_.begin() + new_begin);
  begin_[deal] = new_begin;
  capacity_[deal] = capacity;
}

void Timelines::compact() {
  LargeVector<int64_t> at;
  LargeVector<uint32_t> code;
  at.reserve(live_);
  code.reserve(live_);
  for (size_t deal = 0; deal < begin_.size(); ++deal) {
    const uint32_t begin = begin_[deal];
    begin_[deal] = static_cast<uint32_t>(at.size());
    at.insert(at.end(), at_.begin() + begin, at_.begin() + begin + size_[deal]);
    code.insert(code.end(), code_.begin() + begin, code_.begin() + begin + size_[deal]);
    capacity_[deal] = size_[deal];
  }
  at_.swap(at);
  code_.swap(code);
}

void Timelines::assign(LargeVector<int64_t> at, LargeVector<uint32_t> code,
                       LargeVector<uint32_t> begin, LargeVector<uint32_t> size,
                       LargeVector<uint32_t> capacity) {
  at_ = std::move(at);
  code_ = std::move(code);
  begin_ = std::move(begin);
  size_ = std::move(size);
  capacity_ = std::move(capacity);
  live_ = 0;
  for (uint32_t n : size_) live_ += n;
}

}  // namespace voronka::ledger
