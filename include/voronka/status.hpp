// Status: the outcome of a fallible operation, in the manner of LevelDB.
//
// An OK status holds nothing and costs one pointer; an error carries a code
// from a fixed list and a message that names what was wrong.
#ifndef VORONKA_STATUS_HPP_
#define VORONKA_STATUS_HPP_

#include <memory>
#include <string>
#include <string_view>

namespace voronka {

// Error codes. The numeric values are those of the C API's vrk_status and
// never change.
enum class Code : int {
  kOk = 0,
  kInvalidArgument = -1,
  kNotFound = -2,
  kInvalidProcess = -3,
  kIllegalTransition = -4,
  kOutOfOrder = -5,
  kConflictingDuplicate = -6,
  kCorruptStore = -7,
  kLocked = -8,
  kIo = -9,
  kVersionMismatch = -10,
  kLimitExceeded = -11,
  kOutOfMemory = -12,
  kInternal = -13,
};

// The fixed name of a code, e.g. "illegal transition".
const char* code_name(Code code);

class Status {
 public:
  Status() = default;  // OK
  Status(Code code, std::string message);
  Status(const Status& other);
  Status& operator=(const Status& other);
  Status(Status&&) noexcept = default;
  Status& operator=(Status&&) noexcept = default;

  static Status ok() { return Status(); }

  bool is_ok() const { return state_ == nullptr; }
  explicit operator bool() const { return is_ok(); }
  Code code() const { return state_ ? state_->code : Code::kOk; }
  // The message alone; empty for OK.
  const std::string& message() const;
  // "<code name>: <message>", or "ok".
  std::string to_string() const;

 private:
  struct State {
    Code code;
    std::string message;
  };
  std::unique_ptr<State> state_;
};

}  // namespace voronka

#endif  // VORONKA_STATUS_HPP_
