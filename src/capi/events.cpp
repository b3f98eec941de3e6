// Appending events, one, as columns, or from a CSV file.
#include <fmt/format.h>

#include <cerrno>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <system_error>
#include <type_traits>

#include "capi/capi.hpp"
#include "store/file.hpp"
#include "voronka/csv.hpp"

using namespace voronka;

namespace {

static_assert(VRK_EVENT_OPENED == static_cast<int>(EventKind::kOpened) &&
              VRK_EVENT_ACTIVITY == static_cast<int>(EventKind::kActivity) &&
              VRK_EVENT_ACTIVITY == kEventKindCount);
static_assert(VRK_NO_AMOUNT == kNoAmount);

// A kind from C: values beyond a byte become 0, which the ledger rejects as
// "no kind" like every other value that is not a kind.
EventKind kind_of(int kind) { return static_cast<EventKind>(kind >= 0 && kind <= 255 ? kind : 0); }

// A C batch seen as EventColumns: the text columns read the caller's C
// strings in place, and only the kind column is copied.
class CColumns {
 public:
  explicit CColumns(const vrk_event_columns& c) {
    const size_t n = c.count;
    auto text = [n](const char* const* column) {
      return column != nullptr && n > 0 ? TextColumn::c_strings(column, n) : TextColumn();
    };
    columns_.size = n;
    columns_.event_id = text(c.event_id);
    columns_.deal = text(c.deal);
    columns_.process = text(c.process);
    columns_.stage = text(c.stage);
    columns_.owner = text(c.owner);
    columns_.client = text(c.client);
    columns_.reason = text(c.reason);
    columns_.field = text(c.field);
    columns_.value = text(c.value);
    columns_.activity = text(c.activity);
    if (c.at != nullptr) columns_.at = std::span<const int64_t>(c.at, n);
    if (c.amount != nullptr) columns_.amount = std::span<const int64_t>(c.amount, n);
    if (c.kind != nullptr && n > 0) {
      // EventKind is a byte; copied rather than cast, for strict aliasing.
      kinds_.resize(n);
      std::memcpy(kinds_.data(), c.kind, n);
      columns_.kind = kinds_;
    }
  }

  const EventColumns& columns() const { return columns_; }

 private:
  EventColumns columns_;
  std::vector<EventKind> kinds_;
};

int check_event_columns(const vrk_event_columns& c) {
  if (int rc = capi::check_size(c, "vrk_event_columns"); rc != VRK_OK) return rc;
  if (c.count == 0) return VRK_OK;
  const std::pair<const char*, const void*> required[] = {
      {"event_id", c.event_id}, {"deal", c.deal}, {"at", c.at}, {"kind", c.kind}};
  for (const auto& [name, column] : required) {
    if (column == nullptr) {
      return capi::invalid(
          fmt::format("vrk_event_columns: the '{}' column is NULL; every event needs one", name));
    }
  }
  return VRK_OK;
}

// The rejects file must be neither the input nor a file of the store:
// writing it would destroy what the events were read from or recorded in.
int check_rejects_path(const char* rejects, const char* input, const std::string& store_path) {
  const std::string_view what = [&]() -> std::string_view {
    if (store::same_file(rejects, input)) return "the input file";
    if (store_path.empty()) return {};
    const std::vector<std::string> files = store_files(store_path);
    for (size_t i = 0; i < files.size(); ++i) {
      if (store::same_file(rejects, files[i])) return i == 0 ? "the store" : "a file of the store";
    }
    return {};
  }();
  if (what.empty()) return VRK_OK;
  return capi::invalid(
      fmt::format("vrk_csv_options.rejects_path '{}' would overwrite {}; write the rejects to "
                  "another file",
                  rejects, what));
}

// Closes and removes a rejects file opened for an import that failed, unless
// it is not a regular file (a terminal, a pipe).
void remove_unwritten(std::ofstream* stream, const char* path) {
  stream->close();
  std::error_code error;
  if (std::filesystem::symlink_status(path, error).type() ==
      std::filesystem::file_type::regular) {
    std::filesystem::remove(path, error);
  }
}

}  // namespace

