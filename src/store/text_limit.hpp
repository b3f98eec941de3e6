// The limit on the text of one stored event (Store::kMaxEventTextBytes).
//
// A record must fit the log's frame limit, so an event whose strings are too
// long to store is rejected with kLimitExceeded before the ledger sees its
// batch; the rest of the batch goes on without it.
#ifndef VORONKA_STORE_TEXT_LIMIT_HPP_
#define VORONKA_STORE_TEXT_LIMIT_HPP_

#include <cstddef>
#include <cstdint>
#include <string_view>
#include <vector>

#include "ledger/event_view.hpp"
#include "voronka/event.hpp"
#include "voronka/store.hpp"

namespace voronka::store {

// The text an event holds, as the limit counts it: its id, deal, and every
// string its kind reads.
size_t text_bytes(const ledger::EventView& event);

// The text in every column of a row of a columnar batch, at least
// text_bytes() of the row's event.
size_t row_text_bytes(const EventColumns& columns, size_t row);

// Whether every column of a columnar batch has its length, as the ledger
// demands (it rejects the whole batch otherwise).
bool columns_consistent(const EventColumns& columns);

Status too_long(const ledger::EventView& event, size_t bytes);

// The events of a batch over the limit, and the results they get.
struct TooLong {
  std::vector<uint32_t> keep;         // the other events, in order
  std::vector<AppendResult> results;  // empty when no event is too long

  // `bound(i)` is at least event i's text; `view_of(i, &view)` reads event i.
  template <typename Bound, typename ViewOf>
  TooLong(size_t size, Bound&& bound, ViewOf&& view_of) {
    ledger::EventView view;
    for (size_t i = 0; i < size; ++i) {
      size_t bytes = 0;
      if (bound(i) > Store::kMaxEventTextBytes) {
        view_of(i, &view);
        bytes = text_bytes(view);
      }
      if (bytes > Store::kMaxEventTextBytes) {
        if (results.empty()) {
          results.resize(size);
          for (size_t k = 0; k < i; ++k) keep.push_back(static_cast<uint32_t>(k));
        }
        results[i] = AppendResult{Outcome::kRejected, too_long(view, bytes)};
      } else if (!results.empty()) {
        keep.push_back(static_cast<uint32_t>(i));
      }
    }
  }

  bool any() const { return !results.empty(); }

  // Puts the results of the kept events in their places, making the results
  // of the whole batch.
  void merge(std::vector<AppendResult>* kept_results) {
    for (size_t k = 0; k < keep.size(); ++k) results[keep[k]] = std::move((*kept_results)[k]);
    *kept_results = std::move(results);
  }
};

// The rows `keep` of a columnar batch, as a batch of their own.
class KeptColumns {
 public:
  KeptColumns(const EventColumns& columns, const std::vector<uint32_t>& keep);
  const EventColumns& columns() const { return columns_; }

 private:
  EventColumns columns_;
  std::vector<std::string_view> texts_[10];
  std::vector<int64_t> at_, amount_;
  std::vector<EventKind> kind_;
};

}  // namespace voronka::store

#endif  // VORONKA_STORE_TEXT_LIMIT_HPP_
