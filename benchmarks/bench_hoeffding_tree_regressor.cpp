// hoeffding_tree_regressor: each iteration is a fresh tree learning an in-memory synthetic
// stream of 65,536 samples prequentially (predict, then partial_fit), so growth (split
// attempts) and the grown tree are both measured. Stream: 8 features uniform in [0, 1),
// y = 3 + 2 x1 - x2 + 8 |x0 - 0.4| + 4 [x3 > 0.5] + uniform noise of width 0.3. Default
// parameters (grace period 200, delta 1e-7, tau 0.05, adaptive leaves), float, 255 nodes,
// 16 observer slots of 16 bins. Reported: samples per second, memory_bytes, nodes and the
// prequential RMSE of the last pass.
//
// Baselines in the same run:
// - BM_NaiveRegressionTreeLearnPredict: the same algorithm (SDR splits, Hoeffding ratio
//   test, grace period 200, mean leaves) written the naive way: every leaf keeps all its
//   samples in a std::vector and each split attempt sorts them per feature for an exact
//   SDR search (what FIMT-DD's unbounded E-BST amounts to), same 255-node limit;
// - BM_HoeffdingTreeRegressorMeanLeavesLearnPredict: the tree with mean leaves;
// - BM_RunningMeanLearnPredict: the running mean of the target (the floor: no features).

#include <benchmark/benchmark.h>

#include <algorithm>
#include <array>
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <numeric>
#include <vector>

#include "edgeloop/core/rng.hpp"
#include "edgeloop/tree/hoeffding_tree_regressor.hpp"

namespace {

constexpr std::size_t features = 8;
constexpr std::size_t stream_length = 65536;
using sample = std::array<float, features>;

struct stream {
  std::vector<sample> x;
  std::vector<float> y;
};

const stream& synthetic_stream() {
  static const stream s = [] {
    stream out;
    out.x.resize(stream_length);
    out.y.resize(stream_length);
    edgeloop::rng g(2024);
    for (std::size_t i = 0; i < stream_length; ++i) {
      for (auto& v : out.x[i]) v = g.uniform<float>();
      const sample& x = out.x[i];
      out.y[i] = 3.0f + 2.0f * x[1] - x[2] + 8.0f * std::fabs(x[0] - 0.4f) + (x[3] > 0.5f ? 4.0f : 0.0f) +
                 0.3f * (g.uniform<float>() - 0.5f);
    }
    return out;
  }();
  return s;
}

using tree = edgeloop::hoeffding_tree_regressor<float, features, 255, 16, 16>;

void run_tree(benchmark::State& state, const tree::params& p) {
  const stream& s = synthetic_stream();
  static tree t;
  double sse = 0;
  for (auto _ : state) {
    t = tree(p);
    sse = 0;
    for (std::size_t i = 0; i < stream_length; ++i) {
      const float e = t.predict(s.x[i]) - s.y[i];
      sse += static_cast<double>(e) * e;
      benchmark::DoNotOptimize(t.partial_fit(s.x[i], s.y[i]));
    }
  }
  state.SetItemsProcessed(static_cast<std::int64_t>(state.iterations() * stream_length));
  state.counters["memory_bytes"] = static_cast<double>(tree::memory_bytes);
  state.counters["nodes"] = static_cast<double>(t.node_count());
  state.counters["rmse"] = std::sqrt(sse / static_cast<double>(stream_length));
}

void BM_HoeffdingTreeRegressorLearnPredict(benchmark::State& state) { run_tree(state, tree::params{}); }
BENCHMARK(BM_HoeffdingTreeRegressorLearnPredict);

void BM_HoeffdingTreeRegressorMeanLeavesLearnPredict(benchmark::State& state) {
  tree::params p;
  p.leaf = edgeloop::regression_leaf::mean;
  run_tree(state, p);
}
BENCHMARK(BM_HoeffdingTreeRegressorMeanLeavesLearnPredict);

// ---- naive reference ---------------------------------------------------------------------

class naive_regression_tree {
 public:
  float predict(const sample& x) const { return nodes_[find(x)].mean; }

  void partial_fit(const sample& x, float y) {
    const std::size_t i = find(x);
    node& n = nodes_[i];
    n.xs.push_back(x);
    n.ys.push_back(y);
    n.mean += (y - n.mean) / static_cast<float>(n.ys.size());
    if (n.ys.size() - n.last_attempt >= 200 && nodes_.size() + 2 <= 255) {
      n.last_attempt = n.ys.size();
      attempt(i);
    }
  }

 private:
  struct node {
    int feature = -1;
    float threshold = 0;
    std::size_t left = 0;
    float mean = 0;
    std::size_t last_attempt = 0;
    std::vector<sample> xs;
    std::vector<float> ys;
  };
  struct best_split {
    double merit = -1e300;
    float threshold = 0;
  };

