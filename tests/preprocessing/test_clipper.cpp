#include "edgeloop/preprocessing/clipper.hpp"

#include <array>
#include <cmath>
#include <cstddef>
#include <cstdint>

#include "preprocessing/preprocessing_support.hpp"
#include "support/test.hpp"

using namespace edgeloop;
using edgeloop::test::close;
using edgeloop::test::same_bytes;
namespace pre = edgeloop::test::pre;

namespace {
constexpr std::uint64_t seed = 77;

template <class S>
clipper<S, 4> learned_clipper(S k, std::uint32_t warmup) {
  typename clipper<S, 4>::params p{};
  p.mode = clipper_mode::learned;
  p.k = k;
  p.warmup = warmup;
  return clipper<S, 4>(p);
}
}  // namespace

TEST_CASE("clipper fixed: per-feature bounds", "[preprocessing][clipper]") {
  clipper<float, 3>::params p{};
  p.lower = {-1.0f, 0.0f, 10.0f};
  p.upper = {1.0f, 5.0f, 20.0f};
  clipper<float, 3> c(p);
  auto y = c.transform({0.5f, 7.0f, 3.0f});
  CHECK(y[0] == 0.5f);
  CHECK(y[1] == 5.0f);
  CHECK(y[2] == 10.0f);
  y = c.transform({-pre::inf_v<float>(), pre::inf_v<float>(), 20.0f});
  CHECK(y[0] == -1.0f);
  CHECK(y[1] == 5.0f);
  CHECK(y[2] == 20.0f);
  CHECK(std::isnan(c.transform({pre::nan_v<float>(), 1.0f, 15.0f})[0]));  // NaN passes through
  // partial_fit in fixed mode checks its input and learns nothing.
  const auto before = c.state();
  REQUIRE(c.partial_fit({100.0f, 100.0f, 100.0f}) == status::ok);
  CHECK(same_bytes(before, c.state()));
  CHECK(c.transform({2.0f, 2.0f, 2.0f})[0] == 1.0f);
}

TEST_CASE("clipper fixed: same_bounds gives one pair for every feature", "[preprocessing][clipper]") {
  using clip = clipper<double, 4>;
  clip c(clip::same_bounds(-2.0, 3.0));
  const auto y = c.transform({-5.0, 0.0, 3.5, 2.5});
  CHECK(y[0] == -2.0);
  CHECK(y[1] == 0.0);
  CHECK(y[2] == 3.0);
  CHECK(y[3] == 2.5);
  clip unbounded;  // default params: the whole range of double, nothing clipped
  CHECK(unbounded.transform({-1e300, 0.0, 1e300, 1.0})[2] == 1e300);
}

TEST_CASE("clipper learned: bounds mean -/+ k std against two-pass long double", "[preprocessing][clipper]") {
  static clipper<double, 4> c = learned_clipper<double>(2.5, 10);
  static clipper<float, 4> cf = learned_clipper<float>(2.5f, 10);
  rng g(seed), gf(seed);
  for (std::size_t k = 0; k < pre::samples; ++k) {
    REQUIRE(c.partial_fit(pre::sensor_sample<double>(g, k)) == status::ok);
    REQUIRE(cf.partial_fit(pre::sensor_sample<float>(gf, k)) == status::ok);
  }
  // Two-pass reference over the regenerated stream.
  std::array<long double, 4> mean{}, var{}, mean_f{}, var_f{};
  rng a(seed), af(seed);
  for (std::size_t k = 0; k < pre::samples; ++k) {
    const auto x = pre::sensor_sample<double>(a, k);
    const auto xf = pre::sensor_sample<float>(af, k);
    for (std::size_t i = 0; i < 4; ++i) {
      mean[i] += x[i];
      mean_f[i] += xf[i];
    }
  }
  const auto n = static_cast<long double>(pre::samples);
  for (std::size_t i = 0; i < 4; ++i) {
    mean[i] /= n;
    mean_f[i] /= n;
  }
  rng b(seed), bf(seed);
  for (std::size_t k = 0; k < pre::samples; ++k) {
    const auto x = pre::sensor_sample<double>(b, k);
    const auto xf = pre::sensor_sample<float>(bf, k);
    for (std::size_t i = 0; i < 4; ++i) {
      var[i] += (x[i] - mean[i]) * (x[i] - mean[i]);
      var_f[i] += (xf[i] - mean_f[i]) * (xf[i] - mean_f[i]);
    }
  }
  for (std::size_t i = 0; i < 4; ++i) {
    var[i] /= n;
    var_f[i] /= n;
    const long double lo = mean[i] - 2.5L * std::sqrt(var[i]);
    const long double hi = mean[i] + 2.5L * std::sqrt(var[i]);
    CHECK(close(c.lower_bounds()[i], lo, 1e-12L));
    CHECK(close(c.upper_bounds()[i], hi, 1e-12L));
    // Float: 2% of the half-width plus a few float spacings of the bound (0.0625 apart
    // at the 1e6-offset feature, where the running mean itself is 0.07 off).
    const long double w = 2.5L * std::sqrt(var_f[i]);
    CHECK(close(cf.lower_bounds()[i], mean_f[i] - w, 2e-7L, 0.02L * w));
    CHECK(close(cf.upper_bounds()[i], mean_f[i] + w, 2e-7L, 0.02L * w));
  }
  // transform clamps to exactly those bounds (brute force on fresh samples).
  rng t(seed + 1);
  for (std::size_t k = 0; k < 100; ++k) {
    const auto x = pre::sensor_sample<double>(t, k);
    // Stretch the sample so that both sides get clipped now and then.
    std::array<double, 4> z;
    for (std::size_t i = 0; i < 4; ++i) z[i] = static_cast<double>(mean[i] + 4.0L * (x[i] - mean[i]));
    const auto y = c.transform(z);
    for (std::size_t i = 0; i < 4; ++i) {
      const double lo = c.lower_bounds()[i], hi = c.upper_bounds()[i];
      CHECK(y[i] == (z[i] < lo ? lo : (z[i] > hi ? hi : z[i])));
    }
  }
}

