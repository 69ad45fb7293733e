// Anomaly detectors: half_space_trees learn+score throughput (4 features, River's
// defaults: 10 trees, depth 8, window 250) against a naive implementation in the same run.
//
// Baseline: the paper's pseudo-code as River writes it — heap-allocated node objects
// with a split feature and value, r and l masses and child pointers; score() descends
// comparing x[feature] < value, learn() descends again adding to l, and at the end of
// each window a recursive walk sets r = l, l = 0 in every node. Same work spaces and split
// features as the edgeloop detector (built from it).
//
// Items per second = samples (one score and one learn each). Stream: 4 features in [0, 1]
// around a slowly moving centre with 2% uniform outliers, 8,192 samples, repeated.
//
// Other baselines: gaussian_detector against the textbook computation (Welford mean and
// covariance in double, then the regularised covariance inverted by Gauss-Jordan for every
// score); quantile_threshold against the exact quantile of a sliding window of the last
// 1,000 scores (std::nth_element on a copy per update).

#include <benchmark/benchmark.h>

#include <algorithm>
#include <array>
#include <cmath>
#include <cstddef>
#include <deque>
#include <memory>
#include <vector>

#include "edgeloop/anomaly/gaussian_detector.hpp"
#include "edgeloop/anomaly/half_space_trees.hpp"
#include "edgeloop/anomaly/quantile_threshold.hpp"
#include "edgeloop/core/rng.hpp"

namespace {

constexpr std::size_t features = 4;
using sample = std::array<float, features>;
using hst = edgeloop::half_space_trees<float, features, 10, 8, 250>;

const std::vector<sample>& stream() {
  static const std::vector<sample> s = [] {
    std::vector<sample> v(8192);
    edgeloop::rng g(7);
    for (std::size_t i = 0; i < v.size(); ++i) {
      const float centre = 0.4f + 0.2f * static_cast<float>(i % 2048) / 2048.0f;
      for (auto& x : v[i]) x = g.bernoulli(0.02f) ? g.uniform<float>() : g.normal(centre, 0.05f);
    }
    return v;
  }();
  return s;
}

class naive_hst {
 public:
  struct node {
    std::size_t feature = 0;
    float value = 0;
    long r = 0, l = 0;
    int depth = 0;
    std::unique_ptr<node> left, right;
  };

  explicit naive_hst(const hst& d) {
    for (std::size_t t = 0; t < hst::trees; ++t) {
      std::array<float, features> lo{}, hi{};
      for (std::size_t q = 0; q < features; ++q) {
        lo[q] = d.workspace_lower(t, q);
        hi[q] = d.workspace_upper(t, q);
      }
      roots_.push_back(build(d, t, 0, 0, lo, hi));
    }
  }

  float score(const sample& x) const {
    if (!ready_) return 0.0f;
    double s = 0;
    for (const auto& root : roots_) {
      const node* n = root.get();
      while (n->left && n->r >= limit_) n = x[n->feature] < n->value ? n->left.get() : n->right.get();
      s += static_cast<double>(n->r) * static_cast<double>(1L << n->depth);
    }
    return static_cast<float>(1.0 - s / (hst::trees * hst::window * static_cast<double>(1L << hst::depth)));
  }
  void learn(const sample& x) {
    for (auto& root : roots_)
      for (node* n = root.get(); n; n = n->left ? (x[n->feature] < n->value ? n->left.get() : n->right.get()) : nullptr)
        ++n->l;
    if (++count_ == hst::window) {
      for (auto& root : roots_) swap(root.get());
      count_ = 0;
      ready_ = true;
    }
  }

 private:
  static std::unique_ptr<node> build(const hst& d, std::size_t t, std::size_t i, int depth,
                                     std::array<float, features> lo, std::array<float, features> hi) {
    auto n = std::make_unique<node>();
    n->depth = depth;
    if (depth == static_cast<int>(hst::depth)) return n;
    n->feature = d.split_feature(t, i);
    n->value = (lo[n->feature] + hi[n->feature]) / 2;
    auto left_hi = hi, right_lo = lo;
    left_hi[n->feature] = n->value;
    right_lo[n->feature] = n->value;
    n->left = build(d, t, 2 * i + 1, depth + 1, lo, left_hi);
    n->right = build(d, t, 2 * i + 2, depth + 1, right_lo, hi);
    return n;
  }
  static void swap(node* n) {
    if (!n) return;
    n->r = n->l;
    n->l = 0;
    swap(n->left.get());
    swap(n->right.get());
  }

