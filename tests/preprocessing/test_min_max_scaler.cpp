#include "edgeloop/preprocessing/min_max_scaler.hpp"

#include <array>
#include <cstddef>
#include <cstdint>

#include "preprocessing/preprocessing_support.hpp"
#include "support/test.hpp"

using namespace edgeloop;
using edgeloop::test::close;
using edgeloop::test::same_bytes;
namespace pre = edgeloop::test::pre;

namespace {
constexpr std::uint64_t seed = 99;

/// lower + (x - lo) / (hi - lo) * (upper - lower) in long double; `lower` when lo == hi.
long double closed_form(long double x, long double lo, long double hi, long double lower,
                        long double upper) {
  if (hi == lo) return lower;
  return lower + (x - lo) / (hi - lo) * (upper - lower);
}
}  // namespace

TEST_CASE("min_max_scaler matches a brute-force min/max scan and the closed form", "[preprocessing][min_max_scaler]") {
  static min_max_scaler<float, 4> s({-1.0f, 1.0f, false});
  std::array<float, 4> lo{}, hi{};
  rng g(seed);
  for (std::size_t k = 0; k < pre::samples; ++k) {
    const auto x = pre::sensor_sample<float>(g, k);
    REQUIRE(s.partial_fit(x) == status::ok);
    for (std::size_t i = 0; i < 4; ++i) {
      if (k == 0 || x[i] < lo[i]) lo[i] = x[i];
      if (k == 0 || x[i] > hi[i]) hi[i] = x[i];
    }
  }
  CHECK(s.count() == pre::samples);
  CHECK(same_bytes(s.data_min(), lo));
  CHECK(same_bytes(s.data_max(), hi));

  rng h(seed + 1);
  for (std::size_t k = 0; k < 100; ++k) {
    const auto x = pre::sensor_sample<float>(h, k);
    const auto y = s.transform(x);
    for (std::size_t i = 0; i < 4; ++i)
      CHECK(close(y[i], closed_form(x[i], lo[i], hi[i], -1.0L, 1.0L), 1e-5L, 1e-5L));
  }
  // The extremes map onto the ends of the range.
  const auto y_lo = s.transform(lo);
  const auto y_hi = s.transform(hi);
  for (std::size_t i = 0; i < 4; ++i) {
    CHECK(y_lo[i] == -1.0f);
    CHECK(close(y_hi[i], 1.0L, 1e-6L));
  }
}

TEST_CASE("min_max_scaler: constant features and an empty scaler map to lower", "[preprocessing][min_max_scaler]") {
  min_max_scaler<double, 2> s({2.0, 5.0, false});
  CHECK(s.transform({7.0, -3.0})[0] == 2.0);
  REQUIRE(s.partial_fit({4.0, 1.0}) == status::ok);
  REQUIRE(s.partial_fit({4.0, 3.0}) == status::ok);
  const auto y = s.transform({4.0, 2.0});
  CHECK(y[0] == 2.0);                    // constant feature
  CHECK(close(y[1], 3.5L, 1e-15L));      // halfway between 1 and 3 -> halfway in [2, 5]
  CHECK(s.transform({9.0, 0.0})[0] == 2.0);
}

TEST_CASE("min_max_scaler clip keeps outputs in range, otherwise they extrapolate", "[preprocessing][min_max_scaler]") {
  min_max_scaler<float, 1> plain;
  min_max_scaler<float, 1> clipped({0.0f, 1.0f, true});
  for (const float v : {10.0f, 20.0f}) {
    REQUIRE(plain.partial_fit({v}) == status::ok);
    REQUIRE(clipped.partial_fit({v}) == status::ok);
  }
  CHECK(close(plain.transform({25.0f})[0], 1.5L, 1e-6L));
  CHECK(close(plain.transform({5.0f})[0], -0.5L, 1e-6L));
  CHECK(clipped.transform({25.0f})[0] == 1.0f);
  CHECK(clipped.transform({5.0f})[0] == 0.0f);
  CHECK(close(clipped.transform({12.5f})[0], 0.25L, 1e-6L));
}

TEST_CASE("min_max_scaler handles data spanning the whole float range", "[preprocessing][min_max_scaler]") {
  min_max_scaler<float, 1> s;
  REQUIRE(s.partial_fit({-3.0e38f}) == status::ok);
  REQUIRE(s.partial_fit({3.0e38f}) == status::ok);
  CHECK(close(s.transform({0.0f})[0], 0.5L, 1e-6L));
  CHECK(close(s.transform({3.0e38f})[0], 1.0L, 1e-6L));
  CHECK(s.transform({-3.0e38f})[0] == 0.0f);
}

