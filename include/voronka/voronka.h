/*
 * voronka: sales pipelines as stage graphs. The C API.
 *
 * This header is the library's stable interface: it is C99, includes only
 * <stddef.h> and <stdint.h>, and is the only ABI promise. docs/c-api.md is
 * the guide; docs/semantics.md defines every rule and every number.
 *
 * Conventions
 *
 *   Names.     Functions are vrk_<object>_<verb>, handles are opaque
 *              vrk_<object> types, macros and enum values are VRK_*.
 *   Errors.    Every function that can fail returns int: VRK_OK (0) or a
 *              negative vrk_status. vrk_last_error() then gives the calling
 *              thread's message; a successful call clears it. Getters that
 *              return an int value (an outcome, a kind, a type) set the
 *              message when they fail and leave it alone when they do not.
 *              No C++ exception crosses this interface.
 *   Outputs.   Outputs come first. Whatever the caller receives through an
 *              out-pointer it owns and releases with the matching
 *              vrk_<object>_free() (a store with vrk_store_close()); every
 *              release function accepts NULL. On failure a handle
 *              out-pointer is set to NULL.
 *   Borrowing. A `const char*` returned by a getter is borrowed from the
 *              handle passed in and lives as long as that handle.
 *   Bytes.     Byte and text results come in a vrk_buf, released with
 *              vrk_buf_free().
 *   Structs.   Option and result structs start with a `size` field, set by
 *              their vrk_*_init() function or to sizeof(the struct); they
 *              only ever grow at the end, so a program built against this
 *              header keeps working with later libraries. A size the library
 *              does not know is VRK_INVALID_ARGUMENT. vrk_filter and
 *              vrk_breakdown, embedded in the report options, never change.
 *   Times.     int64 milliseconds since the Unix epoch, UTC.
 *   Money.     int64 minor units (cents) of the management currency.
 *   Text.      UTF-8, NUL-terminated. A NULL string argument where text is
 *              optional means the empty string.
 *   Booleans.  int: 0 is false, anything else true.
 *   Threads.   Each function states what it allows. In short: a store may
 *              be used by many threads at once (writes are serialised,
 *              reads run beside them); every other handle is immutable once
 *              made, and may be read from many threads, but freed once.
 */
#ifndef VORONKA_VORONKA_H_
#define VORONKA_VORONKA_H_

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

#if defined(__GNUC__)
#define VRK_API __attribute__((visibility("default")))
#else
#define VRK_API
#endif

/* ------------------------------------------------------------------------
 * Version
 *
 * The version of this header. The library is built from the same numbers
 * (the project version in CMakeLists.txt; the build fails if they differ).
 */
#define VRK_VERSION_MAJOR 0
#define VRK_VERSION_MINOR 1
#define VRK_VERSION_PATCH 0
#define VRK_VERSION_NUMBER \
  (VRK_VERSION_MAJOR * 10000 + VRK_VERSION_MINOR * 100 + VRK_VERSION_PATCH)
#define VRK_VERSION_STRING "0.1.0"

/* The version of the library loaded at run time, as VRK_VERSION_NUMBER
   computes it; compare with VRK_VERSION_NUMBER to detect a mismatched
   shared library. Threads: any. */
VRK_API int vrk_version(void);

/* The same as text, e.g. "0.1.0"; a static string. Threads: any. */
VRK_API const char* vrk_version_string(void);

/* ------------------------------------------------------------------------
 * Errors
 */

/* The result of every fallible function. The values never change. */
typedef enum vrk_status {
  VRK_OK = 0,
  VRK_INVALID_ARGUMENT = -1,     /* a bad argument, option or input */
  VRK_NOT_FOUND = -2,            /* no such deal, process, file, table, ... */
  VRK_INVALID_PROCESS = -3,      /* a process definition that does not validate */
  VRK_ILLEGAL_TRANSITION = -4,   /* an event the deal's state does not allow */
  VRK_OUT_OF_ORDER = -5,         /* an event earlier than the deal's last one */
  VRK_CONFLICTING_DUPLICATE = -6,/* a known event id with other content */
  VRK_CORRUPT_STORE = -7,        /* a damaged store file */
  VRK_LOCKED = -8,               /* another writer holds the store */
  VRK_IO = -9,                   /* the file system failed */
  VRK_VERSION_MISMATCH = -10,    /* a file or state of a newer format */
  VRK_LIMIT_EXCEEDED = -11,      /* a built-in limit was reached */
  VRK_OUT_OF_MEMORY = -12,       /* an allocation failed */
  VRK_INTERNAL = -13             /* a bug in voronka */
} vrk_status;

/* The message of the last failure on the calling thread, naming what was
   wrong (e.g. "deal D-17: cannot enter 'contract' from 'presentation' in
   automatic process 'typical_sale'; allowed: proposal, lost, frozen"); ""
   after a success. Borrowed: valid until the thread's next call into
   voronka. Never NULL. Threads: any (each thread has its own). */
VRK_API const char* vrk_last_error(void);

/* The code of the last failure on the calling thread; VRK_OK after a
   success. Threads: any (each thread has its own). */
VRK_API int vrk_last_error_code(void);

/* The fixed name of a code: "ok", "invalid argument", "not found", ...;
   "unknown" for a value that is not a vrk_status. A static string.
   Threads: any. */
VRK_API const char* vrk_status_string(int status);

/* ------------------------------------------------------------------------
 * Buffers
 */

/* Bytes or text the library allocated. `data` is followed by a NUL byte
   that `size` does not count, so text results are C strings. An empty
   result may have data == NULL. */
typedef struct vrk_buf {
  char* data;
  size_t size;
} vrk_buf;

/* Releases the buffer's bytes and sets it to {NULL, 0}. Accepts NULL and an
   empty buffer. Threads: the buffer must not be in use elsewhere. */
VRK_API void vrk_buf_free(vrk_buf* buf);

/* ------------------------------------------------------------------------
 * Time
 */

/* Parses an ISO 8601 date or date-time: "2025-01-31" (midnight UTC),
   "2025-01-31T14:05", "...:09", "...:09.250", with "Z" or an offset such
   as "+03:00" (none means UTC). Errors: VRK_INVALID_ARGUMENT for NULL
   arguments and for text that is not such a time (impossible dates
   included); *out is then 0. Threads: any. */
