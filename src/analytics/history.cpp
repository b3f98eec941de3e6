// History: what happened to the deals of a period, stage by stage; and the
// conversions computed from it.
#include <algorithm>
#include <bit>
#include <cmath>
#include <map>

#include "analytics/conversion_math.hpp"
#include "analytics/deal_scan.hpp"
#include "analytics/funnel.hpp"
#include "analytics/merge.hpp"
#include "analytics/reports.hpp"
#include "ledger/hash.hpp"
#include "model/saturate.hpp"

namespace voronka::analytics {
namespace {

struct StageCounters {
  uint64_t entered = 0, reached = 0, visits = 0, won_stages = 0, lost_stages = 0;
  uint64_t moved_on = 0, won = 0, lost = 0, entry_base = 0, entry_deals = 0;
  int64_t won_amount = 0, lost_amount = 0;
};

struct Accumulator {
  explicit Accumulator(int rows)
      : stages(rows), edges(static_cast<size_t>(rows) * (rows + 1), 0) {}
  std::vector<StageCounters> stages;
  std::vector<uint64_t> edges;  // [from row][to row], to row == rows meaning won
  uint64_t deals = 0, won = 0, lost = 0, open = 0, frozen = 0;
  int64_t won_amount = 0, lost_amount = 0, amount = 0;
};

// What a deal contributes, in its own process's terms.
struct DealFacts {
  uint16_t version = 0;
  DealStatus status = DealStatus::kOpen;
  StageMask entered = 0;
  bool won = false;
  bool lost = false;
  int lost_stage = -1;
};

// Adds `deals` deals with these facts and this sum of amounts; `visits`, by
// stage, when they were counted (otherwise one per entered stage).
void add_deals(const Scope& scope, const DealFacts& facts, uint64_t deals, int64_t amount,
               v1::Count count, Accumulator* acc, const uint32_t* visits = nullptr) {
  const Process& process = scope.state().catalog.version(facts.version);
  const FunnelMap& funnel = scope.funnel();
  const int won_column = funnel.rows();
  // A loss reaches the stage it happened at, as a win reaches won: on the
  // activity basis the deal may have entered that stage before the period.
  const StageMask lost_at = facts.lost ? StageMask{1} << facts.lost_stage : 0;
  const StageMask reached = process.reached(facts.entered | lost_at, facts.won);
  const StageMask counted = count == v1::ENTERED ? facts.entered : reached;

  acc->deals += deals;
  acc->amount = model::saturating_add(acc->amount, amount);
  if (facts.won) {
    acc->won += deals;
    acc->won_amount = model::saturating_add(acc->won_amount, amount);
  }
  if (facts.lost) {
    acc->lost += deals;
    acc->lost_amount = model::saturating_add(acc->lost_amount, amount);
  }
  if (facts.status == DealStatus::kOpen) acc->open += deals;
  if (facts.status == DealStatus::kFrozen) acc->frozen += deals;

  // A deal counted at its version's entry stage is in the base of the
  // cumulative conversion of every stage of its version.
  if ((counted >> process.entry_stage()) & 1) {
    acc->stages[funnel.row(facts.version, process.entry_stage())].entry_deals += deals;
    for (int stage = 0; stage < process.stage_count(); ++stage) {
      acc->stages[funnel.row(facts.version, stage)].entry_base += deals;
    }
  }
  for (StageMask bits = reached | facts.entered; bits != 0; bits &= bits - 1) {
    const int stage = std::countr_zero(bits);
    const StageMask bit = StageMask{1} << stage;
    const int row = funnel.row(facts.version, stage);
    StageCounters& c = acc->stages[row];
    if (facts.entered & bit) {
      c.entered += deals;
      c.visits += visits != nullptr ? visits[stage] : deals;
    }
    if (reached & bit) {
      c.reached += deals;
      // Moved beyond: reached a later stage (a manual deal may skip both
      // ways of a fork), or won, from whichever stage.
      const bool beyond = (process.later(stage) & reached) != 0 || facts.won;
      if (facts.lost && stage == facts.lost_stage) {
        c.lost_stages += deals;
        c.lost_amount = model::saturating_add(c.lost_amount, amount);
      } else if (beyond) {
        c.won_stages += deals;
        c.won_amount = model::saturating_add(c.won_amount, amount);
      }
    }
    if (counted & bit) {
      if (facts.won) c.won += deals;
      if (facts.lost) c.lost += deals;
      const StageMask next = process.successors(stage) & counted;
      for (StageMask targets = next; targets != 0; targets &= targets - 1) {
        const int to = funnel.row(facts.version, std::countr_zero(targets));
        acc->edges[static_cast<size_t>(row) * (won_column + 1) + to] += deals;
      }
      const bool to_won = facts.won && process.leads_to_won(stage);
      if (to_won) acc->edges[static_cast<size_t>(row) * (won_column + 1) + won_column] += deals;
      if (next != 0 || to_won) c.moved_on += deals;
    }
  }
}

// Deals of one shape — process version, status, stage, stages entered and
// outcome — contribute alike; the scan counts deals per shape and adds each
// shape once at the end, which keeps the per-deal work to a table lookup.
class Shapes {
 public:
  void add(const DealFacts& facts, int64_t amount) {
    const uint64_t a = facts.entered;
    const uint64_t b = uint64_t{facts.version} | uint64_t{static_cast<uint8_t>(facts.lost_stage)} << 16 |
                       uint64_t{static_cast<uint8_t>(facts.status)} << 24 |
                       uint64_t{facts.won} << 32 | uint64_t{facts.lost} << 33;
    if ((size_ + 1) * 2 > slots_.size()) grow();
    Slot& slot = find(a, b);
    if (slot.deals == 0) {
      slot.a = a;
      slot.b = b;
      slot.facts = facts;
      ++size_;
    }
    ++slot.deals;
    slot.amount = model::saturating_add(slot.amount, amount);
  }

