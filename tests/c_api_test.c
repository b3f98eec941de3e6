/* The C API from C: every function, every error path, exact values.
 *
 * Written in C99 against voronka/voronka.h alone, in the manner of
 * LevelDB's c_test.c: phases run in order over one small pipeline whose
 * every figure is worked out by hand below, and the first failed check
 * aborts with its line.
 *
 * The pipeline: process "line", automatic, stages a -> b -> c (c requires
 * the field "signed"), probabilities 0.1, 0.5, 0.8, an SLA of 2 days at a.
 * Four deals, March 2025 (UTC):
 *
 *   D1  anna  acme     1,000  opened 03-03 10:00, b 03-04 10:00,
 *                             c 03-05 10:00, signed 03-05 11:00, won 03-06 10:00
 *   D2  boris globex   2,000  opened 03-03 12:00, b 03-05 12:00,
 *                             lost (price) 03-06 12:00
 *   D3  anna  acme     3,000  opened 03-04 09:00, a call 03-06 09:00; open at a
 *   D4  boris initech    500  opened 03-04 10:00, frozen 03-05 10:00
 *
 * The latest event is D2's loss, 03-06 12:00.
 */
#define _XOPEN_SOURCE 700 /* mkdtemp, rmdir */

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "voronka/voronka.h"

static const char* phase = "";

static void StartPhase(const char* name) {
  fprintf(stderr, "=== Test %s\n", name);
  phase = name;
}

#define CheckCondition(cond)                                                        \
  do {                                                                              \
    if (!(cond)) {                                                                  \
      fprintf(stderr, "%s:%d: %s: %s\n  last error: %s: %s\n", __FILE__, __LINE__, \
              phase, #cond, vrk_status_string(vrk_last_error_code()),               \
              vrk_last_error());                                                    \
      abort();                                                                      \
    }                                                                               \
  } while (0)

/* A call's result and, for errors, that the thread's last error agrees. */
#define CheckStatus(call, expected)                                                 \
  do {                                                                              \
    int rc_ = (call);                                                               \
    if (rc_ != (expected)) {                                                        \
      fprintf(stderr, "%s:%d: %s: %s returned %d (%s), expected %d (%s)\n  %s\n",   \
              __FILE__, __LINE__, phase, #call, rc_, vrk_status_string(rc_),        \
              (int)(expected), vrk_status_string(expected), vrk_last_error());      \
      abort();                                                                      \
    }                                                                               \
    CheckCondition(vrk_last_error_code() == (expected));                            \
    CheckCondition(((expected) == VRK_OK) == (vrk_last_error()[0] == '\0'));        \
  } while (0)

#define CheckOk(call) CheckStatus(call, VRK_OK)

static void CheckEqual(const char* expected, const char* actual, int line) {
  if ((expected == NULL) != (actual == NULL) ||
      (expected != NULL && strcmp(expected, actual) != 0)) {
    fprintf(stderr, "%s:%d: %s: expected '%s', got '%s'\n", __FILE__, line, phase,
            expected ? expected : "(null)", actual ? actual : "(null)");
    abort();
  }
}
#define CheckText(expected, actual) CheckEqual(expected, actual, __LINE__)

static void CheckHas(const char* text, const char* part, int line) {
  if (text == NULL || strstr(text, part) == NULL) {
    fprintf(stderr, "%s:%d: %s: '%s' does not contain '%s'\n", __FILE__, line, phase,
            text ? text : "(null)", part);
    abort();
  }
}
#define CheckContains(text, part) CheckHas(text, part, __LINE__)
#define CheckLastError(part) CheckHas(vrk_last_error(), part, __LINE__)

#define HOUR INT64_C(3600000)
#define DAY INT64_C(86400000)

/* 2025-03-03T00:00:00Z. */
#define MARCH_3 INT64_C(1740960000000)

static int64_t At(int day, int hour) { return MARCH_3 + (day - 3) * DAY + hour * HOUR; }

static const char kLineProcess[] =
    "{\"key\": \"line\", \"name\": \"A line\", \"mode\": \"AUTOMATIC\","
    " \"stages\": ["
    "  {\"key\": \"a\", \"name\": \"Stage A\", \"probability\": 0.1, \"sla\": {\"days\": 2}},"
    "  {\"key\": \"b\", \"probability\": 0.5, \"rotting\": {\"hours\": 12},"
    "   \"owner_role\": \"manager\"},"
    "  {\"key\": \"c\", \"probability\": 0.8, \"sla\": {\"business_days\": 3},"
    "   \"required_fields\": [\"signed\"]}],"
    " \"lost_reasons\": [\"price\", \"timing\"]}";

static const char kFreeProcess[] =
    "{\"key\": \"free\", \"mode\": \"MANUAL\", \"stages\": [{\"key\": \"x\"}, {\"key\": \"y\"}]}";

static char dir[256];
static char store_path[300];

static void Path(char* out, const char* name) { sprintf(out, "%s/%s", dir, name); }

static void RemoveStoreFiles(const char* path) {
  static const char* suffixes[] = {"", ".lock", ".checkpoint", ".checkpoint.tmp", ".new"};
  size_t i;
  char file[400];
  for (i = 0; i < sizeof suffixes / sizeof suffixes[0]; ++i) {
    sprintf(file, "%s%s", path, suffixes[i]);
    remove(file);
  }
}

static long FileSize(const char* path) {
  long size;
  FILE* f = fopen(path, "rb");
  CheckCondition(f != NULL);
  CheckCondition(fseek(f, 0, SEEK_END) == 0);
  size = ftell(f);
  fclose(f);
  return size;
}

static char* ReadFile(const char* path) {
  long size = FileSize(path);
  char* text = malloc((size_t)size + 1);
  FILE* f = fopen(path, "rb");
  CheckCondition(f != NULL && text != NULL);
  CheckCondition(fread(text, 1, (size_t)size, f) == (size_t)size);
  text[size] = '\0';
  fclose(f);
  return text;
}

static void WriteFile(const char* path, const char* text) {
  FILE* f = fopen(path, "wb");
  CheckCondition(f != NULL);
  CheckCondition(fputs(text, f) >= 0);
  fclose(f);
}

/* Typed report cells by table and column name. */
static size_t TableIndex(const vrk_report* r, const char* table) {
  size_t index = 99;
  CheckOk(vrk_report_find_table(&index, r, table));
  return index;
}

static size_t ColumnIndex(const vrk_report* r, size_t table, const char* column) {
  size_t index = 99;
  CheckOk(vrk_report_find_column(&index, r, table, column));
  return index;
}

static int64_t Int(const vrk_report* r, const char* table, size_t row, const char* column) {
  size_t t = TableIndex(r, table), c = ColumnIndex(r, t, column);
  CheckCondition(vrk_report_value_type(r, t, row, c) == VRK_VALUE_INT64);
  return vrk_report_int64(r, t, row, c);
}

static double Real(const vrk_report* r, const char* table, size_t row, const char* column) {
  size_t t = TableIndex(r, table), c = ColumnIndex(r, t, column);
  CheckCondition(vrk_report_value_type(r, t, row, c) == VRK_VALUE_DOUBLE);
  return vrk_report_double(r, t, row, c);
}

static const char* Text(const vrk_report* r, const char* table, size_t row, const char* column) {
  size_t t = TableIndex(r, table), c = ColumnIndex(r, t, column);
  CheckCondition(vrk_report_value_type(r, t, row, c) == VRK_VALUE_TEXT);
  return vrk_report_text(r, t, row, c);
}

static int IsNull(const vrk_report* r, const char* table, size_t row, const char* column) {
  size_t t = TableIndex(r, table), c = ColumnIndex(r, t, column);
  return vrk_report_value_type(r, t, row, c) == VRK_VALUE_NULL;
}

static size_t Rows(const vrk_report* r, const char* table) {
  return vrk_report_row_count(r, TableIndex(r, table));
}

/* Appends one event and checks its status and outcome. */
static vrk_event Event(const char* id, const char* deal, int64_t at, int kind) {
  vrk_event e;
  vrk_event_init(&e);
  e.event_id = id;
  e.deal = deal;
  e.at = at;
  e.kind = kind;
  return e;
}

static void Append(vrk_store* store, const vrk_event* e, int expected, int expected_outcome) {
  int outcome = -1;
  CheckStatus(vrk_store_append(&outcome, store, e), expected);
  CheckCondition(outcome == expected_outcome);
}

/* The scenario as one columnar batch, with a duplicate and a rejected row. */
enum { kRows = 14 };
static const char* const kIds[kRows] = {"e1", "e2", "e3", "e4", "e5", "e6", "e7",
                                       "e8", "e9", "e10", "e11", "e12", "e13", "e4"};
static const char* const kDeals[kRows] = {"D1", "D2", "D3", "D4", "D1", "D1", "D4",
                                         "D2", "D1", "D1", "D2", "D3", "D3", "D4"};
static const uint8_t kKinds[kRows] = {
    VRK_EVENT_OPENED, VRK_EVENT_OPENED,  VRK_EVENT_OPENED,    VRK_EVENT_OPENED, VRK_EVENT_ENTERED,
    VRK_EVENT_ENTERED, VRK_EVENT_FROZEN, VRK_EVENT_ENTERED,   VRK_EVENT_FIELD_SET, VRK_EVENT_WON,
    VRK_EVENT_LOST,   VRK_EVENT_ACTIVITY, VRK_EVENT_ENTERED,  VRK_EVENT_OPENED};
static const char* const kProcesses[kRows] = {"line", "line", "line", "line", NULL, NULL, NULL,
                                             NULL,   NULL,   NULL,   NULL,   NULL, NULL, "line"};
static const char* const kStages[kRows] = {NULL, NULL, NULL, NULL, "b",  "c",  NULL,
                                          "b",  NULL, NULL, NULL, NULL, "c",  NULL};
static const int64_t kAmounts[kRows] = {1000, 2000, 3000, 500, VRK_NO_AMOUNT, VRK_NO_AMOUNT,
                                        VRK_NO_AMOUNT, VRK_NO_AMOUNT, VRK_NO_AMOUNT,
                                        VRK_NO_AMOUNT, VRK_NO_AMOUNT, VRK_NO_AMOUNT,
                                        VRK_NO_AMOUNT, 500};
static const char* const kOwners[kRows] = {"anna", "boris", "anna", "boris", NULL, NULL, NULL,
                                          NULL,   NULL,    NULL,   NULL,    NULL, NULL, "boris"};
static const char* const kClients[kRows] = {"acme", "globex", "acme", "initech", NULL, NULL, NULL,
                                           NULL,   NULL,     NULL,   NULL,      NULL, NULL,
                                           "initech"};
static const char* const kReasons[kRows] = {NULL, NULL, NULL, NULL, NULL, NULL, NULL,
                                           NULL, NULL, NULL, "price", NULL, NULL, NULL};
static const char* const kFields[kRows] = {NULL, NULL, NULL, NULL, NULL, NULL, NULL,
                                          NULL, "signed", NULL, NULL, NULL, NULL, NULL};
static const char* const kValues[kRows] = {NULL, NULL, NULL, NULL, NULL, NULL, NULL,
                                          NULL, "yes", NULL, NULL, NULL, NULL, NULL};
static const char* const kActivities[kRows] = {NULL, NULL, NULL, NULL, NULL, NULL, NULL,
                                              NULL, NULL, NULL, NULL, "call", NULL, NULL};

static void ScenarioColumns(vrk_event_columns* c, int64_t* at) {
  at[0] = At(3, 10);
  at[1] = At(3, 12);
  at[2] = At(4, 9);
  at[3] = At(4, 10);
  at[4] = At(4, 10);
  at[5] = At(5, 10);
  at[6] = At(5, 10);
  at[7] = At(5, 12);
  at[8] = At(5, 11);
  at[9] = At(6, 10);
  at[10] = At(6, 12);
  at[11] = At(6, 9);
  at[12] = At(6, 11);
  at[13] = At(4, 10);
  vrk_event_columns_init(c);
  c->count = kRows;
  c->event_id = kIds;
  c->deal = kDeals;
  c->at = at;
  c->kind = kKinds;
  c->process = kProcesses;
  c->stage = kStages;
  c->amount = kAmounts;
  c->owner = kOwners;
  c->client = kClients;
  c->reason = kReasons;
  c->field = kFields;
  c->value = kValues;
  c->activity = kActivities;
}

/* A store holding the scenario. */
static vrk_store* ScenarioStore(void) {
  vrk_store* store = NULL;
  vrk_batch_result* result = NULL;
  vrk_event_columns columns;
  int64_t at[kRows];
  CheckOk(vrk_store_open_memory(&store));
  CheckOk(vrk_store_add_process(NULL, NULL, store, kLineProcess));
  ScenarioColumns(&columns, at);
  CheckOk(vrk_store_append_batch(&result, store, &columns));
  CheckCondition(vrk_batch_result_accepted(result) == 12);
  vrk_batch_result_free(result);
  return store;
}

static void TestVersion(void) {
  StartPhase("version");
  CheckCondition(VRK_VERSION_NUMBER == 100);
  CheckCondition(vrk_version() == VRK_VERSION_NUMBER);
  CheckText(VRK_VERSION_STRING, vrk_version_string());
  CheckText("0.1.0", vrk_version_string());
}

