// Events decoded from the log's batch records, held as the columns
// Ledger::append takes, so that a replay applies many records at once.
//
// Strings are views into the dictionary and into this object's own storage:
// the dictionary must not move its strings (Dictionary::would_move) while
// decoded events are held.
#ifndef VORONKA_STORE_DECODED_EVENTS_HPP_
#define VORONKA_STORE_DECODED_EVENTS_HPP_

#include <cstdint>
#include <memory>
#include <string_view>
#include <vector>

#include "store/dictionary.hpp"
#include "voronka/event.hpp"
#include "voronka/status.hpp"
#include "voronka/v1/store.pb.h"

namespace voronka::store {

class DecodedEvents {
 public:
  // Checks a batch against the dictionary, then adds its strings to the
  // dictionary and its events to the held ones. A malformed batch changes
  // nothing, and the status (kCorruptStore) says what is wrong with it.
  Status decode(const v1::EventBatch& batch, Dictionary* dictionary);

  size_t size() const { return kind_.size(); }
  // Opened events among them.
  size_t opened_count() const { return opened_; }
  void clear();

  // Whether some event cannot be written as columns: an opened event with
  // several fields, or with one whose key is empty, or an activity kind that
  // has no name. Such events are applied as messages.
  bool needs_messages() const { return needs_messages_; }
  EventColumns columns() const;
  std::vector<v1::Event> messages() const;

  std::string_view event_id(size_t i) const { return id_[i]; }
  std::string_view deal(size_t i) const { return deal_[i]; }

 private:
  // Stable storage for the texts of event ids.
  class Arena {
   public:
    char* allocate(size_t size);
    void clear();

   private:
    static constexpr size_t kChunk = size_t{1} << 16;
    std::vector<std::unique_ptr<char[]>> chunks_;  // the last one is being filled
    std::vector<std::unique_ptr<char[]>> large_;   // one per long text
    size_t used_ = 0;
  };

  struct FieldRun {
    uint32_t event;
    uint32_t begin;  // index into fields_
    uint32_t count;
  };

  std::vector<EventKind> kind_;
  std::vector<int64_t> at_, amount_;
  std::vector<std::string_view> id_, deal_, process_, stage_, owner_, client_, reason_, field_,
      value_, activity_;
  std::vector<int32_t> activity_kind_;
  std::vector<std::pair<std::string_view, std::string_view>> fields_;
  std::vector<FieldRun> field_runs_;
  Arena arena_;
  size_t opened_ = 0;
  bool needs_messages_ = false;
};

}  // namespace voronka::store

#endif  // VORONKA_STORE_DECODED_EVENTS_HPP_
