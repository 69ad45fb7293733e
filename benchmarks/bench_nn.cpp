// nn: MLP 784-128-10 (relu, softmax cross-entropy, Adam) on random 28x28 "images": one
// forward pass per sample, and one batch-size-1 training step per sample (forward,
// backward, Adam update of all 101,770 parameters), against a naive reference measured in
// the same run: the textbook implementation with plain loops over std::vector (row-major
// weights, the same arithmetic and the same Adam update, no Eigen). BM_NnMlpTrainStep is
// partial_fit (each layer updated as soon as its gradient is known, a dense layer's
// outer-product gradient never stored); BM_NnMlpTrainStepStoredGradient the same step with
// the whole gradient stored first. PyTorch on the same workload:
// examples/host/fashion_mnist/pytorch_reference.py --batch1-steps N --threads 1.
// CNN conv3x3(8)-pool-conv3x3(16)-pool-dense64-dense10 (27,562 parameters, issue 6's;
// fashion_mnist --model cnn-plain): forward and batch-size-1 training step per sample against a
// naive CNN (direct convolution loops over std::vector, the same Adam update).

#include <benchmark/benchmark.h>

#include <algorithm>
#include <array>
#include <cmath>
#include <cstddef>
#include <memory>
#include <span>
#include <vector>

#include "edgeloop/core/rng.hpp"
#include "edgeloop/nn/conv2d.hpp"
#include "edgeloop/nn/dense.hpp"
#include "edgeloop/nn/flatten.hpp"
#include "edgeloop/nn/learner.hpp"
#include "edgeloop/nn/max_pool2d.hpp"
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

/// The four loops every network is measured with: edgeloop's learner (training step =
/// partial_fit at batch 1, forward = predict) and the naive reference, cycling over the
/// same samples.
template <class Model>
void nn_train_step(benchmark::State& state) {
  const auto& d = samples();
  auto m = std::make_unique<Model>();
  std::size_t i = 0;
  for (auto _ : state) {
    benchmark::DoNotOptimize(m->partial_fit(d.x[i], d.y[i]));
    i = (i + 1) % count;
  }
  state.SetItemsProcessed(static_cast<std::int64_t>(state.iterations()));
  state.counters["memory_bytes"] = static_cast<double>(Model::memory_bytes);
}
/// The same step through the general path (train_minibatch of one sample: the whole
/// gradient is stored, then Adam steps over it), to show what updating each layer as soon
/// as its gradient is known (partial_fit at batch_size 1) saves. Same arithmetic, same bits.
template <class Model>
void nn_train_step_stored_gradient(benchmark::State& state) {
  const auto& d = samples();
  auto m = std::make_unique<Model>();
  const edgeloop::nn::span_dataset<image, edgeloop::class_label> data{d.x, d.y};
  std::uint16_t i = 0;
  for (auto _ : state) {
    edgeloop::nn::batch_result<float> result{};
    benchmark::DoNotOptimize(m->train_minibatch(data, std::span<const std::uint16_t>(&i, 1), result));
    i = static_cast<std::uint16_t>((i + 1) % count);
  }
  state.SetItemsProcessed(static_cast<std::int64_t>(state.iterations()));
}
template <class Model>
void nn_forward(benchmark::State& state) {
  const auto& d = samples();
  auto m = std::make_unique<Model>();
  std::size_t i = 0;
  for (auto _ : state) {
    benchmark::DoNotOptimize(m->predict(d.x[i]));
    i = (i + 1) % count;
  }
  state.SetItemsProcessed(static_cast<std::int64_t>(state.iterations()));
  state.counters["memory_bytes"] = static_cast<double>(Model::network_type::inference_bytes);
}
template <class Naive>
void naive_train_step(benchmark::State& state) {
  const auto& d = samples();
  auto m = std::make_unique<Naive>();
  std::size_t i = 0;
  for (auto _ : state) {
    m->train(d.x[i], d.y[i]);
    benchmark::ClobberMemory();
    i = (i + 1) % count;
  }
  state.SetItemsProcessed(static_cast<std::int64_t>(state.iterations()));
}
template <class Naive>
void naive_forward(benchmark::State& state) {
  const auto& d = samples();
  auto m = std::make_unique<Naive>();
  std::size_t i = 0;
  for (auto _ : state) {
    benchmark::DoNotOptimize(m->predict(d.x[i]));
    i = (i + 1) % count;
  }
  state.SetItemsProcessed(static_cast<std::int64_t>(state.iterations()));
}

void BM_NnMlpTrainStep(benchmark::State& state) { nn_train_step<model>(state); }
BENCHMARK(BM_NnMlpTrainStep);
void BM_NaiveMlpTrainStep(benchmark::State& state) { naive_train_step<naive_mlp>(state); }
BENCHMARK(BM_NaiveMlpTrainStep);
void BM_NnMlpTrainStepStoredGradient(benchmark::State& state) { nn_train_step_stored_gradient<model>(state); }
BENCHMARK(BM_NnMlpTrainStepStoredGradient);
void BM_NnMlpForward(benchmark::State& state) { nn_forward<model>(state); }
BENCHMARK(BM_NnMlpForward);
void BM_NaiveMlpForward(benchmark::State& state) { naive_forward<naive_mlp>(state); }
BENCHMARK(BM_NaiveMlpForward);

