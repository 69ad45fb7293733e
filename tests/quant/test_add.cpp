// add: equal to the oracle's literal TFLite int8 ADD (20-bit left shift, three
// fixed-point rescalings, int64) for random scales and zero points; make_add_params
// rejects bad scales and zero points and leaves its output unchanged.
#include "edgeloop/quant/add.hpp"

#include <cmath>
#include <cstdint>

#include "quant_oracle.hpp"
#include "support/test.hpp"

namespace q = edgeloop::quant;
namespace oracle = edgeloop::test::oracle;

namespace {
constexpr std::size_t n = 64;
std::int8_t a[n], b[n], y[n], expected[n];
}  // namespace

TEST_CASE("add equals the oracle for random scales and zero points", "[quant][add]") {
  edgeloop::rng r(50);
  int mismatches = 0, made = 0;
  for (int t = 0; t < 100; ++t) {
    const auto s1 = static_cast<float>(std::exp2(r.uniform<double>(-10.0, 0.0)));
    const auto s2 = static_cast<float>(std::exp2(r.uniform<double>(-10.0, 0.0)));
    const auto so = static_cast<float>(std::exp2(r.uniform<double>(-10.0, 1.0)));
    const std::int32_t z1 = oracle::random_int(r, -128, 127), z2 = oracle::random_int(r, -128, 127);
    const q::output_stage s = oracle::random_output_stage(r);
    q::add_params p;
    if (q::make_add_params(s1, z1, s2, z2, so, s, p) != edgeloop::status::ok) continue;
    ++made;
    // The oracle computes the multipliers from the scales itself (TFLite Prepare).
    const double twice = 2.0 * (s1 > s2 ? double{s1} : double{s2});
    const q::quantized_multiplier m1 = oracle::quantize_multiplier(double{s1} / twice);
    const q::quantized_multiplier m2 = oracle::quantize_multiplier(double{s2} / twice);
    const q::quantized_multiplier mo = oracle::quantize_multiplier(twice / (1048576.0 * double{so}));
    oracle::fill(r, a, n);
    oracle::fill(r, b, n);
    for (std::size_t i = 0; i < n; ++i) {
      const long long x1 = (a[i] - z1) * 1048576LL, x2 = (b[i] - z2) * 1048576LL;
      const long long sum = oracle::multiply(x1, m1.multiplier, m1.shift) + oracle::multiply(x2, m2.multiplier, m2.shift);
      expected[i] = oracle::requantize(sum, mo, s);
    }
    q::add(p, a, b, y, n);
    if (!oracle::same(y, expected, n)) ++mismatches;
  }
  CHECK(made > 80);
  CHECK(mismatches == 0);
  // Same scales and zero points: a + b - zp exactly, saturating.
  q::add_params p;
  REQUIRE(q::make_add_params(0.1f, 5, 0.1f, 5, 0.1f, {5, -128, 127}, p) == edgeloop::status::ok);
  const std::int8_t u[3] = {10, 100, -100}, v[3] = {20, 100, -100};
  q::add(p, u, v, y, 3);
  CHECK(y[0] == 25);
  CHECK(y[1] == 127);
  CHECK(y[2] == -128);
}

TEST_CASE("make_add_params rejects bad arguments and changes nothing then", "[quant][add]") {
  q::add_params p;
  p.left_shift = 7;  // a marker
  const q::output_stage s{};
  CHECK(q::make_add_params(0.0f, 0, 0.1f, 0, 0.1f, s, p) == edgeloop::status::invalid_argument);
  CHECK(q::make_add_params(0.1f, 0, std::nanf(""), 0, 0.1f, s, p) == edgeloop::status::invalid_argument);
  CHECK(q::make_add_params(0.1f, 200, 0.1f, 0, 0.1f, s, p) == edgeloop::status::invalid_argument);
  CHECK(q::make_add_params(0.1f, 0, 0.1f, 0, 1e-9f, s, p) == edgeloop::status::invalid_argument);  // multiplier >= 1
  CHECK(q::make_add_params(0.1f, 0, 0.1f, 0, 0.1f, {-129, -128, 127}, p) == edgeloop::status::invalid_argument);
  CHECK(p.left_shift == 7);
}
