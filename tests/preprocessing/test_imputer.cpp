#include "edgeloop/preprocessing/imputer.hpp"

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
constexpr std::uint64_t seed = 5;

/// Sensor sample with each component replaced, with probability 0.2, by NaN, +inf or -inf.
template <class S>
std::array<S, 4> gappy_sample(rng& g, std::size_t k) {
  auto x = pre::sensor_sample<S>(g, k);
  for (auto& v : x) {
    if (g.bernoulli(0.2f)) {
      const std::uint32_t kind = g.uniform_int(3);
      v = kind == 0 ? pre::nan_v<S>() : (kind == 1 ? pre::inf_v<S>() : -pre::inf_v<S>());
    }
  }
  return x;
}
}  // namespace

TEST_CASE("imputer mean: replaces non-finite components by the mean of finite values", "[preprocessing][imputer]") {
  const float nan = pre::nan_v<float>(), inf = pre::inf_v<float>();
  imputer<float, 3> m({imputer_strategy::mean, -7.0f});
  // Nothing seen yet: the fill value.
  auto y = m.transform({nan, inf, 2.0f});
  CHECK(y[0] == -7.0f);
  CHECK(y[1] == -7.0f);
  CHECK(y[2] == 2.0f);
  REQUIRE(m.partial_fit({1.0f, nan, 4.0f}) == status::ok);
  REQUIRE(m.partial_fit({2.0f, nan, -inf}) == status::ok);
  REQUIRE(m.partial_fit({6.0f, nan, 10.0f}) == status::ok);
  CHECK(m.seen(0) == 3);
  CHECK(m.seen(1) == 0);
  CHECK(m.seen(2) == 2);
  y = m.transform({-inf, nan, nan});
  CHECK(close(y[0], 3.0L, 1e-7L));  // (1 + 2 + 6) / 3
  CHECK(y[1] == -7.0f);             // never finite: still the fill value
  CHECK(close(y[2], 7.0L, 1e-7L));  // (4 + 10) / 2
  y = m.transform({0.5f, 8.0f, -1.0f});  // finite values pass through
  CHECK(y[0] == 0.5f);
  CHECK(y[1] == 8.0f);
  CHECK(y[2] == -1.0f);
}

TEST_CASE("imputer last: replaces non-finite components by the last finite value", "[preprocessing][imputer]") {
  const double nan = pre::nan_v<double>();
  imputer<double, 3> m({imputer_strategy::last, 0.25});
  REQUIRE(m.partial_fit({1.0, nan, nan}) == status::ok);
  REQUIRE(m.partial_fit({3.0, nan, -2.0}) == status::ok);
  REQUIRE(m.partial_fit({nan, nan, nan}) == status::ok);
  const auto y = m.transform({nan, nan, nan});
  CHECK(y[0] == 3.0);
  CHECK(y[1] == 0.25);
  CHECK(y[2] == -2.0);  // a single finite value is enough
}

TEST_CASE("imputer on a gappy stream matches long-double means and last values", "[preprocessing][imputer]") {
  static imputer<double, 4> mean_imp({imputer_strategy::mean, 0.0});
  static imputer<float, 4> mean_imp_f({imputer_strategy::mean, 0.0f});
  static imputer<float, 4> last_imp({imputer_strategy::last, 0.0f});
  std::array<long double, 4> sum{}, sum_f{};
  std::array<std::uint32_t, 4> n{};
  std::array<float, 4> last{};
  rng g(seed), gf(seed);
  for (std::size_t k = 0; k < pre::samples; ++k) {
    const auto x = gappy_sample<double>(g, k);
    const auto xf = gappy_sample<float>(gf, k);
    REQUIRE(mean_imp.partial_fit(x) == status::ok);
    REQUIRE(mean_imp_f.partial_fit(xf) == status::ok);
    REQUIRE(last_imp.partial_fit(xf) == status::ok);
    for (std::size_t i = 0; i < 4; ++i) {
      if (is_finite(x[i])) {
        sum[i] += x[i];
        ++n[i];
      }
      if (is_finite(xf[i])) {
        sum_f[i] += xf[i];
        last[i] = xf[i];
      }
    }
  }
  const std::array<double, 4> gap{pre::nan_v<double>(), pre::inf_v<double>(),
                                  -pre::inf_v<double>(), pre::nan_v<double>()};
  const std::array<float, 4> gap_f{pre::nan_v<float>(), pre::inf_v<float>(),
                                   -pre::inf_v<float>(), pre::nan_v<float>()};
  const auto y = mean_imp.transform(gap);
  const auto yf = mean_imp_f.transform(gap_f);
  const auto yl = last_imp.transform(gap_f);
  for (std::size_t i = 0; i < 4; ++i) {
    REQUIRE(n[i] > 0);
    CHECK(mean_imp.seen(i) == n[i]);
    CHECK(close(y[i], sum[i] / n[i], 1e-12L));
    CHECK(close(yf[i], sum_f[i] / n[i], 1e-5L));
    CHECK(yl[i] == last[i]);
  }
}

