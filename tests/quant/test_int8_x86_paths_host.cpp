// The host paths of the int8 kernels against independent references: conv2d on random
// shapes sized for the x86 paths (output channels 1-40: whole and partial blocks of 4 and
// of 8; 1-16 input channels; kernels 1x1-5x5 incl. dense-like 1x1 over up to 600 inputs;
// SAME and VALID; input zero point -128 half the time, as after a ReLU, else random;
// weights incl. -128; multipliers with shifts -31..30 so outputs saturate) and of 1-4
// channels into 8 (one word per kernel row, two pixels per register with AVX-512) equal
// the oracle; the 8-lane requantization (detail/int8_vnni.hpp, AVX2 + VNNI builds) and
// its 16-lane AVX-512 twin equal the oracle's TFLite MultiplyByQuantizedMultiplier;
// quantize_to_int8 of many values equals the one-value function; 2x2 max pooling with
// 8/16/24/32 channels equals a textbook loop. In the plain host build the SSE2 paths
// run; test_quant_native (tests/CMakeLists.txt, -march=native) runs this file on the
// AVX2/VNNI paths. Host only: the buffers are too big for the Cortex-M0 test image.
#include <cmath>
#include <cstdint>
#include <limits>
#include <vector>

#include "edgeloop/quant/calibration.hpp"
#include "edgeloop/quant/conv2d.hpp"
#include "edgeloop/quant/detail/int8_vnni.hpp"
#include "edgeloop/quant/pooling.hpp"
#include "conv_case_host.hpp"
#include "quant_oracle.hpp"
#include "support/test.hpp"

namespace q = edgeloop::quant;
namespace oracle = edgeloop::test::oracle;

namespace {
std::size_t random_in(edgeloop::rng& r, std::size_t lo, std::size_t hi) {
  return lo + r.uniform_int(static_cast<std::uint32_t>(hi - lo + 1));
}
/// Any quantized multiplier the kernels accept: Q31 in [2^30, 2^31) (sometimes 0) and a
/// shift in [-31, 30], mostly small, so that outputs both saturate and round.
q::quantized_multiplier any_multiplier(edgeloop::rng& r) {
  switch (r.uniform_int(4)) {
    case 0: return {oracle::random_int(r, 1 << 30, INT32_MAX), oracle::random_int(r, -31, 30)};
    case 1: return {r.uniform_int(8) == 0 ? 0 : oracle::random_int(r, 1 << 30, INT32_MAX), oracle::random_int(r, -4, 4)};
    default: return oracle::random_multiplier(r, -20.0, 1.0);
  }
}
}  // namespace

TEST_CASE("conv2d host paths equal the oracle on wide random shapes", "[quant][conv2d]") {
  edgeloop::rng r(71);
  constexpr std::size_t channel_choices[] = {1, 2, 3, 4, 8, 12, 16};
  int mismatches = 0, relu_inputs = 0, dense_like = 0;
  for (int t = 0; t < 160; ++t) {
    oracle::conv_shape g{};
    g.same = r.uniform_int(2) == 0;
    if (t % 8 == 0) {  // a dense layer as the twin runs it: 1x1 over one pixel
      g.kh = g.kw = g.h = g.w = 1;
      g.c = random_in(r, 1, 600);
      ++dense_like;
    } else {
      g.kh = random_in(r, 1, 5);
      g.kw = random_in(r, 1, 5);
      g.h = random_in(r, g.same ? 1 : g.kh, 12);
      g.w = random_in(r, g.same ? 1 : g.kw, 12);
      g.c = channel_choices[r.uniform_int(7)];
    }
    g.out_c = random_in(r, 1, 40);
    g.sh = random_in(r, 1, 2);
    g.sw = random_in(r, 1, 2);
    edgeloop::test::conv_case_draws d;
    d.multiplier = any_multiplier;  // weights: oracle::fill, -128 included
    d.with_bias = r.uniform_int(4) != 0;
    const bool after_relu = r.uniform_int(2) == 0;
    relu_inputs += after_relu ? 1 : 0;
    if (after_relu) d.input_zero_point = [](edgeloop::rng&) { return std::int32_t{-128}; };
    if (!edgeloop::test::conv2d_matches_oracle(r, g, d)) ++mismatches;
  }
  CHECK(mismatches == 0);
  CHECK(relu_inputs > 40);
  CHECK(dense_like == 20);
}

TEST_CASE("conv2d of 1-4 input channels into 8 equals the oracle (image first layers)", "[quant][conv2d]") {
  edgeloop::rng r(75);
  int mismatches = 0;
  for (int t = 0; t < 120; ++t) {
    oracle::conv_shape g{};
    g.same = r.uniform_int(3) == 0;
    g.c = random_in(r, 1, 4);
    g.kw = random_in(r, 1, 4 / g.c);  // one input word per kernel row
    g.kh = random_in(r, 1, 9);
    g.h = random_in(r, g.same ? 1 : g.kh, 14);
    g.w = random_in(r, g.same ? 1 : g.kw, 14);
    g.out_c = 8;
    g.sh = random_in(r, 1, 2);
    g.sw = random_in(r, 1, 3);
    edgeloop::test::conv_case_draws d;
    d.multiplier = any_multiplier;
    if (r.uniform_int(2) == 0) d.input_zero_point = [](edgeloop::rng&) { return std::int32_t{-128}; };
    if (!edgeloop::test::conv2d_matches_oracle(r, g, d)) ++mismatches;
  }
  CHECK(mismatches == 0);
}

