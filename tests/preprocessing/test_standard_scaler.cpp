#include "edgeloop/preprocessing/standard_scaler.hpp"

#include <array>
#include <cmath>
#include <cstddef>
#include <cstdint>

#include "preprocessing/preprocessing_support.hpp"
#include "support/test.hpp"

using namespace edgeloop;
using edgeloop::test::all_close;
using edgeloop::test::close;
using edgeloop::test::same_bytes;
namespace pre = edgeloop::test::pre;

namespace {

using ld4 = std::array<long double, 4>;

struct reference_moments {
  ld4 mean{};
  ld4 var{};
};

/// Two-pass long-double population mean and variance of the generated stream.
template <class S>
reference_moments two_pass(std::uint64_t seed, std::size_t n) {
  reference_moments r;
  rng g(seed);
  for (std::size_t k = 0; k < n; ++k) {
    const auto x = pre::sensor_sample<S>(g, k);
    for (std::size_t i = 0; i < 4; ++i) r.mean[i] += static_cast<long double>(x[i]);
  }
  for (auto& m : r.mean) m /= static_cast<long double>(n);
  rng h(seed);
  for (std::size_t k = 0; k < n; ++k) {
    const auto x = pre::sensor_sample<S>(h, k);
    for (std::size_t i = 0; i < 4; ++i) {
      const long double d = static_cast<long double>(x[i]) - r.mean[i];
      r.var[i] += d * d;
    }
  }
  for (auto& v : r.var) v /= static_cast<long double>(n);
  return r;
}

/// Weight of sample k (1-based) among n in the exponential mode, straight from the
/// definition: r_k * prod_{j=k+1..n} (1 - r_j), r_j = max(alpha, 1/j).
long double direct_weight(std::size_t k, std::size_t n, long double alpha) {
  auto rate = [alpha](std::size_t j) {
    const long double inv = 1.0L / static_cast<long double>(j);
    return inv > alpha ? inv : alpha;
  };
  long double w = rate(k);
  for (std::size_t j = k + 1; j <= n; ++j) w *= 1.0L - rate(j);
  return w;
}

/// Weighted mean and weighted population variance as direct long-double sums.
template <class S>
reference_moments direct_weighted(std::uint64_t seed, std::size_t n, long double alpha) {
  reference_moments r;
  long double total = 0;
  rng g(seed);
  for (std::size_t k = 1; k <= n; ++k) {
    const auto x = pre::sensor_sample<S>(g, k - 1);
    const long double w = direct_weight(k, n, alpha);
    total += w;
    for (std::size_t i = 0; i < 4; ++i) r.mean[i] += w * static_cast<long double>(x[i]);
  }
  for (auto& m : r.mean) m /= total;  // total is 1 up to rounding
  rng h(seed);
  for (std::size_t k = 1; k <= n; ++k) {
    const auto x = pre::sensor_sample<S>(h, k - 1);
    const long double w = direct_weight(k, n, alpha);
    for (std::size_t i = 0; i < 4; ++i) {
      const long double d = static_cast<long double>(x[i]) - r.mean[i];
      r.var[i] += w * d * d;
    }
  }
  for (auto& v : r.var) v /= total;
  return r;
}

template <class S>
void fit_stream(standard_scaler<S, 4>& s, std::uint64_t seed, std::size_t n) {
  rng g(seed);
  for (std::size_t k = 0; k < n; ++k) REQUIRE(s.partial_fit(pre::sensor_sample<S>(g, k)) == status::ok);
}

constexpr std::uint64_t seed = 2024;

}  // namespace

TEST_CASE("standard_scaler cumulative matches two-pass long double (double)", "[preprocessing][standard_scaler]") {
  static standard_scaler<double, 4> s;
  fit_stream(s, seed, pre::samples);
  const auto ref = two_pass<double>(seed, pre::samples);
  CHECK(s.count() == pre::samples);
  CHECK(all_close(s.mean(), ref.mean, 1e-13L));
  CHECK(all_close(s.variance(), ref.var, 1e-9L));
}

