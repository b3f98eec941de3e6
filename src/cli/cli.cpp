#include "cli/cli.hpp"

#include <cctype>
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <fstream>

#include <fmt/format.h>

#include "voronka/time.hpp"

namespace voronka::cli {

void check(const Status& status) {
  if (!status) throw Failure(status);
}

std::unique_ptr<Store> open_store(const std::string& path, bool writable, bool create,
                                  Durability durability) {
  StoreOptions options;
  options.read_only = !writable;
  options.create_if_missing = create;
  options.durability = durability;
  std::unique_ptr<Store> store;
  OpenInfo info;
  check(Store::open(path, options, &store, &info));
  return store;
}

int64_t parse_time_flag(const std::string& flag, const std::string& text) {
  const auto time = parse_time(text);
  if (!time) {
    throw UsageError(fmt::format("{}: '{}' is not an ISO 8601 date or date-time "
                                 "(2025-01-31 or 2025-01-31T14:05:00Z)",
                                 flag, text));
  }
  return *time;
}

int64_t parse_duration_flag(const std::string& flag, const std::string& text) {
  size_t digits = 0;
  while (digits < text.size() && std::isdigit(static_cast<unsigned char>(text[digits]))) ++digits;
  const std::string unit = text.substr(digits);
  int64_t scale = 0;
  if (unit.empty() || unit == "ms") scale = 1;
  else if (unit == "s") scale = 1000;
  else if (unit == "m") scale = 60'000;
  else if (unit == "h") scale = 3'600'000;
  else if (unit == "d") scale = 86'400'000;
  if (digits == 0 || digits > 12 || scale == 0) {
    throw UsageError(fmt::format("{}: '{}' is not a duration (like 7d, 36h, 90m, 45s or "
                                 "milliseconds)",
                                 flag, text));
  }
  return std::stoll(text.substr(0, digits)) * scale;
}

std::string read_text_file(const std::string& path) {
  std::FILE* file = std::fopen(path.c_str(), "rb");
  if (file == nullptr) throw Failure(fmt::format("cannot read {}: {}", path, std::strerror(errno)));
  std::string text;
  char buffer[65536];
  size_t n = 0;
  while ((n = std::fread(buffer, 1, sizeof buffer, file)) > 0) text.append(buffer, n);
  const int error = std::ferror(file) ? errno : 0;
  std::fclose(file);
  if (error != 0) throw Failure(fmt::format("cannot read {}: {}", path, std::strerror(error)));
  return text;
}

void write_text_file(const std::string& path, const std::string& text) {
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  out << text;
  if (!out.flush()) throw Failure(Status(Code::kIo, fmt::format("cannot write {}", path)));
}

}  // namespace voronka::cli
