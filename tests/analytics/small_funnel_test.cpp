// The small-funnel fixture: 300 generated deals whose answers were computed
// independently of voronka (tests/fixtures/small-funnel/README.md).
#include <gtest/gtest.h>
#include <google/protobuf/util/json_util.h>

#include <fstream>
#include <sstream>

#include "voronka/analytics.hpp"
#include "voronka/csv.hpp"
#include "voronka/voronka.hpp"

namespace voronka {
namespace {

const std::string kDir = std::string(VORONKA_FIXTURES_DIR) + "/small-funnel/";

std::string read(const std::string& path) {
  std::ifstream in(path);
  std::stringstream text;
  text << in.rdbuf();
  return text.str();
}

template <typename Message>
Message expected(const std::string& name) {
  Message message;
  google::protobuf::util::JsonParseOptions options;
  options.ignore_unknown_fields = false;
  EXPECT_TRUE(google::protobuf::util::JsonStringToMessage(read(kDir + "expected/" + name), &message,
                                                          options)
                  .ok())
      << name;
  return message;
}

class SmallFunnel : public ::testing::TestWithParam<std::string> {
 protected:
  static void SetUpTestSuite() {
    ledger_ = new Ledger();
    for (const char* process : {"typical_sale", "manual_sale"}) {
      v1::Process definition;
      ASSERT_TRUE(parse_process_json(read(kDir + process + ".json"), &definition));
      ASSERT_TRUE(ledger_->add_process(definition));
    }
    EventFile file;
    CsvOptions options;
    options.time_format = TimeFormat::kEpochSeconds;
    ASSERT_TRUE(read_events_csv(kDir + "events.csv", options, &file));
    ASSERT_EQ(file.size(), 1391u);
    ASSERT_TRUE(file.rejects().empty());
    for (const auto& r : ledger_->append(file.columns())) {
      ASSERT_NE(r.outcome, Outcome::kRejected) << r.status.to_string();  // the rejects file is empty
    }
  }
  static void TearDownTestSuite() { delete ledger_; }

  v1::HistoryReport history_of(v1::Basis basis, v1::Count count) {
    v1::HistoryOptions options;
    options.mutable_filter()->set_process(GetParam());
    options.mutable_filter()->set_from(*parse_time("2024-07-01"));
    options.mutable_filter()->set_to(*parse_time("2025-07-01"));
    options.set_basis(basis);
    options.set_count(count);
    v1::HistoryReport report;
    EXPECT_TRUE(history(*ledger_, options, &report));
    return report;
  }

  static Ledger* ledger_;
};
Ledger* SmallFunnel::ledger_ = nullptr;

TEST_P(SmallFunnel, CreatedEntered) {
  const auto want = expected<v1::HistoryReport>("history-created-entered-" + GetParam() + ".json");
  const auto got = history_of(v1::CREATED, v1::ENTERED);
  ASSERT_EQ(got.stages_size(), want.stages_size());
  for (int i = 0; i < want.stages_size(); ++i) {
    EXPECT_EQ(got.stages(i).stage(), want.stages(i).stage());
    EXPECT_EQ(got.stages(i).entered(), want.stages(i).entered()) << want.stages(i).stage();
  }
}

TEST_P(SmallFunnel, CreatedReached) {
  const auto want = expected<v1::HistoryReport>("history-created-reached-" + GetParam() + ".json");
  const auto got = history_of(v1::CREATED, v1::REACHED);
  ASSERT_EQ(got.stages_size(), want.stages_size());
  for (int i = 0; i < want.stages_size(); ++i) {
    EXPECT_EQ(got.stages(i).stage(), want.stages(i).stage());
    EXPECT_EQ(got.stages(i).reached(), want.stages(i).reached()) << want.stages(i).stage();
  }
}

TEST_P(SmallFunnel, ClosedReached) {
  const auto want = expected<v1::HistoryReport>("history-closed-reached-" + GetParam() + ".json");
  const auto got = history_of(v1::CLOSED, v1::REACHED);
  ASSERT_EQ(got.stages_size(), want.stages_size());
  for (int i = 0; i < want.stages_size(); ++i) {
    const auto& w = want.stages(i);
    const auto& g = got.stages(i);
    EXPECT_EQ(g.stage(), w.stage());
    EXPECT_EQ(g.won_stages(), w.won_stages()) << w.stage();
    EXPECT_EQ(g.lost_stages(), w.lost_stages()) << w.stage();
    EXPECT_EQ(g.won_amount(), w.won_amount()) << w.stage();
    EXPECT_EQ(g.lost_amount(), w.lost_amount()) << w.stage();
  }
}

TEST_P(SmallFunnel, Snapshot) {
  const auto want = expected<v1::SnapshotReport>("snapshot-" + GetParam() + ".json");
  v1::SnapshotOptions options;
  options.mutable_filter()->set_process(GetParam());
  options.mutable_filter()->set_as_of(*parse_time("2025-02-04T03:25:45Z"));
  v1::SnapshotReport got;
  ASSERT_TRUE(snapshot(*ledger_, options, &got));
  ASSERT_EQ(got.stages_size(), want.stages_size());
  for (int i = 0; i < want.stages_size(); ++i) {
    EXPECT_EQ(got.stages(i).stage(), want.stages(i).stage());
    EXPECT_EQ(got.stages(i).open(), want.stages(i).open()) << want.stages(i).stage();
  }
  EXPECT_EQ(got.frozen(), want.frozen());
}

INSTANTIATE_TEST_SUITE_P(Processes, SmallFunnel,
                         ::testing::Values("typical_sale", "manual_sale"));

}  // namespace
}  // namespace voronka