TEST_CASE("standard_scaler cumulative in float stays accurate at a 1e6 offset", "[preprocessing][standard_scaler]") {
  static standard_scaler<float, 4> s;
  fit_stream(s, seed, pre::samples);
  const auto ref = two_pass<float>(seed, pre::samples);
  // Float running means drift by about sqrt(n) rounding errors: 1e-5 relative.
  CHECK(all_close(s.mean(), ref.mean, 1e-5L));
  const auto v = s.variance();
  // Feature 0 is 1e6 + N(0, 1): variance 1 next to a mean of 1e6 (spacing of floats
  // there: 0.0625). Measured: 1.4% off at 200 samples, 0.5% at 5000.
  CHECK(close(v[0], ref.var[0], 0.03L));
  CHECK(close(v[1], ref.var[1], 1e-5L));
  CHECK(close(v[2], ref.var[2], 1e-5L));
  CHECK(close(v[3], ref.var[3], 1e-5L));

  // The naive float sum of squares, E[x^2] - E[x]^2, loses the variance completely.
  float sum = 0, sum_sq = 0;
  rng g(seed);
  for (std::size_t k = 0; k < pre::samples; ++k) {
    const float x = pre::sensor_sample<float>(g, k)[0];
    sum += x;
    sum_sq += x * x;
  }
  const float n = static_cast<float>(pre::samples);
  const float naive = sum_sq / n - (sum / n) * (sum / n);
  CHECK_FALSE(close(naive, ref.var[0], 0.5L));
}

TEST_CASE("standard_scaler exponential matches direct weighted sums", "[preprocessing][standard_scaler]") {
  constexpr std::size_t n = pre::samples < 1000 ? pre::samples : 1000;
  {
    static standard_scaler<double, 4> s({standard_scaler_mode::exponential, 0.05});
    fit_stream(s, seed, n);
    const auto ref = direct_weighted<double>(seed, n, 0.05L);
    CHECK(all_close(s.mean(), ref.mean, 1e-12L));
    CHECK(all_close(s.variance(), ref.var, 1e-8L));
  }
  {
    static standard_scaler<float, 4> s({standard_scaler_mode::exponential, 0.05f});
    fit_stream(s, seed, n);
    const auto ref = direct_weighted<float>(seed, n, static_cast<long double>(0.05f));
    CHECK(all_close(s.mean(), ref.mean, 1e-6L));
    const auto v = s.variance();
    CHECK(close(v[0], ref.var[0], 0.05L));
    CHECK(close(v[1], ref.var[1], 1e-3L));
    CHECK(close(v[2], ref.var[2], 1e-3L));
    CHECK(close(v[3], ref.var[3], 1e-3L));
  }
  // The drifting feature: the exponential mean follows it, the cumulative one lags.
  static standard_scaler<double, 4> cumulative;
  fit_stream(cumulative, seed, n);
  const long double last = 0.01L * static_cast<long double>(n - 1);
  static standard_scaler<double, 4> exponential({standard_scaler_mode::exponential, 0.05});
  fit_stream(exponential, seed, n);
  CHECK(std::fabs(static_cast<long double>(exponential.mean()[3]) - last) <
        std::fabs(static_cast<long double>(cumulative.mean()[3]) - last));
}

TEST_CASE("standard_scaler exponential: cumulative start, then forgetting (short prefixes)", "[preprocessing][standard_scaler]") {
  // alpha = 0.05: rates 1/n up to n = 20, alpha after; the start still matters here.
  for (const std::size_t n : {std::size_t{1}, std::size_t{2}, std::size_t{5}, std::size_t{19},
                              std::size_t{20}, std::size_t{21}, std::size_t{60}}) {
    standard_scaler<double, 4> s({standard_scaler_mode::exponential, 0.05});
    fit_stream(s, seed, n);
    const auto ref = direct_weighted<double>(seed, n, 0.05L);
    CHECK(all_close(s.mean(), ref.mean, 1e-12L));
    CHECK(all_close(s.variance(), ref.var, 1e-9L, 1e-12L));
  }
  // Up to n = 1/alpha the exponential mode is the cumulative one.
  standard_scaler<double, 4> e({standard_scaler_mode::exponential, 0.05});
  standard_scaler<double, 4> c;
  fit_stream(e, seed, 20);
  fit_stream(c, seed, 20);
  CHECK(all_close(e.mean(), c.mean(), 1e-14L));
  CHECK(all_close(e.variance(), c.variance(), 1e-9L));
}

