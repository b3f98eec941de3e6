#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <google/protobuf/util/message_differencer.h>

#include <fstream>
#include <sstream>

#include "voronka/catalog.hpp"
#include "voronka/generator.hpp"
#include "voronka/process.hpp"
#include "voronka/time.hpp"

namespace voronka {
namespace {

using ::testing::HasSubstr;

// The process JSON from the foundation issue, verbatim.
constexpr const char* kIssueJson = R"({
  "key": "typical_sale",
  "name": "Typical sale",
  "mode": "AUTOMATIC",
  "require_primary_demand": true,
  "stages": [
    {"key": "evaluation", "name": "Client evaluation", "probability": 0.1, "sla": {"days": 5}, "required_fields": ["primary_demand"]},
    {"key": "preparation", "name": "Meeting preparation", "probability": 0.2, "sla": {"business_days": 3}},
    {"key": "presentation", "name": "Presentation", "probability": 0.35}
  ],
  "transitions": [{"from": "evaluation", "to": "preparation"}, {"from": "preparation", "to": "presentation"}],
  "lost_reasons": ["price", "competitor", "no_budget", "no_response", "timing"]
})";

std::string read_file(const std::string& path) {
  std::ifstream in(path);
  std::stringstream text;
  text << in.rdbuf();
  return text.str();
}

// Compiles a JSON definition, expecting failure; returns the message.
std::string compile_error(const std::string& json) {
  v1::Process definition;
  const Status parsed = parse_process_json(json, &definition);
  if (!parsed) return parsed.message();
  std::shared_ptr<const Process> process;
  const Status s = Process::compile(definition, &process);
  EXPECT_EQ(s.code(), Code::kInvalidProcess) << json;
  EXPECT_EQ(process, nullptr);
  return s.message();
}

std::shared_ptr<const Process> compile_json(const std::string& json) {
  v1::Process definition;
  EXPECT_TRUE(parse_process_json(json, &definition)) << json;
  std::shared_ptr<const Process> process;
  const Status s = Process::compile(definition, &process);
  EXPECT_TRUE(s) << s.to_string();
  return process;
}

// A process from a compact stage list and transitions "a>b".
std::string process_json(const std::string& stages, const std::string& transitions = "",
                         const std::string& extra = "") {
  std::string json = R"({"key": "p", "mode": "AUTOMATIC", "stages": [)";
  std::string sep;
  std::stringstream keys(stages);
  for (std::string key; keys >> key;) {
    json += sep + R"({"key": ")" + key + R"("})";
    sep = ",";
  }
  json += "]";
  if (!transitions.empty()) {
    json += R"(, "transitions": [)";
    sep.clear();
    std::stringstream edges(transitions);
    for (std::string edge; edges >> edge;) {
      const auto arrow = edge.find('>');
      json += sep + R"({"from": ")" + edge.substr(0, arrow) + R"(", "to": ")" +
              edge.substr(arrow + 1) + R"("})";
      sep = ",";
    }
    json += "]";
  }
  return json + extra + "}";
}

std::vector<std::string> keys_in(const Process& process, StageMask mask) {
  std::vector<std::string> keys;
  for (int stage : process.funnel_order()) {
    if ((mask >> stage) & 1) keys.push_back(process.stage_key(stage));
  }
  return keys;
}

TEST(ProcessJson, TheIssueFormLoadsExactly) {
  v1::Process d;
  ASSERT_TRUE(parse_process_json(kIssueJson, &d));
  EXPECT_EQ(d.key(), "typical_sale");
  EXPECT_EQ(d.name(), "Typical sale");
  EXPECT_EQ(d.mode(), v1::Process::AUTOMATIC);
  EXPECT_TRUE(d.require_primary_demand());
  ASSERT_EQ(d.stages_size(), 3);
  EXPECT_EQ(d.stages(0).key(), "evaluation");
  EXPECT_EQ(d.stages(0).name(), "Client evaluation");
  EXPECT_DOUBLE_EQ(d.stages(0).probability(), 0.1);
  EXPECT_EQ(d.stages(0).sla().days(), 5u);
  ASSERT_EQ(d.stages(0).required_fields_size(), 1);
  EXPECT_EQ(d.stages(0).required_fields(0), "primary_demand");
  EXPECT_EQ(d.stages(1).sla().business_days(), 3u);
  EXPECT_DOUBLE_EQ(d.stages(2).probability(), 0.35);
  EXPECT_FALSE(d.stages(2).has_sla());
  ASSERT_EQ(d.transitions_size(), 2);
  EXPECT_EQ(d.transitions(1).from(), "preparation");
  EXPECT_EQ(d.transitions(1).to(), "presentation");
  EXPECT_EQ(d.lost_reasons_size(), 5);
  EXPECT_EQ(d.lost_reasons(4), "timing");

  std::shared_ptr<const Process> p;
  ASSERT_TRUE(Process::compile(d, &p));
  EXPECT_TRUE(p->automatic());
  EXPECT_EQ(p->entry_stage(), 0);
  EXPECT_EQ(std::vector<int>(p->funnel_order().begin(), p->funnel_order().end()),
            (std::vector<int>{0, 1, 2}));
  // Primary demand is already listed: it is required once.
  EXPECT_EQ(p->required_fields(0), std::vector<std::string>{"primary_demand"});
  EXPECT_TRUE(p->leads_to_won(2));
  EXPECT_FALSE(p->leads_to_won(1));
  EXPECT_TRUE(p->accepts_reason("price"));
  EXPECT_FALSE(p->accepts_reason("weather"));
}