static void TestErrors(void) {
  StartPhase("errors");
  /* The values are the ABI: they never change. */
  CheckCondition(VRK_OK == 0 && VRK_INVALID_ARGUMENT == -1 && VRK_NOT_FOUND == -2 &&
                 VRK_INVALID_PROCESS == -3 && VRK_ILLEGAL_TRANSITION == -4 &&
                 VRK_OUT_OF_ORDER == -5 && VRK_CONFLICTING_DUPLICATE == -6 &&
                 VRK_CORRUPT_STORE == -7 && VRK_LOCKED == -8 && VRK_IO == -9 &&
                 VRK_VERSION_MISMATCH == -10 && VRK_LIMIT_EXCEEDED == -11 &&
                 VRK_OUT_OF_MEMORY == -12 && VRK_INTERNAL == -13);
  CheckText("ok", vrk_status_string(VRK_OK));
  CheckText("invalid argument", vrk_status_string(VRK_INVALID_ARGUMENT));
  CheckText("not found", vrk_status_string(VRK_NOT_FOUND));
  CheckText("invalid process", vrk_status_string(VRK_INVALID_PROCESS));
  CheckText("illegal transition", vrk_status_string(VRK_ILLEGAL_TRANSITION));
  CheckText("out of order", vrk_status_string(VRK_OUT_OF_ORDER));
  CheckText("conflicting duplicate", vrk_status_string(VRK_CONFLICTING_DUPLICATE));
  CheckText("corrupt store", vrk_status_string(VRK_CORRUPT_STORE));
  CheckText("locked", vrk_status_string(VRK_LOCKED));
  CheckText("i/o error", vrk_status_string(VRK_IO));
  CheckText("version mismatch", vrk_status_string(VRK_VERSION_MISMATCH));
  CheckText("limit exceeded", vrk_status_string(VRK_LIMIT_EXCEEDED));
  CheckText("out of memory", vrk_status_string(VRK_OUT_OF_MEMORY));
  CheckText("internal error", vrk_status_string(VRK_INTERNAL));
  CheckText("unknown", vrk_status_string(1));
  CheckText("unknown", vrk_status_string(-14));

  /* A failure sets the thread's last error; the next success clears it. */
  CheckStatus(vrk_store_open_memory(NULL), VRK_INVALID_ARGUMENT);
  CheckText("vrk_store_open_memory: out is NULL", vrk_last_error());
  {
    vrk_store* store = NULL;
    CheckOk(vrk_store_open_memory(&store));
    CheckText("", vrk_last_error());
    CheckCondition(vrk_last_error_code() == VRK_OK);
    vrk_store_close(store);
  }
}

static void TestBuffersAndTime(void) {
  vrk_buf buf = {NULL, 0};
  int64_t t = -1;
  StartPhase("buffers and time");
  vrk_buf_free(NULL);
  vrk_buf_free(&buf);
  CheckCondition(buf.data == NULL && buf.size == 0);

  CheckOk(vrk_time_parse(&t, "2025-03-03"));
  CheckCondition(t == MARCH_3);
  CheckOk(vrk_time_parse(&t, "2025-03-03T13:30:00.250+03:00"));
  CheckCondition(t == MARCH_3 + 10 * HOUR + 30 * 60000 + 250);
  CheckStatus(vrk_time_parse(&t, "2025-02-30"), VRK_INVALID_ARGUMENT);
  CheckCondition(t == 0);
  CheckText("'2025-02-30' is not an ISO 8601 date or date-time", vrk_last_error());
  CheckStatus(vrk_time_parse(&t, NULL), VRK_INVALID_ARGUMENT);
  CheckStatus(vrk_time_parse(NULL, "2025-03-03"), VRK_INVALID_ARGUMENT);

  CheckOk(vrk_time_format(&buf, MARCH_3 + 10 * HOUR + 250));
  CheckText("2025-03-03T10:00:00.250Z", buf.data);
  CheckCondition(buf.size == 24);
  vrk_buf_free(&buf);
  CheckCondition(buf.data == NULL && buf.size == 0);
  CheckStatus(vrk_time_format(NULL, 0), VRK_INVALID_ARGUMENT);
  CheckStatus(vrk_time_format(&buf, INT64_MAX), VRK_INVALID_ARGUMENT);
  CheckCondition(buf.data == NULL);
  CheckLastError("outside the calendar");
}

static void TestProcesses(void) {
  vrk_store* store = NULL;
  vrk_process* process = NULL;
  vrk_process_list* list = NULL;
  vrk_stage_info stage;
  vrk_buf json = {NULL, 0};
  uint32_t version_id = 99;
  int created = -1;
  StartPhase("processes");
  CheckOk(vrk_store_open_memory(&store));

  CheckOk(vrk_store_add_process(&version_id, &created, store, kLineProcess));
  CheckCondition(version_id == 0 && created == 1);
  /* The same definition again changes nothing. */
  CheckOk(vrk_store_add_process(&version_id, &created, store, kLineProcess));
  CheckCondition(version_id == 0 && created == 0);
  CheckOk(vrk_store_add_process(&version_id, &created, store, kFreeProcess));
  CheckCondition(version_id == 1 && created == 1);
  /* A changed definition makes version 2 of "free", id 2. */
  CheckOk(vrk_store_add_process(
      &version_id, &created, store,
      "{\"key\": \"free\", \"mode\": \"MANUAL\", \"stages\": [{\"key\": \"x\"}]}"));
  CheckCondition(version_id == 2 && created == 1);
  CheckOk(vrk_store_add_process(NULL, NULL, store, kLineProcess));

  /* Errors. */
  CheckStatus(vrk_store_add_process(&version_id, &created, store, "{\"key\": "),
              VRK_INVALID_PROCESS);
  CheckCondition(version_id == 0 && created == 0);
  CheckLastError("process JSON");
  CheckStatus(vrk_store_add_process(NULL, NULL, store, "{\"key\": \"p\", \"stages\": 7}"),
              VRK_INVALID_PROCESS);
  CheckLastError("stages");
  CheckStatus(vrk_store_add_process(NULL, NULL, store, "{\"key\": \"p\", \"bogus\": 1}"),
              VRK_INVALID_PROCESS);
  CheckLastError("bogus");
  CheckStatus(vrk_store_add_process(
                  NULL, NULL, store,
                  "{\"key\": \"p\", \"stages\": [{\"key\": \"won\"}, {\"key\": \"q\","
                  " \"probability\": 2}]}"),
              VRK_INVALID_PROCESS);
  CheckLastError("won");
  CheckLastError("probability");
  CheckStatus(vrk_store_add_process(NULL, NULL, NULL, kLineProcess), VRK_INVALID_ARGUMENT);
  CheckStatus(vrk_store_add_process(NULL, NULL, store, NULL), VRK_INVALID_ARGUMENT);

  /* Looking one up. */
  CheckOk(vrk_store_get_process(&process, store, "line"));
  CheckText("line", vrk_process_key(process));
  CheckText("A line", vrk_process_name(process));
  CheckCondition(vrk_process_version(process) == 1);
  CheckCondition(vrk_process_mode(process) == VRK_MODE_AUTOMATIC);
  CheckCondition(vrk_process_stage_count(process) == 3);

  stage.size = sizeof stage;
  CheckOk(vrk_process_stage(&stage, process, 0));
  CheckText("a", stage.key);
  CheckText("Stage A", stage.name);
  CheckCondition(stage.has_probability && stage.probability == 0.1);
  CheckCondition(stage.sla_unit == VRK_LIMIT_DAYS && stage.sla == 2);
  CheckCondition(stage.rotting_unit == VRK_LIMIT_NONE && stage.rotting == 0);
  CheckText("", stage.owner_role);
  CheckCondition(stage.required_field_count == 0 && stage.required_fields == NULL);
  CheckCondition(!stage.leads_to_won);
  CheckOk(vrk_process_stage(&stage, process, 1));
  CheckText("b", stage.key);
  CheckText("b", stage.name); /* no name: the key */
  CheckCondition(stage.probability == 0.5);
  CheckCondition(stage.sla_unit == VRK_LIMIT_NONE);
  CheckCondition(stage.rotting_unit == VRK_LIMIT_HOURS && stage.rotting == 12);
  CheckText("manager", stage.owner_role);
  CheckOk(vrk_process_stage(&stage, process, 2));
  CheckText("c", stage.key);
  CheckCondition(stage.sla_unit == VRK_LIMIT_BUSINESS_DAYS && stage.sla == 3);
  CheckCondition(stage.required_field_count == 1);
  CheckText("signed", stage.required_fields[0]);
  CheckCondition(stage.leads_to_won);

  CheckStatus(vrk_process_stage(&stage, process, 3), VRK_INVALID_ARGUMENT);
  CheckText("vrk_process_stage: index 3 is out of range: process 'line' has 3 stages",
            vrk_last_error());
  stage.size = sizeof stage - 1;
  CheckStatus(vrk_process_stage(&stage, process, 0), VRK_INVALID_ARGUMENT);
  CheckLastError("vrk_stage_info.size is");
  stage.size = sizeof stage;
  CheckStatus(vrk_process_stage(NULL, process, 0), VRK_INVALID_ARGUMENT);
  CheckStatus(vrk_process_stage(&stage, NULL, 0), VRK_INVALID_ARGUMENT);

  CheckOk(vrk_process_json(&json, process));
  CheckContains(json.data, "\"key\": \"line\"");
  CheckContains(json.data, "\"version\": 1");
  CheckContains(json.data, "\"required_fields\": [\n    \"signed\"\n   ]");
  CheckCondition(strlen(json.data) == json.size);
  vrk_buf_free(&json);
  CheckStatus(vrk_process_json(&json, NULL), VRK_INVALID_ARGUMENT);
  CheckCondition(json.data == NULL);
  CheckStatus(vrk_process_json(NULL, process), VRK_INVALID_ARGUMENT);
  vrk_process_free(process);

  /* The current version of a changed process. */
  CheckOk(vrk_store_get_process(&process, store, "free"));
  CheckCondition(vrk_process_version(process) == 2);
  CheckCondition(vrk_process_mode(process) == VRK_MODE_MANUAL);
  CheckCondition(vrk_process_stage_count(process) == 1);
  CheckText("", vrk_process_name(process));
  vrk_process_free(process);

  process = (vrk_process*)&json; /* overwritten with NULL on failure */
  CheckStatus(vrk_store_get_process(&process, store, "nope"), VRK_NOT_FOUND);
  CheckCondition(process == NULL);
  CheckText("unknown process 'nope'", vrk_last_error());
  CheckStatus(vrk_store_get_process(&process, NULL, "line"), VRK_INVALID_ARGUMENT);
  CheckStatus(vrk_store_get_process(&process, store, NULL), VRK_INVALID_ARGUMENT);
  CheckStatus(vrk_store_get_process(NULL, store, "line"), VRK_INVALID_ARGUMENT);

  /* NULL processes. */
  CheckCondition(vrk_process_key(NULL) == NULL && vrk_process_name(NULL) == NULL);
  CheckCondition(vrk_process_version(NULL) == 0 && vrk_process_mode(NULL) == 0);
  CheckCondition(vrk_process_stage_count(NULL) == 0);
  vrk_process_free(NULL);

  /* The list: current versions, in the order first added. */
  CheckOk(vrk_store_list_processes(&list, store));
  CheckCondition(vrk_process_list_count(list) == 2);
  CheckText("line", vrk_process_list_key(list, 0));
  CheckText("free", vrk_process_list_key(list, 1));
  CheckCondition(vrk_process_list_key(list, 2) == NULL);
  CheckOk(vrk_process_list_get(&process, list, 1));
  CheckCondition(vrk_process_version(process) == 2);
  vrk_process_free(process);
  CheckStatus(vrk_process_list_get(&process, list, 2), VRK_INVALID_ARGUMENT);
  CheckCondition(process == NULL);
  CheckText("vrk_process_list_get: index 2 is out of range: the list has 2 processes",
            vrk_last_error());
  CheckStatus(vrk_process_list_get(&process, NULL, 0), VRK_INVALID_ARGUMENT);
  CheckStatus(vrk_process_list_get(NULL, list, 0), VRK_INVALID_ARGUMENT);
  vrk_process_list_free(list);
  CheckStatus(vrk_store_list_processes(&list, NULL), VRK_INVALID_ARGUMENT);
  CheckCondition(list == NULL);
  CheckStatus(vrk_store_list_processes(NULL, store), VRK_INVALID_ARGUMENT);
  CheckCondition(vrk_process_list_count(NULL) == 0);
  CheckCondition(vrk_process_list_key(NULL, 0) == NULL);
  vrk_process_list_free(NULL);

  vrk_store_close(store);
}

static void TestAppendOne(void) {
  vrk_store* store = NULL;
  vrk_event e;
  int outcome = -1;
  StartPhase("append one");
  CheckOk(vrk_store_open_memory(&store));
  CheckOk(vrk_store_add_process(NULL, NULL, store, kLineProcess));

  e = Event("e1", "D1", At(3, 10), VRK_EVENT_OPENED);
  e.process = "line";
  e.owner = "anna";
  e.amount = 1000;
  Append(store, &e, VRK_OK, VRK_OUTCOME_ACCEPTED);
  /* The same event again is a duplicate; with other content, a conflict. */
  Append(store, &e, VRK_OK, VRK_OUTCOME_DUPLICATE);
  e.amount = 1001;
  Append(store, &e, VRK_CONFLICTING_DUPLICATE, VRK_OUTCOME_REJECTED);
  CheckLastError("e1");

  /* Skipping b in an automatic process. */
  e = Event("e2", "D1", At(3, 11), VRK_EVENT_ENTERED);
  e.stage = "c";
  Append(store, &e, VRK_ILLEGAL_TRANSITION, VRK_OUTCOME_REJECTED);
  CheckText("deal D1: cannot enter 'c' from 'a' in automatic process 'line'; allowed: b, "
            "lost, frozen",
            vrk_last_error());
  e.stage = "b";
  Append(store, &e, VRK_OK, VRK_OUTCOME_ACCEPTED);
  /* Back in time. */
  e = Event("e3", "D1", At(3, 10), VRK_EVENT_FROZEN);
  Append(store, &e, VRK_OUT_OF_ORDER, VRK_OUTCOME_REJECTED);
  CheckLastError("must not go back in time");
  /* Unknown deal, unknown process, unknown reason, unknown activity. */
  e = Event("e4", "D9", At(3, 12), VRK_EVENT_ENTERED);
  e.stage = "b";
  Append(store, &e, VRK_NOT_FOUND, VRK_OUTCOME_REJECTED);
  CheckLastError("D9");
  e = Event("e5", "D9", At(3, 12), VRK_EVENT_OPENED);
  e.process = "nope";
  Append(store, &e, VRK_NOT_FOUND, VRK_OUTCOME_REJECTED);
  CheckLastError("nope");
  e = Event("e6", "D1", At(3, 12), VRK_EVENT_LOST);
  e.reason = "weather";
  Append(store, &e, VRK_INVALID_ARGUMENT, VRK_OUTCOME_REJECTED);
  CheckLastError("weather");
  e = Event("e7", "D1", At(3, 12), VRK_EVENT_ACTIVITY);
  e.activity = "dance";
  Append(store, &e, VRK_INVALID_ARGUMENT, VRK_OUTCOME_REJECTED);
  CheckText("deal D1: unknown activity 'dance' (call, meeting, email or other)", vrk_last_error());
  e.activity = "call";
  Append(store, &e, VRK_OK, VRK_OUTCOME_ACCEPTED);
  /* Kinds that are not kinds. */
  e = Event("e8", "D1", At(3, 12), 0);
  Append(store, &e, VRK_INVALID_ARGUMENT, VRK_OUTCOME_REJECTED);
  e.kind = 12;
  Append(store, &e, VRK_INVALID_ARGUMENT, VRK_OUTCOME_REJECTED);
  e.kind = 256 + VRK_EVENT_FROZEN; /* not a frozen event in disguise */
  Append(store, &e, VRK_INVALID_ARGUMENT, VRK_OUTCOME_REJECTED);
  /* Leaving c forward without the required field. */
  e = Event("e9", "D1", At(3, 13), VRK_EVENT_ENTERED);
  e.stage = "c";
  Append(store, &e, VRK_OK, VRK_OUTCOME_ACCEPTED);
  e = Event("e10", "D1", At(3, 14), VRK_EVENT_WON);
  Append(store, &e, VRK_ILLEGAL_TRANSITION, VRK_OUTCOME_REJECTED);
  CheckLastError("signed");

  /* Arguments. */
  CheckStatus(vrk_store_append(&outcome, NULL, &e), VRK_INVALID_ARGUMENT);
  CheckCondition(outcome == VRK_OUTCOME_REJECTED);
  CheckStatus(vrk_store_append(&outcome, store, NULL), VRK_INVALID_ARGUMENT);
  e.size = sizeof e + 8;
  CheckStatus(vrk_store_append(&outcome, store, &e), VRK_INVALID_ARGUMENT);
  CheckLastError("vrk_event.size is");
  vrk_event_init(NULL);
  vrk_event_init(&e);
  CheckCondition(e.size == sizeof e && e.amount == VRK_NO_AMOUNT && e.event_id == NULL &&
                 e.kind == 0 && e.at == 0);
  /* Without outcome. */
  e = Event("e11", "D1", At(3, 15), VRK_EVENT_FIELD_SET);
  e.field = "signed";
  e.value = "yes";
  CheckOk(vrk_store_append(NULL, store, &e));
  vrk_store_close(store);
}

