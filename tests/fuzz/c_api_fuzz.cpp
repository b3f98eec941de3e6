// Random sequences of C API calls with random arguments on a store in
// memory: processes, single and columnar appends, deals, every report with
// random options (enum values and struct sizes out of range included),
// report tables read at random coordinates, rendering, and partial states
// that travel as (sometimes damaged) bytes and merge.
//
// Beyond not crashing, every call must keep the API's promises: a status in
// the vrk_status range that the thread's last error repeats, a message on
// failure, NULL handles on failure, and no VRK_INTERNAL.
#include <fuzzer/FuzzedDataProvider.h>

#include <cstdint>
#include <cstdio>
#include <cstring>
#include <deque>
#include <string>
#include <vector>

#include "voronka/voronka.h"

namespace {

#define REQUIRE(cond)                                                          \
  do {                                                                         \
    if (!(cond)) {                                                             \
      std::fprintf(stderr, "%s:%d: %s failed; last error: %s\n", __FILE__,     \
                   __LINE__, #cond, vrk_last_error());                         \
      __builtin_trap();                                                        \
    }                                                                          \
  } while (0)

// Checks a status against the API's promises and passes it on.
int checked(int rc) {
  REQUIRE(rc <= VRK_OK && rc >= VRK_INTERNAL);
  REQUIRE(rc != VRK_INTERNAL);
  REQUIRE(vrk_last_error_code() == rc);
  REQUIRE((rc == VRK_OK) == (vrk_last_error()[0] == '\0'));
  return rc;
}

const char* const kProcesses[] = {
    // Parenthesized: one element written on several lines, not a missing comma.
    (R"({"key": "line", "mode": "AUTOMATIC", "stages": [{"key": "a", "probability": 0.1,)"
     R"( "sla": {"days": 2}}, {"key": "b", "rotting": {"hours": 5}}, {"key": "c",)"
     R"( "required_fields": ["signed"]}], "lost_reasons": ["price"]})"),

    (R"({"key": "free", "mode": "MANUAL", "stages": [{"key": "x", "sla": {"business_days": 1}},)"
     R"( {"key": "b"}, {"key": "y"}], "holidays": ["2025-03-05"]})"),

    (R"({"key": "branch", "mode": "AUTOMATIC", "stages": [{"key": "a"}, {"key": "p"},)"
     R"( {"key": "t"}, {"key": "c"}], "transitions": [{"from": "a", "to": "p"},)"
     R"( {"from": "a", "to": "t"}, {"from": "p", "to": "c"}, {"from": "t", "to": "c"}]})"),

    R"({"key": "line", "mode": "AUTOMATIC", "stages": [{"key": "a"}, {"key": "c"}]})",
};
const char* const kDeals[] = {"D0", "D1", "D2", "D3", "D4", "D5", "D6", "D7"};
const char* const kStages[] = {"a", "b", "c", "p", "t", "x", "y", "", "won"};
const char* const kProcessKeys[] = {"line", "free", "branch", "nope", ""};
const char* const kPeople[] = {"anna", "boris", "", "carla"};
const char* const kReasons[] = {"price", "timing", ""};
const char* const kFields[] = {"signed", "budget", ""};
const char* const kActivities[] = {"call", "meeting", "email", "other", "dance", ""};
const char* const kSpecs[] = {
    "{\"history\": {\"basis\": \"CLOSED\", \"count\": \"ENTERED\"}}",
    "{\"conversion\": {\"breakdown\": {\"by\": \"OWNER\"}}}",
    "{\"snapshot\": {\"filter\": {\"as_of\": \"1741255200000\"}}}",
    "{\"durations\": {\"cumulative\": true}}",
    "{\"obligations\": {\"filter\": {\"as_of\": \"1741255200000\"}}}",
    "{\"losses\": {\"breakdown\": {\"by\": \"MONTH\"}}}",
    "{\"owners\": {}}",
    "{\"forecast\": {\"filter\": {\"as_of\": \"1741255200000\"}}}",
    "{\"whatif\": {\"all_stages\": 2}}",
    "{\"window\": {\"window_ms\": \"86400000\", \"mode\": \"STRICT_ORDER\"}}",
    "{\"history\": {\"filter\": {\"process\": \"line\"}}}",
};

constexpr int64_t kStart = 1740960000000;  // 2025-03-03T00:00:00Z
constexpr int64_t kHour = 3600000;

template <typename T, size_t N>
const T& pick(FuzzedDataProvider& in, const T (&items)[N]) {
  return items[in.ConsumeIntegralInRange<size_t>(0, N - 1)];
}

// Mostly a known key, sometimes NULL or arbitrary text.
template <size_t N>
const char* text(FuzzedDataProvider& in, const char* const (&items)[N],
                 std::deque<std::string>& keep) {
  switch (in.ConsumeIntegralInRange(0, 9)) {
    case 0: return nullptr;
    case 1: return keep.emplace_back(in.ConsumeRandomLengthString(12)).c_str();
    default: return pick(in, items);
  }
}

int64_t time_of(FuzzedDataProvider& in) {
  switch (in.ConsumeIntegralInRange(0, 15)) {
    case 0: return in.ConsumeIntegral<int64_t>();
    default: return kStart + in.ConsumeIntegralInRange<int64_t>(-48, 24 * 14) * kHour;
  }
}

// A struct size: almost always right.
size_t size_of(FuzzedDataProvider& in, size_t size) {
  return in.ConsumeIntegralInRange(0, 30) == 0 ? in.ConsumeIntegralInRange<size_t>(0, 2 * size)
                                               : size;
}

struct State {
  vrk_store* store = nullptr;
  std::vector<vrk_report*> reports;
  std::vector<vrk_partial*> partials;
  std::deque<std::string> strings;  // text the current call's arguments point into (stable)
  int next_id = 0;
};

const char* event_id(FuzzedDataProvider& in, State& s) {
  // Reusing an id makes duplicates and conflicts.
  const int id =
      in.ConsumeBool() && s.next_id > 0 ? in.ConsumeIntegralInRange(0, s.next_id - 1) : s.next_id++;
  return s.strings.emplace_back("e" + std::to_string(id)).c_str();
}

void fill_event(FuzzedDataProvider& in, State& s, vrk_event* e) {
  vrk_event_init(e);
  e->size = size_of(in, sizeof(vrk_event));
  e->event_id = event_id(in, s);
  e->deal = text(in, kDeals, s.strings);
  e->at = time_of(in);
  e->kind = in.ConsumeIntegralInRange(-1, 12);
  e->process = text(in, kProcessKeys, s.strings);
  e->stage = text(in, kStages, s.strings);
  e->amount = in.ConsumeBool() ? VRK_NO_AMOUNT : in.ConsumeIntegralInRange<int64_t>(-10, 5000);
  e->owner = text(in, kPeople, s.strings);
  e->client = text(in, kPeople, s.strings);
  e->reason = text(in, kReasons, s.strings);
  e->field = text(in, kFields, s.strings);
  e->value = text(in, kPeople, s.strings);
  e->activity = text(in, kActivities, s.strings);
}

void append_one(FuzzedDataProvider& in, State& s) {
  vrk_event e;
  fill_event(in, s, &e);
  int outcome = -1;
  const int rc = checked(vrk_store_append(&outcome, s.store, &e));
  REQUIRE(outcome >= VRK_OUTCOME_ACCEPTED && outcome <= VRK_OUTCOME_REJECTED);
  REQUIRE((rc == VRK_OK) == (outcome != VRK_OUTCOME_REJECTED));
}

void append_batch(FuzzedDataProvider& in, State& s) {
  const size_t n = in.ConsumeIntegralInRange<size_t>(0, 24);
  std::vector<vrk_event> events(n);
  for (auto& e : events) fill_event(in, s, &e);
  std::vector<const char*> ids(n), deals(n), processes(n), stages(n), owners(n), clients(n),
      reasons(n), fields(n), values(n), activities(n);
  std::vector<int64_t> at(n), amounts(n);
  std::vector<uint8_t> kinds(n);
  for (size_t i = 0; i < n; ++i) {
    ids[i] = events[i].event_id;
    deals[i] = events[i].deal;
    processes[i] = events[i].process;
    stages[i] = events[i].stage;
    owners[i] = events[i].owner;
    clients[i] = events[i].client;
    reasons[i] = events[i].reason;
    fields[i] = events[i].field;
    values[i] = events[i].value;
    activities[i] = events[i].activity;
    at[i] = events[i].at;
    amounts[i] = events[i].amount;
    kinds[i] = static_cast<uint8_t>(events[i].kind);
  }
  vrk_event_columns c;
  vrk_event_columns_init(&c);
  c.size = size_of(in, sizeof c);
  c.count = n;
  // Each column present or not (NULL), the required ones almost always.
  auto column = [&](auto& v, int absent_one_in) {
    return in.ConsumeIntegralInRange(0, absent_one_in) == 0 ? nullptr : v.data();
  };
  c.event_id = column(ids, 40);
  c.deal = column(deals, 40);
  c.at = column(at, 40);
  c.kind = column(kinds, 40);
  c.process = column(processes, 3);
  c.stage = column(stages, 3);
  c.amount = column(amounts, 3);
  c.owner = column(owners, 3);
  c.client = column(clients, 3);
  c.reason = column(reasons, 3);
  c.field = column(fields, 3);
  c.value = column(values, 3);
  c.activity = column(activities, 3);
  vrk_batch_result* result = nullptr;
  const int rc = checked(vrk_store_append_batch(&result, s.store, &c));
  REQUIRE((rc == VRK_OK) == (result != nullptr));
  if (result == nullptr) return;
  REQUIRE(vrk_batch_result_count(result) == n);
  REQUIRE(vrk_batch_result_accepted(result) + vrk_batch_result_duplicates(result) +
              vrk_batch_result_rejected(result) ==
          n);
  const uint8_t* outcomes = vrk_batch_result_outcomes(result);
  for (size_t i = 0; i <= n; ++i) {
    const int outcome = vrk_batch_result_outcome(result, i);
    const int code = vrk_batch_result_code(result, i);
    const char* message = vrk_batch_result_message(result, i);
    if (i == n) {
      REQUIRE(outcome == VRK_INVALID_ARGUMENT && message == nullptr);
      continue;
    }
    REQUIRE(outcome == outcomes[i]);
    REQUIRE((outcome == VRK_OUTCOME_REJECTED) == (code != VRK_OK));
    REQUIRE(code <= VRK_OK && code > VRK_INTERNAL);
    REQUIRE((code == VRK_OK) == (message[0] == '\0'));
  }
  vrk_batch_result_free(result);
}

void read_deal(FuzzedDataProvider& in, State& s) {
  vrk_deal* deal = nullptr;
  const int rc = checked(vrk_store_get_deal(&deal, s.store, text(in, kDeals, s.strings)));
  REQUIRE((rc == VRK_OK) == (deal != nullptr));
  if (deal == nullptr) return;
  REQUIRE(vrk_deal_status(deal) >= VRK_DEAL_OPEN && vrk_deal_status(deal) <= VRK_DEAL_LOST);
  REQUIRE(vrk_deal_key(deal) && vrk_deal_process(deal) && vrk_deal_stage(deal) &&
          vrk_deal_owner(deal) && vrk_deal_client(deal) && vrk_deal_lost_reason(deal));
  REQUIRE((vrk_deal_closed_at(deal) == VRK_NO_TIME) ==
          (vrk_deal_status(deal) == VRK_DEAL_OPEN || vrk_deal_status(deal) == VRK_DEAL_FROZEN));
  (void)vrk_deal_stage_since(deal);
  (void)vrk_deal_opened_at(deal);
  (void)vrk_deal_amount(deal);
  (void)vrk_deal_events(deal);
  (void)vrk_deal_process_version(deal);
  const size_t fields = vrk_deal_field_count(deal);
  for (size_t i = 0; i <= fields; ++i) {
    const char* key = vrk_deal_field_key(deal, i);
    REQUIRE((key == nullptr) == (i == fields));
    if (key != nullptr)
      REQUIRE(std::strcmp(vrk_deal_field(deal, key), vrk_deal_field_value(deal, i)) == 0);
  }
  (void)vrk_deal_field(deal, text(in, kFields, s.strings));
  vrk_deal_free(deal);
}

void read_processes(FuzzedDataProvider& in, State& s) {
  vrk_process_list* list = nullptr;
  checked(vrk_store_list_processes(&list, s.store));
  const size_t count = vrk_process_list_count(list);
  vrk_process* process = nullptr;
  const size_t index = in.ConsumeIntegralInRange<size_t>(0, count);
  const int rc =
      in.ConsumeBool()
          ? checked(vrk_process_list_get(&process, list, index))
          : checked(vrk_store_get_process(&process, s.store, text(in, kProcessKeys, s.strings)));
  REQUIRE((rc == VRK_OK) == (process != nullptr));
  REQUIRE((vrk_process_list_key(list, index) == nullptr) == (index == count));
  vrk_process_list_free(list);
  if (process == nullptr) return;
  const size_t stages = vrk_process_stage_count(process);
  REQUIRE(stages > 0);
  for (size_t i = 0; i <= stages; ++i) {
    vrk_stage_info info;
    info.size = size_of(in, sizeof info);
    const int stage_rc = checked(vrk_process_stage(&info, process, i));
    if (stage_rc == VRK_OK) {
      REQUIRE(i < stages && info.key != nullptr && info.name != nullptr);
      for (size_t f = 0; f < info.required_field_count; ++f) REQUIRE(info.required_fields[f]);
    }
  }
  REQUIRE(vrk_process_key(process) && vrk_process_name(process));
  REQUIRE(vrk_process_version(process) >= 1);
  REQUIRE(vrk_process_mode(process) == VRK_MODE_AUTOMATIC ||
          vrk_process_mode(process) == VRK_MODE_MANUAL);
  vrk_buf json = {nullptr, 0};
  checked(vrk_process_json(&json, process));
  REQUIRE(json.data != nullptr && std::strlen(json.data) == json.size);
  vrk_buf_free(&json);
  vrk_process_free(process);
}

void fill_filter(FuzzedDataProvider& in, State& s, vrk_filter* f,
                 std::vector<std::vector<const char*>>& arrays) {
  *f = vrk_filter{};
  if (in.ConsumeIntegralInRange(0, 3) == 0) f->process = text(in, kProcessKeys, s.strings);
  auto list = [&](const char* const* pool, size_t pool_size, size_t* count) -> const char* const* {
    *count = in.ConsumeIntegralInRange<size_t>(0, in.ConsumeIntegralInRange(0, 4) == 0 ? 3 : 0);
    auto& items = arrays.emplace_back();
    for (size_t i = 0; i < *count; ++i) {
      items.push_back(in.ConsumeIntegralInRange(0, 20) == 0
                          ? nullptr
                          : pool[in.ConsumeIntegralInRange<size_t>(0, pool_size - 1)]);
    }
    return in.ConsumeIntegralInRange(0, 30) == 0 || items.empty() ? nullptr : items.data();
  };
  f->owners = list(kPeople, std::size(kPeople), &f->owner_count);
  f->clients = list(kPeople, std::size(kPeople), &f->client_count);
  f->field_keys = list(kFields, std::size(kFields), &f->field_count);
  size_t values = 0;
  f->field_values = list(kPeople, std::size(kPeople), &values);
  if (values < f->field_count && f->field_values != nullptr) f->field_count = values;
  f->has_from = in.ConsumeIntegralInRange(0, 3) == 0;
  f->from = time_of(in);
  f->has_to = in.ConsumeIntegralInRange(0, 3) == 0;
  f->to = time_of(in);
  f->has_as_of = in.ConsumeIntegralInRange(0, 3) == 0;
  f->as_of = time_of(in);
}

void fill_breakdown(FuzzedDataProvider& in, State& s, vrk_breakdown* b) {
  b->by = in.ConsumeIntegralInRange(0, 3) == 0 ? in.ConsumeIntegralInRange(-1, 8) : 0;
  b->field = text(in, kFields, s.strings);
}

int small_enum(FuzzedDataProvider& in, int last) { return in.ConsumeIntegralInRange(-1, last + 1); }

void run_report(FuzzedDataProvider& in, State& s) {
  std::vector<std::vector<const char*>> arrays;
  vrk_report* r = nullptr;
  int rc = VRK_OK;
  const bool defaults = in.ConsumeIntegralInRange(0, 5) == 0;
  switch (in.ConsumeIntegralInRange(0, 10)) {
    case 0: {
      vrk_snapshot_options o;
      vrk_snapshot_options_init(&o);
      o.size = size_of(in, sizeof o);
      fill_filter(in, s, &o.filter, arrays);
      fill_breakdown(in, s, &o.breakdown);
      o.rotting_days = in.ConsumeIntegralInRange<uint32_t>(0, 3);
      rc = vrk_store_report_snapshot(&r, s.store, defaults ? nullptr : &o);
      break;
    }
    case 1: {
      vrk_history_options o;
      vrk_history_options_init(&o);
      o.size = size_of(in, sizeof o);
      fill_filter(in, s, &o.filter, arrays);
      fill_breakdown(in, s, &o.breakdown);
      o.basis = small_enum(in, VRK_BASIS_ACTIVITY);
      o.count = small_enum(in, VRK_COUNT_ENTERED);
      rc = vrk_store_report_history(&r, s.store, defaults ? nullptr : &o);
      break;
    }
    case 2: {
      vrk_conversion_options o;
      vrk_conversion_options_init(&o);
      o.size = size_of(in, sizeof o);
      fill_filter(in, s, &o.filter, arrays);
      fill_breakdown(in, s, &o.breakdown);
      o.basis = small_enum(in, VRK_BASIS_ACTIVITY);
      o.count = small_enum(in, VRK_COUNT_ENTERED);
      rc = vrk_store_report_conversion(&r, s.store, defaults ? nullptr : &o);
      break;
    }
    case 3: {
      vrk_durations_options o;
      vrk_durations_options_init(&o);
      o.size = size_of(in, sizeof o);
      fill_filter(in, s, &o.filter, arrays);
      fill_breakdown(in, s, &o.breakdown);
      o.basis = small_enum(in, VRK_BASIS_ACTIVITY);
      o.cumulative = in.ConsumeBool();
      rc = vrk_store_report_durations(&r, s.store, defaults ? nullptr : &o);
      break;
    }
    case 4: {
      vrk_obligations_options o;
      vrk_obligations_options_init(&o);
      o.size = size_of(in, sizeof o);
      fill_filter(in, s, &o.filter, arrays);
      rc = vrk_store_report_obligations(&r, s.store, defaults ? nullptr : &o);
      break;
    }
    case 5: {
      vrk_losses_options o;
      vrk_losses_options_init(&o);
      o.size = size_of(in, sizeof o);
      fill_filter(in, s, &o.filter, arrays);
      fill_breakdown(in, s, &o.breakdown);
      rc = vrk_store_report_losses(&r, s.store, defaults ? nullptr : &o);
      break;
    }
    case 6: {
      vrk_owners_options o;
      vrk_owners_options_init(&o);
      o.size = size_of(in, sizeof o);
      fill_filter(in, s, &o.filter, arrays);
      rc = vrk_store_report_owners(&r, s.store, defaults ? nullptr : &o);
      break;
    }
    case 7: {
      vrk_forecast_options o;
      vrk_forecast_options_init(&o);
      o.size = size_of(in, sizeof o);
      fill_filter(in, s, &o.filter, arrays);
      fill_breakdown(in, s, &o.breakdown);
      o.lookback_days = in.ConsumeIntegralInRange<uint32_t>(0, 400);
      rc = vrk_store_report_forecast(&r, s.store, defaults ? nullptr : &o);
      break;
    }
    case 8: {
      vrk_whatif_options o;
      vrk_whatif_options_init(&o);
      o.size = size_of(in, sizeof o);
      fill_filter(in, s, &o.filter, arrays);
      o.inflow = in.ConsumeFloatingPointInRange(-0.5, 3.0);
      o.all_stages = in.ConsumeFloatingPointInRange(-0.5, 3.0);
      o.sensitivity_step = in.ConsumeFloatingPointInRange(-0.1, 1.0);
      static double multipliers[] = {0.5, 1.0, 2.0};
      auto& stages = arrays.emplace_back();
      o.stage_count = in.ConsumeIntegralInRange<size_t>(0, 3);
      for (size_t i = 0; i < o.stage_count; ++i) stages.push_back(text(in, kStages, s.strings));
      o.stages = in.ConsumeIntegralInRange(0, 20) == 0 ? nullptr : stages.data();
      o.multipliers = in.ConsumeIntegralInRange(0, 20) == 0 ? nullptr : multipliers;
      rc = vrk_store_report_whatif(&r, s.store, defaults ? nullptr : &o);
      break;
    }
    case 9: {
      vrk_window_options o;
      vrk_window_options_init(&o);
      o.size = size_of(in, sizeof o);
      fill_filter(in, s, &o.filter, arrays);
      fill_breakdown(in, s, &o.breakdown);
      o.window_ms = in.ConsumeIntegralInRange<int64_t>(-1, 100) * kHour;
      o.mode = small_enum(in, VRK_WINDOW_STRICT_INCREASE);
      rc = vrk_store_report_window(&r, s.store, defaults ? nullptr : &o);
      break;
    }
    default: {
      const char* spec = in.ConsumeBool()
                             ? pick(in, kSpecs)
                             : s.strings.emplace_back(in.ConsumeRandomLengthString(64)).c_str();
      rc = vrk_store_report_json(&r, s.store, spec);
      break;
    }
  }
  checked(rc);
  REQUIRE((rc == VRK_OK) == (r != nullptr));
  if (r != nullptr) s.reports.push_back(r);
}

void read_report(FuzzedDataProvider& in, State& s) {
  if (s.reports.empty()) return;
  const vrk_report* r = s.reports[in.ConsumeIntegralInRange<size_t>(0, s.reports.size() - 1)];
  REQUIRE(vrk_report_name(r) != nullptr && vrk_report_title(r) != nullptr);
  const size_t tables = vrk_report_table_count(r);
  REQUIRE(tables >= 1);
  for (int probe = 0; probe < 8; ++probe) {
    const size_t t = in.ConsumeIntegralInRange<size_t>(0, tables);
    const size_t columns = vrk_report_column_count(r, t);
    const size_t rows = vrk_report_row_count(r, t);
    const size_t row = in.ConsumeIntegralInRange<size_t>(0, rows);
    const size_t column = in.ConsumeIntegralInRange<size_t>(0, columns);
    const int type = vrk_report_value_type(r, t, row, column);
    const bool inside = t < tables && row < rows && column < columns;
    REQUIRE(inside == (type != VRK_INVALID_ARGUMENT));
    REQUIRE((vrk_report_text(r, t, row, column) != nullptr) == (type == VRK_VALUE_TEXT));
    (void)vrk_report_int64(r, t, row, column);
    (void)vrk_report_double(r, t, row, column);
    if (t < tables) {
      const char* name = vrk_report_table_name(r, t);
      size_t found = 0;
      REQUIRE(checked(vrk_report_find_table(&found, r, name)) == VRK_OK && found == t);
      if (column < columns) {
        REQUIRE(vrk_report_column_kind(r, t, column) >= VRK_COLUMN_TEXT);
        // Column names are unique within a table.
        REQUIRE(checked(vrk_report_find_column(&found, r, t,
                                               vrk_report_column_name(r, t, column))) == VRK_OK &&
                found == column);
      }
    }
  }
  size_t index = 0;
  checked(vrk_report_find_table(&index, r, text(in, kStages, s.strings)));
  vrk_buf buf = {nullptr, 0};
  switch (in.ConsumeIntegralInRange(0, 2)) {
    case 0: checked(vrk_report_protobuf(&buf, r)); break;
    case 1: checked(vrk_report_json(&buf, r)); break;
    default: {
      const char* table =
          in.ConsumeBool() ? nullptr
                           : vrk_report_table_name(r, in.ConsumeIntegralInRange<size_t>(0, tables));
      if (in.ConsumeIntegralInRange(0, 10) == 0) table = "nope";
      checked(vrk_report_render(&buf, r, in.ConsumeIntegralInRange(-1, 4), table));
    }
  }
  vrk_buf_free(&buf);
}

void partials(FuzzedDataProvider& in, State& s) {
  switch (in.ConsumeIntegralInRange(0, 3)) {
    case 0: {
      vrk_partial* p = nullptr;
      const int rc = checked(vrk_store_compute_partial(&p, s.store, pick(in, kSpecs)));
      REQUIRE((rc == VRK_OK) == (p != nullptr));
      if (p != nullptr) s.partials.push_back(p);
      break;
    }
    case 1: {  // through bytes, perhaps damaged on the way
      if (s.partials.empty()) return;
      vrk_buf bytes = {nullptr, 0};
      checked(vrk_partial_serialize(
          &bytes, s.partials[in.ConsumeIntegralInRange<size_t>(0, s.partials.size() - 1)]));
      std::string data(bytes.data, bytes.size);
      vrk_buf_free(&bytes);
      if (!data.empty() && in.ConsumeBool()) {
        data[in.ConsumeIntegralInRange<size_t>(0, data.size() - 1)] ^= in.ConsumeIntegral<char>();
      }
      vrk_partial* p = nullptr;
      const int rc = checked(vrk_partial_deserialize(&p, data.data(), data.size()));
      REQUIRE((rc == VRK_OK) == (p != nullptr));
      if (p != nullptr) s.partials.push_back(p);
      break;
    }
    case 2: {
      std::vector<const vrk_partial*> parts;
      const size_t n = in.ConsumeIntegralInRange<size_t>(0, 3);
      for (size_t i = 0; i < n && !s.partials.empty(); ++i) {
        parts.push_back(s.partials[in.ConsumeIntegralInRange<size_t>(0, s.partials.size() - 1)]);
      }
      vrk_partial* merged = nullptr;
      const int rc = checked(vrk_partial_merge(&merged, parts.data(), parts.size()));
      REQUIRE((rc == VRK_OK) == (merged != nullptr));
      if (merged != nullptr) s.partials.push_back(merged);
      break;
    }
    default: {
      if (s.partials.empty()) return;
      vrk_report* r = nullptr;
      const int rc = checked(vrk_partial_finish(
          &r, s.partials[in.ConsumeIntegralInRange<size_t>(0, s.partials.size() - 1)]));
      REQUIRE((rc == VRK_OK) == (r != nullptr));
      if (r != nullptr) s.reports.push_back(r);
    }
  }
}

void odds_and_ends(FuzzedDataProvider& in, State& s) {
  switch (in.ConsumeIntegralInRange(0, 4)) {
    case 0: {
      int64_t t = 0;
      const std::string& text = s.strings.emplace_back(in.ConsumeRandomLengthString(32));
      checked(vrk_time_parse(&t, text.c_str()));
      vrk_buf buf = {nullptr, 0};
      if (checked(vrk_time_format(&buf, in.ConsumeBool() ? t : in.ConsumeIntegral<int64_t>())) ==
          VRK_OK) {
        REQUIRE(buf.size == std::strlen(buf.data));
      }
      vrk_buf_free(&buf);
      break;
    }
    case 1: {
      vrk_store_stats stats;
      stats.size = size_of(in, sizeof stats);
      checked(vrk_store_get_stats(&stats, s.store));
      vrk_open_info info;
      info.size = size_of(in, sizeof info);
      if (checked(vrk_store_open_info(&info, s.store)) == VRK_OK) REQUIRE(info.warning != nullptr);
      break;
    }
    case 2: {
      int changed = -1;
      REQUIRE(checked(vrk_store_refresh(s.store, &changed)) == VRK_OK && changed == 0);
      REQUIRE(checked(vrk_store_sync(s.store)) == VRK_OK);
      REQUIRE(checked(vrk_store_checkpoint(s.store)) == VRK_OK);
      break;
    }
    case 3: {
      uint32_t version = 0;
      int created = 0;
      const char* json = in.ConsumeBool()
                             ? pick(in, kProcesses)
                             : s.strings.emplace_back(in.ConsumeRandomLengthString(128)).c_str();
      checked(vrk_store_add_process(&version, &created, s.store, json));
      break;
    }
    default:
      if (!s.reports.empty() && in.ConsumeBool()) {
        vrk_report_free(s.reports.back());
        s.reports.pop_back();
      }
      if (!s.partials.empty() && in.ConsumeBool()) {
        vrk_partial_free(s.partials.back());
        s.partials.pop_back();
      }
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  FuzzedDataProvider in(data, size);
  State s;
  REQUIRE(checked(vrk_store_open_memory(&s.store)) == VRK_OK);
  // Most inputs start from known processes, so events have something to hit.
  const int preset = in.ConsumeIntegralInRange(0, 3);
  for (int i = 0; i < preset; ++i) {
    REQUIRE(checked(vrk_store_add_process(nullptr, nullptr, s.store, kProcesses[i])) == VRK_OK);
  }
  for (int step = 0; step < 48 && in.remaining_bytes() > 0; ++step) {
    s.strings.clear();
    switch (in.ConsumeIntegralInRange(0, 9)) {
      case 0:
      case 1: append_one(in, s); break;
      case 2:
      case 3: append_batch(in, s); break;
      case 4: read_deal(in, s); break;
      case 5: read_processes(in, s); break;
      case 6: run_report(in, s); break;
      case 7: read_report(in, s); break;
      case 8: partials(in, s); break;
      default: odds_and_ends(in, s); break;
    }
  }
  for (vrk_report* r : s.reports) vrk_report_free(r);
  for (vrk_partial* p : s.partials) vrk_partial_free(p);
  vrk_store_close(s.store);
  return 0;
}
