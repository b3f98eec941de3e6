// Reports do not depend on the order in which deals arrived.
//
// Deals are numbered by arrival, and a scan skips blocks of deals by their
// opening times (ledger/opened_blocks.hpp). Arrived in opening order, the
// blocks are narrow: a period or an as_of skips most of them and takes some
// whole. Shuffled, every block spans the whole time range and each deal is
// checked alone; after a backfill, the blocks are narrow but out of order.
// Every report, under filters that cut blocks in each way, must come out
// the same; and the same again when the scan runs in two halves, which are
// cut at a block boundary where the deals not skipped halve.
#include <gtest/gtest.h>

#include <google/protobuf/util/message_differencer.h>

#include <algorithm>
#include <memory>
#include <numeric>
#include <random>
#include <string>
#include <thread>
#include <vector>

#include "analytics/deal_scan.hpp"
#include "analytics/reports.hpp"
#include "ledger/access.hpp"
#include "voronka/analytics.hpp"
#include "voronka/generator.hpp"
#include "voronka/ledger.hpp"

namespace voronka::testing {
namespace {

constexpr int64_t kStart = 1704067200000;  // 2024-01-01, the generator's first day
constexpr int64_t kDay = 86'400'000;

// The generator's events by deal; deals in order of opening.
std::vector<std::vector<v1::Event>> events_by_deal(const EventTable& table) {
  std::vector<std::vector<v1::Event>> deals;
  for (v1::Event& e : table.to_messages()) {
    if (deals.empty() || deals.back().front().deal() != e.deal()) deals.emplace_back();
    deals.back().push_back(std::move(e));
  }
  return deals;
}

// A ledger that received the deals in this order, each deal's events together.
std::unique_ptr<Ledger> ledger_of(const std::vector<std::vector<v1::Event>>& deals,
                                  const std::vector<size_t>& order) {
  auto ledger = std::make_unique<Ledger>();
  for (const auto& p : generator_processes()) EXPECT_TRUE(ledger->add_process(p));
  std::vector<v1::Event> events;
  for (size_t deal : order) events.insert(events.end(), deals[deal].begin(), deals[deal].end());
  for (const auto& r : ledger->append(events)) {
    EXPECT_EQ(r.outcome, Outcome::kAccepted) << r.status.message();
  }
  return ledger;
}

// The options message of a spec.
google::protobuf::Message& options_of(v1::ReportSpec& spec) {
  const auto* reflection = spec.GetReflection();
  const auto* field =
      reflection->GetOneofFieldDescriptor(spec, spec.GetDescriptor()->FindOneofByName("options"));
  return *reflection->MutableMessage(&spec, field);
}

// The opening time of the deal that is the k-th to open.
int64_t opening(const std::vector<std::vector<v1::Event>>& deals, size_t k) {
  return deals[k].front().at();
}

// Filters whose as_of and period fall inside blocks, on the opening times
// of the first and last deals of blocks (deals in opening order fill the
// blocks 1024 at a time), and beyond every deal; with and without the
// process and owner filters.
std::vector<v1::Filter> filters(const std::vector<std::vector<v1::Event>>& deals) {
  std::vector<v1::Filter> result(15);
  result[1].set_as_of(kStart + 200 * kDay);
  result[2].set_as_of(kStart + 400 * kDay);
  result[2].set_from(kStart + 60 * kDay);
  result[2].set_to(kStart + 425 * kDay);
  result[3].set_from(kStart + 60 * kDay);
  result[3].set_to(kStart + 425 * kDay);
  result[4].set_from(kStart + 300 * kDay);
  result[5].set_to(kStart + 100 * kDay);
  result[6].set_process("typical_sale");
  result[6].set_from(kStart + 150 * kDay);
  result[6].set_to(kStart + 500 * kDay);
  result[7].add_owners("m3");
  result[7].set_from(kStart + 30 * kDay);
  result[7].set_to(kStart + 700 * kDay);
  result[8].set_as_of(kStart - kDay);  // before every deal
  result[9].set_from(opening(deals, 1024));  // exactly block 1
  result[9].set_to(opening(deals, 2048));
  result[10].set_from(opening(deals, 2047));  // the last deal of block 1 on
  result[10].set_to(opening(deals, 3072) + 1);  // and the first of block 3
  result[11].set_as_of(opening(deals, 3071));
  result[12].set_as_of(opening(deals, 3072));
  result[13].set_as_of(opening(deals, 3072) - 1);
  result[14].set_as_of(opening(deals, 3071) - 1);
  return result;
}

// Every report kind with every filter, basis and breakdown it takes.
std::vector<v1::ReportSpec> specs(const std::vector<std::vector<v1::Event>>& deals) {
  std::vector<v1::ReportSpec> result;
  for (const char* name : {"snapshot", "history", "conversion", "durations", "obligations",
                           "losses", "owners", "forecast", "whatif", "window"}) {
    for (const v1::Filter& filter : filters(deals)) {
      for (int basis : {v1::CREATED, v1::CLOSED, v1::ACTIVITY}) {
        for (auto by : {v1::Breakdown::NONE, v1::Breakdown::MONTH}) {
          v1::ReportSpec spec = *report_spec(name);
          if (spec.has_window()) spec.mutable_window()->set_window_ms(45 * kDay);
          google::protobuf::Message& options = options_of(spec);
          const auto* descriptor = options.GetDescriptor();
          const auto* reflection = options.GetReflection();
          reflection->MutableMessage(&options, descriptor->FindFieldByName("filter"))
              ->CopyFrom(filter);
          const auto* basis_field = descriptor->FindFieldByName("basis");
          if (basis_field == nullptr && basis != v1::CREATED) continue;
          if (basis_field != nullptr) reflection->SetEnumValue(&options, basis_field, basis);
          const auto* breakdown_field = descriptor->FindFieldByName("breakdown");
          // Breakdowns by month only with a period's start, to keep the test short.
          if ((breakdown_field == nullptr || !filter.has_from()) && by != v1::Breakdown::NONE) {
            continue;
          }
          if (breakdown_field != nullptr) {
            static_cast<v1::Breakdown*>(reflection->MutableMessage(&options, breakdown_field))
                ->set_by(by);
          }
          result.push_back(spec);
        }
      }
    }
  }
  return result;
}

void expect_same_reports(const std::vector<v1::ReportSpec>& specs, const Ledger& expected,
                         const Ledger& actual) {
  for (const v1::ReportSpec& spec : specs) {
    v1::Report want, got;
    ASSERT_TRUE(run_report(expected, spec, &want)) << spec.ShortDebugString();
    ASSERT_TRUE(run_report(actual, spec, &got)) << spec.ShortDebugString();
    std::string differences;
    google::protobuf::util::MessageDifferencer differencer;
    differencer.ReportDifferencesToString(&differences);
    EXPECT_TRUE(differencer.Compare(want, got)) << spec.ShortDebugString() << "\n" << differences;
  }
}

class DealOrder : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    GeneratorOptions options;
    options.deals = 5 * 1024 + 100;  // six blocks of deals, the last one short
    deals_ = new std::vector<std::vector<v1::Event>>(events_by_deal(generate_events(options)));
    std::vector<size_t> order(deals_->size());
    std::iota(order.begin(), order.end(), size_t{0});
    in_opening_order_ = ledger_of(*deals_, order).release();
    specs_ = new std::vector<v1::ReportSpec>(specs(*deals_));
  }
  static void TearDownTestSuite() {
    delete specs_;
    delete in_opening_order_;
    delete deals_;
  }
  static std::vector<std::vector<v1::Event>>* deals_;
  static Ledger* in_opening_order_;
  static std::vector<v1::ReportSpec>* specs_;
};