  std::size_t find(const sample& x) const {
    std::size_t i = 0;
    while (nodes_[i].feature >= 0) i = nodes_[i].left + (x[static_cast<std::size_t>(nodes_[i].feature)] <= nodes_[i].threshold ? 0 : 1);
    return i;
  }
  static double sd(double n, double s, double ss) {
    if (n < 2) return 0;
    const double v = (ss - s * s / n) / (n - 1);
    return v > 0 ? std::sqrt(v) : 0;
  }
  best_split exact_split(const node& n, std::size_t f) const {
    const std::size_t m = n.ys.size();
    std::vector<std::size_t> order(m);
    std::iota(order.begin(), order.end(), std::size_t{0});
    std::sort(order.begin(), order.end(), [&](std::size_t a, std::size_t b) { return n.xs[a][f] < n.xs[b][f]; });
    double total = 0, total_sq = 0;
    for (const float y : n.ys) {
      total += y;
      total_sq += static_cast<double>(y) * y;
    }
    const double all = sd(static_cast<double>(m), total, total_sq);
    best_split best;
    double s = 0, ss = 0;
    for (std::size_t k = 0; k + 1 < m; ++k) {
      const double y = n.ys[order[k]];
      s += y;
      ss += y * y;
      const float a = n.xs[order[k]][f], b = n.xs[order[k + 1]][f];
      const std::size_t nl = k + 1, nr = m - nl;
      if (a == b || nl < 5 || nr < 5) continue;
      const double merit = all - static_cast<double>(nl) / static_cast<double>(m) * sd(static_cast<double>(nl), s, ss) -
                           static_cast<double>(nr) / static_cast<double>(m) * sd(static_cast<double>(nr), total - s, total_sq - ss);
      if (merit > best.merit) {
        best.merit = merit;
        best.threshold = 0.5f * (a + b);
      }
    }
    return best;
  }
  void attempt(std::size_t i) {
    best_split first, second;
    std::size_t feature = 0;
    for (std::size_t f = 0; f < features; ++f) {
      const best_split c = exact_split(nodes_[i], f);
      if (c.merit > first.merit) {
        second = first;
        first = c;
        feature = f;
      } else if (c.merit > second.merit) {
        second = c;
      }
    }
    if (!(first.merit > 0)) return;
    const double eps = std::sqrt(std::log(1e7) / (2.0 * static_cast<double>(nodes_[i].ys.size())));
    const double ratio = second.merit > 0 ? second.merit / first.merit : 0;
    if (!(ratio < 1 - eps || eps < 0.05)) return;
    const std::size_t left = nodes_.size();
    nodes_.resize(left + 2);
    node& n = nodes_[i];
    for (std::size_t k = 0; k < n.ys.size(); ++k) {  // children start from the split's statistics
      node& c = nodes_[left + (n.xs[k][feature] <= first.threshold ? 0 : 1)];
      c.mean += (n.ys[k] - c.mean) / static_cast<float>(++c.last_attempt);
    }
    nodes_[left].last_attempt = nodes_[left + 1].last_attempt = 0;
    n.feature = static_cast<int>(feature);
    n.threshold = first.threshold;
    n.left = left;
    n.xs = {};
    n.ys = {};
  }

  std::vector<node> nodes_ = std::vector<node>(1);
};

void BM_NaiveRegressionTreeLearnPredict(benchmark::State& state) {
  const stream& s = synthetic_stream();
  double sse = 0;
  for (auto _ : state) {
    naive_regression_tree t;
    sse = 0;
    for (std::size_t i = 0; i < stream_length; ++i) {
      const float e = t.predict(s.x[i]) - s.y[i];
      sse += static_cast<double>(e) * e;
      t.partial_fit(s.x[i], s.y[i]);
    }
  }
  state.SetItemsProcessed(static_cast<std::int64_t>(state.iterations() * stream_length));
  state.counters["rmse"] = std::sqrt(sse / static_cast<double>(stream_length));
}
BENCHMARK(BM_NaiveRegressionTreeLearnPredict);

void BM_RunningMeanLearnPredict(benchmark::State& state) {
  const stream& s = synthetic_stream();
  double sse = 0;
  for (auto _ : state) {
    double mean = 0, n = 0;
    sse = 0;
    for (std::size_t i = 0; i < stream_length; ++i) {
      const double e = mean - s.y[i];
      sse += e * e;
      n += 1;
      mean += (s.y[i] - mean) / n;
      benchmark::DoNotOptimize(mean);
    }
  }
  state.SetItemsProcessed(static_cast<std::int64_t>(state.iterations() * stream_length));
  state.counters["rmse"] = std::sqrt(sse / static_cast<double>(stream_length));
}
BENCHMARK(BM_RunningMeanLearnPredict);

}  // namespace
