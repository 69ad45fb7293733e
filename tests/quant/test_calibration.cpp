// calibration: choose_asymmetric equals TFLite's ChooseQuantizationParams written out
// here in double; 0.0 quantizes exactly and in-range values round-trip within scale / 2;
// observers against batch recomputation (min/max, the moving-average recurrence, sorted
// sample percentiles); bad input leaves an observer unchanged.
#include "edgeloop/quant/calibration.hpp"

#include <algorithm>
#include <cmath>
#include <cstdint>

#include "quant_oracle.hpp"
#include "support/test.hpp"

namespace q = edgeloop::quant;

namespace {
/// TFLite ChooseQuantizationParams<int8_t>(rmin, rmax, narrow_range = false), with the
/// range first widened to contain 0.
q::quant_params tflite_params(double rmin, double rmax) {
  rmin = std::min(rmin, 0.0);
  rmax = std::max(rmax, 0.0);
  const double qmin = -128, qmax = 127, scale = (rmax - rmin) / (qmax - qmin);
  const double zmin = qmin - rmin / scale, zmax = qmax - rmax / scale;
  const double emin = std::fabs(qmin) + std::fabs(rmin / scale), emax = std::fabs(qmax) + std::fabs(rmax / scale);
  const double z = emin < emax ? zmin : zmax;
  const double nudged = z < qmin ? qmin : (z > qmax ? qmax : std::round(z));
  return {static_cast<float>(scale), static_cast<std::int32_t>(nudged)};
}
float values[50];
}  // namespace

TEST_CASE("choose_asymmetric equals TFLite's ChooseQuantizationParams", "[quant][calibration]") {
  edgeloop::rng r(70);
  int mismatches = 0, inexact_zero = 0, far = 0;
  for (int t = 0; t < 500; ++t) {
    const float a = static_cast<float>(r.uniform<double>(-50.0, 10.0) * std::exp2(r.uniform<double>(-8.0, 4.0)));
    const float b = a + static_cast<float>(r.uniform<double>(0.0, 30.0) * std::exp2(r.uniform<double>(-8.0, 4.0)));
    q::quant_params p;
    REQUIRE(q::choose_asymmetric(a, b, p) == edgeloop::status::ok);
    const q::quant_params e = tflite_params(a, b);
    if (p.scale != e.scale || p.zero_point != e.zero_point) ++mismatches;
    if (q::dequantize_value(q::quantize_value(0.0f, p), p) != 0.0f) ++inexact_zero;
    for (int i = 0; i < 20; ++i) {  // values inside the (widened) range round-trip within half a step
      const float v = static_cast<float>(r.uniform<double>(std::min(a, 0.0f), std::max(b, 0.0f)));
      if (std::fabs(q::dequantize_value(q::quantize_value(v, p), p) - v) > 0.5001f * p.scale) ++far;
    }
  }
  CHECK(mismatches == 0);
  CHECK(inexact_zero == 0);
  CHECK(far == 0);
  q::quant_params p{0.5f, 3};
  CHECK(q::choose_asymmetric(1.0f, 0.0f, p) == edgeloop::status::invalid_argument);
  CHECK(q::choose_asymmetric(std::nanf(""), 1.0f, p) == edgeloop::status::invalid_argument);
  CHECK((p.scale == 0.5f && p.zero_point == 3));
  REQUIRE(q::choose_asymmetric(0.0f, 0.0f, p) == edgeloop::status::ok);
  CHECK((p.scale == 1.0f && p.zero_point == 0));
  REQUIRE(q::choose_asymmetric(0.0f, 2.55f, p) == edgeloop::status::ok);  // all positive: zero point -128
  CHECK(p.zero_point == -128);
  REQUIRE(q::choose_symmetric(-0.5f, 1.27f, p) == edgeloop::status::ok);
  CHECK((p.zero_point == 0 && edgeloop::test::close(p.scale, 0.01, 1e-6)));
  CHECK(q::quantize_value(1.27f, p) == 127);
  CHECK(q::quantize_value(-5.0f, p) == -128);
}

