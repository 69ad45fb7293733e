#include <array>
#include <cmath>
#include <cstddef>
#include <limits>

#include "edgeloop/core/rng.hpp"
#include "edgeloop/features/window_statistics.hpp"
#include "support/test.hpp"

using namespace edgeloop;
using edgeloop::test::close;
using edgeloop::test::same_bytes;

namespace {

#if defined(EDGELOOP_TARGET_TEST)
constexpr std::size_t small_window = 16;
constexpr std::size_t large_window = 32;
#else
constexpr std::size_t small_window = 64;
constexpr std::size_t large_window = 256;
#endif

/// Independent reference: everything recomputed over the current window in long double,
/// two-pass (mean first, then central moments), with the conventions documented in the
/// header (population variance, excess kurtosis, crossings about zero).
struct reference_stats {
  long double mean = 0, variance = 0, minimum = 0, maximum = 0, rms = 0, skewness = 0,
              kurtosis = 0, crest = 0, zcr = 0, slope = 0;
};

template <class S>
reference_stats recompute(const S* w, std::size_t n) {
  reference_stats r;
  if (n == 0) return r;
  long double sum = 0;
  r.minimum = r.maximum = w[0];
  for (std::size_t i = 0; i < n; ++i) {
    const long double v = w[i];
    sum += v;
    if (v < r.minimum) r.minimum = v;
    if (v > r.maximum) r.maximum = v;
  }
  r.mean = sum / static_cast<long double>(n);
  long double m2 = 0, m3 = 0, m4 = 0, cov = 0, mean_sq = 0;
  const long double t_mean = static_cast<long double>(n - 1) / 2;
  std::size_t crossings = 0;
  for (std::size_t i = 0; i < n; ++i) {
    const long double d = static_cast<long double>(w[i]) - r.mean;
    m2 += d * d;
    m3 += d * d * d;
    m4 += d * d * d * d;
    cov += (static_cast<long double>(i) - t_mean) * d;
    mean_sq += static_cast<long double>(w[i]) * static_cast<long double>(w[i]);
    if (i > 0 && ((w[i - 1] < S(0)) != (w[i] < S(0)))) ++crossings;
  }
  const long double nn = static_cast<long double>(n);
  r.variance = m2 / nn;
  r.rms = std::sqrt(mean_sq / nn);
  if (r.variance > 0 && n >= 2) {
    r.skewness = (m3 / nn) / std::pow(r.variance, 1.5L);
    r.kurtosis = (m4 / nn) / (r.variance * r.variance) - 3;
  }
  const long double peak = std::fabs(r.minimum) > std::fabs(r.maximum) ? std::fabs(r.minimum) : std::fabs(r.maximum);
  r.crest = r.rms > 0 ? peak / r.rms : 0;
  if (n >= 2) {
    r.zcr = static_cast<long double>(crossings) / (nn - 1);
    r.slope = cov / (nn * (nn * nn - 1) / 12);
  }
  return r;
}

/// Streams `length` samples from `next` through window_statistics<S, W> and compares every
/// feature with the reference at every step. `tol` is relative to the spread (standard
/// deviation) of the window, so it does not loosen when the offset grows.
/// Returns the number of steps at which some feature was out of tolerance.
template <class S, std::size_t W, class Next>
std::size_t stream_mismatches(std::size_t length, Next next, long double tol) {
  window_statistics<S, W> stats;  // locals: each instantiation would otherwise keep its own static RAM
  std::array<S, W> window{};
  std::size_t n = 0, bad = 0;
  for (std::size_t step = 0; step < length; ++step) {
    const S x = next(step);
    if (stats.push(x) != status::ok) return length + 1;
    if (n == W) {
      for (std::size_t i = 1; i < W; ++i) window[i - 1] = window[i];
      window[W - 1] = x;
    } else {
      window[n++] = x;
    }
    const reference_stats r = recompute(window.data(), n);
    const auto f = stats.features();
    const long double sd = std::sqrt(r.variance);
    const long double nn = static_cast<long double>(n);
    bool ok = true;
    ok = ok && close(f[window_feature::mean], r.mean, 0, tol * sd + 4 * std::numeric_limits<S>::epsilon() * std::fabs(r.mean));
    ok = ok && close(f[window_feature::variance], r.variance, tol);
    ok = ok && close(f[window_feature::std_dev], sd, tol);
    ok = ok && static_cast<long double>(f[window_feature::minimum]) == r.minimum;
    ok = ok && static_cast<long double>(f[window_feature::maximum]) == r.maximum;
    ok = ok && close(f[window_feature::peak_to_peak], r.maximum - r.minimum, 4 * std::numeric_limits<S>::epsilon());
    ok = ok && close(f[window_feature::rms], r.rms, tol);
    ok = ok && close(f[window_feature::crest_factor], r.crest, tol);
    ok = ok && close(f[window_feature::zero_crossing_rate], r.zcr, 4 * std::numeric_limits<S>::epsilon());
    if (n >= 3) {
      // Skewness and kurtosis are O(1) numbers: absolute tolerance.
      ok = ok && close(f[window_feature::skewness], r.skewness, 0, 8 * tol);
      ok = ok && close(f[window_feature::kurtosis], r.kurtosis, 0, 16 * tol);
      // Slope: its natural scale is sd / n.
      ok = ok && close(f[window_feature::slope], r.slope, 0, tol * sd / nn * 8);
    }
    if (!ok) ++bad;
  }
  return bad;
}

}  // namespace

