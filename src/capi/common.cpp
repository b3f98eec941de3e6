// Versions, errors, buffers and time.
#include <fmt/format.h>

#include <cstdlib>
#include <cstring>
#include <stdexcept>

#include "capi/capi.hpp"
#include "voronka/time.hpp"

namespace voronka::capi {
namespace {

// The header's version must be the project's (VORONKA_VERSION comes from
// project(VERSION) in CMakeLists.txt).
constexpr int version_part(std::string_view version, int index) {
  int value = 0;
  for (char c : version) {
    if (c == '.') {
      if (index-- == 0) return value;
      value = 0;
    } else {
      value = value * 10 + (c - '0');
    }
  }
  return index == 0 ? value : -1;
}
static_assert(std::string_view(VRK_VERSION_STRING) == VORONKA_VERSION,
              "VRK_VERSION_STRING in voronka.h differs from the project version");
static_assert(version_part(VORONKA_VERSION, 0) == VRK_VERSION_MAJOR &&
                  version_part(VORONKA_VERSION, 1) == VRK_VERSION_MINOR &&
                  version_part(VORONKA_VERSION, 2) == VRK_VERSION_PATCH,
              "VRK_VERSION_MAJOR/MINOR/PATCH in voronka.h differ from the project version");

// vrk_status is voronka::Code: one list of values, kept in two languages.
static_assert(VRK_OK == static_cast<int>(Code::kOk));
static_assert(VRK_INVALID_ARGUMENT == static_cast<int>(Code::kInvalidArgument));
static_assert(VRK_NOT_FOUND == static_cast<int>(Code::kNotFound));
static_assert(VRK_INVALID_PROCESS == static_cast<int>(Code::kInvalidProcess));
static_assert(VRK_ILLEGAL_TRANSITION == static_cast<int>(Code::kIllegalTransition));
static_assert(VRK_OUT_OF_ORDER == static_cast<int>(Code::kOutOfOrder));
static_assert(VRK_CONFLICTING_DUPLICATE == static_cast<int>(Code::kConflictingDuplicate));
static_assert(VRK_CORRUPT_STORE == static_cast<int>(Code::kCorruptStore));
static_assert(VRK_LOCKED == static_cast<int>(Code::kLocked));
static_assert(VRK_IO == static_cast<int>(Code::kIo));
static_assert(VRK_VERSION_MISMATCH == static_cast<int>(Code::kVersionMismatch));
static_assert(VRK_LIMIT_EXCEEDED == static_cast<int>(Code::kLimitExceeded));
static_assert(VRK_OUT_OF_MEMORY == static_cast<int>(Code::kOutOfMemory));
static_assert(VRK_INTERNAL == static_cast<int>(Code::kInternal));
static_assert(VRK_OUTCOME_ACCEPTED == static_cast<int>(Outcome::kAccepted) &&
              VRK_OUTCOME_DUPLICATE == static_cast<int>(Outcome::kDuplicate) &&
              VRK_OUTCOME_REJECTED == static_cast<int>(Outcome::kRejected));

struct LastError {
  int code = VRK_OK;
  std::string message;
  // Set instead of `message` when the message itself could not be stored.
  const char* fixed = nullptr;
};

thread_local LastError last_error;

}  // namespace

int ok() {
  LastError& e = last_error;
  e.code = VRK_OK;
  e.message.clear();  // keeps the capacity: no allocation on the next failure
  e.fixed = nullptr;
  return VRK_OK;
}

int fail(Code code, std::string_view message) {
  LastError& e = last_error;
  e.code = static_cast<int>(code);
  try {
    e.message.assign(message);
    e.fixed = nullptr;
  } catch (...) {
    e.fixed = "out of memory while recording an error";
  }
  return e.code;
}

int fail(const Status& status) { return fail(status.code(), status.message()); }

int invalid(std::string_view message) { return fail(Code::kInvalidArgument, message); }

int out_of_memory() {
  LastError& e = last_error;
  e.code = VRK_OUT_OF_MEMORY;
  e.fixed = "out of memory";
  return e.code;
}

int check_size(size_t size, size_t expected, const char* type) {
  if (size == expected) return VRK_OK;
  return invalid(fmt::format("{}.size is {}; this library expects sizeof({}), {}", type, size, type,
                             expected));
}

int fill(vrk_buf* out, std::string_view bytes) {
  char* data = static_cast<char*>(std::malloc(bytes.size() + 1));
  if (data == nullptr) return out_of_memory();
  if (!bytes.empty()) std::memcpy(data, bytes.data(), bytes.size());
  data[bytes.size()] = '\0';
  out->data = data;
  out->size = bytes.size();
  return ok();
}

}  // namespace voronka::capi

using namespace voronka;

extern "C" {

int vrk_version(void) { return VRK_VERSION_NUMBER; }

const char* vrk_version_string(void) { return VRK_VERSION_STRING; }

const char* vrk_last_error(void) {
  const auto& e = capi::last_error;
  return e.fixed != nullptr ? e.fixed : e.message.c_str();
}

int vrk_last_error_code(void) { return capi::last_error.code; }

const char* vrk_status_string(int status) {
  if (status > 0 || status < VRK_INTERNAL) return "unknown";
  return code_name(static_cast<Code>(status));
}

void vrk_buf_free(vrk_buf* buf) {
  if (buf == nullptr) return;
  std::free(buf->data);
  buf->data = nullptr;
  buf->size = 0;
}

int vrk_time_parse(int64_t* out, const char* text) {
  return capi::guard([&] {
    if (out == nullptr) return capi::invalid("vrk_time_parse: out is NULL");
    *out = 0;
    if (text == nullptr) return capi::invalid("vrk_time_parse: text is NULL");
    const auto time = parse_time(text);
    if (!time) {
      return capi::invalid(fmt::format("'{}' is not an ISO 8601 date or date-time", text));
    }
    *out = *time;
    return capi::ok();
  });
}

int vrk_time_format(vrk_buf* out, int64_t ms) {
  return capi::guard([&] {
    if (out == nullptr) return capi::invalid("vrk_time_format: out is NULL");
    *out = vrk_buf{nullptr, 0};
    if (!in_calendar(ms)) {
      return capi::invalid(fmt::format("{} ms is outside the calendar's years 1400 to 9999", ms));
    }
    return capi::fill(out, format_time(ms));
  });
}

}  // extern "C"
