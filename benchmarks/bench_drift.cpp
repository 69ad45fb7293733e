// Drift detectors (adwin, page_hinkley, ddm, kswin) against naive references measured in
// the same run, on a stationary stream (no drift: the steady-state cost of an update).
//
// Baselines:
// - naive ADWIN (ADWIN0-style): every value in a std::deque<double>; every 32 updates it
//   tries every split of the whole window (O(width)) with the same eps_cut, dropping the
//   oldest value while a split fires. Both detectors restart every 8,192 updates so the
//   naive window stays bounded.
// - naive Page-Hinkley: all values since the reset in a std::vector; each update recomputes
//   the mean and m_T = sum_t (x_t - mean_T - delta) from scratch (Page's definition with the
//   current mean), restarting every 1,024 updates.
// - naive DDM: all 0/1 values in a std::vector; each update recounts the errors.
// - naive KSWIN (River's way): std::deque window, the sample drawn by shuffling an index
//   vector, std::vector copies sorted with std::sort, D by merging.

#include <benchmark/benchmark.h>

#include <algorithm>
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <deque>
#include <numeric>
#include <vector>

#include "edgeloop/core/rng.hpp"
#include "edgeloop/drift/adwin.hpp"
#include "edgeloop/drift/ddm.hpp"
#include "edgeloop/drift/kswin.hpp"
#include "edgeloop/drift/page_hinkley.hpp"

namespace {

constexpr std::size_t stream_length = 8192;

const std::vector<float>& bernoulli_stream() {
  static const std::vector<float> s = [] {
    std::vector<float> v(stream_length);
    edgeloop::rng g(42);
    for (auto& x : v) x = g.bernoulli(0.2f) ? 1.0f : 0.0f;
    return v;
  }();
  return s;
}

const std::vector<float>& gaussian_stream() {
  static const std::vector<float> s = [] {
    std::vector<float> v(stream_length);
    edgeloop::rng g(43);
    for (auto& x : v) x = g.normal<float>();
    return v;
  }();
  return s;
}

class naive_adwin {
 public:
  bool update(double x) {
    window_.push_back(x);
    if (++tick_ % 32 != 0 || window_.size() <= 10) return false;
    bool any = false;
    for (bool cut = true; cut;) {
      cut = false;
      const double n = static_cast<double>(window_.size());
      double total = 0, sq = 0;
      for (double v : window_) total += v;
      for (double v : window_) sq += (v - total / n) * (v - total / n);
      const double var = sq / n, dd = std::log(2.0 * std::log(n) / 0.002);
      double n0 = 0, u0 = 0;
      for (std::size_t i = 0; i + 1 < window_.size(); ++i) {
        n0 += 1;
        u0 += window_[i];
        const double n1 = n - n0;
        if (n0 < 5 || n1 < 5) continue;
        const double m = 1.0 / (n0 - 4) + 1.0 / (n1 - 4);
        const double eps = std::sqrt(2 * m * var * dd) + 2.0 / 3.0 * dd * m;
        if (std::fabs(u0 / n0 - (total - u0) / n1) > eps) {
          cut = true;
          break;
        }
      }
      if (cut) {
        window_.pop_front();
        any = true;
      }
    }
    return any;
  }
  void reset() {
    window_.clear();
    tick_ = 0;
  }

 private:
  std::deque<double> window_;
  std::uint64_t tick_ = 0;
};

class naive_page_hinkley {
 public:
  bool update(double x) {
    values_.push_back(x);
    double mean = 0;
    for (double v : values_) mean += v;
    mean /= static_cast<double>(values_.size());
    double m = 0, lowest = 0;
    for (double v : values_) {
      m += v - mean - 0.005;
      lowest = std::min(lowest, m);
    }
    return values_.size() >= 30 && m - lowest > 50.0;
  }
  void reset() { values_.clear(); }

 private:
  std::vector<double> values_;
};

class naive_ddm {
 public:
  bool update(double x) {
    values_.push_back(x > 0.5 ? 1 : 0);
    const double n = static_cast<double>(values_.size());
    const double p = std::accumulate(values_.begin(), values_.end(), 0.0) / n;
    const double s = std::sqrt(p * (1 - p) / n);
    if (values_.size() <= 30) return false;
    if (p + s <= ps_min_) {
      ps_min_ = p + s;
      p_min_ = p;
      s_min_ = s;
    }
    return p + s > p_min_ + 3 * s_min_;
  }
  void reset() {
    values_.clear();
    ps_min_ = 1e300;
  }

