// Process definitions from arbitrary JSON: parsing and compiling must fail
// cleanly or produce a process whose graph facts hold together.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "voronka/process.hpp"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  voronka::v1::Process definition;
  const std::string_view json(reinterpret_cast<const char*>(data), size);
  if (!voronka::parse_process_json(json, &definition)) return 0;
  std::shared_ptr<const voronka::Process> process;
  if (!voronka::Process::compile(definition, &process)) return 0;
  // Every stage is in the funnel once and dominated by the entry stage.
  if (static_cast<int>(process->funnel_order().size()) != process->stage_count()) __builtin_trap();
  for (int stage = 0; stage < process->stage_count(); ++stage) {
    if (!((process->dominators(stage) >> process->entry_stage()) & 1)) __builtin_trap();
    (void)process->due_at(stage, 1'700'000'000'000);
  }
  return 0;
}