static void TestAppendBatch(void) {
  vrk_store* store = NULL;
  vrk_batch_result* result = NULL;
  vrk_event_columns columns;
  int64_t at[kRows];
  const uint8_t* outcomes;
  size_t i;
  StartPhase("append batch");
  CheckOk(vrk_store_open_memory(&store));
  CheckOk(vrk_store_add_process(NULL, NULL, store, kLineProcess));
  ScenarioColumns(&columns, at);
  CheckOk(vrk_store_append_batch(&result, store, &columns));
  CheckCondition(vrk_batch_result_count(result) == kRows);
  CheckCondition(vrk_batch_result_accepted(result) == 12);
  CheckCondition(vrk_batch_result_duplicates(result) == 1);
  CheckCondition(vrk_batch_result_rejected(result) == 1);
  outcomes = vrk_batch_result_outcomes(result);
  for (i = 0; i < kRows; ++i) {
    int expected = i == 12   ? VRK_OUTCOME_REJECTED
                   : i == 13 ? VRK_OUTCOME_DUPLICATE
                             : VRK_OUTCOME_ACCEPTED;
    CheckCondition(vrk_batch_result_outcome(result, i) == expected);
    CheckCondition(outcomes[i] == expected);
    CheckCondition(vrk_batch_result_code(result, i) ==
                   (i == 12 ? VRK_ILLEGAL_TRANSITION : VRK_OK));
    if (i != 12) CheckText("", vrk_batch_result_message(result, i));
  }
  CheckText("deal D3: cannot enter 'c' from 'a' in automatic process 'line'; allowed: b, "
            "lost, frozen",
            vrk_batch_result_message(result, 12));
  CheckCondition(vrk_batch_result_outcome(result, kRows) == VRK_INVALID_ARGUMENT);
  CheckText("vrk_batch_result_outcome: no event 14", vrk_last_error());
  CheckCondition(vrk_batch_result_code(result, kRows) == VRK_INVALID_ARGUMENT);
  CheckText("vrk_batch_result_code: no event 14", vrk_last_error());
  CheckCondition(vrk_batch_result_code(NULL, 0) == VRK_INVALID_ARGUMENT);
  CheckText("vrk_batch_result_code: no event 0 (NULL result)", vrk_last_error());
  CheckCondition(vrk_batch_result_message(result, kRows) == NULL);
  vrk_batch_result_free(result);

  /* Again: all duplicates but the row that was rejected. */
  CheckOk(vrk_store_append_batch(&result, store, &columns));
  CheckCondition(vrk_batch_result_accepted(result) == 0);
  CheckCondition(vrk_batch_result_duplicates(result) == 13);
  CheckCondition(vrk_batch_result_rejected(result) == 1);
  vrk_batch_result_free(result);

  /* An empty batch. */
  vrk_event_columns_init(&columns);
  CheckOk(vrk_store_append_batch(&result, store, &columns));
  CheckCondition(vrk_batch_result_count(result) == 0);
  CheckCondition(vrk_batch_result_outcomes(result) == NULL);
  vrk_batch_result_free(result);

  /* Required columns, sizes, NULLs. */
  ScenarioColumns(&columns, at);
  columns.deal = NULL;
  result = (vrk_batch_result*)&columns;
  CheckStatus(vrk_store_append_batch(&result, store, &columns), VRK_INVALID_ARGUMENT);
  CheckCondition(result == NULL);
  CheckText("vrk_event_columns: the 'deal' column is NULL; every event needs one",
            vrk_last_error());
  ScenarioColumns(&columns, at);
  columns.kind = NULL;
  CheckStatus(vrk_store_append_batch(&result, store, &columns), VRK_INVALID_ARGUMENT);
  CheckLastError("'kind'");
  ScenarioColumns(&columns, at);
  columns.size = 8;
  CheckStatus(vrk_store_append_batch(&result, store, &columns), VRK_INVALID_ARGUMENT);
  CheckLastError("vrk_event_columns.size is 8");
  ScenarioColumns(&columns, at);
  CheckStatus(vrk_store_append_batch(&result, NULL, &columns), VRK_INVALID_ARGUMENT);
  CheckStatus(vrk_store_append_batch(&result, store, NULL), VRK_INVALID_ARGUMENT);
  CheckStatus(vrk_store_append_batch(NULL, store, &columns), VRK_INVALID_ARGUMENT);
  vrk_event_columns_init(NULL);

  /* NULL results. */
  CheckCondition(vrk_batch_result_count(NULL) == 0 && vrk_batch_result_accepted(NULL) == 0 &&
                 vrk_batch_result_duplicates(NULL) == 0 && vrk_batch_result_rejected(NULL) == 0);
  CheckCondition(vrk_batch_result_outcome(NULL, 0) == VRK_INVALID_ARGUMENT);
  CheckCondition(vrk_batch_result_outcomes(NULL) == NULL);
  CheckCondition(vrk_batch_result_code(NULL, 0) == VRK_INVALID_ARGUMENT);
  CheckCondition(vrk_batch_result_message(NULL, 0) == NULL);
  vrk_batch_result_free(NULL);
  vrk_store_close(store);
}

static void TestDeals(void) {
  vrk_store* store = ScenarioStore();
  vrk_deal* deal = NULL;
  vrk_store_stats stats;
  StartPhase("deals");
  CheckOk(vrk_store_get_deal(&deal, store, "D1"));
  CheckText("D1", vrk_deal_key(deal));
  CheckText("line", vrk_deal_process(deal));
  CheckCondition(vrk_deal_process_version(deal) == 1);
  CheckCondition(vrk_deal_status(deal) == VRK_DEAL_WON);
  CheckText("c", vrk_deal_stage(deal));
  CheckCondition(vrk_deal_stage_since(deal) == At(5, 10));
  CheckCondition(vrk_deal_opened_at(deal) == At(3, 10));
  CheckCondition(vrk_deal_closed_at(deal) == At(6, 10));
  CheckCondition(vrk_deal_amount(deal) == 1000);
  CheckText("anna", vrk_deal_owner(deal));
  CheckText("acme", vrk_deal_client(deal));
  CheckText("", vrk_deal_lost_reason(deal));
  CheckCondition(vrk_deal_events(deal) == 5); /* opened, b, c, signed, won */
  CheckCondition(vrk_deal_field_count(deal) == 1);
  CheckText("signed", vrk_deal_field_key(deal, 0));
  CheckText("yes", vrk_deal_field_value(deal, 0));
  CheckCondition(vrk_deal_field_key(deal, 1) == NULL && vrk_deal_field_value(deal, 1) == NULL);
  CheckText("yes", vrk_deal_field(deal, "signed"));
  CheckCondition(vrk_deal_field(deal, "budget") == NULL);
  CheckCondition(vrk_deal_field(deal, NULL) == NULL);
  vrk_deal_free(deal);

  CheckOk(vrk_store_get_deal(&deal, store, "D2"));
  CheckCondition(vrk_deal_status(deal) == VRK_DEAL_LOST);
  CheckText("b", vrk_deal_stage(deal));
  CheckText("price", vrk_deal_lost_reason(deal));
  CheckCondition(vrk_deal_closed_at(deal) == At(6, 12));
  CheckCondition(vrk_deal_field_count(deal) == 0);
  vrk_deal_free(deal);

  CheckOk(vrk_store_get_deal(&deal, store, "D3"));
  CheckCondition(vrk_deal_status(deal) == VRK_DEAL_OPEN);
  CheckText("a", vrk_deal_stage(deal));
  CheckCondition(vrk_deal_closed_at(deal) == VRK_NO_TIME);
  vrk_deal_free(deal);

  CheckOk(vrk_store_get_deal(&deal, store, "D4"));
  CheckCondition(vrk_deal_status(deal) == VRK_DEAL_FROZEN);
  CheckCondition(vrk_deal_stage_since(deal) == At(4, 10));
  CheckCondition(vrk_deal_closed_at(deal) == VRK_NO_TIME);
  vrk_deal_free(deal);

  deal = (vrk_deal*)store;
  CheckStatus(vrk_store_get_deal(&deal, store, "D9"), VRK_NOT_FOUND);
  CheckCondition(deal == NULL);
  CheckText("deal D9: unknown deal", vrk_last_error());
  CheckStatus(vrk_store_get_deal(&deal, NULL, "D1"), VRK_INVALID_ARGUMENT);
  CheckStatus(vrk_store_get_deal(&deal, store, NULL), VRK_INVALID_ARGUMENT);
  CheckStatus(vrk_store_get_deal(NULL, store, "D1"), VRK_INVALID_ARGUMENT);

  CheckCondition(vrk_deal_key(NULL) == NULL && vrk_deal_process(NULL) == NULL &&
                 vrk_deal_stage(NULL) == NULL && vrk_deal_owner(NULL) == NULL &&
                 vrk_deal_client(NULL) == NULL && vrk_deal_lost_reason(NULL) == NULL &&
                 vrk_deal_field_key(NULL, 0) == NULL && vrk_deal_field_value(NULL, 0) == NULL &&
                 vrk_deal_field(NULL, "x") == NULL);
  CheckCondition(vrk_deal_process_version(NULL) == 0 && vrk_deal_status(NULL) == 0 &&
                 vrk_deal_stage_since(NULL) == 0 && vrk_deal_opened_at(NULL) == 0 &&
                 vrk_deal_closed_at(NULL) == VRK_NO_TIME && vrk_deal_amount(NULL) == 0 &&
                 vrk_deal_events(NULL) == 0 && vrk_deal_field_count(NULL) == 0);
  vrk_deal_free(NULL);

  /* The store's figures. */
  stats.size = sizeof stats;
  CheckOk(vrk_store_get_stats(&stats, store));
  CheckCondition(stats.deals == 4 && stats.events == 12);
  CheckCondition(stats.latest_event_at == At(6, 12));
  CheckCondition(stats.memory_bytes > 0);
  CheckCondition(stats.file_bytes == 0 && stats.log_records == 0);
  stats.size = 0;
  CheckStatus(vrk_store_get_stats(&stats, store), VRK_INVALID_ARGUMENT);
  CheckText("vrk_store_stats.size is 0; this library expects sizeof(vrk_store_stats), 72",
            vrk_last_error());
  CheckStatus(vrk_store_get_stats(NULL, store), VRK_INVALID_ARGUMENT);
  stats.size = sizeof stats;
  CheckStatus(vrk_store_get_stats(&stats, NULL), VRK_INVALID_ARGUMENT);
  vrk_store_close(store);
}

