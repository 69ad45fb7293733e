// int8 kernels on the host (portable path) against a naive reference measured in the same
// run: textbook loops over the unpacked TFLite layouts (OHWI weights, NHWC activations),
// the zero point subtracted per element, int64 accumulators, TFLite's requantization per
// output. Shapes are those of the board benchmark (benchmarks/target/bench_int8.cpp):
// dense 784->128, conv 3x3 16x16x16->32 SAME, depthwise 3x3 16x16x32 SAME, conv 1x1
// 16x16x32->64. Items are multiply-accumulates.

#include <benchmark/benchmark.h>

#include <cstddef>
#include <cstdint>
#include <vector>

#include "edgeloop/core/rng.hpp"
#include "edgeloop/quant/conv2d.hpp"
#include "edgeloop/quant/dense.hpp"
#include "edgeloop/quant/depthwise_conv2d.hpp"

namespace {
namespace q = edgeloop::quant;

std::vector<std::int8_t> random_bytes(std::size_t n, std::uint64_t seed, int low = -128) {
  edgeloop::rng r(seed);
  std::vector<std::int8_t> v(n);
  for (auto& x : v) x = static_cast<std::int8_t>(low + static_cast<int>(r.uniform_int(static_cast<std::uint32_t>(128 - low))));
  return v;
}

std::int8_t naive_requantize(std::int64_t acc, q::quantized_multiplier m, const q::output_stage& s) {
  return q::requantize(static_cast<std::int32_t>(acc), m, s);
}

/// Textbook convolution (depthwise when `depthwise`), NHWC / OHWI, SAME or VALID.
void naive_conv(const std::int8_t* x, const std::int8_t* w, const std::int32_t* bias, std::size_t h, std::size_t wd,
                std::size_t c, std::size_t oc, std::size_t k, bool same, bool depthwise, std::int32_t zx,
                const q::quantized_multiplier* m, const q::output_stage& s, std::int8_t* y) {
  const long pad = same ? static_cast<long>(k - 1) / 2 : 0;
  const std::size_t oh = same ? h : h - k + 1, ow = same ? wd : wd - k + 1;
  for (std::size_t oy = 0; oy < oh; ++oy)
    for (std::size_t ox = 0; ox < ow; ++ox)
      for (std::size_t o = 0; o < oc; ++o) {
        std::int64_t acc = bias[o];
        for (std::size_t ky = 0; ky < k; ++ky)
          for (std::size_t kx = 0; kx < k; ++kx) {
            const long iy = static_cast<long>(oy + ky) - pad, ix = static_cast<long>(ox + kx) - pad;
            if (iy < 0 || ix < 0 || iy >= static_cast<long>(h) || ix >= static_cast<long>(wd)) continue;
            const std::int8_t* px = x + (static_cast<std::size_t>(iy) * wd + static_cast<std::size_t>(ix)) * c;
            if (depthwise) {
              acc += std::int64_t{w[(ky * k + kx) * c + o]} * (px[o] - zx);
            } else {
              for (std::size_t ci = 0; ci < c; ++ci) acc += std::int64_t{w[((o * k + ky) * k + kx) * c + ci]} * (px[ci] - zx);
            }
          }
        y[(oy * ow + ox) * oc + o] = naive_requantize(acc, m[o], s);
      }
}

struct conv_case {
  std::size_t h, w, c, oc, k;
  bool same, depthwise;
  std::vector<std::int8_t> x, weights, packed, y;
  std::vector<std::int32_t> bias;
  std::vector<q::quantized_multiplier> m;
  std::int32_t zx = -7;
  q::output_stage s{3, -128, 127};

