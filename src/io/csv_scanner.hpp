// CsvScanner: splits RFC 4180 text into records and fields.
//
// Written here rather than taken from a library: no CSV parser packaged for
// Debian fits, and the import needs what general parsers rarely give
// together — fields as views into the file's text (a copy only where doubled
// quotes must be undone), the line where each record starts, each record's
// exact original text, and recovery after a malformed record so that one bad
// row costs one reject, not the rest of the file.
//
// Records end at LF, CRLF or the end of the text; line breaks inside quotes
// belong to the field. Blank lines are skipped. A CR not followed by LF is
// ordinary text.
#ifndef VORONKA_IO_CSV_SCANNER_HPP_
#define VORONKA_IO_CSV_SCANNER_HPP_

#include <cstdint>
#include <string_view>
#include <vector>

#include "io/text_arena.hpp"

namespace voronka::io {

// What makes a record malformed.
enum class CsvProblem : uint8_t {
  kNone,
  kQuoteInUnquotedField,   // a"b
  kTextAfterClosingQuote,  // "a"b
  kUnclosedQuote,          // "a ... with no closing quote before the end of the text
  kQuoteRunsOn,            // "a <line break> b"c: the closing quote, lines later, ends no field
};

// "a quote inside an unquoted field", ...
std::string_view describe(CsvProblem problem);

struct CsvRecord {
  std::string_view text;  // as in the text, without the line end
  uint64_t line = 0;      // 1-based line where the record starts
  // The values, unquoted and unescaped. Incomplete when there is a problem.
  std::vector<std::string_view> fields;
  CsvProblem problem = CsvProblem::kNone;
  size_t problem_field = 0;       // index of the field with the problem
  std::string_view problem_text;  // that field as written, up to the next comma or line end
};

class CsvScanner {
 public:
  // `text` must outlive the records; fields that need unescaping are
  // written to `arena`. `first_line` is the line `text` starts on, for
  // scanning a file from a place other than its beginning.
  CsvScanner(std::string_view text, TextArena* arena, uint64_t first_line = 1)
      : text_(text), line_(first_line), arena_(arena) {}

  // Reads the next record into `record`; false at the end of the text.
  //
  // A malformed record ends at the end of the line where the problem shows
  // (for a quote that is never closed, or that runs on: the line where it
  // opens), and scanning resumes on the next line. Since an unclosed quote
  // means no quote follows it, the rest of the text then reads normally; a
  // quote that runs on is taken for a stray one, and the lines after its own
  // read as rows of their own.
  bool next(CsvRecord* record);

  // Where the record starting at `begin` ends (before its line end), for a
  // record that next() read without a problem.
  static size_t record_end(std::string_view text, size_t begin);

  // Where the next record or blank line starts in the text, and its line.
  size_t position() const { return pos_; }
  uint64_t line() const { return line_; }

 private:
  // Ends a malformed record at the end of the line holding `at`.
  void fail(CsvRecord* record, CsvProblem problem, const char* field, const char* at);

  std::string_view text_;
  size_t pos_ = 0;
  uint64_t line_ = 1;
  TextArena* arena_;
};

}  // namespace voronka::io

#endif  // VORONKA_IO_CSV_SCANNER_HPP_