TEST_CASE("min/max and moving-average observers equal recomputation", "[quant][calibration]") {
  edgeloop::rng r(71);
  q::minmax_observer mm;
  q::moving_average_observer ma({0.1f});
  q::quant_params p;
  CHECK(mm.params(p) == edgeloop::status::not_ready);
  CHECK(ma.params(p) == edgeloop::status::not_ready);
  float lo = 0, hi = 0;
  double avg_lo = 0, avg_hi = 0;
  for (int batch = 0; batch < 30; ++batch) {
    const float shift = static_cast<float>(batch) * 0.1f;
    for (std::size_t i = 0; i < 20; ++i) values[i] = static_cast<float>(r.uniform<double>(-1.0, 2.0)) + shift;
    const float blo = *std::min_element(values, values + 20), bhi = *std::max_element(values, values + 20);
    lo = batch == 0 ? blo : std::min(lo, blo);
    hi = batch == 0 ? bhi : std::max(hi, bhi);
    avg_lo = batch == 0 ? blo : avg_lo + 0.1 * (blo - avg_lo);
    avg_hi = batch == 0 ? bhi : avg_hi + 0.1 * (bhi - avg_hi);
    REQUIRE(mm.observe(values, 20) == edgeloop::status::ok);
    REQUIRE(ma.observe(values, 20) == edgeloop::status::ok);
  }
  CHECK(mm.minimum() == lo);
  CHECK(mm.maximum() == hi);
  CHECK(mm.count() == 600);
  CHECK(edgeloop::test::close(ma.minimum(), avg_lo, 1e-5, 1e-6));
  CHECK(edgeloop::test::close(ma.maximum(), avg_hi, 1e-5, 1e-6));
  REQUIRE(mm.params(p) == edgeloop::status::ok);
  const q::quant_params e = tflite_params(lo, hi);
  CHECK((p.scale == e.scale && p.zero_point == e.zero_point));
  // A batch with a NaN changes nothing.
  const q::minmax_observer before = mm;
  const q::moving_average_observer before_ma = ma;
  values[5] = std::nanf("");
  CHECK(mm.observe(values, 20) == edgeloop::status::non_finite_input);
  CHECK(ma.observe(values, 20) == edgeloop::status::non_finite_input);
  CHECK(edgeloop::test::same_bytes(before, mm));
  CHECK(edgeloop::test::same_bytes(before_ma, ma));
  CHECK(q::moving_average_observer::validate({0.0f}) == edgeloop::status::invalid_argument);
  mm.reset();
  CHECK(mm.count() == 0);
}

TEST_CASE("percentile observer follows the percentiles and ignores rare outliers", "[quant][calibration]") {
  // 3,000 values uniform on [-1, 3] and 3 outliers at 100 (0.1%): the 1% and 99% points are
  // -1 + 4 * 0.01 / 0.999 and -1 + 4 * 0.99 / 0.999 (closed form, no stored sample).
  edgeloop::rng r(72);
  q::percentile_observer po({0.99f});
  q::minmax_observer mm;
  for (std::size_t chunk = 0; chunk < 60; ++chunk) {
    for (std::size_t i = 0; i < 50; ++i) {
      values[i] = static_cast<float>(r.uniform<double>(-1.0, 3.0));
      if ((chunk * 50 + i) % 1000 == 999) values[i] = 100.0f;
    }
    REQUIRE(po.observe(values, 50) == edgeloop::status::ok);
    REQUIRE(mm.observe(values, 50) == edgeloop::status::ok);
  }
  const double p01 = -1.0 + 4.0 * 0.01 / 0.999, p99 = -1.0 + 4.0 * 0.99 / 0.999;
  CHECK(std::fabs(po.minimum() - p01) < 0.1);  // 2.5% of the uniform part's width
  CHECK(std::fabs(po.maximum() - p99) < 0.1);
  CHECK(mm.maximum() == 100.0f);
  q::quant_params pp, pm;
  REQUIRE(po.params(pp) == edgeloop::status::ok);
  REQUIRE(mm.params(pm) == edgeloop::status::ok);
  CHECK(pp.scale * 20.0f < pm.scale);  // the outliers would have cost 25x coarser steps
  CHECK(po.count() == 3000);
  values[0] = std::nanf("");
  CHECK(po.observe(values, 10) == edgeloop::status::non_finite_input);
  CHECK(po.count() == 3000);
}
