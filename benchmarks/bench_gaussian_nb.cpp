// gaussian_nb (8 float features, 2 classes): one prequential step (predict, then
// partial_fit) per iteration, against a naive reference measured in the same run.
//
// Baseline (naive_gaussian_nb below): the straightforward implementation: per class, a
// std::map entry holding heap std::vector<double> sums and sums of squares; predict
// recomputes every mean and sample variance from them (the textbook sum-of-squares
// formula), evaluates each Gaussian density with exp/sqrt and sums log(1e-9 + pdf) (the
// same model as River's GaussianNB). edgeloop's gaussian_nb keeps Welford statistics in
// float and refreshes a cached log-normaliser and 1/(2 var) of the learned class in
// partial_fit, so predict is one exp and one log1p per class and feature.

#include <benchmark/benchmark.h>

#include <array>
#include <cmath>
#include <cstddef>
#include <map>
#include <vector>

#include "edgeloop/linear/gaussian_nb.hpp"
#include "two_class_data.hpp"

namespace {

constexpr std::size_t features = 8;
constexpr std::size_t classes = 2;
constexpr std::size_t batch = 4096;  // samples cycled through by every benchmark
const auto& data() { return edgeloop_bench::two_class_data<features, batch>(); }

class naive_gaussian_nb {
 public:
  void partial_fit(const float* x, int y) {
    auto& c = stats_[y];
    if (c.sum.empty()) c.sum.assign(features, 0.0), c.sum_sq.assign(features, 0.0);
    for (std::size_t i = 0; i < features; ++i) {
      c.sum[i] += x[i];
      c.sum_sq[i] += static_cast<double>(x[i]) * x[i];
    }
    ++c.n;
    ++total_;
  }
  int predict(const float* x) const {
    int best = 0;
    double best_ll = -INFINITY;
    for (const auto& [label, c] : stats_) {
      double ll = std::log(static_cast<double>(c.n) / static_cast<double>(total_));
      for (std::size_t i = 0; i < features; ++i) {
        const double n = static_cast<double>(c.n);
        const double mean = c.sum[i] / n;
        const double var = c.n > 1 ? (c.sum_sq[i] - n * mean * mean) / (n - 1.0) : 0.0;
        double pdf = 0.0;
        if (var > 0.0) {
          const double d = x[i] - mean;
          pdf = std::exp(-d * d / (2.0 * var)) / std::sqrt(2.0 * 3.141592653589793 * var);
        }
        ll += std::log(1e-9 + pdf);
      }
      if (ll > best_ll) best_ll = ll, best = label;
    }
    return best;
  }
  std::size_t memory_bytes() const {
    std::size_t b = sizeof(*this);
    for (const auto& [label, c] : stats_) b += 48 + sizeof(c) + (c.sum.capacity() + c.sum_sq.capacity()) * sizeof(double);
    return b;  // map node overhead approximated as 48 bytes
  }

 private:
  struct class_stats {
    std::vector<double> sum, sum_sq;
    std::size_t n = 0;
  };
  std::map<int, class_stats> stats_;
  std::size_t total_ = 0;
};

void BM_GaussianNbLearnPredict(benchmark::State& state) {
  const auto& d = data();
  edgeloop::gaussian_nb<float, features, classes> model;
  std::size_t i = 0;
  std::size_t hits = 0;
  for (auto _ : state) {
    const auto& s = d[i];
    const auto p = model.predict(s.x);
    hits += p == s.y;
    benchmark::DoNotOptimize(model.partial_fit(s.x, s.y));
    i = (i + 1) % batch;
  }
  benchmark::DoNotOptimize(hits);
  state.SetItemsProcessed(state.iterations());
  state.counters["memory_bytes"] = static_cast<double>(decltype(model)::memory_bytes);
}
BENCHMARK(BM_GaussianNbLearnPredict);

void BM_GaussianNbPredictProba(benchmark::State& state) {
  const auto& d = data();
  edgeloop::gaussian_nb<float, features, classes> model;
  for (const auto& s : d) static_cast<void>(model.partial_fit(s.x, s.y));
  std::size_t i = 0;
  for (auto _ : state) {
    benchmark::DoNotOptimize(model.predict_proba(d[i].x));
    i = (i + 1) % batch;
  }
  state.SetItemsProcessed(state.iterations());
  state.counters["memory_bytes"] = static_cast<double>(decltype(model)::memory_bytes);
}
BENCHMARK(BM_GaussianNbPredictProba);

void BM_NaiveGaussianNbLearnPredict(benchmark::State& state) {
  const auto& d = data();
  naive_gaussian_nb model;
  std::size_t i = 0;
  std::size_t hits = 0;
  for (auto _ : state) {
    const auto& s = d[i];
    hits += model.predict(s.x.data()) == s.y;
    model.partial_fit(s.x.data(), s.y);
    i = (i + 1) % batch;
  }
  benchmark::DoNotOptimize(hits);
  state.SetItemsProcessed(state.iterations());
  state.counters["memory_bytes"] = static_cast<double>(model.memory_bytes());
}
BENCHMARK(BM_NaiveGaussianNbLearnPredict);

}  // namespace