static void TestSnapshot(void) {
  vrk_store* store = ScenarioStore();
  vrk_report* r = NULL;
  vrk_snapshot_options o;
  StartPhase("snapshot");
  /* At the latest event, 03-06 12:00: D3 open at a (51 h in it, beyond the
     2-day SLA); D4 frozen at a. */
  CheckOk(vrk_store_report_snapshot(&r, store, NULL));
  CheckText("snapshot", vrk_report_name(r));
  CheckText("Snapshot of all processes: deals open at 2025-03-06T12:00:00Z", vrk_report_title(r));
  CheckCondition(vrk_report_table_count(r) == 2);
  CheckText("stages", vrk_report_table_name(r, 0));
  CheckText("summary", vrk_report_table_name(r, 1));
  CheckCondition(vrk_report_table_name(r, 2) == NULL);
  CheckCondition(Rows(r, "stages") == 3);
  CheckText("a", Text(r, "stages", 0, "stage"));
  CheckText("Stage A", Text(r, "stages", 0, "name"));
  CheckCondition(Int(r, "stages", 0, "open") == 1);
  CheckCondition(Int(r, "stages", 0, "amount") == 3000);
  CheckCondition(Int(r, "stages", 0, "weighted_amount") == 300);
  CheckCondition(Int(r, "stages", 0, "median_age_ms") == 51 * HOUR);
  CheckCondition(Int(r, "stages", 0, "overdue") == 1);
  CheckCondition(Int(r, "stages", 0, "rotting") == 0);
  CheckCondition(Int(r, "stages", 0, "frozen") == 1);
  CheckText("b", Text(r, "stages", 1, "stage"));
  CheckCondition(Int(r, "stages", 1, "open") == 0);
  CheckCondition(IsNull(r, "stages", 1, "median_age_ms"));
  CheckCondition(Int(r, "summary", 0, "open") == 1);
  CheckCondition(Int(r, "summary", 0, "amount") == 3000);
  CheckCondition(Int(r, "summary", 0, "weighted_amount") == 300);
  CheckCondition(Int(r, "summary", 0, "frozen") == 1);
  CheckCondition(Int(r, "summary", 0, "at") == At(6, 12));
  vrk_report_free(r);

  /* A rotting limit of one day for every stage: D3's call at 09:00 was 3 h
     ago, so nothing rots; as of 03-05 12:00 D3 (opened 03-04 09:00, 27 h,
     no call yet) rots, is not overdue, and D4 is frozen. */
  vrk_snapshot_options_init(&o);
  CheckCondition(o.size == sizeof o && o.rotting_days == 0 && o.filter.process == NULL);
  o.rotting_days = 1;
  CheckOk(vrk_store_report_snapshot(&r, store, &o));
  CheckCondition(Int(r, "summary", 0, "rotting") == 0);
  vrk_report_free(r);
  o.filter.has_as_of = 1;
  o.filter.as_of = At(5, 12);
  CheckOk(vrk_store_report_snapshot(&r, store, &o));
  /* Open at 03-05 12:00: D3 at a; D1 at c; D2 at b (entered that instant). */
  CheckCondition(Int(r, "summary", 0, "open") == 3);
  CheckCondition(Int(r, "stages", 0, "open") == 1);
  CheckCondition(Int(r, "stages", 0, "rotting") == 1);
  CheckCondition(Int(r, "stages", 0, "overdue") == 0);
  CheckCondition(Int(r, "stages", 0, "frozen") == 1);
  CheckCondition(Int(r, "stages", 1, "open") == 1);
  CheckCondition(Int(r, "stages", 2, "open") == 1);
  CheckCondition(Int(r, "stages", 2, "weighted_amount") == 800);
  CheckCondition(Int(r, "summary", 0, "amount") == 6000);
  CheckCondition(Int(r, "summary", 0, "weighted_amount") == 300 + 1000 + 800);
  vrk_report_free(r);

  /* By owner: the whole first, then anna, boris. */
  vrk_snapshot_options_init(&o);
  o.breakdown.by = VRK_BREAKDOWN_OWNER;
  CheckOk(vrk_store_report_snapshot(&r, store, &o));
  CheckCondition(Rows(r, "summary") == 3);
  CheckCondition(IsNull(r, "summary", 0, "group"));  /* all deals */
  CheckText("anna", Text(r, "summary", 1, "group"));
  CheckText("boris", Text(r, "summary", 2, "group"));
  CheckCondition(Int(r, "summary", 1, "open") == 1);
  CheckCondition(Int(r, "summary", 2, "open") == 0);
  CheckCondition(Int(r, "summary", 2, "frozen") == 1);
  CheckCondition(Rows(r, "stages") == 9);
  vrk_report_free(r);

  /* Filters. */
  {
    const char* owners[] = {"boris"};
    const char* clients[] = {"acme", "initech"};
    const char* keys[] = {"signed"};
    const char* values[] = {"yes"};
    vrk_snapshot_options_init(&o);
    o.filter.process = "line";
    o.filter.owners = owners;
    o.filter.owner_count = 1;
    o.filter.clients = clients;
    o.filter.client_count = 2;
    CheckOk(vrk_store_report_snapshot(&r, store, &o));
    CheckCondition(Int(r, "summary", 0, "open") == 0);
    CheckCondition(Int(r, "summary", 0, "frozen") == 1); /* D4 */
    CheckText("line", Text(r, "summary", 0, "process"));
    vrk_report_free(r);
    vrk_snapshot_options_init(&o);
    o.filter.field_keys = keys;
    o.filter.field_values = values;
    o.filter.field_count = 1;
    CheckOk(vrk_store_report_snapshot(&r, store, &o));
    CheckCondition(Int(r, "summary", 0, "open") == 0); /* only D1 is signed: won */
    CheckCondition(Int(r, "summary", 0, "frozen") == 0);
    vrk_report_free(r);

    /* Errors of the options. */
    vrk_snapshot_options_init(&o);
    o.filter.process = "nope";
    r = (vrk_report*)&o;
    CheckStatus(vrk_store_report_snapshot(&r, store, &o), VRK_NOT_FOUND);
    CheckCondition(r == NULL);
    CheckText("unknown process 'nope'", vrk_last_error());
    vrk_snapshot_options_init(&o);
    o.filter.owner_count = 1;
    CheckStatus(vrk_store_report_snapshot(&r, store, &o), VRK_INVALID_ARGUMENT);
    CheckText("vrk_snapshot_options.filter.owners is NULL but its count is 1", vrk_last_error());
    vrk_snapshot_options_init(&o);
    o.filter.clients = owners;
    o.filter.client_count = 1;
    owners[0] = NULL;
    CheckStatus(vrk_store_report_snapshot(&r, store, &o), VRK_INVALID_ARGUMENT);
    CheckText("vrk_snapshot_options.filter.clients[0] is NULL", vrk_last_error());
    vrk_snapshot_options_init(&o);
    o.filter.field_count = 1;
    o.filter.field_keys = keys;
    CheckStatus(vrk_store_report_snapshot(&r, store, &o), VRK_INVALID_ARGUMENT);
    CheckLastError("field_values is NULL");
    o.filter.field_values = owners;
    CheckStatus(vrk_store_report_snapshot(&r, store, &o), VRK_INVALID_ARGUMENT);
    CheckText("vrk_snapshot_options.filter: field 0 has a NULL key or value", vrk_last_error());
    /* A field given twice: with the same value it is one condition; with
       two values no deal meets both, and the filter is refused rather than
       keeping only the last. */
    {
      const char* twice_keys[] = {"signed", "signed"};
      const char* twice_values[] = {"yes", "yes"};
      vrk_snapshot_options_init(&o);
      o.filter.field_keys = twice_keys;
      o.filter.field_values = twice_values;
      o.filter.field_count = 2;
      CheckOk(vrk_store_report_snapshot(&r, store, &o));
      vrk_report_free(r);
      twice_values[1] = "no";
      CheckStatus(vrk_store_report_snapshot(&r, store, &o), VRK_INVALID_ARGUMENT);
      CheckCondition(r == NULL);
      CheckText("vrk_snapshot_options.filter: field 'signed' is given twice, as 'yes' and 'no'; "
                "no deal has both",
                vrk_last_error());
    }
    vrk_snapshot_options_init(&o);
    o.breakdown.by = 8;
    CheckStatus(vrk_store_report_snapshot(&r, store, &o), VRK_INVALID_ARGUMENT);
    CheckText("vrk_snapshot_options.breakdown.by is 8, not a vrk_breakdown_by", vrk_last_error());
    o.breakdown.by = VRK_BREAKDOWN_FIELD;
    CheckStatus(vrk_store_report_snapshot(&r, store, &o), VRK_INVALID_ARGUMENT);
    CheckText("a breakdown by field needs the field's name", vrk_last_error());
    vrk_snapshot_options_init(&o);
    o.size = sizeof o - 1;
    CheckStatus(vrk_store_report_snapshot(&r, store, &o), VRK_INVALID_ARGUMENT);
    CheckLastError("vrk_snapshot_options.size is");
    CheckStatus(vrk_store_report_snapshot(&r, NULL, NULL), VRK_INVALID_ARGUMENT);
    CheckStatus(vrk_store_report_snapshot(NULL, store, NULL), VRK_INVALID_ARGUMENT);
    vrk_snapshot_options_init(NULL);
  }
  vrk_store_close(store);
}

static void TestHistoryAndConversion(void) {
  vrk_store* store = ScenarioStore();
  vrk_report* r = NULL;
  vrk_history_options h;
  vrk_conversion_options c;
  StartPhase("history and conversion");
  /* Created basis, all deals, counting reached: a 4, b 2, c 1; won stages
     a 2 (D1, D2 moved on), b 1, c 1 (D1 won); lost stages b 1 (D2). */
  CheckOk(vrk_store_report_history(&r, store, NULL));
  CheckText("history", vrk_report_name(r));
  CheckCondition(Int(r, "stages", 0, "reached") == 4);
  CheckCondition(Int(r, "stages", 0, "entered") == 4);
  CheckCondition(Int(r, "stages", 0, "visits") == 4);
  CheckCondition(Int(r, "stages", 1, "reached") == 2);
  CheckCondition(Int(r, "stages", 2, "reached") == 1);
  CheckCondition(Int(r, "stages", 0, "won_stages") == 2);
  CheckCondition(Int(r, "stages", 1, "won_stages") == 1);
  CheckCondition(Int(r, "stages", 2, "won_stages") == 1);
  CheckCondition(Int(r, "stages", 0, "lost_stages") == 0);
  CheckCondition(Int(r, "stages", 1, "lost_stages") == 1);
  CheckCondition(Int(r, "stages", 0, "won_amount") == 3000);
  CheckCondition(Int(r, "stages", 1, "won_amount") == 1000);
  CheckCondition(Int(r, "stages", 1, "lost_amount") == 2000);
  CheckCondition(Real(r, "stages", 0, "step_conversion") == 0.5);
  CheckCondition(Real(r, "stages", 1, "step_conversion") == 0.5);
  CheckCondition(Real(r, "stages", 2, "step_conversion") == 1.0);
  CheckCondition(Real(r, "stages", 0, "cumulative_conversion") == 1.0);
  CheckCondition(Real(r, "stages", 2, "cumulative_conversion") == 0.25);
  CheckCondition(Int(r, "summary", 0, "deals") == 4);
  CheckCondition(Int(r, "summary", 0, "won") == 1);
  CheckCondition(Int(r, "summary", 0, "lost") == 1);
  CheckCondition(Int(r, "summary", 0, "open") == 1);
  CheckCondition(Int(r, "summary", 0, "frozen") == 1);
  CheckCondition(Int(r, "summary", 0, "won_amount") == 1000);
  CheckCondition(Int(r, "summary", 0, "lost_amount") == 2000);
  CheckText("c", Text(r, "summary", 0, "key_level"));
  CheckText("a", Text(r, "summary", 0, "bottleneck"));
  CheckText("created", Text(r, "summary", 0, "basis"));
  CheckText("reached", Text(r, "summary", 0, "count"));
  CheckCondition(IsNull(r, "summary", 0, "from"));
  vrk_report_free(r);

  /* Closed in [03-06, 03-07): D1 and D2. */
  vrk_history_options_init(&h);
  h.basis = VRK_BASIS_CLOSED;
  h.count = VRK_COUNT_ENTERED;
  h.filter.has_from = 1;
  h.filter.from = At(6, 0);
  h.filter.has_to = 1;
  h.filter.to = At(7, 0);
  CheckOk(vrk_store_report_history(&r, store, &h));
  CheckCondition(Int(r, "summary", 0, "deals") == 2);
  CheckCondition(Int(r, "summary", 0, "from") == At(6, 0));
  CheckText("closed", Text(r, "summary", 0, "basis"));
  CheckText("entered", Text(r, "summary", 0, "count"));
  CheckCondition(Int(r, "stages", 0, "won_stages") == 2);
  CheckCondition(Int(r, "stages", 0, "won_amount") == 3000);
  vrk_report_free(r);
  h.filter.to = At(5, 0);
  CheckStatus(vrk_store_report_history(&r, store, &h), VRK_INVALID_ARGUMENT);
  CheckText("the period's start 2025-03-06T00:00:00Z is after its end 2025-03-05T00:00:00Z",
            vrk_last_error());
  vrk_history_options_init(&h);
  h.basis = 3;
  CheckStatus(vrk_store_report_history(&r, store, &h), VRK_INVALID_ARGUMENT);
  CheckText("vrk_history_options.basis is 3, not a vrk_basis", vrk_last_error());
  h.basis = VRK_BASIS_CREATED;
  h.count = -1;
  CheckStatus(vrk_store_report_history(&r, store, &h), VRK_INVALID_ARGUMENT);
  CheckText("vrk_history_options.count is -1, not a vrk_count", vrk_last_error());
  h.size = 0;
  CheckStatus(vrk_store_report_history(&r, store, &h), VRK_INVALID_ARGUMENT);
  CheckStatus(vrk_store_report_history(&r, NULL, NULL), VRK_INVALID_ARGUMENT);
  CheckStatus(vrk_store_report_history(NULL, store, NULL), VRK_INVALID_ARGUMENT);
  vrk_history_options_init(NULL);

  /* Conversion: win rates 1/2, 1/2, 1/1. */
  vrk_conversion_options_init(&c);
  CheckOk(vrk_store_report_conversion(&r, store, &c));
  CheckText("conversion", vrk_report_name(r));
  CheckCondition(Int(r, "stages", 0, "deals") == 4);
  CheckCondition(Real(r, "stages", 0, "drop_off") == 0.5);
  CheckCondition(Real(r, "stages", 0, "win_rate") == 0.5);
  CheckCondition(Real(r, "stages", 2, "win_rate") == 1.0);
  CheckCondition(Int(r, "stages", 1, "lost") == 1);
  CheckCondition(Rows(r, "flows") == 0); /* a line has no branches */
  CheckText("c", Text(r, "summary", 0, "key_level"));
  vrk_report_free(r);
  /* By month of opening: every deal in 2025-03. */
  c.breakdown.by = VRK_BREAKDOWN_MONTH;
  c.count = VRK_COUNT_ENTERED;
  c.basis = VRK_BASIS_CREATED;
  CheckOk(vrk_store_report_conversion(&r, store, &c));
  CheckCondition(Rows(r, "summary") == 2);
  CheckText("2025-03", Text(r, "summary", 1, "group"));
  vrk_report_free(r);
  c.basis = 9;
  CheckStatus(vrk_store_report_conversion(&r, store, &c), VRK_INVALID_ARGUMENT);
  CheckText("vrk_conversion_options.basis is 9, not a vrk_basis", vrk_last_error());
  c.basis = 0;
  c.count = 2;
  CheckStatus(vrk_store_report_conversion(&r, store, &c), VRK_INVALID_ARGUMENT);
  c.count = 0;
  c.breakdown.by = -1;
  CheckStatus(vrk_store_report_conversion(&r, store, &c), VRK_INVALID_ARGUMENT);
  c.size = 1;
  CheckStatus(vrk_store_report_conversion(&r, store, &c), VRK_INVALID_ARGUMENT);
  CheckStatus(vrk_store_report_conversion(&r, NULL, NULL), VRK_INVALID_ARGUMENT);
  CheckStatus(vrk_store_report_conversion(NULL, store, NULL), VRK_INVALID_ARGUMENT);
  vrk_conversion_options_init(NULL);
  vrk_store_close(store);
}

