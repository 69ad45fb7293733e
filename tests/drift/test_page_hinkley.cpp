#include "edgeloop/drift/page_hinkley.hpp"

#include <cmath>
#include <cstdint>
#include <limits>

#include "drift/drift_streams.hpp"
#include "edgeloop/core/rng.hpp"
#include "support/test.hpp"

using namespace edgeloop;
using edgeloop::test::close;
using edgeloop::test::same_bytes;

namespace {

#if defined(EDGELOOP_TARGET_TEST)
constexpr int ph_delay_pre = 600;
constexpr int ph_delay_seeds = 4;
#else
constexpr int ph_delay_pre = 2000;
constexpr int ph_delay_seeds = 12;
#endif

// Noise-free prediction of the delay: before the change x = x_bar so m_t = alpha m - delta
// (its minimum is the value at the change); after it x - x_bar_t = d pre / (pre + k) (the
// cumulative mean follows the new level slowly). Returns the k at which m - min m > lambda.
[[maybe_unused]] int predicted_ph_delay(long double d, int pre) {
  const long double alpha = 1.0L - 0.0001L, delta = 0.005L, lambda = 50.0L;
  long double m = 0, lowest = 0;
  for (int t = 0; t < pre; ++t) {
    m = alpha * m - delta;
    if (m < lowest) lowest = m;
  }
  for (int k = 1; k < 200000; ++k) {
    m = alpha * m + d * pre / (pre + k) - delta;
    if (m < lowest) lowest = m;
    if (m - lowest > lambda) return k - 1;
  }
  return 200000;
}

template <class Gen>
[[maybe_unused]] double ph_mean_delay(int pre, int seeds, Gen gen, int& misses, int& early) {
  double sum = 0;
  int found = 0;
  misses = early = 0;
  for (int s = 1; s <= seeds; ++s) {
    rng g(static_cast<std::uint64_t>(1000 + s));
    page_hinkley<double> d;
    int at = -1;
    for (int i = 0; i < pre + 6000; ++i) {
      if (d.update(gen(g, i >= pre)) == drift_state::drift) {
        if (i < pre) {
          ++early;
          continue;
        }
        at = i - pre;
        break;
      }
    }
    if (at < 0) {
      ++misses;
    } else {
      sum += at;
      ++found;
    }
  }
  return found ? sum / found : -1.0;
}

}  // namespace

TEST_CASE("page_hinkley reproduces River's documented example (change at index 1006)", "[drift][page_hinkley]") {
  // River's PageHinkley docstring (defaults, mode "both"): random.Random(12345),
  // choices([0,1], k=1000) + choices(range(4,8), k=1000) -> "Change detected at index 1006,
  // input value: 5", one line.
  page_hinkley<double> both({30, 0.005, 50.0, 1.0 - 0.0001, ph_mode::both});
  page_hinkley<float> up_f;  // mode up (the default here): the same increase
  int first = -1, value = -1, count = 0, first_f = -1;
  edgeloop::test::river_example_stream([&](int i, int v) {
    if (both.update(static_cast<double>(v)) == drift_state::drift) {
      if (first < 0) {
        first = i;
        value = v;
      }
      ++count;
    }
    if (up_f.update(static_cast<float>(v)) == drift_state::drift && first_f < 0) first_f = i;
  });
  CHECK(first == 1006);
  CHECK(value == 5);
  CHECK(count == 1);
  CHECK(first_f == 1006);
}

