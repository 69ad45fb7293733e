// conv2d and conv1d: every output equals the oracle's (OHWI weights, padded taps
// skipped, per-channel multipliers, int64) on random shapes (channel counts on and off the
// 4-channel word path, kernels up to 4x4, strides 1-3, SAME and VALID) and parameters,
// for each kernel path the core has; receptive fields deeper than max_gathered_depth
// (the per-tap loop, and the word path where x86-64 hosts gather the others) too.
#include "edgeloop/quant/conv2d.hpp"

#include <cstdint>

#include "edgeloop/quant/conv1d.hpp"
#include "quant_oracle.hpp"
#include "support/test.hpp"

namespace q = edgeloop::quant;
namespace oracle = edgeloop::test::oracle;

namespace {
constexpr std::size_t max_hw = 7, max_c = 12, max_out_c = 10, max_k = 4;
struct conv_buffers {
  std::int8_t x[max_hw * max_hw * max_c];
  std::int8_t w[max_out_c * max_k * max_k * max_c], packed[max_out_c * max_k * max_k * max_c];
  std::int8_t y[max_hw * max_hw * max_out_c], expected[max_hw * max_hw * max_out_c];
  std::int32_t bias[max_out_c];
  q::quantized_multiplier m[max_out_c];
};
conv_buffers buf;  // static: the Cortex-M0 has 16 KB of RAM
constexpr std::size_t channel_choices[] = {1, 3, 4, 5, 8, 12};

std::size_t random_in(edgeloop::rng& r, std::size_t lo, std::size_t hi) { return lo + r.uniform_int(static_cast<std::uint32_t>(hi - lo + 1)); }
}  // namespace

TEST_CASE("conv2d equals the oracle on random shapes and parameters", "[quant][conv2d]") {
  edgeloop::rng r(20);
  int mismatches = 0, cases = 0, word_cases = 0;
  for (int t = 0; t < 80; ++t) {
    oracle::conv_shape g{};
    g.same = r.uniform_int(2) == 0;
    g.kh = random_in(r, 1, max_k);
    g.kw = random_in(r, 1, max_k);
    g.h = random_in(r, g.same ? 1 : g.kh, max_hw);
    g.w = random_in(r, g.same ? 1 : g.kw, max_hw);
    g.c = channel_choices[r.uniform_int(6)];
    g.out_c = random_in(r, 1, max_out_c);
    g.sh = random_in(r, 1, 3);
    g.sw = random_in(r, 1, 3);
    const std::size_t depth = g.kh * g.kw * g.c;
    oracle::fill(r, buf.x, g.h * g.w * g.c);
    oracle::fill_weights(r, buf.w, g.out_c * depth);
    for (std::size_t o = 0; o < g.out_c; ++o) {
      buf.bias[o] = oracle::random_int(r, -30000, 30000);
      buf.m[o] = oracle::random_multiplier(r, -17.0, 0.5);
    }
    const bool with_bias = r.uniform_int(4) != 0;
    const std::int32_t zx = oracle::random_int(r, -128, 127);
    const q::output_stage s = oracle::random_output_stage(r);
    q::pack_weights(buf.w, g.out_c, depth, buf.packed);
    const q::conv2d_layer layer{g.h, g.w, g.c, g.out_c, g.kh, g.kw, g.sh, g.sw,
                                g.same ? q::padding::same : q::padding::valid, buf.packed,
                                with_bias ? buf.bias : nullptr, buf.m, zx, s};
    const std::size_t n = layer.out_h() * layer.out_w() * g.out_c;
    REQUIRE(layer.out_h() == oracle::out_size(g.h, g.kh, g.sh, g.same));
    REQUIRE(layer.out_w() == oracle::out_size(g.w, g.kw, g.sw, g.same));
    oracle::conv(g, false, buf.x, buf.w, with_bias ? buf.bias : nullptr, zx, buf.m, s, buf.expected);
    word_cases += g.c % 4 == 0 ? 1 : 0;
    oracle::for_each_path([&](auto path) {
      for (auto& v : buf.y) v = 0x55;
      q::conv2d<decltype(path)>(layer, buf.x, buf.y);
      ++cases;
      if (!oracle::same(buf.y, buf.expected, n)) ++mismatches;
    });
  }
  CHECK(mismatches == 0);
  CHECK(cases == 80 * (EDGELOOP_QUANT_HAS_DSP ? 2 : 1));
  CHECK(word_cases > 10);  // both the word path and the per-tap path ran
  CHECK(word_cases < 70);
}