static void TestOtherReports(void) {
  vrk_store* store = ScenarioStore();
  vrk_report* r = NULL;
  StartPhase("durations, obligations, losses, owners");
  {
    /* First visits completed: a 24 h (D1) and 48 h (D2); b 24 h and 24 h;
       c 24 h. Opened to won 3 days (D1), to lost 3 days (D2). */
    vrk_durations_options o;
    vrk_durations_options_init(&o);
    CheckOk(vrk_store_report_durations(&r, store, &o));
    CheckCondition(Int(r, "stages", 0, "time_count") == 2);
    CheckCondition(Int(r, "stages", 0, "time_min_ms") == 24 * HOUR);
    CheckCondition(Int(r, "stages", 0, "time_max_ms") == 48 * HOUR);
    CheckCondition(Int(r, "stages", 0, "time_sum_ms") == 72 * HOUR);
    CheckCondition(Real(r, "stages", 0, "time_mean_ms") == 36.0 * HOUR);
    CheckCondition(Int(r, "stages", 1, "time_count") == 2);
    CheckCondition(Int(r, "stages", 1, "time_sum_ms") == 48 * HOUR);
    CheckCondition(Int(r, "stages", 2, "time_count") == 1);
    CheckCondition(Int(r, "summary", 0, "to_won_count") == 1);
    CheckCondition(Int(r, "summary", 0, "to_won_sum_ms") == 3 * DAY);
    CheckCondition(Int(r, "summary", 0, "to_lost_max_ms") == 3 * DAY);
    CheckCondition(Int(r, "summary", 0, "cumulative") == 0);
    vrk_report_free(r);
    o.cumulative = 1;
    o.basis = 7;
    CheckStatus(vrk_store_report_durations(&r, store, &o), VRK_INVALID_ARGUMENT);
    CheckText("vrk_durations_options.basis is 7, not a vrk_basis", vrk_last_error());
    o.basis = VRK_BASIS_ACTIVITY;
    CheckOk(vrk_store_report_durations(&r, store, &o));
    CheckCondition(Int(r, "summary", 0, "cumulative") == 1);
    vrk_report_free(r);
    o.size = 3;
    CheckStatus(vrk_store_report_durations(&r, store, &o), VRK_INVALID_ARGUMENT);
    CheckStatus(vrk_store_report_durations(&r, NULL, NULL), VRK_INVALID_ARGUMENT);
    CheckStatus(vrk_store_report_durations(NULL, store, NULL), VRK_INVALID_ARGUMENT);
    vrk_durations_options_init(NULL);
  }
  {
    /* D3 entered a 03-04 09:00, due 03-06 09:00: 3 h overdue at 12:00. */
    vrk_obligations_options o;
    vrk_obligations_options_init(&o);
    CheckOk(vrk_store_report_obligations(&r, store, &o));
    CheckCondition(Rows(r, "obligations") == 1);
    CheckText("D3", Text(r, "obligations", 0, "deal"));
    CheckText("a", Text(r, "obligations", 0, "stage"));
    CheckText("anna", Text(r, "obligations", 0, "owner"));
    CheckCondition(Int(r, "obligations", 0, "entered_at") == At(4, 9));
    CheckCondition(Int(r, "obligations", 0, "due_at") == At(6, 9));
    CheckCondition(Int(r, "obligations", 0, "overdue_ms") == 3 * HOUR);
    CheckCondition(Rows(r, "owners") == 1);
    CheckCondition(Int(r, "owners", 0, "overdue") == 1);
    vrk_report_free(r);
    o.size = 0;
    CheckStatus(vrk_store_report_obligations(&r, store, &o), VRK_INVALID_ARGUMENT);
    CheckStatus(vrk_store_report_obligations(&r, NULL, NULL), VRK_INVALID_ARGUMENT);
    CheckStatus(vrk_store_report_obligations(NULL, store, NULL), VRK_INVALID_ARGUMENT);
    vrk_obligations_options_init(NULL);
  }
  {
    vrk_losses_options o;
    vrk_losses_options_init(&o);
    CheckOk(vrk_store_report_losses(&r, store, &o));
    CheckCondition(Int(r, "summary", 0, "deals") == 1);
    CheckCondition(Int(r, "summary", 0, "amount") == 2000);
    CheckCondition(Rows(r, "reasons") == 1);
    CheckText("price", Text(r, "reasons", 0, "reason"));
    CheckCondition(Rows(r, "cells") == 1);
    CheckText("b", Text(r, "cells", 0, "stage"));
    CheckCondition(Int(r, "cells", 0, "amount") == 2000);
    vrk_report_free(r);
    o.breakdown.by = VRK_BREAKDOWN_CLIENT;
    CheckOk(vrk_store_report_losses(&r, store, &o));
    CheckText("globex", Text(r, "summary", 1, "group"));
    vrk_report_free(r);
    o.breakdown.by = 99;
    CheckStatus(vrk_store_report_losses(&r, store, &o), VRK_INVALID_ARGUMENT);
    o.size = 0;
    CheckStatus(vrk_store_report_losses(&r, store, &o), VRK_INVALID_ARGUMENT);
    CheckStatus(vrk_store_report_losses(&r, NULL, NULL), VRK_INVALID_ARGUMENT);
    CheckStatus(vrk_store_report_losses(NULL, store, NULL), VRK_INVALID_ARGUMENT);
    vrk_losses_options_init(NULL);
  }
  {
    /* anna: opened 2, won 1 (1,000), win rate 1; boris: opened 2, lost 1 at b. */
    vrk_owners_options o;
    vrk_owners_options_init(&o);
    CheckOk(vrk_store_report_owners(&r, store, &o));
    CheckCondition(Rows(r, "owners") == 2);
    CheckText("anna", Text(r, "owners", 0, "owner"));
    CheckCondition(Int(r, "owners", 0, "rank") == 1);
    CheckCondition(Int(r, "owners", 0, "opened") == 2);
    CheckCondition(Int(r, "owners", 0, "won") == 1);
    CheckCondition(Real(r, "owners", 0, "win_rate") == 1.0);
    CheckCondition(Int(r, "owners", 0, "won_amount") == 1000);
    CheckCondition(llabs(Int(r, "owners", 0, "median_cycle_ms") - 3 * DAY) <= 3 * DAY / 100);
    CheckText("boris", Text(r, "owners", 1, "owner"));
    CheckCondition(Real(r, "owners", 1, "win_rate") == 0.0);
    CheckCondition(IsNull(r, "owners", 1, "median_cycle_ms"));
    CheckText("b", Text(r, "owners", 1, "worst_stage"));
    CheckCondition(Int(r, "owners", 1, "worst_stage_lost") == 1);
    vrk_report_free(r);
    o.size = 0;
    CheckStatus(vrk_store_report_owners(&r, store, &o), VRK_INVALID_ARGUMENT);
    CheckStatus(vrk_store_report_owners(&r, NULL, NULL), VRK_INVALID_ARGUMENT);
    CheckStatus(vrk_store_report_owners(NULL, store, NULL), VRK_INVALID_ARGUMENT);
    vrk_owners_options_init(NULL);
  }
  vrk_store_close(store);
}

static void TestForecastWhatIfWindow(void) {
  vrk_store* store = ScenarioStore();
  vrk_report* r = NULL;
  StartPhase("forecast, what-if, window");
  {
    /* D3 at a: 3,000 x 0.1 declared; learned 1/2 (D1 won, D2 lost); 3 days
       from a to won (D1), so expected 03-07: month 2025-03. */
    vrk_forecast_options o;
    vrk_forecast_options_init(&o);
    CheckOk(vrk_store_report_forecast(&r, store, &o));
    CheckCondition(Int(r, "stages", 0, "open") == 1);
    CheckCondition(Real(r, "stages", 0, "probability") == 0.1);
    CheckCondition(Int(r, "stages", 0, "weighted_amount") == 300);
    CheckCondition(Real(r, "stages", 0, "learned_probability") == 0.5);
    CheckCondition(Int(r, "stages", 0, "learned_weighted_amount") == 1500);
    CheckCondition(Rows(r, "months") == 1);
    CheckText("2025-03", Text(r, "months", 0, "month"));
    CheckCondition(Int(r, "months", 0, "deals") == 1);
    CheckCondition(Int(r, "summary", 0, "learned_weighted_amount") == 1500);
    CheckCondition(Int(r, "summary", 0, "lookback_from") == At(6, 12) - 365 * DAY);
    vrk_report_free(r);
    o.lookback_days = 1; /* D1 and D2 both closed in [03-05 12:00, 03-06 12:00] */
    CheckOk(vrk_store_report_forecast(&r, store, &o));
    CheckCondition(Real(r, "stages", 0, "learned_probability") == 0.5);
    vrk_report_free(r);
    o.breakdown.by = VRK_BREAKDOWN_FIELD;
    CheckStatus(vrk_store_report_forecast(&r, store, &o), VRK_INVALID_ARGUMENT);
    o.size = 0;
    CheckStatus(vrk_store_report_forecast(&r, store, &o), VRK_INVALID_ARGUMENT);
    CheckStatus(vrk_store_report_forecast(&r, NULL, NULL), VRK_INVALID_ARGUMENT);
    CheckStatus(vrk_store_report_forecast(NULL, store, NULL), VRK_INVALID_ARGUMENT);
    vrk_forecast_options_init(NULL);
  }
  {
    /* Doubling every step: a 0.5 -> 1, b 0.5 -> 1, c stays 1: 4 wins of
       1,000 instead of 1. */
    vrk_whatif_options o;
    const char* stages[] = {"b"};
    const double multipliers[] = {1.0};
    vrk_whatif_options_init(&o);
    o.all_stages = 2;
    o.stages = stages;
    o.multipliers = multipliers;
    o.stage_count = 1;
    CheckOk(vrk_store_report_whatif(&r, store, &o));
    CheckText("whatif", vrk_report_name(r));
    CheckCondition(Int(r, "summary", 0, "baseline_won") == 1);
    CheckCondition(Real(r, "summary", 0, "projected_won") == 4.0);
    CheckCondition(Int(r, "summary", 0, "baseline_won_amount") == 1000);
    CheckCondition(Int(r, "summary", 0, "projected_won_amount") == 4000);
    CheckCondition(Real(r, "stages", 1, "projected_reached") == 4.0);
    CheckCondition(Real(r, "stages", 1, "projected_step") == 1.0);
    CheckCondition(Real(r, "stages", 1, "baseline_step") == 0.5);
    vrk_report_free(r);
    stages[0] = "zz";
    CheckStatus(vrk_store_report_whatif(&r, store, &o), VRK_NOT_FOUND);
    CheckText("what-if: unknown stage 'zz'", vrk_last_error());
    stages[0] = NULL;
    CheckStatus(vrk_store_report_whatif(&r, store, &o), VRK_INVALID_ARGUMENT);
    CheckText("vrk_whatif_options.stages[0] is NULL", vrk_last_error());
    o.multipliers = NULL;
    CheckStatus(vrk_store_report_whatif(&r, store, &o), VRK_INVALID_ARGUMENT);
    CheckText("vrk_whatif_options.stages or multipliers is NULL but stage_count is 1",
              vrk_last_error());
    o.stage_count = 0;
    o.inflow = -1;
    CheckStatus(vrk_store_report_whatif(&r, store, &o), VRK_INVALID_ARGUMENT);
    CheckText("what-if: inflow is -1; it must be a number from 0 to 1000000", vrk_last_error());
    /* NaN and infinity are no multipliers either (NaN fails every
       comparison, so it must not slip past the test for negatives). */
    o.inflow = 0;
    o.all_stages = NAN;
    CheckStatus(vrk_store_report_whatif(&r, store, &o), VRK_INVALID_ARGUMENT);
    CheckText("what-if: all_stages is nan; it must be a number from 0 to 1000000",
              vrk_last_error());
    o.all_stages = 0;
    o.sensitivity_step = INFINITY;
    CheckStatus(vrk_store_report_whatif(&r, store, &o), VRK_INVALID_ARGUMENT);
    CheckText("what-if: sensitivity_step is inf; it must be a number from 0 to 1000000",
              vrk_last_error());
    /* A bound keeps the projection finite. */
    o.sensitivity_step = 0;
    o.inflow = 1e308;
    CheckStatus(vrk_store_report_whatif(&r, store, &o), VRK_INVALID_ARGUMENT);
    CheckText("what-if: inflow is 1e+308; it must be a number from 0 to 1000000",
              vrk_last_error());
    o.inflow = 1e6;
    CheckStatus(vrk_store_report_whatif(&r, store, &o), VRK_OK);
    CheckCondition(Int(r, "stages", 0, "baseline_reached") == 4);
    CheckCondition(Real(r, "stages", 0, "projected_reached") == 4e6);
    CheckCondition(Real(r, "summary", 0, "projected_won") == 1e6);
    CheckCondition(Int(r, "summary", 0, "projected_won_amount") == 1000000000);
    vrk_report_free(r);
    o.inflow = 0;
    {
      const char* nan_stages[] = {"b"};
      const double nan_multipliers[] = {NAN};
      o.stages = nan_stages;
      o.multipliers = nan_multipliers;
      o.stage_count = 1;
      CheckStatus(vrk_store_report_whatif(&r, store, &o), VRK_INVALID_ARGUMENT);
      CheckText("what-if: the multiplier of stage 'b' is nan; it must be a number from 0 to "
                "1000000",
                vrk_last_error());
      CheckStatus(vrk_store_report_json(&r, store, "{\"whatif\": {\"inflow\": \"NaN\"}}"),
                  VRK_INVALID_ARGUMENT);
      CheckText("what-if: inflow is nan; it must be a number from 0 to 1000000", vrk_last_error());
      o.stage_count = 0;
    }
    o.size = 0;
    CheckStatus(vrk_store_report_whatif(&r, store, &o), VRK_INVALID_ARGUMENT);
    CheckStatus(vrk_store_report_whatif(&r, NULL, NULL), VRK_INVALID_ARGUMENT);
    CheckStatus(vrk_store_report_whatif(NULL, store, NULL), VRK_INVALID_ARGUMENT);
    vrk_whatif_options_init(NULL);
  }
  {
    /* A one-day window: D1 a -> b at exactly 24 h (level 2; c at 48 h is
       outside); D2 b at 48 h (level 1); D3, D4 level 1. */
    vrk_window_options o;
    vrk_window_options_init(&o);
    o.window_ms = DAY;
    CheckOk(vrk_store_report_window(&r, store, &o));
    CheckCondition(Rows(r, "levels") == 3);
    CheckCondition(Int(r, "levels", 0, "deals") == 3);
    CheckCondition(Int(r, "levels", 0, "reached") == 4);
    CheckCondition(Int(r, "levels", 1, "deals") == 1);
    CheckCondition(Int(r, "levels", 1, "reached") == 1);
    CheckCondition(Int(r, "levels", 2, "reached") == 0);
    CheckText("DEFAULT", Text(r, "summary", 0, "mode"));
    vrk_report_free(r);
    o.mode = VRK_WINDOW_STRICT_INCREASE;
    CheckOk(vrk_store_report_window(&r, store, &o));
    CheckText("STRICT_INCREASE", Text(r, "summary", 0, "mode"));
    vrk_report_free(r);
    o.mode = 4;
    CheckStatus(vrk_store_report_window(&r, store, &o), VRK_INVALID_ARGUMENT);
    CheckText("vrk_window_options.mode is 4, not a vrk_window_mode", vrk_last_error());
    o.mode = 0;
    o.window_ms = 0;
    CheckStatus(vrk_store_report_window(&r, store, &o), VRK_INVALID_ARGUMENT);
    CheckText("window: the window must be positive, not 0 ms", vrk_last_error());
    CheckStatus(vrk_store_report_window(&r, store, NULL), VRK_INVALID_ARGUMENT);
    o.size = 0;
    CheckStatus(vrk_store_report_window(&r, store, &o), VRK_INVALID_ARGUMENT);
    CheckStatus(vrk_store_report_window(&r, NULL, NULL), VRK_INVALID_ARGUMENT);
    CheckStatus(vrk_store_report_window(NULL, store, NULL), VRK_INVALID_ARGUMENT);
    vrk_window_options_init(NULL);
  }
  vrk_store_close(store);
}