TEST_CASE("clipper learned: nothing clipped during warmup, fixed bounds still apply", "[preprocessing][clipper]") {
  clipper<float, 5>::params p{};
  p.mode = clipper_mode::learned;
  p.k = 1.0f;
  p.warmup = 3;
  p.lower = {-100.0f, -100.0f, -100.0f, 50.0f, -60.0f};
  p.upper = {100.0f, 100.0f, 100.0f, 60.0f, -50.0f};
  clipper<float, 5> c(p);
  REQUIRE(c.partial_fit({0.0f, 0.0f, 0.0f, 0.0f, 0.0f}) == status::ok);
  REQUIRE(c.partial_fit({2.0f, 2.0f, 2.0f, 2.0f, 2.0f}) == status::ok);
  auto y = c.transform({50.0f, 500.0f, -500.0f, 55.0f, -55.0f});
  CHECK(y[0] == 50.0f);  // still warming up: fixed bounds only
  CHECK(y[1] == 100.0f);
  CHECK(y[2] == -100.0f);
  CHECK(y[3] == 55.0f);
  CHECK(y[4] == -55.0f);
  REQUIRE(c.partial_fit({4.0f, 4.0f, 4.0f, 4.0f, 4.0f}) == status::ok);
  // mean 2, population std sqrt(8/3): learned bounds [2 - 1.633, 2 + 1.633].
  const long double w = std::sqrt(8.0L / 3.0L);
  y = c.transform({50.0f, -500.0f, 2.5f, 55.0f, -55.0f});
  CHECK(close(y[0], 2.0L + w, 1e-6L));
  CHECK(close(y[1], 2.0L - w, 1e-6L));
  CHECK(y[2] == 2.5f);
  // Learned bounds [0.37, 3.63] miss the fixed ones: the fixed bound nearest to them wins.
  CHECK(y[3] == 50.0f);  // fixed [50, 60] lies above
  CHECK(y[4] == -50.0f);  // fixed [-60, -50] lies below
  y = c.transform({0, 0, 0, 70.0f, -70.0f});
  CHECK(y[3] == 50.0f);
  CHECK(y[4] == -50.0f);
  CHECK(c.lower_bounds()[4] == -50.0f);
  CHECK(c.upper_bounds()[4] == -50.0f);
}

TEST_CASE("clipper refuses non-finite input and overflow, unchanged", "[preprocessing][clipper]") {
  clipper<float, 4> fixed;
  const std::array<float, 4> good{1, 2, 3, 4};
  pre::check_non_finite_refused(fixed, good, status::non_finite_input);
  clipper<float, 4> learned = learned_clipper<float>(3.0f, 2);
  pre::check_non_finite_refused(learned, good, status::non_finite_input);
  REQUIRE(learned.partial_fit(good) == status::ok);
  REQUIRE(learned.partial_fit({0, 0, 0, 0}) == status::ok);
  pre::check_non_finite_refused(learned, good, status::non_finite_input);
  CHECK(learned.count() == 2);
  const auto before = learned.state();
  CHECK(learned.partial_fit({3.0e38f, 0, 0, 0}) == status::non_finite_input);  // m2 overflows
  CHECK(same_bytes(before, learned.state()));
}