std::vector<std::vector<v1::Event>>* DealOrder::deals_ = nullptr;
Ledger* DealOrder::in_opening_order_ = nullptr;
std::vector<v1::ReportSpec>* DealOrder::specs_ = nullptr;

TEST_F(DealOrder, ShuffledDealsGiveTheSameReports) {
  std::vector<size_t> order(deals_->size());
  std::iota(order.begin(), order.end(), size_t{0});
  std::shuffle(order.begin(), order.end(), std::mt19937(11));
  expect_same_reports(*specs_, *in_opening_order_, *ledger_of(*deals_, order));
}

TEST_F(DealOrder, ABackfillOfOlderDealsGivesTheSameReports) {
  // The later half of the deals first, then the earlier half.
  std::vector<size_t> order(deals_->size());
  std::iota(order.begin(), order.end(), size_t{0});
  std::rotate(order.begin(), order.begin() + static_cast<ptrdiff_t>(order.size() / 2),
              order.end());
  expect_same_reports(*specs_, *in_opening_order_, *ledger_of(*deals_, order));
}

TEST_F(DealOrder, TheCutForTwoThreadsFallsWhereTheDealsTakenHalve) {
  // The blocks' edges must be strict for the cuts below.
  for (size_t k : {1024, 2048}) ASSERT_LT(opening(*deals_, k - 1), opening(*deals_, k));
  const ledger::Reader reader(*in_opening_order_);
  auto cut = [&](const v1::Filter& filter, analytics::Pick pick) {
    analytics::Scope scope;
    EXPECT_TRUE(scope.init(reader.state(), filter));
    return analytics::balanced_cut(scope, pick);
  };
  // Blocks of 1024, 1024, 1024, 1024, 1024 and 100 deals: half of the 5220
  // is reached in the third.
  EXPECT_EQ(cut(v1::Filter(), analytics::Pick::kAll), 3072u);
  // Created from block 2 on: 0, 0, 1024, 1024, 1024, 100; half in the fourth.
  v1::Filter from_block_2;
  from_block_2.set_from(opening(*deals_, 2048));
  EXPECT_EQ(cut(from_block_2, analytics::Pick::kCreated), 4096u);
  // Every deal counts with that pick, the period being the report's business.
  EXPECT_EQ(cut(from_block_2, analytics::Pick::kAll), 3072u);
  // Opened by the end of block 0: all of it there, and the cut after it.
  v1::Filter block_0;
  block_0.set_as_of(opening(*deals_, 1023));
  EXPECT_EQ(cut(block_0, analytics::Pick::kClosed), 1024u);
  // Nothing taken: the middle deal.
  v1::Filter before;
  before.set_as_of(kStart - kDay);
  EXPECT_EQ(cut(before, analytics::Pick::kAll), 2610u);
}

TEST_F(DealOrder, HalvesCutAtABlockGiveTheSameReports) {
  if (std::thread::hardware_concurrency() < 2) GTEST_SKIP() << "one thread: the scan is never cut";
  const ledger::Reader reader(*in_opening_order_);
  for (const v1::ReportSpec& spec : *specs_) {
    v1::PartialState one_scan, halves;
    ASSERT_TRUE(analytics::compute(reader.state(), spec, &one_scan, UINT32_MAX));
    ASSERT_TRUE(analytics::compute(reader.state(), spec, &halves, 0));
    v1::Report want, got;
    ASSERT_TRUE(finish_partial(one_scan, &want));
    ASSERT_TRUE(finish_partial(halves, &got));
    std::string differences;
    google::protobuf::util::MessageDifferencer differencer;
    differencer.ReportDifferencesToString(&differences);
    EXPECT_TRUE(differencer.Compare(want, got)) << spec.ShortDebugString() << "\n" << differences;
  }
}

}  // namespace
}  // namespace voronka::testing