TEST_CASE("min_max_scaler refuses non-finite input, unchanged", "[preprocessing][min_max_scaler]") {
  min_max_scaler<float, 3> s;
  const std::array<float, 3> good{1, 2, 3};
  pre::check_non_finite_refused(s, good, status::non_finite_input);
  CHECK(s.count() == 0);
  REQUIRE(s.partial_fit(good) == status::ok);
  REQUIRE(s.partial_fit({-1, 5, 0}) == status::ok);
  pre::check_non_finite_refused(s, good, status::non_finite_input);
  CHECK(s.count() == 2);
}

TEST_CASE("min_max_scaler state round-trips and restored copies behave identically", "[preprocessing][min_max_scaler]") {
  min_max_scaler<float, 4> a({-2.0f, 2.0f, true});
  rng g(3);
  for (std::size_t k = 0; k < 30; ++k) REQUIRE(a.partial_fit(pre::sensor_sample<float>(g, k)) == status::ok);
  min_max_scaler<float, 4> b;
  rng h(4);
  pre::check_round_trip(a, b, [&h](std::size_t k) { return pre::sensor_sample<float>(h, k); }, 20);
  CHECK(b.parameters().clip);
  CHECK(b.parameters().lower == -2.0f);
}

TEST_CASE("min_max_scaler restore refuses corrupted states, unchanged", "[preprocessing][min_max_scaler]") {
  using scaler = min_max_scaler<float, 2>;
  scaler s;
  REQUIRE(s.partial_fit({1, 2}) == status::ok);
  REQUIRE(s.partial_fit({3, -5}) == status::ok);
  const scaler::state_type good = s.state();
  scaler fresh;
  REQUIRE(fresh.restore(good) == status::ok);

  auto c = good;
  c.magic = 0;
  pre::check_restore_refused(s, c);
  c = good;
  c.version = 0;
  pre::check_restore_refused(s, c);
  c = good;
  c.reserved = 3;
  pre::check_restore_refused(s, c);
  c = good;
  c.clip = 2;
  pre::check_restore_refused(s, c);
  c = good;
  c.lower = c.upper;
  pre::check_restore_refused(s, c);
  c = good;
  c.upper = pre::nan_v<float>();
  pre::check_restore_refused(s, c);
  c = good;
  c.data_min[0] = pre::nan_v<float>();
  pre::check_restore_refused(s, c);
  c = good;
  c.data_max[1] = -pre::inf_v<float>();
  pre::check_restore_refused(s, c);
  c = good;
  c.data_min[1] = 10.0f;  // min above max
  pre::check_restore_refused(s, c);
  c = good;
  c.count = 0;  // nothing seen but a non-zero range
  pre::check_restore_refused(s, c);
}

TEST_CASE("min_max_scaler validate refuses invalid params", "[preprocessing][min_max_scaler]") {
  using scaler = min_max_scaler<float, 2>;
  CHECK(scaler::validate({}) == status::ok);
  CHECK(scaler::validate({-1.0f, 1.0f, true}) == status::ok);
  CHECK(scaler::validate({1.0f, 1.0f, false}) == status::invalid_argument);
  CHECK(scaler::validate({2.0f, 1.0f, false}) == status::invalid_argument);
  CHECK(scaler::validate({pre::nan_v<float>(), 1.0f, false}) == status::invalid_argument);
  CHECK(scaler::validate({0.0f, pre::inf_v<float>(), false}) == status::invalid_argument);
  CHECK(scaler::validate({-3.0e38f, 3.0e38f, false}) == status::invalid_argument);  // span overflows
}

TEST_CASE("min_max_scaler reset, footprint and concepts", "[preprocessing][min_max_scaler]") {
  min_max_scaler<float, 8> s;
  const auto empty = s.state();
  REQUIRE(s.partial_fit({1, 2, 3, 4, 5, 6, 7, 8}) == status::ok);
  s.reset();
  CHECK(same_bytes(empty, s.state()));
  STATIC_REQUIRE(min_max_scaler<float, 8>::memory_bytes == 3 * 8 * sizeof(float) + 16);
  STATIC_REQUIRE(min_max_scaler<double, 8>::memory_bytes == 3 * 8 * sizeof(double) + 32);
  STATIC_REQUIRE(online_transformer<min_max_scaler<double, 3>>);
  STATIC_REQUIRE(persistable<min_max_scaler<double, 3>>);
}
