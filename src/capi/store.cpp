// Stores, processes and deals.
#include <fmt/format.h>

#include <algorithm>

#include "capi/capi.hpp"

using namespace voronka;

namespace {

int make_process(vrk_process** out, std::shared_ptr<const Process> process) {
  auto handle = std::make_unique<vrk_process>();
  for (int stage : process->funnel_order()) {
    auto& fields = handle->required_fields.emplace_back();
    for (const std::string& field : process->required_fields(stage))
      fields.push_back(field.c_str());
  }
  handle->process = std::move(process);
  *out = handle.release();
  return capi::ok();
}

void limit_of(const v1::TimeLimit& limit, int* unit, uint32_t* amount) {
  switch (limit.unit_case()) {
    case v1::TimeLimit::kDays:
      *unit = VRK_LIMIT_DAYS;
      *amount = limit.days();
      return;
    case v1::TimeLimit::kHours:
      *unit = VRK_LIMIT_HOURS;
      *amount = limit.hours();
      return;
    case v1::TimeLimit::kBusinessDays:
      *unit = VRK_LIMIT_BUSINESS_DAYS;
      *amount = limit.business_days();
      return;
    default:
      *unit = VRK_LIMIT_NONE;
      *amount = 0;
      return;
  }
}

}  // namespace

