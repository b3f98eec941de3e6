// What a report looks at: the filter resolved against a ledger, and the
// breakdown that groups its deals.
#ifndef VORONKA_ANALYTICS_SCOPE_HPP_
#define VORONKA_ANALYTICS_SCOPE_HPP_

#include <cstdint>
#include <limits>
#include <memory>
#include <optional>
#include <string>
#include <unordered_map>
#include <utility>
#include <vector>

#include "analytics/deal_reader.hpp"
#include "analytics/funnel.hpp"
#include "ledger/state.hpp"
#include "voronka/v1/report.pb.h"

namespace voronka::analytics {

// [from, to), or from `from` on without a `to`: so that a period without an
// end holds the last representable instant too.
struct Period {
  int64_t from = std::numeric_limits<int64_t>::min();
  std::optional<int64_t> to;
  bool contains(int64_t t) const { return t >= from && (!to || t < *to); }
};

class Scope {
 public:
  // Resolves `filter`. Fails when it names an unknown process; unknown
  // owners, clients or field values simply match no deal (another partition
  // of the same data may know them).
  Status init(const ledger::State& state, const v1::Filter& filter);

  const ledger::State& state() const { return *state_; }
  int64_t as_of() const { return as_of_; }
  bool as_of_given() const { return as_of_given_; }
  const Period& period() const { return period_; }
  const DealReader& reader() const { return *reader_; }
  const FunnelMap& funnel() const { return *funnel_; }
  const std::vector<uint16_t>& versions() const { return versions_; }
  const std::string& process_key() const { return process_key_; }

  // The deals a scan visits, [first_deal, end_deal): all of them unless the
  // scan is split into parts.
  uint32_t first_deal() const { return first_deal_; }
  uint32_t end_deal() const { return end_deal_; }
  void restrict_deals(uint32_t first, uint32_t end) {
    first_deal_ = first;
    end_deal_ = end;
  }

  // Whether a deal belongs to the covered processes; always, when the
  // filter names no process.
  bool covers_version(uint32_t deal) const {
    return version_covered_[state_->deals.version[deal]];
  }
  bool covers_every_version() const { return versions_.size() == version_covered_.size(); }
  // Whether the deal passes the owner, client and field filters. Inline,
  // and handing on values rather than `at`: a scan's DealAt then stays in
  // registers, and the columns a report does not read are never loaded.
  bool matches(uint32_t deal, const DealAt& at) const {
    return unfiltered_ || passes_filters(deal, at.owner, at.client);
  }

 private:
  bool passes_filters(uint32_t deal, uint32_t owner, uint32_t client) const;

  const ledger::State* state_ = nullptr;
  int64_t as_of_ = 0;
  bool as_of_given_ = false;
  uint32_t first_deal_ = 0, end_deal_ = 0;
  Period period_;
  std::string process_key_;
  std::vector<uint16_t> versions_;
  std::vector<bool> version_covered_;
  std::unique_ptr<DealReader> reader_;
  std::unique_ptr<FunnelMap> funnel_;
  bool matches_nothing_ = false;
  bool unfiltered_ = true;  // no owner, client or field filter
  std::vector<uint32_t> owners_, clients_;             // sorted ids; empty = any
  std::vector<std::pair<uint32_t, uint32_t>> fields_;  // (key, value) ids
};

// Groups deals by a breakdown. Group 0 is every deal; a deal also belongs to
// one breakdown group, numbered from 1 in the order groups are met.
class Groups {
 public:
  Groups(const Scope& scope, const v1::Breakdown& breakdown);

  bool active() const { return breakdown_.by() != v1::Breakdown::NONE; }
  // The breakdown group of a deal; `date` is the report's date for time
  // buckets. 0 when the report has no breakdown. (Values are handed on, as
  // Scope::matches does.)
  uint32_t of(uint32_t deal, const DealAt& at, int64_t date) {
    return group_of(deal, at.owner, at.client, date);
  }
  size_t size() const { return keys_.size(); }
  const std::string& key(uint32_t group) const { return keys_[group]; }

  // Tallies a deal: runs `add` on the whole's accumulator, accs[0], and with
  // a breakdown on the deal's group's, made as a copy of `fresh` when the
  // group is new.
  // `add` has one call site, so that it is inlined however large it is.
  template <typename Acc, typename Add>
  void tally(std::vector<Acc>& accs, const Acc& fresh, uint32_t deal, const DealAt& at,
             int64_t date, Add&& add) {
    uint32_t targets[2] = {0, 0};
    int count = 1;
    if (active()) {
      targets[1] = of(deal, at, date);
      if (targets[1] >= accs.size()) accs.resize(targets[1] + 1, fresh);
      count = 2;
    }
    for (int i = 0; i < count; ++i) add(accs[targets[i]]);
  }
  // A temporary `fresh` would be built for every deal, which cost the
  // durations report more than all its other work; name one per report.
  template <typename Acc, typename Add>
  void tally(std::vector<Acc>& accs, const Acc&& fresh, uint32_t deal, const DealAt& at,
             int64_t date, Add&& add) = delete;

 private:
  uint32_t group_of(uint32_t deal, uint32_t owner, uint32_t client, int64_t date);
  // The group of a label, made on first sight.
  uint32_t label_group(const std::string& key);
  // The group of an interned id (owner, client, process version, field
  // value or day) and its label, remembered by id.
  uint32_t group_for(uint64_t id, const std::string& key);
  template <typename Label>
  uint32_t lookup(uint64_t id, Label&& label) {
    if (id < dense_.size() && dense_[id] != 0) return dense_[id];
    return group_for(id, label());
  }

  const Scope& scope_;
  v1::Breakdown breakdown_;
  uint32_t field_key_;
  std::vector<uint32_t> dense_;  // by id; 0 = not seen yet
  std::unordered_map<std::string, uint32_t> by_key_;
  std::vector<std::string> keys_{""};
};

// The label of the calendar bucket holding an instant: "2025-W07",
// "2025-02" or "2025-Q1"; "before 1400" or "after 9999" outside the
// calendar (see in_calendar).
std::string bucket_label(v1::Breakdown::By by, int64_t ms);

// Report rows of the groups other than 0, sorted by key, for the groups
// list of a report.
std::vector<uint32_t> sorted_groups(const std::vector<std::string>& keys);

}  // namespace voronka::analytics

#endif  // VORONKA_ANALYTICS_SCOPE_HPP_
