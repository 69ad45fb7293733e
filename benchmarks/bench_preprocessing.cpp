// min_max_scaler, imputer and clipper (8 float features) against naive baselines measured
// in the same run. The baselines are what one writes without thinking about memory or
// per-sample cost: state in heap-allocated std::vector<double>, and transform recomputes
// everything it needs from running sums for every element of every sample:
//  - naive_min_max: running min/max; transform divides by (max - min) per element.
//  - naive_imputer: running sums and counts of finite values; transform divides sum/count
//    for every replaced element (std::isfinite tests).
//  - naive_clipper: running sums and sums of squares; transform recomputes mean, std
//    (sqrt) and both bounds per element, then clamps.
// edgeloop's components cache what transform needs (1/range, bounds) in partial_fit.

#include <benchmark/benchmark.h>

#include <algorithm>
#include <array>
#include <cmath>
#include <cstddef>
#include <limits>
#include <vector>

#include "edgeloop/core/rng.hpp"
#include "edgeloop/preprocessing/clipper.hpp"
#include "edgeloop/preprocessing/imputer.hpp"
#include "edgeloop/preprocessing/min_max_scaler.hpp"

namespace {

constexpr std::size_t features = 8;
constexpr std::size_t batch = 1024;
using sample = std::array<float, features>;

/// Sensor-like rows; with `gaps`, about 10% of the components are NaN.
const std::vector<sample>& rows(bool gaps) {
  static const auto make = [](bool with_gaps) {
    std::vector<sample> v(batch);
    edgeloop::rng g(with_gaps ? 7 : 6);
    for (auto& x : v)
      for (std::size_t i = 0; i < features; ++i) {
        x[i] = static_cast<float>(10.0 * static_cast<double>(i) + g.normal<double>());
        if (with_gaps && g.bernoulli(0.1f)) x[i] = std::numeric_limits<float>::quiet_NaN();
      }
    return v;
  };
  static const std::vector<sample> plain = make(false), gappy = make(true);
  return gaps ? gappy : plain;
}

void finish(benchmark::State& state, std::size_t memory_bytes) {
  state.SetItemsProcessed(static_cast<std::int64_t>(state.iterations()));
  state.counters["memory_bytes"] = static_cast<double>(memory_bytes);
}

template <class T>
std::size_t vector_bytes(const std::vector<T>& v) { return v.capacity() * sizeof(T); }

// ---------------------------------------------------------------- naive baselines

class naive_min_max {
 public:
  explicit naive_min_max(std::size_t n) : lo_(n, 0.0), hi_(n, 0.0) {}
  void partial_fit(const float* x) {
    for (std::size_t i = 0; i < lo_.size(); ++i) {
      lo_[i] = count_ == 0 ? x[i] : std::min<double>(lo_[i], x[i]);
      hi_[i] = count_ == 0 ? x[i] : std::max<double>(hi_[i], x[i]);
    }
    ++count_;
  }
  void transform(const float* x, float* y) const {
    for (std::size_t i = 0; i < lo_.size(); ++i) {
      const double range = hi_[i] - lo_[i];
      y[i] = static_cast<float>(range > 0.0 ? (x[i] - lo_[i]) / range : 0.0);
    }
  }
  std::size_t memory_bytes() const { return sizeof(*this) + vector_bytes(lo_) + vector_bytes(hi_); }

 private:
  std::vector<double> lo_, hi_;
  std::size_t count_ = 0;
};

class naive_imputer {
 public:
  explicit naive_imputer(std::size_t n) : sum_(n, 0.0), count_(n, 0) {}
  void partial_fit(const float* x) {
    for (std::size_t i = 0; i < sum_.size(); ++i)
      if (std::isfinite(x[i])) {
        sum_[i] += x[i];
        ++count_[i];
      }
  }
  void transform(const float* x, float* y) const {
    for (std::size_t i = 0; i < sum_.size(); ++i)
      y[i] = std::isfinite(x[i]) ? x[i]
                                 : (count_[i] > 0 ? static_cast<float>(sum_[i] / static_cast<double>(count_[i])) : 0.0f);
  }
  std::size_t memory_bytes() const { return sizeof(*this) + vector_bytes(sum_) + vector_bytes(count_); }

 private:
  std::vector<double> sum_;
  std::vector<std::size_t> count_;
};

class naive_clipper {
 public:
  naive_clipper(std::size_t n, double k) : sum_(n, 0.0), sum_sq_(n, 0.0), k_(k) {}
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
      const double sd = std::sqrt(std::max(0.0, sum_sq_[i] / n - mean * mean));
      y[i] = static_cast<float>(std::clamp<double>(x[i], mean - k_ * sd, mean + k_ * sd));
    }
  }
  std::size_t memory_bytes() const { return sizeof(*this) + vector_bytes(sum_) + vector_bytes(sum_sq_); }

 private:
  std::vector<double> sum_, sum_sq_;
  double k_;
  std::size_t count_ = 0;
};

