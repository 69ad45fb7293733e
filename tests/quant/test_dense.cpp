// dense: every output equals the oracle's (unpacked weights, zero point applied per
// element, int64) on random shapes and parameters, for each kernel path the core has;
// the packed order is a permutation of the weights.
#include "edgeloop/quant/dense.hpp"

#include <cstdint>

#include "quant_oracle.hpp"
#include "support/test.hpp"

namespace q = edgeloop::quant;
namespace oracle = edgeloop::test::oracle;

namespace {
constexpr std::size_t max_in = 48, max_out = 21;
struct dense_buffers {
  std::int8_t w[max_out * max_in], packed[max_out * max_in], x[max_in], y[max_out], expected[max_out];
  std::int32_t bias[max_out], folded[max_out];
  std::uint8_t hits[max_out * max_in];
};
dense_buffers buf;  // static: the Cortex-M0 has 16 KB of RAM
}  // namespace

TEST_CASE("packed weight order is a permutation", "[quant][dense]") {
  edgeloop::rng r(10);
  int bad = 0;
  for (int t = 0; t < 40; ++t) {
    const std::size_t rows = 1 + r.uniform_int(max_out), depth = 1 + r.uniform_int(max_in);
    for (auto& h : buf.hits) h = 0;
    for (std::size_t row = 0; row < rows; ++row)
      for (std::size_t k = 0; k < depth; ++k) {
        const std::size_t i = q::packed_index(rows, depth, row, k);
        if (i >= rows * depth) ++bad;
        else ++buf.hits[i];
      }
    for (std::size_t i = 0; i < rows * depth; ++i)
      if (buf.hits[i] != 1) ++bad;
  }
  CHECK(bad == 0);
}

TEST_CASE("dense equals the oracle on random shapes and parameters", "[quant][dense]") {
  edgeloop::rng r(11);
  int mismatches = 0, saturated = 0, unsaturated = 0, cases = 0;
  for (int t = 0; t < 60; ++t) {
    const std::size_t in = 1 + r.uniform_int(max_in), out = 1 + r.uniform_int(max_out);
    oracle::fill_weights(r, buf.w, in * out);
    oracle::fill(r, buf.x, in);
    const bool with_bias = r.uniform_int(4) != 0;
    for (std::size_t o = 0; o < out; ++o) buf.bias[o] = oracle::random_int(r, -40000, 40000);
    const std::int32_t zx = oracle::random_int(r, -128, 127);
    const q::quantized_multiplier m = oracle::random_multiplier(r, -16.0, 1.0);
    const q::output_stage s = oracle::random_output_stage(r);
    q::pack_weights(buf.w, out, in, buf.packed);
    q::fold_input_zero_point(buf.packed, with_bias ? buf.bias : nullptr, out, in, zx, buf.folded);
    const q::dense_layer layer{in, out, buf.packed, buf.folded, m, s};
    oracle::dense(buf.x, buf.w, with_bias ? buf.bias : nullptr, in, out, zx, m, s, buf.expected);
    for (std::size_t o = 0; o < out; ++o)
      (buf.expected[o] == s.activation_min || buf.expected[o] == s.activation_max ? saturated : unsaturated) += 1;
    oracle::for_each_path([&](auto path) {
      using path_type = decltype(path);
      for (auto& v : buf.y) v = 0x55;
      q::dense<path_type>(layer, buf.x, buf.y);
      ++cases;
      if (!oracle::same(buf.y, buf.expected, out)) ++mismatches;
    });
  }
  CHECK(mismatches == 0);
  CHECK(cases == 60 * (EDGELOOP_QUANT_HAS_DSP ? 2 : 1));
  CHECK(saturated > 0);    // the parameters reach the clamps ...
  CHECK(unsaturated > 0);  // ... and the values in between
}

TEST_CASE("dense at the extremes: all -128 inputs, +-127 weights, zero point 127", "[quant][dense]") {
  const std::size_t in = 40, out = 9;
  for (std::size_t i = 0; i < in * out; ++i) buf.w[i] = static_cast<std::int8_t>(i % 3 == 0 ? -127 : 127);
  for (std::size_t i = 0; i < in; ++i) buf.x[i] = -128;
  for (std::size_t o = 0; o < out; ++o) buf.bias[o] = static_cast<std::int32_t>(o) * 1000 - 4000;
  const q::output_stage s{3, -128, 127};
  for (double real : {1.0 / 65536.0, 1.0 / 1024.0, 0.9, 2.5}) {
    const q::quantized_multiplier m = q::quantize_multiplier(real);
    q::pack_weights(buf.w, out, in, buf.packed);
    q::fold_input_zero_point(buf.packed, buf.bias, out, in, 127, buf.folded);
    oracle::dense(buf.x, buf.w, buf.bias, in, out, 127, m, s, buf.expected);
    oracle::for_each_path([&](auto path) {
      q::dense<decltype(path)>({in, out, buf.packed, buf.folded, m, s}, buf.x, buf.y);
      CHECK(oracle::same(buf.y, buf.expected, out));
    });
  }
}

TEST_CASE("the DSP path is the default where the core has the DSP extension", "[quant][dense]") {
#if EDGELOOP_QUANT_HAS_DSP
  STATIC_REQUIRE(__is_same(q::default_path, q::dsp_path));
#else
  STATIC_REQUIRE(__is_same(q::default_path, q::portable_path));
#endif
  CHECK(oracle::for_each_path([](auto) {}) == (EDGELOOP_QUANT_HAS_DSP ? 2 : 1));
}

TEST_CASE("dense reads inputs at any alignment", "[quant][dense]") {
  // Word loads: the DSP path relies on unaligned LDR, the Cortex-M0 falls back to C++.
  alignas(4) static std::int8_t shifted[max_in + 4];
  edgeloop::rng r(12);
  int mismatches = 0;
  for (std::size_t offset = 0; offset < 4; ++offset) {
    const std::size_t in = 32, out = 8;
    oracle::fill_weights(r, buf.w, in * out);
    oracle::fill(r, shifted + offset, in);
    const q::quantized_multiplier m = q::quantize_multiplier(1.0 / 512.0);
    const q::output_stage s{-3, -128, 127};
    q::pack_weights(buf.w, out, in, buf.packed);
    q::fold_input_zero_point(buf.packed, nullptr, out, in, 9, buf.folded);
    oracle::dense(shifted + offset, buf.w, nullptr, in, out, 9, m, s, buf.expected);
    oracle::for_each_path([&](auto path) {
      q::dense<decltype(path)>({in, out, buf.packed, buf.folded, m, s}, shifted + offset, buf.y);
      if (!oracle::same(buf.y, buf.expected, out)) ++mismatches;
    });
  }
  CHECK(mismatches == 0);
}
