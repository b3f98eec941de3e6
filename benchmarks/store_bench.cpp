// The durable store: appending in each durability mode, opening by full
// replay and from a checkpoint, and the file's size per event.
#include <benchmark/benchmark.h>

#include <cstdlib>
#include <filesystem>
#include <map>
#include <string>
#include <unistd.h>

#include "store/crc32c.hpp"
#include "voronka/voronka.hpp"
#include "voronka/store.hpp"

namespace {

using voronka::Durability;
using voronka::EventColumns;
using voronka::Store;
using voronka::StoreOptions;

// A scratch directory for the run, removed at exit.
class ScratchDir {
 public:
  ScratchDir() {
    const char* base = std::getenv("TMPDIR");
    std::string pattern = std::string(base && *base ? base : "/tmp") + "/voronka-bench-XXXXXX";
    if (::mkdtemp(pattern.data()) == nullptr) std::abort();
    path_ = pattern;
  }
  ~ScratchDir() { std::filesystem::remove_all(path_); }
  std::string file(const std::string& name) const { return path_ + "/" + name; }

 private:
  std::string path_;
};

const ScratchDir& scratch() {
  static ScratchDir dir;
  return dir;
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

// Rows [begin, begin + size) of a columnar batch.
EventColumns slice(const EventColumns& c, size_t begin, size_t size) {
  auto cut = [&](auto span) { return span.empty() ? span : span.subspan(begin, size); };
  EventColumns s;
  s.size = size;
  s.event_id = cut(c.event_id);
  s.deal = cut(c.deal);
  s.at = cut(c.at);
  s.kind = cut(c.kind);
  s.process = cut(c.process);
  s.stage = cut(c.stage);
  s.amount = cut(c.amount);
  s.owner = cut(c.owner);
  s.client = cut(c.client);
  s.reason = cut(c.reason);
  s.field = cut(c.field);
  s.value = cut(c.value);
  s.activity = cut(c.activity);
  return s;
}

std::unique_ptr<Store> create(const std::string& path, Durability durability) {
  std::filesystem::remove(path);
  std::filesystem::remove(path + ".checkpoint");
  StoreOptions options;
  options.durability = durability;
  std::unique_ptr<Store> store;
  if (!Store::open(path, options, &store)) std::abort();
  for (const auto& process : voronka::generator_processes()) {
    if (!store->add_process(process)) std::abort();
  }
  return store;
}

// Appends rows [begin, end) in batches; false when something was rejected.
bool append_rows(Store& store, const EventColumns& columns, size_t begin, size_t end,
                 size_t batch) {
  voronka::BatchResult results;
  for (size_t at = begin; at < end; at += batch) {
    if (!store.append(slice(columns, at, std::min(batch, end - at)), &results)) return false;
    if (results.accepted() != results.size()) return false;
  }
  return true;
}

// Group commit, batches of state.range(0) events: the bulk-logging path.
void BM_StoreAppendGroup(benchmark::State& state) {
  const auto& table = events_for(1'000'000);
  const auto batch = static_cast<size_t>(state.range(0));
  const std::string path = scratch().file("group.vrk");
  double bytes_per_event = 0;
  for (auto _ : state) {
    state.PauseTiming();
    auto store = create(path, Durability::kGroup);
    state.ResumeTiming();
    if (!append_rows(*store, table.columns(), 0, table.size(), batch)) {
      state.SkipWithError("generated events were rejected");
    }
    state.PauseTiming();
    bytes_per_event = static_cast<double>(store->stats().file_bytes) / table.size();
    store.reset();
    state.ResumeTiming();
  }
  state.SetItemsProcessed(state.iterations() * static_cast<int64_t>(table.size()));
  state.counters["file_bytes_per_event"] = bytes_per_event;
}
BENCHMARK(BM_StoreAppendGroup)->Arg(1000)->Arg(100'000)->Unit(benchmark::kMillisecond)
    ->Iterations(2);

// The same work through a plain ledger, for comparison.
void BM_StoreAppendLedgerOnly(benchmark::State& state) {
  const auto& table = events_for(1'000'000);
  const auto batch = static_cast<size_t>(state.range(0));
  for (auto _ : state) {
    state.PauseTiming();
    auto store = Store::memory();
    for (const auto& process : voronka::generator_processes()) store->add_process(process);
    state.ResumeTiming();
    if (!append_rows(*store, table.columns(), 0, table.size(), batch)) {
      state.SkipWithError("generated events were rejected");
    }
    state.PauseTiming();
    store.reset();
    state.ResumeTiming();
  }
  state.SetItemsProcessed(state.iterations() * static_cast<int64_t>(table.size()));
}
BENCHMARK(BM_StoreAppendLedgerOnly)->Arg(1000)->Unit(benchmark::kMillisecond)->Iterations(2);

// Sync mode: every append waits for fdatasync. One iteration is one batch.
void BM_StoreAppendSync(benchmark::State& state) {
  const auto& table = events_for(100'000);
  const auto batch = static_cast<size_t>(state.range(0));
  auto store = create(scratch().file("sync.vrk"), Durability::kSync);
  size_t at = 0;
  for (auto _ : state) {
    if (at + batch > table.size()) {
      state.PauseTiming();
      store.reset();  // releases the lock before the file is made anew
      store = create(scratch().file("sync.vrk"), Durability::kSync);
      at = 0;
      state.ResumeTiming();
    }
    if (!append_rows(*store, table.columns(), at, at + batch, batch)) {
      state.SkipWithError("generated events were rejected");
    }
    at += batch;
  }
  state.SetItemsProcessed(state.iterations() * static_cast<int64_t>(batch));
}
BENCHMARK(BM_StoreAppendSync)->Arg(1)->Arg(1000)->Unit(benchmark::kMicrosecond)
    ->MinTime(2.0);

// A store of 1M generated deals, written once; with `checkpoint`, a
// checkpoint after 99% of the events and the last 1% after it.
const std::string& written_store(bool checkpoint) {
  static std::map<bool, std::string> paths;
  auto it = paths.find(checkpoint);
  if (it != paths.end()) return it->second;
  const auto& table = events_for(1'000'000);
  const std::string path = scratch().file(checkpoint ? "checkpointed.vrk" : "replay.vrk");
  auto store = create(path, Durability::kNone);
  const size_t split = checkpoint ? table.size() / 100 * 99 : table.size();
  if (!append_rows(*store, table.columns(), 0, split, 100'000)) std::abort();
  if (checkpoint) {
    if (!store->checkpoint()) std::abort();
    if (!append_rows(*store, table.columns(), split, table.size(), 100'000)) std::abort();
  }
  if (!store->sync()) std::abort();
  return paths.emplace(checkpoint, path).first->second;
}

void BM_StoreOpenReplay(benchmark::State& state) {
  const std::string& path = written_store(false);
  voronka::OpenInfo info;
  for (auto _ : state) {
    std::unique_ptr<Store> store;
    if (!Store::open(path, {}, &store, &info) || info.from_checkpoint) {
      state.SkipWithError("the open failed");
    }
    state.PauseTiming();
    store.reset();
    state.ResumeTiming();
  }
  state.SetItemsProcessed(state.iterations() * static_cast<int64_t>(info.replayed_events));
  state.counters["events"] = static_cast<double>(info.replayed_events);
  state.counters["file_bytes_per_event"] = static_cast<double>(
      std::filesystem::file_size(path)) / static_cast<double>(info.replayed_events);
}
BENCHMARK(BM_StoreOpenReplay)->Unit(benchmark::kMillisecond)->Iterations(3);

void BM_StoreOpenCheckpoint(benchmark::State& state) {
  const std::string& path = written_store(true);
  voronka::OpenInfo info;
  for (auto _ : state) {
    std::unique_ptr<Store> store;
    if (!Store::open(path, {}, &store, &info) || !info.from_checkpoint) {
      state.SkipWithError("the open did not use the checkpoint");
    }
    state.PauseTiming();
    store.reset();
    state.ResumeTiming();
  }
  state.counters["tail_events"] = static_cast<double>(info.replayed_events);
  state.counters["checkpoint_mb"] =
      static_cast<double>(std::filesystem::file_size(path + ".checkpoint")) / 1e6;
}
BENCHMARK(BM_StoreOpenCheckpoint)->Unit(benchmark::kMillisecond)->Iterations(5);

// The checksum every frame is read through, over the 1 MiB pieces a
// checkpoint is read in.
void BM_Crc32c(benchmark::State& state) {
  std::string data(size_t{1} << 20, '\0');
  for (size_t i = 0; i < data.size(); ++i) data[i] = static_cast<char>(i * 2654435761u >> 13);
  for (auto _ : state) benchmark::DoNotOptimize(voronka::store::crc32c(data));
  state.SetBytesProcessed(state.iterations() * static_cast<int64_t>(data.size()));
}
BENCHMARK(BM_Crc32c)->Unit(benchmark::kMicrosecond);

// A tiny run for CI: write, checkpoint, append a tail, reopen.
void BM_StoreSmoke(benchmark::State& state) {
  const auto& table = events_for(2'000);
  const std::string path = scratch().file("smoke.vrk");
  for (auto _ : state) {
    auto store = create(path, Durability::kNone);
    const size_t half = table.size() / 2;
    if (!append_rows(*store, table.columns(), 0, half, 500) || !store->checkpoint() ||
        !append_rows(*store, table.columns(), half, table.size(), 500)) {
      state.SkipWithError("appending failed");
    }
    store.reset();
    voronka::OpenInfo info;
    if (!Store::open(path, {}, &store, &info) || !info.from_checkpoint ||
        store->ledger().stats().events != table.size()) {
      state.SkipWithError("reopening failed");
    }
  }
  state.SetItemsProcessed(state.iterations() * static_cast<int64_t>(table.size()));
}
BENCHMARK(BM_StoreSmoke);

}  // namespace
