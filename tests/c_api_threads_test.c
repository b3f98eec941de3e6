/* One store, many threads: an appender writes whole batches while readers
 * run reports, read deals and partial states, and each thread's last error
 * stays its own. Run under ThreadSanitizer by `make tsan`.
 *
 * Every batch opens kDeals deals and takes each of them a -> b -> c -> won,
 * so a reader, which sees the ledger between whole batches, must always see
 * a multiple of kDeals deals, all of them won, none open.
 */
#define _XOPEN_SOURCE 700 /* mkdtemp, rmdir */

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "voronka/voronka.h"

#define CheckCondition(cond)                                                             \
  do {                                                                                   \
    if (!(cond)) {                                                                       \
      fprintf(stderr, "%s:%d: %s\n  last error: %s\n", __FILE__, __LINE__, #cond,        \
              vrk_last_error());                                                         \
      abort();                                                                           \
    }                                                                                    \
  } while (0)

enum { kBatches = 40, kDeals = 25, kEvents = 4 * kDeals, kReaders = 3 };

static const char kProcess[] =
    "{\"key\": \"line\", \"mode\": \"AUTOMATIC\","
    " \"stages\": [{\"key\": \"a\"}, {\"key\": \"b\"}, {\"key\": \"c\"}]}";

#define HOUR INT64_C(3600000)
#define START INT64_C(1740960000000) /* 2025-03-03T00:00:00Z */

static vrk_store* store;
static pthread_mutex_t mutex = PTHREAD_MUTEX_INITIALIZER;
static int appending = 1;
static long reports_read = 0;

static int Appending(void) {
  int value;
  pthread_mutex_lock(&mutex);
  value = appending;
  pthread_mutex_unlock(&mutex);
  return value;
}

/* A cell of the history report's summary. */
static int64_t Summary(const vrk_report* r, const char* column) {
  size_t table = 0, index = 0;
  CheckCondition(vrk_report_find_table(&table, r, "summary") == VRK_OK);
  CheckCondition(vrk_report_find_column(&index, r, table, column) == VRK_OK);
  return vrk_report_int64(r, table, 0, index);
}

static void* Append(void* arg) {
  static char ids[kBatches * kEvents][16];
  static char deals[kBatches * kDeals][16];
  const char* id_column[kEvents];
  const char* deal_column[kEvents];
  const char* process_column[kEvents];
  const char* stage_column[kEvents];
  int64_t at[kEvents];
  uint8_t kind[kEvents];
  int64_t amount[kEvents];
  int batch, i;
  (void)arg;
  for (batch = 0; batch < kBatches; ++batch) {
    vrk_event_columns c;
    vrk_batch_result* result = NULL;
    for (i = 0; i < kDeals; ++i) {
      int deal = batch * kDeals + i, step;
      int64_t opened = START + (int64_t)deal * HOUR;
      sprintf(deals[deal], "D%d", deal);
      for (step = 0; step < 4; ++step) {
        int row = i * 4 + step;
        sprintf(ids[batch * kEvents + row], "%d-%d", deal, step);
        id_column[row] = ids[batch * kEvents + row];
        deal_column[row] = deals[deal];
        at[row] = opened + step * HOUR;
        amount[row] = step == 0 ? 100 : VRK_NO_AMOUNT;
        process_column[row] = step == 0 ? "line" : NULL;
        stage_column[row] = step == 1 ? "b" : step == 2 ? "c" : NULL;
        kind[row] = step == 0   ? VRK_EVENT_OPENED
                    : step == 3 ? VRK_EVENT_WON
                                : VRK_EVENT_ENTERED;
      }
    }
    vrk_event_columns_init(&c);
    c.count = kEvents;
    c.event_id = id_column;
    c.deal = deal_column;
    c.at = at;
    c.kind = kind;
    c.process = process_column;
    c.stage = stage_column;
    c.amount = amount;
    CheckCondition(vrk_store_append_batch(&result, store, &c) == VRK_OK);
    CheckCondition(vrk_batch_result_accepted(result) == kEvents);
    vrk_batch_result_free(result);
  }
  pthread_mutex_lock(&mutex);
  appending = 0;
  pthread_mutex_unlock(&mutex);
  return NULL;
}

