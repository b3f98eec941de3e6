// Records a few hundred generated deals and prints how many are open at each
// stage of the typical sale.
#include <fmt/format.h>

#include <map>

#include "voronka/voronka.hpp"

int main() {
  voronka::Ledger ledger;
  for (const auto& process : voronka::generator_processes()) {
    if (auto s = ledger.add_process(process); !s) {
      fmt::print(stderr, "{}\n", s.to_string());
      return 1;
    }
  }
  voronka::GeneratorOptions options;
  options.deals = 300;
  const auto events = voronka::generate_events(options);
  size_t rejected = 0;
  for (const auto& result : ledger.append(events.columns())) {
    rejected += result.outcome == voronka::Outcome::kRejected;
  }
  const auto stats = ledger.stats();
  fmt::print("recorded {} deals, {} events ({} rejected)\n", stats.deals, stats.events,
             rejected);

  const auto process = ledger.process("typical_sale");
  std::map<std::string, int> open;
  int frozen = 0;
  voronka::v1::DealState deal;
  for (uint64_t d = 0; d < options.deals; ++d) {
    if (!ledger.find_deal(fmt::format("D{:07}", d), &deal) || deal.process() != "typical_sale") {
      continue;
    }
    if (deal.status() == "open") ++open[deal.stage()];
    if (deal.status() == "frozen") ++frozen;
  }
  fmt::print("\nopen deals of '{}' at {}\n", process->name(),
             voronka::format_time(stats.latest_event_at));
  for (int stage : process->funnel_order()) {
    fmt::print("  {:<22} {:>4}\n", process->stage_name(stage), open[process->stage_key(stage)]);
  }
  fmt::print("  {:<22} {:>4}\n", "(frozen)", frozen);
  return 0;
}
