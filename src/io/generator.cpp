#include "voronka/generator.hpp"

#include <algorithm>
#include <array>
#include <cmath>
#include <random>

#include <fmt/format.h>

#include "voronka/process.hpp"

namespace voronka {
namespace {

struct StageProfile {
  std::string_view key;
  std::string_view name;
  double probability;  // declared win probability
  double conversion;   // chance to move on to the next stage
  double median_days;  // median time in stage
  uint32_t sla_days;
};

// The 1C "typical sale" with conversions shaped like a real pipeline.
constexpr std::array<StageProfile, 9> kStages = {{
    {"evaluation", "Client evaluation", 0.05, 0.60, 2, 5},
    {"preparation", "Meeting preparation", 0.10, 0.66, 3, 5},
    {"presentation", "Presentation", 0.20, 0.67, 4, 7},
    {"proposal", "Commercial proposal", 0.35, 0.76, 5, 10},
    {"decision", "Awaiting decision", 0.50, 0.32, 7, 14},
    {"contract", "Contract", 0.70, 0.89, 4, 7},
    {"payment", "Payment", 0.85, 0.88, 5, 10},
    {"shipment", "Shipment", 0.95, 1.00, 3, 5},
    {"completion", "Completion", 1.00, 1.00, 2, 3},
}};
constexpr std::array<std::string_view, 5> kReasons = {"price", "competitor", "no_budget",
                                                      "no_response", "timing"};
constexpr double kMsPerDay = 86'400'000.0;
// Rows per deal with the default options is about 4.8; a table that
// outgrows its reservation only grows the usual way.
constexpr uint64_t kEventsPerDeal = 5;

// Distributions written out, because std's are implementation-defined and
// the generator must give the same data everywhere.
class Random {
 public:
  explicit Random(uint64_t seed) : engine_(seed) {}
  double uniform() { return static_cast<double>(engine_() >> 11) * 0x1.0p-53; }
  uint64_t below(uint64_t n) { return static_cast<uint64_t>(uniform() * static_cast<double>(n)); }
  double normal() {
    const double u = 1.0 - uniform();  // (0, 1]
    return std::sqrt(-2.0 * std::log(u)) * std::cos(2.0 * M_PI * uniform());
  }
  double lognormal(double median, double sigma) { return median * std::exp(sigma * normal()); }