  std::vector<std::unique_ptr<node>> roots_;
  long limit_ = hst::window / 10;
  std::size_t count_ = 0;
  bool ready_ = false;
};

void BM_HalfSpaceTreesScoreLearn(benchmark::State& state) {
  static hst d;
  const auto& xs = stream();
  std::size_t i = 0;
  for (auto _ : state) {
    float s = 0;
    if (score_then_learn(d, xs[i], s) != edgeloop::status::ok) state.SkipWithError("learn failed");
    benchmark::DoNotOptimize(s);
    i = (i + 1) % xs.size();
  }
  state.SetItemsProcessed(state.iterations());
  state.counters["memory_bytes"] = static_cast<double>(hst::memory_bytes);
}
BENCHMARK(BM_HalfSpaceTreesScoreLearn);

// score() and learn() as two calls (two descents per tree).
void BM_HalfSpaceTreesScoreThenLearnSeparately(benchmark::State& state) {
  static hst d;
  const auto& xs = stream();
  std::size_t i = 0;
  for (auto _ : state) {
    benchmark::DoNotOptimize(d.score(xs[i]));
    if (d.learn(xs[i]) != edgeloop::status::ok) state.SkipWithError("learn failed");
    i = (i + 1) % xs.size();
  }
  state.SetItemsProcessed(state.iterations());
  state.counters["memory_bytes"] = static_cast<double>(hst::memory_bytes);
}
BENCHMARK(BM_HalfSpaceTreesScoreThenLearnSeparately);

void BM_NaiveHalfSpaceTreesScoreLearn(benchmark::State& state) {
  static hst structure;
  static naive_hst d(structure);
  const auto& xs = stream();
  std::size_t i = 0;
  for (auto _ : state) {
    benchmark::DoNotOptimize(d.score(xs[i]));
    d.learn(xs[i]);
    i = (i + 1) % xs.size();
  }
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_NaiveHalfSpaceTreesScoreLearn);

void BM_GaussianDetectorScoreLearn(benchmark::State& state) {
  static edgeloop::gaussian_detector<float, features> d;
  const auto& xs = stream();
  std::size_t i = 0;
  for (auto _ : state) {
    float s = 0;
    if (score_then_learn(d, xs[i], s) != edgeloop::status::ok) state.SkipWithError("learn failed");
    benchmark::DoNotOptimize(s);
    i = (i + 1) % xs.size();
  }
  state.SetItemsProcessed(state.iterations());
  state.counters["memory_bytes"] = static_cast<double>(edgeloop::gaussian_detector<float, features>::memory_bytes);
}
BENCHMARK(BM_GaussianDetectorScoreLearn);

class naive_gaussian {
 public:
  double score(const sample& x) const {
    if (n_ < 2) return 0;
    // Regularised covariance, inverted by Gauss-Jordan with partial pivoting.
    double trace = 0;
    for (std::size_t i = 0; i < features; ++i) trace += c_[i][i] / n_;
    const double ridge = 1e-3 * trace / features + 1e-6;
    std::array<std::array<double, 2 * features>, features> a{};
    for (std::size_t i = 0; i < features; ++i) {
      for (std::size_t j = 0; j < features; ++j) a[i][j] = c_[i][j] / n_ + (i == j ? ridge : 0.0);
      a[i][features + i] = 1;
    }
    for (std::size_t col = 0; col < features; ++col) {
      std::size_t p = col;
      for (std::size_t r = col + 1; r < features; ++r)
        if (std::fabs(a[r][col]) > std::fabs(a[p][col])) p = r;
      std::swap(a[col], a[p]);
      const double pivot = a[col][col];
      for (auto& v : a[col]) v /= pivot;
      for (std::size_t r = 0; r < features; ++r)
        if (r != col) {
          const double f = a[r][col];
          for (std::size_t k = 0; k < 2 * features; ++k) a[r][k] -= f * a[col][k];
        }
    }
    double d2 = 0;
    for (std::size_t i = 0; i < features; ++i)
      for (std::size_t j = 0; j < features; ++j) d2 += (x[i] - mean_[i]) * a[i][features + j] * (x[j] - mean_[j]);
    return d2;
  }
  void learn(const sample& x) {
    ++n_;
    std::array<double, features> before{};
    for (std::size_t i = 0; i < features; ++i) {
      before[i] = x[i] - mean_[i];
      mean_[i] += before[i] / n_;
    }
    for (std::size_t i = 0; i < features; ++i)
      for (std::size_t j = 0; j < features; ++j) c_[i][j] += before[i] * (x[j] - mean_[j]);
  }

 private:
  double n_ = 0;
  std::array<double, features> mean_{};
  std::array<std::array<double, features>, features> c_{};
};

void BM_NaiveGaussianScoreLearn(benchmark::State& state) {
  static naive_gaussian d;
  const auto& xs = stream();
  std::size_t i = 0;
  for (auto _ : state) {
    benchmark::DoNotOptimize(d.score(xs[i]));
    d.learn(xs[i]);
    i = (i + 1) % xs.size();
  }
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_NaiveGaussianScoreLearn);

void BM_QuantileThresholdUpdate(benchmark::State& state) {
  static edgeloop::quantile_threshold<float> t({0.01f, 2000, 100});
  const auto& xs = stream();
  std::size_t i = 0;
  for (auto _ : state) {
    benchmark::DoNotOptimize(t.update(xs[i][0]));
    i = (i + 1) % xs.size();
  }
  state.SetItemsProcessed(state.iterations());
  state.counters["memory_bytes"] = static_cast<double>(edgeloop::quantile_threshold<float>::memory_bytes);
}
BENCHMARK(BM_QuantileThresholdUpdate);

void BM_NaiveSlidingQuantileUpdate(benchmark::State& state) {
  static std::deque<float> window;
  static std::vector<float> copy;
  const auto& xs = stream();
  std::size_t i = 0;
  for (auto _ : state) {
    bool alarm = false;
    if (window.size() >= 100) {
      copy.assign(window.begin(), window.end());
      const auto k = static_cast<std::ptrdiff_t>(0.99 * static_cast<double>(copy.size()));
      std::nth_element(copy.begin(), copy.begin() + k, copy.end());
      alarm = xs[i][0] > copy[static_cast<std::size_t>(k)];
    }
    window.push_back(xs[i][0]);
    if (window.size() > 1000) window.pop_front();
    benchmark::DoNotOptimize(alarm);
    i = (i + 1) % xs.size();
  }
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_NaiveSlidingQuantileUpdate);

}  // namespace
