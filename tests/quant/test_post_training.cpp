// post_training: the quantized twin of a small dense/relu/relu6 network
//  - its parameters are the TFLite scheme recomputed here (per-row max|w|/127, round,
//    bias / (s_in s_w), QuantizeMultiplier of the oracle, relu/relu6 clamps);
//  - its int8 outputs equal a plain reference (unpacked weights, int64 accumulators, the
//    oracle's requantization) bit for bit, on every kernel path;
//  - its dequantized outputs are within the propagated quantization error bound of the
//    float network (derivation below) on the calibration samples;
//  - bad weights, bad tensor parameters and non-finite calibration samples change nothing.
#include "edgeloop/quant/post_training.hpp"

#include <cmath>
#include <cstdint>

#include "edgeloop/nn/dense.hpp"
#include "edgeloop/nn/relu.hpp"
#include "edgeloop/nn/relu6.hpp"
#include "edgeloop/nn/sequential.hpp"
#include "quant_oracle.hpp"
#include "support/test.hpp"

namespace q = edgeloop::quant;
namespace nn = edgeloop::nn;
namespace oracle = edgeloop::test::oracle;

namespace {
using net_type = nn::sequential<float, nn::shape<10>, nn::dense<12>, nn::relu, nn::dense<7>, nn::relu6, nn::dense<5>>;
using twin_type = q::quantized_sequential<net_type>;
constexpr std::size_t samples = 48;

struct fixture {
  net_type net{7};
  std::array<net_type::input_type, samples> x{};
  twin_type twin;
  std::array<q::quant_params, twin_type::tensors> ranges{};
};
fixture fx;  // static: the Cortex-M0 has 16 KB of RAM

void make_fixture() {
  fx.net = net_type(7);
  edgeloop::rng r(3);
  for (auto& p : fx.net.parameters()) p *= 1.5f;  // make relu6 saturate sometimes
  for (auto& s : fx.x)
    for (auto& v : s) v = r.uniform(-1.0f, 2.0f);
  q::calibrator<net_type> cal;
  for (const auto& s : fx.x) REQUIRE(cal.observe(fx.net, s) == edgeloop::status::ok);
  REQUIRE(cal.ranges(fx.ranges) == edgeloop::status::ok);
  REQUIRE(fx.twin.build(fx.net, fx.ranges) == edgeloop::status::ok);
}

// TFLite's QUANTIZE reference: round(v / scale) in float, plus the zero point, clamped.
std::int8_t quantize_ref(float v, const q::quant_params& p) {
  const float quotient = v / p.scale;
  const long r = std::lround(quotient) + p.zero_point;
  return static_cast<std::int8_t>(r < -128 ? -128 : (r > 127 ? 127 : r));
}

// The float layer of block j: weights (out x in, row-major) then biases.
const float* block_params(std::size_t j) {
  constexpr std::size_t dense_layers[3] = {0, 2, 4};
  return fx.net.parameters().data() + net_type::param_offsets[dense_layers[j]];
}
}  // namespace

TEST_CASE("quantized parameters follow the TFLite scheme", "[quant][post_training]") {
  make_fixture();
  int bad = 0;
  for (std::size_t j = 0; j < twin_type::blocks; ++j) {
    const std::size_t in = twin_type::block_inputs(j), out = twin_type::block_outputs(j);
    const float* p = block_params(j);
    const q::quant_params s_in = fx.twin.tensor_params(j), s_out = fx.twin.tensor_params(j + 1);
    for (std::size_t o = 0; o < out; ++o) {
      double m = 0;
      for (std::size_t k = 0; k < in; ++k) m = std::fmax(m, std::fabs(static_cast<double>(p[o * in + k])));
      const double s_w = m / 127.0;
      if (!edgeloop::test::close(fx.twin.weight_scale(j, o), s_w, 1e-6)) ++bad;
      for (std::size_t k = 0; k < in; ++k)
        if (fx.twin.weight(j, o, k) != static_cast<std::int8_t>(std::round(p[o * in + k] / fx.twin.weight_scale(j, o))))
          ++bad;
      const double bias_scale = static_cast<double>(s_in.scale) * fx.twin.weight_scale(j, o);
      if (fx.twin.bias(j, o) != static_cast<std::int32_t>(std::round(p[in * out + o] / bias_scale))) ++bad;
      const q::quantized_multiplier ref = oracle::quantize_multiplier(bias_scale / s_out.scale);
      if (fx.twin.multiplier(j, o).multiplier != ref.multiplier || fx.twin.multiplier(j, o).shift != ref.shift) ++bad;
    }
    const q::output_stage& st = fx.twin.stage(j);
    if (st.zero_point != s_out.zero_point) ++bad;
    const int lo = twin_type::block_activation(j) == q::fused_activation::none ? -128 : s_out.zero_point;
    int hi = 127;
    if (twin_type::block_activation(j) == q::fused_activation::relu6)
      hi = static_cast<int>(std::fmin(127.0, s_out.zero_point + std::round(6.0 / s_out.scale)));
    if (st.activation_min != lo || st.activation_max != hi) ++bad;
  }
  CHECK(twin_type::block_activation(0) == q::fused_activation::relu);
  CHECK(twin_type::block_activation(1) == q::fused_activation::relu6);
  CHECK(twin_type::block_activation(2) == q::fused_activation::none);
  CHECK(fx.twin.tensor_params(1).zero_point == -128);  // relu output: [0, max]
  CHECK(bad == 0);
}

