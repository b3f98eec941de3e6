#include "analytics/scope.hpp"

#include <algorithm>
#include <numeric>

#include <boost/date_time/gregorian/gregorian.hpp>
#include <fmt/format.h>

#include "model/calendar.hpp"
#include "voronka/time.hpp"

namespace voronka::analytics {

Status Scope::init(const ledger::State& state, const v1::Filter& filter) {
  state_ = &state;
  end_deal_ = static_cast<uint32_t>(state.deals.size());
  as_of_given_ = filter.has_as_of();
  as_of_ = as_of_given_ ? filter.as_of() : (state.latest_at == kNever ? 0 : state.latest_at);
  if (filter.has_from()) period_.from = filter.from();
  if (filter.has_to()) period_.to = filter.to();
  process_key_ = filter.process();

  const ProcessCatalog& catalog = state.catalog;
  if (!filter.process().empty()) {
    const auto versions = catalog.versions_of(filter.process());
    if (versions.empty()) {
      return Status(Code::kNotFound, fmt::format("unknown process '{}'", filter.process()));
    }
    versions_.assign(versions.begin(), versions.end());
  } else {
    versions_.resize(catalog.version_count());
    std::iota(versions_.begin(), versions_.end(), uint16_t{0});
  }
  version_covered_.assign(catalog.version_count(), false);
  for (uint16_t v : versions_) version_covered_[v] = true;

  auto resolve = [&](const auto& names, const ledger::Interner& interner,
                     std::vector<uint32_t>* ids) {
    for (const std::string& name : names) {
      const uint32_t id = interner.find(name);
      if (id != ledger::Interner::kMissing) ids->push_back(id);
    }
    std::sort(ids->begin(), ids->end());
    if (!names.empty() && ids->empty()) matches_nothing_ = true;
  };
  resolve(filter.owners(), state.owners, &owners_);
  resolve(filter.clients(), state.clients, &clients_);
  for (const auto& [key, value] : filter.fields()) {
    const uint32_t key_id = state.field_keys.find(key);
    const uint32_t value_id = state.field_values.find(value);
    if (key_id == ledger::Interner::kMissing) {
      // No deal has the field: every deal has the empty value.
      if (!value.empty()) matches_nothing_ = true;
    } else if (value_id == ledger::Interner::kMissing) {
      matches_nothing_ = true;
    } else {
      fields_.emplace_back(key_id, value_id);
    }
  }

  unfiltered_ = !matches_nothing_ && owners_.empty() && clients_.empty() && fields_.empty();
  reader_ = std::make_unique<DealReader>(state, as_of_);
  funnel_ = std::make_unique<FunnelMap>(catalog, versions_);
  return Status::ok();
}

bool Scope::passes_filters(uint32_t deal, uint32_t owner, uint32_t client) const {
  if (matches_nothing_) return false;
  if (!owners_.empty() && !std::binary_search(owners_.begin(), owners_.end(), owner)) {
    return false;
  }
  if (!clients_.empty() && !std::binary_search(clients_.begin(), clients_.end(), client)) {
    return false;
  }
  for (const auto& [key, value] : fields_) {
    if (reader_->field(deal, key) != value) return false;
  }
  return true;
}

Groups::Groups(const Scope& scope, const v1::Breakdown& breakdown)
    : scope_(scope), breakdown_(breakdown) {
  field_key_ = breakdown.by() == v1::Breakdown::FIELD
                   ? scope.state().field_keys.find(breakdown.field())
                   : ledger::Interner::kMissing;
}

uint32_t Groups::label_group(const std::string& key) {
  // Equal labels from different ids (two days of one month) share a group.
  auto [it, inserted] = by_key_.emplace(key, static_cast<uint32_t>(keys_.size()));
  if (inserted) keys_.push_back(key);
  return it->second;
}

uint32_t Groups::group_for(uint64_t id, const std::string& key) {
  const uint32_t group = label_group(key);
  if (id >= dense_.size()) dense_.resize(std::max<size_t>(id + 1, dense_.size() * 2), 0);
  dense_[id] = group;
  return group;
}

uint32_t Groups::group_of(uint32_t deal, uint32_t owner, uint32_t client, int64_t date) {
  const ledger::State& s = scope_.state();
  switch (breakdown_.by()) {
    case v1::Breakdown::NONE:
      return 0;
    case v1::Breakdown::OWNER:
      return lookup(owner, [&] { return std::string(s.owners.str(owner)); });
    case v1::Breakdown::CLIENT:
      return lookup(client, [&] { return std::string(s.clients.str(client)); });
    case v1::Breakdown::PROCESS: {
      const uint16_t version = s.deals.version[deal];
      return lookup(version, [&] { return s.catalog.version(version).key(); });
    }
    case v1::Breakdown::FIELD: {
      const uint32_t value =
          field_key_ == ledger::Interner::kMissing ? 0 : scope_.reader().field(deal, field_key_);
      return lookup(value, [&] { return std::string(s.field_values.str(value)); });
    }
    case v1::Breakdown::WEEK:
    case v1::Breakdown::MONTH:
    case v1::Breakdown::QUARTER: {
      // Days of the calendar from 1970 on are remembered by number; other
      // dates go through the map alone.
      if (date < 0 || !in_calendar(date)) return label_group(bucket_label(breakdown_.by(), date));
      return lookup(static_cast<uint64_t>(model::day_of(date)),
                    [&] { return bucket_label(breakdown_.by(), date); });
    }
    default:
      return 0;
  }
}

std::string bucket_label(v1::Breakdown::By by, int64_t ms) {
  if (!in_calendar(ms)) return ms < 0 ? "before 1400" : "after 9999";
  const auto date =
      boost::gregorian::date(1970, 1, 1) + boost::gregorian::days(model::day_of(ms));
  const int year = date.year();
  const int month = date.month();
  switch (by) {
    case v1::Breakdown::WEEK: {
      // The ISO week-numbering year can differ from the calendar year at
      // the turn of the year.
      const int week = date.week_number();
      int week_year = year;
      if (week >= 52 && month == 1) --week_year;
      if (week == 1 && month == 12) ++week_year;
      return fmt::format("{:04}-W{:02}", week_year, week);
    }
    case v1::Breakdown::QUARTER:
      return fmt::format("{:04}-Q{}", year, (month - 1) / 3 + 1);
    default:
      return fmt::format("{:04}-{:02}", year, month);
  }
}

std::vector<uint32_t> sorted_groups(const std::vector<std::string>& keys) {
  std::vector<uint32_t> order;
  for (uint32_t g = 1; g < keys.size(); ++g) order.push_back(g);
  std::sort(order.begin(), order.end(), [&](uint32_t a, uint32_t b) { return keys[a] < keys[b]; });
  return order;
}

}  // namespace voronka::analytics
