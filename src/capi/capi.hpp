// The C API's plumbing: the handles behind the opaque types of voronka.h,
// the thread-local last error, and the guard that keeps C++ exceptions from
// crossing into C.
//
// The C API holds no logic of its own: each function checks its arguments,
// converts them to the C++ API's types, calls it, and converts the result.
#ifndef VORONKA_CAPI_CAPI_HPP_
#define VORONKA_CAPI_CAPI_HPP_

#include <atomic>
#include <cstdint>
#include <exception>
#include <memory>
#include <mutex>
#include <new>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include <google/protobuf/arena.h>

#include "voronka/analytics.hpp"
#include "voronka/event.hpp"
#include "voronka/process.hpp"
#include "voronka/status.hpp"
#include "voronka/store.hpp"
#include "voronka/tables.hpp"
#include "voronka/voronka.h"

struct vrk_store {
  std::unique_ptr<voronka::Store> store;
  voronka::OpenInfo info;
  std::string path;  // the log's path; empty in memory
};

struct vrk_process {
  std::shared_ptr<const voronka::Process> process;
  // Per stage in funnel order, the required fields as C strings borrowed
  // from the process, so vrk_stage_info can hand out an array.
  std::vector<std::vector<const char*>> required_fields;
};

struct vrk_process_list {
  std::vector<std::shared_ptr<const voronka::Process>> processes;
};

struct vrk_batch_result {
  voronka::BatchResult results;
};

struct vrk_deal {
  voronka::v1::DealState state;
  std::vector<std::pair<std::string, std::string>> fields;  // by key
};

struct vrk_report {
  // A report is many small messages: on an arena they cost one allocation
  // and one free, not one each. (No Report message holds a map: Debian's
  // protobuf 3.21 crashes destroying maps on an arena, as partial states,
  // which hold maps, showed under ThreadSanitizer.)
  google::protobuf::Arena arena;
  voronka::v1::Report* report = google::protobuf::Arena::CreateMessage<voronka::v1::Report>(&arena);
  // The tables, worked out on first use (voronka::capi::tables_of): a caller
  // that wants JSON or bytes does not pay for them. Reports are read from
  // any thread, so the first use is locked and later ones read `tables`.
  mutable std::mutex tables_mutex;
  mutable std::unique_ptr<const voronka::ReportTables> tables_made;
  mutable std::atomic<const voronka::ReportTables*> tables{nullptr};
};

struct vrk_partial {
  voronka::v1::PartialState state;
};

struct vrk_salvage_report {
  voronka::SalvageReport report;
};

namespace voronka::capi {

// The last error of the calling thread. These never throw.
int ok();                                       // clears it; returns VRK_OK
int fail(Code code, std::string_view message);  // sets it; returns the code
int fail(const Status& status);
inline int check(const Status& status) { return status ? ok() : fail(status); }
int invalid(std::string_view message);  // fail(kInvalidArgument, ...)
int out_of_memory();

// Runs a C API function body, turning any exception into an error code.
template <typename Body>
int guard(Body&& body) noexcept {
  try {
    return body();
  } catch (const std::bad_alloc&) {
    return out_of_memory();
  } catch (const std::exception& e) {
    return fail(Code::kInternal, e.what());
  } catch (...) {
    return fail(Code::kInternal, "an unknown exception");
  }
}

// Checks the `size` of a struct from the caller: the library reads only the
// layouts it knows, and today there is one. VRK_OK or the error.
int check_size(size_t size, size_t expected, const char* type);
template <typename Struct>
int check_size(const Struct& s, const char* type) {
  return check_size(s.size, sizeof(Struct), type);
}

// A C string as a view; NULL is empty.
inline std::string_view view(const char* text) {
  return text != nullptr ? std::string_view(text) : std::string_view();
}

// Copies bytes into a buffer the caller frees with vrk_buf_free().
int fill(vrk_buf* out, std::string_view bytes);

// A report handle whose report `compute` (Status(v1::Report*)) writes.
template <typename Compute>
int make_report(vrk_report** out, Compute&& compute) {
  auto handle = std::make_unique<vrk_report>();
  if (Status s = compute(handle->report); !s) return fail(s);
  // The tables of a report without a kind could not be worked out later.
  if (handle->report->kind_case() == v1::Report::KIND_NOT_SET) {
    return fail(Code::kInternal, "the report is empty");
  }
  *out = handle.release();
  return ok();
}

// The report's tables, worked out on its first call; NULL for a NULL
// report, or when memory runs out (the calling thread's error says so).
const ReportTables* tables_of(const vrk_report* report) noexcept;

}  // namespace voronka::capi

#endif  // VORONKA_CAPI_CAPI_HPP_
