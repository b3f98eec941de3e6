#include "io/event_file.hpp"

#include "io/csv_scanner.hpp"

namespace voronka {

EventFile::EventFile() : data_(std::make_unique<Data>()) {}
EventFile::~EventFile() = default;
EventFile::EventFile(EventFile&&) noexcept = default;
EventFile& EventFile::operator=(EventFile&&) noexcept = default;

size_t EventFile::size() const { return data_ ? data_->lines.size() : 0; }

EventColumns EventFile::columns() const {
  EventColumns c;
  if (!data_) return c;
  c.size = size();
  for (size_t column = 0; column < io::kColumnCount; ++column) {
    if (const io::TextMember member = io::kTextMembers[column]) {
      const io::RowColumn<uint32_t>& cells = data_->text_columns[column];
      if (cells.empty()) continue;
      c.*member = TextColumn::packed(data_->text.data(), data_->offsets.data(), cells.data(),
                                     cells.size(), data_->elsewhere[column]);
    }
  }
  c.at = data_->at;
  c.kind = data_->kind;
  c.amount = data_->amount;
  return c;
}

std::span<const uint64_t> EventFile::lines() const {
  return data_ ? std::span<const uint64_t>(data_->lines) : std::span<const uint64_t>();
}

std::string_view EventFile::row(size_t i) const {
  const std::string_view text = data_->text;
  const size_t begin = data_->offsets[i];
  return text.substr(begin, io::CsvScanner::record_end(text, begin) - begin);
}

std::string_view EventFile::header() const { return data_ ? data_->header : std::string_view(); }

const std::vector<CsvReject>& EventFile::rejects() const {
  static const std::vector<CsvReject> kNone;
  return data_ ? data_->rejects : kNone;
}

}  // namespace voronka