#if EDGELOOP_QUANT_HOST_VNNI
TEST_CASE("8-lane requantization equals the oracle's rescaling", "[quant][requantize]") {
  edgeloop::rng r(72);
  const std::int32_t edges[] = {INT32_MIN, INT32_MIN + 1, -1, 0, 1, INT32_MAX - 1, INT32_MAX, 1 << 30, -(1 << 30)};
  int mismatches = 0;
  for (int t = 0; t < 20000; ++t) {
    q::quantized_multiplier m[8];
    alignas(32) std::int32_t x[8], got[8];
    for (std::size_t i = 0; i < 8; ++i) {
      m[i] = any_multiplier(r);
      if (t < 62 * 8) m[i].shift = -31 + t / 8;  // every shift at least once
      const auto raw = static_cast<std::int32_t>(static_cast<std::uint32_t>(r.next()));
      x[i] = r.uniform_int(8) == 0 ? edges[r.uniform_int(9)] : (r.uniform_int(2) == 0 ? raw : raw >> r.uniform_int(31));
    }
    const auto k = q::detail::make_requantize8(m, 8);
    _mm256_store_si256(reinterpret_cast<__m256i*>(got),
                       q::detail::rescale8(_mm256_load_si256(reinterpret_cast<const __m256i*>(x)), k));
    for (std::size_t i = 0; i < 8; ++i)
      if (got[i] != oracle::multiply(x[i], m[i].multiplier, m[i].shift)) ++mismatches;
#if EDGELOOP_QUANT_HOST_VNNI512
    // Two pixels' worth: x in the low half, x reversed in the high half, same constants.
    alignas(64) std::int32_t x16[16], got16[16];
    for (std::size_t i = 0; i < 8; ++i) x16[i] = x[i], x16[8 + i] = x[7 - i];
    _mm512_store_si512(got16, q::detail::rescale16(_mm512_load_si512(x16), q::detail::make_requantize16(k)));
    for (std::size_t i = 0; i < 16; ++i)
      if (got16[i] != oracle::multiply(x16[i], m[i % 8].multiplier, m[i % 8].shift)) ++mismatches;
#endif
  }
  CHECK(mismatches == 0);
}
#endif

TEST_CASE("quantize_to_int8 of many values equals the one-value function", "[quant][calibration]") {
  edgeloop::rng r(73);
  const float special[] = {0.0f, -0.0f, 0.5f, -0.5f, 1.5f, -1.5f, 2.5f, -2.5f, 0.49999997f, -0.49999997f,
                           127.5f, -128.5f, 126.5f, 1e9f, -1e9f, 511.5f, 512.5f, -512.5f, 1e-40f,
                           std::numeric_limits<float>::infinity(), -std::numeric_limits<float>::infinity(),
                           std::numeric_limits<float>::quiet_NaN(), std::numeric_limits<float>::max(),
                           std::numeric_limits<float>::lowest()};
  int mismatches = 0;
  for (int t = 0; t < 200; ++t) {
    const std::size_t n = random_in(r, 1, 100);
    std::vector<float> x(n);
    for (auto& v : x) {
      switch (r.uniform_int(3)) {
        case 0: v = special[r.uniform_int(sizeof special / sizeof special[0])]; break;
        case 1: v = static_cast<float>(static_cast<int>(r.uniform_int(801)) - 400) * 0.5f; break;  // halves
        default: v = r.uniform<float>(-300.0f, 300.0f); break;
      }
    }
    const float scale = t % 3 == 0 ? 1.0f : r.uniform<float>(0.001f, 4.0f);
    const std::int32_t zp = oracle::random_int(r, -128, 127);
    std::vector<std::int8_t> got(n);
    q::detail::quantize_to_int8(x.data(), n, scale, zp, got.data());
    for (std::size_t i = 0; i < n; ++i)
      if (got[i] != q::detail::quantize_to_int8(x[i], scale, zp)) ++mismatches;
  }
  CHECK(mismatches == 0);
}

TEST_CASE("2x2 max pooling over 8, 16, 24 and 32 channels equals a textbook loop", "[quant][pooling]") {
  edgeloop::rng r(74);
  int mismatches = 0;
  for (int t = 0; t < 40; ++t) {
    q::pool2d_layer l;
    l.in_h = random_in(r, 2, 9);
    l.in_w = random_in(r, 2, 9);
    l.channels = 8 * random_in(r, 1, 4);
    const q::output_stage s = oracle::random_output_stage(r);
    l.activation_min = s.activation_min;
    l.activation_max = s.activation_max;
    std::vector<std::int8_t> x(l.in_h * l.in_w * l.channels), y(x.size()), expected(x.size());
    oracle::fill(r, x.data(), x.size());
    const std::size_t oh = l.in_h / 2, ow = l.in_w / 2, c = l.channels;
    for (std::size_t oy = 0; oy < oh; ++oy)
      for (std::size_t ox = 0; ox < ow; ++ox)
        for (std::size_t ch = 0; ch < c; ++ch) {
          int best = -128;
          for (std::size_t dy = 0; dy < 2; ++dy)
            for (std::size_t dx = 0; dx < 2; ++dx) {
              const int v = x[((2 * oy + dy) * l.in_w + 2 * ox + dx) * c + ch];
              best = v > best ? v : best;
            }
          best = best < l.activation_min ? l.activation_min : (best > l.activation_max ? l.activation_max : best);
          expected[(oy * ow + ox) * c + ch] = static_cast<std::int8_t>(best);
        }
    q::max_pool2d(l, x.data(), y.data());
    if (!oracle::same(y.data(), expected.data(), oh * ow * c)) ++mismatches;
  }
  CHECK(mismatches == 0);
}