TEST_CASE("clipper state round-trips and restored copies behave identically", "[preprocessing][clipper]") {
  for (const auto mode : {clipper_mode::fixed, clipper_mode::learned}) {
    clipper<float, 4>::params p{};
    p.mode = mode;
    p.k = 2.0f;
    p.warmup = 5;
    p.lower = {-1e7f, -10.0f, 0.0f, -1.0f};
    p.upper = {1e7f, 10.0f, 90.0f, 1.0f};
    clipper<float, 4> a(p);
    rng g(21);
    for (std::size_t k = 0; k < 30; ++k) REQUIRE(a.partial_fit(pre::sensor_sample<float>(g, k)) == status::ok);
    clipper<float, 4> b;
    rng h(22);
    pre::check_round_trip(a, b, [&h](std::size_t k) { return pre::sensor_sample<float>(h, k); }, 20);
    CHECK(b.parameters().mode == mode);
    CHECK(same_bytes(a.lower_bounds(), b.lower_bounds()));
  }
}

TEST_CASE("clipper restore refuses corrupted states, unchanged", "[preprocessing][clipper]") {
  using clip = clipper<float, 2>;
  clip::params p{};
  p.mode = clipper_mode::learned;
  clip c(p);
  REQUIRE(c.partial_fit({1, 2}) == status::ok);
  REQUIRE(c.partial_fit({3, 5}) == status::ok);
  const clip::state_type good = c.state();
  clip fresh;
  REQUIRE(fresh.restore(good) == status::ok);

  auto s = good;
  s.magic = 1;
  pre::check_restore_refused(c, s);
  s = good;
  s.version = 3;
  pre::check_restore_refused(c, s);
  s = good;
  s.mode = 2;
  pre::check_restore_refused(c, s);
  s = good;
  s.k = 0.0f;
  pre::check_restore_refused(c, s);
  s = good;
  s.k = pre::nan_v<float>();
  pre::check_restore_refused(c, s);
  s = good;
  s.warmup = 0;
  pre::check_restore_refused(c, s);
  s = good;
  s.lower[0] = 5.0f;
  s.upper[0] = 4.0f;
  pre::check_restore_refused(c, s);
  s = good;
  s.upper[1] = pre::inf_v<float>();
  pre::check_restore_refused(c, s);
  s = good;
  s.mean[0] = pre::nan_v<float>();
  pre::check_restore_refused(c, s);
  s = good;
  s.m2[1] = -0.5f;
  pre::check_restore_refused(c, s);
  s = good;
  s.count = 0;  // no samples but statistics
  pre::check_restore_refused(c, s);
  s = good;
  s.count = 1;  // one sample cannot have a spread
  pre::check_restore_refused(c, s);
  s = good;
  s.mode = 0;  // fixed mode keeps no statistics
  pre::check_restore_refused(c, s);
}

TEST_CASE("clipper validate refuses invalid params", "[preprocessing][clipper]") {
  using clip = clipper<float, 2>;
  CHECK(clip::validate({}) == status::ok);
  CHECK(clip::validate(clip::same_bounds(1.0f, 1.0f)) == status::ok);  // a point is allowed
  CHECK(clip::validate(clip::same_bounds(2.0f, 1.0f)) == status::invalid_argument);
  CHECK(clip::validate(clip::same_bounds(pre::nan_v<float>(), 1.0f)) == status::invalid_argument);
  CHECK(clip::validate(clip::same_bounds(-pre::inf_v<float>(), 1.0f)) == status::invalid_argument);
  clip::params p{};
  p.k = 0.0f;
  CHECK(clip::validate(p) == status::invalid_argument);
  p.k = pre::inf_v<float>();
  CHECK(clip::validate(p) == status::invalid_argument);
  p = {};
  p.warmup = 0;
  CHECK(clip::validate(p) == status::invalid_argument);
  p = {};
  p.mode = static_cast<clipper_mode>(9);
  CHECK(clip::validate(p) == status::invalid_argument);
}

TEST_CASE("clipper reset, footprint and concepts", "[preprocessing][clipper]") {
  clipper<float, 8> c = [] {
    clipper<float, 8>::params p{};
    p.mode = clipper_mode::learned;
    return clipper<float, 8>(p);
  }();
  const auto empty = c.state();
  REQUIRE(c.partial_fit({1, 2, 3, 4, 5, 6, 7, 8}) == status::ok);
  c.reset();
  CHECK(same_bytes(empty, c.state()));
  STATIC_REQUIRE(clipper<float, 8>::memory_bytes == 6 * 8 * sizeof(float) + 16);
  STATIC_REQUIRE(clipper<double, 8>::memory_bytes == 6 * 8 * sizeof(double) + 32);
  STATIC_REQUIRE(online_transformer<clipper<double, 3>>);
  STATIC_REQUIRE(persistable<clipper<double, 3>>);
}