TEST_CASE("page_hinkley statistic matches a direct recomputation from all values", "[drift][page_hinkley]") {
  // m_t = sum_{s<=t} alpha^(t-s) (x_s - x_bar_s - delta), recomputed from the stored values
  // in long double after every update; statistic_up() must be m_t - min_{s<=t} m_s.
#if defined(EDGELOOP_TARGET_TEST)
  constexpr int n = 80;
#else
  constexpr int n = 300;
#endif
  static double xs[n], xbar[n];
  page_hinkley<double>::params p;
  p.threshold = 1e9;  // never fire: compare the raw statistic
  p.alpha = 0.99;
  page_hinkley<double> ph(p);
  rng g(9);
  long double running = 0, lowest = 0, running_d = 0, highest = 0;
  int mismatches = 0;
  for (int t = 0; t < n; ++t) {
    xs[t] = g.normal<double>() * 0.5 + (t > n / 2 ? 0.7 : 0.0);
    long double mean = 0;
    for (int s = 0; s <= t; ++s) mean += xs[s];
    xbar[t] = static_cast<double>(mean / (t + 1));
    long double m = 0, dd = 0;
    for (int s = 0; s <= t; ++s) {
      const long double w = std::pow(0.99L, static_cast<long double>(t - s));
      m += w * (xs[s] - static_cast<long double>(xbar[s]) - 0.005L);
      dd += w * (xs[s] - static_cast<long double>(xbar[s]) + 0.005L);
    }
    running = m;
    running_d = dd;
    if (t == 0 || running < lowest) lowest = running;
    if (t == 0 || running_d > highest) highest = running_d;
    (void)ph.update(xs[t]);
    if (!close(ph.statistic_up(), running - lowest, 1e-9L, 1e-9L)) ++mismatches;
    if (!close(ph.statistic_down(), highest - running_d, 1e-9L, 1e-9L)) ++mismatches;
    if (!close(ph.estimation(), xbar[t], 1e-12L, 1e-12L)) ++mismatches;
  }
  CHECK(mismatches == 0);
  CHECK(ph.statistic_up() > 10.0);  // the upward shift of 0.7 built up the statistic
}

TEST_CASE("page_hinkley stationary streams: no alarm when lambda spans 7 standard deviations", "[drift][page_hinkley]") {
  // With forgetting, m_t is an AR(1) process around -delta/(1-alpha) = -50 with stationary
  // standard deviation sigma / sqrt(1 - alpha^2) = 70.7 sigma. lambda = 50 is a rise of
  // 7.07 such deviations for sigma = 0.1: no alarm is expected in 100,000 samples (none in
  // 8 seeds when written). For sigma = 1 it is 0.71 deviations: the defaults do alarm
  // (lambda is in the data's units), which the second check documents (29-42 alarms per
  // 100,000 in 8 seeds).
#if defined(EDGELOOP_TARGET_TEST)
  constexpr int n = 5000;
#else
  constexpr int n = 100000;
#endif
  page_hinkley<float> quiet;
  page_hinkley<double> loud;
  page_hinkley<double> quiet_both({30, 0.005, 50.0, 1.0 - 0.0001, ph_mode::both});
  rng g(77);
  for (int i = 0; i < n; ++i) {
    const double z = g.normal<double>();
    (void)quiet.update(static_cast<float>(0.1 * z));
    (void)quiet_both.update(0.1 * z);
    (void)loud.update(z);
  }
  CHECK(quiet.detections() == 0u);
  CHECK(quiet_both.detections() == 0u);
#if !defined(EDGELOOP_TARGET_TEST)
  CHECK(loud.detections() > 0u);
#endif
}

// Host only: with the board's shorter pre-change stream and few seeds the averages are
// too noisy for these bounds.
#if !defined(EDGELOOP_TARGET_TEST)
TEST_CASE("page_hinkley detection delay shrinks with the shift and follows lambda / (d - delta)", "[drift][page_hinkley]") {
  // Predicted by the noise-free recursion (predicted_ph_delay, about lambda / (d - delta)
  // corrected for the slowly following mean and the forgetting). Noise gives the statistic
  // a head start at the change, so the mean delay may be earlier: 0.6 k* .. 1.15 k*.
  int misses = 0, early = 0;
  double last = 1e9;
  for (const double d : {0.5, 1.0, 2.0}) {  // Gaussian, sigma = 0.1, shift d sigma
    const double delay = ph_mean_delay(
        ph_delay_pre, ph_delay_seeds, [d](rng& g, bool after) { return 0.1 * (g.normal<double>() + (after ? d : 0.0)); },
        misses, early);
    const int k = predicted_ph_delay(0.1L * d, ph_delay_pre);
    CHECK(misses == 0);
    CHECK(early == 0);
    CHECK(delay >= 0.6 * k);
    CHECK(delay <= 1.15 * k);
    CHECK(delay < last);
    last = delay;
  }
  last = 1e9;
  for (const double p1 : {0.3, 0.5, 0.8}) {  // Bernoulli 0.2 -> p1
    const double delay = ph_mean_delay(
        ph_delay_pre, ph_delay_seeds, [p1](rng& g, bool after) { return g.bernoulli(after ? p1 : 0.2) ? 1.0 : 0.0; },
        misses, early);
    const int k = predicted_ph_delay(p1 - 0.2, ph_delay_pre);
    CHECK(misses == 0);
    CHECK(delay >= 0.6 * k);
    CHECK(delay <= 1.15 * k);
    CHECK(delay < last);
    last = delay;
  }
}

