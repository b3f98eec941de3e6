#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <algorithm>
#include <atomic>
#include <deque>
#include <iterator>
#include <random>
#include <thread>

#include "voronka/voronka.hpp"

namespace voronka {
namespace {

using ::testing::HasSubstr;

// The key the generator gives deal number d: "D0000042".
std::string generated_deal(int d) {
  const std::string number = std::to_string(d);
  return "D" + std::string(7 - number.size(), '0') + number;
}

// Event builders; times are plain milliseconds.
v1::Event base(const std::string& id, const std::string& deal, int64_t at) {
  v1::Event e;
  e.set_event_id(id);
  e.set_deal(deal);
  e.set_at(at);
  return e;
}
v1::Event opened(const std::string& id, const std::string& deal, int64_t at,
                 const std::string& process, int64_t amount = 1000,
                 const std::string& stage = "") {
  v1::Event e = base(id, deal, at);
  auto* o = e.mutable_opened();
  o->set_process(process);
  o->set_owner("anna");
  o->set_client("acme");
  o->set_amount(amount);
  o->set_stage(stage);
  return e;
}
v1::Event entered(const std::string& id, const std::string& deal, int64_t at,
                  const std::string& stage) {
  v1::Event e = base(id, deal, at);
  e.mutable_entered()->set_stage(stage);
  return e;
}
v1::Event won(const std::string& id, const std::string& deal, int64_t at) {
  v1::Event e = base(id, deal, at);
  e.mutable_won();
  return e;
}
v1::Event lost(const std::string& id, const std::string& deal, int64_t at,
               const std::string& reason) {
  v1::Event e = base(id, deal, at);
  e.mutable_lost()->set_reason(reason);
  return e;
}
v1::Event frozen(const std::string& id, const std::string& deal, int64_t at) {
  v1::Event e = base(id, deal, at);
  e.mutable_frozen();
  return e;
}
v1::Event resumed(const std::string& id, const std::string& deal, int64_t at) {
  v1::Event e = base(id, deal, at);
  e.mutable_resumed();
  return e;
}
v1::Event reopened(const std::string& id, const std::string& deal, int64_t at,
                   const std::string& stage = "") {
  v1::Event e = base(id, deal, at);
  e.mutable_reopened()->set_stage(stage);
  return e;
}
v1::Event field_set(const std::string& id, const std::string& deal, int64_t at,
                    const std::string& key, const std::string& value) {
  v1::Event e = base(id, deal, at);
  e.mutable_field_set()->set_key(key);
  e.mutable_field_set()->set_value(value);
  return e;
}

class LedgerTest : public ::testing::Test {
 protected:
  void SetUp() override {
    add(ProcessBuilder("typical_sale", v1::Process::AUTOMATIC)
            .stage("evaluation")
            .stage("preparation")
            .stage("presentation")
            .stage("proposal")
            .stage("tender")
            .stage("contract")
            .transition("evaluation", "preparation")
            .transition("preparation", "presentation")
            .transition("presentation", "proposal")
            .transition("presentation", "tender")
            .transition("proposal", "contract")
            .transition("tender", "contract")
            .lost_reasons({"price", "competitor"}));
    add(ProcessBuilder("manual_sale", v1::Process::MANUAL)
            .stage("evaluation")
            .stage("preparation")
            .required_field("budget")
            .stage("presentation")
            .stage("awaiting_payment"));
    add(ProcessBuilder("demand_first", v1::Process::AUTOMATIC)
            .require_primary_demand()
            .stage("evaluation")
            .stage("closing"));
  }

  void add(const ProcessBuilder& builder) { ASSERT_TRUE(ledger_.add_process(builder.definition())); }

  // Appends one event, expecting acceptance.
  void ok(const v1::Event& e) {
    const AppendResult r = ledger_.append(e);
    ASSERT_EQ(r.outcome, Outcome::kAccepted) << r.status.to_string();
  }
  // Appends one event, expecting rejection; returns the status.
  Status rejected(const v1::Event& e) {
    AppendResult r = ledger_.append(e);
    EXPECT_EQ(r.outcome, Outcome::kRejected);
    return r.status;
  }
  v1::DealState deal(const std::string& key) {
    v1::DealState state;
    EXPECT_TRUE(ledger_.find_deal(key, &state));
    return state;
  }