VRK_API int vrk_time_parse(int64_t* out, const char* text);

/* Writes a time as "2025-01-31T14:05:09Z" (".250" added when the
   milliseconds are not 0). The caller frees *out with vrk_buf_free().
   Errors: VRK_INVALID_ARGUMENT for a NULL out and for a time outside the
   years 1400 to 9999 (*out is then {NULL, 0}). Threads: any. */
VRK_API int vrk_time_format(vrk_buf* out, int64_t ms);

/* ------------------------------------------------------------------------
 * Stores
 *
 * A store is a ledger of deals kept in one local file: an append-only log
 * of the accepted events and the process definitions, replayed on open
 * (docs/file-format.md), or kept in memory only. One writer holds a file at
 * a time; read-only handles follow it with vrk_store_refresh().
 *
 * Threads: one vrk_store may be used by many threads at once. Writes
 * (adding processes, appending, importing, refresh, sync, checkpoint) are
 * serialised; reads (deals, processes, reports, partial states, stats) run
 * concurrently with them and see the ledger between whole batches.
 */
typedef struct vrk_store vrk_store;

typedef enum vrk_durability {
  VRK_DURABILITY_SYNC = 0,  /* each append is synced (fdatasync) before it returns */
  VRK_DURABILITY_GROUP = 1, /* a background sync soon after appends, for throughput */
  VRK_DURABILITY_NONE = 2   /* the system writes back when it likes */
} vrk_durability;

typedef struct vrk_store_options {
  size_t size;                 /* sizeof(vrk_store_options) */
  int durability;              /* a vrk_durability; VRK_DURABILITY_SYNC */
  int read_only;               /* no writer lock; only refresh changes the ledger; 0 */
  int create_if_missing;       /* create the file when it does not exist; 1 */
  uint64_t checkpoint_every;   /* write a checkpoint every this many events; 0: on request */
  uint32_t group_max_delay_ms; /* VRK_DURABILITY_GROUP: the longest wait for a sync; 50 */
  uint32_t group_max_events;   /* VRK_DURABILITY_GROUP: sync once this many wait; 100000 */
} vrk_store_options;

/* Sets the size and the defaults above. Threads: any. */
VRK_API void vrk_store_options_init(vrk_store_options* options);

/* Opens the store at `path`, replaying its log; `options` NULL means the
   defaults. The caller closes *out with vrk_store_close().
   Errors: VRK_INVALID_ARGUMENT (NULL out or path, a bad option or options
   size), VRK_NOT_FOUND (no file and not creating it, or read-only),
   VRK_LOCKED (another writer holds the file; the message names its pid),
   VRK_CORRUPT_STORE (an empty or foreign file, a damaged record: the
   message names the offset and the record), VRK_VERSION_MISMATCH (a newer
   format), VRK_IO. Threads: any. */
VRK_API int vrk_store_open(vrk_store** out, const char* path, const vrk_store_options* options);

/* Opens a store without a file: the same API over a ledger in memory;
   sync, checkpoint and refresh do nothing. The caller closes *out with
   vrk_store_close(). Errors: VRK_INVALID_ARGUMENT (NULL out). Threads: any. */
VRK_API int vrk_store_open_memory(vrk_store** out);

/* Closes a store: syncs what waits for a group commit, releases the writer
   lock and frees the handle. Accepts NULL. To learn whether the final sync
   succeeded, call vrk_store_sync() first. Threads: no other call may use
   the store during or after this one. */
VRK_API void vrk_store_close(vrk_store* store);

/* What opening the store found. */
typedef struct vrk_open_info {
  size_t size;              /* sizeof(vrk_open_info), set by the caller */
  uint64_t replayed_events; /* events replayed from the log (after the checkpoint) */
  /* Bytes of a torn last record: truncated by a writable open, left in
     place by a read-only one. */
  uint64_t dropped_tail_bytes;
  int from_checkpoint;      /* the open loaded a checkpoint */
  int created;              /* the open created the file */
  /* What the open worked around (an ignored checkpoint, a dropped tail);
     "" when nothing. Borrowed from the store. */
  const char* warning;
} vrk_open_info;

/* Fills *out with what the open found (all zero for a memory store).
   Errors: VRK_INVALID_ARGUMENT (NULL arguments, a wrong out->size).
   Threads: any. */
VRK_API int vrk_store_open_info(vrk_open_info* out, const vrk_store* store);

typedef struct vrk_store_stats {
  size_t size;                /* sizeof(vrk_store_stats), set by the caller */
  uint64_t deals;             /* deals in the ledger */
  uint64_t events;            /* accepted events (duplicates not counted) */
  int64_t latest_event_at;    /* the latest event's time; 0 when there is none */
  uint64_t memory_bytes;      /* heap held by the ledger */
  uint64_t file_bytes;        /* the log's length (0 in memory) */
  uint64_t log_records;       /* records in the log */
  uint64_t durable_bytes;     /* the part of the log known to be synced */
  uint64_t checkpoint_events; /* events covered by the last checkpoint */
} vrk_store_stats;

/* Fills *out with the store's figures. Errors: VRK_INVALID_ARGUMENT (NULL
   arguments, a wrong out->size). Threads: any. */
VRK_API int vrk_store_get_stats(vrk_store_stats* out, const vrk_store* store);

/* Read-only stores: applies what the writer appended since the open or the
   last refresh; *changed (may be NULL) says whether anything was. Writable
   and memory stores have everything already: VRK_OK, unchanged.
   Errors: VRK_INVALID_ARGUMENT (NULL store), VRK_CORRUPT_STORE (a damaged
   record; every later refresh fails the same way), VRK_IO.
   Threads: serialised with the store's other writes. */
VRK_API int vrk_store_refresh(vrk_store* store, int* changed);

/* Makes everything appended so far durable now, whatever the durability.
   Errors: VRK_INVALID_ARGUMENT (NULL store), VRK_IO, or the write failure
   that stopped the store. Threads: serialised with the other writes. */
