#include "cli/cli.hpp"

#include <cctype>
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <limits>

#include <fmt/format.h>

#include "store/file.hpp"
#include "store/format.hpp"
#include "voronka/time.hpp"

namespace voronka::cli {
namespace {

// Whether 'voronka salvage' can read the store at `path`: it begins with a
// log's preamble (its magic and a version this build reads). An empty file,
// or one that is no store at all, holds nothing to salvage.
bool salvageable(const std::string& path) {
  char bytes[store::kPreambleBytes];
  std::ifstream in(path, std::ios::binary);
  if (!in.read(bytes, sizeof(bytes))) return false;  // shorter than a preamble
  return store::check_preamble(std::string_view(bytes, sizeof(bytes)), sizeof(bytes),
                               store::kLogMagic, "store", path)
      .is_ok();
}

}  // namespace

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
  const Status s = Store::open(path, options, &store, &info);
  if (s) {
    // What the open worked around (a torn last record, an ignored checkpoint).
    if (!info.warning.empty()) std::fprintf(stderr, "voronka: warning: %s\n", info.warning.c_str());
    return store;
  }
  // The library's message says what is wrong; the commands that help are ours.
  if (s.code() == Code::kCorruptStore && salvageable(path)) {
    throw Failure(fmt::format("{}; run 'voronka salvage {} NEW.vrk'", s.message(), path));
  }
  if (s.code() == Code::kNotFound) {
    throw Failure(fmt::format("{}; a store is created with 'voronka init'", s.message()));
  }
  throw Failure(s);
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
  const int64_t count = digits == 0 || digits > 12 ? 0 : std::stoll(text.substr(0, digits));
  if (count <= 0 || scale == 0 || count > std::numeric_limits<int64_t>::max() / scale) {
    throw UsageError(fmt::format("{}: '{}' is not a positive duration (like 7d, 36h, 90m, 45s or "
                                 "milliseconds)",
                                 flag, text));
  }
  return count * scale;
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
  OutputFile("", path).write(text);
}

OutputFile::OutputFile(std::string what, std::string path)
    : what_(std::move(what)), path_(std::move(path)) {
  file_ = std::fopen(path_.c_str(), "wb");
  if (file_ == nullptr) fail(errno);
}

OutputFile::~OutputFile() {
  if (file_ != nullptr) std::fclose(file_);
  std::error_code error;
  if (!written_ && std::filesystem::symlink_status(path_, error).type() ==
                       std::filesystem::file_type::regular) {
    std::filesystem::remove(path_, error);
  }
}

void OutputFile::write(std::string_view text) {
  const bool complete = std::fwrite(text.data(), 1, text.size(), file_) == text.size() &&
                        std::fflush(file_) == 0;
  const int error = errno;
  const bool closed = std::fclose(file_) == 0;
  file_ = nullptr;
  if (!complete || !closed) fail(complete ? errno : error);
  written_ = true;
}

void OutputFile::fail(int error) const {
  throw Failure(fmt::format("cannot write {}{}{}: {}", what_, what_.empty() ? "" : " ", path_,
                            std::strerror(error)));
}

std::vector<KeptFile> kept_store_files(const std::string& path) {
  std::vector<KeptFile> kept;
  for (const std::string& file : store_files(path)) {
    kept.push_back({file, file == path ? std::string("the store")
                                       : fmt::format("a file of the store {}", path)});
  }
  return kept;
}

void check_output_path(const std::string& output, const std::string& path,
                       const std::vector<KeptFile>& kept) {
  for (const KeptFile& file : kept) {
    if (store::same_file(path, file.path)) {
      throw Failure(fmt::format("{} {} would overwrite {}; write to another file", output, path,
                                file.what));
    }
  }
}

}  // namespace voronka::cli
