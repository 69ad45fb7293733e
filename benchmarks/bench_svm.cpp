// SVMs (8 float features, 2 classes): one prequential step (predict, then partial_fit) per
// iteration for pegasos and budget_kernel_svm (RBF, 64 support vectors, merging), against
// naive references measured in the same run; plus random_fourier_features::transform.
//
// Baselines:
//  - naive_pegasos: the textbook Pegasos step on a heap std::vector<double> weight vector
//    (scale, then add), plain loops.
//  - naive_bsgd: BSGD with merging on a std::vector of support vectors, each a heap
//    std::vector<double>; the merge partner is chosen among all same-sign vectors with a
//    golden-section search over h in [0, 1] on ||alpha_z||^2 (as described in the paper),
//    kernel values with std::exp over plain loops.

#include <benchmark/benchmark.h>

#include <array>
#include <cmath>
#include <cstddef>
#include <vector>

#include "edgeloop/svm/budget_kernel_svm.hpp"
#include "edgeloop/svm/pegasos.hpp"
#include "edgeloop/svm/random_fourier_features.hpp"
#include "two_class_data.hpp"

namespace {

constexpr std::size_t features = 8;
constexpr std::size_t batch = 4096;
const auto& data() { return edgeloop_bench::two_class_data<features, batch>(); }

class naive_pegasos {
 public:
  explicit naive_pegasos(double lambda) : lambda_(lambda), w_(features + 1, 0.0) {}
  double decision(const float* x) const {
    double s = w_[features];
    for (std::size_t j = 0; j < features; ++j) s += w_[j] * x[j];
    return s;
  }
  int predict(const float* x) const { return decision(x) > 0 ? 1 : 0; }
  void partial_fit(const float* x, int y) {
    ++t_;
    const double eta = 1.0 / (lambda_ * static_cast<double>(t_));
    const double s = y == 1 ? 1.0 : -1.0;
    const bool violated = s * decision(x) < 1.0;
    for (auto& v : w_) v *= 1.0 - 1.0 / static_cast<double>(t_);
    if (violated) {
      for (std::size_t j = 0; j < features; ++j) w_[j] += eta * s * x[j];
      w_[features] += eta * s;
    }
  }

 private:
  double lambda_;
  std::vector<double> w_;
  std::size_t t_ = 0;
};

class naive_bsgd {
 public:
  naive_bsgd(double lambda, double gamma, std::size_t budget) : lambda_(lambda), gamma_(gamma), budget_(budget) {}
  double decision(const float* x) const {
    double f = 0;
    for (const auto& sv : svs_) f += sv.alpha * kernel(sv.x, x);
    return f;
  }
  int predict(const float* x) const { return decision(x) > 0 ? 1 : 0; }
  void partial_fit(const float* x, int y) {
    ++t_;
    const double eta = 1.0 / (lambda_ * static_cast<double>(t_));
    const double s = y == 1 ? 1.0 : -1.0;
    const bool violated = s * decision(x) < 1.0;
    for (auto& sv : svs_) sv.alpha *= 1.0 - 1.0 / static_cast<double>(t_);
    if (!violated) return;
    svs_.push_back({std::vector<double>(x, x + features), eta * s});
    if (svs_.size() > budget_) merge();
  }

