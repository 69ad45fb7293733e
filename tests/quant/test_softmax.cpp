// softmax: bit-identical to the oracle's plain evaluation of the table specification
// (int64, division), the table within 1 of round(2^15 exp) in long double, and outputs
// within 1 of the real softmax rounded to the int8 output grid (scale 1/256, zero point -128).
#include "edgeloop/quant/softmax.hpp"

#include <cmath>
#include <cstdint>

#include "quant_oracle.hpp"
#include "support/test.hpp"

namespace q = edgeloop::quant;
namespace oracle = edgeloop::test::oracle;

namespace {
constexpr std::size_t max_n = 40;
std::int8_t x[max_n], y[max_n];
q::softmax_table table;
}  // namespace

TEST_CASE("softmax table is within 1 of round(2^15 exp(-beta s d))", "[quant][softmax]") {
  edgeloop::rng r(60);
  int off = 0;
  for (int t = 0; t < 20; ++t) {
    const auto beta = static_cast<float>(r.uniform<double>(0.5, 2.0));
    const auto scale = static_cast<float>(std::exp2(r.uniform<double>(-8.0, -1.0)));
    REQUIRE(q::make_softmax_table(beta, scale, table) == edgeloop::status::ok);
    for (std::size_t d = 0; d < 256; ++d) {
      const long double exact =
          std::round(32768.0L * std::exp(-static_cast<long double>(beta * scale) * static_cast<long double>(d)));
      if (std::fabs(static_cast<long double>(table.exp_q15[d]) - exact) > 1.0L) ++off;
    }
  }
  CHECK(off == 0);
  CHECK(table.exp_q15[0] == 32768);
  q::softmax_table before = table;
  CHECK(q::make_softmax_table(-1.0f, 0.1f, table) == edgeloop::status::invalid_argument);
  CHECK(q::make_softmax_table(1.0f, std::nanf(""), table) == edgeloop::status::invalid_argument);
  CHECK(edgeloop::test::same_bytes(before, table));
}

TEST_CASE("softmax equals the oracle and stays within 1 of the real softmax", "[quant][softmax]") {
  edgeloop::rng r(61);
  int mismatches = 0, far = 0, exact = 0, total = 0;
  for (int t = 0; t < 100; ++t) {
    const std::size_t n = 1 + r.uniform_int(max_n);
    const auto beta = static_cast<float>(r.uniform<double>(0.5, 2.0));
    const auto scale = static_cast<float>(std::exp2(r.uniform<double>(-7.0, -2.0)));
    REQUIRE(q::make_softmax_table(beta, scale, table) == edgeloop::status::ok);
    const std::int32_t spread = oracle::random_int(r, 1, 255);
    const std::int32_t low = oracle::random_int(r, -128, 127 - spread);
    for (std::size_t i = 0; i < n; ++i) x[i] = static_cast<std::int8_t>(low + oracle::random_int(r, 0, spread));
    q::softmax(table, x, n, y);
    long long top = -128, sum = 0;
    for (std::size_t i = 0; i < n; ++i) top = x[i] > top ? x[i] : top;
    for (std::size_t i = 0; i < n; ++i) sum += table.exp_q15[static_cast<std::size_t>(top - x[i])];
    long double real_sum = 0;
    for (std::size_t i = 0; i < n; ++i) real_sum += std::exp(static_cast<long double>(beta * scale) * static_cast<long double>(x[i] - top));
    for (std::size_t i = 0; i < n; ++i) {
      const long long e = table.exp_q15[static_cast<std::size_t>(top - x[i])];
      long long qv = (512 * e + sum) / (2 * sum) - 128;  // 256 e / sum, half up, as specified
      if (qv > 127) qv = 127;
      if (qv != y[i]) ++mismatches;
      const long double p = std::exp(static_cast<long double>(beta * scale) * static_cast<long double>(x[i] - top)) / real_sum;
      long double ideal = std::floor(256.0L * p + 0.5L) - 128.0L;
      if (ideal > 127.0L) ideal = 127.0L;
      const long double diff = std::fabs(ideal - static_cast<long double>(y[i]));
      if (diff > 1.0L) ++far;
      if (diff == 0.0L) ++exact;
      ++total;
    }
  }
  CHECK(mismatches == 0);
  CHECK(far == 0);
  CHECK(exact * 100 > total * 95);  // off by one only rarely
  // One dominant element saturates at 127 (probability 1 -> 256 - 128 clamps), the rest -128.
  REQUIRE(q::make_softmax_table(1.0f, 0.25f, table) == edgeloop::status::ok);
  const std::int8_t v[3] = {127, -128, -128};
  q::softmax(table, v, 3, y);
  CHECK(y[0] == 127);
  CHECK(y[1] == -128);
}