VRK_API int vrk_store_sync(vrk_store* store);

/* Writes a checkpoint beside the log ("<path>.checkpoint"), so that the
   next open replays only what follows it. A memory store does nothing.
   Errors: VRK_INVALID_ARGUMENT (NULL store, a read-only store), VRK_IO.
   Threads: serialised with the other writes; appends wait meanwhile. */
VRK_API int vrk_store_checkpoint(vrk_store* store);

/* What vrk_store_salvage() kept and lost. */
typedef struct vrk_salvage_report vrk_salvage_report;

/* Copies every intact record of the store file `damaged`, up to its first
   damage or torn tail, into a new store file `fresh`, which must not
   exist; the copy opens cleanly. The caller frees *out with
   vrk_salvage_report_free(). Errors: VRK_INVALID_ARGUMENT (NULL arguments,
   `fresh` exists), VRK_NOT_FOUND (no `damaged`), VRK_CORRUPT_STORE or
   VRK_VERSION_MISMATCH (the damaged file's own header is unusable),
   VRK_IO. Threads: any; the damaged file must have no writer. */
VRK_API int vrk_store_salvage(vrk_salvage_report** out, const char* damaged, const char* fresh);

/* Records and events copied. Threads (all report getters): any. */
VRK_API uint64_t vrk_salvage_report_records_kept(const vrk_salvage_report* report);
VRK_API uint64_t vrk_salvage_report_events_kept(const vrk_salvage_report* report);
/* Bytes from the damage to the end of the damaged file. */
VRK_API uint64_t vrk_salvage_report_bytes_lost(const vrk_salvage_report* report);
/* Where the damage begins; the file's size when there is none. */
VRK_API uint64_t vrk_salvage_report_damage_offset(const vrk_salvage_report* report);
/* What is wrong there; "" when nothing is. Borrowed from the report. */
VRK_API const char* vrk_salvage_report_damage(const vrk_salvage_report* report);
/* Accepts NULL. */
VRK_API void vrk_salvage_report_free(vrk_salvage_report* report);

/* ------------------------------------------------------------------------
 * Processes
 *
 * A process (deal kind) is a graph of stages, written as JSON in the form
 * of proto/voronka/v1/process.proto (examples/processes/). Adding a changed
 * definition under a known key makes a new version; deals keep the version
 * they were opened with.
 */
typedef struct vrk_process vrk_process;
typedef struct vrk_process_list vrk_process_list;

typedef enum vrk_mode {
  VRK_MODE_AUTOMATIC = 1, /* deals move only along declared transitions */
  VRK_MODE_MANUAL = 2     /* deals may enter any stage, forward or back */
} vrk_mode;

typedef enum vrk_limit_unit {
  VRK_LIMIT_NONE = 0,         /* no limit */
  VRK_LIMIT_DAYS = 1,         /* calendar days of 24 hours */
  VRK_LIMIT_HOURS = 2,
  VRK_LIMIT_BUSINESS_DAYS = 3 /* skipping weekends and the process's holidays */
} vrk_limit_unit;

/* Adds a process from its JSON definition, or a new version of a known
   one; an identical definition changes nothing. *version_id (may be NULL)
   receives the id of the version now current for the key (ids are dense
   over all processes and versions, in the order they were added);
   *created (may be NULL) whether a new version was made.
   Errors: VRK_INVALID_ARGUMENT (NULL store or json, a read-only store),
   VRK_INVALID_PROCESS (JSON that does not parse, with the field path, or
   a definition that does not validate, listing every violation),
   VRK_LIMIT_EXCEEDED (too many versions), VRK_IO (logging it failed).
   Threads: serialised with the store's other writes. */
VRK_API int vrk_store_add_process(uint32_t* version_id, int* created, vrk_store* store,
                                  const char* json);

/* The current version of the process `key`. The caller frees *out with
   vrk_process_free(). Errors: VRK_INVALID_ARGUMENT (NULL arguments),
   VRK_NOT_FOUND (no such process). Threads: any. */
VRK_API int vrk_store_get_process(vrk_process** out, const vrk_store* store, const char* key);

/* The current version of every process, in the order the processes were
   first added. The caller frees *out with vrk_process_list_free().
   Errors: VRK_INVALID_ARGUMENT (NULL arguments). Threads: any. */
VRK_API int vrk_store_list_processes(vrk_process_list** out, const vrk_store* store);

/* The number of processes in the list. Threads (all list functions): any. */
VRK_API size_t vrk_process_list_count(const vrk_process_list* list);
/* The key of process `index`; NULL when out of range. Borrowed. */
VRK_API const char* vrk_process_list_key(const vrk_process_list* list, size_t index);
/* Process `index`, as vrk_store_get_process() gives it. The caller frees
   *out with vrk_process_free(). Errors: VRK_INVALID_ARGUMENT (NULL
   arguments, index out of range). */
VRK_API int vrk_process_list_get(vrk_process** out, const vrk_process_list* list, size_t index);
/* Accepts NULL. */
VRK_API void vrk_process_list_free(vrk_process_list* list);

/* A process version's facts. Getters return NULL (strings) or 0 for a NULL
   process. Threads (all process functions): any. */
VRK_API const char* vrk_process_key(const vrk_process* process);
/* The display name; "" when the definition has none. */
VRK_API const char* vrk_process_name(const vrk_process* process);
/* The version number: 1 for the first version of the key. */
VRK_API uint32_t vrk_process_version(const vrk_process* process);
/* A vrk_mode. */
VRK_API int vrk_process_mode(const vrk_process* process);
VRK_API size_t vrk_process_stage_count(const vrk_process* process);

/* One stage. Strings and the array are borrowed from the process. */
typedef struct vrk_stage_info {
  size_t size;                        /* sizeof(vrk_stage_info), set by the caller */
  const char* key;
  const char* name;                   /* the display name: the key when the stage has none */
  int has_probability;                /* whether the stage declares a probability */
  double probability;                 /* in [0, 1]; 0 when it has none */
  int sla_unit;                       /* a vrk_limit_unit: the longest expected stay */
  uint32_t sla;                       /* in sla_unit */
  int rotting_unit;                   /* a vrk_limit_unit: the longest time without activity */
  uint32_t rotting;                   /* in rotting_unit */
  const char* owner_role;             /* "" when none */
  const char* const* required_fields; /* fields a deal needs before it leaves forward */
  size_t required_field_count;
  int leads_to_won;                   /* a declared transition leads from it to won */
} vrk_stage_info;