  template <typename Fn>
  void for_each(Fn&& fn) const {
    for (const Slot& slot : slots_) {
      if (slot.deals != 0) fn(slot.facts, slot.deals, slot.amount);
    }
  }

 private:
  struct Slot {
    uint64_t a = 0, b = 0;
    uint64_t deals = 0;
    int64_t amount = 0;
    DealFacts facts;
  };
  Slot& find(uint64_t a, uint64_t b) {
    const size_t mask = slots_.size() - 1;
    for (size_t i = ledger::hash_u64(a, b) & mask;; i = (i + 1) & mask) {
      if (slots_[i].deals == 0 || (slots_[i].a == a && slots_[i].b == b)) return slots_[i];
    }
  }
  void grow() {
    std::vector<Slot> old(std::max<size_t>(64, slots_.size() * 2));
    old.swap(slots_);
    for (const Slot& slot : old) {
      if (slot.deals != 0) find(slot.a, slot.b) = slot;
    }
  }
  std::vector<Slot> slots_;
  size_t size_ = 0;
};

void to_proto(const FunnelMap& funnel, const std::string& group, const Accumulator& acc,
              v1::HistoryTally* out) {
  out->set_group(group);
  out->set_deals(acc.deals);
  out->set_won(acc.won);
  out->set_lost(acc.lost);
  out->set_open(acc.open);
  out->set_frozen(acc.frozen);
  out->set_won_amount(acc.won_amount);
  out->set_lost_amount(acc.lost_amount);
  out->set_amount(acc.amount);
  const int rows = funnel.rows();
  out->mutable_stages()->Reserve(rows);
  for (int row = 0; row < rows; ++row) {
    const StageCounters& c = acc.stages[row];
    v1::StageTally& t = *out->add_stages();
    t.set_entered(c.entered);
    t.set_reached(c.reached);
    t.set_visits(c.visits);
    t.set_won_stages(c.won_stages);
    t.set_lost_stages(c.lost_stages);
    t.set_won_amount(c.won_amount);
    t.set_lost_amount(c.lost_amount);
    t.set_moved_on(c.moved_on);
    t.set_won(c.won);
    t.set_lost(c.lost);
    t.set_entry_base(c.entry_base);
    t.set_entry_deals(c.entry_deals);
    for (int to = 0; to <= rows; ++to) {
      const uint64_t n = acc.edges[static_cast<size_t>(row) * (rows + 1) + to];
      if (n != 0) {
        v1::Way* way = t.add_ways();
        way->set_to(to == rows ? kWonWay : to);
        way->set_deals(n);
      }
    }
  }
}

}  // namespace

void compute_history(const Scope& scope, const v1::Breakdown& breakdown, v1::Basis basis,
                     v1::Count count, v1::HistoryState* out) {
  const DealReader& reader = scope.reader();
  const Period& period = scope.period();
  const ledger::State& s = scope.state();
  const int rows = scope.funnel().rows();
  Groups groups(scope, breakdown);
  std::vector<Accumulator> accs(1, Accumulator(rows));
  std::vector<Shapes> shapes(1);
  const Pick pick = pick_of(basis);

  // The visits of the deal at hand by stage, counted when it entered a stage
  // again; all zero between deals. Apart from the facts, which are kept per
  // shape of deal and are best small.
  uint32_t visits[kMaxStages] = {};
  scan_deals(scope, pick, [&](uint32_t deal, const DealAt& at, int64_t date) {
    DealFacts facts;
    facts.version = s.deals.version[deal];
    facts.status = at.status;
    facts.won = at.status == DealStatus::kWon;
    facts.lost = at.status == DealStatus::kLost;
    facts.lost_stage = facts.lost ? at.stage : -1;
    bool revisited = false;
    if (basis == v1::ACTIVITY) {
      // Only what happened in the period counts.
      facts.won &= period.contains(at.closed_at);
      facts.lost &= period.contains(at.closed_at);
      if (!facts.lost) facts.lost_stage = -1;
      reader.for_each_visit(deal, [&](int stage, int64_t start, int64_t) {
        if (!period.contains(start)) return;
        const StageMask bit = StageMask{1} << stage;
        revisited |= (facts.entered & bit) != 0;
        facts.entered |= bit;
        ++visits[stage];
      });
    } else {
      facts.entered = at.entered;
      if (at.reentered) {
        revisited = true;
        reader.for_each_visit(deal, [&](int stage, int64_t, int64_t) { ++visits[stage]; });
      }
    }
    const uint32_t group = groups.active() ? groups.of(deal, at, date) : 0;
    if (group >= accs.size()) {
      accs.resize(group + 1, Accumulator(rows));
      shapes.resize(group + 1);
    }
    for (uint32_t g : {0u, group}) {
      if (revisited) {
        add_deals(scope, facts, 1, at.amount, count, &accs[g], visits);
      } else {
        shapes[g].add(facts, at.amount);
      }
      if (group == 0) break;
    }
    // Visits were counted on the activity basis or when a stage was entered
    // again, and only at stages entered.
    if (basis == v1::ACTIVITY || at.reentered) {
      for (StageMask bits = facts.entered; bits != 0; bits &= bits - 1) {
        visits[std::countr_zero(bits)] = 0;
      }
    }
  });

  out->Clear();
  for (uint32_t group = 0; group < accs.size(); ++group) {
    shapes[group].for_each([&](const DealFacts& facts, uint64_t deals, int64_t amount) {
      add_deals(scope, facts, deals, amount, count, &accs[group]);
    });
    to_proto(scope.funnel(), groups.key(group), accs[group], out->add_groups());
  }
}

namespace {

// Moves a tally's stages to the rows of a merged funnel.
void move_rows(const RowMaps::Map& rows, int merged_rows, v1::HistoryTally* tally) {
  google::protobuf::RepeatedPtrField<v1::StageTally> moved;
  moved.Reserve(merged_rows);
  for (int row = 0; row < merged_rows; ++row) moved.Add();
  for (int row = 0; row < tally->stages_size(); ++row) {
    v1::StageTally& stage = *tally->mutable_stages(row);
    for (v1::Way& way : *stage.mutable_ways()) {
      if (way.to() != kWonWay) way.set_to(rows[way.to()]);
    }
    moved.Mutable(rows[row])->Swap(&stage);
  }
  tally->mutable_stages()->Swap(&moved);
}

void add_stage(const v1::StageTally& stage, v1::StageTally* t) {
  t->set_entered(t->entered() + stage.entered());
  t->set_reached(t->reached() + stage.reached());
  t->set_visits(t->visits() + stage.visits());
  t->set_won_stages(t->won_stages() + stage.won_stages());
  t->set_lost_stages(t->lost_stages() + stage.lost_stages());
  t->set_won_amount(model::saturating_add(t->won_amount(), stage.won_amount()));
  t->set_lost_amount(model::saturating_add(t->lost_amount(), stage.lost_amount()));
  t->set_moved_on(t->moved_on() + stage.moved_on());
  t->set_won(t->won() + stage.won());
  t->set_lost(t->lost() + stage.lost());
  t->set_entry_base(t->entry_base() + stage.entry_base());
  t->set_entry_deals(t->entry_deals() + stage.entry_deals());
  // A stage has a few ways: a scan finds one sooner than an index would.
  for (const v1::Way& way : stage.ways()) {
    auto* ways = t->mutable_ways();
    const auto same = std::find_if(ways->begin(), ways->end(),
                                   [&](const v1::Way& w) { return w.to() == way.to(); });
    if (same == ways->end()) {
      *ways->Add() = way;
    } else {
      same->set_deals(same->deals() + way.deals());
    }
  }
}

// `into` += `from`, both by the rows of the merged funnel.
void merge_aligned(const v1::HistoryState& from, v1::HistoryState* into) {
  merge_grouped(from.groups(), into->mutable_groups(),
                [](const v1::HistoryTally& tally, v1::HistoryTally* target) {
    target->set_deals(target->deals() + tally.deals());
    target->set_won(target->won() + tally.won());
    target->set_lost(target->lost() + tally.lost());
    target->set_open(target->open() + tally.open());
    target->set_frozen(target->frozen() + tally.frozen());
    target->set_won_amount(model::saturating_add(target->won_amount(), tally.won_amount()));
    target->set_lost_amount(model::saturating_add(target->lost_amount(), tally.lost_amount()));
    target->set_amount(model::saturating_add(target->amount(), tally.amount()));
    while (target->stages_size() < tally.stages_size()) target->add_stages();
    for (int row = 0; row < tally.stages_size(); ++row) {
      add_stage(tally.stages(row), target->mutable_stages(row));
    }
  });
}

}  // namespace

void merge_history(const v1::HistoryState& from, const RowMaps& rows, v1::HistoryState* into) {
  if (rows.into_moved) {
    for (v1::HistoryTally& tally : *into->mutable_groups()) move_rows(rows.into, rows.merged, &tally);
  }
  if (!rows.from_moved) {
    merge_aligned(from, into);
    return;
  }
  v1::HistoryState moved = from;
  for (v1::HistoryTally& tally : *moved.mutable_groups()) move_rows(rows.from, rows.merged, &tally);
  merge_aligned(moved, into);
}

namespace {

const char* count_name(v1::Count count) { return count == v1::ENTERED ? "entered" : "reached"; }

void fill_history(const v1::Funnel& funnel, const v1::HistoryTally& tally, v1::Count count,
                  v1::HistoryReport* out) {
  const Conversions conv = conversions(funnel, tally, count);
  out->set_group(tally.group());
  out->set_deals(tally.deals());
  out->set_won(tally.won());
  out->set_lost(tally.lost());
  out->set_open(tally.open());
  out->set_frozen(tally.frozen());
  out->set_won_amount(tally.won_amount());
  out->set_lost_amount(tally.lost_amount());
  for (int row = 0; row < funnel.stages_size(); ++row) {
    const v1::FunnelStage& stage = funnel.stages(row);
    const v1::StageTally& t = stage_tally(tally, row);
    v1::HistoryStage* r = out->add_stages();
    r->set_stage(stage.key());
    r->set_name(stage.name());
    r->set_entered(t.entered());
    r->set_reached(t.reached());
    r->set_visits(t.visits());
    r->set_won_stages(t.won_stages());
    r->set_lost_stages(t.lost_stages());
    r->set_won_amount(t.won_amount());
    r->set_lost_amount(t.lost_amount());
    if (conv.step[row]) r->set_step_conversion(*conv.step[row]);
    if (conv.cumulative[row]) r->set_cumulative_conversion(*conv.cumulative[row]);
  }
  out->set_key_level(conv.key_level);
  out->set_bottleneck(conv.bottleneck);
}

}  // namespace

void finish_history(const v1::PartialState& state, v1::HistoryReport* out) {
  const v1::HistoryOptions& options = state.spec().history();
  out->Clear();
  const auto tallies = ordered_groups(state.history().groups());
  for (size_t i = 0; i < tallies.size(); ++i) {
    const v1::HistoryTally& tally = tallies[i];
    v1::HistoryReport* target = i == 0 ? out : out->add_groups();
    fill_history(state.funnel(), tally, options.count(), target);
  }
  set_context(out, [&](auto* report) {
    set_filter_context(state, options.filter(), report);
    report->set_basis(basis_name(options.basis()));
    report->set_count(count_name(options.count()));
  });
}

void finish_conversion(const v1::PartialState& state, v1::ConversionReport* out) {
  const v1::ConversionOptions& options = state.spec().conversion();
  const v1::Funnel& funnel = state.funnel();
  out->Clear();
  const auto tallies = ordered_groups(state.history().groups());
  for (size_t i = 0; i < tallies.size(); ++i) {
    const v1::HistoryTally& tally = tallies[i];
    v1::ConversionReport* target = i == 0 ? out : out->add_groups();
    const Conversions conv = conversions(funnel, tally, options.count());
    target->set_group(tally.group());
    for (int row = 0; row < funnel.stages_size(); ++row) {
      const v1::FunnelStage& stage = funnel.stages(row);
      const v1::StageTally& t = stage_tally(tally, row);
      v1::ConversionStage* r = target->add_stages();
      r->set_stage(stage.key());
      r->set_name(stage.name());
      r->set_deals(counted(t, options.count()));
      if (conv.step[row]) {
        r->set_step_conversion(*conv.step[row]);
        r->set_drop_off(1.0 - *conv.step[row]);
      }
      if (conv.cumulative[row]) r->set_cumulative_conversion(*conv.cumulative[row]);
      if (t.won() + t.lost() > 0) {
        r->set_win_rate(static_cast<double>(t.won()) / static_cast<double>(t.won() + t.lost()));
      }
      r->set_won(t.won());
      r->set_lost(t.lost());
      // Flows, where a stage branches; in funnel order, then won: successors
      // are listed in the order their versions were met, which a merge of
      // partitions does not keep.
      const std::vector<int> next_rows = successor_rows(funnel, stage);
      if (next_rows.size() + (stage.leads_to_won() ? 1 : 0) < 2) continue;
      auto add_flow = [&](const std::string& to, int to_row) {
        v1::Flow* flow = target->add_flows();
        flow->set_from(stage.key());
        flow->set_to(to);
        flow->set_deals(way_deals(t, to_row));
        if (t.moved_on() > 0) {
          flow->set_share(static_cast<double>(flow->deals()) / static_cast<double>(t.moved_on()));
        }
      };
      for (const int to : next_rows) add_flow(funnel.stages(to).key(), to);
      if (stage.leads_to_won()) add_flow("won", kWonWay);
    }
    target->set_key_level(conv.key_level);
    target->set_bottleneck(conv.bottleneck);
  }
  set_context(out, [&](auto* report) {
    set_filter_context(state, options.filter(), report);
    report->set_basis(basis_name(options.basis()));
    report->set_count(count_name(options.count()));
  });
}

}  // namespace voronka::analytics
