// The README's example: load a process, record a deal's events, read it back.
#include <fstream>
#include <iostream>
#include <sstream>

#include "voronka/voronka.hpp"

int main() {
  std::ifstream file("examples/processes/typical_sale.json");
  std::stringstream json;
  json << file.rdbuf();

  voronka::v1::Process definition;
  voronka::Ledger ledger;
  if (auto s = voronka::parse_process_json(json.str(), &definition); !s) {
    std::cerr << s.to_string() << "\n";
    return 1;
  }
  if (auto s = ledger.add_process(definition); !s) {
    std::cerr << s.to_string() << "\n";
    return 1;
  }

  std::vector<voronka::v1::Event> events(3);
  events[0].set_event_id("e1");
  events[0].set_deal("D-1");
  events[0].set_at(*voronka::parse_time("2025-03-03T10:00:00Z"));
  events[0].mutable_opened()->set_process("typical_sale");
  events[0].mutable_opened()->set_owner("anna");
  events[0].mutable_opened()->set_amount(1'250'000);  // 12,500.00 in cents

  events[1].set_event_id("e2");
  events[1].set_deal("D-1");
  events[1].set_at(*voronka::parse_time("2025-03-05T09:30:00Z"));
  events[1].mutable_entered()->set_stage("preparation");

  events[2].set_event_id("e3");  // skipping 'presentation' is illegal here
  events[2].set_deal("D-1");
  events[2].set_at(*voronka::parse_time("2025-03-06T12:00:00Z"));
  events[2].mutable_entered()->set_stage("proposal");

  for (const auto& result : ledger.append(events)) {
    if (!result.status) std::cout << "rejected: " << result.status.message() << "\n";
  }

  voronka::v1::DealState deal;
  if (auto s = ledger.find_deal("D-1", &deal); !s) return 1;
  std::cout << deal.deal() << " is " << deal.status() << " at '" << deal.stage()
            << "' since " << voronka::format_time(deal.stage_since()) << "\n";
  return deal.stage() == "preparation" ? 0 : 1;
}