/* Fills *out with the stage at position `index` in funnel order (the order
   of every report). Errors: VRK_INVALID_ARGUMENT (NULL arguments, a wrong
   out->size, index out of range). */
VRK_API int vrk_process_stage(vrk_stage_info* out, const vrk_process* process, size_t index);

/* The definition as JSON (proto field names), with its version. The caller
   frees *out with vrk_buf_free(). Errors: VRK_INVALID_ARGUMENT (NULL
   arguments). */
VRK_API int vrk_process_json(vrk_buf* out, const vrk_process* process);

/* Accepts NULL. */
VRK_API void vrk_process_free(vrk_process* process);

/* ------------------------------------------------------------------------
 * Events
 *
 * Every event has an id: appending the same id with the same content again
 * is a duplicate (reported, not applied); the same id with other content is
 * rejected (VRK_CONFLICTING_DUPLICATE). A rejected event changes nothing
 * and its message names the deal, its state, the attempted move and what is
 * allowed. docs/semantics.md has the lifecycle.
 */

/* The values never change. */
typedef enum vrk_event_kind {
  VRK_EVENT_OPENED = 1,         /* process, owner, client, amount; stage, field + value optional */
  VRK_EVENT_ENTERED = 2,        /* stage */
  VRK_EVENT_WON = 3,            /* amount optional: the final amount */
  VRK_EVENT_LOST = 4,           /* reason */
  VRK_EVENT_FROZEN = 5,
  VRK_EVENT_RESUMED = 6,
  VRK_EVENT_REOPENED = 7,       /* stage optional: where the deal was closed by default */
  VRK_EVENT_AMOUNT_CHANGED = 8, /* amount */
  VRK_EVENT_OWNER_CHANGED = 9,  /* owner */
  VRK_EVENT_FIELD_SET = 10,     /* field, value (empty clears the field) */
  VRK_EVENT_ACTIVITY = 11       /* activity: "call", "meeting", "email" or "other" */
} vrk_event_kind;

/* Marks an absent amount. */
#define VRK_NO_AMOUNT INT64_MIN

/* What happened to an appended event. */
typedef enum vrk_outcome {
  VRK_OUTCOME_ACCEPTED = 0,  /* applied and recorded */
  VRK_OUTCOME_DUPLICATE = 1, /* recorded before; nothing changed */
  VRK_OUTCOME_REJECTED = 2   /* not recorded; see the code and message */
} vrk_outcome;

/* One event. Each kind reads the fields listed at vrk_event_kind; the
   others are ignored, except that a non-empty `process` on another kind
   must name the deal's process. NULL strings are empty. */
typedef struct vrk_event {
  size_t size;           /* sizeof(vrk_event) */
  const char* event_id;  /* required */
  const char* deal;      /* required */
  int64_t at;            /* required; any int64 but VRK_NO_TIME */
  int kind;              /* a vrk_event_kind */
  const char* process;
  const char* stage;
  int64_t amount;        /* VRK_NO_AMOUNT when absent */
  const char* owner;
  const char* client;
  const char* reason;
  const char* field;
  const char* value;
  const char* activity;
} vrk_event;

/* Sets the size, amount = VRK_NO_AMOUNT and everything else to 0 / NULL.
   Threads: any. */
VRK_API void vrk_event_init(vrk_event* event);

/* Appends one event. Returns VRK_OK when the event was accepted or was a
   duplicate; *outcome (may be NULL) says which. When the ledger rejects
   the event, returns the rejection's code (VRK_ILLEGAL_TRANSITION,
   VRK_NOT_FOUND, VRK_INVALID_ARGUMENT, VRK_OUT_OF_ORDER,
   VRK_CONFLICTING_DUPLICATE, VRK_LIMIT_EXCEEDED) and message, with
   *outcome VRK_OUTCOME_REJECTED. Other errors: VRK_INVALID_ARGUMENT (NULL
   store or event, a wrong event->size, a read-only store), VRK_IO (the log
   could not be written: *outcome says what the ledger did, and the store
   refuses further writes). Threads: serialised with the other writes. */
VRK_API int vrk_store_append(int* outcome, vrk_store* store, const vrk_event* event);

/* A batch of events as columns: `count` rows, one array per field. A
   column the batch does not use is NULL; a NULL entry inside a text column
   is the empty string. event_id, deal, at and kind are required. The
   strings are read in place, not copied. */
typedef struct vrk_event_columns {
  size_t size;                /* sizeof(vrk_event_columns) */
  size_t count;               /* rows */
  const char* const* event_id;
  const char* const* deal;
  const int64_t* at;
  const uint8_t* kind;        /* vrk_event_kind values */
  const char* const* process;
  const char* const* stage;
  const int64_t* amount;      /* VRK_NO_AMOUNT where absent */
  const char* const* owner;
  const char* const* client;
  const char* const* reason;
  const char* const* field;
  const char* const* value;
  const char* const* activity;
} vrk_event_columns;

/* Sets the size and every other member to 0 / NULL. Threads: any. */
VRK_API void vrk_event_columns_init(vrk_event_columns* columns);

/* The outcome of each event of a batch. */
typedef struct vrk_batch_result vrk_batch_result;

/* Appends a batch. Each deal's events are first sorted by time (stably,
   its VRK_EVENT_OPENED first among those of one time), so a whole history
   may come in any order; readers see the batch whole
   or not at all. The outcome of every event is in *out, which the caller
   frees with vrk_batch_result_free(); rejected events do not fail the
   call. The strings are read in place during the call, not copied.
   Errors: VRK_INVALID_ARGUMENT (NULL arguments, a wrong
   events->size, a required column NULL while count > 0, a read-only
   store), VRK_IO (the log could not be written; the store refuses further
   writes). Threads: serialised with the other writes. */
VRK_API int vrk_store_append_batch(vrk_batch_result** out, vrk_store* store,
                                   const vrk_event_columns* events);