TEST_CASE("int8 inference equals the plain reference bit for bit", "[quant][post_training]") {
  make_fixture();
  int mismatches = 0, saturated_relu6 = 0;
  for (const auto& s : fx.x) {
    std::array<std::int8_t, twin_type::max_width> a{}, b{};
    for (std::size_t i = 0; i < s.size(); ++i) a[i] = quantize_ref(s[i], fx.twin.input_params());
    std::array<std::int8_t, 10> xq{};
    fx.twin.quantize_input(s, xq.data());
    for (std::size_t i = 0; i < s.size(); ++i)
      if (xq[i] != a[i]) ++mismatches;
    for (std::size_t j = 0; j < twin_type::blocks; ++j) {
      const std::int64_t zp = fx.twin.tensor_params(j).zero_point;
      for (std::size_t o = 0; o < twin_type::block_outputs(j); ++o) {
        std::int64_t acc = fx.twin.bias(j, o);
        for (std::size_t k = 0; k < twin_type::block_inputs(j); ++k) acc += fx.twin.weight(j, o, k) * (a[k] - zp);
        b[o] = oracle::requantize(acc, fx.twin.multiplier(j, o), fx.twin.stage(j));
        if (j == 1 && b[o] == fx.twin.stage(j).activation_max) ++saturated_relu6;
      }
      a = b;
    }
    std::array<std::int8_t, 5> y{}, yp{};
    fx.twin.forward(xq.data(), y.data());
    fx.twin.forward<q::portable_path>(xq.data(), yp.data());
    for (std::size_t o = 0; o < 5; ++o) {
      if (y[o] != a[o]) ++mismatches;
      if (yp[o] != a[o]) ++mismatches;
    }
  }
  CHECK(mismatches == 0);
  CHECK(saturated_relu6 > 0);  // the relu6 clamp was exercised
}

// Error bound. For one block with float input x (error |dx_k| <= e_k on the int8 input),
// per-row weight error |dw| <= s_w / 2, bias error <= s_in s_w / 2:
//   |W^ x^ + b^ - (W x + b)| <= sum_k |w_k| e_k + (s_w / 2) sum_k (|x_k| + e_k) + s_in s_w / 2,
// relu / relu6 are 1-Lipschitz, and the output stage adds at most 1.5 output steps (the
// rounding of the rescaled accumulator, 0.5, the multiplier's own rounding and the
// zero point's, each at most 0.5 step within the calibrated range). The input adds s_in / 2.
TEST_CASE("dequantized outputs are within the propagated error bound", "[quant][post_training]") {
  make_fixture();
  int outside = 0;
  double worst_ratio = 0;
  for (const auto& s : fx.x) {
    std::array<double, twin_type::max_width> x{}, e{}, nx{}, ne{};
    for (std::size_t i = 0; i < s.size(); ++i) x[i] = s[i], e[i] = fx.twin.input_params().scale / 2.0;
    for (std::size_t j = 0; j < twin_type::blocks; ++j) {
      const std::size_t in = twin_type::block_inputs(j), out = twin_type::block_outputs(j);
      const float* p = block_params(j);
      const double s_in = fx.twin.tensor_params(j).scale, s_out = fx.twin.tensor_params(j + 1).scale;
      for (std::size_t o = 0; o < out; ++o) {
        const double s_w = fx.twin.weight_scale(j, o);
        double v = p[in * out + o], bound = s_in * s_w / 2 + 1.5 * s_out;
        for (std::size_t k = 0; k < in; ++k) {
          v += static_cast<double>(p[o * in + k]) * x[k];
          bound += std::fabs(p[o * in + k]) * e[k] + s_w / 2 * (std::fabs(x[k]) + e[k]);
        }
        if (twin_type::block_activation(j) != q::fused_activation::none) v = std::fmax(v, 0.0);
        if (twin_type::block_activation(j) == q::fused_activation::relu6) v = std::fmin(v, 6.0);
        nx[o] = v, ne[o] = bound;
      }
      x = nx, e = ne;
    }
    const auto yq = fx.twin.predict_dequantized(s);
    const auto yf = fx.net.forward(s);
    for (std::size_t o = 0; o < 5; ++o) {
      const double err = std::fabs(static_cast<double>(yq[o]) - yf[o]);
      if (err > e[o] + 1e-5) ++outside;
      worst_ratio = std::fmax(worst_ratio, err / e[o]);
    }
  }
  CHECK(outside == 0);
  CHECK(worst_ratio > 0.0);  // the twin is not the float network itself
}

