// hoeffding_tree: one prequential step (predict, then partial_fit) per iteration on an
// in-memory synthetic stream of 65,536 samples (8 features uniform in [0, 1), 2 classes:
// y = (x0 + x1 > 1) xor (x2 > 0.7), 10% label noise), cycled. Default parameters (grace
// period 200, delta 1e-7, tau 0.05, info gain, Gaussian observers with 10 candidates,
// naive-Bayes-adaptive leaves), float, 255 nodes and 128 leaf slots; once the node array
// is full the leaves keep learning, so long runs measure the steady state of a grown tree.
//
// Baselines in the same run:
// - BM_NaiveHoeffdingTreeLearnPredict: the same tree with grace period 1, i.e. split
//   merits of every attribute recomputed at every sample (what the grace period saves);
// - BM_MajorityClassLearnPredict: a majority-class counter (the floor: no features read);
// - BM_HoeffdingTreeMajorityLeavesLearnPredict: the tree with majority-class leaves (no
//   naive Bayes at the leaves).

#include <benchmark/benchmark.h>

#include <array>
#include <cstddef>
#include <vector>

#include "edgeloop/core/rng.hpp"
#include "edgeloop/tree/hoeffding_tree.hpp"

namespace {

constexpr std::size_t features = 8;
constexpr std::size_t stream_length = 65536;
using sample = std::array<float, features>;

struct stream {
  std::vector<sample> x;
  std::vector<edgeloop::class_label> y;
};

const stream& synthetic_stream() {
  static const stream s = [] {
    stream out;
    out.x.resize(stream_length);
    out.y.resize(stream_length);
    edgeloop::rng g(2024);
    for (std::size_t i = 0; i < stream_length; ++i) {
      for (auto& v : out.x[i]) v = g.uniform<float>();
      bool label = (out.x[i][0] + out.x[i][1] > 1.0f) != (out.x[i][2] > 0.7f);
      if (g.bernoulli(0.1f)) label = !label;
      out.y[i] = label ? 1 : 0;
    }
    return out;
  }();
  return s;
}

using tree = edgeloop::hoeffding_tree<float, features, 2, 255, 128>;

void run_tree(benchmark::State& state, const tree::params& p) {
  const stream& s = synthetic_stream();
  static tree t;
  t = tree(p);
  std::size_t i = 0, correct = 0;
  for (auto _ : state) {
    correct += t.predict(s.x[i]) == s.y[i] ? 1 : 0;
    benchmark::DoNotOptimize(t.partial_fit(s.x[i], s.y[i]));
    if (++i == stream_length) i = 0;
  }
  state.SetItemsProcessed(static_cast<std::int64_t>(state.iterations()));
  state.counters["memory_bytes"] = static_cast<double>(tree::memory_bytes);
  state.counters["nodes"] = static_cast<double>(t.node_count());
  state.counters["accuracy"] = static_cast<double>(correct) / static_cast<double>(state.iterations());
}

void BM_HoeffdingTreeLearnPredict(benchmark::State& state) { run_tree(state, tree::params{}); }
BENCHMARK(BM_HoeffdingTreeLearnPredict);

void BM_HoeffdingTreeMajorityLeavesLearnPredict(benchmark::State& state) {
  tree::params p;
  p.leaf = edgeloop::leaf_prediction::majority_class;
  run_tree(state, p);
}
BENCHMARK(BM_HoeffdingTreeMajorityLeavesLearnPredict);

void BM_NaiveHoeffdingTreeLearnPredict(benchmark::State& state) {
  tree::params p;
  p.grace_period = 1;
  run_tree(state, p);
}
BENCHMARK(BM_NaiveHoeffdingTreeLearnPredict);

void BM_MajorityClassLearnPredict(benchmark::State& state) {
  const stream& s = synthetic_stream();
  std::array<std::size_t, 2> counts{};
  std::size_t i = 0, correct = 0;
  for (auto _ : state) {
    const edgeloop::class_label guess = counts[1] > counts[0] ? 1 : 0;
    correct += guess == s.y[i] ? 1 : 0;
    ++counts[s.y[i]];
    benchmark::DoNotOptimize(counts);
    if (++i == stream_length) i = 0;
  }
  state.SetItemsProcessed(static_cast<std::int64_t>(state.iterations()));
  state.counters["memory_bytes"] = static_cast<double>(sizeof(counts));
  state.counters["accuracy"] = static_cast<double>(correct) / static_cast<double>(state.iterations());
}
BENCHMARK(BM_MajorityClassLearnPredict);

}  // namespace