/* Events in the batch, and how many of them were accepted, duplicates or
   rejected. 0 for a NULL result. Threads (all result functions): any. */
VRK_API size_t vrk_batch_result_count(const vrk_batch_result* result);
VRK_API size_t vrk_batch_result_accepted(const vrk_batch_result* result);
VRK_API size_t vrk_batch_result_duplicates(const vrk_batch_result* result);
VRK_API size_t vrk_batch_result_rejected(const vrk_batch_result* result);
/* The vrk_outcome of event `index`; VRK_INVALID_ARGUMENT for an index out
   of range or a NULL result. */
VRK_API int vrk_batch_result_outcome(const vrk_batch_result* result, size_t index);
/* Every event's vrk_outcome, one byte each, `count` of them; borrowed from
   the result. NULL for a NULL or empty result. */
VRK_API const uint8_t* vrk_batch_result_outcomes(const vrk_batch_result* result);
/* The rejection code of event `index`; VRK_OK when it was not rejected,
   VRK_INVALID_ARGUMENT for an index out of range or a NULL result. */
VRK_API int vrk_batch_result_code(const vrk_batch_result* result, size_t index);
/* The rejection message of event `index`; "" when it was not rejected,
   NULL for an index out of range or a NULL result. Borrowed. */
VRK_API const char* vrk_batch_result_message(const vrk_batch_result* result, size_t index);
/* Accepts NULL. */
VRK_API void vrk_batch_result_free(vrk_batch_result* result);

/* ------------------------------------------------------------------------
 * CSV import (docs/csv-format.md)
 */

typedef enum vrk_csv_time_format {
  VRK_CSV_TIME_ISO8601 = 0,       /* 2025-01-31, 2025-01-31T14:05:09Z, ...+03:00 */
  VRK_CSV_TIME_EPOCH_SECONDS = 1, /* 1738332309, or 1738332309.250 */
  VRK_CSV_TIME_EPOCH_MILLIS = 2   /* 1738332309250 */
} vrk_csv_time_format;

typedef struct vrk_csv_options {
  size_t size;                 /* sizeof(vrk_csv_options) */
  /* Renames columns of the file to voronka's: map_from[i] (a file column)
     is read as map_to[i] (event_id, deal_id, process, ts, kind, stage,
     amount, owner, client, reason, field, value or activity). */
  const char* const* map_from;
  const char* const* map_to;
  size_t map_count;
  int time_format;             /* a vrk_csv_time_format for the `ts` column; VRK_CSV_TIME_ISO8601 */
  /* Where to write the rows that were not recorded (the header plus the
     columns `line` and `error`); empty when every row was. NULL: nowhere.
     Neither the input file nor a file of the store. It is opened before
     anything is appended, and removed when the import fails. */
  const char* rejects_path;
} vrk_csv_options;

/* Sets the size and every other member to 0 / NULL. Threads: any. */
VRK_API void vrk_csv_options_init(vrk_csv_options* options);

typedef struct vrk_import_stats {
  size_t size;         /* sizeof(vrk_import_stats), set by the caller */
  uint64_t rows;       /* data rows in the file */
  uint64_t accepted;   /* events recorded */
  uint64_t duplicates; /* events recorded before */
  uint64_t rejected;   /* rows that could not be read, and events the ledger rejected */
} vrk_import_stats;

/* Reads the CSV file at `path` and appends its events as one batch; rows
   that cannot be read and events the ledger rejects are counted (and
   written to options->rejects_path), not fatal. `options` NULL means the
   defaults; `out` may be NULL. Errors: VRK_INVALID_ARGUMENT (NULL store or
   path, a wrong size, a bad mapping, a file without a header or a required
   column, a rejects path naming the input or a file of the store, a
   read-only store), VRK_NOT_FOUND (no file), VRK_IO (reading the file,
   writing the rejects or the log; a rejects file that cannot be created
   fails the import before it appends anything). Threads: serialised with
   the other writes. */
VRK_API int vrk_store_import_csv(vrk_import_stats* out, vrk_store* store, const char* path,
                                 const vrk_csv_options* options);

/* ------------------------------------------------------------------------
 * Deals
 */
typedef struct vrk_deal vrk_deal;

typedef enum vrk_deal_state {
  VRK_DEAL_OPEN = 1,
  VRK_DEAL_FROZEN = 2,
  VRK_DEAL_WON = 3,
  VRK_DEAL_LOST = 4
} vrk_deal_state;

/* Marks an absent time. */
#define VRK_NO_TIME INT64_MIN

/* The current state of the deal `key`. The caller frees *out with
   vrk_deal_free(). Errors: VRK_INVALID_ARGUMENT (NULL arguments),
   VRK_NOT_FOUND (no such deal). Threads: any. */
VRK_API int vrk_store_get_deal(vrk_deal** out, const vrk_store* store, const char* key);

/* The deal's facts. Strings are borrowed from the deal; getters return NULL
   (strings) or 0 for a NULL deal. Threads (all deal functions): any. */
VRK_API const char* vrk_deal_key(const vrk_deal* deal);
VRK_API const char* vrk_deal_process(const vrk_deal* deal);
/* The version number of the process the deal follows. */
VRK_API uint32_t vrk_deal_process_version(const vrk_deal* deal);
/* A vrk_deal_state. */
VRK_API int vrk_deal_status(const vrk_deal* deal);
/* The current stage; for a closed deal the stage it was closed at. */
VRK_API const char* vrk_deal_stage(const vrk_deal* deal);
/* When the current visit of the stage began. */
VRK_API int64_t vrk_deal_stage_since(const vrk_deal* deal);
VRK_API int64_t vrk_deal_opened_at(const vrk_deal* deal);
/* When the deal was won or lost; VRK_NO_TIME while it is open or frozen. */
VRK_API int64_t vrk_deal_closed_at(const vrk_deal* deal);
VRK_API int64_t vrk_deal_amount(const vrk_deal* deal);
VRK_API const char* vrk_deal_owner(const vrk_deal* deal);
VRK_API const char* vrk_deal_client(const vrk_deal* deal);
/* "" unless the deal is lost. */
VRK_API const char* vrk_deal_lost_reason(const vrk_deal* deal);
/* Recorded changes in the deal's timeline. */
VRK_API uint32_t vrk_deal_events(const vrk_deal* deal);
/* The deal's fields, by key order; out of range gives NULL. */
VRK_API size_t vrk_deal_field_count(const vrk_deal* deal);
VRK_API const char* vrk_deal_field_key(const vrk_deal* deal, size_t index);
VRK_API const char* vrk_deal_field_value(const vrk_deal* deal, size_t index);
/* The value of field `key`; NULL when the deal does not have it. */
VRK_API const char* vrk_deal_field(const vrk_deal* deal, const char* key);
/* Accepts NULL. */
VRK_API void vrk_deal_free(vrk_deal* deal);

