// The C API's columnar batch append against the C++ call it wraps: reading
// the caller's C strings in place (measured as they are read, nothing
// copied) must cost next to nothing beside the append itself.
#include <benchmark/benchmark.h>

#include <chrono>
#include <cstdint>
#include <cstring>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "ledger/large_vector.hpp"
#include "voronka/voronka.h"
#include "voronka/voronka.hpp"

namespace {

// Generated events in both shapes: EventColumns for C++, and C columns of
// NUL-terminated strings. Each C column's text is packed in row order in
// one buffer, as the C++ table's is (and as a host that parses a file has
// it), so that the two calls read equally compact memory; rows that share a
// string in the table share the pointer. Both live on huge pages where the
// system offers them, as the generator's table does.
template <typename T>
using Column = voronka::ledger::LargeVector<T>;

struct Batch {
  voronka::EventTable table;
  Column<char> text[8];
  Column<const char*> columns[8];
  Column<uint8_t> kinds;
  vrk_event_columns c{};
};

void pack_c_strings(const voronka::TextColumn& column, Column<char>* text,
                    Column<const char*>* pointers) {
  constexpr size_t kNull = SIZE_MAX;
  std::vector<size_t> offsets(column.size(), kNull);
  const char* previous_data = nullptr;
  size_t previous = kNull;
  for (size_t i = 0; i < column.size(); ++i) {
    const std::string_view s = column[i];
    if (s.empty()) continue;  // NULL: empty
    if (s.data() != previous_data) {
      previous_data = s.data();
      previous = text->size();
      text->insert(text->end(), s.begin(), s.end());
      text->push_back('\0');
    }
    offsets[i] = previous;
  }
  pointers->assign(column.size(), nullptr);
  for (size_t i = 0; i < column.size(); ++i) {
    if (offsets[i] != kNull) (*pointers)[i] = text->data() + offsets[i];
  }
}

const Batch& batch_for(uint64_t deals) {
  static std::map<uint64_t, std::unique_ptr<Batch>> cache;
  auto& slot = cache[deals];
  if (!slot) {
    slot = std::make_unique<Batch>();
    Batch& b = *slot;
    voronka::GeneratorOptions options;
    options.deals = deals;
    b.table = voronka::generate_events(options);
    const voronka::EventColumns e = b.table.columns();
    const voronka::TextColumn text[8] = {e.event_id, e.deal,   e.process, e.stage,
                                         e.owner,    e.client, e.reason,  e.activity};
    for (int i = 0; i < 8; ++i) pack_c_strings(text[i], &b.text[i], &b.columns[i]);
    for (voronka::EventKind kind : e.kind) b.kinds.push_back(static_cast<uint8_t>(kind));
    vrk_event_columns_init(&b.c);
    b.c.count = e.size;
    b.c.event_id = b.columns[0].data();
    b.c.deal = b.columns[1].data();
    b.c.at = e.at.data();
    b.c.kind = b.kinds.data();
    b.c.process = e.process.empty() ? nullptr : b.columns[2].data();
    b.c.stage = e.stage.empty() ? nullptr : b.columns[3].data();
    b.c.amount = e.amount.empty() ? nullptr : e.amount.data();
    b.c.owner = e.owner.empty() ? nullptr : b.columns[4].data();
    b.c.client = e.client.empty() ? nullptr : b.columns[5].data();
    b.c.reason = e.reason.empty() ? nullptr : b.columns[6].data();
    b.c.activity = e.activity.empty() ? nullptr : b.columns[7].data();
  }
  return *slot;
}

vrk_store* c_store() {
  vrk_store* store = nullptr;
  if (vrk_store_open_memory(&store) != VRK_OK) std::abort();
  for (const auto& process : voronka::generator_processes()) {
    const std::string json = voronka::process_to_json(process);
    if (vrk_store_add_process(nullptr, nullptr, store, json.c_str()) != VRK_OK) std::abort();
  }
  return store;
}

std::unique_ptr<voronka::Store> cxx_store() {
  auto store = voronka::Store::memory();
  for (const auto& process : voronka::generator_processes()) {
    if (!store->add_process(process)) std::abort();
  }
  return store;
}

// The C API: vrk_store_append_batch on a store in memory.
void BM_CApiAppendBatch(benchmark::State& state) {
  const Batch& batch = batch_for(static_cast<uint64_t>(state.range(0)));
  for (auto _ : state) {
    state.PauseTiming();
    vrk_store* store = c_store();
    state.ResumeTiming();
    vrk_batch_result* result = nullptr;
    if (vrk_store_append_batch(&result, store, &batch.c) != VRK_OK) {
      state.SkipWithError(vrk_last_error());
    } else if (vrk_batch_result_rejected(result) != 0) {
      state.SkipWithError("generated events were rejected");
    }
    state.PauseTiming();
    vrk_batch_result_free(result);
    vrk_store_close(store);
    state.ResumeTiming();
  }
  state.SetItemsProcessed(state.iterations() * static_cast<int64_t>(batch.table.size()));
  state.counters["events"] = static_cast<double>(batch.table.size());
}
BENCHMARK(BM_CApiAppendBatch)->Arg(1'000'000)->Unit(benchmark::kMillisecond)->Iterations(3);

// The C++ call the C API wraps: Store::append of EventColumns, in memory.
void BM_CxxStoreAppendColumns(benchmark::State& state) {
  const Batch& batch = batch_for(static_cast<uint64_t>(state.range(0)));
  for (auto _ : state) {
    state.PauseTiming();
    auto store = cxx_store();
    state.ResumeTiming();
    voronka::BatchResult results;
    if (auto s = store->append(batch.table.columns(), &results); !s) {
      state.SkipWithError(s.to_string().c_str());
    }
    state.PauseTiming();
    results = {};
    store.reset();
    state.ResumeTiming();
  }
  state.SetItemsProcessed(state.iterations() * static_cast<int64_t>(batch.table.size()));
}
BENCHMARK(BM_CxxStoreAppendColumns)->Arg(1'000'000)->Unit(benchmark::kMillisecond)->Iterations(3);

// Both calls in one process, taking turns at going first, so that the two
// rates meet the same heap, page faults and machine load and their ratio
// means something; on a noisy machine, rates from separate runs differ by
// more than the cost of the C layer.
void BM_CApiShareOfCxx(benchmark::State& state) {
  const Batch& batch = batch_for(static_cast<uint64_t>(state.range(0)));
  using Clock = std::chrono::steady_clock;
  auto seconds_since = [](Clock::time_point start) {
    return std::chrono::duration<double>(Clock::now() - start).count();
  };
  auto time_c = [&] {
    vrk_store* store = c_store();
    vrk_batch_result* result = nullptr;
    const auto start = Clock::now();
    const int rc = vrk_store_append_batch(&result, store, &batch.c);
    const double elapsed = seconds_since(start);
    if (rc != VRK_OK || vrk_batch_result_rejected(result) != 0) state.SkipWithError("C batch failed");
    vrk_batch_result_free(result);
    vrk_store_close(store);
    return elapsed;
  };
  auto time_cxx = [&] {
    auto store = cxx_store();
    voronka::BatchResult results;
    const auto start = Clock::now();
    const voronka::Status s = store->append(batch.table.columns(), &results);
    const double elapsed = seconds_since(start);
    if (!s) state.SkipWithError("C++ batch failed");
    return elapsed;
  };
  // A first pair, untimed, meets the process's cold heap.
  time_c();
  time_cxx();
  double c_seconds = 0, cxx_seconds = 0;
  bool c_first = true;
  for (auto _ : state) {
    const double first = c_first ? time_c() : time_cxx();
    const double second = c_first ? time_cxx() : time_c();
    c_seconds += c_first ? first : second;
    cxx_seconds += c_first ? second : first;
    state.SetIterationTime(first + second);
    c_first = !c_first;
  }
  const double events = static_cast<double>(state.iterations()) *
                        static_cast<double>(batch.table.size());
  state.counters["c_events_per_s"] = events / c_seconds;
  state.counters["cxx_events_per_s"] = events / cxx_seconds;
  state.counters["c_share_of_cxx"] = cxx_seconds / c_seconds;
}
BENCHMARK(BM_CApiShareOfCxx)
    ->Arg(1'000'000)
    ->Unit(benchmark::kMillisecond)
    ->UseManualTime()
    ->Iterations(6);

// A tiny run for CI: a batch and a report through the C API.
void BM_CApiSmoke(benchmark::State& state) {
  const Batch& batch = batch_for(2'000);
  for (auto _ : state) {
    vrk_store* store = c_store();
    vrk_batch_result* result = nullptr;
    vrk_report* report = nullptr;
    if (vrk_store_append_batch(&result, store, &batch.c) != VRK_OK ||
        vrk_batch_result_rejected(result) != 0 ||
        vrk_store_report_history(&report, store, nullptr) != VRK_OK) {
      state.SkipWithError(vrk_last_error());
    }
    vrk_report_free(report);
    vrk_batch_result_free(result);
    vrk_store_close(store);
  }
  state.SetItemsProcessed(state.iterations() * static_cast<int64_t>(batch.table.size()));
}
BENCHMARK(BM_CApiSmoke);

}  // namespace