static void* Read(void* arg) {
  const int reader = *(const int*)arg;
  int64_t last_deals = 0;
  char missing[32], expected[64];
  long rounds = 0;
  sprintf(missing, "missing-%d", reader);
  sprintf(expected, "deal %s: unknown deal", missing);
  do {
    vrk_report* r = NULL;
    vrk_deal* deal = NULL;
    vrk_partial* partial = NULL;
    vrk_buf bytes = {NULL, 0};
    int64_t deals;

    /* History: whole batches, every deal won. */
    CheckCondition(vrk_store_report_history(&r, store, NULL) == VRK_OK);
    deals = Summary(r, "deals");
    CheckCondition(deals % kDeals == 0 && deals >= last_deals);
    CheckCondition(Summary(r, "won") == deals && Summary(r, "open") == 0);
    CheckCondition(Summary(r, "won_amount") == deals * 100);
    last_deals = deals;
    vrk_report_free(r);

    /* The snapshot at the latest time comes from the ledger's index. */
    CheckCondition(vrk_store_report_snapshot(&r, store, NULL) == VRK_OK);
    CheckCondition(Summary(r, "open") == 0);
    vrk_report_free(r);

    /* A deal of a batch already seen is complete. */
    if (deals > 0) {
      char key[32];
      sprintf(key, "D%ld", (long)((deals - 1) * (reader + 1) / kReaders));
      CheckCondition(vrk_store_get_deal(&deal, store, key) == VRK_OK);
      CheckCondition(vrk_deal_status(deal) == VRK_DEAL_WON);
      CheckCondition(vrk_deal_events(deal) == 4);
      vrk_deal_free(deal);
    }

    /* Partial states, through bytes. */
    CheckCondition(vrk_store_compute_partial(&partial, store, "{\"window\": {\"window_ms\": "
                                                              "86400000}}") == VRK_OK);
    CheckCondition(vrk_partial_serialize(&bytes, partial) == VRK_OK);
    vrk_partial_free(partial);
    CheckCondition(vrk_partial_deserialize(&partial, bytes.data, bytes.size) == VRK_OK);
    vrk_buf_free(&bytes);
    CheckCondition(vrk_partial_finish(&r, partial) == VRK_OK);
    vrk_partial_free(partial);
    vrk_report_free(r);

    /* This thread's error is its own, whatever the others do meanwhile. */
    CheckCondition(vrk_store_get_deal(&deal, store, missing) == VRK_NOT_FOUND);
    CheckCondition(deal == NULL);
    CheckCondition(vrk_last_error_code() == VRK_NOT_FOUND);
    CheckCondition(strcmp(vrk_last_error(), expected) == 0);
    ++rounds;
  } while (Appending());
  pthread_mutex_lock(&mutex);
  reports_read += rounds;
  pthread_mutex_unlock(&mutex);
  return NULL;
}

/* Reads the tables of a report other threads read too; the first read of
   any thread works them out. */
static void* ReadShared(void* arg) {
  const vrk_report* r = arg;
  CheckCondition(Summary(r, "deals") == kBatches * kDeals);
  CheckCondition(vrk_report_table_count(r) == 2); /* stages, summary */
  CheckCondition(strcmp(vrk_report_name(r), "history") == 0);
  return NULL;
}

int main(void) {
  char dir[256], path[300], file[320];
  const char* tmp = getenv("TMPDIR");
  pthread_t appender, readers[kReaders];
  int ids[kReaders], i;
  vrk_store_options options;
  vrk_store_stats stats;
  vrk_report* r = NULL;
  static const char* suffixes[] = {"", ".lock", ".checkpoint"};

  sprintf(dir, "%s/vrk_c_threads_XXXXXX", tmp != NULL && tmp[0] != '\0' ? tmp : "/tmp");
  CheckCondition(mkdtemp(dir) != NULL);
  sprintf(path, "%s/pipeline.vrk", dir);

  /* Group commit: a background sync thread joins in. A checkpoint every
     1,000 events makes appends write checkpoints while readers read. */
  vrk_store_options_init(&options);
  options.durability = VRK_DURABILITY_GROUP;
  options.group_max_delay_ms = 1;
  options.checkpoint_every = 1000;
  CheckCondition(vrk_store_open(&store, path, &options) == VRK_OK);
  CheckCondition(vrk_store_add_process(NULL, NULL, store, kProcess) == VRK_OK);

  CheckCondition(pthread_create(&appender, NULL, Append, NULL) == 0);
  for (i = 0; i < kReaders; ++i) {
    ids[i] = i;
    CheckCondition(pthread_create(&readers[i], NULL, Read, &ids[i]) == 0);
  }
  CheckCondition(pthread_join(appender, NULL) == 0);
  for (i = 0; i < kReaders; ++i) CheckCondition(pthread_join(readers[i], NULL) == 0);
  CheckCondition(reports_read >= kReaders);

  stats.size = sizeof stats;
  CheckCondition(vrk_store_get_stats(&stats, store) == VRK_OK);
  CheckCondition(stats.deals == kBatches * kDeals);
  CheckCondition(stats.events == kBatches * kEvents);
  CheckCondition(stats.checkpoint_events == 4000);
  CheckCondition(vrk_store_sync(store) == VRK_OK);
  vrk_store_close(store);

  /* Everything is in the file. The report's tables are first read by
     several threads at once. */
  CheckCondition(vrk_store_open(&store, path, NULL) == VRK_OK);
  CheckCondition(vrk_store_report_history(&r, store, NULL) == VRK_OK);
  for (i = 0; i < kReaders; ++i) {
    CheckCondition(pthread_create(&readers[i], NULL, ReadShared, r) == 0);
  }
  for (i = 0; i < kReaders; ++i) CheckCondition(pthread_join(readers[i], NULL) == 0);
  CheckCondition(Summary(r, "won") == kBatches * kDeals);
  vrk_report_free(r);
  vrk_store_close(store);

  for (i = 0; i < 3; ++i) {
    sprintf(file, "%s%s", path, suffixes[i]);
    remove(file);
  }
  CheckCondition(rmdir(dir) == 0);
  fprintf(stderr, "PASS: %ld report rounds beside %d batches\n", reports_read, kBatches);
  return 0;
}