TEST_CASE("imputer mean survives values of opposite sign near the float limit", "[preprocessing][imputer]") {
  imputer<float, 1> m;
  REQUIRE(m.partial_fit({3.0e38f}) == status::ok);
  REQUIRE(m.partial_fit({-3.0e38f}) == status::ok);  // the difference overflows
  const float v = m.transform({pre::nan_v<float>()})[0];
  CHECK(is_finite(v));
  CHECK(close(v, 0.0L, 0.0L, 1e32L));
}

TEST_CASE("imputer learns nothing from an all-non-finite sample", "[preprocessing][imputer]") {
  // The imputer has no bad input (non-finite values are what it imputes): such a sample
  // is accepted and leaves the state byte-identical.
  imputer<float, 3> m;
  REQUIRE(m.partial_fit({1.0f, 2.0f, 3.0f}) == status::ok);
  const auto before = m.state();
  CHECK(m.partial_fit({pre::nan_v<float>(), pre::inf_v<float>(), -pre::inf_v<float>()}) == status::ok);
  CHECK(same_bytes(before, m.state()));
}

TEST_CASE("imputer state round-trips and restored copies behave identically", "[preprocessing][imputer]") {
  for (const auto strategy : {imputer_strategy::mean, imputer_strategy::last}) {
    imputer<float, 4> a({strategy, 1.5f});
    rng g(11);
    for (std::size_t k = 0; k < 30; ++k) REQUIRE(a.partial_fit(gappy_sample<float>(g, k)) == status::ok);
    imputer<float, 4> b;
    rng h(12);
    pre::check_round_trip(a, b, [&h](std::size_t k) { return gappy_sample<float>(h, k); }, 20);
    CHECK(b.parameters().strategy == strategy);
    CHECK(b.parameters().fill_value == 1.5f);
  }
}

TEST_CASE("imputer restore refuses corrupted states, unchanged", "[preprocessing][imputer]") {
  using imp = imputer<float, 3>;  // 3 features: one padding counter in the state
  imp m({imputer_strategy::last, 2.0f});
  REQUIRE(m.partial_fit({1.0f, pre::nan_v<float>(), 3.0f}) == status::ok);
  const imp::state_type good = m.state();
  imp fresh;
  REQUIRE(fresh.restore(good) == status::ok);

  auto c = good;
  c.magic = 12345;
  pre::check_restore_refused(m, c);
  c = good;
  c.version = 9;
  pre::check_restore_refused(m, c);
  c = good;
  c.reserved[1] = 1;
  pre::check_restore_refused(m, c);
  c = good;
  c.strategy = 2;
  pre::check_restore_refused(m, c);
  c = good;
  c.fill_value = pre::inf_v<float>();
  pre::check_restore_refused(m, c);
  c = good;
  c.value[2] = pre::nan_v<float>();
  pre::check_restore_refused(m, c);
  c = good;
  c.value[1] = 4.0f;  // a value for a feature never seen
  pre::check_restore_refused(m, c);
  c = good;
  c.seen[3] = 1;  // the padding counter
  pre::check_restore_refused(m, c);
}

TEST_CASE("imputer validate refuses invalid params", "[preprocessing][imputer]") {
  using imp = imputer<float, 2>;
  CHECK(imp::validate({}) == status::ok);
  CHECK(imp::validate({imputer_strategy::last, -4.0f}) == status::ok);
  CHECK(imp::validate({static_cast<imputer_strategy>(5), 0.0f}) == status::invalid_argument);
  CHECK(imp::validate({imputer_strategy::mean, pre::nan_v<float>()}) == status::invalid_argument);
  CHECK(imp::validate({imputer_strategy::mean, -pre::inf_v<float>()}) == status::invalid_argument);
}

TEST_CASE("imputer reset, footprint and concepts", "[preprocessing][imputer]") {
  imputer<float, 8> m;
  const auto empty = m.state();
  REQUIRE(m.partial_fit({1, 2, 3, 4, 5, 6, 7, 8}) == status::ok);
  m.reset();
  CHECK(same_bytes(empty, m.state()));
  STATIC_REQUIRE(imputer<float, 8>::memory_bytes == 8 * 8 + 8);
  STATIC_REQUIRE(sizeof(imputer<float, 3>::state_type) == 16 + 4 * 4 + 4 * 4);
  STATIC_REQUIRE(online_transformer<imputer<double, 3>>);
  STATIC_REQUIRE(persistable<imputer<double, 3>>);
}
