// voronka init / process add / process list / process show.
#include <filesystem>
#include <ostream>

#include <fmt/format.h>
#include <fmt/ostream.h>

#include "cli/cli.hpp"
#include "voronka/process.hpp"

namespace voronka::cli {
namespace {

// Reads and validates a process file.
v1::Process read_process(const std::string& path) {
  v1::Process definition;
  Status s = parse_process_json(read_text_file(path), &definition);
  std::shared_ptr<const Process> compiled;
  if (s) s = Process::compile(definition, &compiled);
  if (!s) throw Failure(fmt::format("{}: {}", path, s.message()));
  return definition;
}

// Adds a process to a store and says what happened.
void add_process(Store& store, const std::string& path, const v1::Process& definition,
                 Context& context) {
  bool created = false;
  uint16_t version_id = 0;
  const Status s = store.add_process(definition, &version_id, &created);
  if (!s) throw Failure(fmt::format("{}: {}", path, s.message()));
  const auto process = store.ledger().process(definition.key());
  fmt::print(context.out, "{} process '{}' version {}\n", created ? "added" : "unchanged:",
             process->key(), process->version());
}

std::string limit_text(const v1::TimeLimit& limit) {
  switch (limit.unit_case()) {
    case v1::TimeLimit::kDays: return fmt::format("{} d", limit.days());
    case v1::TimeLimit::kHours: return fmt::format("{} h", limit.hours());
    case v1::TimeLimit::kBusinessDays: return fmt::format("{} business d", limit.business_days());
    default: return "";
  }
}

void show_process(const Process& p, Context& context) {
  fmt::print(context.out, "{} ({}), {} process, version {}\n", p.key(), p.name().empty() ? p.key() : p.name(),
             p.automatic() ? "automatic" : "manual", p.version());
  std::vector<std::vector<std::string>> rows = {
      {"#", "stage", "name", "probability", "sla", "rotting", "required", "next"}};
  int n = 0;
  for (int stage : p.funnel_order()) {
    std::vector<std::string> next;
    for (int to : p.funnel_order()) {
      if ((p.successors(stage) >> to) & 1) next.push_back(p.stage_key(to));
    }
    if (p.leads_to_won(stage)) next.emplace_back("won");
    const v1::Stage& s = p.stage(stage);
    rows.push_back({fmt::format("{}", ++n), s.key(), p.stage_name(stage),
                    s.has_probability() ? fmt::format("{:.0f}%", s.probability() * 100) : "",
                    limit_text(s.sla()), limit_text(s.rotting()),
                    fmt::format("{}", fmt::join(p.required_fields(stage), ", ")),
                    fmt::format("{}", fmt::join(next, ", "))});
  }
  std::vector<size_t> widths(rows[0].size(), 0);
  for (const auto& row : rows) {
    for (size_t c = 0; c < row.size(); ++c) widths[c] = std::max(widths[c], row[c].size());
  }
  for (const auto& row : rows) {
    std::string line;
    for (size_t c = 0; c < row.size(); ++c) line += fmt::format("{:<{}}  ", row[c], widths[c]);
    while (!line.empty() && line.back() == ' ') line.pop_back();
    fmt::print(context.out, "{}\n", line);
  }
  const auto& reasons = p.definition().lost_reasons();
  fmt::print(context.out, "lost reasons: {}\n",
             reasons.empty() ? std::string("any") : fmt::format("{}", fmt::join(reasons, ", ")));
}

}  // namespace

void add_init_command(CLI::App& app, Context& context) {
  auto* cmd = app.add_subcommand("init", "Create a store holding the given processes");
  auto store_path = std::make_shared<std::string>();
  auto files = std::make_shared<std::vector<std::string>>();
  cmd->add_option("store", *store_path, "The store file to create")->required();
  cmd->add_option("--process", *files, "A process definition (JSON); repeat for several")
      ->required();
  cmd->callback([=, &context] {
    if (std::filesystem::exists(*store_path)) {
      throw Failure(fmt::format("{} already exists; add processes with 'voronka process add'",
                                *store_path));
    }
    // Every file is read and validated before the store is created, and a
    // store that could not be filled is removed, so a failed init leaves
    // nothing behind.
    std::vector<v1::Process> definitions;
    for (const auto& file : *files) definitions.push_back(read_process(file));
    auto store = open_store(*store_path, /*writable=*/true, /*create=*/true);
    try {
      for (size_t i = 0; i < files->size(); ++i) {
        add_process(*store, (*files)[i], definitions[i], context);
      }
    } catch (...) {
      store.reset();  // releases the lock
      std::error_code ignored;
      for (const std::string& file : store_files(*store_path)) std::filesystem::remove(file, ignored);
      throw;
    }
    fmt::print(context.out, "created {}\n", *store_path);
  });
}

void add_process_command(CLI::App& app, Context& context) {
  auto* cmd = app.add_subcommand("process", "Add, list and show processes");
  cmd->require_subcommand(1);

  auto* add = cmd->add_subcommand("add", "Add a process, or a new version of one");
  auto add_store = std::make_shared<std::string>();
  auto add_file = std::make_shared<std::string>();
  add->add_option("store", *add_store, "The store")->required();
  add->add_option("file", *add_file, "The process definition (JSON)")->required();
  add->callback([=, &context] {
    auto store = open_store(*add_store, /*writable=*/true);
    add_process(*store, *add_file, read_process(*add_file), context);
  });

  auto* list = cmd->add_subcommand("list", "List the processes of a store");
  auto list_store = std::make_shared<std::string>();
  list->add_option("store", *list_store, "The store")->required();
  list->callback([=, &context] {
    auto store = open_store(*list_store, /*writable=*/false);
    for (const auto& p : store->ledger().processes()) {
      fmt::print(context.out, "{}  version {}  {}  {} stages  {}\n", p->key(), p->version(),
                 p->automatic() ? "automatic" : "manual", p->stage_count(),
                 p->name().empty() ? p->key() : p->name());
    }
  });

  auto* show = cmd->add_subcommand("show", "Show a process's stages in funnel order");
  auto show_store = std::make_shared<std::string>();
  auto show_key = std::make_shared<std::string>();
  auto show_format = std::make_shared<std::string>("table");
  show->add_option("store", *show_store, "The store")->required();
  show->add_option("key", *show_key, "The process key")->required();
  show->add_option("--format", *show_format, "table or json")
      ->check(CLI::IsMember({"table", "json"}));
  show->callback([=, &context] {
    auto store = open_store(*show_store, /*writable=*/false);
    const auto process = store->ledger().process(*show_key);
    if (!process) throw Failure(fmt::format("unknown process '{}'", *show_key));
    if (*show_format == "json") {
      fmt::print(context.out, "{}", process_to_json(process->definition()));
    } else {
      show_process(*process, context);
    }
  });
}

}  // namespace voronka::cli
