// Linear models (8 float features): one prequential step (predict, then partial_fit) per
// iteration, each against a naive reference measured in the same run.
//
// Baselines (naive_* below): the textbook form of the same update rules on heap
// std::vector<double> weights with plain loops: the SGD reference shrinks every weight
// each step for L2 (no weight scale) and recomputes the "optimal" step size from scratch;
// PA, perceptron and ALMA compute dot products and norms with index loops. edgeloop's
// models keep float weights inside the object and compute through Eigen fixed-size maps
// (lazy L2 scale, cached t0, overflow checks before every commit).
// Classification streams: 2 classes (4 for the one-vs-rest case), class-dependent means;
// regression: a noisy linear target.

#include <benchmark/benchmark.h>

#include <array>
#include <cmath>
#include <cstddef>
#include <vector>

#include "edgeloop/core/rng.hpp"
#include "edgeloop/linear/alma.hpp"
#include "edgeloop/linear/one_vs_rest.hpp"
#include "edgeloop/linear/passive_aggressive.hpp"
#include "edgeloop/linear/perceptron.hpp"
#include "edgeloop/linear/sgd_classifier.hpp"
#include "edgeloop/linear/sgd_regressor.hpp"

namespace {

constexpr std::size_t features = 8;
constexpr std::size_t batch = 4096;
using sample = std::array<float, features>;

struct row {
  sample x;
  edgeloop::class_label y;   // 2 classes
  edgeloop::class_label y4;  // 4 classes
  float t;                   // regression target
};

const std::vector<row>& data() {
  static const std::vector<row> d = [] {
    std::vector<row> v(batch);
    edgeloop::rng g(11);
    for (auto& s : v) {
      s.y4 = static_cast<edgeloop::class_label>(g.uniform_int(4));
      s.y = static_cast<edgeloop::class_label>(s.y4 & 1u);
      float t = 0.3f;
      for (std::size_t i = 0; i < features; ++i) {
        s.x[i] = static_cast<float>(g.normal<double>()) + (i % 4 == s.y4 ? 1.0f : 0.0f);
        t += static_cast<float>(i % 3) * 0.5f * s.x[i];
      }
      s.t = t + 0.1f * static_cast<float>(g.normal<double>());
    }
    return v;
  }();
  return d;
}

// ---- naive references ------------------------------------------------------------------

double dot(const std::vector<double>& w, const float* x) {
  double s = 0;
  for (std::size_t i = 0; i < w.size(); ++i) s += w[i] * x[i];
  return s;
}

/// SGD with log or hinge loss, L2 applied to every weight each step, "optimal" rate.
struct naive_sgd {
  bool log_loss;
  std::vector<double> w = std::vector<double>(features, 0.0);
  double b = 0, t = 1, alpha = 1e-4;
  double dloss(double p, double y) const {
    if (log_loss) return -y / (std::exp(p * y) + 1.0);
    return p * y <= 1.0 ? -y : 0.0;
  }
  int predict(const float* x) const { return dot(w, x) + b > 0 ? 1 : 0; }
  void partial_fit(const float* x, int label) {
    const double y = label == 1 ? 1.0 : -1.0;
    const double typw = std::sqrt(1.0 / std::sqrt(alpha));
    const double t0 = 1.0 / (typw / std::fmax(1.0, dloss(-typw, 1.0)) * alpha);
    const double eta = 1.0 / (alpha * (t0 + t - 1));
    const double g = dloss(dot(w, x) + b, y);
    for (std::size_t i = 0; i < features; ++i) w[i] = w[i] * (1 - eta * alpha) - eta * g * x[i];
    b -= eta * g;
    t += 1;
  }
};

struct naive_sgd_regressor {
  std::vector<double> w = std::vector<double>(features, 0.0);
  double b = 0, t = 1, alpha = 1e-4;
  double predict(const float* x) const { return dot(w, x) + b; }
  void partial_fit(const float* x, double y) {
    const double eta = 0.01 / std::pow(t, 0.25);
    const double g = predict(x) - y;
    for (std::size_t i = 0; i < features; ++i) w[i] = w[i] * (1 - eta * alpha) - eta * g * x[i];
    b -= eta * g;
    t += 1;
  }
};

struct naive_perceptron {
  std::vector<double> w = std::vector<double>(features, 0.0);
  double b = 0;
  double score(const float* x) const { return dot(w, x) + b; }
  int predict(const float* x) const { return score(x) > 0 ? 1 : 0; }
  void partial_fit(const float* x, int label) {
    const double y = label == 1 ? 1.0 : -1.0;
    if (y * score(x) > 0) return;
    for (std::size_t i = 0; i < features; ++i) w[i] += y * x[i];
    b += y;
  }
};

struct naive_pa {
  std::vector<double> w = std::vector<double>(features, 0.0);
  double b = 0;
  int predict(const float* x) const { return dot(w, x) + b > 0 ? 1 : 0; }
  void step(const float* x, double loss, double sign) {
    double n = 0;
    for (std::size_t i = 0; i < features; ++i) n += static_cast<double>(x[i]) * x[i];
    if (n == 0) return;
    const double tau = std::fmin(1.0, loss / n) * sign;
    for (std::size_t i = 0; i < features; ++i) w[i] += tau * x[i];
    b += tau;
  }
  void partial_fit(const float* x, int label) {
    const double y = label == 1 ? 1.0 : -1.0;
    const double loss = 1.0 - y * (dot(w, x) + b);
    if (loss > 0) step(x, loss, y);
  }
  double predict_value(const float* x) const { return dot(w, x) + b; }
  void partial_fit_regression(const float* x, double y) {
    const double r = y - predict_value(x);
    const double loss = std::fabs(r) - 0.1;
    if (loss > 0) step(x, loss, r < 0 ? -1.0 : 1.0);
  }
};

struct naive_alma {
  std::vector<double> w = std::vector<double>(features, 0.0);
  double k = 1;
  int predict(const float* x) const { return dot(w, x) > 0 ? 1 : 0; }
  void partial_fit(const float* x, int label) {
    const double y = label == 1 ? 1.0 : -1.0;
    const double gamma = (1.0 / 0.9) / std::sqrt(k);
    if (y * dot(w, x) >= 0.1 * gamma) return;
    const double eta = std::sqrt(2.0) / std::sqrt(k);
    double n = 0;
    for (std::size_t i = 0; i < features; ++i) {
      w[i] += eta * y * x[i];
      n += w[i] * w[i];
    }
    n = std::sqrt(n);
    if (n > 1)
      for (auto& v : w) v /= n;
    k += 1;
  }
};

/// One-vs-rest over naive perceptrons.
struct naive_ovr_perceptron {
  std::vector<naive_perceptron> l = std::vector<naive_perceptron>(4);
  int predict(const float* x) const {
    int best = 0;
    for (int c = 1; c < 4; ++c)
      if (l[static_cast<std::size_t>(c)].score(x) > l[static_cast<std::size_t>(best)].score(x)) best = c;
    return best;
  }
  void partial_fit(const float* x, int label) {
    for (int c = 0; c < 4; ++c) l[static_cast<std::size_t>(c)].partial_fit(x, c == label ? 1 : 0);
  }
};

// ---- benchmark loops ---------------------------------------------------------------------

template <class Model, class Label>
void classify_loop(benchmark::State& state, Model& model, Label label, double memory) {
  const auto& d = data();
  std::size_t i = 0, hits = 0;
  for (auto _ : state) {
    const auto& s = d[i];
    hits += model.predict(s.x) == label(s);
    benchmark::DoNotOptimize(model.partial_fit(s.x, label(s)));
    i = (i + 1) % batch;
  }
  benchmark::DoNotOptimize(hits);
  state.SetItemsProcessed(state.iterations());
  state.counters["memory_bytes"] = memory;
}

template <class Model, class Label>
void naive_classify_loop(benchmark::State& state, Model& model, Label label) {
  const auto& d = data();
  std::size_t i = 0, hits = 0;
  for (auto _ : state) {
    const auto& s = d[i];
    hits += model.predict(s.x.data()) == label(s);
    model.partial_fit(s.x.data(), label(s));
    i = (i + 1) % batch;
  }
  benchmark::DoNotOptimize(hits);
  state.SetItemsProcessed(state.iterations());
}

const auto binary_label = [](const row& r) { return r.y; };
const auto four_label = [](const row& r) { return r.y4; };

/// classify_loop over a Model built from p, reporting its memory_bytes.
template <class Model, class Label>
void learn_predict(benchmark::State& state, Label label, const typename Model::params& p = {}) {
  Model m(p);
  classify_loop(state, m, label, double(Model::memory_bytes));
}
/// naive_classify_loop over a naive reference.
template <class Naive, class Label>
void naive_learn_predict(benchmark::State& state, Label label, Naive m = Naive{}) {
  naive_classify_loop(state, m, label);
}

template <std::size_t Classes>
using sgd_classifier = edgeloop::sgd_classifier<float, features, Classes>;
template <std::size_t Classes>
typename sgd_classifier<Classes>::params sgd_log_loss() {
  typename sgd_classifier<Classes>::params p;
  p.loss = edgeloop::sgd_loss::log_loss;
  return p;
}
using perceptron = edgeloop::perceptron<float, features>;

void BM_SgdClassifierLogLearnPredict(benchmark::State& state) {
  learn_predict<sgd_classifier<2>>(state, binary_label, sgd_log_loss<2>());
}
BENCHMARK(BM_SgdClassifierLogLearnPredict);
void BM_NaiveSgdLogLearnPredict(benchmark::State& state) { naive_learn_predict(state, binary_label, naive_sgd{true}); }
BENCHMARK(BM_NaiveSgdLogLearnPredict);

void BM_SgdClassifierHingeLearnPredict(benchmark::State& state) { learn_predict<sgd_classifier<2>>(state, binary_label); }
BENCHMARK(BM_SgdClassifierHingeLearnPredict);
void BM_NaiveSgdHingeLearnPredict(benchmark::State& state) { naive_learn_predict(state, binary_label, naive_sgd{false}); }
BENCHMARK(BM_NaiveSgdHingeLearnPredict);

void BM_SgdClassifierSoftmax4LearnPredict(benchmark::State& state) {
  learn_predict<sgd_classifier<4>>(state, four_label, sgd_log_loss<4>());
}
BENCHMARK(BM_SgdClassifierSoftmax4LearnPredict);

void BM_PerceptronLearnPredict(benchmark::State& state) { learn_predict<perceptron>(state, binary_label); }
BENCHMARK(BM_PerceptronLearnPredict);
void BM_NaivePerceptronLearnPredict(benchmark::State& state) {
  naive_learn_predict<naive_perceptron>(state, binary_label);
}
BENCHMARK(BM_NaivePerceptronLearnPredict);

void BM_OneVsRestPerceptron4LearnPredict(benchmark::State& state) {
  learn_predict<edgeloop::one_vs_rest<perceptron, 4>>(state, four_label);
}
BENCHMARK(BM_OneVsRestPerceptron4LearnPredict);
void BM_NaiveOneVsRestPerceptron4LearnPredict(benchmark::State& state) {
  naive_learn_predict<naive_ovr_perceptron>(state, four_label);
}
BENCHMARK(BM_NaiveOneVsRestPerceptron4LearnPredict);

void BM_PassiveAggressiveLearnPredict(benchmark::State& state) {
  learn_predict<edgeloop::passive_aggressive_classifier<float, features>>(state, binary_label);
}
BENCHMARK(BM_PassiveAggressiveLearnPredict);
void BM_NaivePassiveAggressiveLearnPredict(benchmark::State& state) {
  naive_learn_predict<naive_pa>(state, binary_label);
}
BENCHMARK(BM_NaivePassiveAggressiveLearnPredict);

void BM_AlmaLearnPredict(benchmark::State& state) {
  learn_predict<edgeloop::alma<float, features>>(state, binary_label);
}
BENCHMARK(BM_AlmaLearnPredict);
void BM_NaiveAlmaLearnPredict(benchmark::State& state) { naive_learn_predict<naive_alma>(state, binary_label); }
BENCHMARK(BM_NaiveAlmaLearnPredict);

template <class Model, class Fit, class Predict>
void regress_loop(benchmark::State& state, Model& m, Fit fit, Predict predict) {
  const auto& d = data();
  std::size_t i = 0;
  double err = 0;
  for (auto _ : state) {
    const auto& s = d[i];
    err += std::fabs(static_cast<double>(predict(m, s)) - s.t);
    fit(m, s);
    i = (i + 1) % batch;
  }
  benchmark::DoNotOptimize(err);
  state.SetItemsProcessed(state.iterations());
}

/// regress_loop over a Model learning (x, t), reporting its memory_bytes.
template <class Model>
void regress(benchmark::State& state) {
  Model m;
  regress_loop(
      state, m, [](auto& mm, const row& s) { benchmark::DoNotOptimize(mm.partial_fit(s.x, s.t)); },
      [](const auto& mm, const row& s) { return mm.predict(s.x); });
  state.counters["memory_bytes"] = double(Model::memory_bytes);
}

void BM_SgdRegressorLearnPredict(benchmark::State& state) { regress<edgeloop::sgd_regressor<float, features>>(state); }
BENCHMARK(BM_SgdRegressorLearnPredict);
void BM_NaiveSgdRegressorLearnPredict(benchmark::State& state) {
  naive_sgd_regressor m;
  regress_loop(
      state, m, [](auto& mm, const row& s) { mm.partial_fit(s.x.data(), s.t); },
      [](const auto& mm, const row& s) { return mm.predict(s.x.data()); });
}
BENCHMARK(BM_NaiveSgdRegressorLearnPredict);

void BM_PassiveAggressiveRegressorLearnPredict(benchmark::State& state) {
  regress<edgeloop::passive_aggressive_regressor<float, features>>(state);
}
BENCHMARK(BM_PassiveAggressiveRegressorLearnPredict);
void BM_NaivePassiveAggressiveRegressorLearnPredict(benchmark::State& state) {
  naive_pa m;
  regress_loop(
      state, m, [](auto& mm, const row& s) { mm.partial_fit_regression(s.x.data(), s.t); },
      [](const auto& mm, const row& s) { return mm.predict_value(s.x.data()); });
}
BENCHMARK(BM_NaivePassiveAggressiveRegressorLearnPredict);

}  // namespace