TEST(ProcessJson, SyntaxAndSchemaErrorsCarryTheFieldPath) {
  v1::Process d;
  Status s = parse_process_json(R"({"key": "p", "stages": [{"key": "a", "probability": "high"}]})", &d);
  EXPECT_EQ(s.code(), Code::kInvalidProcess);
  EXPECT_THAT(s.message(), HasSubstr("stages[0].probability"));

  s = parse_process_json(R"({"key": "p", "mode": "AUTOMATIK"})", &d);
  EXPECT_THAT(s.message(), HasSubstr("mode"));

  s = parse_process_json(R"({"key": "p", "stages": [{"key": "a", "sla": {"weeks": 1}}]})", &d);
  EXPECT_THAT(s.message(), HasSubstr("stages[0].sla"));
  EXPECT_THAT(s.message(), HasSubstr("weeks"));

  s = parse_process_json(R"({"key": "p", )", &d);
  EXPECT_EQ(s.code(), Code::kInvalidProcess);
}

TEST(ProcessValidation, DuplicateKeys) {
  EXPECT_THAT(compile_error(process_json("a b a")),
              HasSubstr("stage 'a': duplicate key (stages[0] and stages[2])"));
}

TEST(ProcessValidation, UnknownStageInTransition) {
  const std::string message = compile_error(process_json("a b", "a>b b>c x>b"));
  EXPECT_THAT(message, HasSubstr("transitions[1]: unknown stage 'c' in 'to'"));
  EXPECT_THAT(message, HasSubstr("transitions[2]: unknown stage 'x' in 'from'"));
}

TEST(ProcessValidation, NoEntryStage) {
  EXPECT_THAT(compile_error(process_json("a b", "a>b b>a b>won")),
              HasSubstr("no entry stage"));
}

TEST(ProcessValidation, SeveralEntryStages) {
  EXPECT_THAT(compile_error(process_json("a b c", "a>c b>c")),
              HasSubstr("several entry stages (a, b)"));
}

TEST(ProcessValidation, StageUnreachableFromTheEntry) {
  // b and c form a loop that nothing enters from a.
  const std::string message = compile_error(process_json("a b c", "a>won b>c c>b c>won"));
  EXPECT_THAT(message, HasSubstr("stage 'b': unreachable from the entry stage 'a'"));
  EXPECT_THAT(message, HasSubstr("stage 'c': unreachable from the entry stage 'a'"));
}

TEST(ProcessValidation, WonUnreachable) {
  // Once a transition names "won", stages without one lead nowhere.
  EXPECT_THAT(compile_error(process_json("a b c", "a>b a>c c>won")),
              HasSubstr("stage 'b': 'won' is unreachable from it"));
}

TEST(ProcessValidation, CycleInTheDeclaredGraph) {
  EXPECT_THAT(compile_error(process_json("a b c d", "a>b b>c c>b c>d")),
              HasSubstr("cycle in the declared graph through stages b, c"));
  EXPECT_THAT(compile_error(process_json("a b", "a>b b>b")),
              HasSubstr("cycle in the declared graph through stages b"));
}

TEST(ProcessValidation, ProbabilityOutsideTheUnitInterval) {
  EXPECT_THAT(
      compile_error(R"({"key": "p", "mode": "MANUAL", "stages": [{"key": "a", "probability": 1.5}]})"),
      HasSubstr("stage 'a': probability 1.5 is outside [0, 1]"));
  EXPECT_THAT(
      compile_error(R"({"key": "p", "mode": "MANUAL", "stages": [{"key": "a", "probability": -0.1}]})"),
      HasSubstr("stage 'a': probability -0.1 is outside [0, 1]"));
}

TEST(ProcessValidation, MoreStagesThanTheLimit) {
  std::string stages;
  for (int i = 0; i <= kMaxStages; ++i) stages += " s" + std::to_string(i);
  EXPECT_THAT(compile_error(process_json(stages)), HasSubstr("65 stages, more than the limit of 64"));
  // The limit itself is fine.
  stages = stages.substr(0, stages.rfind(' '));
  EXPECT_NE(compile_json(process_json(stages)), nullptr);
}