extern "C" {

void vrk_event_init(vrk_event* event) {
  if (event == nullptr) return;
  *event = vrk_event{};
  event->size = sizeof(vrk_event);
  event->amount = VRK_NO_AMOUNT;
}

void vrk_event_columns_init(vrk_event_columns* columns) {
  if (columns == nullptr) return;
  *columns = vrk_event_columns{};
  columns->size = sizeof(vrk_event_columns);
}

int vrk_store_append(int* outcome, vrk_store* store, const vrk_event* event) {
  return capi::guard([&] {
    if (outcome != nullptr) *outcome = VRK_OUTCOME_REJECTED;
    if (store == nullptr || event == nullptr)
      return capi::invalid("vrk_store_append: NULL argument");
    if (int rc = capi::check_size(*event, "vrk_event"); rc != VRK_OK) return rc;
    // One row of columns: the same path as a batch, without copying text.
    const std::string_view event_id = capi::view(event->event_id), deal = capi::view(event->deal),
                           process = capi::view(event->process), stage = capi::view(event->stage),
                           owner = capi::view(event->owner), client = capi::view(event->client),
                           reason = capi::view(event->reason), field = capi::view(event->field),
                           value = capi::view(event->value), activity = capi::view(event->activity);
    const EventKind kind = kind_of(event->kind);
    EventColumns columns;
    columns.size = 1;
    columns.event_id = {&event_id, 1};
    columns.deal = {&deal, 1};
    columns.at = {&event->at, 1};
    columns.kind = {&kind, 1};
    columns.process = {&process, 1};
    columns.stage = {&stage, 1};
    columns.amount = {&event->amount, 1};
    columns.owner = {&owner, 1};
    columns.client = {&client, 1};
    columns.reason = {&reason, 1};
    columns.field = {&field, 1};
    columns.value = {&value, 1};
    columns.activity = {&activity, 1};

    BatchResult results;
    const Status s = store->store->append(columns, &results);
    if (results.size() != 1) {
      return capi::fail(Code::kInternal, fmt::format("vrk_store_append: {} results for one event",
                                                     results.size()));
    }
    if (outcome != nullptr) *outcome = static_cast<int>(results.outcome(0));
    if (!s) return capi::fail(s);
    return capi::check(results.status(0));
  });
}

int vrk_store_append_batch(vrk_batch_result** out, vrk_store* store,
                           const vrk_event_columns* events) {
  return capi::guard([&] {
    if (out == nullptr) return capi::invalid("vrk_store_append_batch: out is NULL");
    *out = nullptr;
    if (store == nullptr || events == nullptr) {
      return capi::invalid("vrk_store_append_batch: NULL argument");
    }
    if (int rc = check_event_columns(*events); rc != VRK_OK) return rc;
    auto result = std::make_unique<vrk_batch_result>();
    {
      const CColumns columns(*events);
      if (Status s = store->store->append(columns.columns(), &result->results); !s) {
        return capi::fail(s);
      }
    }
    *out = result.release();
    return capi::ok();
  });
}

size_t vrk_batch_result_count(const vrk_batch_result* result) {
  return result != nullptr ? result->results.size() : 0;
}

size_t vrk_batch_result_accepted(const vrk_batch_result* result) {
  return result != nullptr ? result->results.accepted() : 0;
}

size_t vrk_batch_result_duplicates(const vrk_batch_result* result) {
  return result != nullptr ? result->results.duplicates() : 0;
}

size_t vrk_batch_result_rejected(const vrk_batch_result* result) {
  return result != nullptr ? result->results.rejected() : 0;
}

int vrk_batch_result_outcome(const vrk_batch_result* result, size_t index) {
  if (result == nullptr || index >= result->results.size()) {
    return capi::invalid(fmt::format("vrk_batch_result_outcome: no event {}{}", index,
                                     result == nullptr ? " (NULL result)" : ""));
  }
  return static_cast<int>(result->results.outcome(index));
}

const uint8_t* vrk_batch_result_outcomes(const vrk_batch_result* result) {
  if (result == nullptr || result->results.empty()) return nullptr;
  // The outcomes are one byte each, of vrk_outcome's values.
  static_assert(std::is_same_v<std::underlying_type_t<Outcome>, uint8_t>);
  return reinterpret_cast<const uint8_t*>(result->results.outcomes().data());
}

int vrk_batch_result_code(const vrk_batch_result* result, size_t index) {
  if (result == nullptr || index >= result->results.size()) {
    return capi::invalid(fmt::format("vrk_batch_result_code: no event {}{}", index,
                                     result == nullptr ? " (NULL result)" : ""));
  }
  return static_cast<int>(result->results.status(index).code());
}

const char* vrk_batch_result_message(const vrk_batch_result* result, size_t index) {
  if (result == nullptr || index >= result->results.size()) return nullptr;
  return result->results.status(index).message().c_str();
}

void vrk_batch_result_free(vrk_batch_result* result) { delete result; }

// --- CSV ----------------------------------------------------------------------

void vrk_csv_options_init(vrk_csv_options* options) {
  if (options == nullptr) return;
  *options = vrk_csv_options{};
  options->size = sizeof(vrk_csv_options);
}

int vrk_store_import_csv(vrk_import_stats* out, vrk_store* store, const char* path,
                         const vrk_csv_options* options) {
  return capi::guard([&] {
    if (out != nullptr) {
      if (int rc = capi::check_size(*out, "vrk_import_stats"); rc != VRK_OK) return rc;
      *out = vrk_import_stats{};
      out->size = sizeof(vrk_import_stats);
    }
    if (store == nullptr || path == nullptr) {
      return capi::invalid("vrk_store_import_csv: NULL argument");
    }
    vrk_csv_options o;
    vrk_csv_options_init(&o);
    if (options != nullptr) {
      if (int rc = capi::check_size(*options, "vrk_csv_options"); rc != VRK_OK) return rc;
      o = *options;
    }
    CsvOptions csv;
    if (o.map_count > 0 && (o.map_from == nullptr || o.map_to == nullptr)) {
      return capi::invalid(fmt::format(
          "vrk_csv_options: map_count is {} but map_from or map_to is NULL", o.map_count));
    }
    for (size_t i = 0; i < o.map_count; ++i) {
      if (o.map_from[i] == nullptr || o.map_to[i] == nullptr) {
        return capi::invalid(fmt::format("vrk_csv_options: mapping {} has a NULL name", i));
      }
      csv.column_map.emplace_back(o.map_from[i], o.map_to[i]);
    }
    static_assert(VRK_CSV_TIME_ISO8601 == static_cast<int>(TimeFormat::kIso8601) &&
                  VRK_CSV_TIME_EPOCH_SECONDS == static_cast<int>(TimeFormat::kEpochSeconds) &&
                  VRK_CSV_TIME_EPOCH_MILLIS == static_cast<int>(TimeFormat::kEpochMillis));
    if (o.time_format < VRK_CSV_TIME_ISO8601 || o.time_format > VRK_CSV_TIME_EPOCH_MILLIS) {
      return capi::invalid(fmt::format(
          "vrk_csv_options.time_format is {}, not a vrk_csv_time_format", o.time_format));
    }
    csv.time_format = static_cast<TimeFormat>(o.time_format);

    if (o.rejects_path != nullptr) {
      if (int rc = check_rejects_path(o.rejects_path, path, store->path); rc != VRK_OK) return rc;
    }

    EventFile file;
    if (Status s = read_events_csv(path, csv, &file); !s) return capi::fail(s);
    // Opened before the append, so that a path that cannot be written fails
    // before anything is recorded.
    std::ofstream stream;
    if (o.rejects_path != nullptr) {
      stream.open(o.rejects_path, std::ios::binary | std::ios::trunc);
      if (!stream) {
        return capi::fail(Code::kIo,
                          fmt::format("cannot write the rejects file '{}': {}", o.rejects_path,
                                      std::generic_category().message(errno)));
      }
    }
    BatchResult results;
    if (Status s = store->store->append(file.columns(), &results); !s) {
      // No rejects file: an empty one would say that every row was recorded.
      if (o.rejects_path != nullptr) remove_unwritten(&stream, o.rejects_path);
      return capi::fail(s);
    }
    if (out != nullptr) {
      out->rows = file.size() + file.rejects().size();
      out->accepted = results.accepted();
      out->duplicates = results.duplicates();
      out->rejected = file.rejects().size() + results.rejected();
    }
    if (o.rejects_path != nullptr) {
      RejectsWriter rejects(file.header());
      rejects.add(file, results);
      if (Status s = rejects.write(stream); !s) return capi::fail(s);
    }
    return capi::ok();
  });
}

}  // extern "C"
