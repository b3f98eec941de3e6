// Graph facts about a declared stage graph, computed with Boost.Graph.
//
// Vertices 0..n-1 are the stages in declaration order and vertex n is "won".
#ifndef VORONKA_MODEL_STAGE_GRAPH_HPP_
#define VORONKA_MODEL_STAGE_GRAPH_HPP_

#include <utility>
#include <vector>

#include <boost/graph/adjacency_list.hpp>

namespace voronka::model {

using StageGraph =
    boost::adjacency_list<boost::vecS, boost::vecS, boost::bidirectionalS>;

// Vertices reachable from `from` (itself included).
std::vector<bool> reachable_from(const StageGraph& graph, int from);

// Vertices from which `to` is reachable (itself included).
std::vector<bool> reaching(const StageGraph& graph, int to);

// The vertex sets of the graph's cycles: strongly connected components with
// more than one vertex, and vertices with a loop. Each set is sorted.
std::vector<std::vector<int>> cycles(const StageGraph& graph);

// The immediate dominator of every vertex reachable from `entry` (-1 for the
// entry itself and for unreachable vertices).
std::vector<int> immediate_dominators(const StageGraph& graph, int entry);

// Topological order with ties broken by the smallest vertex number, so that
// stages keep their declaration order wherever the graph allows it. The graph
// must be acyclic.
std::vector<int> ordered_topological_sort(const StageGraph& graph);

}  // namespace voronka::model

#endif  // VORONKA_MODEL_STAGE_GRAPH_HPP_