TEST(ProcessValidation, KeysModeLimitsReasonsAndHolidays) {
  EXPECT_THAT(compile_error(R"({"mode": "MANUAL", "stages": [{"key": "a"}]})"),
              HasSubstr("key is empty"));
  EXPECT_THAT(compile_error(R"({"key": "p", "stages": [{"key": "a"}]})"),
              HasSubstr("mode must be AUTOMATIC or MANUAL"));
  EXPECT_THAT(compile_error(R"({"key": "p", "mode": "MANUAL"})"), HasSubstr("there are no stages"));
  EXPECT_THAT(compile_error(process_json("a won")), HasSubstr("stage 'won': the key is reserved"));
  EXPECT_THAT(compile_error(R"({"key": "p", "mode": "MANUAL", "stages": [{"name": "x"}]})"),
              HasSubstr("stages[0]: key is empty"));
  EXPECT_THAT(compile_error(R"({"key": "p", "mode": "MANUAL", "stages": [{"key": "a", "sla": {"days": 0}}]})"),
              HasSubstr("stage 'a': sla of 0 days is outside 1..3660"));
  EXPECT_THAT(compile_error(R"({"key": "p", "mode": "MANUAL", "stages": [{"key": "a", "rotting": {"hours": 100000}}]})"),
              HasSubstr("stage 'a': rotting of 100000 hours"));
  EXPECT_THAT(compile_error(process_json("a", "", R"(, "lost_reasons": ["price", ""])")),
              HasSubstr("lost_reasons[1]: empty"));
  EXPECT_THAT(compile_error(process_json("a", "", R"(, "holidays": ["2025-01-01", "2025-02-30"])")),
              HasSubstr("holidays[1]: '2025-02-30' is not a date"));
}

TEST(ProcessValidation, ReportsEveryViolationAtOnce) {
  const std::string message = compile_error(
      R"({"key": "p", "mode": "MANUAL", "stages": [{"key": "a", "probability": 2}, {"key": "a"}],
          "transitions": [{"from": "a", "to": "zz"}]})");
  EXPECT_THAT(message, HasSubstr("process 'p' is invalid: "));
  EXPECT_THAT(message, HasSubstr("probability 2 is outside"));
  EXPECT_THAT(message, HasSubstr("duplicate key"));
  EXPECT_THAT(message, HasSubstr("unknown stage 'zz'"));
}

TEST(ProcessGraph, FunnelOrderIsTopologicalWithDeclarationTieBreak) {
  // Declared out of order: d, then the branches c and b, then a.
  const auto p = compile_json(process_json("d c b a", "a>b a>c b>d c>d"));
  std::vector<std::string> order;
  for (int stage : p->funnel_order()) order.push_back(p->stage_key(stage));
  EXPECT_EQ(order, (std::vector<std::string>{"a", "c", "b", "d"}));
  EXPECT_EQ(p->entry_stage(), 3);
}

TEST(ProcessGraph, DominatorsOfABranch) {
  // a -> (b | c) -> d -> won: b and c are alternatives; a and d are on every path.
  const auto p = compile_json(process_json("a b c d", "a>b a>c b>d c>d"));
  EXPECT_EQ(keys_in(*p, p->dominators(3)), (std::vector<std::string>{"a", "d"}));
  EXPECT_EQ(keys_in(*p, p->dominators(1)), (std::vector<std::string>{"a", "b"}));
  EXPECT_EQ(keys_in(*p, p->won_dominators()), (std::vector<std::string>{"a", "d"}));
  // Entering b only: reached a and b. Winning after c: a, c, d.
  EXPECT_EQ(keys_in(*p, p->reached(0b0010, false)), (std::vector<std::string>{"a", "b"}));
  EXPECT_EQ(keys_in(*p, p->reached(0b0100, true)), (std::vector<std::string>{"a", "c", "d"}));
  EXPECT_EQ(keys_in(*p, p->successors(0)), (std::vector<std::string>{"b", "c"}));
}

TEST(ProcessGraph, LineDominatorsMakeSkippedStagesPassed) {
  const auto p = compile_json(process_json("a b c d"));
  // A deal that jumped from a to d passed b and c.
  EXPECT_EQ(keys_in(*p, p->reached(0b1001, false)),
            (std::vector<std::string>{"a", "b", "c", "d"}));
  EXPECT_EQ(keys_in(*p, p->won_dominators()), (std::vector<std::string>{"a", "b", "c", "d"}));
}

