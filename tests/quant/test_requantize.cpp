// requantize: the fixed-point primitives equal the oracle's literal TFLite/gemmlowp
// definitions on random and boundary operands (ties, INT32_MIN, every shift, wrapping
// left shifts), and quantize_multiplier equals TFLite's frexp/round version.
#include "edgeloop/quant/requantize.hpp"

#include <cmath>
#include <cstdint>

#include "quant_oracle.hpp"
#include "support/test.hpp"

namespace q = edgeloop::quant;
namespace oracle = edgeloop::test::oracle;

namespace {
constexpr std::int32_t edge_values[] = {INT32_MIN, INT32_MIN + 1, -(1 << 30), -65536, -32768, -3, -2, -1, 0, 1, 2,
                                        3, 32768, 65536, 1 << 30, INT32_MAX - 1, INT32_MAX};
std::int32_t random_word(edgeloop::rng& r) {
  switch (r.uniform_int(4)) {
    case 0: return static_cast<std::int32_t>(r.next());                               // anything
    case 1: return oracle::random_int(r, -70000, 70000);                              // accumulator-like
    case 2: return edge_values[r.uniform_int(sizeof edge_values / sizeof edge_values[0])];
    default: return static_cast<std::int32_t>(r.next()) >> r.uniform_int(31);         // all magnitudes
  }
}
}  // namespace

TEST_CASE("quantize_multiplier equals TFLite's QuantizeMultiplier", "[quant][requantize]") {
  edgeloop::rng r(1);
  int mismatches = 0;
  for (int i = 0; i < 2000; ++i) {
    const double m = std::exp2(r.uniform<double>(-40.0, 29.9));
    const q::quantized_multiplier a = q::quantize_multiplier(m), b = oracle::quantize_multiplier(m);
    if (a.multiplier != b.multiplier || a.shift != b.shift) ++mismatches;
    // The representation is within half a unit of 2^-31 relative (when not flushed).
    if (a.multiplier != 0) {
      const double back = static_cast<double>(a.multiplier) * std::exp2(a.shift - 31);
      if (!(std::fabs(back - m) <= m * std::exp2(-31))) ++mismatches;
      if (a.multiplier < (1 << 30)) ++mismatches;
    }
  }
  CHECK(mismatches == 0);
  // Boundaries: exact powers of two, rounding up to 2^31, flush to zero, zero.
  for (double m : {1.0, 0.5, 0.25, 1.0 - std::exp2(-33), std::exp2(-31), std::exp2(-32), std::exp2(-33), 0.0, 3.0}) {
    const q::quantized_multiplier a = q::quantize_multiplier(m), b = oracle::quantize_multiplier(m);
    CHECK(a.multiplier == b.multiplier);
    CHECK(a.shift == b.shift);
  }
  CHECK(q::quantize_multiplier(1.0 - std::exp2(-33)).multiplier == (1 << 30));
  CHECK(q::quantize_multiplier(1.0 - std::exp2(-33)).shift == 1);
  CHECK(q::quantize_multiplier(std::exp2(-33)).multiplier == 0);
  constexpr q::quantized_multiplier half = q::quantize_multiplier(0.5);  // usable at compile time
  STATIC_REQUIRE(half.multiplier == (1 << 30) && half.shift == 0);
  CHECK(q::check_multiplier(0.3) == edgeloop::status::ok);
  CHECK(q::check_multiplier(-0.1) == edgeloop::status::invalid_argument);
  CHECK(q::check_multiplier(std::nan("")) == edgeloop::status::invalid_argument);
  CHECK(q::check_multiplier(std::exp2(31.0)) == edgeloop::status::invalid_argument);
}

TEST_CASE("saturating rounding doubling high multiply equals gemmlowp's", "[quant][requantize]") {
  edgeloop::rng r(2);
  int mismatches = 0;
  for (std::int32_t a : edge_values)
    for (std::int32_t b : edge_values)
      if (q::saturating_rounding_doubling_high_mul(a, b) != oracle::srdhm(a, b)) ++mismatches;
  for (int i = 0; i < 20000; ++i) {
    const std::int32_t a = random_word(r), b = random_word(r);
    if (q::saturating_rounding_doubling_high_mul(a, b) != oracle::srdhm(a, b)) ++mismatches;
  }
  CHECK(mismatches == 0);
  // Ties: +0.5 rounds up, -0.5 rounds up (toward +infinity); the one saturating case.
  CHECK(q::saturating_rounding_doubling_high_mul(1 << 15, 1 << 15) == 1);
  CHECK(q::saturating_rounding_doubling_high_mul(-(1 << 15), 1 << 15) == 0);
  CHECK(q::saturating_rounding_doubling_high_mul(INT32_MIN, INT32_MIN) == INT32_MAX);
}

