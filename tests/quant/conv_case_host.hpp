#pragma once
// One randomised int8 conv2d case for the host tests: input, OHWI weights, biases and
// per-channel multipliers drawn for a given shape, run through conv2d (portable_path: the
// best path the build has) into a buffer prefilled with 0x55, and compared with the
// oracle. The tests choose how weights, multipliers and the input zero point are drawn.
// Host only (std::vector).
#include <cstdint>
#include <vector>

#include "edgeloop/quant/conv2d.hpp"
#include "quant_oracle.hpp"

namespace edgeloop::test {

struct conv_case_draws {
  void (*fill_weights)(rng&, std::int8_t*, std::size_t) = oracle::fill;
  quant::quantized_multiplier (*multiplier)(rng&) = [](rng& r) { return oracle::random_multiplier(r); };
  std::int32_t (*input_zero_point)(rng&) = [](rng& r) { return oracle::random_int(r, -128, 127); };
  bool with_bias = true;
};

/// True when conv2d equals the oracle on a case of shape g drawn from r.
inline bool conv2d_matches_oracle(rng& r, const oracle::conv_shape& g, const conv_case_draws& d) {
  namespace q = quant;
  const std::size_t depth = g.kh * g.kw * g.c;
  std::vector<std::int8_t> x(g.h * g.w * g.c), w(g.out_c * depth), packed(w.size()), y(g.h * g.w * g.out_c, 0x55),
      expected(y.size());
  std::vector<std::int32_t> bias(g.out_c);
  std::vector<q::quantized_multiplier> m(g.out_c);
  oracle::fill(r, x.data(), x.size());
  d.fill_weights(r, w.data(), w.size());
  for (std::size_t o = 0; o < g.out_c; ++o) {
    bias[o] = oracle::random_int(r, -30000, 30000);
    m[o] = d.multiplier(r);
  }
  const std::int32_t* b = d.with_bias ? bias.data() : nullptr;
  const std::int32_t zx = d.input_zero_point(r);
  const q::output_stage s = oracle::random_output_stage(r);
  q::pack_weights(w.data(), g.out_c, depth, packed.data());
  const q::conv2d_layer layer{g.h, g.w, g.c, g.out_c, g.kh, g.kw, g.sh, g.sw,
                              g.same ? q::padding::same : q::padding::valid, packed.data(), b, m.data(), zx, s};
  oracle::conv(g, false, x.data(), w.data(), b, zx, m.data(), s, expected.data());
  q::conv2d<q::portable_path>(layer, x.data(), y.data());
  return oracle::same(y.data(), expected.data(), layer.out_h() * layer.out_w() * g.out_c);
}

}  // namespace edgeloop::test
