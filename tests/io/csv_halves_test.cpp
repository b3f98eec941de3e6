// Reading a text in two halves at once gives exactly what reading it front
// to back gives: the same events, lines, rows and rejects, wherever the
// middle falls.
#include <gtest/gtest.h>

#include <cstdint>
#include <random>
#include <string>
#include <vector>

#include "io/csv_columns.hpp"
#include "io/event_file.hpp"
#include "voronka/csv.hpp"

namespace voronka {
namespace {

constexpr size_t kWhole = SIZE_MAX;  // never in halves
constexpr size_t kHalves = 0;        // always in halves

EventFile read(const std::string& text, size_t halves_from) {
  EventFile file;
  const Status status = io::parse_events_csv(text, CsvOptions{}, &file, halves_from);
  EXPECT_TRUE(status.is_ok()) << status.to_string();
  return file;
}

std::vector<std::string> strings(const TextColumn& column) {
  std::vector<std::string> out;
  for (size_t i = 0; i < column.size(); ++i) out.emplace_back(column[i]);
  return out;
}

void expect_same(const EventFile& halves, const EventFile& whole) {
  ASSERT_EQ(halves.size(), whole.size());
  const EventColumns a = halves.columns(), b = whole.columns();
  for (const io::TextMember member : io::kTextMembers) {
    if (member != nullptr) {
      EXPECT_EQ(strings(a.*member), strings(b.*member));
    }
  }
  EXPECT_EQ(std::vector<int64_t>(a.at.begin(), a.at.end()),
            std::vector<int64_t>(b.at.begin(), b.at.end()));
  EXPECT_EQ(std::vector<EventKind>(a.kind.begin(), a.kind.end()),
            std::vector<EventKind>(b.kind.begin(), b.kind.end()));
  EXPECT_EQ(std::vector<int64_t>(a.amount.begin(), a.amount.end()),
            std::vector<int64_t>(b.amount.begin(), b.amount.end()));
  EXPECT_EQ(std::vector<uint64_t>(halves.lines().begin(), halves.lines().end()),
            std::vector<uint64_t>(whole.lines().begin(), whole.lines().end()));
  for (size_t i = 0; i < halves.size(); ++i) EXPECT_EQ(halves.row(i), whole.row(i));
  ASSERT_EQ(halves.rejects().size(), whole.rejects().size());
  for (size_t i = 0; i < halves.rejects().size(); ++i) {
    EXPECT_EQ(halves.rejects()[i].line, whole.rejects()[i].line);
    EXPECT_EQ(halves.rejects()[i].row, whole.rejects()[i].row);
    EXPECT_EQ(halves.rejects()[i].error, whole.rejects()[i].error);
  }
}

constexpr std::string_view kHeader = "event_id,deal_id,ts,kind,stage,amount,field,value\n";

// A row of one of many shapes, good and bad, some spanning lines.
std::string random_row(std::mt19937_64& random, int id) {
  const std::string n = std::to_string(id);
  switch (random() % 12) {
    case 0: return "\"" + n + "\",\"D\n" + n + "\",2025-01-02,entered,\"a,\"\"b\"\"\",,,\n";
    case 1: return n + ",D" + n + ",2025-01-02,opened,s,100,,\r\n";
    case 2: return "\n";                                       // blank
    case 3: return n + ",D" + n + ",2025-01-0x,opened,,,,\n";  // bad time
    case 4: return n + ",D\"" + n + ",2025-01-02,won,,,,\n";   // quote inside
    case 5: return n + ",\"D\"" + n + ",2025-01-02,won,,,,\n"; // text after quote
    case 6: return n + ",D" + n + ",2025-01-02,won\n";         // too few fields
    case 7: return n + ",D" + n + ",2025-01-02,field_set,,,k,\"multi\nline\nvalue\"\n";
    case 8: return n + ",D" + n + ",2025-01-02,amount_changed,,x,,\n";  // bad amount
    default: return n + ",D" + n + ",2025-01-0" + std::to_string(1 + random() % 9) +
                    "T10:00:00Z,entered,s" + std::to_string(random() % 5) + ",,,\n";
  }
}

TEST(CsvHalves, RandomTextsReadAlike) {
  for (uint64_t seed = 1; seed <= 300; ++seed) {
    std::mt19937_64 random(seed);
    std::string text(kHeader);
    const int rows = 1 + static_cast<int>(random() % 40);
    for (int i = 0; i < rows; ++i) text += random_row(random, i);
    if (random() % 4 == 0) text.pop_back();  // no final line end
    SCOPED_TRACE(text);
    expect_same(read(text, kHalves), read(text, kWhole));
  }
}

TEST(CsvHalves, AColumnUsedOnlyInOneHalf) {
  std::string first(kHeader), second(kHeader);
  for (int i = 0; i < 10; ++i) {
    first += std::to_string(i) + ",D,2025-01-02,amount_changed,,7,,\n";
    second += std::to_string(i) + ",D,2025-01-02,entered,s,,,\n";
  }
  for (int i = 10; i < 20; ++i) {
    first += std::to_string(i) + ",D,2025-01-02,entered,s,,,\n";
    second += std::to_string(i) + ",D,2025-01-02,field_set,,,k,v\n";
  }
  const EventFile a = read(first, kHalves);
  expect_same(a, read(first, kWhole));
  ASSERT_EQ(a.columns().amount.size(), 20u);
  EXPECT_EQ(a.columns().amount[9], 7);
  EXPECT_EQ(a.columns().amount[10], kNoAmount);
  EXPECT_TRUE(a.columns().field.empty());

  const EventFile b = read(second, kHalves);
  expect_same(b, read(second, kWhole));
  ASSERT_EQ(b.columns().field.size(), 20u);
  EXPECT_EQ(b.columns().field[9], "");
  EXPECT_EQ(b.columns().field[19], "k");
  EXPECT_TRUE(b.columns().amount.empty());
}

TEST(CsvHalves, UnescapedTextsInBothHalves) {
  // A field with doubled quotes is unescaped into memory of its own and
  // listed apart from the fields read in place; each half lists its own.
  std::string text(kHeader);
  for (int i = 0; i < 20; ++i) {
    const std::string n = std::to_string(i);
    text += n + ",D" + n + ",2025-01-02,field_set,,,k,\"say \"\"" + n + "\"\"\"\n";
    text += n + "b,D" + n + ",2025-01-03,field_set,,,k,plain " + n + "\n";
  }
  const EventFile file = read(text, kHalves);
  expect_same(file, read(text, kWhole));
  ASSERT_EQ(file.size(), 40u);
  const TextColumn value = file.columns().value;
  for (int i = 0; i < 20; ++i) {
    EXPECT_EQ(value[2 * i], "say \"" + std::to_string(i) + "\"");
    EXPECT_EQ(value[2 * i + 1], "plain " + std::to_string(i));
  }
}

TEST(CsvHalves, FieldsBeyondTheirCellsInBothHalves) {
  // Values 32 KiB into their rows (after a long note) and values of 64 KiB
  // are listed apart, in each half; blank and bad lines in the first half
  // make the second half's rows move down when the halves join.
  const std::string far_note(size_t{1} << 15, 'n'), long_value(size_t{1} << 16, 'v');
  std::string text(kHeader);
  for (int i = 0; i < 20; ++i) {
    const std::string n = std::to_string(i);
    text += n + ",D" + n + ",2025-01-02,field_set,,," + far_note + ",far " + n + "\n";
    text += n + "b,D" + n + ",2025-01-03,field_set,,,k," + long_value + n + "\n";
    text += n + "c,D" + n + ",2025-01-04,field_set,,,k,near " + n + "\n";
    if (i < 5) text += "\n" + n + "d,D" + n + ",2025-01-0x,opened,,,,\n";
  }
  EventFile file = read(text, kHalves);
  expect_same(file, read(text, kWhole));
  ASSERT_EQ(file.size(), 60u);
  const TextColumn value = file.columns().value;
  for (int i = 0; i < 20; ++i) {
    const std::string n = std::to_string(i);
    EXPECT_EQ(value[3 * i], "far " + n);
    EXPECT_EQ(value[3 * i + 1], long_value + n);
    EXPECT_EQ(value[3 * i + 2], "near " + n);
  }
  EXPECT_EQ(io::EventFileBuilder::data(&file).elsewhere[io::kValueColumn].size(), 40u);
}

TEST(CsvHalves, AMiddleInsideQuotesReadsOn) {
  // The middle falls inside a quoted value of many lines: the second half's
  // guess is wrong and the text must still read as one row.
  std::string value;
  for (int i = 0; i < 50; ++i) value += "line " + std::to_string(i) + "\n";
  const std::string text = std::string(kHeader) + "1,D1,2025-01-02,field_set,,,note,\"" + value +
                           "\"\n2,D1,2025-01-03,won,,,,\n";
  const EventFile file = read(text, kHalves);
  expect_same(file, read(text, kWhole));
  ASSERT_EQ(file.size(), 2u);
  EXPECT_EQ(file.columns().value[0], value);
  EXPECT_EQ(file.lines()[1], 53u);
  EXPECT_TRUE(file.rejects().empty());
}

TEST(CsvHalves, AnUnclosedQuoteBeforeTheMiddle) {
  // An unclosed quote ends its row at its own line; the rows after it,
  // beyond the middle, read normally.
  std::string text = std::string(kHeader) + "1,D1,2025-01-02,opened,\"s,,,\n";
  for (int i = 2; i < 30; ++i) text += std::to_string(i) + ",D1,2025-01-02,entered,s,,,\n";
  const EventFile file = read(text, kHalves);
  expect_same(file, read(text, kWhole));
  EXPECT_EQ(file.size(), 28u);
  ASSERT_EQ(file.rejects().size(), 1u);
  EXPECT_EQ(file.rejects()[0].line, 2u);
  EXPECT_EQ(file.lines().back(), 30u);
}

}  // namespace
}  // namespace voronka