/* ------------------------------------------------------------------------
 * Reports
 *
 * Each report of docs/semantics.md has an options struct: a filter, a
 * breakdown where the report has one, and its own settings. All-zero
 * options (after the size) are the defaults. A report is a vrk_report
 * handle read as tables of typed values (no protobuf needed), or as
 * protobuf bytes (proto/voronka/v1/report.proto), JSON, or rendered text.
 */

/* Which deals a report looks at. Empty parts do not filter. This struct
   never changes; see "Structs" above. */
typedef struct vrk_filter {
  const char* process;              /* a process key; NULL or "": all processes */
  const char* const* owners;        /* any of these owners */
  size_t owner_count;
  const char* const* clients;       /* any of these clients */
  size_t client_count;
  const char* const* field_keys;    /* every field_keys[i] equal to field_values[i] */
  const char* const* field_values;
  size_t field_count;
  int has_from;
  int64_t from;                     /* period start, inclusive */
  int has_to;
  int64_t to;                       /* period end, exclusive */
  int has_as_of;
  int64_t as_of;                    /* count events up to this time; the latest when unset */
} vrk_filter;

typedef enum vrk_breakdown_by {
  VRK_BREAKDOWN_NONE = 0,
  VRK_BREAKDOWN_OWNER = 1,
  VRK_BREAKDOWN_CLIENT = 2,
  VRK_BREAKDOWN_PROCESS = 3,
  VRK_BREAKDOWN_FIELD = 4,  /* by the value of `field` */
  VRK_BREAKDOWN_WEEK = 5,   /* "2025-W07" */
  VRK_BREAKDOWN_MONTH = 6,  /* "2025-02" */
  VRK_BREAKDOWN_QUARTER = 7 /* "2025-Q1" */
} vrk_breakdown_by;

/* Groups a report's rows; the whole is always given too. Never changes. */
typedef struct vrk_breakdown {
  int by;            /* a vrk_breakdown_by */
  const char* field; /* VRK_BREAKDOWN_FIELD: the field */
} vrk_breakdown;

typedef enum vrk_basis {
  VRK_BASIS_CREATED = 0,  /* deals opened in the period */
  VRK_BASIS_CLOSED = 1,   /* deals won or lost in the period */
  VRK_BASIS_ACTIVITY = 2  /* stage entries, wins and losses in the period */
} vrk_basis;

typedef enum vrk_count {
  VRK_COUNT_REACHED = 0, /* entered the stage, or passed it */
  VRK_COUNT_ENTERED = 1  /* was in the stage at some moment */
} vrk_count;

typedef enum vrk_window_mode {
  VRK_WINDOW_DEFAULT = 0,              /* entries out of order are skipped */
  VRK_WINDOW_STRICT_ORDER = 1,         /* any other entry ends the chain */
  VRK_WINDOW_STRICT_DEDUPLICATION = 2, /* entering the last matched stage again ends it */
  VRK_WINDOW_STRICT_INCREASE = 3       /* steps need strictly increasing times */
} vrk_window_mode;

/* The open deals by stage at as_of (the latest event when unset). */
typedef struct vrk_snapshot_options {
  size_t size; /* sizeof(vrk_snapshot_options) */
  vrk_filter filter;
  vrk_breakdown breakdown;
  uint32_t rotting_days; /* a rotting limit for every stage; the stages' own when 0 */
} vrk_snapshot_options;

/* The stages deals passed in a period and where they dropped off. */
typedef struct vrk_history_options {
  size_t size; /* sizeof(vrk_history_options) */
  vrk_filter filter;
  vrk_breakdown breakdown;
  int basis; /* a vrk_basis */
  int count; /* a vrk_count: what conversions are computed from */
} vrk_history_options;

/* Step and cumulative conversion, win rates, flows on branches. */
typedef struct vrk_conversion_options {
  size_t size; /* sizeof(vrk_conversion_options) */
  vrk_filter filter;
  vrk_breakdown breakdown;
  int basis; /* a vrk_basis */
  int count; /* a vrk_count */
} vrk_conversion_options;

/* Time in stage. */
typedef struct vrk_durations_options {
  size_t size; /* sizeof(vrk_durations_options) */
  vrk_filter filter;
  vrk_breakdown breakdown;
  int basis;      /* a vrk_basis */
  int cumulative; /* all visits of a stage added up; the first visit when 0 */
} vrk_durations_options;

/* The deals overdue at as_of. */
typedef struct vrk_obligations_options {
  size_t size; /* sizeof(vrk_obligations_options) */
  vrk_filter filter;
} vrk_obligations_options;

/* Deals lost in the period by stage and reason. */
typedef struct vrk_losses_options {
  size_t size; /* sizeof(vrk_losses_options) */
  vrk_filter filter;
  vrk_breakdown breakdown;
} vrk_losses_options;

/* The manager rating. */
typedef struct vrk_owners_options {
  size_t size; /* sizeof(vrk_owners_options) */
  vrk_filter filter;
} vrk_owners_options;

/* Weighted amounts and expected close months of the open deals. */
typedef struct vrk_forecast_options {
  size_t size; /* sizeof(vrk_forecast_options) */
  vrk_filter filter;
  vrk_breakdown breakdown;
  uint32_t lookback_days; /* history window for learned probabilities; 365 when 0 */
} vrk_forecast_options;