TEST_CASE("standard_scaler exponential with alpha = 1 keeps only the last sample", "[preprocessing][standard_scaler]") {
  standard_scaler<double, 2> s({standard_scaler_mode::exponential, 1.0});
  REQUIRE(s.partial_fit({1.0, 2.0}) == status::ok);
  REQUIRE(s.partial_fit({5.0, -4.0}) == status::ok);
  // n = 2: rate max(1, 1/2) = 1, so the first sample is forgotten entirely.
  CHECK(s.mean()[0] == 5.0);
  CHECK(s.mean()[1] == -4.0);
  CHECK(s.variance()[0] == 0.0);
}

TEST_CASE("standard_scaler transform is (x - mean) / std, scale 1 for constant features", "[preprocessing][standard_scaler]") {
  standard_scaler<float, 3> s;
  // Before any data: mean 0, scale 1.
  const std::array<float, 3> probe{2.5f, -1.0f, 7.0f};
  CHECK(same_bytes(s.transform(probe), probe));

  const float data[5][3] = {{1, 10, 4}, {2, 20, 4}, {4, 30, 4}, {8, 40, 4}, {16, 50, 4}};
  for (const auto& row : data) REQUIRE(s.partial_fit({row[0], row[1], row[2]}) == status::ok);
  // Hand-computed: feature 0 mean 31/5 = 6.2, population variance 148.8/5 = 29.76;
  // feature 1 mean 30, variance 200; feature 2 constant 4.
  CHECK(close(s.mean()[0], 6.2L, 1e-6L));
  CHECK(close(s.variance()[0], 29.76L, 1e-6L));
  CHECK(close(s.mean()[1], 30.0L, 1e-6L));
  CHECK(close(s.variance()[1], 200.0L, 1e-6L));
  CHECK(s.variance()[2] == 0.0f);
  const auto z = s.transform(probe);
  CHECK(close(z[0], (2.5L - 6.2L) / std::sqrt(29.76L), 1e-6L));
  CHECK(close(z[1], (-1.0L - 30.0L) / std::sqrt(200.0L), 1e-6L));
  CHECK(z[2] == 3.0f);  // scale 1: 7 - 4
}

TEST_CASE("standard_scaler: a subnormal variance counts as zero, outputs stay finite", "[preprocessing][standard_scaler]") {
  standard_scaler<float, 1> s;
  REQUIRE(s.partial_fit({0.0f}) == status::ok);
  REQUIRE(s.partial_fit({4.0e-38f}) == status::ok);  // variance 4e-76 underflows to 0 in float
  REQUIRE(s.partial_fit({1.0e-45f}) == status::ok);
  const float z = s.transform({1.0f})[0];
  CHECK(is_finite(z));
  // Restored state with a subnormal m2: 1/std would overflow, so the scale is 1.
  auto st = s.state();
  st.m2[0] = 1.0e-44f;
  REQUIRE(s.restore(st) == status::ok);
  CHECK(close(s.transform({1.0f})[0], 1.0L - s.mean()[0], 1e-6L));
}

TEST_CASE("standard_scaler transform matches closed form on a stream", "[preprocessing][standard_scaler]") {
  static standard_scaler<float, 4> s;
  fit_stream(s, seed, pre::samples);
  rng g(seed + 1);
  const auto v = s.variance();
  for (std::size_t k = 0; k < 50; ++k) {
    const auto x = pre::sensor_sample<float>(g, k);
    const auto z = s.transform(x);
    for (std::size_t i = 0; i < 4; ++i) {
      const long double expected = (static_cast<long double>(x[i]) - s.mean()[i]) /
                                   std::sqrt(static_cast<long double>(v[i]));
      CHECK(close(z[i], expected, 1e-5L, 1e-6L));
    }
  }
}

TEST_CASE("standard_scaler refuses non-finite input and overflow, unchanged", "[preprocessing][standard_scaler]") {
  standard_scaler<float, 4> s;
  const std::array<float, 4> good{1, 2, 3, 4};
  pre::check_non_finite_refused(s, good, status::non_finite_input);  // on an empty scaler
  REQUIRE(s.partial_fit(good) == status::ok);
  REQUIRE(s.partial_fit({2, 3, 4, 5}) == status::ok);
  pre::check_non_finite_refused(s, good, status::non_finite_input);
  CHECK(s.count() == 2);

  standard_scaler<float, 1> big;
  REQUIRE(big.partial_fit({-3.0e38f}) == status::ok);
  const auto before = big.state();
  CHECK(big.partial_fit({3.0e38f}) == status::non_finite_input);  // x - mean overflows
  CHECK(same_bytes(before, big.state()));
}

