// nn: MLP 784-128-10 (relu, softmax cross-entropy, Adam) on random 28x28 "images": one
// forward pass per sample, and one batch-size-1 training step per sample (forward,
// backward, Adam update of all 101,770 parameters), against a naive reference measured in
// the same run: the textbook implementation with plain loops over std::vector (row-major
// weights, the same arithmetic and the same Adam update, no Eigen).

#include <benchmark/benchmark.h>

#include <array>
#include <cmath>
#include <cstddef>
#include <memory>
#include <vector>

#include "edgeloop/core/rng.hpp"
#include "edgeloop/nn/dense.hpp"
#include "edgeloop/nn/learner.hpp"
#include "edgeloop/nn/relu.hpp"

namespace {

namespace nn = edgeloop::nn;
constexpr std::size_t in = 784, hidden = 128, out = 10, count = 256;
using image = std::array<float, in>;
using mlp = nn::sequential<float, nn::shape<in>, nn::dense<hidden>, nn::relu, nn::dense<out>>;
using model = nn::classifier<mlp, nn::adam, 1>;

struct sample_set {
  std::vector<image> x;
  std::vector<edgeloop::class_label> y;
};

const sample_set& samples() {
  static const sample_set s = [] {
    sample_set d;
    d.x.resize(count);
    d.y.resize(count);
    edgeloop::rng r(3);
    for (std::size_t i = 0; i < count; ++i) {
      for (auto& v : d.x[i]) v = r.uniform<float>() < 0.5f ? 0.0f : r.uniform<float>();  // half zeros, as images
      d.y[i] = static_cast<edgeloop::class_label>(r.uniform_int(out));
    }
    return d;
  }();
  return s;
}

/// Textbook MLP with plain loops: the baseline.
class naive_mlp {
 public:
  naive_mlp() : w1_(hidden * in), b1_(hidden), w2_(out * hidden), b2_(out) {
    edgeloop::rng r(1);
    const float a1 = std::sqrt(6.0f / in), a2 = std::sqrt(6.0f / hidden);
    for (auto& v : w1_) v = r.uniform<float>(-a1, a1);
    for (auto& v : w2_) v = r.uniform<float>(-a2, a2);
    const std::size_t n = w1_.size() + b1_.size() + w2_.size() + b2_.size();
    m_.assign(n, 0.0f);
    v_.assign(n, 0.0f);
  }
  int predict(const image& x) {
    forward(x);
    int best = 0;
    for (std::size_t k = 1; k < out; ++k)
      if (z_[k] > z_[static_cast<std::size_t>(best)]) best = static_cast<int>(k);
    return best;
  }
  void train(const image& x, std::size_t y) {
    forward(x);
    float top = z_[0], sum = 0;
    for (std::size_t k = 1; k < out; ++k) top = z_[k] > top ? z_[k] : top;
    std::array<float, out> g{};
    for (std::size_t k = 0; k < out; ++k) sum += (g[k] = std::exp(z_[k] - top));
    for (std::size_t k = 0; k < out; ++k) g[k] /= sum;
    g[y] -= 1.0f;
    std::vector<float> gw1(w1_.size()), gb1(hidden), gw2(w2_.size()), gh(hidden, 0.0f);
    for (std::size_t k = 0; k < out; ++k) {
      for (std::size_t j = 0; j < hidden; ++j) {
        gw2[k * hidden + j] = g[k] * h_[j];
        gh[j] += w2_[k * hidden + j] * g[k];
      }
    }
    for (std::size_t j = 0; j < hidden; ++j) {
      gb1[j] = h_[j] > 0 ? gh[j] : 0.0f;
      for (std::size_t i = 0; i < in; ++i) gw1[j * in + i] = gb1[j] * x[i];
    }
    ++t_;
    std::size_t o = 0;
    adam(w1_, gw1, o);
    adam(b1_, gb1, o);
    adam(w2_, gw2, o);
    std::vector<float> gb2(g.begin(), g.end());
    adam(b2_, gb2, o);
  }

 private:
  void forward(const image& x) {
    for (std::size_t j = 0; j < hidden; ++j) {
      float s = b1_[j];
      for (std::size_t i = 0; i < in; ++i) s += w1_[j * in + i] * x[i];
      h_[j] = s > 0 ? s : 0;
    }
    for (std::size_t k = 0; k < out; ++k) {
      float s = b2_[k];
      for (std::size_t j = 0; j < hidden; ++j) s += w2_[k * hidden + j] * h_[j];
      z_[k] = s;
    }
  }
  void adam(std::vector<float>& w, const std::vector<float>& g, std::size_t& o) {
    const float b1 = 0.9f, b2 = 0.999f, lr = 1e-3f, eps = 1e-8f;
    const float c1 = 1.0f - std::pow(b1, static_cast<float>(t_)), c2 = 1.0f - std::pow(b2, static_cast<float>(t_));
    for (std::size_t i = 0; i < w.size(); ++i, ++o) {
      m_[o] = b1 * m_[o] + (1 - b1) * g[i];
      v_[o] = b2 * v_[o] + (1 - b2) * g[i] * g[i];
      w[i] -= lr * (m_[o] / c1) / (std::sqrt(v_[o] / c2) + eps);
    }
  }
  std::vector<float> w1_, b1_, w2_, b2_, m_, v_;
  std::array<float, hidden> h_{};
  std::array<float, out> z_{};
  long t_ = 0;
};

void BM_NnMlpTrainStep(benchmark::State& state) {
  const auto& d = samples();
  auto m = std::make_unique<model>();
  std::size_t i = 0;
  for (auto _ : state) {
    benchmark::DoNotOptimize(m->partial_fit(d.x[i], d.y[i]));
    i = (i + 1) % count;
  }
  state.SetItemsProcessed(static_cast<std::int64_t>(state.iterations()));
  state.counters["memory_bytes"] = static_cast<double>(model::memory_bytes);
}
BENCHMARK(BM_NnMlpTrainStep);

void BM_NaiveMlpTrainStep(benchmark::State& state) {
  const auto& d = samples();
  naive_mlp m;
  std::size_t i = 0;
  for (auto _ : state) {
    m.train(d.x[i], d.y[i]);
    benchmark::ClobberMemory();
    i = (i + 1) % count;
  }
  state.SetItemsProcessed(static_cast<std::int64_t>(state.iterations()));
}
BENCHMARK(BM_NaiveMlpTrainStep);

void BM_NnMlpForward(benchmark::State& state) {
  const auto& d = samples();
  auto m = std::make_unique<model>();
  std::size_t i = 0;
  for (auto _ : state) {
    benchmark::DoNotOptimize(m->predict(d.x[i]));
    i = (i + 1) % count;
  }
  state.SetItemsProcessed(static_cast<std::int64_t>(state.iterations()));
  state.counters["memory_bytes"] = static_cast<double>(mlp::inference_bytes);
}
BENCHMARK(BM_NnMlpForward);

void BM_NaiveMlpForward(benchmark::State& state) {
  const auto& d = samples();
  naive_mlp m;
  std::size_t i = 0;
  for (auto _ : state) {
    benchmark::DoNotOptimize(m.predict(d.x[i]));
    i = (i + 1) % count;
  }
  state.SetItemsProcessed(static_cast<std::int64_t>(state.iterations()));
}
BENCHMARK(BM_NaiveMlpForward);

}  // namespace