/* A projection with improved conversions. The multipliers and the step
   are numbers from 0 to 1,000,000 (a bound that keeps every projection
   finite); others are VRK_INVALID_ARGUMENT. */
typedef struct vrk_whatif_options {
  size_t size;        /* sizeof(vrk_whatif_options) */
  vrk_filter filter;  /* the baseline: deals created in the period */
  double inflow;      /* multiplier of new deals; 1 when 0 */
  double all_stages;  /* multiplier of every step conversion; 1 when 0 */
  const char* const* stages;  /* per-stage multipliers, applied after all_stages */
  const double* multipliers;
  size_t stage_count;
  double sensitivity_step; /* relative improvement for the ranking; 0.1 when 0 */
} vrk_whatif_options;

/* The ClickHouse windowFunnel: how far deals got in order within a window. */
typedef struct vrk_window_options {
  size_t size; /* sizeof(vrk_window_options) */
  vrk_filter filter;
  vrk_breakdown breakdown;
  int64_t window_ms;
  int mode; /* a vrk_window_mode */
} vrk_window_options;

/* Set the size and every other member to 0 / NULL (the defaults).
   Threads: any. */
VRK_API void vrk_snapshot_options_init(vrk_snapshot_options* options);
VRK_API void vrk_history_options_init(vrk_history_options* options);
VRK_API void vrk_conversion_options_init(vrk_conversion_options* options);
VRK_API void vrk_durations_options_init(vrk_durations_options* options);
VRK_API void vrk_obligations_options_init(vrk_obligations_options* options);
VRK_API void vrk_losses_options_init(vrk_losses_options* options);
VRK_API void vrk_owners_options_init(vrk_owners_options* options);
VRK_API void vrk_forecast_options_init(vrk_forecast_options* options);
VRK_API void vrk_whatif_options_init(vrk_whatif_options* options);
VRK_API void vrk_window_options_init(vrk_window_options* options);

/* A computed report. */
typedef struct vrk_report vrk_report;

/* Run a report over the store's deals; `options` NULL means the defaults.
   The caller frees *out with vrk_report_free(). Errors:
   VRK_INVALID_ARGUMENT (NULL out or store, a wrong options->size, an enum
   value out of range, NULL entries in the filter's arrays, a filter field
   given twice with different values, a period that ends before it starts,
   a what-if multiplier that is negative, NaN or infinite, ...), VRK_NOT_FOUND (an unknown process in the
   filter, an unknown stage among the what-if multipliers). Threads: any;
   reports run concurrently with each other and with one writer. */
VRK_API int vrk_store_report_snapshot(vrk_report** out, const vrk_store* store,
                                      const vrk_snapshot_options* options);
VRK_API int vrk_store_report_history(vrk_report** out, const vrk_store* store,
                                     const vrk_history_options* options);
VRK_API int vrk_store_report_conversion(vrk_report** out, const vrk_store* store,
                                        const vrk_conversion_options* options);
VRK_API int vrk_store_report_durations(vrk_report** out, const vrk_store* store,
                                       const vrk_durations_options* options);
VRK_API int vrk_store_report_obligations(vrk_report** out, const vrk_store* store,
                                         const vrk_obligations_options* options);
VRK_API int vrk_store_report_losses(vrk_report** out, const vrk_store* store,
                                    const vrk_losses_options* options);
VRK_API int vrk_store_report_owners(vrk_report** out, const vrk_store* store,
                                    const vrk_owners_options* options);
VRK_API int vrk_store_report_forecast(vrk_report** out, const vrk_store* store,
                                      const vrk_forecast_options* options);
VRK_API int vrk_store_report_whatif(vrk_report** out, const vrk_store* store,
                                    const vrk_whatif_options* options);
VRK_API int vrk_store_report_window(vrk_report** out, const vrk_store* store,
                                    const vrk_window_options* options);

/* Runs the report a ReportSpec (proto/voronka/v1/report.proto) in its JSON
   form describes, e.g. {"history": {"filter": {"process": "typical_sale"},
   "basis": "CLOSED"}}. The caller frees *out with vrk_report_free().
   Errors: VRK_INVALID_ARGUMENT (NULL arguments, JSON that does not parse,
   with the field path, a spec naming no report), and those of the typed
   functions. Threads: as the typed functions. */
VRK_API int vrk_store_report_json(vrk_report** out, const vrk_store* store, const char* spec_json);

/* What a column's numbers mean. */
typedef enum vrk_column_kind {
  VRK_COLUMN_TEXT = 0,
  VRK_COLUMN_COUNT = 1,    /* an integer count */
  VRK_COLUMN_MONEY = 2,    /* minor units */
  VRK_COLUMN_RATIO = 3,    /* a share in [0, 1] */
  VRK_COLUMN_TIME = 4,     /* ms since the epoch */
  VRK_COLUMN_DURATION = 5, /* ms */
  VRK_COLUMN_NUMBER = 6,   /* any other number */
  VRK_COLUMN_FLAG = 7      /* 0 or 1 */
} vrk_column_kind;

/* The type of a cell. */
typedef enum vrk_value_type {
  VRK_VALUE_NULL = 0,  /* no value, e.g. the conversion of a stage without deals */
  VRK_VALUE_INT64 = 1,
  VRK_VALUE_DOUBLE = 2,
  VRK_VALUE_TEXT = 3
} vrk_value_type;

/* The report's name ("snapshot", "history", ...) and a line saying what it
   counted. Borrowed; NULL for a NULL report (or when memory runs out
   working out the tables, below). Threads (all report functions): any. */
VRK_API const char* vrk_report_name(const vrk_report* report);
VRK_API const char* vrk_report_title(const vrk_report* report);

/* A report as tables (include/voronka/tables.hpp): each list in the report
   (stages, flows, months, ...) is a table whose columns are the fields of
   its rows, nested fields flattened as "<field>_<inner>"; the report's own
   figures are the one-row table "summary", always last. With a breakdown
   every table starts with a column "group" ("" for all deals) and the
   groups' rows follow the whole's.

   The tables are worked out by the first call that reads them (a caller
   that wants only JSON or protobuf bytes never pays for them). Counts are 0
   and names NULL for a NULL report, an index out of range, or when memory
   runs out working the tables out (vrk_last_error() then says so). */
