// Events as the ledger takes them, and the result of appending them.
//
// An event is a v1::Event message (event.proto). For bulk loading there is
// also a columnar form, EventColumns: one array per field, one row per event,
// the shape the C API batch call and the CSV reader produce.
#ifndef VORONKA_EVENT_HPP_
#define VORONKA_EVENT_HPP_

#include <cassert>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <functional>
#include <iterator>
#include <limits>
#include <optional>
#include <ranges>
#include <span>
#include <string_view>
#include <type_traits>
#include <vector>

#include "voronka/status.hpp"
#include "voronka/v1/event.pb.h"

namespace voronka {

namespace ledger {
class Access;
}  // namespace ledger

// Kinds of events; the values are those of the C API's VRK_EVENT_* and of the
// event.proto oneof field numbers minus 9.
enum class EventKind : uint8_t {
  kOpened = 1,
  kEntered = 2,
  kWon = 3,
  kLost = 4,
  kFrozen = 5,
  kResumed = 6,
  kReopened = 7,
  kAmountChanged = 8,
  kOwnerChanged = 9,
  kFieldSet = 10,
  kActivity = 11,
};
inline constexpr int kEventKindCount = 11;

// "opened", "entered", ... as in the CSV `kind` column.
std::string_view event_kind_name(EventKind kind);
std::optional<EventKind> parse_event_kind(std::string_view name);

// "call", "meeting", "email", "other".
std::string_view activity_name(v1::Activity::Kind kind);
std::optional<v1::Activity::Kind> parse_activity(std::string_view name);

// Marks an absent value in an amount column.
inline constexpr int64_t kNoAmount = std::numeric_limits<int64_t>::min();

// A column of text: string_views; NUL-terminated C strings (a NULL pointer
// reads as empty); or packed cells, the form a file reader gives. C strings
// are measured as they are read, so a batch handed over from C is neither
// copied nor converted first: for a batch of millions of events that
// conversion would allocate, and fault in, sixteen bytes per cell. A packed
// cell takes four: a text's place in its row of one large text, with the few
// texts that lie elsewhere listed apart.
class TextColumn {
 public:
  TextColumn() = default;
  TextColumn(const std::string_view* views, size_t size) : views_(views), size_(size) {}
  // Any contiguous range of string_views: a span, a vector, an array.
  template <typename Range>
    requires std::ranges::contiguous_range<const Range&> &&
             std::is_same_v<std::ranges::range_value_t<Range>, std::string_view>
  TextColumn(const Range& views)  // NOLINT: implicit, as a span's would be
      : views_(std::ranges::data(views)), size_(std::ranges::size(views)) {}

  static TextColumn c_strings(const char* const* strings, size_t size) {
    TextColumn column;
    column.strings_ = strings;
    column.size_ = size;
    return column;
  }

  // Packed cells: row i's is pack(offset, length) of a text at
  // `base + row_starts[i] + offset`, or elsewhere_cell(j) of the text
  // `elsewhere[j]`. Rows share their starts with the other packed columns.
  static TextColumn packed(const char* base, const uint64_t* row_starts, const uint32_t* cells,
                           size_t size, std::span<const std::string_view> elsewhere) {
    TextColumn column;
    column.base_ = base;
    column.row_starts_ = row_starts;
    column.cells_ = cells;
    column.elsewhere_ = elsewhere.data();
    column.size_ = size;
    return column;
  }
  // The cell of a text `offset` bytes into its row, of `length` bytes, when
  // both fit (offsets below 32 KiB, lengths below 64 KiB).
  static std::optional<uint32_t> pack(uint64_t offset, uint64_t length) {
    if (offset >= kMaxPackedOffset || length >= kMaxPackedLength) return std::nullopt;
    return static_cast<uint32_t>(offset << kLengthBits | length);
  }
  // The cell of the text `elsewhere[index]`, for an index below 2^31.
  static uint32_t elsewhere_cell(size_t index) {
    assert(index < kMaxElsewhere);
    return kElsewhere | static_cast<uint32_t>(index);
  }
  static bool is_elsewhere(uint32_t cell) { return (cell & kElsewhere) != 0; }
  static constexpr size_t kMaxElsewhere = size_t{1} << 31;

  size_t size() const { return size_; }
  bool empty() const { return size_ == 0; }
  // Rows [offset, offset + count), as std::span::subspan.
  TextColumn subspan(size_t offset, size_t count) const {
    TextColumn column = *this;
    if (views_ != nullptr) column.views_ += offset;
    if (strings_ != nullptr) column.strings_ += offset;
    if (cells_ != nullptr) {
      column.row_starts_ += offset;
      column.cells_ += offset;
    }
    column.size_ = count;
    return column;
  }
  std::string_view operator[](size_t row) const {
    if (views_ != nullptr) return views_[row];
    if (cells_ != nullptr) {
      const uint32_t cell = cells_[row];
      if (is_elsewhere(cell)) return elsewhere_[cell & ~kElsewhere];
      return {base_ + row_starts_[row] + (cell >> kLengthBits), cell & (kMaxPackedLength - 1)};
    }
    const char* s = strings_[row];
    return s != nullptr ? std::string_view(s, std::strlen(s)) : std::string_view();
  }

 private:
  static constexpr int kLengthBits = 16;
  static constexpr uint64_t kMaxPackedLength = uint64_t{1} << kLengthBits;
  static constexpr uint64_t kMaxPackedOffset = uint64_t{1} << (31 - kLengthBits);
  static constexpr uint32_t kElsewhere = uint32_t{1} << 31;

