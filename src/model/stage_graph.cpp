#include "model/stage_graph.hpp"

#include <algorithm>
#include <functional>
#include <queue>

#include <boost/graph/breadth_first_search.hpp>
#include <boost/graph/dominator_tree.hpp>
#include <boost/graph/reverse_graph.hpp>
#include <boost/graph/strong_components.hpp>
#include <boost/property_map/property_map.hpp>

namespace voronka::model {
namespace {

template <typename Graph>
std::vector<bool> visited_by_bfs(const Graph& graph, int start) {
  const auto n = boost::num_vertices(graph);
  std::vector<boost::default_color_type> colors(n, boost::white_color);
  auto color_map = boost::make_iterator_property_map(
      colors.begin(), boost::get(boost::vertex_index, graph));
  boost::breadth_first_search(graph, boost::vertex(start, graph),
                              boost::color_map(color_map));
  std::vector<bool> seen(n);
  for (size_t v = 0; v < n; ++v) seen[v] = colors[v] != boost::white_color;
  return seen;
}

}  // namespace

std::vector<bool> reachable_from(const StageGraph& graph, int from) {
  return visited_by_bfs(graph, from);
}

std::vector<bool> reaching(const StageGraph& graph, int to) {
  return visited_by_bfs(boost::make_reverse_graph(graph), to);
}

std::vector<std::vector<int>> cycles(const StageGraph& graph) {
  const auto n = boost::num_vertices(graph);
  std::vector<int> component(n);
  const int count = boost::strong_components(
      graph, boost::make_iterator_property_map(
                 component.begin(), boost::get(boost::vertex_index, graph)));
  std::vector<std::vector<int>> members(count);
  for (size_t v = 0; v < n; ++v) members[component[v]].push_back(static_cast<int>(v));

  std::vector<std::vector<int>> result;
  for (auto& vertices : members) {
    const bool looped =
        vertices.size() == 1 && boost::edge(vertices[0], vertices[0], graph).second;
    if (vertices.size() > 1 || looped) result.push_back(std::move(vertices));
  }
  std::sort(result.begin(), result.end());
  return result;
}

std::vector<int> immediate_dominators(const StageGraph& graph, int entry) {
  using Vertex = boost::graph_traits<StageGraph>::vertex_descriptor;
  const auto n = boost::num_vertices(graph);
  std::vector<Vertex> idom(n, boost::graph_traits<StageGraph>::null_vertex());
  boost::lengauer_tarjan_dominator_tree(
      graph, boost::vertex(entry, graph),
      boost::make_iterator_property_map(idom.begin(),
                                        boost::get(boost::vertex_index, graph)));
  std::vector<int> result(n, -1);
  for (size_t v = 0; v < n; ++v) {
    if (idom[v] != boost::graph_traits<StageGraph>::null_vertex()) {
      result[v] = static_cast<int>(idom[v]);
    }
  }
  return result;
}

std::vector<int> ordered_topological_sort(const StageGraph& graph) {
  // Boost's topological_sort picks an arbitrary order among ready vertices;
  // reports need declaration order as the tie-break, so this is Kahn's
  // algorithm with a min-heap of ready vertices.
  const auto n = boost::num_vertices(graph);
  std::vector<size_t> in_degree(n);
  for (size_t v = 0; v < n; ++v) in_degree[v] = boost::in_degree(v, graph);

  std::priority_queue<int, std::vector<int>, std::greater<>> ready;
  for (size_t v = 0; v < n; ++v) {
    if (in_degree[v] == 0) ready.push(static_cast<int>(v));
  }
  std::vector<int> order;
  order.reserve(n);
  while (!ready.empty()) {
    const int v = ready.top();
    ready.pop();
    order.push_back(v);
    for (auto [e, end] = boost::out_edges(v, graph); e != end; ++e) {
      const auto target = boost::target(*e, graph);
      if (--in_degree[target] == 0) ready.push(static_cast<int>(target));
    }
  }
  return order;
}

}  // namespace voronka::model