TEST_CASE("bad weights, tensor parameters or samples change nothing", "[quant][post_training]") {
  make_fixture();
  static twin_type before;
  before = fx.twin;
  static net_type broken;
  broken = fx.net;
  broken.parameters()[net_type::param_offsets[2] + 3] = std::nanf("");
  CHECK(fx.twin.build(broken, fx.ranges) == edgeloop::status::non_finite_input);
  CHECK(edgeloop::test::same_bytes(before, fx.twin));

  auto bad_ranges = fx.ranges;
  bad_ranges[1].scale = 0.0f;
  CHECK(fx.twin.build(fx.net, bad_ranges) == edgeloop::status::invalid_argument);
  bad_ranges = fx.ranges;
  bad_ranges[2].zero_point = 128;
  CHECK(fx.twin.build(fx.net, bad_ranges) == edgeloop::status::invalid_argument);
  bad_ranges = fx.ranges;
  bad_ranges[3].scale = 1e-30f;  // multiplier s_in s_w / s_out beyond 2^30
  CHECK(fx.twin.build(fx.net, bad_ranges) == edgeloop::status::invalid_argument);
  CHECK(fx.twin.build(fx.net, std::span<const q::quant_params>(fx.ranges.data(), 2)) == edgeloop::status::invalid_argument);
  CHECK(edgeloop::test::same_bytes(before, fx.twin));

  q::calibrator<net_type> cal;
  REQUIRE(cal.observe(fx.net, fx.x[0]) == edgeloop::status::ok);
  const q::minmax_observer o0 = cal.observer(0), o1 = cal.observer(1);
  auto x = fx.x[1];
  x[4] = INFINITY;
  CHECK(cal.observe(fx.net, x) == edgeloop::status::non_finite_input);
  for (auto& v : x) v = 3e38f;  // finite input, overflowing activations
  CHECK(cal.observe(fx.net, x) == edgeloop::status::non_finite_input);
  CHECK(edgeloop::test::same_bytes(o0, cal.observer(0)));
  CHECK(edgeloop::test::same_bytes(o1, cal.observer(1)));
  q::calibrator<net_type> empty;
  std::array<q::quant_params, twin_type::tensors> r{};
  CHECK(empty.ranges(r) == edgeloop::status::not_ready);
}

TEST_CASE("the twin of a prefix stops after its last block", "[quant][post_training]") {
  make_fixture();
  using backbone = q::quantized_sequential<net_type, 4>;  // dense-relu-dense-relu6
  STATIC_REQUIRE(backbone::blocks == 2);
  STATIC_REQUIRE(backbone::output_size == 7);
  STATIC_REQUIRE(backbone::memory_bytes == sizeof(backbone));
  static backbone b;
  REQUIRE(b.build(fx.net, fx.ranges) == edgeloop::status::ok);
  int mismatches = 0;
  for (const auto& s : fx.x) {
    std::array<std::int8_t, 10> xq{};
    std::array<std::int8_t, 7> y{};
    fx.twin.quantize_input(s, xq.data());
    b.forward(xq.data(), y.data());
    // The full twin's first two blocks, run through the kernel one block at a time.
    std::array<std::int8_t, 12> h{};
    std::array<std::int8_t, 7> h2{};
    q::conv2d(fx.twin.layer(0), xq.data(), h.data());
    q::conv2d(fx.twin.layer(1), h.data(), h2.data());
    for (std::size_t o = 0; o < 7; ++o)
      if (y[o] != h2[o]) ++mismatches;
  }
  CHECK(mismatches == 0);
}