extern "C" {

// --- stores -------------------------------------------------------------------

void vrk_store_options_init(vrk_store_options* options) {
  if (options == nullptr) return;
  *options = vrk_store_options{};
  const StoreOptions defaults;
  options->size = sizeof(vrk_store_options);
  options->durability = static_cast<int>(defaults.durability);
  options->read_only = defaults.read_only;
  options->create_if_missing = defaults.create_if_missing;
  options->checkpoint_every = defaults.checkpoint_every;
  options->group_max_delay_ms = defaults.group_max_delay_ms;
  options->group_max_events = defaults.group_max_events;
}

int vrk_store_open(vrk_store** out, const char* path, const vrk_store_options* options) {
  return capi::guard([&] {
    if (out == nullptr) return capi::invalid("vrk_store_open: out is NULL");
    *out = nullptr;
    if (path == nullptr) return capi::invalid("vrk_store_open: path is NULL");
    vrk_store_options o;
    vrk_store_options_init(&o);
    if (options != nullptr) {
      if (int rc = capi::check_size(*options, "vrk_store_options"); rc != VRK_OK) return rc;
      o = *options;
    }
    static_assert(VRK_DURABILITY_SYNC == static_cast<int>(Durability::kSync) &&
                  VRK_DURABILITY_GROUP == static_cast<int>(Durability::kGroup) &&
                  VRK_DURABILITY_NONE == static_cast<int>(Durability::kNone));
    if (o.durability < VRK_DURABILITY_SYNC || o.durability > VRK_DURABILITY_NONE) {
      return capi::invalid(
          fmt::format("vrk_store_options.durability is {}, not a vrk_durability", o.durability));
    }
    StoreOptions store_options;
    store_options.durability = static_cast<Durability>(o.durability);
    store_options.read_only = o.read_only != 0;
    store_options.create_if_missing = o.create_if_missing != 0;
    store_options.checkpoint_every = o.checkpoint_every;
    store_options.group_max_delay_ms = o.group_max_delay_ms;
    store_options.group_max_events = o.group_max_events;

    auto handle = std::make_unique<vrk_store>();
    if (Status s = Store::open(path, store_options, &handle->store, &handle->info); !s) {
      return capi::fail(s);
    }
    handle->path = path;
    *out = handle.release();
    return capi::ok();
  });
}

int vrk_store_open_memory(vrk_store** out) {
  return capi::guard([&] {
    if (out == nullptr) return capi::invalid("vrk_store_open_memory: out is NULL");
    *out = nullptr;
    auto handle = std::make_unique<vrk_store>();
    handle->store = Store::memory();
    *out = handle.release();
    return capi::ok();
  });
}

void vrk_store_close(vrk_store* store) { delete store; }

int vrk_store_open_info(vrk_open_info* out, const vrk_store* store) {
  return capi::guard([&] {
    if (out == nullptr || store == nullptr)
      return capi::invalid("vrk_store_open_info: NULL argument");
    if (int rc = capi::check_size(*out, "vrk_open_info"); rc != VRK_OK) return rc;
    const OpenInfo& info = store->info;
    out->replayed_events = info.replayed_events;
    out->dropped_tail_bytes = info.dropped_tail_bytes;
    out->from_checkpoint = info.from_checkpoint;
    out->created = info.created;
    out->warning = info.warning.c_str();
    return capi::ok();
  });
}

int vrk_store_get_stats(vrk_store_stats* out, const vrk_store* store) {
  return capi::guard([&] {
    if (out == nullptr || store == nullptr)
      return capi::invalid("vrk_store_get_stats: NULL argument");
    if (int rc = capi::check_size(*out, "vrk_store_stats"); rc != VRK_OK) return rc;
    const LedgerStats ledger = store->store->ledger().stats();
    const StoreStats file = store->store->stats();
    out->deals = ledger.deals;
    out->events = ledger.events;
    out->latest_event_at = ledger.latest_event_at;
    out->memory_bytes = ledger.memory_bytes;
    out->file_bytes = file.file_bytes;
    out->log_records = file.records;
    out->durable_bytes = file.durable_bytes;
    out->checkpoint_events = file.checkpoint_events;
    return capi::ok();
  });
}

int vrk_store_refresh(vrk_store* store, int* changed) {
  return capi::guard([&] {
    if (changed != nullptr) *changed = 0;
    if (store == nullptr) return capi::invalid("vrk_store_refresh: store is NULL");
    bool any = false;
    const Status s = store->store->refresh(&any);
    if (changed != nullptr) *changed = any;
    return capi::check(s);
  });
}

int vrk_store_sync(vrk_store* store) {
  return capi::guard([&] {
    if (store == nullptr) return capi::invalid("vrk_store_sync: store is NULL");
    return capi::check(store->store->sync());
  });
}

int vrk_store_checkpoint(vrk_store* store) {
  return capi::guard([&] {
    if (store == nullptr) return capi::invalid("vrk_store_checkpoint: store is NULL");
    return capi::check(store->store->checkpoint());
  });
}

// --- salvage ------------------------------------------------------------------

int vrk_store_salvage(vrk_salvage_report** out, const char* damaged, const char* fresh) {
  return capi::guard([&] {
    if (out == nullptr) return capi::invalid("vrk_store_salvage: out is NULL");
    *out = nullptr;
    if (damaged == nullptr || fresh == nullptr) {
      return capi::invalid("vrk_store_salvage: a path is NULL");
    }
    auto handle = std::make_unique<vrk_salvage_report>();
    if (Status s = salvage_store(damaged, fresh, &handle->report); !s) return capi::fail(s);
    *out = handle.release();
    return capi::ok();
  });
}

uint64_t vrk_salvage_report_records_kept(const vrk_salvage_report* report) {
  return report != nullptr ? report->report.records_kept : 0;
}

uint64_t vrk_salvage_report_events_kept(const vrk_salvage_report* report) {
  return report != nullptr ? report->report.events_kept : 0;
}

uint64_t vrk_salvage_report_bytes_lost(const vrk_salvage_report* report) {
  return report != nullptr ? report->report.bytes_lost : 0;
}

uint64_t vrk_salvage_report_damage_offset(const vrk_salvage_report* report) {
  return report != nullptr ? report->report.damage_offset : 0;
}

const char* vrk_salvage_report_damage(const vrk_salvage_report* report) {
  return report != nullptr ? report->report.damage.c_str() : nullptr;
}

void vrk_salvage_report_free(vrk_salvage_report* report) { delete report; }

// --- processes ----------------------------------------------------------------

int vrk_store_add_process(uint32_t* version_id, int* created, vrk_store* store, const char* json) {
  return capi::guard([&] {
    if (version_id != nullptr) *version_id = 0;
    if (created != nullptr) *created = 0;
    if (store == nullptr || json == nullptr) {
      return capi::invalid("vrk_store_add_process: NULL argument");
    }
    v1::Process definition;
    if (Status s = parse_process_json(json, &definition); !s) return capi::fail(s);
    uint16_t id = 0;
    bool made = false;
    if (Status s = store->store->add_process(definition, &id, &made); !s) return capi::fail(s);
    if (version_id != nullptr) *version_id = id;
    if (created != nullptr) *created = made;
    return capi::ok();
  });
}

int vrk_store_get_process(vrk_process** out, const vrk_store* store, const char* key) {
  return capi::guard([&] {
    if (out == nullptr) return capi::invalid("vrk_store_get_process: out is NULL");
    *out = nullptr;
    if (store == nullptr || key == nullptr) {
      return capi::invalid("vrk_store_get_process: NULL argument");
    }
    auto process = store->store->ledger().process(key);
    if (process == nullptr) {
      return capi::fail(Code::kNotFound, fmt::format("unknown process '{}'", key));
    }
    return make_process(out, std::move(process));
  });
}

int vrk_store_list_processes(vrk_process_list** out, const vrk_store* store) {
  return capi::guard([&] {
    if (out == nullptr) return capi::invalid("vrk_store_list_processes: out is NULL");
    *out = nullptr;
    if (store == nullptr) return capi::invalid("vrk_store_list_processes: store is NULL");
    auto list = std::make_unique<vrk_process_list>();
    list->processes = store->store->ledger().processes();
    *out = list.release();
    return capi::ok();
  });
}

size_t vrk_process_list_count(const vrk_process_list* list) {
  return list != nullptr ? list->processes.size() : 0;
}

const char* vrk_process_list_key(const vrk_process_list* list, size_t index) {
  if (list == nullptr || index >= list->processes.size()) return nullptr;
  return list->processes[index]->key().c_str();
}

int vrk_process_list_get(vrk_process** out, const vrk_process_list* list, size_t index) {
  return capi::guard([&] {
    if (out == nullptr) return capi::invalid("vrk_process_list_get: out is NULL");
    *out = nullptr;
    if (list == nullptr) return capi::invalid("vrk_process_list_get: list is NULL");
    if (index >= list->processes.size()) {
      return capi::invalid(
          fmt::format("vrk_process_list_get: index {} is out of range: the list "
                      "has {} processes",
                      index, list->processes.size()));
    }
    return make_process(out, list->processes[index]);
  });
}

void vrk_process_list_free(vrk_process_list* list) { delete list; }

const char* vrk_process_key(const vrk_process* process) {
  return process != nullptr ? process->process->key().c_str() : nullptr;
}

const char* vrk_process_name(const vrk_process* process) {
  return process != nullptr ? process->process->name().c_str() : nullptr;
}

uint32_t vrk_process_version(const vrk_process* process) {
  return process != nullptr ? process->process->version() : 0;
}

int vrk_process_mode(const vrk_process* process) {
  if (process == nullptr) return 0;
  return process->process->automatic() ? VRK_MODE_AUTOMATIC : VRK_MODE_MANUAL;
}

size_t vrk_process_stage_count(const vrk_process* process) {
  return process != nullptr ? static_cast<size_t>(process->process->stage_count()) : 0;
}

int vrk_process_stage(vrk_stage_info* out, const vrk_process* process, size_t index) {
  return capi::guard([&] {
    if (out == nullptr || process == nullptr)
      return capi::invalid("vrk_process_stage: NULL argument");
    if (int rc = capi::check_size(*out, "vrk_stage_info"); rc != VRK_OK) return rc;
    const Process& p = *process->process;
    if (index >= static_cast<size_t>(p.stage_count())) {
      return capi::invalid(
          fmt::format("vrk_process_stage: index {} is out of range: process '{}' "
                      "has {} stages",
                      index, p.key(), p.stage_count()));
    }
    const int stage = p.funnel_order()[index];
    const v1::Stage& s = p.stage(stage);
    *out = vrk_stage_info{};
    out->size = sizeof(vrk_stage_info);
    out->key = s.key().c_str();
    out->name = p.stage_name(stage).c_str();
    out->has_probability = s.has_probability();
    out->probability = s.has_probability() ? s.probability() : 0.0;
    limit_of(s.sla(), &out->sla_unit, &out->sla);
    limit_of(s.rotting(), &out->rotting_unit, &out->rotting);
    out->owner_role = s.owner_role().c_str();
    const auto& fields = process->required_fields[index];
    out->required_fields = fields.empty() ? nullptr : fields.data();
    out->required_field_count = fields.size();
    out->leads_to_won = p.leads_to_won(stage);
    return capi::ok();
  });
}

int vrk_process_json(vrk_buf* out, const vrk_process* process) {
  return capi::guard([&] {
    if (out == nullptr) return capi::invalid("vrk_process_json: out is NULL");
    *out = vrk_buf{nullptr, 0};
    if (process == nullptr) return capi::invalid("vrk_process_json: process is NULL");
    return capi::fill(out, process_to_json(process->process->definition()));
  });
}

void vrk_process_free(vrk_process* process) { delete process; }

// --- deals --------------------------------------------------------------------

int vrk_store_get_deal(vrk_deal** out, const vrk_store* store, const char* key) {
  return capi::guard([&] {
    if (out == nullptr) return capi::invalid("vrk_store_get_deal: out is NULL");
    *out = nullptr;
    if (store == nullptr || key == nullptr)
      return capi::invalid("vrk_store_get_deal: NULL argument");
    auto deal = std::make_unique<vrk_deal>();
    if (Status s = store->store->ledger().find_deal(key, &deal->state); !s) return capi::fail(s);
    for (const auto& [field, value] : deal->state.fields()) deal->fields.emplace_back(field, value);
    std::sort(deal->fields.begin(), deal->fields.end());
    *out = deal.release();
    return capi::ok();
  });
}

const char* vrk_deal_key(const vrk_deal* deal) {
  return deal != nullptr ? deal->state.deal().c_str() : nullptr;
}

const char* vrk_deal_process(const vrk_deal* deal) {
  return deal != nullptr ? deal->state.process().c_str() : nullptr;
}

uint32_t vrk_deal_process_version(const vrk_deal* deal) {
  return deal != nullptr ? deal->state.process_version() : 0;
}

int vrk_deal_status(const vrk_deal* deal) {
  if (deal == nullptr) return 0;
  static_assert(VRK_DEAL_OPEN == static_cast<int>(DealStatus::kOpen) &&
                VRK_DEAL_FROZEN == static_cast<int>(DealStatus::kFrozen) &&
                VRK_DEAL_WON == static_cast<int>(DealStatus::kWon) &&
                VRK_DEAL_LOST == static_cast<int>(DealStatus::kLost));
  for (auto status :
       {DealStatus::kOpen, DealStatus::kFrozen, DealStatus::kWon, DealStatus::kLost}) {
    if (deal->state.status() == deal_status_name(status)) return static_cast<int>(status);
  }
  return 0;
}

const char* vrk_deal_stage(const vrk_deal* deal) {
  return deal != nullptr ? deal->state.stage().c_str() : nullptr;
}

int64_t vrk_deal_stage_since(const vrk_deal* deal) {
  return deal != nullptr ? deal->state.stage_since() : 0;
}

int64_t vrk_deal_opened_at(const vrk_deal* deal) {
  return deal != nullptr ? deal->state.opened_at() : 0;
}

int64_t vrk_deal_closed_at(const vrk_deal* deal) {
  if (deal == nullptr || !deal->state.has_closed_at()) return VRK_NO_TIME;
  return deal->state.closed_at();
}

int64_t vrk_deal_amount(const vrk_deal* deal) { return deal != nullptr ? deal->state.amount() : 0; }

const char* vrk_deal_owner(const vrk_deal* deal) {
  return deal != nullptr ? deal->state.owner().c_str() : nullptr;
}

const char* vrk_deal_client(const vrk_deal* deal) {
  return deal != nullptr ? deal->state.client().c_str() : nullptr;
}

const char* vrk_deal_lost_reason(const vrk_deal* deal) {
  return deal != nullptr ? deal->state.lost_reason().c_str() : nullptr;
}

uint32_t vrk_deal_events(const vrk_deal* deal) {
  return deal != nullptr ? deal->state.events() : 0;
}

size_t vrk_deal_field_count(const vrk_deal* deal) {
  return deal != nullptr ? deal->fields.size() : 0;
}

const char* vrk_deal_field_key(const vrk_deal* deal, size_t index) {
  if (deal == nullptr || index >= deal->fields.size()) return nullptr;
  return deal->fields[index].first.c_str();
}

const char* vrk_deal_field_value(const vrk_deal* deal, size_t index) {
  if (deal == nullptr || index >= deal->fields.size()) return nullptr;
  return deal->fields[index].second.c_str();
}

const char* vrk_deal_field(const vrk_deal* deal, const char* key) {
  if (deal == nullptr || key == nullptr) return nullptr;
  const std::string_view wanted(key);
  const auto it = std::lower_bound(deal->fields.begin(), deal->fields.end(), wanted,
                                   [](const std::pair<std::string, std::string>& field,
                                      std::string_view k) { return field.first < k; });
  if (it == deal->fields.end() || it->first != wanted) return nullptr;
  return it->second.c_str();
}

void vrk_deal_free(vrk_deal* deal) { delete deal; }

}  // extern "C"
