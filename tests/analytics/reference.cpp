#include "reference.hpp"

#include <functional>

namespace voronka::reference {

Graph make_graph(const v1::Process& d) {
  Graph g;
  for (const auto& stage : d.stages()) g.stages.push_back(stage.key());
  for (const auto& stage : g.stages) g.next[stage];
  bool explicit_won = false;
  if (d.transitions().empty()) {
    for (size_t i = 0; i + 1 < g.stages.size(); ++i) g.next[g.stages[i]].insert(g.stages[i + 1]);
  }
  for (const auto& t : d.transitions()) {
    g.next[t.from()].insert(t.to());
    explicit_won |= t.to() == "won";
  }
  if (!explicit_won) {
    for (const auto& stage : g.stages) {
      if (g.next[stage].empty()) g.next[stage].insert("won");
    }
  }
  std::set<std::string> has_incoming;
  for (const auto& [from, targets] : g.next) has_incoming.insert(targets.begin(), targets.end());
  for (const auto& stage : g.stages) {
    if (!has_incoming.count(stage)) g.entry = stage;
  }
  // s dominates t when t cannot be reached from the entry without s.
  auto reachable_without = [&](const std::string& removed, const std::string& target) {
    if (removed == g.entry) return false;
    std::set<std::string> seen = {g.entry};
    std::vector<std::string> todo = {g.entry};
    while (!todo.empty()) {
      const std::string at = todo.back();
      todo.pop_back();
      if (at == target) return true;
      if (at == "won") continue;
      for (const auto& n : g.next[at]) {
        if (n != removed && seen.insert(n).second) todo.push_back(n);
      }
    }
    return false;
  };
  std::vector<std::string> targets = g.stages;
  targets.push_back("won");
  for (const auto& t : targets) {
    for (const auto& s : g.stages) {
      if (s == t || !reachable_without(s, t)) g.dominated_by[t].insert(s);
    }
  }
  std::shared_ptr<const Process> compiled;
  if (Process::compile(d, &compiled)) g.compiled = compiled;
  return g;
}

std::set<std::string> reached(const Graph& graph, const std::set<std::string>& entered, bool won) {
  std::set<std::string> result;
  for (const auto& stage : entered) {
    const auto& doms = graph.dominated_by.at(stage);
    result.insert(doms.begin(), doms.end());
  }
  if (won) {
    const auto& doms = graph.dominated_by.at("won");
    result.insert(doms.begin(), doms.end());
  }
  return result;
}

DealState Deal::at(int64_t as_of) const {
  DealState d;
  auto end_visit = [&](int64_t t) {
    if (!d.visits.empty() && d.visits.back().end == kNever) d.visits.back().end = t;
  };
  auto begin_visit = [&](const std::string& stage, int64_t t) {
    d.stage = stage;
    d.since = t;
    d.visits.push_back(Visit{stage, t, kNever});
    d.entered.insert(stage);
  };
  for (const v1::Event& e : events) {
    if (e.at() > as_of) break;
    bool changed = true;
    switch (e.kind_case()) {
      case v1::Event::kOpened:
        d.exists = true;
        d.opened_at = e.at();
        d.status = "open";
        d.amount = e.opened().amount();
        d.owner = e.opened().owner();
        d.client = e.opened().client();
        for (const auto& [k, v] : e.opened().fields()) {
          if (!v.empty()) d.fields[k] = v;
        }
        begin_visit(e.opened().stage().empty() ? graph->entry : e.opened().stage(), e.at());
        break;
      case v1::Event::kEntered:
        if (e.entered().stage() == d.stage) {
          changed = false;
          break;
        }
        end_visit(e.at());
        begin_visit(e.entered().stage(), e.at());
        break;
      case v1::Event::kWon:
        d.status = "won";
        d.closed_at = e.at();
        end_visit(e.at());
        if (e.won().has_amount()) d.amount = e.won().amount();
        break;
      case v1::Event::kLost:
        d.status = "lost";
        d.closed_at = e.at();
        d.reason = e.lost().reason();
        end_visit(e.at());
        break;
      case v1::Event::kFrozen:
        d.status = "frozen";
        break;
      case v1::Event::kResumed:
        d.status = "open";
        break;
      case v1::Event::kReopened: {
        const std::string target = e.reopened().stage().empty() ? d.stage : e.reopened().stage();
        if (d.status == "frozen" && target == d.stage) {
          d.status = "open";
          break;
        }
        if (d.status == "frozen") end_visit(e.at());
        d.status = "open";
        d.closed_at = kNever;
        begin_visit(target, e.at());
        break;
      }
      case v1::Event::kAmountChanged:
        d.amount = e.amount_changed().amount();
        break;
      case v1::Event::kOwnerChanged:
        d.owner = e.owner_changed().owner();
        break;
      case v1::Event::kFieldSet:
        if (e.field_set().value().empty()) {
          d.fields.erase(e.field_set().key());
        } else {
          d.fields[e.field_set().key()] = e.field_set().value();
        }
        break;
      default:
        break;
    }
    if (changed) d.last_change = e.at();
  }
  return d;
}

}  // namespace voronka::reference
