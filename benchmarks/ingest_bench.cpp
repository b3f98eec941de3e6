// Ingest: validated batch append of generated deals into the ledger.
#include <benchmark/benchmark.h>

#include <fstream>
#include <string>

#include "voronka/voronka.hpp"

namespace {

// Resident set size in bytes, from /proc.
size_t resident_bytes() {
  std::ifstream statm("/proc/self/statm");
  size_t pages = 0, resident = 0;
  statm >> pages >> resident;
  return resident * 4096;
}

const voronka::EventTable& events_for(uint64_t deals) {
  static std::map<uint64_t, voronka::EventTable> cache;
  auto it = cache.find(deals);
  if (it == cache.end()) {
    voronka::GeneratorOptions options;
    options.deals = deals;
    it = cache.emplace(deals, voronka::generate_events(options)).first;
  }
  return it->second;
}

std::unique_ptr<voronka::Ledger> empty_ledger() {
  auto ledger = std::make_unique<voronka::Ledger>();
  for (const auto& process : voronka::generator_processes()) {
    if (!ledger->add_process(process)) std::abort();
  }
  return ledger;
}

void count_rejected(benchmark::State& state, const voronka::BatchResult& results) {
  if (results.rejected() != 0) state.SkipWithError("generated events were rejected");
}

// Columnar batch append, the bulk-import path.
void BM_IngestColumns(benchmark::State& state) {
  const auto& table = events_for(static_cast<uint64_t>(state.range(0)));
  double bytes_per_event = 0, ledger_bytes_per_event = 0;
  for (auto _ : state) {
    state.PauseTiming();
    auto ledger = empty_ledger();
    const size_t before = resident_bytes();
    state.ResumeTiming();
    const auto results = ledger->append(table.columns());
    state.PauseTiming();
    bytes_per_event = static_cast<double>(resident_bytes() - before) / table.size();
    ledger_bytes_per_event = static_cast<double>(ledger->stats().memory_bytes) / table.size();
    count_rejected(state, results);
    ledger.reset();
    state.ResumeTiming();
  }
  state.SetItemsProcessed(state.iterations() * static_cast<int64_t>(table.size()));
  state.counters["events"] = static_cast<double>(table.size());
  state.counters["rss_bytes_per_event"] = bytes_per_event;
  // What the ledger's own arrays reserve: steadier than RSS, which huge
  // pages make depend on what the previous iteration left mapped.
  state.counters["ledger_bytes_per_event"] = ledger_bytes_per_event;
}
BENCHMARK(BM_IngestColumns)->Arg(1'000'000)->Unit(benchmark::kMillisecond)->Iterations(3);

// The same events as protobuf messages.
void BM_IngestMessages(benchmark::State& state) {
  const auto messages = events_for(static_cast<uint64_t>(state.range(0))).to_messages();
  for (auto _ : state) {
    state.PauseTiming();
    auto ledger = empty_ledger();
    state.ResumeTiming();
    const auto results = ledger->append(messages);
    state.PauseTiming();
    count_rejected(state, results);
    ledger.reset();
    state.ResumeTiming();
  }
  state.SetItemsProcessed(state.iterations() * static_cast<int64_t>(messages.size()));
}
BENCHMARK(BM_IngestMessages)->Arg(1'000'000)->Unit(benchmark::kMillisecond)->Iterations(3);

// A tiny run for CI.
void BM_IngestSmoke(benchmark::State& state) {
  const auto& table = events_for(2'000);
  for (auto _ : state) {
    auto ledger = empty_ledger();
    count_rejected(state, ledger->append(table.columns()));
  }
  state.SetItemsProcessed(state.iterations() * static_cast<int64_t>(table.size()));
}
BENCHMARK(BM_IngestSmoke);

}  // namespace

BENCHMARK_MAIN();
