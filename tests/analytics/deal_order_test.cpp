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
#include <vector>

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
  for (const AppendResult& r : ledger->append(events)) {
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

// Filters whose as_of and period fall inside blocks, on their edges and
// beyond every deal, with and without the process and owner filters.
std::vector<v1::Filter> filters() {
  std::vector<v1::Filter> result(9);
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
  return result;
}

// Every report kind with every filter, basis and breakdown it takes.
std::vector<v1::ReportSpec> specs() {
  std::vector<v1::ReportSpec> result;
  for (const char* name : {"snapshot", "history", "conversion", "durations", "obligations",
                           "losses", "owners", "forecast", "whatif", "window"}) {
    for (const v1::Filter& filter : filters()) {
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
          // Breakdowns by month where the period cuts months, to keep the test short.
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

void expect_same_reports(const Ledger& expected, const Ledger& actual) {
  for (const v1::ReportSpec& spec : specs()) {
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
  }
  static void TearDownTestSuite() {
    delete in_opening_order_;
    delete deals_;
  }
  static std::vector<std::vector<v1::Event>>* deals_;
  static Ledger* in_opening_order_;
};

std::vector<std::vector<v1::Event>>* DealOrder::deals_ = nullptr;
Ledger* DealOrder::in_opening_order_ = nullptr;

TEST_F(DealOrder, ShuffledDealsGiveTheSameReports) {
  std::vector<size_t> order(deals_->size());
  std::iota(order.begin(), order.end(), size_t{0});
  std::shuffle(order.begin(), order.end(), std::mt19937(11));
  expect_same_reports(*in_opening_order_, *ledger_of(*deals_, order));
}

TEST_F(DealOrder, ABackfillOfOlderDealsGivesTheSameReports) {
  // The later half of the deals first, then the earlier half.
  std::vector<size_t> order(deals_->size());
  std::iota(order.begin(), order.end(), size_t{0});
  std::rotate(order.begin(), order.begin() + static_cast<ptrdiff_t>(order.size() / 2),
              order.end());
  expect_same_reports(*in_opening_order_, *ledger_of(*deals_, order));
}

TEST_F(DealOrder, HalvesCutAtABlockGiveTheSameReports) {
  const ledger::Reader reader(*in_opening_order_);
  for (const v1::ReportSpec& spec : specs()) {
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
