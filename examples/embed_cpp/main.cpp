// Embedding voronka from C++, built against an installed voronka found with
// find_package(voronka). Window sales: five incoming calls, two measurer's
// visits, one sale; the conversion of every stage, printed as a table. The
// program checks its own figures and exits 1 if one is off.
#include <iostream>
#include <string>
#include <vector>

#include "voronka/analytics.hpp"
#include "voronka/render.hpp"
#include "voronka/version.hpp"
#include "voronka/voronka.hpp"

namespace {

int fail(const voronka::Status& status) {
  std::cerr << status.to_string() << "\n";
  return 1;
}

}  // namespace

int main() {
  std::cout << "voronka " << voronka::version_string() << "\n";
  auto store = voronka::Store::memory();  // or Store::open("pipeline.vrk", {}, &store)

  voronka::v1::Process definition =
      voronka::ProcessBuilder("windows", voronka::v1::Process::AUTOMATIC)
          .name("Window sales")
          .stage("call", "Incoming call")
          .stage("visit", "Measurer visit")
          .probability(0.5)
          .lost_reasons({"price", "no_response"})
          .definition();
  if (auto s = store->add_process(definition); !s) return fail(s);

  // W1: call, visit, won; W2: call, visit, lost; W3..W5: lost at the call.
  const int64_t march_3 = *voronka::parse_time("2025-03-03"), day = 86'400'000;
  std::vector<voronka::v1::Event> events;
  for (int d = 0; d < 5; ++d) {
    std::string deal(1, 'W');  // W1 ... W5; event ids W1.0, W1.1, ...
    deal += std::to_string(d + 1);
    auto add = [&](int step) -> voronka::v1::Event& {
      auto& e = events.emplace_back();
      e.set_event_id(deal);
      e.mutable_event_id()->append(1, '.').append(std::to_string(step));
      e.set_deal(deal);
      e.set_at(march_3 + d * day + step * 2 * day);
      return e;
    };
    auto* opened = add(0).mutable_opened();
    opened->set_process("windows");
    opened->set_amount(550'000);  // 5,500.00
    if (d < 2) add(1).mutable_entered()->set_stage("visit");
    if (d == 0) add(2).mutable_won();
    if (d == 1) add(2).mutable_lost()->set_reason("price");
    if (d >= 2) add(1).mutable_lost()->set_reason("no_response");
  }
  voronka::BatchResult results;
  if (auto s = store->append(events, &results); !s) return fail(s);
  for (const auto& r : results) {
    if (r.outcome != voronka::Outcome::kAccepted) return fail(r.status);
  }

  voronka::v1::ConversionOptions options;
  options.mutable_filter()->set_process("windows");
  voronka::v1::ConversionReport report;
  if (auto s = voronka::conversion(store->ledger(), options, &report); !s) return fail(s);

  voronka::v1::Report whole;
  *whole.mutable_conversion() = report;
  std::string text;
  if (auto s = voronka::render_report(whole, {}, &text); !s) return fail(s);
  std::cout << text;

  const bool ok = report.stages_size() == 2 && report.stages(0).deals() == 5 &&
                  report.stages(1).deals() == 2 && report.stages(0).step_conversion() == 0.4 &&
                  report.key_level() == "visit" && report.bottleneck() == "call";
  std::cout << "key level: " << report.key_level() << ", bottleneck: " << report.bottleneck()
            << "\n";
  return ok ? 0 : 1;
}
