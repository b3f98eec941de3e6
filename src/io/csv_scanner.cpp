#include "io/csv_scanner.hpp"

#include <algorithm>
#include <bit>
#include <cstdint>
#include <cstring>

namespace voronka::io {
namespace {

constexpr uint64_t kOnes = 0x0101010101010101;
constexpr uint64_t kHighBits = 0x8080808080808080;

// The high bit of each byte of `word` that equals `c`; exact up to the first
// such byte, which is all find_stop reads.
constexpr uint64_t bytes_equal(uint64_t word, char c) {
  const uint64_t x = word ^ (kOnes * static_cast<unsigned char>(c));
  return (x - kOnes) & ~x & kHighBits;
}

constexpr bool is_stop(char c) { return c == ',' || c == '\n' || c == '"'; }

// The first comma, LF or quote at or after `p`, or `end`. Most fields are a
// few bytes long; testing eight bytes at a time instead of one by one saves
// the mispredicted branch that a byte loop pays at nearly every field's end.
const char* find_stop(const char* p, const char* end) {
  if constexpr (std::endian::native == std::endian::little) {
    while (end - p >= 8) {
      uint64_t word;
      std::memcpy(&word, p, sizeof word);
      const uint64_t stops =
          bytes_equal(word, ',') | bytes_equal(word, '\n') | bytes_equal(word, '"');
      if (stops != 0) return p + std::countr_zero(stops) / 8;
      p += 8;
    }
  }
  while (p < end && !is_stop(*p)) ++p;
  return p;
}

// The length of the line end at `p` (LF, CRLF, or a CR that ends the text),
// or 0.
size_t line_end_at(const char* p, const char* end) {
  if (*p == '\n') return 1;
  if (*p == '\r' && (p + 1 == end || p[1] == '\n')) return p + 1 == end ? 1 : 2;
  return 0;
}

// The LF that ends the line holding `p`, or `end`.
const char* line_end_after(const char* p, const char* end) {
  const void* lf = std::memchr(p, '\n', static_cast<size_t>(end - p));
  return lf ? static_cast<const char*>(lf) : end;
}

// [begin, end) without a final CR.
std::string_view without_cr(const char* begin, const char* end) {
  if (end > begin && end[-1] == '\r') --end;
  return std::string_view(begin, static_cast<size_t>(end - begin));
}

// The content of a quoted field with each doubled quote made single.
std::string_view unescape(const char* begin, const char* end, TextArena* arena) {
  char* const out = arena->allocate(static_cast<size_t>(end - begin));
  char* w = out;
  for (const char* p = begin; p < end; ++p) {
    *w++ = *p;
    if (*p == '"') ++p;  // skip the second quote of the pair
  }
  return std::string_view(out, static_cast<size_t>(w - out));
}

}  // namespace

std::string_view describe(CsvProblem problem) {
  switch (problem) {
    case CsvProblem::kNone: return "no problem";
    case CsvProblem::kQuoteInUnquotedField:
      return "has a quote inside an unquoted field (quote the whole field and double the "
             "quotes inside)";
    case CsvProblem::kTextAfterClosingQuote: return "has text after the closing quote";
    case CsvProblem::kUnclosedQuote: return "opens a quote that is never closed";
    case CsvProblem::kQuoteRunsOn:
      return "opens a quote that runs onto later lines without closing its field";
  }
  return "unknown problem";
}

bool CsvScanner::next(CsvRecord* record) {
  const char* const data = text_.data();
  const char* const end = data + text_.size();
  const char* p = data + pos_;
  while (p < end) {  // blank lines
    const size_t n = line_end_at(p, end);
    if (n == 0) break;
    p += n;
    ++line_;
  }
  if (p == end) {
    pos_ = text_.size();
    return false;
  }

  CsvRecord& r = *record;
  r.fields.clear();
  r.problem = CsvProblem::kNone;
  r.problem_text = {};
  r.line = line_;
  const char* const begin = p;
  r.text = std::string_view(begin, 0);
  bool quoted = false;  // only quoted fields hold line breaks
  const char* text_end = nullptr;
  for (;;) {
    const char* const field = p;
    if (p < end && *p == '"') {
      quoted = true;
      const char* const content = p + 1;
      const char* q = content;
      bool doubled = false;
      for (;;) {
        q = static_cast<const char*>(std::memchr(q, '"', static_cast<size_t>(end - q)));
        if (q == nullptr) {
          fail(&r, CsvProblem::kUnclosedQuote, field, field);
          return true;
        }
        if (q + 1 < end && q[1] == '"') {
          doubled = true;
          q += 2;
          continue;
        }
        break;
      }
      // A closing quote lines later that does not end the field means the
      // opening quote was most likely stray: only its own line is lost.
      const char* const after = q + 1;
      if (after < end && *after != ',' && line_end_at(after, end) == 0 &&
          std::memchr(content, '\n', static_cast<size_t>(q - content)) != nullptr) {
        fail(&r, CsvProblem::kQuoteRunsOn, field, field);
        return true;
      }
      r.fields.push_back(doubled ? unescape(content, q, arena_)
                                 : std::string_view(content, static_cast<size_t>(q - content)));
      p = q + 1;
    } else {
      p = find_stop(p, end);
      if (p < end && *p == '"') {
        fail(&r, CsvProblem::kQuoteInUnquotedField, field, p);
        return true;
      }
      // A CR before the line end (or the end of the text) belongs to it.
      const bool cr = (p == end || *p == '\n') && p > field && p[-1] == '\r';
      r.fields.emplace_back(field, static_cast<size_t>(p - field - cr));
      if (p == end || *p == '\n') {
        text_end = p - cr;
        break;
      }
      ++p;  // the comma
      continue;
    }
    // After a closing quote.
    if (p == end) {
      text_end = p;
      break;
    }
    if (*p == ',') {
      ++p;
      continue;
    }
    const size_t line_end = line_end_at(p, end);
    if (line_end == 0) {
      r.fields.pop_back();  // the field is not what it seemed
      fail(&r, CsvProblem::kTextAfterClosingQuote, field, p);
      return true;
    }
    text_end = p;
    p += line_end - 1;  // onto the LF, or the last byte
    break;
  }
  // `p` is at the LF that ends the record, or at the end of the text.
  r.text = std::string_view(begin, static_cast<size_t>(text_end - begin));
  if (quoted) line_ += static_cast<uint64_t>(std::count(r.text.begin(), r.text.end(), '\n'));
  if (p < end) {  // past the line end
    ++p;
    ++line_;
  }
  pos_ = static_cast<size_t>(p - data);
  return true;
}

void CsvScanner::fail(CsvRecord* record, CsvProblem problem, const char* field,
                      const char* at) {
  const char* const data = text_.data();
  const char* const end = data + text_.size();
  const char* const begin = record->text.data();
  const char* const line_end = line_end_after(at, end);
  const char* shown_end = line_end;
  if (problem != CsvProblem::kUnclosedQuote) {
    shown_end = std::find(at, line_end, ',');
  }
  record->problem = problem;
  record->problem_field = record->fields.size();
  record->problem_text = without_cr(field, shown_end);
  record->text = without_cr(begin, line_end);
  line_ += static_cast<uint64_t>(std::count(begin, line_end, '\n'));
  if (line_end < end) ++line_;
  pos_ = line_end < end ? static_cast<size_t>(line_end + 1 - data) : text_.size();
}

size_t CsvScanner::record_end(std::string_view text, size_t begin) {
  bool in_quotes = false;
  size_t end = begin;
  while (end < text.size() && (in_quotes || text[end] != '\n')) {
    if (text[end] == '"') in_quotes = !in_quotes;
    ++end;
  }
  if (end > begin && text[end - 1] == '\r') --end;
  return end;
}

}  // namespace voronka::io