 private:
  std::mt19937_64 engine_;
};

v1::Process make_process(std::string_view key, std::string_view name,
                         v1::Process::Mode mode) {
  ProcessBuilder builder{std::string(key), mode};
  builder.name(std::string(name));
  for (const auto& stage : kStages) {
    builder.stage(std::string(stage.key), std::string(stage.name))
        .probability(stage.probability)
        .sla_days(stage.sla_days);
  }
  builder.lost_reasons({kReasons[0], kReasons[1], kReasons[2], kReasons[3], kReasons[4]});
  return builder.definition();
}

}  // namespace

std::vector<v1::Process> generator_processes() {
  return {make_process("typical_sale", "Typical sale", v1::Process::AUTOMATIC),
          make_process("manual_sale", "Manual sale", v1::Process::MANUAL)};
}

void EventTable::reserve(size_t rows) {
  for (auto* column : {&event_id_, &deal_, &process_, &stage_, &owner_, &client_, &reason_}) {
    column->reserve(rows);
  }
  at_.reserve(rows);
  amount_.reserve(rows);
  kind_.reserve(rows);
}

std::string_view EventTable::keep(std::string_view text) {
  constexpr size_t kChunk = size_t{8} << 20;
  if (storage_.empty() || storage_.back().size() + text.size() > storage_.back().capacity()) {
    storage_.emplace_back();
    storage_.back().reserve(std::max(kChunk, text.size()));
  }
  std::string& chunk = storage_.back();
  const size_t begin = chunk.size();
  chunk.append(text);  // within capacity: earlier views stay valid
  return std::string_view(chunk.data() + begin, text.size());
}

void EventTable::add(std::string_view event_id, std::string_view deal, int64_t at,
                     EventKind kind, std::string_view process, std::string_view stage,
                     int64_t amount, std::string_view owner, std::string_view client,
                     std::string_view reason) {
  event_id_.push_back(keep(event_id));
  deal_.push_back(deal_.empty() || deal_.back() != deal ? keep(deal) : deal_.back());
  at_.push_back(at);
  kind_.push_back(kind);
  process_.push_back(process.empty() ? std::string_view() : keep(process));
  stage_.push_back(stage.empty() ? std::string_view() : keep(stage));
  amount_.push_back(amount);
  owner_.push_back(owner.empty() ? std::string_view() : keep(owner));
  client_.push_back(client.empty() ? std::string_view() : keep(client));
  reason_.push_back(reason.empty() ? std::string_view() : keep(reason));
}

EventColumns EventTable::columns() const {
  EventColumns c;
  c.size = size();
  c.event_id = event_id_;
  c.deal = deal_;
  c.at = at_;
  c.kind = kind_;
  c.process = process_;
  c.stage = stage_;
  c.amount = amount_;
  c.owner = owner_;
  c.client = client_;
  c.reason = reason_;
  return c;
}

std::vector<v1::Event> EventTable::to_messages() const {
  std::vector<v1::Event> events(size());
  for (size_t i = 0; i < size(); ++i) {
    v1::Event& e = events[i];
    e.set_event_id(std::string(event_id_[i]));
    e.set_deal(std::string(deal_[i]));
    e.set_at(at_[i]);
    const std::string stage(stage_[i]);
    switch (kind_[i]) {
      case EventKind::kOpened: {
        auto* opened = e.mutable_opened();
        opened->set_process(std::string(process_[i]));
        opened->set_owner(std::string(owner_[i]));
        opened->set_client(std::string(client_[i]));
        opened->set_amount(amount_[i] == kNoAmount ? 0 : amount_[i]);
        opened->set_stage(stage);
        break;
      }
      case EventKind::kEntered: e.mutable_entered()->set_stage(stage); break;
      case EventKind::kWon:
        if (amount_[i] != kNoAmount) e.mutable_won()->set_amount(amount_[i]);
        else e.mutable_won();
        break;
      case EventKind::kLost: e.mutable_lost()->set_reason(std::string(reason_[i])); break;
      case EventKind::kFrozen: e.mutable_frozen(); break;
      case EventKind::kResumed: e.mutable_resumed(); break;
      case EventKind::kReopened: e.mutable_reopened()->set_stage(stage); break;
      case EventKind::kAmountChanged: e.mutable_amount_changed()->set_amount(amount_[i]); break;
      case EventKind::kOwnerChanged:
        e.mutable_owner_changed()->set_owner(std::string(owner_[i]));
        break;
      case EventKind::kFieldSet: e.mutable_field_set(); break;
      case EventKind::kActivity: e.mutable_activity(); break;
    }
  }
  return events;
}

EventTable generate_events(const GeneratorOptions& options) {
  Random random(options.seed);
  const int64_t end = options.start + static_cast<int64_t>(options.days) * 86'400'000;

  std::vector<int64_t> opened_at(options.deals);
  for (auto& t : opened_at) {
    t = options.start + static_cast<int64_t>(random.uniform() * options.days * kMsPerDay);
  }
  std::sort(opened_at.begin(), opened_at.end());

  EventTable table;
  table.reserve(options.deals * kEventsPerDeal);
  uint64_t next_id = 1;
  const std::string_view none;
  for (uint64_t d = 0; d < options.deals; ++d) {
    const bool manual = random.uniform() < options.manual_share;
    const std::string_view process = manual ? "manual_sale" : "typical_sale";
    const std::string deal = fmt::format("D{:07}", d);
    const std::string owner = fmt::format("m{:02}", random.below(options.owners) + 1);
    const std::string client = fmt::format("c{:05}", random.below(options.clients) + 1);
    int64_t amount = static_cast<int64_t>(random.lognormal(50'000, 1.0)) * 100;

    auto add = [&](int64_t at, EventKind kind, std::string_view stage = {},
                   int64_t value = kNoAmount, std::string_view reason = {}) {
      table.add(fmt::format("{}", next_id++), deal, at, kind, process, stage, value, none,
                none, reason);
    };
    int64_t t = opened_at[d];
    table.add(fmt::format("{}", next_id++), deal, t, EventKind::kOpened, process, none, amount,
              owner, client, none);
    add(t, EventKind::kEntered, kStages[0].key);  // CRM exports repeat the first stage

    size_t stage = 0;
    while (true) {
      const auto& profile = kStages[stage];
      t += static_cast<int64_t>(random.lognormal(profile.median_days, 0.8) * kMsPerDay);
      if (t >= end) break;
      if (random.uniform() < profile.conversion) {
        if (stage + 1 == kStages.size()) {
          add(t, EventKind::kWon);
          break;
        }
        size_t next = stage + 1;
        if (manual && next + 1 < kStages.size() && random.uniform() < 0.15) ++next;
        add(t, EventKind::kEntered, kStages[next].key);
        if (next == 3 && random.uniform() < 0.1) {
          amount = amount / 100 * 90;  // a discount at the proposal
          add(t, EventKind::kAmountChanged, none, amount);
        }
        stage = next;
      } else if (random.uniform() < 0.12) {
        add(t, EventKind::kFrozen);
        if (random.uniform() >= 0.3) break;
        t += static_cast<int64_t>(random.lognormal(10, 0.5) * kMsPerDay);
        if (t >= end) break;
        add(t, EventKind::kResumed);
      } else {
        add(t, EventKind::kLost, none, kNoAmount, kReasons[random.below(kReasons.size())]);
        break;
      }
    }
  }
  return table;
}

}  // namespace voronka
