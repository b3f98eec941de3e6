/* Embedding voronka from C: open a store, add a process, append a batch of
 * events, run a report and read its typed values, compute the same report
 * from two partitions' partial states, and handle an error. docs/c-api.md
 * walks through it.
 *
 *   cc -std=c99 main.c $(pkg-config --cflags --libs voronka) -o embed_c
 */
#include <stdio.h>
#include <stdlib.h>

#include "voronka/voronka.h"

/* Every fallible call returns VRK_OK or a negative vrk_status; the calling
   thread's last error says what went wrong. */
static void check(int rc, const char* what) {
  if (rc != VRK_OK) {
    fprintf(stderr, "%s failed: %s: %s\n", what, vrk_status_string(rc), vrk_last_error());
    exit(1);
  }
}

static const char kProcess[] =
    "{\"key\": \"windows\", \"name\": \"Window sales\", \"mode\": \"AUTOMATIC\","
    " \"stages\": [{\"key\": \"call\", \"name\": \"Incoming call\"},"
    "              {\"key\": \"visit\", \"name\": \"Measurer visit\", \"probability\": 0.5}],"
    " \"lost_reasons\": [\"price\", \"no_response\"]}";

/* Window sales: five incoming calls, two measurer's visits, one sale. Each
   deal's rows are together, so a run of rows is a run of whole deals. */
#define DAY INT64_C(86400000)
#define MARCH_3 INT64_C(1740960000000) /* 2025-03-03T00:00:00Z */
enum { kRows = 12 };
static const char* const kIds[kRows] = {"1", "2", "3", "4", "5", "6",
                                        "7", "8", "9", "10", "11", "12"};
static const char* const kDeals[kRows] = {"W1", "W1", "W1", "W2", "W2", "W2",
                                          "W3", "W3", "W4", "W4", "W5", "W5"};
static const int64_t kAt[kRows] = {
    MARCH_3,       MARCH_3 + 2 * DAY, MARCH_3 + 5 * DAY, MARCH_3 + DAY,     MARCH_3 + 3 * DAY,
    MARCH_3 + 6 * DAY, MARCH_3 + DAY, MARCH_3 + 4 * DAY, MARCH_3 + 2 * DAY, MARCH_3 + 4 * DAY,
    MARCH_3 + 3 * DAY, MARCH_3 + 4 * DAY};
static const uint8_t kKinds[kRows] = {
    VRK_EVENT_OPENED, VRK_EVENT_ENTERED, VRK_EVENT_WON,    VRK_EVENT_OPENED,
    VRK_EVENT_ENTERED, VRK_EVENT_LOST,   VRK_EVENT_OPENED, VRK_EVENT_LOST,
    VRK_EVENT_OPENED, VRK_EVENT_LOST,    VRK_EVENT_OPENED, VRK_EVENT_LOST};
/* Only `opened` names the process; NULL entries are empty strings. */
static const char* const kProcesses[kRows] = {"windows", NULL, NULL, "windows", NULL, NULL,
                                              "windows", NULL, "windows", NULL, "windows", NULL};
static const char* const kStages[kRows] = {NULL, "visit", NULL, NULL, "visit", NULL,
                                           NULL, NULL,    NULL, NULL, NULL,    NULL};
/* Expected amounts in cents; VRK_NO_AMOUNT where a row has none. */
static const int64_t kAmounts[kRows] = {
    550000,        VRK_NO_AMOUNT, VRK_NO_AMOUNT, 420000, VRK_NO_AMOUNT, VRK_NO_AMOUNT,
    300000,        VRK_NO_AMOUNT, 610000,        VRK_NO_AMOUNT, 380000, VRK_NO_AMOUNT};
static const char* const kReasons[kRows] = {NULL, NULL, NULL, NULL, NULL, "price",
                                            NULL, "no_response", NULL, "no_response",
                                            NULL, "no_response"};

/* A store in memory with the process and rows [first, first + count) of the
   batch. vrk_store_open(&store, "pipeline.vrk", NULL) would keep it in a
   file instead. */