TEST_CASE("window_statistics matches recomputation at every step (zero-centred)",
          "[features][window_statistics]") {
  // Sine + noise, with exact zeros and repeated values (ties in the min/max deques).
  auto make = [](std::uint64_t seed) {
    return [r = rng(seed)](std::size_t t) mutable {
      if (t % 11 == 0) return 0.0;
      if (t % 13 == 0) return 1.5;
      return 2.0 * std::sin(0.17 * static_cast<double>(t)) + r.normal<double>();
    };
  };
  {
    auto gen = make(1);
    CHECK(stream_mismatches<double, small_window>(
              6 * small_window, [&](std::size_t t) { return gen(t); }, 1e-11L) == 0);
  }
  {
    auto gen = make(2);
    CHECK(stream_mismatches<double, large_window>(
              5 * large_window, [&](std::size_t t) { return gen(t); }, 1e-11L) == 0);
  }
  {
    auto gen = make(3);
    CHECK(stream_mismatches<float, small_window>(
              6 * small_window, [&](std::size_t t) { return static_cast<float>(gen(t)); }, 2e-4L) == 0);
  }
}

TEST_CASE("window_statistics stays accurate with large offsets", "[features][window_statistics]") {
  // A large offset with unit spread and a slow trend: raw power sums would lose every
  // digit here (double: 1e9^2 ~ 1e18 against a spread of 1); the tolerance is relative
  // to the spread, not to the offset.
  rng r(7);
  CHECK(stream_mismatches<double, small_window>(
            8 * small_window,
            [&](std::size_t t) { return 1e9 + 1e-3 * static_cast<double>(t) + r.normal<double>(); },
            1e-5L) == 0);
  CHECK(stream_mismatches<double, large_window>(
            4 * large_window, [&](std::size_t) { return -3e6 + r.normal<double>(); }, 1e-8L) == 0);
  // float: offset 1e3 against a unit spread (inputs themselves carry 6e-5 resolution).
  CHECK(stream_mismatches<float, small_window>(
            8 * small_window, [&](std::size_t) { return 1000.0f + r.normal<float>(); }, 2e-3L) == 0);
}

TEST_CASE("window_statistics recovers when a spike leaves the window", "[features][window_statistics]") {
  // A spike 1e6 times the spread: while it is in the window M2 ~ 1e12; when it leaves, the
  // subtraction would leave an absolute error ~ eps * 1e12 if nothing recomputed.
  rng r(11);
  CHECK(stream_mismatches<double, small_window>(
            5 * small_window,
            [&](std::size_t t) { return (t % (2 * small_window + 5) == 7 ? 1e6 : 0.0) + r.normal<double>(); },
            1e-9L) == 0);
  CHECK(stream_mismatches<float, small_window>(
            5 * small_window,
            [&](std::size_t t) { return (t % (2 * small_window + 5) == 7 ? 1e4f : 0.0f) + r.normal<float>(); },
            2e-4L) == 0);
}

