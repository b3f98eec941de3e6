#include "voronka/status.hpp"

namespace voronka {

const char* code_name(Code code) {
  switch (code) {
    case Code::kOk: return "ok";
    case Code::kInvalidArgument: return "invalid argument";
    case Code::kNotFound: return "not found";
    case Code::kInvalidProcess: return "invalid process";
    case Code::kIllegalTransition: return "illegal transition";
    case Code::kOutOfOrder: return "out of order";
    case Code::kConflictingDuplicate: return "conflicting duplicate";
    case Code::kCorruptStore: return "corrupt store";
    case Code::kLocked: return "locked";
    case Code::kIo: return "i/o error";
    case Code::kVersionMismatch: return "version mismatch";
    case Code::kLimitExceeded: return "limit exceeded";
    case Code::kOutOfMemory: return "out of memory";
    case Code::kInternal: return "internal error";
  }
  return "unknown";
}

Status::Status(Code code, std::string message)
    : state_(code == Code::kOk ? nullptr : new State{code, std::move(message)}) {}

Status::Status(const Status& other)
    : state_(other.state_ ? new State(*other.state_) : nullptr) {}

Status& Status::operator=(const Status& other) {
  if (this != &other) state_.reset(other.state_ ? new State(*other.state_) : nullptr);
  return *this;
}

const std::string& Status::message() const {
  static const std::string kEmpty;
  return state_ ? state_->message : kEmpty;
}

std::string Status::to_string() const {
  if (!state_) return "ok";
  return std::string(code_name(state_->code)) + ": " + state_->message;
}

}  // namespace voronka