 private:
  struct support_vector {
    std::vector<double> x;
    double alpha;
  };
  double kernel(const std::vector<double>& a, const float* b) const {
    double d2 = 0;
    for (std::size_t j = 0; j < features; ++j) d2 += (a[j] - b[j]) * (a[j] - b[j]);
    return std::exp(-gamma_ * d2);
  }
  void merge() {
    std::size_t m = 0;
    for (std::size_t i = 1; i < svs_.size(); ++i)
      if (std::fabs(svs_[i].alpha) < std::fabs(svs_[m].alpha)) m = i;
    std::size_t best = svs_.size();
    double best_loss = INFINITY, best_h = 0;
    for (std::size_t n = 0; n < svs_.size(); ++n) {
      if (n == m || svs_[n].alpha * svs_[m].alpha <= 0) continue;
      double d2 = 0;
      for (std::size_t j = 0; j < features; ++j) d2 += (svs_[m].x[j] - svs_[n].x[j]) * (svs_[m].x[j] - svs_[n].x[j]);
      const double am = svs_[m].alpha, an = svs_[n].alpha, k = std::exp(-gamma_ * d2);
      auto value = [&](double h) {
        const double v = am * std::exp(-gamma_ * (1 - h) * (1 - h) * d2) + an * std::exp(-gamma_ * h * h * d2);
        return v * v;
      };
      double lo = 0, hi = 1;
      while (hi - lo > 1e-3) {
        const double c = hi - 0.618 * (hi - lo), d = lo + 0.618 * (hi - lo);
        if (value(c) > value(d)) hi = d;
        else lo = c;
      }
      const double h = (lo + hi) / 2;
      const double loss = am * am + an * an + 2 * k * am * an - value(h);
      if (loss < best_loss) best_loss = loss, best = n, best_h = h;
    }
    if (best == svs_.size()) {
      svs_.erase(svs_.begin() + static_cast<std::ptrdiff_t>(m));
      return;
    }
    support_vector z{std::vector<double>(features), 0};
    double d2 = 0;
    for (std::size_t j = 0; j < features; ++j) {
      z.x[j] = best_h * svs_[m].x[j] + (1 - best_h) * svs_[best].x[j];
      d2 += (svs_[m].x[j] - svs_[best].x[j]) * (svs_[m].x[j] - svs_[best].x[j]);
    }
    z.alpha = svs_[m].alpha * std::exp(-gamma_ * (1 - best_h) * (1 - best_h) * d2) +
              svs_[best].alpha * std::exp(-gamma_ * best_h * best_h * d2);
    const std::size_t hi_i = m > best ? m : best, lo_i = m > best ? best : m;
    svs_.erase(svs_.begin() + static_cast<std::ptrdiff_t>(hi_i));
    svs_.erase(svs_.begin() + static_cast<std::ptrdiff_t>(lo_i));
    svs_.push_back(std::move(z));
  }

  double lambda_, gamma_;
  std::size_t budget_;
  std::vector<support_vector> svs_;
  std::size_t t_ = 0;
};

constexpr double lambda = 1e-3;
constexpr double gamma = 0.125;

/// One prequential step per iteration (predict, then partial_fit) over a Model built from
/// p, reporting its memory_bytes.
template <class Model>
void learn_predict(benchmark::State& state, const typename Model::params& p) {
  const auto& d = data();
  Model model(p);
  std::size_t i = 0, hits = 0;
  for (auto _ : state) {
    const auto& s = d[i];
    hits += model.predict(s.x) == s.y;
    benchmark::DoNotOptimize(model.partial_fit(s.x, s.y));
    i = (i + 1) % batch;
  }
  benchmark::DoNotOptimize(hits);
  state.SetItemsProcessed(state.iterations());
  state.counters["memory_bytes"] = static_cast<double>(Model::memory_bytes);
}

/// The same loop over a naive reference (raw float pointers in, no status).
template <class Naive>
void naive_learn_predict(benchmark::State& state, Naive model) {
  const auto& d = data();
  std::size_t i = 0, hits = 0;
  for (auto _ : state) {
    const auto& s = d[i];
    hits += model.predict(s.x.data()) == s.y;
    model.partial_fit(s.x.data(), s.y);
    i = (i + 1) % batch;
  }
  benchmark::DoNotOptimize(hits);
  state.SetItemsProcessed(state.iterations());
}

void BM_PegasosLearnPredict(benchmark::State& state) {
  learn_predict<edgeloop::pegasos<float, features>>(state, {static_cast<float>(lambda), true, false});
}
BENCHMARK(BM_PegasosLearnPredict);

void BM_NaivePegasosLearnPredict(benchmark::State& state) { naive_learn_predict(state, naive_pegasos(lambda)); }
BENCHMARK(BM_NaivePegasosLearnPredict);

void BM_BudgetKernelSvmLearnPredict(benchmark::State& state) {
  using model_t = edgeloop::budget_kernel_svm<float, features, 64>;
  model_t::params p;
  p.lambda = static_cast<float>(lambda);
  p.kernel.gamma = static_cast<float>(gamma);
  learn_predict<model_t>(state, p);
}
BENCHMARK(BM_BudgetKernelSvmLearnPredict);

void BM_NaiveBudgetKernelSvmLearnPredict(benchmark::State& state) {
  naive_learn_predict(state, naive_bsgd(lambda, gamma, 64));
}
BENCHMARK(BM_NaiveBudgetKernelSvmLearnPredict);

void BM_RandomFourierFeaturesTransform(benchmark::State& state) {
  const auto& d = data();
  edgeloop::random_fourier_features<float, features, 64> rff({static_cast<float>(gamma), 1});
  std::size_t i = 0;
  for (auto _ : state) {
    benchmark::DoNotOptimize(rff.transform(d[i].x));
    i = (i + 1) % batch;
  }
  state.SetItemsProcessed(state.iterations());
  state.counters["memory_bytes"] = static_cast<double>(decltype(rff)::memory_bytes);
}
BENCHMARK(BM_RandomFourierFeaturesTransform);

}  // namespace