VRK_API size_t vrk_report_table_count(const vrk_report* report);
VRK_API const char* vrk_report_table_name(const vrk_report* report, size_t table);
/* The index of the table `name`. Errors: VRK_INVALID_ARGUMENT (NULL
   arguments), VRK_NOT_FOUND (no such table; the message lists them). */
VRK_API int vrk_report_find_table(size_t* out, const vrk_report* report, const char* name);
VRK_API size_t vrk_report_column_count(const vrk_report* report, size_t table);
VRK_API const char* vrk_report_column_name(const vrk_report* report, size_t table, size_t column);
/* A vrk_column_kind; VRK_INVALID_ARGUMENT out of range. */
VRK_API int vrk_report_column_kind(const vrk_report* report, size_t table, size_t column);
/* The index of column `name` of a table. Errors: VRK_INVALID_ARGUMENT
   (NULL arguments, table out of range), VRK_NOT_FOUND (no such column). */
VRK_API int vrk_report_find_column(size_t* out, const vrk_report* report, size_t table,
                                   const char* name);
VRK_API size_t vrk_report_row_count(const vrk_report* report, size_t table);
/* The vrk_value_type of a cell; VRK_INVALID_ARGUMENT out of range. */
VRK_API int vrk_report_value_type(const vrk_report* report, size_t table, size_t row,
                                  size_t column);
/* An integer cell's value; 0 for any other cell or out of range. */
VRK_API int64_t vrk_report_int64(const vrk_report* report, size_t table, size_t row,
                                 size_t column);
/* A double cell's value, or an integer cell's converted; 0 for any other
   cell or out of range. */
VRK_API double vrk_report_double(const vrk_report* report, size_t table, size_t row,
                                 size_t column);
/* A text cell's value, borrowed; NULL for any other cell or out of range. */
VRK_API const char* vrk_report_text(const vrk_report* report, size_t table, size_t row,
                                    size_t column);

/* The report as a serialized voronka.v1.Report message. The caller frees
   *out with vrk_buf_free(). Errors: VRK_INVALID_ARGUMENT (NULL
   arguments). */
VRK_API int vrk_report_protobuf(vrk_buf* out, const vrk_report* report);
/* The report as JSON (proto field names, zeros printed). The caller frees
   *out with vrk_buf_free(). Errors: VRK_INVALID_ARGUMENT (NULL
   arguments). */
VRK_API int vrk_report_json(vrk_buf* out, const vrk_report* report);

typedef enum vrk_format {
  VRK_FORMAT_TABLE = 0, /* a title, then each table aligned, for people */
  VRK_FORMAT_CSV = 1,   /* one table with a header row */
  VRK_FORMAT_JSON = 2,  /* as vrk_report_json() */
  VRK_FORMAT_HTML = 3   /* a self-contained page with the funnel charts */
} vrk_format;

/* Renders the report as text in a vrk_format. `table` (may be NULL) names
   the one table to write: VRK_FORMAT_CSV writes the main one when it is
   NULL or "", VRK_FORMAT_TABLE every table. The caller frees *out with
   vrk_buf_free(). Errors: VRK_INVALID_ARGUMENT (NULL arguments, an unknown
   format, an unknown table, a table named for VRK_FORMAT_JSON or
   VRK_FORMAT_HTML, which render the whole report). */
VRK_API int vrk_report_render(vrk_buf* out, const vrk_report* report, int format,
                              const char* table);

/* Accepts NULL. */
VRK_API void vrk_report_free(vrk_report* report);

/* ------------------------------------------------------------------------
 * Partial states
 *
 * Every report is finished from a partial state (proto/voronka/v1/
 * state.proto) that merges across partitions splitting the deals: compute
 * a state per partition (each deal wholly in one), serialize, ship, merge,
 * finish. A merged report equals the report of the whole.
 */
typedef struct vrk_partial vrk_partial;

/* The partial state over the store's deals of the report a ReportSpec in
   JSON describes (see vrk_store_report_json). Reports that depend on "now"
   (snapshot, obligations, forecast) merge only with states of the same
   as_of: give one when partitions end at different times. The caller frees
   *out with vrk_partial_free(). Errors: as vrk_store_report_json().
   Threads: any, as reports. */
VRK_API int vrk_store_compute_partial(vrk_partial** out, const vrk_store* store,
                                      const char* spec_json);

/* The state as protobuf bytes (a voronka.v1.PartialState). The caller
   frees *out with vrk_buf_free(). Errors: VRK_INVALID_ARGUMENT (NULL
   arguments). Threads (all partial functions): any. */
VRK_API int vrk_partial_serialize(vrk_buf* out, const vrk_partial* partial);

/* A state from the bytes vrk_partial_serialize() made. The caller frees
   *out with vrk_partial_free(). Errors: VRK_INVALID_ARGUMENT (NULL out,
   NULL data with size > 0, bytes that do not parse as a state). A state of
   another format version parses; merging or finishing it fails. */
VRK_API int vrk_partial_deserialize(vrk_partial** out, const void* data, size_t size);

/* Merges `count` states of one spec (count >= 1) into a new one; the parts
   are not changed. The caller frees *out with vrk_partial_free(). Errors:
   VRK_INVALID_ARGUMENT (NULL arguments or parts, count 0, states of
   different specs or times, window-funnel states that saw other stages,
   a state whose tallies do not fit its funnel), VRK_VERSION_MISMATCH (a
   state of another format version). */
VRK_API int vrk_partial_merge(vrk_partial** out, const vrk_partial* const* parts, size_t count);

/* The report of a (merged) state. The caller frees *out with
   vrk_report_free(). Errors: VRK_INVALID_ARGUMENT (NULL arguments, a
   state without a report), VRK_VERSION_MISMATCH (a state of another format
   version). */
VRK_API int vrk_partial_finish(vrk_report** out, const vrk_partial* partial);

/* Accepts NULL. */
VRK_API void vrk_partial_free(vrk_partial* partial);

#ifdef __cplusplus
} /* extern "C" */
#endif

#endif /* VORONKA_VORONKA_H_ */
