// voronka: run sales pipelines on files. See docs/cli.md.
#include <iostream>

#include <fmt/format.h>

#include "cli/cli.hpp"
#include "voronka/version.hpp"

int main(int argc, char** argv) {
  using namespace voronka::cli;
  CLI::App app{"voronka: sales pipelines as stage graphs, their funnels and forecasts"};
  app.name("voronka");
  app.set_version_flag("--version", std::string(voronka::version_string()));
  app.require_subcommand(1);
  // CLI11's own errors (an unknown flag, a value that is not a number or not
  // one of the choices) are usage errors like ours, with our prefix.
  app.failure_message([](const CLI::App* a, const CLI::Error& e) {
    return "voronka: " + CLI::FailureMessage::simple(a, e);
  });
  Context context{std::cout, std::cerr};
  add_init_command(app, context);
  add_process_command(app, context);
  add_import_command(app, context);
  add_report_command(app, context);
  add_deal_command(app, context);
  add_store_commands(app, context);
  add_demo_command(app, context);
  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    const int code = app.exit(e);
    return code == 0 ? kExitOk : kExitUsage;
  } catch (const UsageError& e) {
    // As CLI11's own usage errors: the message, then where the options are.
    fmt::print(stderr, "voronka: {}\nRun with --help for more information.\n", e.what());
    return kExitUsage;
  } catch (const Failure& e) {
    fmt::print(stderr, "voronka: {}\n", e.what());
    return kExitFailure;
  } catch (const std::exception& e) {
    fmt::print(stderr, "voronka: {}\n", e.what());
    return kExitFailure;
  }
  return context.exit_code;
}