 private:
  std::vector<int> values_;
  double p_min_ = 0, s_min_ = 0, ps_min_ = 1e300;
};

class naive_kswin {
 public:
  bool update(double x) {
    window_.push_back(x);
    if (window_.size() > 100) window_.pop_front();
    if (window_.size() < 100) return false;
    std::vector<std::size_t> idx(70);
    std::iota(idx.begin(), idx.end(), 0);
    std::shuffle(idx.begin(), idx.end(), gen_);
    std::vector<double> w, r(window_.begin() + 70, window_.end());
    for (std::size_t i = 0; i < 30; ++i) w.push_back(window_[idx[i]]);
    std::sort(w.begin(), w.end());
    std::sort(r.begin(), r.end());
    std::size_t i = 0, j = 0, best = 0;
    while (i < 30 && j < 30) {
      const double v = std::min(w[i], r[j]);
      while (i < 30 && w[i] <= v) ++i;
      while (j < 30 && r[j] <= v) ++j;
      best = std::max(best, i > j ? i - j : j - i);
    }
    if (static_cast<double>(best) > std::sqrt(-std::log(0.005) * 30.0)) {
      window_.erase(window_.begin(), window_.begin() + 70);
      return true;
    }
    return false;
  }
  void reset() { window_.clear(); }

 private:
  std::deque<double> window_;
  edgeloop::rng gen_{42};
};

template <class Detector, class Stream>
void run(benchmark::State& state, Detector& d, const Stream& s, std::size_t restart, std::size_t memory) {
  std::size_t i = 0, since = 0;
  for (auto _ : state) {
    benchmark::DoNotOptimize(d.update(s[i]));
    if (++i == s.size()) i = 0;
    if (restart && ++since == restart) {
      since = 0;
      d.reset();
    }
  }
  state.SetItemsProcessed(state.iterations());
  state.counters["memory_bytes"] = static_cast<double>(memory);
}

void BM_AdwinUpdate(benchmark::State& state) {
  edgeloop::adwin<float> d;
  run(state, d, bernoulli_stream(), 8192, edgeloop::adwin<float>::memory_bytes);
}
BENCHMARK(BM_AdwinUpdate);

void BM_AdwinDoubleUpdate(benchmark::State& state) {
  edgeloop::adwin<double> d;
  run(state, d, bernoulli_stream(), 8192, edgeloop::adwin<double>::memory_bytes);
}
BENCHMARK(BM_AdwinDoubleUpdate);

void BM_NaiveAdwinUpdate(benchmark::State& state) {
  naive_adwin d;
  // memory: the deque holds the whole window (up to 8,192 doubles here)
  run(state, d, bernoulli_stream(), 8192, 8192 * sizeof(double));
}
BENCHMARK(BM_NaiveAdwinUpdate);

void BM_PageHinkleyUpdate(benchmark::State& state) {
  edgeloop::page_hinkley<float> d;
  run(state, d, gaussian_stream(), 1024, edgeloop::page_hinkley<float>::memory_bytes);
}
BENCHMARK(BM_PageHinkleyUpdate);

void BM_NaivePageHinkleyUpdate(benchmark::State& state) {
  naive_page_hinkley d;
  run(state, d, gaussian_stream(), 1024, 1024 * sizeof(double));
}
BENCHMARK(BM_NaivePageHinkleyUpdate);

void BM_DdmUpdate(benchmark::State& state) {
  edgeloop::ddm<float> d;
  run(state, d, bernoulli_stream(), 1024, edgeloop::ddm<float>::memory_bytes);
}
BENCHMARK(BM_DdmUpdate);

void BM_NaiveDdmUpdate(benchmark::State& state) {
  naive_ddm d;
  run(state, d, bernoulli_stream(), 1024, 1024 * sizeof(int));
}
BENCHMARK(BM_NaiveDdmUpdate);

void BM_KswinUpdate(benchmark::State& state) {
  edgeloop::kswin<float> d;
  run(state, d, gaussian_stream(), 0, edgeloop::kswin<float>::memory_bytes);
}
BENCHMARK(BM_KswinUpdate);

void BM_NaiveKswinUpdate(benchmark::State& state) {
  naive_kswin d;
  run(state, d, gaussian_stream(), 0, 100 * sizeof(double));
}
BENCHMARK(BM_NaiveKswinUpdate);

}  // namespace