TEST(ProcessLimits, CalendarHoursAndBusinessDays) {
  const auto p = compile_json(R"({"key": "p", "mode": "MANUAL", "holidays": ["2025-03-10"],
      "stages": [{"key": "a", "sla": {"days": 5}}, {"key": "b", "sla": {"hours": 36}},
                 {"key": "c", "sla": {"business_days": 3}, "rotting": {"days": 2}}, {"key": "d"}]})");
  const int64_t friday = *parse_time("2025-03-07T15:00:00Z");
  EXPECT_EQ(p->due_at(0, friday), parse_time("2025-03-12T15:00:00Z"));
  EXPECT_EQ(p->due_at(1, friday), parse_time("2025-03-09T03:00:00Z"));
  // Friday + 3 business days: Mon 10th is a holiday, so Tue, Wed, Thu.
  EXPECT_EQ(p->due_at(2, friday), parse_time("2025-03-13T15:00:00Z"));
  // Entered on Saturday: the clock starts Tuesday 00:00 (Monday is a holiday).
  EXPECT_EQ(p->due_at(2, *parse_time("2025-03-08T11:00:00Z")), parse_time("2025-03-14T00:00:00Z"));
  EXPECT_EQ(p->rotting_at(2, friday), parse_time("2025-03-09T15:00:00Z"));
  EXPECT_FALSE(p->due_at(3, friday).has_value());
  EXPECT_FALSE(p->rotting_at(0, friday).has_value());
}

TEST(ProcessBuilderTest, BuildsTheSameDefinitionAsJson) {
  std::shared_ptr<const Process> built;
  ASSERT_TRUE(ProcessBuilder("typical_sale", v1::Process::AUTOMATIC)
                  .name("Typical sale")
                  .require_primary_demand()
                  .stage("evaluation", "Client evaluation")
                  .probability(0.1)
                  .sla_days(5)
                  .required_field("primary_demand")
                  .stage("preparation", "Meeting preparation")
                  .probability(0.2)
                  .sla_business_days(3)
                  .stage("presentation", "Presentation")
                  .probability(0.35)
                  .transition("evaluation", "preparation")
                  .transition("preparation", "presentation")
                  .lost_reasons({"price", "competitor", "no_budget", "no_response", "timing"})
                  .build(&built));
  v1::Process from_json;
  ASSERT_TRUE(parse_process_json(kIssueJson, &from_json));
  EXPECT_TRUE(google::protobuf::util::MessageDifferencer::Equals(built->definition(), from_json));
}

TEST(ProcessCatalogTest, ChangedDefinitionsMakeNewVersions) {
  ProcessCatalog catalog;
  v1::Process d;
  ASSERT_TRUE(parse_process_json(process_json("a b"), &d));
  uint16_t id = 99;
  bool created = false;
  ASSERT_TRUE(catalog.add(d, &id, &created));
  EXPECT_TRUE(created);
  EXPECT_EQ(id, 0);
  EXPECT_EQ(catalog.version(0).version(), 1u);

  ASSERT_TRUE(catalog.add(d, &id, &created));  // the same again
  EXPECT_FALSE(created);
  EXPECT_EQ(id, 0);

  d.mutable_stages(1)->set_probability(0.5);
  ASSERT_TRUE(catalog.add(d, &id, &created));
  EXPECT_TRUE(created);
  EXPECT_EQ(id, 1);
  EXPECT_EQ(catalog.version(1).version(), 2u);
  EXPECT_EQ(catalog.find("p"), 1);
  EXPECT_EQ(catalog.versions_of("p").size(), 2u);
  EXPECT_EQ(catalog.find("q"), -1);
  EXPECT_TRUE(catalog.versions_of("q").empty());

  d.mutable_stages(1)->set_probability(7);  // invalid: no version is made
  EXPECT_EQ(catalog.add(d).code(), Code::kInvalidProcess);
  EXPECT_EQ(catalog.version_count(), 2u);
}

TEST(ExampleProcesses, AllCompileAndTheTypicalSaleIsTheGenerators) {
  for (const char* name : {"typical_sale", "manual_sale", "window_sales"}) {
    const auto p = compile_json(read_file(std::string(VORONKA_SOURCE_DIR) + "/examples/processes/" +
                                          name + ".json"));
    ASSERT_NE(p, nullptr) << name;
  }
  v1::Process typical;
  ASSERT_TRUE(parse_process_json(
      read_file(std::string(VORONKA_SOURCE_DIR) + "/examples/processes/typical_sale.json"), &typical));
  EXPECT_TRUE(google::protobuf::util::MessageDifferencer::Equivalent(
      typical, generator_processes()[0]));
  // The quick sale branches: presentation is reachable without preparation.
  const auto quick = compile_json(
      read_file(std::string(VORONKA_SOURCE_DIR) + "/examples/processes/manual_sale.json"));
  EXPECT_EQ(keys_in(*quick, quick->dominators(quick->find_stage("presentation"))),
            (std::vector<std::string>{"evaluation", "presentation"}));
}

}  // namespace
}  // namespace voronka