static void TestReportHandle(void) {
  vrk_store* store = ScenarioStore();
  vrk_report* r = NULL;
  vrk_buf buf = {NULL, 0};
  size_t index = 7;
  StartPhase("report handle");
  CheckOk(vrk_store_report_json(&r, store,
                                "{\"history\": {\"filter\": {\"process\": \"line\"},"
                                " \"basis\": \"CREATED\"}}"));
  CheckText("history", vrk_report_name(r));

  /* Tables and columns. */
  CheckCondition(vrk_report_table_count(r) == 2);
  CheckStatus(vrk_report_find_table(&index, r, "flows"), VRK_NOT_FOUND);
  CheckCondition(index == 0);
  CheckText("the history report has no table 'flows' (tables: stages, summary)", vrk_last_error());
  CheckStatus(vrk_report_find_table(NULL, r, "stages"), VRK_INVALID_ARGUMENT);
  CheckStatus(vrk_report_find_table(&index, NULL, "stages"), VRK_INVALID_ARGUMENT);
  CheckStatus(vrk_report_find_table(&index, r, NULL), VRK_INVALID_ARGUMENT);
  CheckCondition(vrk_report_column_count(r, 0) == 11);
  CheckText("stage", vrk_report_column_name(r, 0, 0));
  CheckText("cumulative_conversion", vrk_report_column_name(r, 0, 10));
  CheckCondition(vrk_report_column_name(r, 0, 11) == NULL);
  CheckCondition(vrk_report_column_name(r, 2, 0) == NULL);
  CheckCondition(vrk_report_column_kind(r, 0, 0) == VRK_COLUMN_TEXT);
  CheckCondition(vrk_report_column_kind(r, 0, 2) == VRK_COLUMN_COUNT);
  CheckCondition(vrk_report_column_kind(r, 0, 7) == VRK_COLUMN_MONEY);
  CheckCondition(vrk_report_column_kind(r, 0, 9) == VRK_COLUMN_RATIO);
  CheckCondition(vrk_report_column_kind(r, 0, 11) == VRK_INVALID_ARGUMENT);
  CheckCondition(vrk_report_column_kind(r, 5, 0) == VRK_INVALID_ARGUMENT);
  CheckText("vrk_report_column_kind: no column 0 of table 5", vrk_last_error());
  CheckOk(vrk_report_find_column(&index, r, 1, "as_of"));
  CheckCondition(vrk_report_column_kind(r, 1, index) == VRK_COLUMN_TIME);
  CheckStatus(vrk_report_find_column(&index, r, 0, "nope"), VRK_NOT_FOUND);
  CheckText("table 'stages' has no column 'nope'", vrk_last_error());
  CheckStatus(vrk_report_find_column(&index, r, 2, "stage"), VRK_INVALID_ARGUMENT);
  CheckText("vrk_report_find_column: table 2 is out of range: the report has 2 tables",
            vrk_last_error());
  CheckStatus(vrk_report_find_column(NULL, r, 0, "stage"), VRK_INVALID_ARGUMENT);
  CheckStatus(vrk_report_find_column(&index, NULL, 0, "stage"), VRK_INVALID_ARGUMENT);
  CheckStatus(vrk_report_find_column(&index, r, 0, NULL), VRK_INVALID_ARGUMENT);
  CheckCondition(vrk_report_row_count(r, 0) == 3 && vrk_report_row_count(r, 1) == 1);
  CheckCondition(vrk_report_row_count(r, 2) == 0);

  /* Values of each type, and of the wrong type. */
  CheckCondition(vrk_report_value_type(r, 0, 0, 0) == VRK_VALUE_TEXT);
  CheckCondition(vrk_report_value_type(r, 0, 0, 3) == VRK_VALUE_INT64);
  CheckCondition(vrk_report_value_type(r, 0, 0, 9) == VRK_VALUE_DOUBLE);
  CheckCondition(vrk_report_value_type(r, 0, 3, 0) == VRK_INVALID_ARGUMENT);
  CheckCondition(vrk_report_value_type(r, 0, 0, 11) == VRK_INVALID_ARGUMENT);
  CheckText("vrk_report_value_type: no cell at row 0, column 11 of table 0", vrk_last_error());
  CheckCondition(vrk_report_value_type(NULL, 0, 0, 0) == VRK_INVALID_ARGUMENT);
  CheckCondition(vrk_report_int64(r, 0, 0, 3) == 4);      /* reached(a) */
  CheckCondition(vrk_report_double(r, 0, 0, 3) == 4.0);   /* an integer, converted */
  CheckCondition(vrk_report_double(r, 0, 0, 9) == 0.5);   /* step conversion of a */
  CheckCondition(vrk_report_int64(r, 0, 0, 9) == 0);      /* not an integer */
  CheckCondition(vrk_report_text(r, 0, 0, 3) == NULL);    /* not text */
  CheckText("a", vrk_report_text(r, 0, 0, 0));
  CheckCondition(vrk_report_double(r, 0, 0, 0) == 0.0);   /* text */
  CheckCondition(vrk_report_int64(r, 0, 9, 0) == 0 && vrk_report_double(r, 0, 9, 0) == 0.0 &&
                 vrk_report_text(r, 0, 9, 0) == NULL);
  CheckCondition(vrk_report_name(NULL) == NULL && vrk_report_title(NULL) == NULL &&
                 vrk_report_table_count(NULL) == 0 && vrk_report_table_name(NULL, 0) == NULL &&
                 vrk_report_column_count(NULL, 0) == 0 &&
                 vrk_report_column_name(NULL, 0, 0) == NULL &&
                 vrk_report_column_kind(NULL, 0, 0) == VRK_INVALID_ARGUMENT &&
                 vrk_report_row_count(NULL, 0) == 0 && vrk_report_int64(NULL, 0, 0, 0) == 0 &&
                 vrk_report_double(NULL, 0, 0, 0) == 0.0 && vrk_report_text(NULL, 0, 0, 0) == NULL);

  /* Bytes and text. */
  CheckOk(vrk_report_protobuf(&buf, r));
  CheckCondition(buf.size > 50 && (unsigned char)buf.data[0] == 0x12); /* field 2 (history) */
  vrk_buf_free(&buf);
  CheckOk(vrk_report_json(&buf, r));
  CheckContains(buf.data, "\"key_level\": \"c\"");
  CheckContains(buf.data, "\"process\": \"line\"");
  CheckCondition(strlen(buf.data) == buf.size);
  vrk_buf_free(&buf);
  CheckOk(vrk_report_render(&buf, r, VRK_FORMAT_CSV, NULL));
  {
    const char* head =
        "stage,name,entered,reached,visits,won_stages,lost_stages,won_amount,lost_amount,"
        "step_conversion,cumulative_conversion\na,Stage A,4,4,4,2,0,3000,0,0.5,1\n";
    CheckCondition(strncmp(buf.data, head, strlen(head)) == 0);
  }
  vrk_buf_free(&buf);
  CheckOk(vrk_report_render(&buf, r, VRK_FORMAT_CSV, "summary"));
  CheckContains(buf.data, "process,basis,count,from,to,as_of,deals,won,lost");
  vrk_buf_free(&buf);
  CheckOk(vrk_report_render(&buf, r, VRK_FORMAT_TABLE, NULL));
  CheckContains(buf.data, "History of 'line'");
  vrk_buf_free(&buf);
  CheckOk(vrk_report_render(&buf, r, VRK_FORMAT_JSON, ""));
  CheckContains(buf.data, "\"bottleneck\": \"a\"");
  vrk_buf_free(&buf);
  CheckOk(vrk_report_render(&buf, r, VRK_FORMAT_HTML, NULL));
  CheckContains(buf.data, "<svg");
  vrk_buf_free(&buf);
  /* The table format writes a named table alone, after the title. */
  CheckOk(vrk_report_render(&buf, r, VRK_FORMAT_TABLE, "summary"));
  CheckContains(buf.data, "History of 'line'");
  CheckContains(buf.data, "\nkey_level    c\n");
  CheckCondition(strstr(buf.data, "stages") == NULL);
  vrk_buf_free(&buf);
  {
    const vrk_format formats[] = {VRK_FORMAT_CSV, VRK_FORMAT_TABLE, VRK_FORMAT_JSON,
                                  VRK_FORMAT_HTML};
    for (size_t i = 0; i < sizeof formats / sizeof formats[0]; ++i) {
      CheckStatus(vrk_report_render(&buf, r, formats[i], "nope"), VRK_INVALID_ARGUMENT);
      CheckCondition(buf.data == NULL);
      CheckText("the history report has no table 'nope' (tables: stages, summary)",
                vrk_last_error());
    }
  }
  CheckStatus(vrk_report_render(&buf, r, VRK_FORMAT_JSON, "summary"), VRK_INVALID_ARGUMENT);
  CheckText("the json format renders the whole report; a table is rendered alone in the table "
            "or csv format",
            vrk_last_error());
  CheckStatus(vrk_report_render(&buf, r, VRK_FORMAT_HTML, "stages"), VRK_INVALID_ARGUMENT);
  CheckText("the html format renders the whole report; a table is rendered alone in the table "
            "or csv format",
            vrk_last_error());
  CheckStatus(vrk_report_render(&buf, r, 4, NULL), VRK_INVALID_ARGUMENT);
  CheckText("vrk_report_render: format 4 is not a vrk_format", vrk_last_error());
  CheckStatus(vrk_report_render(&buf, NULL, VRK_FORMAT_CSV, NULL), VRK_INVALID_ARGUMENT);
  CheckStatus(vrk_report_render(NULL, r, VRK_FORMAT_CSV, NULL), VRK_INVALID_ARGUMENT);
  CheckStatus(vrk_report_protobuf(&buf, NULL), VRK_INVALID_ARGUMENT);
  CheckStatus(vrk_report_protobuf(NULL, r), VRK_INVALID_ARGUMENT);
  CheckStatus(vrk_report_json(&buf, NULL), VRK_INVALID_ARGUMENT);
  CheckStatus(vrk_report_json(NULL, r), VRK_INVALID_ARGUMENT);
  vrk_report_free(r);
  vrk_report_free(NULL);

  /* Specs in JSON. */
  r = (vrk_report*)&buf;
  CheckStatus(vrk_store_report_json(&r, store, "{\"history\": "), VRK_INVALID_ARGUMENT);
  CheckCondition(r == NULL);
  CheckLastError("report spec JSON");
  CheckStatus(vrk_store_report_json(&r, store, "{\"histori\": {}}"), VRK_INVALID_ARGUMENT);
  CheckLastError("histori");
  CheckStatus(vrk_store_report_json(&r, store, "{}"), VRK_INVALID_ARGUMENT);
  CheckText("the report spec names no report", vrk_last_error());
  CheckStatus(vrk_store_report_json(&r, store, "{\"losses\": {\"filter\": {\"process\": \"x\"}}}"),
              VRK_NOT_FOUND);
  CheckStatus(vrk_store_report_json(&r, NULL, "{}"), VRK_INVALID_ARGUMENT);
  CheckStatus(vrk_store_report_json(&r, store, NULL), VRK_INVALID_ARGUMENT);
  CheckStatus(vrk_store_report_json(NULL, store, "{}"), VRK_INVALID_ARGUMENT);
  CheckOk(vrk_store_report_json(&r, store, "{\"owners\": {}}"));
  CheckText("owners", vrk_report_name(r));
  vrk_report_free(r);
  vrk_store_close(store);
}

