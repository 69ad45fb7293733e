// conv2d with many output channels over a receptive field that is not whole words
// (in_channels % 4 != 0): on x86-64 hosts the int16 weight table of the gathered path then
// does not fit (detail::max_pair_table) and the plain gathered path runs; both must equal
// the oracle. Host only: the buffers are too big for the Cortex-M0 test image.
#include <cstdint>

#include "conv_case_host.hpp"
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
    edgeloop::test::conv_case_draws d;
    d.fill_weights = oracle::fill_weights;
    d.multiplier = [](edgeloop::rng& rr) { return oracle::random_multiplier(rr, -17.0, 0.5); };
    if (!edgeloop::test::conv2d_matches_oracle(r, g, d)) ++mismatches;
  }
  CHECK(mismatches == 0);
}
