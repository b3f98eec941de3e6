#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include "io/csv_columns.hpp"
#include "io/event_file.hpp"
#include "voronka/csv.hpp"

namespace voronka {
namespace {

using ::testing::ElementsAre;
using ::testing::IsEmpty;

constexpr std::string_view kHeader =
    "event_id,deal_id,process,ts,kind,stage,amount,owner,client,reason,field,value\n";

EventFile parse_ok(std::string text, const CsvOptions& options = {}) {
  EventFile file;
  const Status status = parse_events_csv(std::move(text), options, &file);
  EXPECT_TRUE(status.is_ok()) << status.to_string();
  return file;
}

Status parse_error(std::string text, const CsvOptions& options = {}) {
  EventFile file;
  Status status = parse_events_csv(std::move(text), options, &file);
  EXPECT_FALSE(status.is_ok());
  EXPECT_EQ(file.size(), 0u);
  return status;
}

std::vector<std::string> strings(const TextColumn& column) {
  std::vector<std::string> out;
  for (size_t i = 0; i < column.size(); ++i) out.emplace_back(column[i]);
  return out;
}

std::vector<int64_t> numbers(std::span<const int64_t> column) {
  return std::vector<int64_t>(column.begin(), column.end());
}

// The one reject of a text that has one bad row.
CsvReject only_reject(std::string text, const CsvOptions& options = {}) {
  const EventFile file = parse_ok(std::move(text), options);
  EXPECT_EQ(file.rejects().size(), 1u);
  return file.rejects().empty() ? CsvReject{} : file.rejects()[0];
}

TEST(CsvReader, ReadsEveryColumn) {
  const EventFile file = parse_ok(
      "event_id,deal_id,process,ts,kind,stage,amount,owner,client,reason,field,value,activity\n"
      "e1,D-1,typical_sale,2025-03-03T10:00:00Z,opened,,1250000,anna,acme,,region,north,\n"
      "e2,D-1,,2025-03-05T09:30:00+03:00,entered,preparation,,,,,,,\n"
      "e3,D-1,,2025-03-06,activity,,,,,,,,call\n"
      "e4,D-1,,2025-03-07T12:00:00.250Z,lost,,-5,,,price,,,\n");
  ASSERT_EQ(file.size(), 4u);
  EXPECT_THAT(file.rejects(), IsEmpty());
  const EventColumns c = file.columns();
  EXPECT_EQ(c.size, 4u);
  EXPECT_THAT(strings(c.event_id), ElementsAre("e1", "e2", "e3", "e4"));
  EXPECT_THAT(strings(c.deal), ElementsAre("D-1", "D-1", "D-1", "D-1"));
  EXPECT_THAT(strings(c.process), ElementsAre("typical_sale", "", "", ""));
  EXPECT_THAT(numbers(c.at),
              ElementsAre(1740996000000, 1741156200000, 1741219200000, 1741348800250));
  EXPECT_THAT(std::vector<EventKind>(c.kind.begin(), c.kind.end()),
              ElementsAre(EventKind::kOpened, EventKind::kEntered, EventKind::kActivity,
                          EventKind::kLost));
  EXPECT_THAT(strings(c.stage), ElementsAre("", "preparation", "", ""));
  EXPECT_THAT(numbers(c.amount), ElementsAre(1250000, kNoAmount, kNoAmount, -5));
  EXPECT_THAT(strings(c.owner), ElementsAre("anna", "", "", ""));
  EXPECT_THAT(strings(c.client), ElementsAre("acme", "", "", ""));
  EXPECT_THAT(strings(c.reason), ElementsAre("", "", "", "price"));
  EXPECT_THAT(strings(c.field), ElementsAre("region", "", "", ""));
  EXPECT_THAT(strings(c.value), ElementsAre("north", "", "", ""));
  EXPECT_THAT(strings(c.activity), ElementsAre("", "", "call", ""));
  EXPECT_THAT(file.lines(), ElementsAre(2u, 3u, 4u, 5u));
  EXPECT_EQ(file.row(1), "e2,D-1,,2025-03-05T09:30:00+03:00,entered,preparation,,,,,,,");
  EXPECT_EQ(file.header(),
            "event_id,deal_id,process,ts,kind,stage,amount,owner,client,reason,field,value,"
            "activity");
}

TEST(CsvReader, AcceptsByteOrderMarkAndCrlf) {
  const EventFile file = parse_ok(
      "\xEF\xBB\xBF"
      "event_id,deal_id,ts,kind,stage\r\n"
      "1,D1,2025-01-01,opened,\r\n"
      "2,D1,2025-01-02,entered,\"two\r\nlines\"\r\n"
      "3,D1,2025-01-03,entered,last\r\n");
  ASSERT_EQ(file.size(), 3u);
  EXPECT_EQ(file.header(), "event_id,deal_id,ts,kind,stage");
  const EventColumns c = file.columns();
  EXPECT_THAT(strings(c.event_id), ElementsAre("1", "2", "3"));
  EXPECT_THAT(strings(c.stage), ElementsAre("", "two\r\nlines", "last"));
  EXPECT_THAT(file.lines(), ElementsAre(2u, 3u, 5u));
  EXPECT_EQ(file.row(0), "1,D1,2025-01-01,opened,");
  EXPECT_EQ(file.row(1), "2,D1,2025-01-02,entered,\"two\r\nlines\"");
  EXPECT_EQ(file.row(2), "3,D1,2025-01-03,entered,last");
}

TEST(CsvReader, ReadsQuotedFields) {
  const EventFile file = parse_ok(std::string(kHeader) +
                                  "\"1\",D1,typical_sale,2025-01-01,opened,,\"100\","
                                  "\"Smith, Anna\",\"Acme \"\"Best\"\" Ltd\",,,\n"
                                  "2,D1,,2025-01-02,lost,,,,,\"too\nexpensive, \"\"really\"\"\",,\n"
                                  "3,D1,,2025-01-03,reopened,\"\",,,,,,\n");
  ASSERT_EQ(file.size(), 3u);
  const EventColumns c = file.columns();
  EXPECT_THAT(strings(c.event_id), ElementsAre("1", "2", "3"));
  EXPECT_THAT(strings(c.owner), ElementsAre("Smith, Anna", "", ""));
  EXPECT_THAT(strings(c.client), ElementsAre("Acme \"Best\" Ltd", "", ""));
  EXPECT_THAT(strings(c.reason), ElementsAre("", "too\nexpensive, \"really\"", ""));
  EXPECT_THAT(numbers(c.amount), ElementsAre(100, kNoAmount, kNoAmount));
  EXPECT_THAT(c.stage, IsEmpty());  // empty on every row
  EXPECT_THAT(file.lines(), ElementsAre(2u, 3u, 5u));
  EXPECT_EQ(file.row(1), "2,D1,,2025-01-02,lost,,,,,\"too\nexpensive, \"\"really\"\"\",,");
}

TEST(CsvReader, ReadsFieldsBeyondWhatACellPlacesInItsRow) {
  // A column's cell places a field of up to 64 KiB - 1 bytes starting up to
  // 32 KiB - 1 bytes into its row; the others are listed apart, and read
  // back the same.
  const std::string longest((size_t{1} << 16) - 1, 'a'), longer(size_t{1} << 16, 'b');
  const std::string start = "4,D1,,2025-01-05,field_set,,,,,,";
  // Notes that put the value 32 KiB - 1 and 32 KiB bytes into the row.
  const std::string last_note((size_t{1} << 15) - 1 - start.size() - 1, 'n');
  const std::string beyond_note(last_note.size() + 1, 'n');
  EventFile file = parse_ok(std::string(kHeader) +
                                  "1,D1,,2025-01-02,field_set,,,,,,note," + longest + "\n" +
                                  "2,D1,,2025-01-03,field_set,,,,,,note," + longer + "\n" +
                                  "3,D1,,2025-01-04,field_set,,,,,,note,short\n" +
                                  start + last_note + ",last\n" + start + beyond_note +
                                  ",beyond\n");
  ASSERT_EQ(file.size(), 5u);
  const EventColumns c = file.columns();
  EXPECT_EQ(c.value[0], longest);
  EXPECT_EQ(c.value[1], longer);
  EXPECT_EQ(c.value[2], "short");
  EXPECT_EQ(c.value[3], "last");
  EXPECT_EQ(c.value[4], "beyond");
  EXPECT_EQ(c.value[3].data() - file.row(3).data(), (1 << 15) - 1);
  EXPECT_EQ(c.value[4].data() - file.row(4).data(), 1 << 15);
  EXPECT_EQ(c.field[3], last_note);
  // Only the value of 64 KiB and the one 32 KiB into its row are listed.
  const std::vector<std::string_view>& listed =
      io::EventFileBuilder::data(&file).elsewhere[io::kValueColumn];
  ASSERT_EQ(listed.size(), 2u);
  EXPECT_EQ(listed[0], longer);
  EXPECT_EQ(listed[1], "beyond");
  EXPECT_EQ(c.value[1].data(), file.row(1).data() + file.row(1).size() - longer.size());
  // A subspan reads the same rows.
  const TextColumn tail = c.value.subspan(3, 2);
  EXPECT_EQ(tail[0], "last");
  EXPECT_EQ(tail[1], "beyond");
}

TEST(CsvReader, SkipsBlankLinesAndReadsALastLineWithoutLineEnd) {
  const EventFile file = parse_ok(
      "\n"
      "event_id,deal_id,ts,kind\n"
      "\n"
      "1,D1,2025-01-01,opened\n"
      "\r\n"
      "\n"
      "2,D1,2025-01-02,won");
  ASSERT_EQ(file.size(), 2u);
  EXPECT_THAT(file.lines(), ElementsAre(4u, 7u));
  EXPECT_EQ(file.row(1), "2,D1,2025-01-02,won");
}

TEST(CsvReader, HeaderOnlyGivesNoEvents) {
  const EventFile file = parse_ok("event_id,deal_id,ts,kind\n");
  EXPECT_EQ(file.size(), 0u);
  EXPECT_EQ(file.columns().size, 0u);
  EXPECT_THAT(file.rejects(), IsEmpty());
}

TEST(CsvReader, IgnoresExtraColumnsAndAllowsMissingOptionalOnes) {
  const EventFile file = parse_ok(
      " kind ,notes,ts,deal_id,event_id,Amount\n"
      "opened,\"call back, maybe\",2025-01-01,D1,1,12\n");
  ASSERT_EQ(file.size(), 1u);
  const EventColumns c = file.columns();
  EXPECT_THAT(strings(c.event_id), ElementsAre("1"));
  EXPECT_THAT(strings(c.deal), ElementsAre("D1"));
  EXPECT_THAT(c.kind, ElementsAre(EventKind::kOpened));
  // 'Amount' is not 'amount': names are exact.
  EXPECT_THAT(c.amount, IsEmpty());
  EXPECT_THAT(c.process, IsEmpty());
  EXPECT_THAT(c.stage, IsEmpty());
  EXPECT_THAT(c.owner, IsEmpty());
  EXPECT_THAT(c.activity, IsEmpty());
}

// --- rows the reader rejects --------------------------------------------------

TEST(CsvReader, RejectsAQuoteInsideAnUnquotedField) {
  const CsvReject reject =
      only_reject(std::string(kHeader) + "1,D1,,2025-01-01,entered,prep\"aration,,,,,,\n");
  EXPECT_EQ(reject.line, 2u);
  EXPECT_EQ(reject.row, "1,D1,,2025-01-01,entered,prep\"aration,,,,,,");
  EXPECT_EQ(reject.error,
            "stage: 'prep\"aration' has a quote inside an unquoted field (quote the whole "
            "field and double the quotes inside)");
}

TEST(CsvReader, RejectsTextAfterAClosingQuote) {
  const EventFile file = parse_ok(std::string(kHeader) +
                                  "1,D1,,2025-01-01,opened,,,\"Anna\" jr,acme,,,\n"
                                  "2,D1,,2025-01-02,won,,,,,,,\n");
  ASSERT_EQ(file.rejects().size(), 1u);
  const CsvReject& reject = file.rejects()[0];
  EXPECT_EQ(reject.line, 2u);
  EXPECT_EQ(reject.row, "1,D1,,2025-01-01,opened,,,\"Anna\" jr,acme,,,");
  EXPECT_EQ(reject.error, "owner: '\"Anna\" jr' has text after the closing quote");
  ASSERT_EQ(file.size(), 1u);
  EXPECT_THAT(file.lines(), ElementsAre(3u));
}

TEST(CsvReader, AStrayQuoteCostsOnlyItsOwnLine) {
  // The quote opened on line 3 is closed only by the opening quote of line 8,
  // which text follows: it was stray, and lines 4 to 8 are rows of their own.
  const EventFile file = parse_ok(std::string(kHeader) +
                                  "e1,D1,p,2025-03-03,opened,,100,anna,acme,,,\n"
                                  "e2,D1,,2025-03-06,field_set,,,,,,note,\"5 inch screen\n"
                                  "e3,D2,p,2025-03-03,opened,,100,anna,acme,,,\n"
                                  "e4,D3,p,2025-03-03,opened,,100,anna,acme,,,\n"
                                  "e5,D4,p,2025-03-03,opened,,100,anna,acme,,,\n"
                                  "e6,D5,p,2025-03-03,opened,,100,anna,\"Acme, Inc\",,,\n"
                                  "e7,D6,p,2025-03-03,opened,,100,anna,acme,,,\n");
  ASSERT_EQ(file.rejects().size(), 1u);
  const CsvReject& reject = file.rejects()[0];
  EXPECT_EQ(reject.line, 3u);
  EXPECT_EQ(reject.row, "e2,D1,,2025-03-06,field_set,,,,,,note,\"5 inch screen");
  EXPECT_EQ(reject.error,
            "value: '\"5 inch screen' opens a quote that runs onto later lines without "
            "closing its field");
  EXPECT_THAT(file.lines(), ElementsAre(2u, 4u, 5u, 6u, 7u, 8u));
}

TEST(CsvReader, RejectsAnUnclosedQuoteAndReadsOn) {
  // The quote swallows the rest of the file; the reader gives up only the
  // line where it opens.
  const EventFile file = parse_ok(std::string(kHeader) +
                                  "1,D1,,2025-01-01,lost,,,,,\"price,,\n"
                                  "2,D2,,2025-01-02,won,,,,,,,\n"
                                  "3,D3,,2025-01-03,won,,,,,,,\n");
  ASSERT_EQ(file.rejects().size(), 1u);
  EXPECT_EQ(file.rejects()[0].line, 2u);
  EXPECT_EQ(file.rejects()[0].row, "1,D1,,2025-01-01,lost,,,,,\"price,,");
  EXPECT_EQ(file.rejects()[0].error, "reason: '\"price,,' opens a quote that is never closed");
  EXPECT_THAT(strings(file.columns().deal), ElementsAre("D2", "D3"));
  EXPECT_THAT(file.lines(), ElementsAre(3u, 4u));
}

TEST(CsvReader, NamesAQuotingProblemInAnExtraColumnOrBeyondTheHeader) {
  const EventFile file = parse_ok(
      "event_id,deal_id,ts,kind,Notes\n"
      "1,D1,2025-01-01,opened,a\"b\n"
      "2,D1,2025-01-01,won,,x\"\n");
  ASSERT_EQ(file.rejects().size(), 2u);
  EXPECT_EQ(file.rejects()[0].error,
            "Notes: 'a\"b' has a quote inside an unquoted field (quote the whole field and "
            "double the quotes inside)");
  EXPECT_EQ(file.rejects()[1].error,
            "column 6: 'x\"' has a quote inside an unquoted field (quote the whole field and "
            "double the quotes inside)");
}

TEST(CsvReader, RejectsWrongFieldCounts) {
  const EventFile file = parse_ok(std::string(kHeader) +
                                  "1,D1,,2025-01-01,opened,,,,,,\n"
                                  "2,D1,,2025-01-01,won,,,,,,,,\n"
                                  "3,D1,,2025-01-01,won,,,,,,,\n");
  ASSERT_EQ(file.rejects().size(), 2u);
  EXPECT_EQ(file.rejects()[0].line, 2u);
  EXPECT_EQ(file.rejects()[0].row, "1,D1,,2025-01-01,opened,,,,,,");
  EXPECT_EQ(file.rejects()[0].error, "the row has 11 fields, the header 12");
  EXPECT_EQ(file.rejects()[1].line, 3u);
  EXPECT_EQ(file.rejects()[1].error, "the row has 13 fields, the header 12");
  EXPECT_THAT(file.lines(), ElementsAre(4u));
}

TEST(CsvReader, RejectsAnUnknownKind) {
  const CsvReject reject =
      only_reject(std::string(kHeader) + "1,D1,,2025-01-01,opend,,,,,,,\n");
  EXPECT_EQ(reject.line, 2u);
  EXPECT_EQ(reject.error,
            "kind: 'opend' is not an event kind; the kinds are opened, entered, won, lost, "
            "frozen, resumed, reopened, amount_changed, owner_changed, field_set, activity");
}

TEST(CsvReader, RejectsBadTimestamps) {
  const EventFile file = parse_ok(std::string(kHeader) +
                                  "1,D1,,2025-01-01,opened,,,,,,,\n"
                                  "2,D1,,2025-13-01,won,,,,,,,\n"
                                  "3,D1,,01.02.2025,won,,,,,,,\n"
                                  "4,D1,,1735689600,won,,,,,,,\n");
  ASSERT_EQ(file.rejects().size(), 3u);
  EXPECT_EQ(file.rejects()[0].line, 3u);
  EXPECT_EQ(file.rejects()[0].error, "ts: '2025-13-01' is not an ISO 8601 date or date-time");
  EXPECT_EQ(file.rejects()[1].error, "ts: '01.02.2025' is not an ISO 8601 date or date-time");
  EXPECT_EQ(file.rejects()[2].line, 5u);
  EXPECT_EQ(file.rejects()[2].error, "ts: '1735689600' is not an ISO 8601 date or date-time");
}

TEST(CsvReader, RejectsNonIntegerAmounts) {
  const EventFile file = parse_ok(std::string(kHeader) +
                                  "1,D1,,2025-01-01,opened,,12.50,,,,,\n"
                                  "2,D1,,2025-01-01,opened,,+5,,,,,\n"
                                  "3,D1,,2025-01-01,opened,, 5,,,,,\n"
                                  "4,D1,,2025-01-01,opened,,9223372036854775808,,,,,\n"
                                  "5,D1,,2025-01-01,opened,,-9223372036854775808,,,,,\n"
                                  "6,D1,,2025-01-01,opened,,9223372036854775807,,,,,\n");
  ASSERT_EQ(file.rejects().size(), 5u);
  EXPECT_EQ(file.rejects()[0].error,
            "amount: '12.50' is not an integer amount in minor units (cents)");
  EXPECT_EQ(file.rejects()[1].error,
            "amount: '+5' is not an integer amount in minor units (cents)");
  EXPECT_EQ(file.rejects()[2].error,
            "amount: ' 5' is not an integer amount in minor units (cents)");
  EXPECT_EQ(file.rejects()[3].error, "amount: '9223372036854775808' is out of range");
  // The lowest int64 marks "no amount", so it cannot be one.
  EXPECT_EQ(file.rejects()[4].error, "amount: '-9223372036854775808' is out of range");
  EXPECT_THAT(numbers(file.columns().amount), ElementsAre(9223372036854775807));
}

TEST(CsvReader, RejectsEmptyRequiredFields) {
  const EventFile file = parse_ok(std::string(kHeader) +
                                  ",D1,,2025-01-01,opened,,,,,,,\n"
                                  "2,,,2025-01-01,opened,,,,,,,\n"
                                  "3,D1,,,opened,,,,,,,\n"
                                  "4,D1,,2025-01-01,,,,,,,,\n");
  ASSERT_EQ(file.rejects().size(), 4u);
  EXPECT_EQ(file.rejects()[0].error, "event_id: empty, but every event needs one");
  EXPECT_EQ(file.rejects()[1].error, "deal_id: empty, but every event needs one");
  EXPECT_EQ(file.rejects()[2].error, "ts: empty, but every event needs one");
  EXPECT_EQ(file.rejects()[3].error, "kind: empty, but every event needs one");
  EXPECT_EQ(file.rejects()[3].line, 5u);
  EXPECT_EQ(file.size(), 0u);
}

TEST(CsvReader, RejectsAnUnknownActivity) {
  const EventFile file = parse_ok(
      "event_id,deal_id,ts,kind,activity\n"
      "1,D1,2025-01-01,activity,lunch\n"
      "2,D1,2025-01-01,activity,\n"
      "3,D1,2025-01-01,won,lunch\n");
  ASSERT_EQ(file.rejects().size(), 1u);
  EXPECT_EQ(file.rejects()[0].error,
            "activity: 'lunch' is not an activity; the activities are call, meeting, email, "
            "other");
  // Empty means "other"; other kinds do not read the column.
  EXPECT_THAT(file.lines(), ElementsAre(3u, 4u));
}

TEST(CsvReader, ShowsLongAndMultiLineValuesShortened) {
  const std::string long_kind(100, 'x');
  const CsvReject reject = only_reject("event_id,deal_id,ts,kind\n1,D1,2025-01-01," +
                                       long_kind + "\n");
  EXPECT_EQ(reject.error, "kind: '" + std::string(60, 'x') +
                              "...' is not an event kind; the kinds are opened, entered, won, "
                              "lost, frozen, resumed, reopened, amount_changed, owner_changed, "
                              "field_set, activity");
  EXPECT_EQ(only_reject("event_id,deal_id,ts,kind\n1,D1,\"2025-01-01\n\",won\n").error,
            "ts: '2025-01-01\\n' is not an ISO 8601 date or date-time");
}

TEST(CsvReader, KeepsGoodRowsAroundBadOnes) {
  const EventFile file = parse_ok(std::string(kHeader) +
                                  "1,D1,,2025-01-01,opened,,100,,,,,\n"
                                  "2,D1,,2025-01-xx,won,,,,,,,\n"
                                  "3,D2,,2025-01-02,opened,,200,,,,,\n"
                                  "4,D2,,2025-01-03,nope,,,,,,,\n"
                                  "5,D2,,2025-01-04,won,,,,,,,\n");
  EXPECT_THAT(strings(file.columns().event_id), ElementsAre("1", "3", "5"));
  EXPECT_THAT(file.lines(), ElementsAre(2u, 4u, 6u));
  EXPECT_THAT(numbers(file.columns().amount), ElementsAre(100, 200, kNoAmount));
  ASSERT_EQ(file.rejects().size(), 2u);
  EXPECT_EQ(file.rejects()[0].line, 3u);
  EXPECT_EQ(file.rejects()[1].line, 5u);
}

// --- errors about the whole file ----------------------------------------------

TEST(CsvReader, FailsOnAnEmptyFile) {
  for (const char* text : {"", "\xEF\xBB\xBF", "\n\r\n\n"}) {
    const Status status = parse_error(text);
    EXPECT_EQ(status.code(), Code::kInvalidArgument);
    EXPECT_EQ(status.message(), "the file is empty: it has no header row");
  }
}

TEST(CsvReader, FailsOnAFileWithoutAHeader) {
  const Status status = parse_error("1,D1,2025-01-01,opened\n2,D1,2025-01-02,won\n");
  EXPECT_EQ(status.code(), Code::kInvalidArgument);
  EXPECT_EQ(status.message(),
            "the file has no header row: line 1 '1,D1,2025-01-01,opened' names none of the "
            "columns; the header must name at least event_id, deal_id, ts and kind");
}

TEST(CsvReader, FailsOnAHeaderWithoutRequiredColumns) {
  EXPECT_EQ(parse_error("event_id,deal,ts,kind\n1,D1,2025-01-01,opened\n").message(),
            "the header lacks the required column 'deal_id'; it has 'event_id', 'deal', 'ts', "
            "'kind'");
  EXPECT_EQ(parse_error("event_id,deal_id,time,type,stage\n").message(),
            "the header lacks the required columns 'ts', 'kind'; it has 'event_id', "
            "'deal_id', 'time', 'type', 'stage'");
}

TEST(CsvReader, FailsOnAColumnNamedTwice) {
  EXPECT_EQ(parse_error("event_id,deal_id,ts,kind, ts\n").message(),
            "the header has two columns for 'ts': column 3 ('ts') and column 5 ('ts')");
}

TEST(CsvReader, FailsOnABrokenHeader) {
  EXPECT_EQ(parse_error("event_id,\"deal_id\"x,ts,kind\n").message(),
            "line 1: the header's column 2 '\"deal_id\"x' has text after the closing quote");
}

// --- column mapping ---------------------------------------------------------------

TEST(CsvReader, MapsColumns) {
  CsvOptions options;
  options.column_map = {{"Deal ID", "deal_id"}, {" When ", " ts"}, {"Type", "kind"},
                        {"Id", "event_id"}, {"Sum", "amount"}};
  const EventFile file = parse_ok(
      "Id,Deal ID,When,Type,Sum,Comment\n"
      "1,D-1,2025-01-01,opened,500,first\n",
      options);
  ASSERT_EQ(file.size(), 1u);
  const EventColumns c = file.columns();
  EXPECT_THAT(strings(c.event_id), ElementsAre("1"));
  EXPECT_THAT(strings(c.deal), ElementsAre("D-1"));
  EXPECT_THAT(numbers(c.at), ElementsAre(1735689600000));
  EXPECT_THAT(numbers(c.amount), ElementsAre(500));
}

TEST(CsvReader, NamesAMappedColumnInRejects) {
  CsvOptions options;
  options.column_map = {{"When", "ts"}};
  const CsvReject reject =
      only_reject("event_id,deal_id,When,kind\n1,D1,yesterday,opened\n", options);
  EXPECT_EQ(reject.error, "ts ('When'): 'yesterday' is not an ISO 8601 date or date-time");
}

TEST(CsvReader, MessagesEscapeTextThatIsNotUtf8) {
  // A cp1251 export: the column "Когда" ("when") and the date "вчера" ("yesterday").
  CsvOptions options;
  options.column_map = {{"\xca\xee\xe3\xe4\xe0", "ts"}};
  const CsvReject reject = only_reject(
      "event_id,deal_id,\xca\xee\xe3\xe4\xe0,kind\n1,D1,\xe2\xf7\xe5\xf0\xe0,opened\n", options);
  EXPECT_EQ(reject.error,
            "ts ('\\xca\\xee\\xe3\\xe4\\xe0'): '\\xe2\\xf7\\xe5\\xf0\\xe0' is not an ISO 8601 "
            "date or date-time");
  // A long value is cut between letters: 30 two-byte letters fill 60 bytes.
  std::string long_kind = "x";
  for (int i = 0; i < 40; ++i) long_kind += "\xd0\xb4";  // "д"
  const CsvReject cut = only_reject(std::string(kHeader) + "1,D1,,2025-01-01," + long_kind + ",,,,,,,\n");
  EXPECT_EQ(cut.error.substr(0, cut.error.find("...") + 3),
            "kind: '" + long_kind.substr(0, 59) + "...");
}

TEST(CsvReader, PrefersAMappedColumnToOneOfTheSameName) {
  CsvOptions options;
  options.column_map = {{"Deal ID", "deal_id"}};
  const EventFile file = parse_ok(
      "event_id,deal_id,Deal ID,ts,kind\n"
      "1,internal-7,D-1,2025-01-01,opened\n",
      options);
  EXPECT_THAT(strings(file.columns().deal), ElementsAre("D-1"));
}

TEST(CsvReader, FailsOnBadMappings) {
  const std::string text = "event_id,Deal ID,Deal,ts,kind\n";
  CsvOptions options;
  options.column_map = {{"Deal ID", "deal"}};
  EXPECT_EQ(parse_error(text, options).message(),
            "column mapping 'Deal ID=deal': 'deal' is not a column; the columns are event_id, "
            "deal_id, process, ts, kind, stage, amount, owner, client, reason, field, value, "
            "activity");
  options.column_map = {{"Deal ID", "deal_id"}, {"Deal", "deal_id"}};
  EXPECT_EQ(parse_error(text, options).message(),
            "column mapping: 'Deal ID' and 'Deal' both map to 'deal_id'");
  options.column_map = {{"Deal ID", "deal_id"}, {"Deal ID", "client"}};
  EXPECT_EQ(parse_error(text, options).message(), "column mapping: 'Deal ID' is mapped twice");
  options.column_map = {{"Deal Id", "deal_id"}};
  EXPECT_EQ(parse_error(text, options).message(),
            "column mapping 'Deal Id=deal_id': the header has no column 'Deal Id'");
  options.column_map = {{" ", "deal_id"}};
  EXPECT_EQ(parse_error(text, options).message(),
            "column mapping ' =deal_id': the source column name is empty");
  // A column of a required name mapped to another leaves its own unread.
  options.column_map = {{"kind", "ts"}};
  EXPECT_EQ(parse_error("event_id,deal_id,ts,kind\n", options).message(),
            "the header lacks the required column 'kind' (its column 'kind' is read as 'ts' by "
            "the mapping 'kind=ts'); it has 'event_id', 'deal_id', 'ts', 'kind'");
  // A mapping cannot make one column of two.
  options.column_map = {{"Deal ID", "deal_id"}};
  EXPECT_EQ(parse_error("event_id,Deal ID,Deal ID,ts,kind\n", options).message(),
            "the header has two columns for 'deal_id': column 2 ('Deal ID') and column 3 "
            "('Deal ID')");
}

TEST(CsvReader, ParsesMappingsAndTimeFormatNames) {
  std::pair<std::string, std::string> mapping;
  ASSERT_TRUE(parse_column_mapping("Deal ID=deal_id", &mapping));
  EXPECT_EQ(mapping, std::make_pair(std::string("Deal ID"), std::string("deal_id")));
  ASSERT_TRUE(parse_column_mapping("a=b=ts", &mapping));
  EXPECT_EQ(mapping, std::make_pair(std::string("a=b"), std::string("ts")));
  for (const char* bad : {"deal_id", "=deal_id", "Deal ID=", ""}) {
    const Status status = parse_column_mapping(bad, &mapping);
    EXPECT_EQ(status.code(), Code::kInvalidArgument) << bad;
  }
  EXPECT_EQ(parse_column_mapping("deal_id", &mapping).message(),
            "column mapping 'deal_id' is not SRC=DST, e.g. 'Deal ID=deal_id'");

  EXPECT_EQ(parse_time_format("iso8601"), TimeFormat::kIso8601);
  EXPECT_EQ(parse_time_format("epoch-s"), TimeFormat::kEpochSeconds);
  EXPECT_EQ(parse_time_format("epoch-ms"), TimeFormat::kEpochMillis);
  EXPECT_EQ(parse_time_format("epoch"), std::nullopt);
  EXPECT_EQ(time_format_name(TimeFormat::kEpochSeconds), "epoch-s");
}

// --- time formats -------------------------------------------------------------------

TEST(CsvReader, ReadsEpochSeconds) {
  CsvOptions options;
  options.time_format = TimeFormat::kEpochSeconds;
  const EventFile file = parse_ok(
      "event_id,deal_id,ts,kind\n"
      "1,D1,1735689600,opened\n"
      "2,D1,1735689600.5,won\n"
      "3,D2,1735689600.2509,opened\n"
      "4,D2,-1.5,won\n"
      "5,D3,-0.001,won\n"
      "6,D3,0,won\n"
      "7,D4,253402300799.999,won\n"      // the calendar's last instant, 9999-12-31
      "8,D4,-17987443200,won\n",         // and its first, 1400-01-01
      options);
  EXPECT_THAT(file.rejects(), IsEmpty());
  EXPECT_THAT(numbers(file.columns().at),
              ElementsAre(1735689600000, 1735689600500, 1735689600250, -1500, -1, 0,
                          253402300799999, -17987443200000));
}

TEST(CsvReader, RejectsBadEpochSeconds) {
  CsvOptions options;
  options.time_format = TimeFormat::kEpochSeconds;
  const EventFile file = parse_ok(
      "event_id,deal_id,ts,kind\n"
      "1,D1,2025-01-01,opened\n"
      "2,D1,17356896OO,opened\n"
      "3,D1,1735689600.,opened\n"
      "4,D1,+1735689600,opened\n"
      "5,D1,9223372036854776,opened\n"
      "6,D1,99999999999999999999,opened\n"
      "7,D1,253402300800,opened\n"
      "8,D1,-17987443200.001,opened\n",
      options);
  ASSERT_EQ(file.rejects().size(), 8u);
  EXPECT_EQ(file.rejects()[0].error, "ts: '2025-01-01' is not a number of seconds since the epoch");
  EXPECT_EQ(file.rejects()[1].error, "ts: '17356896OO' is not a number of seconds since the epoch");
  EXPECT_EQ(file.rejects()[2].error, "ts: '1735689600.' is not a number of seconds since the epoch");
  EXPECT_EQ(file.rejects()[3].error, "ts: '+1735689600' is not a number of seconds since the epoch");
  EXPECT_EQ(file.rejects()[4].error,
            "ts: '9223372036854776' is outside the calendar's years 1400 to 9999");
  EXPECT_EQ(file.rejects()[5].error,
            "ts: '99999999999999999999' is outside the calendar's years 1400 to 9999");
  EXPECT_EQ(file.rejects()[6].error,
            "ts: '253402300800' is outside the calendar's years 1400 to 9999");
  EXPECT_EQ(file.rejects()[7].error,
            "ts: '-17987443200.001' is outside the calendar's years 1400 to 9999");
}

TEST(CsvReader, ReadsEpochMilliseconds) {
  CsvOptions options;
  options.time_format = TimeFormat::kEpochMillis;
  const EventFile file = parse_ok(
      "event_id,deal_id,ts,kind\n"
      "1,D1,1735689600123,opened\n"
      "2,D1,-5,won\n"
      "3,D2,1735689600.5,opened\n"
      "4,D2,9223372036854775808,opened\n",
      options);
  EXPECT_THAT(numbers(file.columns().at), ElementsAre(1735689600123, -5));
  ASSERT_EQ(file.rejects().size(), 2u);
  EXPECT_EQ(file.rejects()[0].error,
            "ts: '1735689600.5' is not a whole number of milliseconds since the epoch");
  EXPECT_EQ(file.rejects()[1].error,
            "ts: '9223372036854775808' is outside the calendar's years 1400 to 9999");
}

TEST(CsvReader, ReadsIsoTimesWithOffsets) {
  const EventFile file = parse_ok(
      "event_id,deal_id,ts,kind\n"
      "1,D1,2025-01-01,opened\n"
      "2,D1,2024-12-31T23:00:00-05:00,won\n"
      "3,D2,2025-01-01 00:00:00.5Z,opened\n"
      "4,D3,1400-01-01T00:00:00+01:00,opened\n"   // 1399-12-31T23:00Z
      "5,D4,9999-12-31T23:00:00-05:00,opened\n");
  EXPECT_THAT(numbers(file.columns().at), ElementsAre(1735689600000, 1735704000000,
                                                      1735689600500));
  ASSERT_EQ(file.rejects().size(), 2u);
  EXPECT_EQ(file.rejects()[0].error,
            "ts: '1400-01-01T00:00:00+01:00' is outside the calendar's years 1400 to 9999");
  EXPECT_EQ(file.rejects()[1].line, 6u);
}

// --- files ------------------------------------------------------------------------------

TEST(CsvReader, ReadsTheSmallFunnelFixture) {
  CsvOptions options;
  options.time_format = TimeFormat::kEpochSeconds;
  EventFile file;
  const Status status =
      read_events_csv(VORONKA_FIXTURES_DIR "/small-funnel/events.csv", options, &file);
  ASSERT_TRUE(status.is_ok()) << status.to_string();
  EXPECT_EQ(file.size(), 1391u);
  EXPECT_THAT(file.rejects(), IsEmpty());
  const EventColumns c = file.columns();
  EXPECT_EQ(c.event_id[0], "1");
  EXPECT_EQ(c.deal[0], "D0000000");
  EXPECT_EQ(c.process[0], "typical_sale");
  EXPECT_EQ(c.at[0], 1705565804000);
  EXPECT_EQ(c.kind[0], EventKind::kOpened);
  EXPECT_EQ(c.amount[0], 2895700);
  EXPECT_EQ(c.owner[0], "m17");
  EXPECT_EQ(c.client[0], "c08024");
  EXPECT_EQ(c.event_id[1390], "1391");
  EXPECT_EQ(c.kind[1390], EventKind::kLost);
  EXPECT_EQ(c.reason[1390], "competitor");
  EXPECT_EQ(file.lines()[1390], 1392u);
  EXPECT_EQ(file.row(1390), "1391,D0000299,typical_sale,1742981890,lost,,,m10,c03704,competitor");
  EXPECT_THAT(c.field, IsEmpty());  // the fixture has no such column
}

TEST(CsvReader, ReadsAFileLikeItsText) {
  const std::filesystem::path path = std::filesystem::temp_directory_path() /
                                     ("voronka_csv_reader_test_" + std::to_string(::getpid()) + ".csv");
  const std::string text = "event_id,deal_id,ts,kind\r\n1,D1,2025-01-01,opened\r\n2,D1,x,won";
  std::ofstream(path, std::ios::binary) << text;
  EventFile file;
  ASSERT_TRUE(read_events_csv(path.string(), CsvOptions{}, &file).is_ok());
  std::filesystem::remove(path);
  EXPECT_EQ(file.size(), 1u);
  EXPECT_EQ(file.row(0), "1,D1,2025-01-01,opened");
  ASSERT_EQ(file.rejects().size(), 1u);
  EXPECT_EQ(file.rejects()[0].line, 3u);
  EXPECT_EQ(file.rejects()[0].row, "2,D1,x,won");

  // An empty file is an empty CSV, not a failure to read.
  std::ofstream(path, std::ios::binary).flush();
  EXPECT_EQ(read_events_csv(path.string(), CsvOptions{}, &file).message(),
            "the file is empty: it has no header row");
  std::filesystem::remove(path);
}

TEST(CsvReader, FailsOnAnUnreadableFile) {
  EventFile file = parse_ok("event_id,deal_id,ts,kind\n1,D1,2025-01-01,opened\n");
  const Status missing = read_events_csv("/nonexistent/events.csv", CsvOptions{}, &file);
  EXPECT_EQ(missing.code(), Code::kNotFound);
  EXPECT_EQ(missing.message(),
            "cannot read '/nonexistent/events.csv': No such file or directory");
  EXPECT_EQ(file.size(), 0u);  // emptied

  const Status directory = read_events_csv(VORONKA_FIXTURES_DIR, CsvOptions{}, &file);
  EXPECT_EQ(directory.code(), Code::kIo);
  EXPECT_EQ(directory.message(),
            "cannot read '" VORONKA_FIXTURES_DIR "': Is a directory");
}

TEST(CsvReader, ColumnsSurviveMovingTheFile) {
  EventFile file = parse_ok("event_id,deal_id,ts,kind\n1,D1,2025-01-01,opened\n");
  const EventColumns before = file.columns();
  EventFile moved = std::move(file);
  EXPECT_EQ(moved.columns().deal[0].data(), before.deal[0].data());
  EXPECT_EQ(moved.columns().deal[0], "D1");
  EXPECT_EQ(file.size(), 0u);  // a moved-from file is empty
}

}  // namespace
}  // namespace voronka