TEST_CASE("window_statistics: constant and short windows", "[features][window_statistics]") {
  window_statistics<float, 8> s;
  CHECK_FALSE(s.ready());
  const auto empty = s.features();
  for (float v : empty) CHECK(v == 0.0f);
  for (int i = 0; i < 20; ++i) REQUIRE(s.push(3.25f) == status::ok);
  CHECK(s.ready());
  CHECK(s.size() == 8);
  CHECK(s.mean() == 3.25f);
  CHECK(s.variance() == 0.0f);
  CHECK(s.skewness() == 0.0f);
  CHECK(s.kurtosis() == 0.0f);
  CHECK(s.minimum() == 3.25f);
  CHECK(s.maximum() == 3.25f);
  CHECK(s.slope() == 0.0f);
  CHECK(s.crest_factor() == 1.0f);
  CHECK(s.zero_crossing_rate() == 0.0f);

  // A ramp: slope exactly 2 per sample; alternating signs: every pair crosses.
  window_statistics<double, 8> ramp;
  for (int i = 0; i < 13; ++i) REQUIRE(ramp.push(2.0 * i * (i % 2 ? -1 : 1)) == status::ok);
  CHECK(ramp.zero_crossing_rate() == 1.0);
  ramp.reset();
  for (int i = 0; i < 13; ++i) REQUIRE(ramp.push(5.0 + 2.0 * i) == status::ok);
  CHECK(close(ramp.slope(), 2.0, 1e-12));
  CHECK(close(ramp.mean(), 5.0 + 2.0 * 8.5, 1e-12));
  CHECK(ramp.minimum() == 5.0 + 2.0 * 5);
  CHECK(ramp.maximum() == 5.0 + 2.0 * 12);
  CHECK(close(ramp.variance(), 4.0 * (64.0 - 1.0) / 12.0, 1e-12));  // 4 * var of 0..7
}

TEST_CASE("window_statistics rejects non-finite and overflowing samples unchanged",
          "[features][window_statistics]") {
  window_statistics<double, 16> s;
  rng r(5);
  for (int i = 0; i < 21; ++i) REQUIRE(s.push(r.normal<double>()) == status::ok);
  const auto before = s.state();
  const auto features_before = s.features();
  CHECK(s.push(std::numeric_limits<double>::quiet_NaN()) == status::non_finite_input);
  CHECK(s.push(std::numeric_limits<double>::infinity()) == status::non_finite_input);
  CHECK(s.push(-std::numeric_limits<double>::infinity()) == status::non_finite_input);
  CHECK(s.push(1e100) == status::non_finite_input);  // finite, but x^4 overflows M4
  CHECK(same_bytes(before, s.state()));
  CHECK(same_bytes(features_before, s.features()));
}

TEST_CASE("window_statistics state round trip continues bit-identically",
          "[features][window_statistics]") {
  using stats_type = window_statistics<float, 16>;
  static stats_type a, b;
  a.reset();
  b.reset();
  rng r(9);
  for (int i = 0; i < 37; ++i) REQUIRE(a.push(r.normal<float>()) == status::ok);
  const stats_type::state_type s = a.state();
  REQUIRE(b.restore(s) == status::ok);
  CHECK(same_bytes(s, b.state()));
  CHECK(same_bytes(a.features(), b.features()));
  for (int i = 0; i < 40; ++i) {
    const float x = (i % 7 == 3) ? 25.0f : r.normal<float>();
    REQUIRE(a.push(x) == status::ok);
    REQUIRE(b.push(x) == status::ok);
    CHECK(same_bytes(a.features(), b.features()));
  }
  // A partially filled window round-trips too.
  a.reset();
  for (int i = 0; i < 5; ++i) REQUIRE(a.push(static_cast<float>(i) - 2.5f) == status::ok);
  REQUIRE(b.restore(a.state()) == status::ok);
  CHECK(same_bytes(a.state(), b.state()));
  CHECK(b.size() == 5);
  CHECK(b.minimum() == -2.5f);
  CHECK(b.maximum() == 1.5f);

  // Invalid states are refused and leave the target unchanged.
  const stats_type::state_type good = b.state();
  stats_type::state_type bad = good;
  bad.magic ^= 1u;
  CHECK(b.restore(bad) == status::invalid_state);
  bad = good;
  bad.size = 17;
  CHECK(b.restore(bad) == status::invalid_state);
  bad = good;
  bad.samples[2] = std::numeric_limits<float>::quiet_NaN();
  CHECK(b.restore(bad) == status::invalid_state);
  bad = good;
  bad.crossings += 1;
  CHECK(b.restore(bad) == status::invalid_state);
  bad = good;
  bad.m2 = -1.0f;
  CHECK(b.restore(bad) == status::invalid_state);
  CHECK(same_bytes(good, b.state()));
}

TEST_CASE("window_statistics publishes its footprint", "[features][window_statistics]") {
  STATIC_REQUIRE(window_statistics<float, 64>::memory_bytes == sizeof(window_statistics<float, 64>));
  // Window*(4 + 2*2) bytes of storage plus a few dozen bytes of counters and sums.
  STATIC_REQUIRE(window_statistics<float, 64>::memory_bytes <= 64 * 8 + 96);
  STATIC_REQUIRE(feature_extractor<window_statistics<float, 64>>);
}