TEST_CASE("standard_scaler state round-trips and restored copies behave identically", "[preprocessing][standard_scaler]") {
  for (const auto mode : {standard_scaler_mode::cumulative, standard_scaler_mode::exponential}) {
    standard_scaler<float, 4> a({mode, 0.1f});
    rng g(7);
    for (std::size_t k = 0; k < 30; ++k) REQUIRE(a.partial_fit(pre::sensor_sample<float>(g, k)) == status::ok);
    standard_scaler<float, 4> b({standard_scaler_mode::cumulative, 0.5f});  // other params
    rng h(8);
    pre::check_round_trip(a, b, [&h](std::size_t k) { return pre::sensor_sample<float>(h, k); }, 20);
    CHECK(b.parameters().mode == mode);
  }
}

TEST_CASE("standard_scaler restore refuses corrupted states, unchanged", "[preprocessing][standard_scaler]") {
  using scaler = standard_scaler<float, 2>;
  scaler s({standard_scaler_mode::exponential, 0.2f});
  REQUIRE(s.partial_fit({1, 2}) == status::ok);
  REQUIRE(s.partial_fit({3, 5}) == status::ok);
  const scaler::state_type good = s.state();
  scaler fresh;
  REQUIRE(fresh.restore(good) == status::ok);  // the uncorrupted state is accepted

  auto c = good;
  c.magic ^= 1u;
  pre::check_restore_refused(s, c);
  c = good;
  c.version = 2;
  pre::check_restore_refused(s, c);
  c = good;
  c.reserved = 1;
  pre::check_restore_refused(s, c);
  c = good;
  c.mode = 2;
  pre::check_restore_refused(s, c);
  c = good;
  c.alpha = 0.0f;
  pre::check_restore_refused(s, c);
  c = good;
  c.alpha = pre::nan_v<float>();
  pre::check_restore_refused(s, c);
  c = good;
  c.mean[1] = pre::inf_v<float>();
  pre::check_restore_refused(s, c);
  c = good;
  c.m2[0] = -1.0f;  // negative variance
  pre::check_restore_refused(s, c);
  c = good;
  c.m2[1] = pre::nan_v<float>();
  pre::check_restore_refused(s, c);
  c = good;
  c.count = 0;  // no samples but a non-zero mean
  pre::check_restore_refused(s, c);
  c = good;
  c.count = 1;  // one sample cannot have a spread
  pre::check_restore_refused(s, c);
}

TEST_CASE("standard_scaler validate refuses invalid params", "[preprocessing][standard_scaler]") {
  using scaler = standard_scaler<float, 3>;
  CHECK(scaler::validate({}) == status::ok);
  CHECK(scaler::validate({standard_scaler_mode::exponential, 1.0f}) == status::ok);
  CHECK(scaler::validate({standard_scaler_mode::exponential, 0.0f}) == status::invalid_argument);
  CHECK(scaler::validate({standard_scaler_mode::exponential, -0.1f}) == status::invalid_argument);
  CHECK(scaler::validate({standard_scaler_mode::exponential, 1.5f}) == status::invalid_argument);
  CHECK(scaler::validate({standard_scaler_mode::exponential, pre::nan_v<float>()}) ==
        status::invalid_argument);
  CHECK(scaler::validate({static_cast<standard_scaler_mode>(7), 0.5f}) == status::invalid_argument);
}

TEST_CASE("standard_scaler reset, footprint and concepts", "[preprocessing][standard_scaler]") {
  standard_scaler<float, 8> s;
  const auto empty = s.state();
  REQUIRE(s.partial_fit({1, 2, 3, 4, 5, 6, 7, 8}) == status::ok);
  s.reset();
  CHECK(same_bytes(empty, s.state()));
  STATIC_REQUIRE(standard_scaler<float, 8>::memory_bytes == 3 * 8 * sizeof(float) + 12);
  STATIC_REQUIRE(standard_scaler<double, 8>::memory_bytes == 3 * 8 * sizeof(double) + 24);
  STATIC_REQUIRE(sizeof(standard_scaler<float, 8>::state_type) == 16 + 4 * (1 + 16));
  STATIC_REQUIRE(online_transformer<standard_scaler<double, 3>>);
  STATIC_REQUIRE(persistable<standard_scaler<double, 3>>);
}