  const std::string_view* views_ = nullptr;
  const char* const* strings_ = nullptr;
  const char* base_ = nullptr;
  const uint64_t* row_starts_ = nullptr;
  const uint32_t* cells_ = nullptr;
  const std::string_view* elsewhere_ = nullptr;
  size_t size_ = 0;
};

// A batch of events as columns. Every non-empty column has `size` rows; an
// empty column is one the batch does not use. Which columns an event
// reads depends on its kind:
//   opened          process, owner, client, amount, stage (optional),
//                   field + value (one field, optional)
//   entered         stage
//   won             amount (optional: the final amount)
//   lost            reason
//   reopened        stage (optional)
//   amount_changed  amount
//   owner_changed   owner
//   field_set       field, value
//   activity        activity ("call", "meeting", "email", "other")
// A non-empty `process` on other kinds must name the deal's process.
struct EventColumns {
  size_t size = 0;
  TextColumn event_id;
  TextColumn deal;
  std::span<const int64_t> at;
  std::span<const EventKind> kind;
  TextColumn process;
  TextColumn stage;
  std::span<const int64_t> amount;  // kNoAmount where absent
  TextColumn owner;
  TextColumn client;
  TextColumn reason;
  TextColumn field;
  TextColumn value;
  TextColumn activity;
};

// What happened to one appended event.
enum class Outcome : uint8_t {
  kAccepted,   // applied and recorded
  kDuplicate,  // the same event was recorded before; nothing changed
  kRejected,   // not recorded; see the status
};

// Called during a long append with the events applied so far and the
// batch's size, about every 64K events and once at the end.
using AppendProgress = std::function<void(uint64_t done, uint64_t total)>;

struct AppendResult {
  Outcome outcome = Outcome::kAccepted;
  Status status;  // OK unless rejected
};

// The outcome of each event of a batch append, by the event's index in the
// batch. It keeps one byte per event and the statuses of the rejected events
// apart: a batch of millions of events is nearly all accepted, and an
// AppendResult per event would be 16 bytes each to write and hold. Made by
// Ledger::append (and so Store::append).
class BatchResult {
 public:
  // An event that was not recorded, and why.
  struct Rejection {
    size_t index = 0;  // the event's index in the batch
    Status status;
  };
  // One event's outcome, and its status, which lives as long as the result.
  struct Entry {
    Outcome outcome;
    const Status& status;  // OK unless rejected
  };
  class Iterator;

  BatchResult() = default;
  // A batch of `size` events all rejected with `status`.
  static BatchResult all_rejected(size_t size, const Status& status);

  size_t size() const { return outcomes_.size(); }
  bool empty() const { return outcomes_.empty(); }
  Outcome outcome(size_t index) const {
    assert(index < size());
    return outcomes_[index];
  }
  // Every event's outcome, one byte each.
  std::span<const Outcome> outcomes() const { return outcomes_; }
  // Why event `index` was rejected; OK when it was not. Looks it up among
  // the rejections (a binary search).
  const Status& status(size_t index) const;
  Entry operator[](size_t index) const { return {outcome(index), status(index)}; }
  // Each event's Entry in turn, each in constant time.
  Iterator begin() const;
  Iterator end() const;

  // The rejected events, in batch order.
  std::span<const Rejection> rejections() const { return rejections_; }
  size_t accepted() const { return size() - duplicates_ - rejections_.size(); }
  size_t duplicates() const { return duplicates_; }
  size_t rejected() const { return rejections_.size(); }

 private:
  friend class ledger::Access;  // for the ledger, which makes it
  // `rejections` holds, in any order, an entry for each event whose outcome
  // is kRejected; `duplicates` counts the kDuplicate ones.
  BatchResult(std::vector<Outcome> outcomes, std::vector<Rejection> rejections,
              size_t duplicates);

  static const Status& not_rejected();

  std::vector<Outcome> outcomes_;
  std::vector<Rejection> rejections_;
  size_t duplicates_ = 0;
};

class BatchResult::Iterator {
 public:
  using value_type = Entry;
  using reference = Entry;
  using difference_type = std::ptrdiff_t;
  using iterator_concept = std::input_iterator_tag;

  Iterator() = default;
  Entry operator*() const {
    const Outcome outcome = result_->outcomes_[index_];
    return {outcome, outcome == Outcome::kRejected ? result_->rejections_[rejection_].status
                                                   : not_rejected()};
  }
  Iterator& operator++() {
    rejection_ += result_->outcomes_[index_] == Outcome::kRejected;
    ++index_;
    return *this;
  }
  void operator++(int) { ++*this; }
  bool operator==(const Iterator& other) const { return index_ == other.index_; }

 private:
  friend class BatchResult;
  Iterator(const BatchResult* result, size_t index, size_t rejection)
      : result_(result), index_(index), rejection_(rejection) {}

  const BatchResult* result_ = nullptr;
  size_t index_ = 0;
  size_t rejection_ = 0;  // the rejection of the next rejected event
};

inline BatchResult::Iterator BatchResult::begin() const { return Iterator(this, 0, 0); }
inline BatchResult::Iterator BatchResult::end() const {
  return Iterator(this, size(), rejections_.size());
}

}  // namespace voronka

#endif  // VORONKA_EVENT_HPP_