/* Two partitions that split the deals, merged, equal the whole. */
static void TestPartials(void) {
  vrk_store* whole = ScenarioStore();
  vrk_store* part1 = NULL;
  vrk_store* part2 = NULL;
  vrk_partial* states[2] = {NULL, NULL};
  vrk_partial* merged = NULL;
  vrk_partial* copy = NULL;
  vrk_report* r = NULL;
  vrk_report* expected = NULL;
  vrk_buf bytes = {NULL, 0}, a = {NULL, 0}, b = {NULL, 0};
  vrk_event_columns columns;
  vrk_batch_result* result = NULL;
  int64_t at[kRows];
  const char* spec = "{\"history\": {\"basis\": \"CREATED\"}}";
  StartPhase("partial states");

  /* Partition 1 takes the accepted rows of D1 and D3, partition 2 those of
     D2 and D4. */
  CheckOk(vrk_store_open_memory(&part1));
  CheckOk(vrk_store_open_memory(&part2));
  CheckOk(vrk_store_add_process(NULL, NULL, part1, kLineProcess));
  CheckOk(vrk_store_add_process(NULL, NULL, part2, kLineProcess));
  {
    static const size_t mine[] = {0, 2, 4, 5, 8, 9, 11};
    static const size_t theirs[] = {1, 3, 6, 7, 10};
    const char* ids[7];
    const char* deals[7];
    const char* processes[7];
    const char* stages[7];
    const char* owners[7];
    const char* clients[7];
    const char* reasons[7];
    const char* fields[7];
    const char* values[7];
    const char* activities[7];
    int64_t times[7], amounts[7];
    uint8_t kinds[7];
    int part;
    ScenarioColumns(&columns, at);
    for (part = 0; part < 2; ++part) {
      const size_t* rows = part == 0 ? mine : theirs;
      size_t n = part == 0 ? 7 : 5, i;
      vrk_event_columns c = columns;
      for (i = 0; i < n; ++i) {
        size_t row = rows[i];
        ids[i] = kIds[row];
        deals[i] = kDeals[row];
        processes[i] = kProcesses[row];
        stages[i] = kStages[row];
        owners[i] = kOwners[row];
        clients[i] = kClients[row];
        reasons[i] = kReasons[row];
        fields[i] = kFields[row];
        values[i] = kValues[row];
        activities[i] = kActivities[row];
        times[i] = at[row];
        amounts[i] = kAmounts[row];
        kinds[i] = kKinds[row];
      }
      c.count = n;
      c.event_id = ids;
      c.deal = deals;
      c.process = processes;
      c.stage = stages;
      c.owner = owners;
      c.client = clients;
      c.reason = reasons;
      c.field = fields;
      c.value = values;
      c.activity = activities;
      c.at = times;
      c.amount = amounts;
      c.kind = kinds;
      CheckOk(vrk_store_append_batch(&result, part == 0 ? part1 : part2, &c));
      CheckCondition(vrk_batch_result_accepted(result) == n);
      vrk_batch_result_free(result);
    }
  }
  CheckOk(vrk_store_compute_partial(&states[0], part1, spec));
  CheckOk(vrk_store_compute_partial(&states[1], part2, spec));
  /* Through bytes, as they would travel. */
  CheckOk(vrk_partial_serialize(&bytes, states[1]));
  CheckOk(vrk_partial_deserialize(&copy, bytes.data, bytes.size));
  vrk_buf_free(&bytes);
  vrk_partial_free(states[1]);
  states[1] = copy;
  CheckOk(vrk_partial_merge(&merged, (const vrk_partial* const*)states, 2));
  CheckOk(vrk_partial_finish(&r, merged));
  CheckOk(vrk_store_report_json(&expected, whole, spec));
  CheckOk(vrk_report_protobuf(&a, r));
  CheckOk(vrk_report_protobuf(&b, expected));
  CheckCondition(a.size == b.size && memcmp(a.data, b.data, a.size) == 0);
  CheckCondition(Int(r, "stages", 0, "reached") == 4);
  vrk_buf_free(&a);
  vrk_buf_free(&b);
  vrk_report_free(r);
  vrk_report_free(expected);

  /* A merge of one is that one. */
  vrk_partial_free(merged);
  CheckOk(vrk_partial_merge(&merged, (const vrk_partial* const*)states, 1));
  vrk_partial_free(merged);

  /* Errors. */
  {
    vrk_partial* other = NULL;
    const vrk_partial* mixed[2];
    const vrk_partial* holes[2];
    CheckOk(vrk_store_compute_partial(&other, part1, "{\"losses\": {}}"));
    mixed[0] = states[0];
    mixed[1] = other;
    merged = (vrk_partial*)&bytes;
    CheckStatus(vrk_partial_merge(&merged, mixed, 2), VRK_INVALID_ARGUMENT);
    CheckCondition(merged == NULL);
    CheckText("partial state 1 was computed for other report options than state 0",
              vrk_last_error());
    holes[0] = states[0];
    holes[1] = NULL;
    CheckStatus(vrk_partial_merge(&merged, holes, 2), VRK_INVALID_ARGUMENT);
    CheckText("vrk_partial_merge: parts[1] is NULL", vrk_last_error());
    CheckStatus(vrk_partial_merge(&merged, mixed, 0), VRK_INVALID_ARGUMENT);
    CheckText("no partial states to merge", vrk_last_error());
    CheckStatus(vrk_partial_merge(&merged, NULL, 1), VRK_INVALID_ARGUMENT);
    CheckStatus(vrk_partial_merge(NULL, mixed, 1), VRK_INVALID_ARGUMENT);
    vrk_partial_free(other);

    /* Snapshots at different times do not merge. */
    CheckOk(vrk_store_compute_partial(&other, part1, "{\"snapshot\": {}}"));
    CheckOk(vrk_store_compute_partial(&copy, part2, "{\"snapshot\": {}}"));
    mixed[0] = other;
    mixed[1] = copy;
    CheckStatus(vrk_partial_merge(&merged, mixed, 2), VRK_INVALID_ARGUMENT);
    CheckLastError("different times");
    vrk_partial_free(other);
    vrk_partial_free(copy);

    CheckStatus(vrk_store_compute_partial(&other, part1, "{\"snapshot\": 3}"),
                VRK_INVALID_ARGUMENT);
    CheckCondition(other == NULL);
    CheckLastError("report spec JSON");
    CheckStatus(vrk_store_compute_partial(&other, part1, "{\"history\": {\"filter\":"
                                                         " {\"process\": \"p\"}}}"),
                VRK_NOT_FOUND);
    CheckStatus(vrk_store_compute_partial(&other, NULL, spec), VRK_INVALID_ARGUMENT);
    CheckStatus(vrk_store_compute_partial(&other, part1, NULL), VRK_INVALID_ARGUMENT);
    CheckStatus(vrk_store_compute_partial(NULL, part1, spec), VRK_INVALID_ARGUMENT);

    /* Bytes that are not a state; a state of a future format. */
    copy = (vrk_partial*)&bytes;
    CheckStatus(vrk_partial_deserialize(&copy, "\xff\xff\xff", 3), VRK_INVALID_ARGUMENT);
    CheckCondition(copy == NULL);
    CheckText("vrk_partial_deserialize: the bytes are not a serialized partial state",
              vrk_last_error());
    CheckStatus(vrk_partial_deserialize(&copy, NULL, 3), VRK_INVALID_ARGUMENT);
    CheckStatus(vrk_partial_deserialize(NULL, "", 0), VRK_INVALID_ARGUMENT);
    CheckOk(vrk_partial_deserialize(&copy, "\x08\x01", 2)); /* format_version 1 */
    CheckStatus(vrk_partial_finish(&r, copy), VRK_VERSION_MISMATCH);
    CheckCondition(r == NULL);
    CheckText("partial state has format version 1, this library reads 3", vrk_last_error());
    vrk_partial_free(copy);
    CheckOk(vrk_partial_deserialize(&copy, NULL, 0)); /* empty: version 0 */
    CheckStatus(vrk_partial_finish(&r, copy), VRK_VERSION_MISMATCH);
    vrk_partial_free(copy);
    CheckStatus(vrk_partial_finish(&r, NULL), VRK_INVALID_ARGUMENT);
    CheckStatus(vrk_partial_finish(NULL, states[0]), VRK_INVALID_ARGUMENT);
    CheckStatus(vrk_partial_serialize(&bytes, NULL), VRK_INVALID_ARGUMENT);
    CheckCondition(bytes.data == NULL);
    CheckStatus(vrk_partial_serialize(NULL, states[0]), VRK_INVALID_ARGUMENT);
  }
  vrk_partial_free(states[0]);
  vrk_partial_free(states[1]);
  vrk_partial_free(NULL);
  vrk_store_close(part1);
  vrk_store_close(part2);
  vrk_store_close(whole);
}

static void TestFileStores(void) {
  vrk_store* store = NULL;
  vrk_store* second = NULL;
  vrk_store* reader = NULL;
  vrk_store_options options;
  vrk_open_info info;
  vrk_event_columns columns;
  vrk_batch_result* result = NULL;
  vrk_event e;
  vrk_deal* deal = NULL;
  int64_t at[kRows];
  int changed = -1;
  StartPhase("file stores");
  Path(store_path, "pipeline.vrk");
  RemoveStoreFiles(store_path);

  vrk_store_options_init(&options);
  CheckCondition(options.size == sizeof options && options.durability == VRK_DURABILITY_SYNC &&
                 options.read_only == 0 && options.create_if_missing == 1 &&
                 options.checkpoint_every == 0 && options.group_max_delay_ms == 50 &&
                 options.group_max_events == 100000);
  vrk_store_options_init(NULL);

  /* Not there, not creating it. */
  options.create_if_missing = 0;
  store = (vrk_store*)&options;
  CheckStatus(vrk_store_open(&store, store_path, &options), VRK_NOT_FOUND);
  CheckCondition(store == NULL);

  /* Created. */
  CheckOk(vrk_store_open(&store, store_path, NULL));
  info.size = sizeof info;
  CheckOk(vrk_store_open_info(&info, store));
  CheckCondition(info.created == 1 && info.replayed_events == 0 && info.from_checkpoint == 0 &&
                 info.dropped_tail_bytes == 0);
  CheckText("", info.warning);
  info.size = 4;
  CheckStatus(vrk_store_open_info(&info, store), VRK_INVALID_ARGUMENT);
  CheckText("vrk_open_info.size is 4; this library expects sizeof(vrk_open_info), 40",
            vrk_last_error());
  info.size = sizeof info;
  CheckStatus(vrk_store_open_info(NULL, store), VRK_INVALID_ARGUMENT);
  CheckStatus(vrk_store_open_info(&info, NULL), VRK_INVALID_ARGUMENT);
  CheckOk(vrk_store_add_process(NULL, NULL, store, kLineProcess));
  ScenarioColumns(&columns, at);
  CheckOk(vrk_store_append_batch(&result, store, &columns));
  vrk_batch_result_free(result);

  /* One writer: a second handle on the file is refused. */
  second = (vrk_store*)&options;
  CheckStatus(vrk_store_open(&second, store_path, NULL), VRK_LOCKED);
  CheckCondition(second == NULL);
  CheckLastError("is locked by another writer (pid ");

  /* A reader beside the writer follows it with refresh. */
  vrk_store_options_init(&options);
  options.read_only = 1;
  CheckOk(vrk_store_open(&reader, store_path, &options));
  e = Event("e20", "D3", At(7, 9), VRK_EVENT_ENTERED);
  e.stage = "b";
  Append(store, &e, VRK_OK, VRK_OUTCOME_ACCEPTED);
  CheckOk(vrk_store_get_deal(&deal, reader, "D3"));
  CheckText("a", vrk_deal_stage(deal));
  vrk_deal_free(deal);
  CheckOk(vrk_store_refresh(reader, &changed));
  CheckCondition(changed == 1);
  CheckOk(vrk_store_get_deal(&deal, reader, "D3"));
  CheckText("b", vrk_deal_stage(deal));
  vrk_deal_free(deal);
  CheckOk(vrk_store_refresh(reader, NULL));
  CheckOk(vrk_store_refresh(reader, &changed));
  CheckCondition(changed == 0);
  /* The reader writes nothing. */
  e = Event("e21", "D3", At(7, 10), VRK_EVENT_FROZEN);
  Append(reader, &e, VRK_INVALID_ARGUMENT, VRK_OUTCOME_REJECTED);
  CheckLastError("read-only");
  CheckStatus(vrk_store_add_process(NULL, NULL, reader, kFreeProcess), VRK_INVALID_ARGUMENT);
  CheckStatus(vrk_store_append_batch(&result, reader, &columns), VRK_INVALID_ARGUMENT);
  CheckCondition(result == NULL);
  CheckStatus(vrk_store_checkpoint(reader), VRK_INVALID_ARGUMENT);
  CheckOk(vrk_store_sync(reader));
  vrk_store_close(reader);

  /* Writers refresh trivially. */
  CheckOk(vrk_store_refresh(store, &changed));
  CheckCondition(changed == 0);
  CheckOk(vrk_store_sync(store));
  CheckOk(vrk_store_checkpoint(store));
  CheckStatus(vrk_store_refresh(NULL, &changed), VRK_INVALID_ARGUMENT);
  CheckStatus(vrk_store_sync(NULL), VRK_INVALID_ARGUMENT);
  CheckStatus(vrk_store_checkpoint(NULL), VRK_INVALID_ARGUMENT);
  vrk_store_close(store);
  vrk_store_close(NULL);

  /* Reopened from the checkpoint, in group-commit mode. */
  vrk_store_options_init(&options);
  options.durability = VRK_DURABILITY_GROUP;
  options.group_max_delay_ms = 5;
  CheckOk(vrk_store_open(&store, store_path, &options));
  CheckOk(vrk_store_open_info(&info, store));
  CheckCondition(info.created == 0 && info.from_checkpoint == 1 && info.replayed_events == 0);
  CheckOk(vrk_store_get_deal(&deal, store, "D3"));
  CheckText("b", vrk_deal_stage(deal));
  vrk_deal_free(deal);
  e = Event("e22", "D3", At(7, 11), VRK_EVENT_FROZEN);
  Append(store, &e, VRK_OK, VRK_OUTCOME_ACCEPTED);
  CheckOk(vrk_store_sync(store));
  vrk_store_close(store);

  /* Options that are not. */
  vrk_store_options_init(&options);
  options.durability = 3;
  CheckStatus(vrk_store_open(&store, store_path, &options), VRK_INVALID_ARGUMENT);
  CheckText("vrk_store_options.durability is 3, not a vrk_durability", vrk_last_error());
  options.durability = VRK_DURABILITY_NONE;
  options.size = sizeof options + 1;
  CheckStatus(vrk_store_open(&store, store_path, &options), VRK_INVALID_ARGUMENT);
  CheckLastError("vrk_store_options.size is");
  CheckStatus(vrk_store_open(&store, NULL, NULL), VRK_INVALID_ARGUMENT);
  CheckStatus(vrk_store_open(NULL, store_path, NULL), VRK_INVALID_ARGUMENT);

  /* Replayed from the log alone (the checkpoint is a cache). */
  {
    char checkpoint[400];
    sprintf(checkpoint, "%s.checkpoint", store_path);
    CheckCondition(remove(checkpoint) == 0);
  }
  CheckOk(vrk_store_open(&store, store_path, NULL));
  CheckOk(vrk_store_open_info(&info, store));
  CheckCondition(info.from_checkpoint == 0 && info.replayed_events == 14);
  {
    vrk_store_stats stats;
    stats.size = sizeof stats;
    CheckOk(vrk_store_get_stats(&stats, store));
    CheckCondition(stats.events == 14 && stats.deals == 4);
    CheckCondition(stats.file_bytes == (uint64_t)FileSize(store_path));
    CheckCondition(stats.log_records == 4); /* process, batch, e20, e22 */
    CheckCondition(stats.durable_bytes == stats.file_bytes);
  }
  vrk_store_close(store);
}

