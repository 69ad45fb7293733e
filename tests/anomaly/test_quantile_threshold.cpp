#include <algorithm>
#include <array>
#include <cmath>
#include <cstdint>

#include "edgeloop/anomaly/p2_quantile.hpp"
#include "edgeloop/anomaly/quantile_threshold.hpp"
#include "edgeloop/core/rng.hpp"
#include "support/test.hpp"

using namespace edgeloop;
using edgeloop::test::same_bytes;

TEST_CASE("p2_quantile: exact for the first five values, then close to the sample quantile",
          "[anomaly][p2_quantile]") {
  p2_quantile<float> median(0.5f);
  CHECK(median.estimate() == 0.0f);
  const float first[] = {7.0f, 1.0f, 5.0f, 3.0f, 9.0f};
  const float expected[] = {7.0f, 1.0f, 5.0f, 3.0f, 5.0f};  // lower median of the values so far
  for (int i = 0; i < 5; ++i) {
    REQUIRE(median.add(first[i]) == status::ok);
    CHECK(median.estimate() == expected[i]);
  }
  // After 500 values: rank error of a few percent at most (measured worst over 40 streams:
  // 1.4% for the median, 2.8% for p = 0.9).
  static std::array<float, 500> xs;
  for (const float p : {0.5f, 0.9f}) {
    p2_quantile<float> est(p);
    rng g(9);
    for (auto& x : xs) {
      x = g.normal(3.0f, 2.0f);
      REQUIRE(est.add(x) == status::ok);
    }
    std::sort(xs.begin(), xs.end());
    const auto below = std::lower_bound(xs.begin(), xs.end(), est.estimate()) - xs.begin();
    CHECK(std::fabs(static_cast<float>(below) / 500.0f - p) <= 0.04f);
    CHECK(est.markers()[0] == xs.front());
    CHECK(est.markers()[4] == xs.back());
  }
}

TEST_CASE("p2_quantile and quantile_threshold: bad input, round trip", "[anomaly][quantile_threshold]") {
  quantile_threshold<float> t({0.05f, 200, 20});
  rng g(10);
  for (int i = 0; i < 333; ++i) (void)t.update(g.normal(0.0f, 1.0f));
  const auto before = t.state();
  bool alarm = true;
  CHECK(t.observe(std::nanf(""), alarm) == status::non_finite_input);
  CHECK(alarm);  // untouched
  CHECK_FALSE(t.update(INFINITY));
  CHECK(t.last_status() == status::non_finite_input);
  CHECK(same_bytes(before, t.state()));
  quantile_threshold<float> other;
  REQUIRE(other.restore(before) == status::ok);
  CHECK(same_bytes(before, other.state()));
  for (int i = 0; i < 300; ++i) {
    const float s = g.normal(0.0f, 1.0f);
    CHECK(t.update(s) == other.update(s));
  }
  CHECK(t.threshold() == other.threshold());
  auto bad = t.state();
  bad.first.p = 0.5f;  // does not match the rate
  CHECK(other.restore(bad) == status::invalid_state);
  bad = t.state();
  bad.second.height[2] = NAN;
  CHECK(other.restore(bad) == status::invalid_state);
  CHECK(quantile_threshold<float>::validate({0.0f, 0, 0}) == status::invalid_argument);
  CHECK(quantile_threshold<float>::validate({0.01f, 5, 0}) == status::invalid_argument);
  CHECK(p2_quantile<float>::validate(1.0f) == status::invalid_argument);
}

TEST_CASE("quantile_threshold: warm-up, then about the chosen rate; the window follows a shift",
          "[anomaly][quantile_threshold]") {
  quantile_threshold<float> cumulative({0.05f, 0, 50}), windowed({0.05f, 400, 50});
  rng g(12);
  int alarms = 0;
  for (int i = 0; i < 50; ++i) {
    CHECK_FALSE(cumulative.update(g.normal(0.0f, 1.0f) + (i == 49 ? 100.0f : 0.0f)));
  }
  for (int i = 0; i < 2000; ++i) alarms += cumulative.update(g.normal(0.0f, 1.0f)) ? 1 : 0;
  CHECK(alarms > 60);   // 5% of 2000 = 100
  CHECK(alarms < 140);
  // After normal moves up by 3 standard deviations, the windowed threshold follows it (the
  // 95% quantile becomes 4.64) and alarms return to about 5%; the cumulative threshold
  // still mixes in the old normal (about 4.3 for this mixture).
  for (int i = 0; i < 2000; ++i) (void)windowed.update(g.normal(0.0f, 1.0f));
  int windowed_alarms = 0, cumulative_alarms = 0;
  for (int i = 0; i < 2000; ++i) {
    const float s = g.normal(3.0f, 1.0f);
    const bool a = windowed.update(s), b = cumulative.update(s);
    if (i >= 1000) {
      windowed_alarms += a ? 1 : 0;
      cumulative_alarms += b ? 1 : 0;
    }
  }
  CHECK(windowed_alarms > 20);
  CHECK(windowed_alarms < 90);
  CHECK(cumulative_alarms > windowed_alarms);
  CHECK(cumulative.threshold() < windowed.threshold());
  CHECK(std::fabs(windowed.threshold() - 4.64f) < 0.5f);
}
