// depthwise_conv2d: every output equals the oracle's on random shapes (channel counts
// with and without a remainder after the 4-channel words, kernels up to 4x4, strides 1-3,
// SAME and VALID) and parameters, for each kernel path the core has.
#include "edgeloop/quant/depthwise_conv2d.hpp"

#include <cstdint>

#include "quant_oracle.hpp"
#include "support/test.hpp"

namespace q = edgeloop::quant;
namespace oracle = edgeloop::test::oracle;

namespace {
constexpr std::size_t max_hw = 8, max_c = 13, max_k = 4;
struct depthwise_buffers {
  std::int8_t x[max_hw * max_hw * max_c], w[max_k * max_k * max_c];
  std::int8_t y[max_hw * max_hw * max_c], expected[max_hw * max_hw * max_c];
  std::int32_t bias[max_c];
  q::quantized_multiplier m[max_c];
};
depthwise_buffers buf;
std::size_t random_in(edgeloop::rng& r, std::size_t lo, std::size_t hi) { return lo + r.uniform_int(static_cast<std::uint32_t>(hi - lo + 1)); }
}  // namespace

TEST_CASE("depthwise_conv2d equals the oracle on random shapes and parameters", "[quant][depthwise_conv2d]") {
  edgeloop::rng r(30);
  int mismatches = 0, cases = 0;
  for (int t = 0; t < 80; ++t) {
    oracle::conv_shape g{};
    g.same = r.uniform_int(2) == 0;
    g.kh = random_in(r, 1, max_k);
    g.kw = random_in(r, 1, max_k);
    g.h = random_in(r, g.same ? 1 : g.kh, max_hw);
    g.w = random_in(r, g.same ? 1 : g.kw, max_hw);
    g.c = random_in(r, 1, max_c);
    g.out_c = g.c;
    g.sh = random_in(r, 1, 3);
    g.sw = random_in(r, 1, 3);
    oracle::fill(r, buf.x, g.h * g.w * g.c);
    oracle::fill_weights(r, buf.w, g.kh * g.kw * g.c);
    for (std::size_t c = 0; c < g.c; ++c) {
      buf.bias[c] = oracle::random_int(r, -20000, 20000);
      buf.m[c] = oracle::random_multiplier(r, -15.0, 1.0);
    }
    const bool with_bias = r.uniform_int(4) != 0;
    const std::int32_t zx = oracle::random_int(r, -128, 127);
    const q::output_stage s = oracle::random_output_stage(r);
    const q::depthwise_conv2d_layer layer{g.h, g.w, g.c, g.kh, g.kw, g.sh, g.sw,
                                          g.same ? q::padding::same : q::padding::valid, buf.w,
                                          with_bias ? buf.bias : nullptr, buf.m, zx, s};
    oracle::conv(g, true, buf.x, buf.w, with_bias ? buf.bias : nullptr, zx, buf.m, s, buf.expected);
    const std::size_t n = layer.out_h() * layer.out_w() * g.c;
    oracle::for_each_path([&](auto path) {
      for (auto& v : buf.y) v = 0x55;
      q::depthwise_conv2d<decltype(path)>(layer, buf.x, buf.y);
      ++cases;
      if (!oracle::same(buf.y, buf.expected, n)) ++mismatches;
    });
  }
  CHECK(mismatches == 0);
  CHECK(cases == 80 * (EDGELOOP_QUANT_HAS_DSP ? 2 : 1));
}
