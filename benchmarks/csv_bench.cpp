// CSV import: the reader's parse rate on generated deals written as CSV, and
// a whole import — read the file, parse it, append the events to a ledger.
#include <benchmark/benchmark.h>

#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <map>
#include <sstream>
#include <string>

#include "voronka/csv.hpp"
#include "voronka/voronka.hpp"

namespace {

using voronka::TimeFormat;

// Generated deals as CSV text, made once per size and time format.
const std::string& csv_for(uint64_t deals, TimeFormat format) {
  static std::map<std::pair<uint64_t, TimeFormat>, std::string> cache;
  auto it = cache.find({deals, format});
  if (it == cache.end()) {
    voronka::GeneratorOptions options;
    options.deals = deals;
    std::ostringstream out;
    if (!voronka::write_events_csv(out, voronka::generate_events(options).columns(), format)) {
      std::abort();
    }
    it = cache.emplace(std::make_pair(deals, format), std::move(out).str()).first;
  }
  return it->second;
}

void parse(benchmark::State& state, uint64_t deals, TimeFormat format) {
  const std::string& text = csv_for(deals, format);
  voronka::CsvOptions options;
  options.time_format = format;
  size_t rows = 0;
  for (auto _ : state) {
    state.PauseTiming();
    std::string copy = text;
    auto file = std::make_unique<voronka::EventFile>();
    state.ResumeTiming();
    if (!voronka::parse_events_csv(std::move(copy), options, file.get())) {
      state.SkipWithError("the CSV did not parse");
    }
    state.PauseTiming();
    if (!file->rejects().empty()) state.SkipWithError("rows were rejected");
    rows = file->size();
    file.reset();  // freeing is not part of parsing
    state.ResumeTiming();
  }
  state.SetBytesProcessed(state.iterations() * static_cast<int64_t>(text.size()));
  state.SetItemsProcessed(state.iterations() * static_cast<int64_t>(rows));
  state.counters["file_mb"] = static_cast<double>(text.size()) / 1e6;
}

// Parsing CSV text in memory into event columns; bytes/s is the parse rate,
// items/s the rows.
void BM_CsvParse(benchmark::State& state) {
  parse(state, static_cast<uint64_t>(state.range(0)), static_cast<TimeFormat>(state.range(1)));
}
// A large text is parsed on two threads, so rates go by the wall clock:
// Google Benchmark's default, this thread's CPU time, leaves the other out.
BENCHMARK(BM_CsvParse)
    ->ArgNames({"deals", "time_format"})
    ->Args({1'000'000, static_cast<int64_t>(TimeFormat::kIso8601)})
    ->Args({1'000'000, static_cast<int64_t>(TimeFormat::kEpochMillis)})
    ->Unit(benchmark::kMillisecond)
    ->Iterations(3)
    ->UseRealTime();

// The whole import of a file: read, parse, append to an empty ledger.
void BM_CsvImportFile(benchmark::State& state) {
  const uint64_t deals = static_cast<uint64_t>(state.range(0));
  const std::string& text = csv_for(deals, TimeFormat::kIso8601);
  const std::filesystem::path path = std::filesystem::temp_directory_path() /
                                     ("voronka_csv_bench_" + std::to_string(::getpid()) + ".csv");
  std::ofstream(path, std::ios::binary).write(text.data(), static_cast<std::streamsize>(text.size()));
  size_t rows = 0;
  for (auto _ : state) {
    state.PauseTiming();
    auto ledger = std::make_unique<voronka::Ledger>();
    for (const auto& process : voronka::generator_processes()) {
      if (!ledger->add_process(process)) std::abort();
    }
    auto file = std::make_unique<voronka::EventFile>();
    state.ResumeTiming();
    if (!voronka::read_events_csv(path, voronka::CsvOptions{}, file.get())) {
      state.SkipWithError("the CSV did not read");
    }
    const auto results = ledger->append(file->columns());
    state.PauseTiming();
    if (results.rejected() != 0) state.SkipWithError("events were rejected");
    rows = file->size();
    file.reset();
    ledger.reset();
    state.ResumeTiming();
  }
  std::filesystem::remove(path);
  state.SetBytesProcessed(state.iterations() * static_cast<int64_t>(text.size()));
  state.SetItemsProcessed(state.iterations() * static_cast<int64_t>(rows));
}
BENCHMARK(BM_CsvImportFile)  // two threads parse, as BM_CsvParse
    ->Arg(1'000'000)
    ->Unit(benchmark::kMillisecond)
    ->Iterations(3)
    ->UseRealTime();

// A tiny run for CI.
void BM_CsvSmoke(benchmark::State& state) { parse(state, 2'000, TimeFormat::kIso8601); }
BENCHMARK(BM_CsvSmoke);

}  // namespace