using cnn = nn::sequential<float, nn::shape<28, 28, 1>, nn::conv2d<8, 3, 1, nn::padding::valid>, nn::relu,
                           nn::max_pool2d<2>, nn::conv2d<16, 3, 1, nn::padding::valid>, nn::relu, nn::max_pool2d<2>,
                           nn::flatten, nn::dense<64>, nn::relu, nn::dense<out>>;
using cnn_model = nn::classifier<cnn, nn::adam, 1>;

/// Textbook CNN with plain loops (direct convolution, HWC activations, weights [f][kh][kw][c]):
/// the baseline. Same layers, the same Adam update.
class naive_cnn {
  struct conv {
    std::size_t h, w, c, f;  // input h x w x c, f filters, 3x3 valid
    std::vector<float> wt, b;
    std::size_t oh() const { return h - 2; }
    std::size_t ow() const { return w - 2; }
  };

 public:
  naive_cnn() : c1_{28, 28, 1, 8, {}, {}}, c2_{13, 13, 8, 16, {}, {}} {
    edgeloop::rng r(1);
    for (conv* c : {&c1_, &c2_}) {
      const float a = std::sqrt(6.0f / static_cast<float>(9 * c->c));
      c->wt.resize(c->f * 9 * c->c);
      for (auto& v : c->wt) v = r.uniform<float>(-a, a);
      c->b.assign(c->f, 0.0f);
    }
    const float a3 = std::sqrt(6.0f / 400.0f), a4 = std::sqrt(6.0f / 64.0f);
    w3_.resize(64 * 400);
    for (auto& v : w3_) v = r.uniform<float>(-a3, a3);
    b3_.assign(64, 0.0f);
    w4_.resize(out * 64);
    for (auto& v : w4_) v = r.uniform<float>(-a4, a4);
    b4_.assign(out, 0.0f);
    m_.assign(parameters(), 0.0f);
    v_.assign(parameters(), 0.0f);
  }
  std::size_t parameters() const { return c1_.wt.size() + 8 + c2_.wt.size() + 16 + w3_.size() + 64 + w4_.size() + out; }

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
    std::vector<float> gz(out);
    for (std::size_t k = 0; k < out; ++k) sum += (gz[k] = std::exp(z_[k] - top));
    for (std::size_t k = 0; k < out; ++k) gz[k] /= sum;
    gz[y] -= 1.0f;
    // dense 64 -> 10
    std::vector<float> gw4(w4_.size()), gh(64, 0.0f);
    for (std::size_t k = 0; k < out; ++k)
      for (std::size_t j = 0; j < 64; ++j) {
        gw4[k * 64 + j] = gz[k] * h_[j];
        gh[j] += w4_[k * 64 + j] * gz[k];
      }
    // relu, dense 400 -> 64
    std::vector<float> gw3(w3_.size()), gb3(64), gp2(400, 0.0f);
    for (std::size_t j = 0; j < 64; ++j) {
      gb3[j] = h_[j] > 0 ? gh[j] : 0.0f;
      for (std::size_t i = 0; i < 400; ++i) {
        gw3[j * 400 + i] = gb3[j] * p2_[i];
        gp2[i] += w3_[j * 400 + i] * gb3[j];
      }
    }
    // pool 2 and relu, then conv 2
    std::vector<float> ga2 = unpool(a2_, p2_, gp2, 11, 11, 16);
    for (std::size_t i = 0; i < ga2.size(); ++i) ga2[i] = a2_[i] > 0 ? ga2[i] : 0.0f;
    std::vector<float> gwc2(c2_.wt.size(), 0.0f), gbc2(16, 0.0f), gp1(p1_.size(), 0.0f);
    conv_backward(c2_, p1_, ga2, gwc2, gbc2, &gp1);
    std::vector<float> ga1 = unpool(a1_, p1_, gp1, 26, 26, 8);
    for (std::size_t i = 0; i < ga1.size(); ++i) ga1[i] = a1_[i] > 0 ? ga1[i] : 0.0f;
    std::vector<float> gwc1(c1_.wt.size(), 0.0f), gbc1(8, 0.0f);
    conv_backward(c1_, std::vector<float>(x.begin(), x.end()), ga1, gwc1, gbc1, nullptr);
    ++t_;
    std::size_t o = 0;
    adam(c1_.wt, gwc1, o);
    adam(c1_.b, gbc1, o);
    adam(c2_.wt, gwc2, o);
    adam(c2_.b, gbc2, o);
    adam(w3_, gw3, o);
    adam(b3_, gb3, o);
    adam(w4_, gw4, o);
    adam(b4_, gz, o);
  }

 private:
  static std::vector<float> conv_forward(const conv& c, const std::vector<float>& x) {
    std::vector<float> y(c.oh() * c.ow() * c.f);
    for (std::size_t oh = 0; oh < c.oh(); ++oh)
      for (std::size_t ow = 0; ow < c.ow(); ++ow)
        for (std::size_t f = 0; f < c.f; ++f) {
          float s = c.b[f];
          for (std::size_t kh = 0; kh < 3; ++kh)
            for (std::size_t kw = 0; kw < 3; ++kw)
              for (std::size_t ch = 0; ch < c.c; ++ch)
                s += c.wt[((f * 3 + kh) * 3 + kw) * c.c + ch] * x[((oh + kh) * c.w + ow + kw) * c.c + ch];
          y[(oh * c.ow() + ow) * c.f + f] = s > 0 ? s : 0;  // relu
        }
    return y;
  }
  static void conv_backward(const conv& c, const std::vector<float>& x, const std::vector<float>& gy,
                            std::vector<float>& gw, std::vector<float>& gb, std::vector<float>* gx) {
    for (std::size_t oh = 0; oh < c.oh(); ++oh)
      for (std::size_t ow = 0; ow < c.ow(); ++ow)
        for (std::size_t f = 0; f < c.f; ++f) {
          const float g = gy[(oh * c.ow() + ow) * c.f + f];
          gb[f] += g;
          for (std::size_t kh = 0; kh < 3; ++kh)
            for (std::size_t kw = 0; kw < 3; ++kw)
              for (std::size_t ch = 0; ch < c.c; ++ch) {
                const std::size_t wi = ((f * 3 + kh) * 3 + kw) * c.c + ch, xi = ((oh + kh) * c.w + ow + kw) * c.c + ch;
                gw[wi] += g * x[xi];
                if (gx != nullptr) (*gx)[xi] += g * c.wt[wi];
              }
        }
  }
  static std::vector<float> pool(const std::vector<float>& a, std::size_t h, std::size_t w, std::size_t c) {
    std::vector<float> p((h / 2) * (w / 2) * c);
    for (std::size_t i = 0; i < h / 2; ++i)
      for (std::size_t j = 0; j < w / 2; ++j)
        for (std::size_t ch = 0; ch < c; ++ch) {
          float m = a[((2 * i) * w + 2 * j) * c + ch];
          for (std::size_t di = 0; di < 2; ++di)
            for (std::size_t dj = 0; dj < 2; ++dj) m = std::max(m, a[((2 * i + di) * w + 2 * j + dj) * c + ch]);
          p[(i * (w / 2) + j) * c + ch] = m;
        }
    return p;
  }
  static std::vector<float> unpool(const std::vector<float>& a, const std::vector<float>& p, const std::vector<float>& gp,
                                   std::size_t h, std::size_t w, std::size_t c) {
    std::vector<float> ga(a.size(), 0.0f);
    for (std::size_t i = 0; i < h / 2; ++i)
      for (std::size_t j = 0; j < w / 2; ++j)
        for (std::size_t ch = 0; ch < c; ++ch) {
          const std::size_t pi = (i * (w / 2) + j) * c + ch;
          bool done = false;
          for (std::size_t di = 0; di < 2 && !done; ++di)
            for (std::size_t dj = 0; dj < 2 && !done; ++dj) {
              const std::size_t ai = ((2 * i + di) * w + 2 * j + dj) * c + ch;
              if (a[ai] == p[pi]) {
                ga[ai] += gp[pi];
                done = true;
              }
            }
        }
    return ga;
  }
  void forward(const image& x) {
    a1_ = conv_forward(c1_, std::vector<float>(x.begin(), x.end()));
    p1_ = pool(a1_, 26, 26, 8);
    a2_ = conv_forward(c2_, p1_);
    p2_ = pool(a2_, 11, 11, 16);
    for (std::size_t j = 0; j < 64; ++j) {
      float s = b3_[j];
      for (std::size_t i = 0; i < 400; ++i) s += w3_[j * 400 + i] * p2_[i];
      h_[j] = s > 0 ? s : 0;
    }
    for (std::size_t k = 0; k < out; ++k) {
      float s = b4_[k];
      for (std::size_t j = 0; j < 64; ++j) s += w4_[k * 64 + j] * h_[j];
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
  conv c1_, c2_;
  std::vector<float> w3_, b3_, w4_, b4_, m_, v_, a1_, p1_, a2_, p2_;
  std::array<float, 64> h_{};
  std::array<float, out> z_{};
  long t_ = 0;
};

void BM_NnCnnTrainStep(benchmark::State& state) { nn_train_step<cnn_model>(state); }
BENCHMARK(BM_NnCnnTrainStep);
void BM_NaiveCnnTrainStep(benchmark::State& state) { naive_train_step<naive_cnn>(state); }
BENCHMARK(BM_NaiveCnnTrainStep);
void BM_NnCnnForward(benchmark::State& state) { nn_forward<cnn_model>(state); }
BENCHMARK(BM_NnCnnForward);
void BM_NaiveCnnForward(benchmark::State& state) { naive_forward<naive_cnn>(state); }
BENCHMARK(BM_NaiveCnnForward);

}  // namespace