TEST_CASE("rounding divide by a power of two rounds half away from zero", "[quant][requantize]") {
  edgeloop::rng r(3);
  int mismatches = 0;
  for (int e = 0; e <= 31; ++e) {
    for (std::int32_t x : edge_values)
      if (q::rounding_divide_by_pot(x, e) != oracle::rounding_divide(x, e)) ++mismatches;
    for (int i = 0; i < 300; ++i) {
      const std::int32_t x = random_word(r);
      if (q::rounding_divide_by_pot(x, e) != oracle::rounding_divide(x, e)) ++mismatches;
    }
  }
  CHECK(mismatches == 0);
  CHECK(q::rounding_divide_by_pot(5, 1) == 3);
  CHECK(q::rounding_divide_by_pot(-5, 1) == -3);
  CHECK(q::rounding_divide_by_pot(-7, 2) == -2);
}

TEST_CASE("multiply_by_quantized_multiplier equals the oracle for every shift", "[quant][requantize]") {
  edgeloop::rng r(4);
  int mismatches = 0;
  for (std::int32_t shift = -31; shift <= 30; ++shift)
    for (int i = 0; i < 300; ++i) {
      const std::int32_t x = random_word(r);
      const std::int32_t m = i % 7 == 0 ? INT32_MAX : oracle::random_int(r, 1 << 30, INT32_MAX);
      if (q::multiply_by_quantized_multiplier(x, m, shift) != oracle::multiply(x, m, shift)) ++mismatches;
    }
  CHECK(mismatches == 0);
  // 1000 * 0.75 and -1000 * 0.75 through multiplier 0.75 * 2^31 and shift 0; 3 * 2^2 * 0.5.
  CHECK(q::multiply_by_quantized_multiplier(1000, q::quantize_multiplier(0.75)) == 750);
  CHECK(q::multiply_by_quantized_multiplier(-1000, q::quantize_multiplier(0.75)) == -750);
  CHECK(q::multiply_by_quantized_multiplier(3, q::quantize_multiplier(2.0)) == 6);
  // Ties in the high multiply go toward +infinity (gemmlowp), in the shift away from zero.
  CHECK(q::multiply_by_quantized_multiplier(1, q::quantize_multiplier(0.5)) == 1);
  CHECK(q::multiply_by_quantized_multiplier(-1, q::quantize_multiplier(0.5)) == 0);
  CHECK(q::multiply_by_quantized_multiplier(-6, q::quantize_multiplier(0.25)) == -2);  // -3 high, then -1.5 -> -2
}

TEST_CASE("output stage: zero point, saturation and fused relu / relu6 ranges", "[quant][requantize]") {
  const q::output_stage relu6 = q::make_output_stage(q::fused_activation::relu6, 0.05f, -10);
  CHECK(relu6.activation_min == -10);
  CHECK(relu6.activation_max == 110);  // -10 + 6 / 0.05
  const q::output_stage relu = q::make_output_stage(q::fused_activation::relu, 0.05f, -10);
  CHECK(relu.activation_min == -10);
  CHECK(relu.activation_max == 127);
  const q::output_stage wide = q::make_output_stage(q::fused_activation::relu6, 0.01f, 20);
  CHECK(wide.activation_max == 127);  // 20 + 600 saturates
  CHECK(q::make_output_stage(q::fused_activation::relu, 0.1f, -200).activation_min == -128);
  edgeloop::rng r(5);
  int mismatches = 0;
  for (int i = 0; i < 5000; ++i) {
    const std::int32_t acc = random_word(r);
    const q::quantized_multiplier m = oracle::random_multiplier(r, -30.0, 3.0);
    const q::output_stage s = oracle::random_output_stage(r);
    if (q::requantize(acc, m, s) != oracle::requantize(acc, m, s)) ++mismatches;
  }
  CHECK(mismatches == 0);
}

TEST_CASE("the kernels' branch-free output stage equals the general one", "[quant][requantize]") {
  edgeloop::rng r(6);
  int mismatches = 0;
  for (std::int32_t shift = -31; shift <= 30; ++shift)
    for (int i = 0; i < 200; ++i) {
      const std::int32_t x = random_word(r);
      const std::int32_t m = i % 5 == 0 ? (i % 10 == 0 ? INT32_MAX : 0) : oracle::random_int(r, 1 << 30, INT32_MAX);
      if (q::multiply_by_nonnegative_multiplier(x, m, shift) != oracle::multiply(x, m, shift)) ++mismatches;
      const q::output_stage s = oracle::random_output_stage(r);
      const std::int8_t expected = oracle::requantize(x, {m, shift}, s);
      if (q::output_clamp(s)(x, m, shift) != expected) ++mismatches;
      if (q::full_range(s) && q::basic_output_clamp<true>(s)(x, m, shift) != expected) ++mismatches;
    }
  CHECK(mismatches == 0);
  CHECK(q::full_range(q::output_stage{5, -128, 127}));
  CHECK_FALSE(q::full_range(q::output_stage{5, 5, 127}));
}
