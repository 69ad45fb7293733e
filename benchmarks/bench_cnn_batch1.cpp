// Batch-1 inference of issue 7's Fashion-MNIST CNN, conv3x3(8)-pool-conv3x3(16)-pool-
// dense64-dense10 (27,562 parameters; fashion_mnist --model cnn-plain), one 28x28x1 image
// per iteration: edgeloop's float network (nn::sequential::forward) and its int8 twin
// (quant::quantized_sequential::predict: quantize the image, int8 layers, arg max), against
// a naive int8 forward measured in the same run (textbook loops over unpacked OHWI
// weights, the same TFLite requantization; its outputs are checked equal to the twin's
// first). PyTorch's float and int8 (fbgemm) figures for the same network come from
// examples/host/fashion_mnist/pytorch_batch1.py, which can run this benchmark alongside.
// Random weights (He init), 64 random "images" (half zeros, as Fashion-MNIST's pixels),
// min/max calibration on them. Items are images. BM_CnnInt8Step/<i> times the int8
// forward's steps one at a time (0: quantize the image, 1: conv 28x28x1->26x26x8,
// 2: max pool, 3: conv 13x13x8->11x11x16, 4: max pool, 5: dense 400->64, 6: dense 64->10)
// on random int8 inputs, for the per-layer breakdown.

#include <benchmark/benchmark.h>

#include <array>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <vector>

#include "edgeloop/core/rng.hpp"
#include "edgeloop/nn/conv2d.hpp"
#include "edgeloop/nn/dense.hpp"
#include "edgeloop/nn/flatten.hpp"
#include "edgeloop/nn/max_pool2d.hpp"
#include "edgeloop/nn/relu.hpp"
#include "edgeloop/nn/sequential.hpp"
#include "edgeloop/quant/calibration.hpp"
#include "edgeloop/quant/conv2d.hpp"
#include "edgeloop/quant/pooling.hpp"
#include "edgeloop/quant/post_training.hpp"

namespace {

namespace nn = edgeloop::nn;
namespace q = edgeloop::quant;

using cnn = nn::sequential<float, nn::shape<28, 28, 1>, nn::conv2d<8, 3, 1, nn::padding::valid>, nn::relu,
                           nn::max_pool2d<2>, nn::conv2d<16, 3, 1, nn::padding::valid>, nn::relu, nn::max_pool2d<2>,
                           nn::flatten, nn::dense<64>, nn::relu, nn::dense<10>>;
using twin = q::quantized_sequential<cnn>;
static_assert(cnn::param_count == 27562);
constexpr std::size_t image_count = 64;
using image = cnn::input_type;

/// Textbook int8 CNN over the twin's parameters, unpacked to plain OHWI rows.
class naive_int8_cnn {
 public:
  explicit naive_int8_cnn(const twin& t) : t_(t) {
    for (std::size_t j = 0; j < twin::blocks; ++j) {
      const std::size_t depth = twin::block_inputs(j), rows = twin::block_outputs(j);
      w_[j].resize(rows * depth);
      for (std::size_t o = 0; o < rows; ++o)
        for (std::size_t k = 0; k < depth; ++k) w_[j][o * depth + k] = t.weight(j, o, k);
    }
  }

  edgeloop::class_label predict(const image& x) {
    std::vector<std::int8_t> in(x.size());
    t_.quantize_input(x, in.data());
    conv(0, in, a_, 28, 28, 1, 8);
    pool(a_, p_, 26, 26, 8);
    conv(1, p_, a_, 13, 13, 8, 16);
    pool(a_, p_, 11, 11, 16);
    dense(2, p_, a_);
    dense(3, a_, p_);
    std::size_t best = 0;
    for (std::size_t o = 1; o < 10; ++o) best = p_[o] > p_[best] ? o : best;
    return static_cast<edgeloop::class_label>(best);
  }
  const std::vector<std::int8_t>& logits() const { return p_; }

 private:
  void conv(std::size_t j, const std::vector<std::int8_t>& x, std::vector<std::int8_t>& y, std::size_t h,
            std::size_t w, std::size_t c, std::size_t oc) const {
    const std::size_t oh = h - 2, ow = w - 2;
    const std::int32_t zp = t_.tensor_params(j).zero_point;
    y.assign(oh * ow * oc, 0);
    for (std::size_t oy = 0; oy < oh; ++oy)
      for (std::size_t ox = 0; ox < ow; ++ox)
        for (std::size_t o = 0; o < oc; ++o) {
          std::int32_t acc = t_.bias(j, o);
          for (std::size_t ky = 0; ky < 3; ++ky)
            for (std::size_t kx = 0; kx < 3; ++kx)
              for (std::size_t ci = 0; ci < c; ++ci)
                acc += std::int32_t{w_[j][(o * 9 + ky * 3 + kx) * c + ci]} *
                       (std::int32_t{x[((oy + ky) * w + ox + kx) * c + ci]} - zp);
          y[(oy * ow + ox) * oc + o] = q::requantize(acc, t_.multiplier(j, o), t_.stage(j));
        }
  }
  static void pool(const std::vector<std::int8_t>& x, std::vector<std::int8_t>& y, std::size_t h, std::size_t w,
                   std::size_t c) {
    const std::size_t oh = h / 2, ow = w / 2;
    y.assign(oh * ow * c, 0);
    for (std::size_t oy = 0; oy < oh; ++oy)
      for (std::size_t ox = 0; ox < ow; ++ox)
        for (std::size_t ch = 0; ch < c; ++ch) {
          std::int8_t m = -128;
          for (std::size_t dy = 0; dy < 2; ++dy)
            for (std::size_t dx = 0; dx < 2; ++dx) {
              const std::int8_t v = x[((2 * oy + dy) * w + 2 * ox + dx) * c + ch];
              m = v > m ? v : m;
            }
          y[(oy * ow + ox) * c + ch] = m;
        }
  }
  void dense(std::size_t j, const std::vector<std::int8_t>& x, std::vector<std::int8_t>& y) const {
    const std::size_t depth = twin::block_inputs(j), rows = twin::block_outputs(j);
    const std::int32_t zp = t_.tensor_params(j).zero_point;
    y.assign(rows, 0);
    for (std::size_t o = 0; o < rows; ++o) {
      std::int32_t acc = t_.bias(j, o);
      for (std::size_t k = 0; k < depth; ++k) acc += std::int32_t{w_[j][o * depth + k]} * (std::int32_t{x[k]} - zp);
      y[o] = q::requantize(acc, t_.multiplier(j, o), t_.stage(j));
    }
  }

