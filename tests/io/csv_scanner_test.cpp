#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "io/csv_scanner.hpp"

namespace voronka::io {
namespace {

using ::testing::ElementsAre;

struct Scanned {
  std::string text;
  uint64_t line;
  std::vector<std::string> fields;
  CsvProblem problem;
};

std::vector<Scanned> scan(std::string_view text) {
  TextArena arena;
  CsvScanner scanner(text, &arena);
  CsvRecord record;
  std::vector<Scanned> records;
  while (scanner.next(&record)) {
    records.push_back(Scanned{std::string(record.text), record.line,
                              std::vector<std::string>(record.fields.begin(),
                                                       record.fields.end()),
                              record.problem});
    if (record.problem == CsvProblem::kNone) {
      const size_t begin = static_cast<size_t>(record.text.data() - text.data());
      EXPECT_EQ(CsvScanner::record_end(text, begin), begin + record.text.size());
    }
  }
  return records;
}

TEST(CsvScanner, SplitsFields) {
  const auto records = scan("a,,b,\n,\n\"\",\"x\"\"y\",\"1,2\"\n");
  ASSERT_EQ(records.size(), 3u);
  EXPECT_THAT(records[0].fields, ElementsAre("a", "", "b", ""));
  EXPECT_THAT(records[1].fields, ElementsAre("", ""));
  EXPECT_THAT(records[2].fields, ElementsAre("", "x\"y", "1,2"));
  EXPECT_EQ(records[2].text, "\"\",\"x\"\"y\",\"1,2\"");
}

TEST(CsvScanner, HandlesLineEnds) {
  // CRLF ends a record, a lone CR is text, a CR at the very end ends it too.
  const auto records = scan("a,b\r\nc\rd,e\r\n\"f\"\r\ng\r");
  ASSERT_EQ(records.size(), 4u);
  EXPECT_THAT(records[0].fields, ElementsAre("a", "b"));
  EXPECT_EQ(records[0].text, "a,b");
  EXPECT_THAT(records[1].fields, ElementsAre("c\rd", "e"));
  EXPECT_THAT(records[2].fields, ElementsAre("f"));
  EXPECT_EQ(records[2].text, "\"f\"");
  EXPECT_THAT(records[3].fields, ElementsAre("g"));
  EXPECT_EQ(records[3].text, "g");
}

TEST(CsvScanner, CountsLinesAcrossQuotedLineBreaksAndBlankLines) {
  const auto records = scan("h\n\"1\n2\n3\",x\n\n\r\nlast");
  ASSERT_EQ(records.size(), 3u);
  EXPECT_EQ(records[0].line, 1u);
  EXPECT_EQ(records[1].line, 2u);
  EXPECT_THAT(records[1].fields, ElementsAre("1\n2\n3", "x"));
  EXPECT_EQ(records[2].line, 7u);
}

TEST(CsvScanner, ReadsLongFields) {
  const std::string field(1000, 'x');
  const auto records = scan(field + "," + field + "y\n");
  ASSERT_EQ(records.size(), 1u);
  EXPECT_THAT(records[0].fields, ElementsAre(field, field + "y"));
}

TEST(CsvScanner, RecoversFromProblemsAtTheNextLine) {
  const auto records = scan(
      "a\"b,c\n"           // a quote in an unquoted field
      "\"x\"y,w\n"        // text after the closing quote
      "ok,1\n"
      "\"stray,3\n"        // runs on to a quote that ends no field: taken for stray
      "ok,4\n"
      "ok,\"5\"x\n"
      "\"two\nlines\",6\n"  // runs on and ends its field: one field of two lines
      "\"never closed\n"   // swallows the rest: only its own line is lost
      "ok,2\n");
  ASSERT_EQ(records.size(), 9u);
  EXPECT_EQ(records[0].problem, CsvProblem::kQuoteInUnquotedField);
  EXPECT_EQ(records[0].text, "a\"b,c");
  EXPECT_EQ(records[1].problem, CsvProblem::kTextAfterClosingQuote);
  EXPECT_EQ(records[1].text, "\"x\"y,w");
  EXPECT_EQ(records[1].line, 2u);
  EXPECT_THAT(records[2].fields, ElementsAre("ok", "1"));
  EXPECT_EQ(records[2].line, 3u);
  EXPECT_EQ(records[3].problem, CsvProblem::kQuoteRunsOn);
  EXPECT_EQ(records[3].text, "\"stray,3");
  EXPECT_EQ(records[3].line, 4u);
  EXPECT_THAT(records[4].fields, ElementsAre("ok", "4"));
  EXPECT_EQ(records[4].line, 5u);
  EXPECT_EQ(records[5].problem, CsvProblem::kTextAfterClosingQuote);
  EXPECT_EQ(records[5].line, 6u);
  EXPECT_THAT(records[6].fields, ElementsAre("two\nlines", "6"));
  EXPECT_EQ(records[6].line, 7u);
  EXPECT_EQ(records[7].problem, CsvProblem::kUnclosedQuote);
  EXPECT_EQ(records[7].text, "\"never closed");
  EXPECT_EQ(records[7].line, 9u);
  EXPECT_THAT(records[8].fields, ElementsAre("ok", "2"));
  EXPECT_EQ(records[8].line, 10u);
}

TEST(CsvScanner, ShowsTheFieldWithTheProblem) {
  TextArena arena;
  CsvScanner scanner("1,\"ab\"cd,e\n", &arena);
  CsvRecord record;
  ASSERT_TRUE(scanner.next(&record));
  EXPECT_EQ(record.problem, CsvProblem::kTextAfterClosingQuote);
  EXPECT_EQ(record.problem_field, 1u);
  EXPECT_EQ(record.problem_text, "\"ab\"cd");
  EXPECT_FALSE(scanner.next(&record));
}

}  // namespace
}  // namespace voronka::io