TEST_CASE("conv2d with receptive fields deeper than max_gathered_depth equals the oracle", "[quant][conv2d]") {
  edgeloop::rng r(22);
  int mismatches = 0, deep = 0;
  for (int t = 0; t < 12; ++t) {
    oracle::conv_shape g{};
    g.same = r.uniform_int(2) == 0;
    g.kh = g.kw = max_k;
    // 4x4x11 = 176 > 160: per-tap loop; 4x4x9 = 144: gathered; 4x4x12 = 192: the word path
    g.c = t % 3 == 0 ? 11 : (t % 3 == 1 ? 9 : 12);
    g.h = random_in(r, g.same ? 1 : g.kh, max_hw);
    g.w = random_in(r, g.same ? 1 : g.kw, max_hw);
    g.out_c = random_in(r, 1, max_out_c);
    g.sh = random_in(r, 1, 2);
    g.sw = random_in(r, 1, 2);
    const std::size_t depth = g.kh * g.kw * g.c;
    deep += depth > q::max_gathered_depth ? 1 : 0;
    oracle::fill(r, buf.x, g.h * g.w * g.c);
    oracle::fill_weights(r, buf.w, g.out_c * depth);
    for (std::size_t o = 0; o < g.out_c; ++o) {
      buf.bias[o] = oracle::random_int(r, -30000, 30000);
      buf.m[o] = oracle::random_multiplier(r, -17.0, 0.5);
    }
    const std::int32_t zx = oracle::random_int(r, -128, 127);
    const q::output_stage s = oracle::random_output_stage(r);
    q::pack_weights(buf.w, g.out_c, depth, buf.packed);
    const q::conv2d_layer layer{g.h, g.w, g.c, g.out_c, g.kh, g.kw, g.sh, g.sw,
                                g.same ? q::padding::same : q::padding::valid, buf.packed, buf.bias, buf.m, zx, s};
    oracle::conv(g, false, buf.x, buf.w, buf.bias, zx, buf.m, s, buf.expected);
    oracle::for_each_path([&](auto path) {
      for (auto& v : buf.y) v = 0x55;
      q::conv2d<decltype(path)>(layer, buf.x, buf.y);
      if (!oracle::same(buf.y, buf.expected, layer.out_h() * layer.out_w() * g.out_c)) ++mismatches;
    });
  }
  CHECK(mismatches == 0);
  CHECK(deep == 8);
}

TEST_CASE("conv1d equals the oracle (a 1 x length image)", "[quant][conv1d]") {
  edgeloop::rng r(21);
  int mismatches = 0;
  for (int t = 0; t < 40; ++t) {
    oracle::conv_shape g{};
    g.same = r.uniform_int(2) == 0;
    g.h = 1;
    g.kh = 1;
    g.sh = 1;
    g.kw = random_in(r, 1, 5);
    g.w = random_in(r, g.same ? 1 : g.kw, 24);
    g.c = channel_choices[r.uniform_int(4)];
    g.out_c = random_in(r, 1, max_out_c);
    g.sw = random_in(r, 1, 2);
    const std::size_t depth = g.kw * g.c;
    oracle::fill(r, buf.x, g.w * g.c);
    oracle::fill_weights(r, buf.w, g.out_c * depth);
    for (std::size_t o = 0; o < g.out_c; ++o) {
      buf.bias[o] = oracle::random_int(r, -30000, 30000);
      buf.m[o] = oracle::random_multiplier(r, -16.0, 0.5);
    }
    const std::int32_t zx = oracle::random_int(r, -128, 127);
    const q::output_stage s = oracle::random_output_stage(r);
    q::pack_weights(buf.w, g.out_c, depth, buf.packed);
    const q::conv1d_layer layer{g.w, g.c, g.out_c, g.kw, g.sw, g.same ? q::padding::same : q::padding::valid,
                                buf.packed, buf.bias, buf.m, zx, s};
    oracle::conv(g, false, buf.x, buf.w, buf.bias, zx, buf.m, s, buf.expected);
    oracle::for_each_path([&](auto path) {
      q::conv1d<decltype(path)>(layer, buf.x, buf.y);
      if (!oracle::same(buf.y, buf.expected, layer.out_length() * g.out_c)) ++mismatches;
    });
  }
  CHECK(mismatches == 0);
}

TEST_CASE("pointwise conv2d (1x1, stride 1, 4k channels) equals the oracle", "[quant][conv2d]") {
  edgeloop::rng r(22);
  int mismatches = 0, cases = 0;
  for (int t = 0; t < 40; ++t) {
    oracle::conv_shape g{};
    g.same = r.uniform_int(2) == 0;  // no padding either way for 1x1
    g.kh = g.kw = g.sh = g.sw = 1;
    g.h = random_in(r, 1, max_hw);
    g.w = random_in(r, 1, max_hw);
    g.c = 4 * random_in(r, 1, 3);
    g.out_c = 4 * random_in(r, 1, 2);
    oracle::fill(r, buf.x, g.h * g.w * g.c);
    oracle::fill_weights(r, buf.w, g.out_c * g.c);
    for (std::size_t o = 0; o < g.out_c; ++o) {
      buf.bias[o] = oracle::random_int(r, -30000, 30000);
      buf.m[o] = oracle::random_multiplier(r, -14.0, 0.5);
    }
    const bool with_bias = r.uniform_int(4) != 0;
    const std::int32_t zx = oracle::random_int(r, -128, 127);
    const q::output_stage s = oracle::random_output_stage(r);
    q::pack_weights(buf.w, g.out_c, g.c, buf.packed);
    const q::conv2d_layer layer{g.h, g.w, g.c, g.out_c, 1, 1, 1, 1, g.same ? q::padding::same : q::padding::valid,
                                buf.packed, with_bias ? buf.bias : nullptr, buf.m, zx, s};
    oracle::conv(g, false, buf.x, buf.w, with_bias ? buf.bias : nullptr, zx, buf.m, s, buf.expected);
    oracle::for_each_path([&](auto path) {
      for (auto& v : buf.y) v = 0x55;
      q::conv2d<decltype(path)>(layer, buf.x, buf.y);
      ++cases;
      if (!oracle::same(buf.y, buf.expected, g.h * g.w * g.out_c)) ++mismatches;
    });
  }
  CHECK(mismatches == 0);
  CHECK(cases == 40 * (EDGELOOP_QUANT_HAS_DSP ? 2 : 1));
}