static vrk_store* store_with(size_t first, size_t count) {
  vrk_store* store = NULL;
  vrk_batch_result* result = NULL;
  vrk_event_columns columns;
  check(vrk_store_open_memory(&store), "open");
  check(vrk_store_add_process(NULL, NULL, store, kProcess), "add process");

  /* One array per field; the columns a batch does not use stay NULL. */
  vrk_event_columns_init(&columns);
  columns.count = count;
  columns.event_id = kIds + first;
  columns.deal = kDeals + first;
  columns.at = kAt + first;
  columns.kind = kKinds + first;
  columns.process = kProcesses + first;
  columns.stage = kStages + first;
  columns.amount = kAmounts + first;
  columns.reason = kReasons + first;
  check(vrk_store_append_batch(&result, store, &columns), "append");
  if (vrk_batch_result_rejected(result) > 0) {
    fprintf(stderr, "rejected: %s\n", vrk_batch_result_message(result, 0));
  }
  vrk_batch_result_free(result);
  return store;
}

/* The stages of a conversion report, read by table and column name. */
static void print_stages(const vrk_report* report) {
  size_t stages, deals, step, row;
  check(vrk_report_find_table(&stages, report, "stages"), "stages table");
  check(vrk_report_find_column(&deals, report, stages, "deals"), "deals column");
  check(vrk_report_find_column(&step, report, stages, "step_conversion"), "step column");
  for (row = 0; row < vrk_report_row_count(report, stages); ++row) {
    printf("%-6s %lld deals, step conversion %.2f\n", vrk_report_text(report, stages, row, 0),
           (long long)vrk_report_int64(report, stages, row, deals),
           vrk_report_double(report, stages, row, step));
  }
}

int main(void) {
  vrk_store* store;
  vrk_store* halves[2];
  vrk_partial* parts[2];
  vrk_partial* merged = NULL;
  vrk_report* report = NULL;
  vrk_conversion_options options;
  vrk_buf text = {NULL, 0};
  vrk_event event;
  size_t summary, key_level, bottleneck;
  int i;

  printf("voronka %s\n", vrk_version_string());
  store = store_with(0, kRows);

  /* The conversion of every stage. */
  vrk_conversion_options_init(&options);
  options.filter.process = "windows";
  check(vrk_store_report_conversion(&report, store, &options), "conversion");
  print_stages(report);
  check(vrk_report_find_table(&summary, report, "summary"), "summary table");
  check(vrk_report_find_column(&key_level, report, summary, "key_level"), "key level");
  check(vrk_report_find_column(&bottleneck, report, summary, "bottleneck"), "bottleneck");
  printf("key level: %s, bottleneck: %s\n", vrk_report_text(report, summary, 0, key_level),
         vrk_report_text(report, summary, 0, bottleneck));
  check(vrk_report_render(&text, report, VRK_FORMAT_CSV, NULL), "render");
  printf("%s", text.data);
  vrk_buf_free(&text);
  vrk_report_free(report);

  /* The same report from two partitions (W1, W2 and W3..W5): a partial
     state each, shipped as bytes, merged and finished. */
  for (i = 0; i < 2; ++i) {
    vrk_partial* local = NULL;
    vrk_buf bytes = {NULL, 0};
    halves[i] = i == 0 ? store_with(0, 6) : store_with(6, kRows - 6);
    check(vrk_store_compute_partial(&local, halves[i],
                                    "{\"conversion\": {\"filter\": {\"process\": \"windows\"}}}"),
          "partial");
    check(vrk_partial_serialize(&bytes, local), "serialize");
    check(vrk_partial_deserialize(&parts[i], bytes.data, bytes.size), "deserialize");
    vrk_buf_free(&bytes);
    vrk_partial_free(local);
    vrk_store_close(halves[i]);
  }
  check(vrk_partial_merge(&merged, (const vrk_partial* const*)parts, 2), "merge");
  check(vrk_partial_finish(&report, merged), "finish");
  printf("merged:\n");
  print_stages(report);
  vrk_report_free(report);
  vrk_partial_free(merged);
  vrk_partial_free(parts[0]);
  vrk_partial_free(parts[1]);

  /* An event the process does not allow: W3 was lost at the call. */
  vrk_event_init(&event);
  event.event_id = "13";
  event.deal = "W3";
  event.at = MARCH_3 + 7 * DAY;
  event.kind = VRK_EVENT_ENTERED;
  event.stage = "visit";
  if (vrk_store_append(NULL, store, &event) == VRK_ILLEGAL_TRANSITION) {
    printf("rejected: %s\n", vrk_last_error());
  }

  vrk_store_close(store);
  return 0;
}
