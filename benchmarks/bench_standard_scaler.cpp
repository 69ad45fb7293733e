// standard_scaler (8 float features) against a naive baseline measured in the same run.
//
// Baseline (naive_scaler below): what one writes without thinking about numerics or
// memory: per-feature running sums and sums of squares in heap-allocated
// std::vector<double>; transform recomputes mean = sum / n, variance = sum_sq / n - mean^2
// (the textbook formula that Welford avoids), std = sqrt(variance) and divides, for every
// element of every sample. edgeloop's scaler does the Welford update in float in
// partial_fit and refreshes a cached 1/std there, so its transform is a subtract and a
// multiply per element.

#include <benchmark/benchmark.h>

#include <array>
#include <cmath>
#include <cstddef>
#include <vector>

#include "edgeloop/core/rng.hpp"
#include "edgeloop/preprocessing/standard_scaler.hpp"

namespace {

constexpr std::size_t features = 8;
constexpr std::size_t batch = 1024;  // samples cycled through by every benchmark
using sample = std::array<float, features>;

const std::vector<sample>& data() {
  static const std::vector<sample> d = [] {
    std::vector<sample> v(batch);
    edgeloop::rng g(42);
    for (auto& x : v)
      for (std::size_t i = 0; i < features; ++i)
        x[i] = static_cast<float>(100.0 * static_cast<double>(i) + g.normal<double>());
    return v;
  }();
  return d;
}

class naive_scaler {
 public:
  explicit naive_scaler(std::size_t n) : sum_(n, 0.0), sum_sq_(n, 0.0) {}
  void partial_fit(const float* x) {
    for (std::size_t i = 0; i < sum_.size(); ++i) {
      sum_[i] += x[i];
      sum_sq_[i] += static_cast<double>(x[i]) * x[i];
    }
    ++count_;
  }
  void transform(const float* x, float* y) const {
    const double n = static_cast<double>(count_);
    for (std::size_t i = 0; i < sum_.size(); ++i) {
      const double mean = sum_[i] / n;
      const double var = sum_sq_[i] / n - mean * mean;
      const double sd = var > 0.0 ? std::sqrt(var) : 1.0;
      y[i] = static_cast<float>((x[i] - mean) / sd);
    }
  }
  std::size_t memory_bytes() const {
    return sizeof(*this) + (sum_.capacity() + sum_sq_.capacity()) * sizeof(double);
  }

 private:
  std::vector<double> sum_;
  std::vector<double> sum_sq_;
  std::size_t count_ = 0;
};

using scaler = edgeloop::standard_scaler<float, features>;

void finish(benchmark::State& state, std::size_t memory_bytes) {
  state.SetItemsProcessed(static_cast<std::int64_t>(state.iterations()));
  state.counters["memory_bytes"] = static_cast<double>(memory_bytes);
}

void BM_StandardScalerPartialFit(benchmark::State& state) {
  scaler s(scaler::params{static_cast<edgeloop::standard_scaler_mode>(state.range(0)), 0.01f});
  const auto& d = data();
  std::size_t k = 0;
  benchmark::DoNotOptimize(&s);  // s escapes: ClobberMemory then forces its stores
  for (auto _ : state) {
    benchmark::DoNotOptimize(s.partial_fit(d[k]));
    benchmark::ClobberMemory();
    k = (k + 1) & (batch - 1);
  }
  finish(state, scaler::memory_bytes);
}
BENCHMARK(BM_StandardScalerPartialFit)->Arg(0)->Arg(1)->ArgName("exponential");

void BM_StandardScalerTransform(benchmark::State& state) {
  scaler s;
  const auto& d = data();
  for (const auto& x : d) (void)s.partial_fit(x);
  std::size_t k = 0;
  for (auto _ : state) {
    auto y = s.transform(d[k]);
    benchmark::DoNotOptimize(y);
    k = (k + 1) & (batch - 1);
  }
  finish(state, scaler::memory_bytes);
}
BENCHMARK(BM_StandardScalerTransform);

void BM_NaiveScalerPartialFit(benchmark::State& state) {
  naive_scaler s(features);
  const auto& d = data();
  std::size_t k = 0;
  benchmark::DoNotOptimize(&s);
  for (auto _ : state) {
    s.partial_fit(d[k].data());
    benchmark::ClobberMemory();
    k = (k + 1) & (batch - 1);
  }
  finish(state, s.memory_bytes());
}
BENCHMARK(BM_NaiveScalerPartialFit);

void BM_NaiveScalerTransform(benchmark::State& state) {
  naive_scaler s(features);
  const auto& d = data();
  for (const auto& x : d) s.partial_fit(x.data());
  std::size_t k = 0;
  sample y{};
  for (auto _ : state) {
    s.transform(d[k].data(), y.data());
    benchmark::DoNotOptimize(y);
    k = (k + 1) & (batch - 1);
  }
  finish(state, s.memory_bytes());
}
BENCHMARK(BM_NaiveScalerTransform);

}  // namespace
