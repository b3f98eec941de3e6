// voronka demo: sample data through the whole path, file to funnel.
#include <filesystem>
#include <fstream>

#include <fmt/format.h>
#include <fmt/ostream.h>

#include "cli/cli.hpp"
#include "voronka/analytics.hpp"
#include "voronka/csv.hpp"
#include "voronka/generator.hpp"
#include "voronka/process.hpp"
#include "voronka/render.hpp"

namespace voronka::cli {
namespace {

namespace fs = std::filesystem;

std::string render(const v1::Report& report, Format format) {
  RenderOptions options;
  options.format = format;
  std::string text;
  check(render_report(report, options, &text));
  return text;
}

void run_demo(const std::string& dir, uint64_t deals, Context& context) {
  fs::create_directories(dir);
  const std::string store_path = (fs::path(dir) / "demo.vrk").string();
  for (const std::string& file : store_files(store_path)) fs::remove(file);

  // The sample data as a user would have it: process files and a CSV export.
  std::vector<std::string> process_files;
  for (const auto& process : generator_processes()) {
    process_files.push_back((fs::path(dir) / (process.key() + ".json")).string());
    write_text_file(process_files.back(), process_to_json(process));
  }
  GeneratorOptions options;
  options.deals = deals;
  const std::string csv_path = (fs::path(dir) / "events.csv").string();
  {
    std::ofstream csv(csv_path, std::ios::binary | std::ios::trunc);
    check(write_events_csv(csv, generate_events(options).columns()));
    if (!csv.flush()) throw Failure(fmt::format("cannot write {}", csv_path));
  }

  // voronka init + voronka import.
  auto store = open_store(store_path, /*writable=*/true, /*create=*/true, Durability::kGroup);
  for (const auto& file : process_files) {
    v1::Process definition;
    check(parse_process_json(read_text_file(file), &definition));
    check(store->add_process(definition));
  }
  EventFile file;
  check(read_events_csv(csv_path, CsvOptions(), &file));
  check(store->append(file.columns(), nullptr));
  check(store->sync());
  fmt::print(context.out, "imported {} events of {} deals into {}\n\n", store->ledger().stats().events,
             store->ledger().stats().deals, store_path);

  const Ledger& ledger = store->ledger();
  v1::Report report;
  check(run_report(ledger, *report_spec("snapshot"), &report));
  context.out << render(report, Format::kTable) << "\n";

  v1::ReportSpec history = *report_spec("history");
  history.mutable_history()->mutable_filter()->set_process("typical_sale");
  check(run_report(ledger, history, &report));
  context.out << render(report, Format::kTable) << "\n";
  const std::string html_path = (fs::path(dir) / "report.html").string();
  write_text_file(html_path, render(report, Format::kHtml));

  check(run_report(ledger, *report_spec("owners"), &report));
  auto* owners = report.mutable_owners()->mutable_owners();
  if (owners->size() > 10) owners->DeleteSubrange(10, owners->size() - 10);
  context.out << render(report, Format::kTable) << "\n";

  const std::pair<std::string, std::string_view> files[] = {
      {fs::path(store_path).filename().string(), "the store"},
      {"events.csv", "the sample events"},
      {"typical_sale.json, manual_sale.json", "the processes"},
      {"report.html", "the funnel charts"}};
  fmt::print(context.out, "files in {}:\n", dir);
  for (const auto& [name, what] : files) fmt::print(context.out, "  {:<35}  {}\n", name, what);
  fmt::print(context.out, "try: voronka report conversion {} --process typical_sale\n",
             store_path);
}

}  // namespace

void add_demo_command(CLI::App& app, Context& context) {
  auto* cmd = app.add_subcommand("demo", "Generate sample deals, import them and show the funnel");
  auto dir = std::make_shared<std::string>("voronka-demo");
  auto deals = std::make_shared<uint64_t>(5000);
  cmd->add_option("--out", *dir, "Directory for the sample files (default voronka-demo)");
  cmd->add_option("--deals", *deals, "How many deals to generate (default 5000)")
      ->check(CLI::Range(uint64_t{1}, uint64_t{10'000'000}));
  cmd->callback([=, &context] { run_demo(*dir, *deals, context); });
}

}  // namespace voronka::cli