// ---------------------------------------------------------------- shared drivers

template <class T>
void run_fit(benchmark::State& state, T& t, const std::vector<sample>& d) {
  std::size_t k = 0;
  benchmark::DoNotOptimize(&t);  // t escapes: ClobberMemory then forces its stores
  for (auto _ : state) {
    if constexpr (requires { t.partial_fit(d[k]); }) {
      benchmark::DoNotOptimize(t.partial_fit(d[k]));
    } else {
      t.partial_fit(d[k].data());
    }
    benchmark::ClobberMemory();
    k = (k + 1) & (batch - 1);
  }
}

template <class T>
void run_transform(benchmark::State& state, T& t, const std::vector<sample>& d) {
  for (const auto& x : d) {
    if constexpr (requires { t.partial_fit(x); }) {
      (void)t.partial_fit(x);
    } else {
      t.partial_fit(x.data());
    }
  }
  std::size_t k = 0;
  sample y{};
  for (auto _ : state) {
    if constexpr (requires { t.transform(d[k]); }) {
      y = t.transform(d[k]);
    } else {
      t.transform(d[k].data(), y.data());
    }
    benchmark::DoNotOptimize(y);
    k = (k + 1) & (batch - 1);
  }
}

using min_max = edgeloop::min_max_scaler<float, features>;
using imputer = edgeloop::imputer<float, features>;
using clipper = edgeloop::clipper<float, features>;

clipper learned_clipper() {
  clipper::params p{};
  p.mode = edgeloop::clipper_mode::learned;
  p.k = 3.0f;
  p.warmup = 1;
  return clipper(p);
}

void BM_MinMaxScalerPartialFit(benchmark::State& state) {
  min_max s;
  run_fit(state, s, rows(false));
  finish(state, min_max::memory_bytes);
}
void BM_MinMaxScalerTransform(benchmark::State& state) {
  min_max s;
  run_transform(state, s, rows(false));
  finish(state, min_max::memory_bytes);
}
void BM_NaiveMinMaxScalerPartialFit(benchmark::State& state) {
  naive_min_max s(features);
  run_fit(state, s, rows(false));
  finish(state, s.memory_bytes());
}
void BM_NaiveMinMaxScalerTransform(benchmark::State& state) {
  naive_min_max s(features);
  run_transform(state, s, rows(false));
  finish(state, s.memory_bytes());
}

void BM_ImputerPartialFit(benchmark::State& state) {
  imputer m;
  run_fit(state, m, rows(true));
  finish(state, imputer::memory_bytes);
}
void BM_ImputerTransform(benchmark::State& state) {
  imputer m;
  run_transform(state, m, rows(true));
  finish(state, imputer::memory_bytes);
}
void BM_NaiveImputerPartialFit(benchmark::State& state) {
  naive_imputer m(features);
  run_fit(state, m, rows(true));
  finish(state, m.memory_bytes());
}
void BM_NaiveImputerTransform(benchmark::State& state) {
  naive_imputer m(features);
  run_transform(state, m, rows(true));
  finish(state, m.memory_bytes());
}

void BM_ClipperPartialFit(benchmark::State& state) {
  clipper c = learned_clipper();
  run_fit(state, c, rows(false));
  finish(state, clipper::memory_bytes);
}
void BM_ClipperTransform(benchmark::State& state) {
  clipper c = learned_clipper();
  run_transform(state, c, rows(false));
  finish(state, clipper::memory_bytes);
}
void BM_NaiveClipperPartialFit(benchmark::State& state) {
  naive_clipper c(features, 3.0);
  run_fit(state, c, rows(false));
  finish(state, c.memory_bytes());
}
void BM_NaiveClipperTransform(benchmark::State& state) {
  naive_clipper c(features, 3.0);
  run_transform(state, c, rows(false));
  finish(state, c.memory_bytes());
}

BENCHMARK(BM_MinMaxScalerPartialFit);
BENCHMARK(BM_MinMaxScalerTransform);
BENCHMARK(BM_NaiveMinMaxScalerPartialFit);
BENCHMARK(BM_NaiveMinMaxScalerTransform);
BENCHMARK(BM_ImputerPartialFit);
BENCHMARK(BM_ImputerTransform);
BENCHMARK(BM_NaiveImputerPartialFit);
BENCHMARK(BM_NaiveImputerTransform);
BENCHMARK(BM_ClipperPartialFit);
BENCHMARK(BM_ClipperTransform);
BENCHMARK(BM_NaiveClipperPartialFit);
BENCHMARK(BM_NaiveClipperTransform);

}  // namespace