  const twin& t_;
  std::array<std::vector<std::int8_t>, twin::blocks> w_;
  std::vector<std::int8_t> a_, p_;
};

struct cnn_case {
  std::unique_ptr<cnn> net = std::make_unique<cnn>(1);
  std::unique_ptr<twin> int8_net = std::make_unique<twin>();
  std::vector<image> images = std::vector<image>(image_count);
  bool ok = true;  ///< calibration and build succeeded, and the naive forward agrees with the twin

  cnn_case() {
    edgeloop::rng r(3);
    for (auto& x : images)
      for (auto& v : x) v = r.uniform<float>() < 0.5f ? 0.0f : r.uniform<float>();
    auto cal = std::make_unique<q::calibrator<cnn>>();
    for (const auto& x : images) ok = ok && cal->observe(*net, x) == edgeloop::status::ok;
    std::array<q::quant_params, twin::tensors> ranges{};
    ok = ok && cal->ranges(ranges) == edgeloop::status::ok && int8_net->build(*net, ranges) == edgeloop::status::ok;
    naive_int8_cnn naive(*int8_net);
    for (const auto& x : images) {
      std::array<std::int8_t, 784> xq;
      std::array<std::int8_t, 10> y;
      int8_net->quantize_input(x, xq.data());
      int8_net->forward(xq.data(), y.data());
      (void)naive.predict(x);
      for (std::size_t o = 0; o < 10; ++o) ok = ok && naive.logits()[o] == y[o];
    }
  }
};
cnn_case& the_case() {
  static cnn_case c;
  return c;
}

void BM_CnnBatch1Float(benchmark::State& state) {
  const cnn_case& c = the_case();
  std::size_t i = 0;
  for (auto _ : state) {
    auto z = c.net->forward(c.images[i++ % image_count]);
    benchmark::DoNotOptimize(z);
  }
  state.SetItemsProcessed(state.iterations());
  state.counters["parameters"] = static_cast<double>(cnn::param_count);
}
BENCHMARK(BM_CnnBatch1Float);

void BM_CnnBatch1Int8(benchmark::State& state) {
  const cnn_case& c = the_case();
  if (!c.ok) state.SkipWithError("int8 twin: calibration, build or naive check failed");
  std::size_t i = 0;
  for (auto _ : state) {
    auto label = c.int8_net->predict(c.images[i++ % image_count]);
    benchmark::DoNotOptimize(label);
  }
  state.SetItemsProcessed(state.iterations());
  state.counters["memory_bytes"] = static_cast<double>(twin::memory_bytes);
}
BENCHMARK(BM_CnnBatch1Int8);

void BM_NaiveCnnBatch1Int8(benchmark::State& state) {
  cnn_case& c = the_case();
  if (!c.ok) state.SkipWithError("int8 twin: calibration, build or naive check failed");
  naive_int8_cnn naive(*c.int8_net);
  std::size_t i = 0;
  for (auto _ : state) {
    auto label = naive.predict(c.images[i++ % image_count]);
    benchmark::DoNotOptimize(label);
  }
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_NaiveCnnBatch1Int8);

void BM_CnnInt8Step(benchmark::State& state) {
  const cnn_case& c = the_case();
  if (!c.ok) state.SkipWithError("int8 twin: calibration, build or naive check failed");
  const auto step = static_cast<std::size_t>(state.range(0));
  std::vector<std::int8_t> in(28 * 28 * 8), out(28 * 28 * 8);
  edgeloop::rng r(5);
  for (auto& v : in) v = static_cast<std::int8_t>(static_cast<int>(r.uniform_int(256)) - 128);
  const std::size_t conv_block[] = {0, 0, 0, 1, 1, 2, 3};  // the block whose layer or pooling each step is
  const q::conv2d_layer l = c.int8_net->layer(conv_block[step]);
  const q::pool2d_layer pool{l.out_h(), l.out_w(), l.out_channels, 2, 2, 2, 2, q::padding::valid, -128, 127};
  for (auto _ : state) {
    if (step == 0) c.int8_net->quantize_input(c.images[0], out.data());
    else if (step == 2 || step == 4) q::max_pool2d(pool, in.data(), out.data());
    else q::conv2d(l, in.data(), out.data());
    benchmark::DoNotOptimize(out.data());
    benchmark::ClobberMemory();
  }
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_CnnInt8Step)->DenseRange(0, 6);

}  // namespace