  Ledger ledger_;
};

TEST_F(LedgerTest, AutomaticDealsMoveAlongTransitions) {
  ok(opened("1", "D-1", 100, "typical_sale"));
  ok(entered("2", "D-1", 200, "preparation"));
  ok(entered("3", "D-1", 300, "presentation"));
  const Status s = rejected(entered("4", "D-1", 400, "contract"));
  EXPECT_EQ(s.code(), Code::kIllegalTransition);
  EXPECT_EQ(s.message(),
            "deal D-1: cannot enter 'contract' from 'presentation' in automatic process "
            "'typical_sale'; allowed: proposal, tender, lost, frozen");
  EXPECT_EQ(rejected(entered("4", "D-1", 400, "preparation")).code(), Code::kIllegalTransition);
  // The branch: tender instead of proposal.
  ok(entered("4", "D-1", 400, "tender"));
  EXPECT_THAT(rejected(won("5", "D-1", 500)).message(),
              HasSubstr("cannot win from 'tender' in automatic process 'typical_sale'; "
                        "allowed: contract, lost, frozen"));
  ok(entered("5", "D-1", 500, "contract"));
  ok(won("6", "D-1", 600));

  const auto d = deal("D-1");
  EXPECT_EQ(d.status(), "won");
  EXPECT_EQ(d.stage(), "contract");
  EXPECT_EQ(d.closed_at(), 600);
  EXPECT_EQ(d.events(), 6u);
}

TEST_F(LedgerTest, AutomaticDealsOpenAtTheEntryStageOnly) {
  EXPECT_THAT(rejected(opened("1", "D-1", 100, "typical_sale", 0, "proposal")).message(),
              HasSubstr("cannot open at 'proposal' in automatic process 'typical_sale'; "
                        "allowed: evaluation"));
  ok(opened("2", "D-1", 100, "typical_sale", 0, "evaluation"));
  // An entered of the current stage is accepted and changes nothing.
  ok(entered("3", "D-1", 100, "evaluation"));
  EXPECT_EQ(deal("D-1").events(), 1u);
}

TEST_F(LedgerTest, ManualDealsEnterAnyStageAndReenter) {
  ok(opened("1", "M-1", 100, "manual_sale", 0, "presentation"));
  ok(entered("2", "M-1", 200, "evaluation"));  // back
  ok(field_set("3", "M-1", 250, "budget", "10k"));
  ok(entered("4", "M-1", 300, "preparation"));
  ok(entered("5", "M-1", 400, "awaiting_payment"));  // skips presentation
  ok(entered("6", "M-1", 500, "presentation"));      // back again
  ok(won("7", "M-1", 600));                          // from any stage
  const auto d = deal("M-1");
  EXPECT_EQ(d.status(), "won");
  EXPECT_EQ(d.stage(), "presentation");
  EXPECT_EQ(d.stage_since(), 500);
  EXPECT_EQ(d.fields().at("budget"), "10k");
}

TEST_F(LedgerTest, RequiredFieldsGuardForwardMovesOnly) {
  ok(opened("1", "M-1", 100, "manual_sale", 0, "preparation"));
  Status s = rejected(entered("2", "M-1", 200, "presentation"));
  EXPECT_EQ(s.code(), Code::kIllegalTransition);
  EXPECT_EQ(s.message(),
            "deal M-1: cannot leave 'preparation' for 'presentation': required field "
            "'budget' is not set");
  EXPECT_THAT(rejected(won("2", "M-1", 200)).message(), HasSubstr("required field 'budget'"));
  ok(entered("2", "M-1", 200, "evaluation"));  // backward is exempt
  ok(entered("3", "M-1", 300, "preparation"));
  ok(frozen("4", "M-1", 400));  // freezing is exempt
  ok(lost("5", "M-1", 500, "anything"));  // so is losing; no catalogue: any reason
  EXPECT_EQ(deal("M-1").lost_reason(), "anything");

  ok(opened("6", "M-2", 100, "manual_sale", 0, "preparation"));
  ok(field_set("7", "M-2", 150, "budget", "5k"));
  ok(field_set("8", "M-2", 160, "budget", ""));  // cleared again
  EXPECT_EQ(rejected(entered("9", "M-2", 200, "presentation")).code(), Code::kIllegalTransition);
  ok(field_set("9", "M-2", 170, "budget", "6k"));
  ok(entered("10", "M-2", 200, "presentation"));
}

TEST_F(LedgerTest, PrimaryDemandIsRequiredBeforeLeavingTheEntryStage) {
  ok(opened("1", "P-1", 100, "demand_first"));
  EXPECT_THAT(rejected(entered("2", "P-1", 200, "closing")).message(),
              HasSubstr("required field 'primary_demand' is not set"));
  v1::Event with_demand = opened("3", "P-2", 100, "demand_first");
  (*with_demand.mutable_opened()->mutable_fields())["primary_demand"] = "windows for a cottage";
  ok(with_demand);
  ok(entered("4", "P-2", 200, "closing"));
  EXPECT_EQ(deal("P-2").fields().at("primary_demand"), "windows for a cottage");
}

TEST_F(LedgerTest, LifecycleOfFrozenLostAndReopenedDeals) {
  ok(opened("1", "D-1", 100, "typical_sale"));
  ok(entered("2", "D-1", 200, "preparation"));
  ok(frozen("3", "D-1", 300));
  EXPECT_EQ(deal("D-1").status(), "frozen");
  EXPECT_EQ(rejected(frozen("4", "D-1", 400)).message(),
            "deal D-1: cannot freeze from frozen at 'preparation' in automatic process "
            "'typical_sale'; allowed: resumed, reopened, lost");
  EXPECT_THAT(rejected(entered("4", "D-1", 400, "presentation")).message(),
              HasSubstr("cannot enter 'presentation' from frozen at 'preparation'"));
  ok(resumed("4", "D-1", 400));
  EXPECT_EQ(deal("D-1").status(), "open");
  EXPECT_EQ(deal("D-1").stage_since(), 200);  // the visit continues
  EXPECT_THAT(rejected(resumed("5", "D-1", 500)).message(), HasSubstr("cannot resume from 'preparation'"));

  Status s = rejected(lost("5", "D-1", 500, "weather"));
  EXPECT_EQ(s.code(), Code::kInvalidArgument);
  EXPECT_EQ(s.message(),
            "deal D-1: lost reason 'weather' is not in the catalogue of process "
            "'typical_sale': price, competitor");
  EXPECT_EQ(rejected(lost("5", "D-1", 500, "")).code(), Code::kInvalidArgument);
  ok(lost("5", "D-1", 500, "price"));
  auto d = deal("D-1");
  EXPECT_EQ(d.status(), "lost");
  EXPECT_EQ(d.stage(), "preparation");
  EXPECT_EQ(d.lost_reason(), "price");
  EXPECT_EQ(d.closed_at(), 500);
  EXPECT_THAT(rejected(entered("6", "D-1", 600, "presentation")).message(),
              HasSubstr("from lost at 'preparation'"));
  EXPECT_THAT(rejected(won("6", "D-1", 600)).message(), HasSubstr("allowed: reopened"));

  ok(reopened("6", "D-1", 600));  // at the stage it was lost at
  d = deal("D-1");
  EXPECT_EQ(d.status(), "open");
  EXPECT_EQ(d.stage(), "preparation");
  EXPECT_EQ(d.stage_since(), 600);
  EXPECT_FALSE(d.has_closed_at());
  EXPECT_EQ(rejected(reopened("7", "D-1", 700)).code(), Code::kIllegalTransition);

  // A frozen deal may be lost without resuming, and reopened elsewhere.
  ok(frozen("7", "D-1", 700));
  ok(lost("8", "D-1", 800, "competitor"));
  EXPECT_EQ(rejected(reopened("9", "D-1", 900, "nowhere")).code(), Code::kNotFound);
  ok(reopened("9", "D-1", 900, "evaluation"));
  EXPECT_EQ(deal("D-1").stage(), "evaluation");
}

TEST_F(LedgerTest, WonWithAFinalAmountAndAmountChanges) {
  ok(opened("1", "M-1", 100, "manual_sale", 5000, "awaiting_payment"));
  v1::Event change = base("2", "M-1", 200);
  change.mutable_amount_changed()->set_amount(4500);
  ok(change);
  EXPECT_EQ(deal("M-1").amount(), 4500);
  v1::Event negative = base("3", "M-1", 250);
  negative.mutable_amount_changed()->set_amount(-1);
  EXPECT_EQ(rejected(negative).message(), "deal M-1: amount -1 is negative");
  v1::Event closing = won("3", "M-1", 300);
  closing.mutable_won()->set_amount(4200);
  ok(closing);
  EXPECT_EQ(deal("M-1").amount(), 4200);
  v1::Event owner = base("4", "M-1", 400);
  owner.mutable_owner_changed()->set_owner("boris");
  ok(owner);  // allowed after closing
  EXPECT_EQ(deal("M-1").owner(), "boris");
}

TEST_F(LedgerTest, UnknownDealsProcessesAndStages) {
  EXPECT_EQ(rejected(entered("1", "X", 100, "evaluation")).message(),
            "deal X: unknown deal (no opened event at or before 1970-01-01T00:00:00.100Z)");
  Status s = rejected(opened("1", "X", 100, "nope"));
  EXPECT_EQ(s.code(), Code::kNotFound);
  EXPECT_EQ(s.message(), "deal X: unknown process 'nope'");
  ok(opened("1", "X", 100, "manual_sale"));
  s = rejected(entered("2", "X", 200, "nowhere"));
  EXPECT_EQ(s.code(), Code::kNotFound);
  EXPECT_EQ(s.message(), "deal X: unknown stage 'nowhere' in process 'manual_sale'");
  EXPECT_THAT(rejected(opened("2", "X", 200, "manual_sale")).message(),
              HasSubstr("deal X: already opened at 1970-01-01T00:00:00.100Z in process 'manual_sale'"));
  EXPECT_EQ(rejected(base("2", "X", 200)).message(), "deal X: event 2 has no kind");
  EXPECT_EQ(rejected(entered("", "X", 200, "evaluation")).message(), "deal X: no event_id");
  EXPECT_EQ(rejected(entered("2", "", 200, "evaluation")).message(), "event 2: no deal");
  EXPECT_EQ(rejected(opened("2", "Z", INT64_MIN, "manual_sale")).message(),
            "deal Z: event 2 is at -9223372036854775808 ms, the one time an event cannot have "
            "(the least int64)");
  ok(opened("2", "Z", INT64_MIN + 1, "manual_sale"));
  v1::Event no_amount = opened("3", "Y", 100, "manual_sale", -5);
  EXPECT_EQ(rejected(no_amount).message(), "deal Y: amount -5 is negative");
  v1::DealState state;
  EXPECT_EQ(ledger_.find_deal("Y", &state).code(), Code::kNotFound);
}

TEST_F(LedgerTest, TextMustBeValidUtf8) {
  // "Иван" in cp1251, as a 1C export would write it.
  v1::Event cp1251 = opened("1", "X", 100, "manual_sale");
  cp1251.mutable_opened()->set_owner("\xc8\xe2\xe0\xed");
  Status s = rejected(cp1251);
  EXPECT_EQ(s.code(), Code::kInvalidArgument);
  EXPECT_EQ(s.message(), "deal X: event 1: owner '\\xc8\\xe2\\xe0\\xed' is not valid UTF-8 text");
  EXPECT_EQ(rejected(opened("1", "X\xff", 100, "manual_sale")).message(),
            "deal X\\xff: event 1: deal 'X\\xff' is not valid UTF-8 text");
  v1::Event field = opened("1", "X", 100, "manual_sale");
  (*field.mutable_opened()->mutable_fields())["region"] = "s\xc3";  // cut short
  EXPECT_EQ(rejected(field).message(),
            "deal X: event 1: field 'region' 's\\xc3' is not valid UTF-8 text");
  // Nothing was recorded: the deal opens with valid text, in any script.
  v1::Event russian = opened("1", "X", 100, "manual_sale");
  russian.mutable_opened()->set_owner("\xd0\x98\xd0\xb2\xd0\xb0\xd0\xbd");  // "Иван"
  ok(russian);
  EXPECT_EQ(deal("X").owner(), "\xd0\x98\xd0\xb2\xd0\xb0\xd0\xbd");
  EXPECT_EQ(rejected(lost("2", "X", 200, "\xe2\x82")).message(),
            "deal X: event 2: reason '\\xe2\\x82' is not valid UTF-8 text");
}

TEST_F(LedgerTest, DuplicatesAreReportedConflictsRejected) {
  ok(opened("1", "D-1", 100, "typical_sale"));
  ok(entered("2", "D-1", 200, "preparation"));
  const uint64_t events = ledger_.stats().events;

  AppendResult again = ledger_.append(entered("2", "D-1", 200, "preparation"));
  EXPECT_EQ(again.outcome, Outcome::kDuplicate);
  EXPECT_TRUE(again.status);
  EXPECT_EQ(ledger_.append(opened("1", "D-1", 100, "typical_sale")).outcome, Outcome::kDuplicate);
  EXPECT_EQ(ledger_.stats().events, events);

  Status s = rejected(entered("2", "D-1", 200, "presentation"));
  EXPECT_EQ(s.code(), Code::kConflictingDuplicate);
  EXPECT_EQ(s.message(), "deal D-1: event id 2 was recorded before with different content");
  EXPECT_EQ(rejected(entered("2", "D-2", 200, "preparation")).code(), Code::kConflictingDuplicate);
  EXPECT_EQ(rejected(entered("2", "D-1", 201, "preparation")).code(), Code::kConflictingDuplicate);
  // "02" is another id than "2".
  EXPECT_EQ(ledger_.append(entered("02", "D-1", 300, "presentation")).outcome, Outcome::kAccepted);

  // A rejected event leaves no trace: its id can be used again.
  EXPECT_EQ(rejected(entered("x7", "D-1", 400, "contract")).code(), Code::kIllegalTransition);
  ok(entered("x7", "D-1", 400, "proposal"));
  EXPECT_EQ(deal("D-1").stage(), "proposal");

  // Within one batch the second copy is the duplicate.
  const auto results = ledger_.append(std::vector<v1::Event>{won("w", "D-9", 1), won("w", "D-9", 1)});
  EXPECT_EQ(results[0].status.code(), Code::kNotFound);  // D-9 unknown: rejected, not recorded
  EXPECT_EQ(results[1].status.code(), Code::kNotFound);
}

TEST_F(LedgerTest, EventsOfADealMustNotGoBackInTime) {
  ok(opened("1", "D-1", 1000, "typical_sale"));
  ok(entered("2", "D-1", 2000, "preparation"));
  const Status s = rejected(frozen("3", "D-1", 1999));
  EXPECT_EQ(s.code(), Code::kOutOfOrder);
  EXPECT_EQ(s.message(),
            "deal D-1: frozen at 1970-01-01T00:00:01.999Z is earlier than the deal's last "
            "event at 1970-01-01T00:00:02Z; a deal's events must not go back in time");
  ok(frozen("3", "D-1", 2000));  // the same instant is fine
  // Other deals keep their own clocks.
  ok(opened("4", "D-2", 500, "typical_sale"));
}

TEST_F(LedgerTest, ABatchSortsEachDealsEventsByTime) {
  std::vector<v1::Event> history = {
      opened("1", "A", 100, "typical_sale"),      entered("2", "A", 200, "preparation"),
      entered("3", "A", 300, "presentation"),     opened("4", "B", 150, "manual_sale"),
      entered("5", "B", 250, "awaiting_payment"), won("6", "B", 350),
      lost("7", "A", 400, "price"),
  };
  std::mt19937 random(7);
  std::shuffle(history.begin(), history.end(), random);
  std::vector<uint32_t> applied;
  const auto results = ledger_.append(history, &applied);
  for (const auto& r : results) EXPECT_EQ(r.outcome, Outcome::kAccepted) << r.status.to_string();
  ASSERT_EQ(applied.size(), history.size());
  // Applied in time order per deal.
  for (const std::string key : {"A", "B"}) {
    int64_t last = 0;
    for (uint32_t i : applied) {
      if (history[i].deal() != key) continue;
      EXPECT_LE(last, history[i].at());
      last = history[i].at();
    }
  }
  EXPECT_EQ(deal("A").status(), "lost");
  EXPECT_EQ(deal("A").stage(), "presentation");
  EXPECT_EQ(deal("B").status(), "won");
}

TEST_F(LedgerTest, ABatchOpensADealBeforeItsOtherEventsOfTheSameTime) {
  // As exports list them: the deal's first stage, its opening and its loss
  // all at one instant, the opening not first.
  const std::vector<v1::Event> batch = {
      entered("2", "A", 100, "preparation"), opened("1", "A", 100, "typical_sale"),
      lost("3", "A", 100, "price"),          entered("5", "B", 200, "awaiting_payment"),
      opened("4", "B", 200, "manual_sale"),
  };
  std::vector<uint32_t> applied;
  const auto results = ledger_.append(batch, &applied);
  for (const auto& r : results) EXPECT_EQ(r.outcome, Outcome::kAccepted) << r.status.to_string();
  EXPECT_EQ(applied, (std::vector<uint32_t>{1, 0, 2, 4, 3}));
  EXPECT_EQ(deal("A").status(), "lost");
  EXPECT_EQ(deal("A").stage(), "preparation");
  EXPECT_EQ(deal("B").stage(), "awaiting_payment");
  // Across batches the order stays the order of arrival: the deal is unknown
  // to an event before its opening arrives.
  EXPECT_EQ(rejected(entered("7", "C", 300, "preparation")).code(), Code::kNotFound);
}

TEST_F(LedgerTest, ABatchResultKeepsEachEventsOutcomeAndItsRejectionsInBatchOrder) {
  // Deal A's events are out of time order, so the batch is applied deal by
  // deal in the order the deals first appear, each deal's events by time:
  // A's (7, 0, 3, 5), then B's (1, 2, 6), then C's (4). The rejections are
  // found as 7, 5, 2, 4 and listed as 2, 4, 5, 7.
  const std::vector<v1::Event> batch = {
      opened("1", "A", 100, "typical_sale"),      opened("3", "B", 100, "manual_sale"),
      entered("4", "B", 200, "no_such_stage"),    opened("1", "A", 100, "typical_sale"),
      entered("6", "C", 100, "preparation"),      entered("2", "A", 200, "no_such_stage"),
      entered("5", "B", 300, "awaiting_payment"), entered("7", "A", 50, "preparation"),
  };
  const BatchResult results = ledger_.append(batch);
  ASSERT_EQ(results.size(), batch.size());
  EXPECT_EQ(std::vector<Outcome>(results.outcomes().begin(), results.outcomes().end()),
            (std::vector<Outcome>{Outcome::kAccepted, Outcome::kAccepted, Outcome::kRejected,
                                  Outcome::kDuplicate, Outcome::kRejected, Outcome::kRejected,
                                  Outcome::kAccepted, Outcome::kRejected}));
  EXPECT_EQ(results.accepted(), 3u);
  EXPECT_EQ(results.duplicates(), 1u);
  EXPECT_EQ(results.rejected(), 4u);
  ASSERT_EQ(results.rejections().size(), 4u);
  EXPECT_EQ(results.rejections()[0].index, 2u);
  EXPECT_EQ(results.rejections()[1].index, 4u);
  EXPECT_EQ(results.rejections()[2].index, 5u);
  EXPECT_EQ(results.rejections()[3].index, 7u);
  EXPECT_NE(results.status(2).message().find("deal B"), std::string::npos)
      << results.status(2).to_string();
  EXPECT_NE(results.status(4).message().find("deal C"), std::string::npos)
      << results.status(4).to_string();
  EXPECT_NE(results.status(5).message().find("no_such_stage"), std::string::npos)
      << results.status(5).to_string();
  EXPECT_NE(results.status(7).message().find("deal A"), std::string::npos)
      << results.status(7).to_string();
  for (size_t i : {0, 1, 3, 6}) EXPECT_TRUE(results.status(i).is_ok()) << i;
  // Iterating yields each event's outcome and status.
  size_t i = 0;
  for (const BatchResult::Entry& r : results) {
    EXPECT_EQ(r.outcome, results.outcome(i));
    EXPECT_EQ(&r.status, &results.status(i));
    EXPECT_EQ(&results[i].status, &results.status(i));
    ++i;
  }
  EXPECT_EQ(i, batch.size());
}

static_assert(std::input_iterator<BatchResult::Iterator>);

TEST(BatchResult, AllRejectedAndEmpty) {
  const Status reason(Code::kInvalidArgument, "the batch has no 'kind' column");
  const BatchResult all = BatchResult::all_rejected(3, reason);
  EXPECT_EQ(all.size(), 3u);
  EXPECT_EQ(all.accepted(), 0u);
  EXPECT_EQ(all.rejected(), 3u);
  for (size_t i = 0; i < 3; ++i) {
    EXPECT_EQ(all.outcome(i), Outcome::kRejected);
    EXPECT_EQ(all.status(i).to_string(), reason.to_string());
  }
  const BatchResult none;
  EXPECT_TRUE(none.empty());
  EXPECT_EQ(none.begin(), none.end());
  EXPECT_EQ(none.accepted() + none.duplicates() + none.rejected(), 0u);
}

TEST_F(LedgerTest, ColumnarBatchesMatchMessages) {
  const std::vector<std::string_view> ids = {"1", "2", "3", "4"};
  const std::vector<std::string_view> deals = {"C", "C", "C", "C"};
  const std::vector<int64_t> at = {100, 200, 300, 300};
  const std::vector<EventKind> kinds = {EventKind::kOpened, EventKind::kEntered,
                                        EventKind::kActivity, EventKind::kLost};
  const std::vector<std::string_view> process = {"typical_sale", "typical_sale", "", ""};
  const std::vector<std::string_view> stages = {"", "preparation", "", ""};
  const std::vector<int64_t> amounts = {7000, kNoAmount, kNoAmount, kNoAmount};
  const std::vector<std::string_view> owners = {"anna", "", "", ""};
  const std::vector<std::string_view> reasons = {"", "", "", "price"};
  const std::vector<std::string_view> activity = {"", "", "call", ""};
  EventColumns columns;
  columns.size = 4;
  columns.event_id = ids;
  columns.deal = deals;
  columns.at = at;
  columns.kind = kinds;
  columns.process = process;
  columns.stage = stages;
  columns.amount = amounts;
  columns.owner = owners;
  columns.reason = reasons;
  columns.activity = activity;
  for (const auto& r : ledger_.append(columns)) EXPECT_TRUE(r.status) << r.status.to_string();
  auto d = deal("C");
  EXPECT_EQ(d.status(), "lost");
  EXPECT_EQ(d.amount(), 7000);
  EXPECT_EQ(d.owner(), "anna");
  EXPECT_EQ(d.events(), 4u);

  // The same events as messages are duplicates, not conflicts.
  v1::Event first = opened("1", "C", 100, "typical_sale", 7000);
  first.mutable_opened()->set_client("");
  EXPECT_EQ(ledger_.append(first).outcome, Outcome::kDuplicate);
  EXPECT_EQ(ledger_.append(entered("2", "C", 200, "preparation")).outcome, Outcome::kDuplicate);

  // A column of the wrong length rejects the whole batch.
  columns.stage = std::span<const std::string_view>(stages).first(3);
  for (const auto& r : ledger_.append(columns)) {
    EXPECT_EQ(r.status.message(), "column 'stage' has 3 rows, the batch 4");
  }
  columns.stage = stages;
  columns.kind = {};
  EXPECT_EQ(ledger_.append(columns)[0].status.message(), "the batch has no 'kind' column");

  // Bad activity names and mismatched processes are rejected per row.
  const std::vector<std::string_view> ids2 = {"10", "11", "12"};
  const std::vector<std::string_view> deals2 = {"C", "C", "C"};
  const std::vector<int64_t> at2 = {500, 500, 500};
  const std::vector<EventKind> kinds2 = {EventKind::kActivity, EventKind::kReopened,
                                         EventKind::kReopened};
  const std::vector<std::string_view> process2 = {"", "manual_sale", "typical_sale"};
  const std::vector<std::string_view> activity2 = {"lunch\xff", "", ""};  // not UTF-8
  EventColumns more;
  more.size = 3;
  more.event_id = ids2;
  more.deal = deals2;
  more.at = at2;
  more.kind = kinds2;
  more.process = process2;
  more.activity = activity2;
  const auto results = ledger_.append(more);
  EXPECT_EQ(results[0].status.message(),
            "deal C: unknown activity 'lunch\\xff' (call, meeting, email or other)");
  EXPECT_EQ(results[1].status.message(),
            "deal C: belongs to process 'typical_sale', the event names 'manual_sale'");
  EXPECT_TRUE(results[2].status);
}

TEST_F(LedgerTest, ProcessVersionsStayWithTheirDeals) {
  ok(opened("1", "old", 100, "manual_sale"));
  uint16_t version = 0;
  bool created = false;
  ASSERT_TRUE(ledger_.add_process(ProcessBuilder("manual_sale", v1::Process::MANUAL)
                                      .stage("evaluation")
                                      .stage("closing")
                                      .definition(),
                                  &version, &created));
  EXPECT_TRUE(created);
  EXPECT_EQ(ledger_.process("manual_sale")->version(), 2u);
  ok(opened("2", "new", 100, "manual_sale"));
  // The old deal still follows version 1, which has no 'closing'.
  EXPECT_EQ(rejected(entered("3", "old", 200, "closing")).code(), Code::kNotFound);
  ok(entered("3", "old", 200, "presentation"));
  ok(entered("4", "new", 200, "closing"));
  EXPECT_EQ(deal("old").process_version(), 1u);
  EXPECT_EQ(deal("new").process_version(), 2u);
}

TEST_F(LedgerTest, GeneratedDataIsAcceptedWholeByBothPaths) {
  GeneratorOptions options;
  options.deals = 2000;
  const EventTable table = generate_events(options);
  Ledger by_columns, by_messages;
  for (const auto& p : generator_processes()) {
    ASSERT_TRUE(by_columns.add_process(p));
    ASSERT_TRUE(by_messages.add_process(p));
  }
  for (const auto& r : by_columns.append(table.columns())) ASSERT_TRUE(r.status) << r.status.to_string();
  const auto messages = table.to_messages();
  for (const auto& r : by_messages.append(messages)) ASSERT_TRUE(r.status) << r.status.to_string();
  EXPECT_EQ(by_columns.stats().deals, 2000u);
  EXPECT_EQ(by_columns.stats().events, table.size());
  EXPECT_EQ(by_messages.stats().events, table.size());
  // Everything again is a duplicate.
  for (const auto& r : by_columns.append(messages)) ASSERT_EQ(r.outcome, Outcome::kDuplicate);
  v1::DealState a, b;
  for (int d = 0; d < 2000; d += 97) {
    const std::string key = generated_deal(d);
    ASSERT_TRUE(by_columns.find_deal(key, &a));
    ASSERT_TRUE(by_messages.find_deal(key, &b));
    EXPECT_EQ(a.SerializeAsString(), b.SerializeAsString());
  }
}

TEST(TextColumn, ReadsViewsOrCStrings) {
  const std::vector<std::string_view> views = {"a", "", "ccc"};
  const char* const strings[] = {"a", nullptr, "ccc"};
  const TextColumn from_views = views;
  const TextColumn from_strings = TextColumn::c_strings(strings, 3);
  for (const TextColumn& column : {from_views, from_strings}) {
    ASSERT_EQ(column.size(), 3u);
    EXPECT_EQ(column[0], "a");
    EXPECT_EQ(column[1], "");  // a NULL C string reads as empty
    EXPECT_EQ(column[2], "ccc");
    const TextColumn tail = column.subspan(1, 2);
    ASSERT_EQ(tail.size(), 2u);
    EXPECT_EQ(tail[1], "ccc");
  }
  EXPECT_EQ(from_strings[2].data(), strings[2]);  // read in place, not copied
  EXPECT_TRUE(TextColumn().empty());
}

TEST(TextColumn, ReadsPackedCells) {
  // Rows "xxabcyy" and "zzq" of one text; a cell places a field in its row.
  const std::string_view base = "xxabcyy\nzzq";
  const std::string_view elsewhere[] = {"far", "away"};
  const uint64_t row_starts[] = {0, 0, 8, 8, 8};
  const uint32_t cells[] = {*TextColumn::pack(2, 3), 0, TextColumn::elsewhere_cell(1),
                            *TextColumn::pack(2, 1), TextColumn::elsewhere_cell(0)};
  const TextColumn column = TextColumn::packed(base.data(), row_starts, cells, 5, elsewhere);
  ASSERT_EQ(column.size(), 5u);
  EXPECT_EQ(column[0], "abc");
  EXPECT_EQ(column[0].data(), base.data() + 2);  // read in place, not copied
  EXPECT_EQ(column[1], "");
  EXPECT_EQ(column[2], "away");
  EXPECT_EQ(column[3], "q");
  EXPECT_EQ(column[3].data(), base.data() + 10);
  EXPECT_EQ(column[4], "far");
  const TextColumn tail = column.subspan(2, 3);
  ASSERT_EQ(tail.size(), 3u);
  EXPECT_EQ(tail[0], "away");  // an index elsewhere counts from the list's start
  EXPECT_EQ(tail[1], "q");     // and a row's start is the row's own
  EXPECT_EQ(tail[2], "far");

  // Offsets below 2^15 and lengths below 2^16 fit; the rest is listed elsewhere.
  constexpr uint64_t kLastOffset = (uint64_t{1} << 15) - 1, kLastLength = (uint64_t{1} << 16) - 1;
  const auto last = TextColumn::pack(kLastOffset, kLastLength);
  ASSERT_TRUE(last.has_value());
  EXPECT_FALSE(TextColumn::is_elsewhere(*last));
  const std::string long_text(kLastOffset + kLastLength + 1, 'x');
  const uint64_t long_start[] = {1};
  const uint32_t long_cells[] = {*last};
  const TextColumn longest = TextColumn::packed(long_text.data(), long_start, long_cells, 1, {});
  EXPECT_EQ(longest[0].data(), long_text.data() + 1 + kLastOffset);
  EXPECT_EQ(longest[0].size(), kLastLength);
  EXPECT_FALSE(TextColumn::pack(kLastOffset + 1, 0).has_value());
  EXPECT_FALSE(TextColumn::pack(0, kLastLength + 1).has_value());
  EXPECT_TRUE(TextColumn::is_elsewhere(TextColumn::elsewhere_cell(0)));
  const uint32_t last_listed = TextColumn::elsewhere_cell(TextColumn::kMaxElsewhere - 1);
  EXPECT_TRUE(TextColumn::is_elsewhere(last_listed));
  EXPECT_EQ(last_listed, 0xFFFFFFFFu);
}

// A batch of C strings (NULL where a row has no text), as the C API passes
// it, makes the same ledger as the same batch of views. The rows are
// reversed, so each deal's events come newest first and the ledger reads the
// batch out of row order.
TEST(TextColumn, CStringBatchesMatchViewBatches) {
  GeneratorOptions options;
  options.deals = 500;
  const EventTable table = generate_events(options);
  const EventColumns generated = table.columns();
  const size_t n = generated.size;
  std::vector<std::vector<std::string_view>> view_columns;
  std::vector<std::vector<const char*>> string_columns;
  std::deque<std::string> text;
  view_columns.reserve(10);
  string_columns.reserve(10);
  EventColumns views, strings;
  for (TextColumn EventColumns::*member :
       {&EventColumns::event_id, &EventColumns::deal, &EventColumns::process, &EventColumns::stage,
        &EventColumns::owner, &EventColumns::client, &EventColumns::reason, &EventColumns::field,
        &EventColumns::value, &EventColumns::activity}) {
    const TextColumn& column = generated.*member;
    if (column.empty()) continue;
    auto& v = view_columns.emplace_back();
    auto& c = string_columns.emplace_back(n, nullptr);
    for (size_t i = 0; i < n; ++i) {
      v.push_back(column[n - 1 - i]);
      if (!v.back().empty()) c[i] = text.emplace_back(v.back()).c_str();
    }
    views.*member = v;
    strings.*member = TextColumn::c_strings(c.data(), n);
  }
  const std::vector<int64_t> at(generated.at.rbegin(), generated.at.rend());
  const std::vector<int64_t> amount(generated.amount.rbegin(), generated.amount.rend());
  const std::vector<EventKind> kind(generated.kind.rbegin(), generated.kind.rend());
  for (EventColumns* batch : {&views, &strings}) {
    batch->size = n;
    batch->at = at;
    batch->amount = amount;
    batch->kind = kind;
  }
  Ledger by_views, by_strings;
  for (const auto& p : generator_processes()) {
    ASSERT_TRUE(by_views.add_process(p));
    ASSERT_TRUE(by_strings.add_process(p));
  }
  const auto expected = by_views.append(views);
  const auto results = by_strings.append(strings);
  ASSERT_EQ(results.size(), expected.size());
  for (size_t i = 0; i < results.size(); ++i) {
    ASSERT_EQ(results[i].outcome, expected[i].outcome) << i;
    ASSERT_EQ(results[i].status.to_string(), expected[i].status.to_string()) << i;
  }
  // Reversed, a deal's first stage entry precedes its opening at the same
  // instant; the batch opens the deal first, so every event is recorded.
  EXPECT_EQ(by_views.stats().events, table.size());
  EXPECT_EQ(by_strings.stats().events, table.size());
  v1::DealState a, b;
  for (int d = 0; d < 500; d += 7) {
    const std::string key = generated_deal(d);
    ASSERT_TRUE(by_views.find_deal(key, &a));
    ASSERT_TRUE(by_strings.find_deal(key, &b));
    EXPECT_EQ(a.SerializeAsString(), b.SerializeAsString());
  }
}

// One writer appends whole batches while readers watch: a reader never sees
// part of a batch.
TEST(LedgerConcurrency, ReadersSeeWholeBatches) {
  Ledger ledger;
  ASSERT_TRUE(ledger.add_process(
      ProcessBuilder("p", v1::Process::AUTOMATIC).stage("a").stage("b").definition()));
  constexpr int kBatches = 200;
  constexpr int kDealsPerBatch = 10;
  std::atomic<bool> done = false;
  std::atomic<int> torn = 0;
  std::vector<std::thread> readers;
  for (int r = 0; r < 3; ++r) {
    readers.emplace_back([&] {
      v1::DealState state;
      while (!done) {
        const LedgerStats stats = ledger.stats();
        // Each batch opens and moves 10 deals: 20 events.
        if (stats.deals % kDealsPerBatch != 0 || stats.events != stats.deals * 2) ++torn;
        if (stats.deals > 0) {
          const std::string key = "d" + std::to_string(stats.deals - 1);
          if (!ledger.find_deal(key, &state) || state.stage() != "b") ++torn;
        }
      }
    });
  }
  int next_id = 0;
  for (int b = 0; b < kBatches; ++b) {
    std::vector<v1::Event> batch;
    for (int d = 0; d < kDealsPerBatch; ++d) {
      const std::string deal = "d" + std::to_string(b * kDealsPerBatch + d);
      batch.push_back(opened(std::to_string(next_id++), deal, b, "p"));
      batch.push_back(entered(std::to_string(next_id++), deal, b + 1, "b"));
    }
    for (const auto& r : ledger.append(batch)) ASSERT_TRUE(r.status);
  }
  done = true;
  for (auto& t : readers) t.join();
  EXPECT_EQ(torn, 0);
  EXPECT_EQ(ledger.stats().deals, uint64_t{kBatches * kDealsPerBatch});
}

}  // namespace
}  // namespace voronka