static void TestDamage(void) {
  char damaged[300], fresh[300];
  vrk_store* store = NULL;
  vrk_salvage_report* report = NULL;
  vrk_open_info info;
  long size, middle;
  int byte;
  FILE* f;
  StartPhase("damage and salvage");
  Path(damaged, "pipeline.vrk"); /* the store TestFileStores left */
  Path(fresh, "salvaged.vrk");
  RemoveStoreFiles(fresh);
  size = FileSize(damaged);
  middle = size / 2;

  /* Flip a byte in the middle of the log. */
  f = fopen(damaged, "r+b");
  CheckCondition(f != NULL);
  CheckCondition(fseek(f, middle, SEEK_SET) == 0);
  byte = fgetc(f);
  CheckCondition(byte != EOF);
  CheckCondition(fseek(f, middle, SEEK_SET) == 0);
  CheckCondition(fputc(byte ^ 0x40, f) != EOF);
  fclose(f);

  store = (vrk_store*)&info;
  CheckStatus(vrk_store_open(&store, damaged, NULL), VRK_CORRUPT_STORE);
  CheckCondition(store == NULL);
  CheckLastError("is damaged at offset ");
  CheckLastError("salvage");

  /* Salvage what precedes the damage. */
  CheckOk(vrk_store_salvage(&report, damaged, fresh));
  CheckCondition(vrk_salvage_report_damage_offset(report) <= (uint64_t)middle);
  CheckCondition(vrk_salvage_report_damage_offset(report) > 12);
  CheckCondition(vrk_salvage_report_bytes_lost(report) ==
                 (uint64_t)size - vrk_salvage_report_damage_offset(report));
  CheckCondition(vrk_salvage_report_records_kept(report) >= 1);
  CheckCondition(vrk_salvage_report_events_kept(report) <= 14);
  CheckCondition(strlen(vrk_salvage_report_damage(report)) > 0);
  vrk_salvage_report_free(report);
  CheckOk(vrk_store_open(&store, fresh, NULL));
  info.size = sizeof info;
  CheckOk(vrk_store_open_info(&info, store));
  CheckCondition(info.created == 0);
  vrk_store_close(store);

  /* Errors. */
  report = (vrk_salvage_report*)&info;
  CheckStatus(vrk_store_salvage(&report, damaged, fresh), VRK_INVALID_ARGUMENT);
  CheckCondition(report == NULL);
  CheckLastError("exists");
  {
    char missing[300], other[300];
    Path(missing, "missing.vrk");
    Path(other, "other.vrk");
    CheckStatus(vrk_store_salvage(&report, missing, other), VRK_NOT_FOUND);
    RemoveStoreFiles(other);
  }
  CheckStatus(vrk_store_salvage(&report, NULL, fresh), VRK_INVALID_ARGUMENT);
  CheckStatus(vrk_store_salvage(&report, damaged, NULL), VRK_INVALID_ARGUMENT);
  CheckStatus(vrk_store_salvage(NULL, damaged, fresh), VRK_INVALID_ARGUMENT);
  CheckCondition(vrk_salvage_report_records_kept(NULL) == 0 &&
                 vrk_salvage_report_events_kept(NULL) == 0 &&
                 vrk_salvage_report_bytes_lost(NULL) == 0 &&
                 vrk_salvage_report_damage_offset(NULL) == 0 &&
                 vrk_salvage_report_damage(NULL) == NULL);
  vrk_salvage_report_free(NULL);

  /* Not a store at all. */
  {
    char text[300];
    Path(text, "text.vrk");
    WriteFile(text, "event_id,deal_id\n");
    CheckStatus(vrk_store_open(&store, text, NULL), VRK_CORRUPT_STORE);
    RemoveStoreFiles(text);
  }
  RemoveStoreFiles(damaged);
  RemoveStoreFiles(fresh);
}

static void TestCsvImport(void) {
  char csv[300], rejects[300];
  char* text;
  vrk_store* store = NULL;
  vrk_import_stats stats;
  vrk_csv_options options;
  const char* from[] = {"Deal", "When"};
  const char* to[] = {"deal_id", "ts"};
  StartPhase("CSV import");
  Path(csv, "events.csv");
  Path(rejects, "rejects.csv");
  /* Line 4 has an impossible time; line 6 skips a stage. */
  WriteFile(csv,
            "event_id,Deal,process,When,kind,stage,amount,owner\n"
            "1,D1,line,1740996000,opened,,1000,anna\n"
            "2,D1,,1741082400,entered,b,,\n"
            "3,D2,line,x,opened,,5,boris\n"
            "4,D3,line,1740996000,opened,,7,anna\n"
            "5,D3,,1741082400,entered,c,,\n"
            "1,D1,line,1740996000,opened,,1000,anna\n");
  CheckOk(vrk_store_open_memory(&store));
  CheckOk(vrk_store_add_process(NULL, NULL, store, kLineProcess));
  vrk_csv_options_init(&options);
  CheckCondition(options.size == sizeof options && options.map_count == 0 &&
                 options.time_format == VRK_CSV_TIME_ISO8601 && options.rejects_path == NULL);
  options.map_from = from;
  options.map_to = to;
  options.map_count = 2;
  options.time_format = VRK_CSV_TIME_EPOCH_SECONDS;
  options.rejects_path = rejects;
  stats.size = sizeof stats;
  CheckOk(vrk_store_import_csv(&stats, store, csv, &options));
  CheckCondition(stats.rows == 6);
  CheckCondition(stats.accepted == 3);
  CheckCondition(stats.duplicates == 1);
  CheckCondition(stats.rejected == 2);
  text = ReadFile(rejects);
  CheckText("event_id,Deal,process,When,kind,stage,amount,owner,line,error\n"
            "3,D2,line,x,opened,,5,boris,4,ts ('When'): 'x' is not a number of seconds since "
            "the epoch\n"
            "5,D3,,1741082400,entered,c,,,6,\"deal D3: cannot enter 'c' from 'a' in automatic "
            "process 'line'; allowed: b, lost, frozen\"\n",
            text);
  free(text);
  {
    vrk_deal* deal = NULL;
    CheckOk(vrk_store_get_deal(&deal, store, "D1"));
    CheckText("b", vrk_deal_stage(deal));
    CheckCondition(vrk_deal_stage_since(deal) == At(4, 10));
    vrk_deal_free(deal);
  }
  /* Again: rows 4 and 6 fail the same way, the others are duplicates. With
     neither stats nor a rejects file, then with stats only. */
  CheckOk(vrk_store_import_csv(NULL, store, csv, &options));
  options.rejects_path = NULL;
  CheckOk(vrk_store_import_csv(&stats, store, csv, &options));
  CheckCondition(stats.accepted == 0 && stats.duplicates == 4 && stats.rejected == 2);

  /* Errors. */
  {
    char missing[300];
    Path(missing, "missing.csv");
    CheckStatus(vrk_store_import_csv(&stats, store, missing, NULL), VRK_NOT_FOUND);
  }
  CheckStatus(vrk_store_import_csv(&stats, store, csv, NULL), VRK_INVALID_ARGUMENT);
  CheckLastError("deal_id"); /* without the mapping the required column is missing */
  to[1] = "time";
  CheckStatus(vrk_store_import_csv(&stats, store, csv, &options), VRK_INVALID_ARGUMENT);
  CheckLastError("time");
  to[1] = NULL;
  CheckStatus(vrk_store_import_csv(&stats, store, csv, &options), VRK_INVALID_ARGUMENT);
  CheckText("vrk_csv_options: mapping 1 has a NULL name", vrk_last_error());
  to[1] = "ts";
  options.map_to = NULL;
  CheckStatus(vrk_store_import_csv(&stats, store, csv, &options), VRK_INVALID_ARGUMENT);
  CheckText("vrk_csv_options: map_count is 2 but map_from or map_to is NULL", vrk_last_error());
  options.map_to = to;
  options.time_format = 3;
  CheckStatus(vrk_store_import_csv(&stats, store, csv, &options), VRK_INVALID_ARGUMENT);
  CheckText("vrk_csv_options.time_format is 3, not a vrk_csv_time_format", vrk_last_error());
  options.time_format = VRK_CSV_TIME_EPOCH_SECONDS;
  {
    char bad_rejects[300];
    Path(bad_rejects, "no/such/dir/rejects.csv");
    options.rejects_path = bad_rejects;
    CheckStatus(vrk_store_import_csv(&stats, store, csv, &options), VRK_IO);
    CheckLastError("cannot write the rejects file");
    options.rejects_path = NULL;
  }
  options.size = 0;
  CheckStatus(vrk_store_import_csv(&stats, store, csv, &options), VRK_INVALID_ARGUMENT);
  options.size = sizeof options;
  stats.size = 0;
  CheckStatus(vrk_store_import_csv(&stats, store, csv, &options), VRK_INVALID_ARGUMENT);
  CheckLastError("vrk_import_stats.size is 0");
  stats.size = sizeof stats;
  CheckStatus(vrk_store_import_csv(&stats, NULL, csv, &options), VRK_INVALID_ARGUMENT);
  CheckStatus(vrk_store_import_csv(&stats, store, NULL, &options), VRK_INVALID_ARGUMENT);
  vrk_csv_options_init(NULL);
  vrk_store_close(store);
  remove(csv);
  remove(rejects);
}

/* The rejects file is checked and opened before anything is recorded, and
   is never the input or a file of the store. */
static void TestCsvRejectsPath(void) {
  static const char kCsv[] =
      "event_id,deal_id,process,ts,kind,amount\n"
      "1,D1,line,2025-03-03,opened,1000\n"
      "2,D2,line,2025-03-03,opened,-5\n";
  char csv[300], rejects[300], bad_rejects[300], lock[400];
  char* text;
  vrk_store* store = NULL;
  vrk_import_stats stats;
  vrk_store_stats store_stats;
  vrk_csv_options options;
  StartPhase("CSV rejects file");
  Path(csv, "rejected.csv");
  Path(rejects, "rejected.rejects.csv");
  Path(bad_rejects, "no/such/dir/rejects.csv");
  Path(store_path, "rejects.vrk");
  RemoveStoreFiles(store_path);
  WriteFile(csv, kCsv);
  CheckOk(vrk_store_open(&store, store_path, NULL));
  CheckOk(vrk_store_add_process(NULL, NULL, store, kLineProcess));
  vrk_csv_options_init(&options);
  stats.size = sizeof stats;
  store_stats.size = sizeof store_stats;

  /* A rejects file that cannot be written fails the import before it
     records anything. */
  options.rejects_path = bad_rejects;
  CheckStatus(vrk_store_import_csv(&stats, store, csv, &options), VRK_IO);
  CheckLastError("cannot write the rejects file");
  CheckOk(vrk_store_get_stats(&store_stats, store));
  CheckCondition(store_stats.events == 0);

  /* The rejects file would overwrite the input, the store or its lock. */
  options.rejects_path = csv;
  CheckStatus(vrk_store_import_csv(&stats, store, csv, &options), VRK_INVALID_ARGUMENT);
  CheckLastError("would overwrite the input file; write the rejects to another file");
  text = ReadFile(csv);
  CheckText(kCsv, text);
  free(text);
  options.rejects_path = store_path;
  CheckStatus(vrk_store_import_csv(&stats, store, csv, &options), VRK_INVALID_ARGUMENT);
  CheckLastError("would overwrite the store;");
  sprintf(lock, "%s.lock", store_path);
  options.rejects_path = lock;
  CheckStatus(vrk_store_import_csv(&stats, store, csv, &options), VRK_INVALID_ARGUMENT);
  CheckLastError("would overwrite a file of the store;");
  CheckOk(vrk_store_get_stats(&store_stats, store));
  CheckCondition(store_stats.events == 0);

  /* A rejects file of an import that fails is removed, not left empty. */
  WriteFile(rejects, "old\n");
  vrk_store_close(store);
  {
    vrk_store_options read_only;
    vrk_store_options_init(&read_only);
    read_only.read_only = 1;
    CheckOk(vrk_store_open(&store, store_path, &read_only));
  }
  options.rejects_path = rejects;
  CheckStatus(vrk_store_import_csv(&stats, store, csv, &options), VRK_INVALID_ARGUMENT);
  CheckLastError("read-only");
  CheckCondition(access(rejects, F_OK) != 0);
  vrk_store_close(store);

  /* A good path: the store is whole and the rejects are written. */
  CheckOk(vrk_store_open(&store, store_path, NULL));
  CheckOk(vrk_store_import_csv(&stats, store, csv, &options));
  CheckCondition(stats.rows == 2 && stats.accepted == 1 && stats.rejected == 1);
  text = ReadFile(rejects);
  CheckText("event_id,deal_id,process,ts,kind,amount,line,error\n"
            "2,D2,line,2025-03-03,opened,-5,3,deal D2: amount -5 is negative\n",
            text);
  free(text);
  vrk_store_close(store);
  CheckOk(vrk_store_open(&store, store_path, NULL));
  CheckOk(vrk_store_get_stats(&store_stats, store));
  CheckCondition(store_stats.events == 1);
  vrk_store_close(store);
  RemoveStoreFiles(store_path);
  remove(csv);
  remove(rejects);
}

int main(void) {
  const char* tmp = getenv("TMPDIR");
  sprintf(dir, "%s/vrk_c_api_XXXXXX", tmp != NULL && tmp[0] != '\0' ? tmp : "/tmp");
  CheckCondition(mkdtemp(dir) != NULL);

  TestVersion();
  TestErrors();
  TestBuffersAndTime();
  TestProcesses();
  TestAppendOne();
  TestAppendBatch();
  TestDeals();
  TestSnapshot();
  TestHistoryAndConversion();
  TestOtherReports();
  TestForecastWhatIfWindow();
  TestReportHandle();
  TestPartials();
  TestFileStores();
  TestDamage();
  TestCsvImport();
  TestCsvRejectsPath();

  CheckCondition(rmdir(dir) == 0);
  fprintf(stderr, "PASS\n");
  return 0;
}
