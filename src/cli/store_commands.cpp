// voronka deal / checkpoint / salvage.
#include <google/protobuf/util/json_util.h>

#include <fmt/format.h>
#include <fmt/ostream.h>

#include "cli/cli.hpp"
#include "voronka/time.hpp"

namespace voronka::cli {

void add_deal_command(CLI::App& app, Context& context) {
  auto* cmd = app.add_subcommand("deal", "Show a deal's current state");
  auto store_path = std::make_shared<std::string>();
  auto key = std::make_shared<std::string>();
  auto format = std::make_shared<std::string>("table");
  cmd->add_option("store", *store_path, "The store")->required();
  cmd->add_option("deal", *key, "The deal key")->required();
  cmd->add_option("--format", *format, "table or json")->check(CLI::IsMember({"table", "json"}));
  cmd->callback([=, &context] {
    auto store = open_store(*store_path, /*writable=*/false);
    v1::DealState deal;
    check(store->ledger().find_deal(*key, &deal));
    if (*format == "json") {
      google::protobuf::util::JsonPrintOptions options;
      options.add_whitespace = true;
      options.always_print_primitive_fields = true;
      options.preserve_proto_field_names = true;
      std::string json;
      (void)google::protobuf::util::MessageToJsonString(deal, &json, options);
      fmt::print(context.out, "{}", json);
      return;
    }
    fmt::print(context.out, "deal       {}\nprocess    {} (version {})\nstatus     {}\n", deal.deal(),
               deal.process(), deal.process_version(), deal.status());
    fmt::print(context.out, "stage      {} since {}\nopened     {}\n", deal.stage(),
               format_time(deal.stage_since()), format_time(deal.opened_at()));
    if (deal.has_closed_at()) fmt::print(context.out, "closed     {}\n", format_time(deal.closed_at()));
    if (!deal.lost_reason().empty()) fmt::print(context.out, "reason     {}\n", deal.lost_reason());
    fmt::print(context.out, "owner      {}\nclient     {}\namount     {}\nchanges    {}\n",
               deal.owner(), deal.client(), deal.amount(), deal.events());
    for (const auto& [field, value] : deal.fields()) {
      fmt::print(context.out, "field      {} = {}\n", field, value);
    }
  });
}

void add_store_commands(CLI::App& app, Context& context) {
  auto* checkpoint = app.add_subcommand("checkpoint", "Write a checkpoint so the store opens fast");
  auto checkpoint_store = std::make_shared<std::string>();
  checkpoint->add_option("store", *checkpoint_store, "The store")->required();
  checkpoint->callback([=, &context] {
    auto store = open_store(*checkpoint_store, /*writable=*/true);
    check(store->checkpoint());
    fmt::print(context.out, "checkpoint of {} events written\n", store->ledger().stats().events);
  });

  auto* salvage = app.add_subcommand(
      "salvage", "Copy the valid records of a damaged store into a new one");
  auto damaged = std::make_shared<std::string>();
  auto fresh = std::make_shared<std::string>();
  salvage->add_option("damaged", *damaged, "The damaged store")->required();
  salvage->add_option("fresh", *fresh, "The new store (must not exist)")->required();
  salvage->callback([=, &context] {
    SalvageReport report;
    check(salvage_store(*damaged, *fresh, &report));
    fmt::print(context.out, "kept {} records ({} events); lost {} bytes", report.records_kept,
               report.events_kept, report.bytes_lost);
    if (!report.damage.empty()) {
      fmt::print(context.out, " from offset {}: {}", report.damage_offset, report.damage);
    }
    fmt::print(context.out, "\n");
  });
}

}  // namespace voronka::cli
