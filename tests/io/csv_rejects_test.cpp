#include <gtest/gtest.h>

#include <sstream>
#include <string>

#include "voronka/csv.hpp"
#include "voronka/generator.hpp"
#include "voronka/ledger.hpp"

namespace voronka {
namespace {

std::string written(const RejectsWriter& writer) {
  std::ostringstream out;
  const Status status = writer.write(out);
  EXPECT_TRUE(status.is_ok()) << status.to_string();
  return out.str();
}

TEST(RejectsWriter, WritesTheHeaderThenEachRowInLineOrder) {
  RejectsWriter writer("event_id,deal_id,ts,kind");
  writer.add(7, "7,D1,x,won", "ts: 'x' is not an ISO 8601 date or date-time");
  writer.add(CsvReject{3, "3,D1,2025-01-01,nope", "kind: 'nope' is not an event kind"});
  writer.add(5, "5,\"D,1\",2025-01-01,won", "deal D,1: cannot win from 'lead'; \"allowed\": lost");
  writer.add(4, "4,D1,\"two\nlines\",won", "ts: '2025-01-01\\n' is not a date");
  EXPECT_EQ(writer.size(), 4u);
  EXPECT_EQ(written(writer),
            "event_id,deal_id,ts,kind,line,error\n"
            "3,D1,2025-01-01,nope,3,kind: 'nope' is not an event kind\n"
            "4,D1,\"two\nlines\",won,4,ts: '2025-01-01\\n' is not a date\n"
            "5,\"D,1\",2025-01-01,won,5,\"deal D,1: cannot win from 'lead'; \"\"allowed\"\": "
            "lost\"\n"
            "7,D1,x,won,7,ts: 'x' is not an ISO 8601 date or date-time\n");
}

TEST(RejectsWriter, KeepsTheFileValidWhenARowsQuotingIsBroken) {
  const EventFile file = [] {
    EventFile f;
    EXPECT_TRUE(parse_events_csv("event_id,deal_id,ts,kind,reason\n"
                                 "1,D1,2025-01-01,entered,prep\"aration\n"
                                 "2,D1,2025-01-01,lost,\"too\nmuch\" really\n"
                                 "3,D1,2025-01-01,lost,\"price,\n"
                                 "4,D1,2025-01-01,won,\n",
                                 CsvOptions{}, &f));
    return f;
  }();
  RejectsWriter writer(file.header());
  writer.add(file, {});
  EXPECT_EQ(written(writer),
            "event_id,deal_id,ts,kind,reason,line,error\n"
            "1,D1,2025-01-01,entered,\"prep\"\"aration\",2,\"reason: 'prep\"\"aration' has a "
            "quote inside an unquoted field (quote the whole field and double the quotes "
            "inside)\"\n"
            "2,D1,2025-01-01,lost,\"\"\"too\",3,\"reason: '\"\"too' opens a quote that runs "
            "onto later lines without closing its field\"\n"
            "\"much\"\" really\",4,\"event_id: 'much\"\" really' has a quote inside an "
            "unquoted field (quote the whole field and double the quotes inside)\"\n"
            "3,D1,2025-01-01,lost,\"\"\"price,\",5,\"reason: '\"\"price,' opens a quote that is "
            "never closed\"\n");
}

TEST(RejectsWriter, QuotesARowThatIsNotOneRecord) {
  RejectsWriter writer("a,b");
  writer.add(2, "x,y\nz", "two records");
  writer.add(3, "", "empty");
  EXPECT_EQ(written(writer), "a,b,line,error\n\"x,y\nz\",2,two records\n,3,empty\n");
}

TEST(RejectsWriter, WritesNothingWithoutRejects) {
  EXPECT_EQ(written(RejectsWriter("event_id,deal_id,ts,kind")), "");
}

TEST(RejectsWriter, FailsWhenTheStreamFails) {
  RejectsWriter writer("event_id,deal_id,ts,kind");
  writer.add(2, "2,D1,x,won", "bad");
  std::ostringstream out;
  out.setstate(std::ios::badbit);
  EXPECT_EQ(writer.write(out).code(), Code::kIo);
}

// The reader's rejects and the ledger's, merged into one file.
TEST(RejectsWriter, CollectsAnImportsRejects) {
  EventFile file;
  ASSERT_TRUE(parse_events_csv(
      "\xEF\xBB\xBF"
      "event_id,deal_id,process,ts,kind,stage,amount,owner,client,reason\r\n"
      "1,D1,typical_sale,2025-01-01,opened,,100,anna,acme,\r\n"
      "2,D1,,2025-01-02,entered,proposal,,,,\r\n"
      "3,D1,,2025-13-01,entered,preparation,,,,\r\n"
      "4,D1,,2025-01-03,entered,preparation,,,,\r\n"
      "5,D2,typical_sale,2025-01-01,opened,,100,anna,acme,\r\n"
      "6,D2,,2025-01-04,lost,,,,,\"not, in the catalogue\"\r\n",
      CsvOptions{}, &file));
  Ledger ledger;
  for (const auto& process : generator_processes()) ASSERT_TRUE(ledger.add_process(process));
  const BatchResult results = ledger.append(file.columns());
  RejectsWriter writer(file.header());
  writer.add(file, results);
  EXPECT_EQ(written(writer),
            "event_id,deal_id,process,ts,kind,stage,amount,owner,client,reason,line,error\n"
            "2,D1,,2025-01-02,entered,proposal,,,,,3,\"deal D1: cannot enter 'proposal' from "
            "'evaluation' in automatic process 'typical_sale'; allowed: preparation, lost, "
            "frozen\"\n"
            "3,D1,,2025-13-01,entered,preparation,,,,,4,ts: '2025-13-01' is not an ISO 8601 "
            "date or date-time\n"
            "6,D2,,2025-01-04,lost,,,,,\"not, in the catalogue\",7,\"deal D2: lost reason 'not, "
            "in the catalogue' is not in the catalogue of process 'typical_sale': price, "
            "competitor, no_budget, no_response, timing\"\n");
}

}  // namespace
}  // namespace voronka
