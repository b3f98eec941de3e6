// Reports over the generator's 1M deals (about 4.8M events), on one thread:
// the scan's split into two halves on two threads, which run_report makes
// for a ledger this large, is turned off, except in the *TwoThreads benchmarks.
#include <benchmark/benchmark.h>

#include <cstdint>
#include <memory>

#include "analytics/reports.hpp"
#include "ledger/access.hpp"
#include "voronka/analytics.hpp"
#include "voronka/voronka.hpp"

namespace {

const voronka::Ledger& ledger_of(uint64_t deals) {
  static std::map<uint64_t, std::unique_ptr<voronka::Ledger>> cache;
  auto& ledger = cache[deals];
  if (!ledger) {
    ledger = std::make_unique<voronka::Ledger>();
    for (const auto& p : voronka::generator_processes()) (void)ledger->add_process(p);
    voronka::GeneratorOptions options;
    options.deals = deals;
    (void)ledger->append(voronka::generate_events(options).columns());
  }
  return *ledger;
}

constexpr int64_t kYear2024 = 1704067200000;  // 2024-01-01
constexpr int64_t kYear2025 = 1735689600000;  // 2025-01-01

// The partial state computed on one thread, then finished.
void run(benchmark::State& state, const voronka::v1::ReportSpec& spec, uint64_t deals) {
  const voronka::ledger::Reader reader(ledger_of(deals));
  voronka::v1::PartialState partial;
  voronka::v1::Report report;
  for (auto _ : state) {
    if (!voronka::analytics::compute(reader.state(), spec, &partial, UINT32_MAX) ||
        !voronka::finish_partial(partial, &report)) {
      state.SkipWithError("report failed");
    }
    benchmark::DoNotOptimize(report);
  }
}

// The public call, as an application makes it.
void run_report(benchmark::State& state, const voronka::v1::ReportSpec& spec, uint64_t deals) {
  const auto& ledger = ledger_of(deals);
  voronka::v1::Report report;
  for (auto _ : state) {
    if (!voronka::run_report(ledger, spec, &report)) state.SkipWithError("report failed");
    benchmark::DoNotOptimize(report);
  }
}

voronka::v1::ReportSpec history_spec() {
  voronka::v1::ReportSpec spec;
  auto* f = spec.mutable_history()->mutable_filter();
  f->set_from(kYear2024);
  f->set_to(kYear2025);
  return spec;
}

void BM_HistoryCreatedYear(benchmark::State& state) {
  run(state, history_spec(), static_cast<uint64_t>(state.range(0)));
}
BENCHMARK(BM_HistoryCreatedYear)->Arg(1'000'000)->Unit(benchmark::kMillisecond);

// As run_report runs it: on two threads, cut where the year's deals halve.
void BM_HistoryCreatedYearTwoThreads(benchmark::State& state) {
  run_report(state, history_spec(), static_cast<uint64_t>(state.range(0)));
}
BENCHMARK(BM_HistoryCreatedYearTwoThreads)
    ->Arg(1'000'000)
    ->Unit(benchmark::kMillisecond)
    ->UseRealTime();

void BM_SnapshotPast(benchmark::State& state) {
  voronka::v1::ReportSpec spec;
  spec.mutable_snapshot()->mutable_filter()->set_as_of(kYear2025 + 40LL * 86'400'000);
  run(state, spec, static_cast<uint64_t>(state.range(0)));
}
BENCHMARK(BM_SnapshotPast)->Arg(1'000'000)->Unit(benchmark::kMillisecond);

// From the open-deals index kept on append, which only run_report reads.
void BM_SnapshotLatest(benchmark::State& state) {
  run_report(state, *voronka::report_spec("snapshot"), static_cast<uint64_t>(state.range(0)));
}
BENCHMARK(BM_SnapshotLatest)->Arg(1'000'000)->Unit(benchmark::kMicrosecond);

void BM_OwnersBreakdown(benchmark::State& state) {
  voronka::v1::ReportSpec spec;
  spec.mutable_owners()->mutable_filter()->set_from(kYear2024);
  spec.mutable_owners()->mutable_filter()->set_to(kYear2025);
  run(state, spec, static_cast<uint64_t>(state.range(0)));
}
BENCHMARK(BM_OwnersBreakdown)->Arg(1'000'000)->Unit(benchmark::kMillisecond);

void BM_HistoryByOwner(benchmark::State& state) {
  auto spec = history_spec();
  spec.mutable_history()->mutable_breakdown()->set_by(voronka::v1::Breakdown::OWNER);
  run(state, spec, static_cast<uint64_t>(state.range(0)));
}
BENCHMARK(BM_HistoryByOwner)->Arg(1'000'000)->Unit(benchmark::kMillisecond);

void BM_Durations(benchmark::State& state) {
  run(state, *voronka::report_spec("durations"), static_cast<uint64_t>(state.range(0)));
}
BENCHMARK(BM_Durations)->Arg(1'000'000)->Unit(benchmark::kMillisecond);

void BM_DurationsTwoThreads(benchmark::State& state) {
  run_report(state, *voronka::report_spec("durations"), static_cast<uint64_t>(state.range(0)));
}
BENCHMARK(BM_DurationsTwoThreads)->Arg(1'000'000)->Unit(benchmark::kMillisecond)->UseRealTime();

void BM_MergeSixteen(benchmark::State& state) {
  // Sixteen partitions' states of the created-basis history by week.
  auto spec = history_spec();
  spec.mutable_history()->mutable_breakdown()->set_by(voronka::v1::Breakdown::WEEK);
  std::vector<voronka::v1::PartialState> parts(16);
  for (int p = 0; p < 16; ++p) {
    voronka::Ledger ledger;
    for (const auto& process : voronka::generator_processes()) (void)ledger.add_process(process);
    voronka::GeneratorOptions options;
    options.deals = 20'000;
    options.seed = static_cast<uint64_t>(p + 1);
    (void)ledger.append(voronka::generate_events(options).columns());
    (void)voronka::compute_partial(ledger, spec, &parts[p]);
  }
  voronka::v1::PartialState merged;
  for (auto _ : state) {
    if (!voronka::merge_partials(parts, &merged)) state.SkipWithError("merge failed");
    benchmark::DoNotOptimize(merged);
  }
}
BENCHMARK(BM_MergeSixteen)->Unit(benchmark::kMicrosecond);

// Every report on a small ledger, for CI.
void BM_ReportsSmoke(benchmark::State& state) {
  const auto& ledger = ledger_of(2'000);
  voronka::v1::Report report;
  for (auto _ : state) {
    for (const char* name : {"snapshot", "history", "conversion", "durations", "obligations",
                             "losses", "owners", "forecast", "whatif"}) {
      if (!voronka::run_report(ledger, *voronka::report_spec(name), &report)) {
        state.SkipWithError(name);
      }
    }
  }
}
BENCHMARK(BM_ReportsSmoke);

}  // namespace
