// histogram_observer: the chosen int8 range against the quantization error measured
// directly (quantize and dequantize every value) — lower than min/max's when clipping a
// rare outlier pays and close to the best of a brute-force grid of clip ranges; min/max-
// like when it does not; the low end at 0 for non-negative values; counts survive rebinning;
// bad input changes nothing. Small histograms (64 bins) keep the board image small.
#include "edgeloop/quant/histogram_observer.hpp"

#include <array>
#include <cmath>
#include <cstddef>

#include "edgeloop/core/rng.hpp"
#include "edgeloop/quant/calibration.hpp"
#include "support/test.hpp"

namespace q = edgeloop::quant;

namespace {
constexpr std::size_t n = 500;
constexpr std::size_t repeats = 1000;  // the batch is observed this often, then one outlier

// Squared error of quantizing v[0..m) with p (the TFLite quantize op, then dequantize).
double squared_error(const float* v, std::size_t m, const q::quant_params& p) {
  double sum = 0;
  for (std::size_t i = 0; i < m; ++i) {
    const double d = static_cast<double>(q::dequantize_value(q::quantize_value(v[i], p), p)) - v[i];
    sum += d * d;
  }
  return sum;
}
// Mean squared error over `repeats` copies of the batch and the outlier.
double mse(const float* v, float outlier, const q::quant_params& p) {
  return (static_cast<double>(repeats) * squared_error(v, n, p) + squared_error(&outlier, 1, p)) /
         static_cast<double>(repeats * n + 1);
}
}  // namespace

TEST_CASE("histogram_observer: clips a rare outlier when that lowers the error, near the best clip range",
          "[quant][calibration][histogram]") {
  // At 8 bits clipping pays only when the rounding error saved on very many values exceeds
  // the clipped values' squared distance: 500,000 values on [-1, 1], one at 3.
  static std::array<float, n> v;
  edgeloop::rng r(5);
  for (auto& x : v) x = r.uniform(-0.5f, 0.5f) + r.uniform(-0.5f, 0.5f);  // triangular on [-1, 1]
  const float outlier = 3.0f;
  q::histogram_observer<64> h;
  q::minmax_observer m;
  for (std::size_t k = 0; k < repeats; ++k) {
    REQUIRE(h.observe(v.data(), n) == edgeloop::status::ok);
    REQUIRE(m.observe(v.data(), n) == edgeloop::status::ok);
  }
  REQUIRE(h.observe(&outlier, 1) == edgeloop::status::ok);  // widens (rebins) the histogram
  REQUIRE(m.observe(&outlier, 1) == edgeloop::status::ok);
  q::quant_params ph, pm;
  REQUIRE(h.params(ph) == edgeloop::status::ok);
  REQUIRE(m.params(pm) == edgeloop::status::ok);
  const double eh = mse(v.data(), outlier, ph), em = mse(v.data(), outlier, pm);
  CHECK(eh < 0.8 * em);
  // Brute force over clip ranges [-a, b] on a 0.125 grid.
  double best = -1;
  for (int ia = 0; ia <= 10; ++ia)
    for (int ib = 1; ib <= 26; ++ib) {
      q::quant_params p;
      REQUIRE(q::choose_asymmetric(-0.125f * static_cast<float>(ia), 0.125f * static_cast<float>(ib), p) ==
              edgeloop::status::ok);
      const double e = mse(v.data(), outlier, p);
      if (best < 0 || e < best) best = e;
    }
  CHECK(eh <= 1.25 * best);
  std::uint64_t total = 0;
  for (std::size_t b = 0; b < h.bins; ++b) total += h.bin_count(b);
  CHECK(total == repeats * n + 1);
  CHECK(h.count() == repeats * n + 1);
  // Without the many repeats the outlier's clipping costs more than it saves: min/max-like.
  q::histogram_observer<64> few;
  REQUIRE(few.observe(v.data(), n) == edgeloop::status::ok);
  REQUIRE(few.observe(&outlier, 1) == edgeloop::status::ok);
  float lo = 0, hi = 0;
  REQUIRE(few.range(lo, hi) == edgeloop::status::ok);
  CHECK(hi > 2.5f);
}

TEST_CASE("histogram_observer: without outliers about the whole range; non-negative values start at 0",
          "[quant][calibration][histogram]") {
  static std::array<float, n> v;
  edgeloop::rng r(6);
  for (auto& x : v) x = r.uniform(0.0f, 1.0f);
  q::histogram_observer<64> h;
  REQUIRE(h.observe(v.data(), v.size()) == edgeloop::status::ok);
  float lo = -1, hi = -1;
  REQUIRE(h.range(lo, hi) == edgeloop::status::ok);
  CHECK(lo == 0.0f);
  CHECK(hi > 0.9f);
  CHECK(hi <= h.maximum());
}

TEST_CASE("histogram_observer: bad input changes nothing, not ready before data", "[quant][calibration][histogram]") {
  q::histogram_observer<64> h;
  q::quant_params p;
  CHECK(h.params(p) == edgeloop::status::not_ready);
  const float good[3] = {0.5f, -1.0f, 2.0f};
  REQUIRE(h.observe(good, 3) == edgeloop::status::ok);
  const auto before = h;
  const float bad[3] = {0.5f, NAN, 9.0f};
  CHECK(h.observe(bad, 3) == edgeloop::status::non_finite_input);
  CHECK(edgeloop::test::same_bytes(h, before));
  h.reset();
  CHECK(h.count() == 0);
  CHECK(q::histogram_observer<64>::memory_bytes == sizeof(q::histogram_observer<64>));
}
