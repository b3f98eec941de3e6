// What an EventFile holds, for the reader that fills it.
#ifndef VORONKA_IO_EVENT_FILE_HPP_
#define VORONKA_IO_EVENT_FILE_HPP_

#include <array>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "io/csv_columns.hpp"
#include "io/file_contents.hpp"
#include "io/text_arena.hpp"
#include "io/row_column.hpp"
#include "voronka/csv.hpp"

namespace voronka {

struct EventFile::Data {
  template <typename T>
  using Column = io::RowColumn<T>;

  // The whole file; fields point into it. It is either a file's contents
  // or text handed over in memory.
  io::FileContents file;
  std::string owned;
  std::string_view text;
  io::TextArena arena;  // fields that had to be unescaped
  std::string_view header;

  // One entry per event. A text column the file lacks, or that is empty on
  // every row, stays empty: the ledger reads that as "not used". Its cells
  // are TextColumn's packed ones, a quarter of the size of views, placing a
  // field within its row (`offsets`): the columns of a file of millions of
  // rows are most of the memory reading it takes, and on a VM fresh memory
  // is costly to fault in. A field the cell cannot place in its row (one
  // unescaped into the arena, one of 64 KiB or more, or one starting 32 KiB
  // or more into its row) is listed in `elsewhere`.
  std::array<Column<uint32_t>, io::kColumnCount> text_columns;
  std::array<std::vector<std::string_view>, io::kColumnCount> elsewhere;
  Column<int64_t> at;
  Column<EventKind> kind;
  Column<int64_t> amount;  // empty like a text column when unused
  Column<uint64_t> lines;
  Column<uint64_t> offsets;  // where each event's row starts in `text`

  std::vector<CsvReject> rejects;
};

namespace io {

// The way into an EventFile's data, for the reader.
class EventFileBuilder {
 public:
  using Data = EventFile::Data;

  // Empties `file` and returns its fresh data.
  static Data& reset(EventFile* file) {
    file->data_ = std::make_unique<EventFile::Data>();
    return *file->data_;
  }
  static Data& data(EventFile* file) { return *file->data_; }
};

// Texts of this many bytes or more are read in two halves on two threads.
inline constexpr size_t kReadInHalvesFromBytes = size_t{1} << 20;

// parse_events_csv, reading in halves from `halves_from` bytes of text.
Status parse_events_csv(std::string text, const CsvOptions& options, EventFile* out,
                        size_t halves_from);

}  // namespace io
}  // namespace voronka

#endif  // VORONKA_IO_EVENT_FILE_HPP_