#endif

TEST_CASE("page_hinkley modes: up ignores decreases, down and both detect them", "[drift][page_hinkley]") {
  page_hinkley<double> up;
  page_hinkley<double> down({30, 0.005, 50.0, 1.0 - 0.0001, ph_mode::down});
  page_hinkley<double> both({30, 0.005, 50.0, 1.0 - 0.0001, ph_mode::both});
  rng g(4);
  int first_down = -1, first_both = -1;
  for (int i = 0; i < 1500; ++i) {
    const double x = 0.1 * g.normal<double>() + (i >= 500 ? -0.5 : 0.0);
    (void)up.update(x);
    if (down.update(x) == drift_state::drift && first_down < 0) first_down = i;
    if (both.update(x) == drift_state::drift && first_both < 0) first_both = i;
  }
  CHECK(up.detections() == 0u);
  CHECK(first_down >= 500);
  CHECK(first_down < 800);
  CHECK(first_both == first_down);
}

TEST_CASE("page_hinkley ignores non-finite values and leaves its state unchanged", "[drift][page_hinkley]") {
  page_hinkley<float> ph;
  for (int i = 0; i < 50; ++i) (void)ph.update(static_cast<float>(i % 3));
  const auto before = ph.state();
  drift_state out = drift_state::warning;
  CHECK(ph.update(std::numeric_limits<float>::quiet_NaN()) == drift_state::none);
  CHECK(ph.last_status() == status::non_finite_input);
  CHECK(ph.update_checked(std::numeric_limits<float>::infinity(), out) == status::non_finite_input);
  CHECK(out == drift_state::warning);
  const auto after = ph.state();
  CHECK(same_bytes(before, after));
  CHECK(ph.update_checked(1.0f, out) == status::ok);
  CHECK(ph.last_status() == status::ok);
}

TEST_CASE("page_hinkley state round-trips and restore validates", "[drift][page_hinkley]") {
  page_hinkley<double> a;
  rng g(6);
  for (int i = 0; i < 400; ++i) (void)a.update(g.bernoulli(0.3) ? 1.0 : 0.0);
  const auto s = a.state();
  page_hinkley<double> b({10, 0.1, 5.0, 1.0, ph_mode::both});
  REQUIRE(b.restore(s) == status::ok);
  const auto sb = b.state();
  CHECK(same_bytes(s, sb));
  bool same = true;
  for (int i = 0; i < 2000; ++i) {
    const double x = g.bernoulli(i > 500 ? 0.8 : 0.3) ? 1.0 : 0.0;
    if (a.update(x) != b.update(x)) same = false;
  }
  CHECK(same);
  CHECK(a.detections() >= 1u);
  const auto sa2 = a.state();
  const auto sb2 = b.state();
  CHECK(same_bytes(sa2, sb2));
  auto bad = s;
  bad.version = 99;
  CHECK(b.restore(bad) == status::invalid_state);
  bad = s;
  bad.min_up = bad.sum_up + 1.0;  // the minimum cannot exceed the current sum
  CHECK(b.restore(bad) == status::invalid_state);
  bad = s;
  bad.p.threshold = -1.0;
  CHECK(b.restore(bad) == status::invalid_state);
  CHECK(page_hinkley<double>::validate({0, 0.005, 50.0, 0.9999, ph_mode::up}) == status::invalid_argument);
  CHECK(page_hinkley<double>::validate({30, 0.005, 50.0, 1.5, ph_mode::up}) == status::invalid_argument);
  STATIC_REQUIRE(page_hinkley<float>::memory_bytes == sizeof(page_hinkley<float>));
  STATIC_REQUIRE(drift_detector<page_hinkley<float>>);
}
