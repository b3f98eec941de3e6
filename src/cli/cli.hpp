// The voronka command: what the subcommands share.
#ifndef VORONKA_CLI_CLI_HPP_
#define VORONKA_CLI_CLI_HPP_

#include <CLI/CLI.hpp>

#include <cstdint>
#include <cstdio>
#include <iosfwd>
#include <memory>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

#include "voronka/status.hpp"
#include "voronka/store.hpp"

namespace voronka::cli {

// Exit codes.
inline constexpr int kExitOk = 0;
inline constexpr int kExitFailure = 1;   // anything else went wrong
inline constexpr int kExitUsage = 2;     // a bad command line
inline constexpr int kExitRejected = 3;  // import: some rows were rejected

// A bad value on the command line (exit code 2), e.g. a malformed time.
class UsageError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

// A failed operation (exit code 1), carrying its status.
class Failure : public std::runtime_error {
 public:
  explicit Failure(const Status& status) : std::runtime_error(status.message()) {}
  explicit Failure(const std::string& message) : std::runtime_error(message) {}
};

// Throws Failure when `status` is not OK.
void check(const Status& status);

// What the subcommands write to, and the exit code they leave.
struct Context {
  std::ostream& out;
  std::ostream& err;
  int exit_code = kExitOk;
};

// Opens a store: for reading (read-only, beside any writer) or for writing
// (taking the lock; creating it only when `create` is set).
std::unique_ptr<Store> open_store(const std::string& path, bool writable, bool create = false,
                                  Durability durability = Durability::kSync);

// "--from" values: an ISO 8601 date or date-time.
int64_t parse_time_flag(const std::string& flag, const std::string& text);
// "--window" values: "7d", "36h", "90m", "45s" or milliseconds; not zero.
int64_t parse_duration_flag(const std::string& flag, const std::string& text);
// Whole files.
std::string read_text_file(const std::string& path);
void write_text_file(const std::string& path, const std::string& text);

// A file a command writes, created (or emptied) when constructed, so that a
// path that cannot be written fails before any work is done. Unless write()
// completed, the destructor removes it (a regular file only, never what a
// symbolic link or a device names), so a failed command leaves neither a
// partial file nor one of an earlier run.
class OutputFile {
 public:
  // Fails (Failure) with the path and the system's reason; `what` names the
  // file in errors ("the rejects file"), or is empty.
  OutputFile(std::string what, std::string path);
  ~OutputFile();
  OutputFile(const OutputFile&) = delete;
  OutputFile& operator=(const OutputFile&) = delete;

  // Writes the whole contents and closes the file.
  void write(std::string_view text);

 private:
  [[noreturn]] void fail(int error) const;

  std::string what_;
  std::string path_;
  std::FILE* file_ = nullptr;
  bool written_ = false;
};

// A file a command must not overwrite, and how to name it in an error.
struct KeptFile {
  std::string path;
  std::string what;  // "the store", "the input file in.csv", ...
};
// The store at `path` and the files beside it.
std::vector<KeptFile> kept_store_files(const std::string& path);
// Refuses (Failure) to write `path` when it is the same file as one of
// `kept`: by identity where both exist, else by normalised absolute path.
// `output` names the output in the error ("--rejects").
void check_output_path(const std::string& output, const std::string& path,
                       const std::vector<KeptFile>& kept);

void add_init_command(CLI::App& app, Context& context);
void add_process_command(CLI::App& app, Context& context);
void add_import_command(CLI::App& app, Context& context);
void add_report_command(CLI::App& app, Context& context);
void add_deal_command(CLI::App& app, Context& context);
void add_store_commands(CLI::App& app, Context& context);
void add_demo_command(CLI::App& app, Context& context);

}  // namespace voronka::cli

#endif  // VORONKA_CLI_CLI_HPP_
