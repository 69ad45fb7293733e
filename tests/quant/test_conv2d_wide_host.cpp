// conv2d with many output channels over a receptive field that is not whole words
// (in_channels % 4 != 0): on x86-64 hosts the int16 weight table of the gathered path then
// does not fit (detail::max_pair_table) and the plain gathered path runs; both must equal
// the oracle. Host only: the buffers are too big for the Cortex-M0 test image.
#include <cstdint>
#include <vector>

#include "edgeloop/quant/conv2d.hpp"
#include "quant_oracle.hpp"
#include "support/test.hpp"

namespace q = edgeloop::quant;
namespace oracle = edgeloop::test::oracle;

TEST_CASE("conv2d with many output channels and a gathered receptive field equals the oracle", "[quant][conv2d]") {
  edgeloop::rng r(23);
  int mismatches = 0;
  for (int t = 0; t < 8; ++t) {
    oracle::conv_shape g{};
    g.same = r.uniform_int(2) == 0;
    g.kh = g.kw = 5;
    g.c = t % 2 == 0 ? 6 : 1;                                        // depth 150 or 25
    g.out_c = t % 2 == 0 ? 28 + r.uniform_int(8) : 1 + r.uniform_int(40);  // 28+: the table (7 x 75 x 8) exceeds 4,096
    g.h = 5 + r.uniform_int(6);
    g.w = 5 + r.uniform_int(6);
    g.sh = 1 + r.uniform_int(2);
    g.sw = 1 + r.uniform_int(2);
    const std::size_t depth = g.kh * g.kw * g.c;
    std::vector<std::int8_t> x(g.h * g.w * g.c), w(g.out_c * depth), packed(w.size()), y(g.h * g.w * g.out_c),
        expected(y.size());
    std::vector<std::int32_t> bias(g.out_c);
    std::vector<q::quantized_multiplier> m(g.out_c);
    oracle::fill(r, x.data(), x.size());
    oracle::fill_weights(r, w.data(), w.size());
    for (std::size_t o = 0; o < g.out_c; ++o) {
      bias[o] = oracle::random_int(r, -30000, 30000);
      m[o] = oracle::random_multiplier(r, -17.0, 0.5);
    }
    const std::int32_t zx = oracle::random_int(r, -128, 127);
    const q::output_stage s = oracle::random_output_stage(r);
    q::pack_weights(w.data(), g.out_c, depth, packed.data());
    const q::conv2d_layer layer{g.h, g.w, g.c, g.out_c, g.kh, g.kw, g.sh, g.sw,
                                g.same ? q::padding::same : q::padding::valid, packed.data(), bias.data(), m.data(), zx, s};
    oracle::conv(g, false, x.data(), w.data(), bias.data(), zx, m.data(), s, expected.data());
    q::conv2d<q::portable_path>(layer, x.data(), y.data());
    if (!oracle::same(y.data(), expected.data(), layer.out_h() * layer.out_w() * g.out_c)) ++mismatches;
  }
  CHECK(mismatches == 0);
}
