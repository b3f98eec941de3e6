// voronka import STORE FILE.csv
#include <sstream>

#include <fmt/format.h>
#include <fmt/ostream.h>

#include "cli/cli.hpp"
#include "cli/progress.hpp"
#include "voronka/csv.hpp"

namespace voronka::cli {
namespace {

struct ImportOptions {
  std::string store;
  std::string file;
  std::string rejects;
  std::vector<std::string> map;
  std::string time_format = "iso8601";
  std::string durability = "sync";
};

Durability durability_of(const std::string& name) {
  if (name == "group") return Durability::kGroup;
  if (name == "none") return Durability::kNone;
  return Durability::kSync;
}

void run_import(const ImportOptions& o, Context& context) {
  const std::string rejects_path = o.rejects.empty() ? o.file + ".rejects.csv" : o.rejects;
  std::vector<KeptFile> kept = kept_store_files(o.store);
  kept.push_back({o.file, fmt::format("the input file {}", o.file)});
  check_output_path(o.rejects.empty() ? "the rejects file" : "--rejects", rejects_path, kept);
  // Opened first, so that a path that cannot be written fails before the
  // import, and a failed import leaves no rejects file of an earlier run.
  OutputFile rejects_file("the rejects file", rejects_path);

  CsvOptions csv;
  csv.time_format = *parse_time_format(o.time_format);
  for (const std::string& mapping : o.map) {
    std::pair<std::string, std::string> pair;
    const Status s = parse_column_mapping(mapping, &pair);
    if (!s) throw UsageError(fmt::format("--map: {}", s.message()));
    csv.column_map.push_back(std::move(pair));
  }
  auto store = open_store(o.store, /*writable=*/true, /*create=*/false, durability_of(o.durability));

  EventFile file;
  {
    ProgressBar bar("reading ");
    bar.update(0, 1);
    const Status s = read_events_csv(o.file, csv, &file);
    if (!s) throw Failure(fmt::format("{}: {}", o.file, s.message()));
    bar.update(1, 1);
  }
  BatchResult results;
  {
    ProgressBar bar("applying");
    check(store->append(file.columns(), &results,
                        [&bar](uint64_t done, uint64_t total) { bar.update(done, total); }));
  }

  const uint64_t accepted = results.accepted(), duplicates = results.duplicates(),
                 rejected = file.rejects().size() + results.rejected();
  fmt::print(context.out, "{}: {} rows; accepted {}, duplicates {}, rejected {}\n", o.file,
             file.size() + file.rejects().size(), accepted, duplicates, rejected);
  context.out.flush();

  // The rejects file is written even when empty: an empty file says that
  // every row was recorded.
  RejectsWriter rejects(file.header());
  rejects.add(file, results);
  std::ostringstream text;
  check(rejects.write(text));
  rejects_file.write(text.str());
  if (rejected > 0) {
    fmt::print(context.out, "rejected rows, with their line and error: {}\n", rejects_path);
    context.exit_code = kExitRejected;
  }
}

}  // namespace

void add_import_command(CLI::App& app, Context& context) {
  auto* cmd = app.add_subcommand("import", "Import deal events from a CSV file into a store");
  auto o = std::make_shared<ImportOptions>();
  cmd->add_option("store", o->store, "The store (create it with 'voronka init')")->required();
  cmd->add_option("file", o->file, "The CSV file")->required();
  cmd->add_option("--rejects", o->rejects, "Where rejected rows go (default FILE.rejects.csv)");
  cmd->add_option("--map", o->map, "Rename a column of the file: SRC=DST (repeatable)");
  cmd->add_option("--time-format", o->time_format, "iso8601, epoch-s or epoch-ms")
      ->check(CLI::IsMember({"iso8601", "epoch-s", "epoch-ms"}));
  cmd->add_option("--durability", o->durability, "sync, group or none")
      ->check(CLI::IsMember({"sync", "group", "none"}));
  cmd->callback([o, &context] { run_import(*o, context); });
}

}  // namespace voronka::cli