  conv_case(std::size_t h_, std::size_t w_, std::size_t c_, std::size_t oc_, std::size_t k_, bool same_, bool dw)
      : h(h_), w(w_), c(c_), oc(oc_), k(k_), same(same_), depthwise(dw) {
    x = random_bytes(h * w * c, 1);
    weights = random_bytes(dw ? k * k * c : oc * k * k * c, 2, -127);
    packed = weights;
    if (!dw) q::pack_weights(weights.data(), oc, k * k * c, packed.data());
    y.assign(h * w * oc, 0);
    bias.assign(oc, 0);
    m.assign(oc, q::quantize_multiplier(1.0 / 1024.0));
    edgeloop::rng r(3);
    for (auto& b : bias) b = static_cast<std::int32_t>(r.uniform_int(20001)) - 10000;
  }
  std::int64_t macs() const {
    const std::size_t oh = same ? h : h - k + 1, ow = same ? w : w - k + 1;
    return static_cast<std::int64_t>(oh * ow * oc * k * k * (depthwise ? 1 : c));
  }
};

template <bool Naive>
void run_conv(benchmark::State& state, conv_case& cc) {
  const q::padding pad = cc.same ? q::padding::same : q::padding::valid;
  const q::conv2d_layer conv{cc.h, cc.w, cc.c, cc.oc, cc.k, cc.k, 1, 1, pad, cc.packed.data(), cc.bias.data(),
                             cc.m.data(), cc.zx, cc.s};
  const q::depthwise_conv2d_layer dw{cc.h, cc.w, cc.c, cc.k, cc.k, 1, 1, pad, cc.packed.data(), cc.bias.data(),
                                     cc.m.data(), cc.zx, cc.s};
  for (auto _ : state) {
    if constexpr (Naive)
      naive_conv(cc.x.data(), cc.weights.data(), cc.bias.data(), cc.h, cc.w, cc.c, cc.oc, cc.k, cc.same, cc.depthwise,
                 cc.zx, cc.m.data(), cc.s, cc.y.data());
    else if (cc.depthwise)
      q::depthwise_conv2d(dw, cc.x.data(), cc.y.data());
    else
      q::conv2d(conv, cc.x.data(), cc.y.data());
    benchmark::DoNotOptimize(cc.y.data());
    benchmark::ClobberMemory();
  }
  state.SetItemsProcessed(state.iterations() * cc.macs());
}

conv_case& conv3x3() { static conv_case c(16, 16, 16, 32, 3, true, false); return c; }
conv_case& dwconv3x3() { static conv_case c(16, 16, 32, 32, 3, true, true); return c; }
conv_case& conv1x1() { static conv_case c(16, 16, 32, 64, 1, false, false); return c; }

void BM_Int8Conv3x3(benchmark::State& s) { run_conv<false>(s, conv3x3()); }
void BM_NaiveInt8Conv3x3(benchmark::State& s) { run_conv<true>(s, conv3x3()); }
void BM_Int8DepthwiseConv3x3(benchmark::State& s) { run_conv<false>(s, dwconv3x3()); }
void BM_NaiveInt8DepthwiseConv3x3(benchmark::State& s) { run_conv<true>(s, dwconv3x3()); }
void BM_Int8Conv1x1(benchmark::State& s) { run_conv<false>(s, conv1x1()); }
void BM_NaiveInt8Conv1x1(benchmark::State& s) { run_conv<true>(s, conv1x1()); }
BENCHMARK(BM_Int8Conv3x3);
BENCHMARK(BM_NaiveInt8Conv3x3);
BENCHMARK(BM_Int8DepthwiseConv3x3);
BENCHMARK(BM_NaiveInt8DepthwiseConv3x3);
BENCHMARK(BM_Int8Conv1x1);
BENCHMARK(BM_NaiveInt8Conv1x1);

struct dense_case {
  static constexpr std::size_t in = 784, out = 128;
  std::vector<std::int8_t> x = random_bytes(in, 4), w = random_bytes(in * out, 5, -127), packed = w, y =
      std::vector<std::int8_t>(out);
  std::vector<std::int32_t> bias = std::vector<std::int32_t>(out, 1000), folded = bias;
  std::int32_t zx = 11;
  q::quantized_multiplier m = q::quantize_multiplier(1.0 / 2048.0);
  q::output_stage s{-5, -128, 127};
  dense_case() {
    q::pack_weights(w.data(), out, in, packed.data());
    q::fold_input_zero_point(packed.data(), bias.data(), out, in, zx, folded.data());
  }
};
dense_case& dense784() { static dense_case d; return d; }

void BM_Int8Dense784x128(benchmark::State& state) {
  dense_case& d = dense784();
  const q::dense_layer layer{d.in, d.out, d.packed.data(), d.folded.data(), d.m, d.s};
  for (auto _ : state) {
    q::dense(layer, d.x.data(), d.y.data());
    benchmark::DoNotOptimize(d.y.data());
    benchmark::ClobberMemory();
  }
  state.SetItemsProcessed(state.iterations() * static_cast<std::int64_t>(d.in * d.out));
}
void BM_NaiveInt8Dense784x128(benchmark::State& state) {
  dense_case& d = dense784();
  for (auto _ : state) {
    for (std::size_t o = 0; o < d.out; ++o) {
      std::int64_t acc = d.bias[o];
      for (std::size_t k = 0; k < d.in; ++k) acc += std::int64_t{d.w[o * d.in + k]} * (d.x[k] - d.zx);
      d.y[o] = naive_requantize(acc, d.m, d.s);
    }
    benchmark::DoNotOptimize(d.y.data());
    benchmark::ClobberMemory();
  }
  state.SetItemsProcessed(state.iterations() * static_cast<std::int64_t>(d.in * d.out));
}
BENCHMARK(BM_Int8Dense784x128);
BENCHMARK(BM_NaiveInt8Dense784x128);

}  // namespace
