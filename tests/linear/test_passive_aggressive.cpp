#include <array>
#include <cstddef>
#include <limits>

#include "edgeloop/linear/passive_aggressive.hpp"
#include "linear_stream.hpp"
#include "support/test.hpp"

using namespace edgeloop;
using edgeloop::test::close;
using edgeloop::test::same_bytes;
namespace ls = edgeloop::test::linear;

using pa2d = passive_aggressive_classifier<double, 2>;
using par2d = passive_aggressive_regressor<double, 2>;

TEST_CASE("passive_aggressive_classifier PA-I and PA-II: hand-computed steps", "[linear][passive_aggressive]") {
  pa2d m;  // PA-I, C = 1
  // 1: x=(1,2), y=+1, p=0: loss 1, |x|^2 = 5, tau = min(1, 1/5) = 0.2 -> w=(0.2,0.4), b=0.2.
  REQUIRE(m.partial_fit({1.0, 2.0}, 1) == status::ok);
  CHECK(close(m.weight(0), 0.2, 1e-15));
  CHECK(close(m.weight(1), 0.4, 1e-15));
  CHECK(close(m.intercept(), 0.2, 1e-15));
  // 2: x=(1,0), y=-1, p = 0.4: loss 1.4, |x|^2 = 1, tau = min(1, 1.4) = 1 -> w=(-0.8,0.4), b=-0.8.
  REQUIRE(m.partial_fit({1.0, 0.0}, 0) == status::ok);
  CHECK(close(m.weight(0), -0.8, 1e-15));
  CHECK(close(m.intercept(), -0.8, 1e-15));
  // 3: x=(0,1), y=+1, p = -0.4: loss 1.4, tau = 1 -> w=(-0.8,1.4), b=0.2.
  REQUIRE(m.partial_fit({0.0, 1.0}, 1) == status::ok);
  CHECK(close(m.weight(1), 1.4, 1e-15));
  CHECK(close(m.intercept(), 0.2, 1e-14));
  // Margin reached (y p >= 1): passive.
  const auto s = m.state();
  REQUIRE(m.partial_fit({0.0, 1.0}, 1) == status::ok);
  CHECK(same_bytes(s, m.state()));
  CHECK(m.updates() == 3u);

  pa2d::params p;
  p.variant = pa_variant::pa2;
  pa2d m2(p);
  // PA-II: tau = loss / (|x|^2 + 1/(2C)). 1: 1/5.5 = 2/11 -> w=(2/11,4/11), b=2/11.
  REQUIRE(m2.partial_fit({1.0, 2.0}, 1) == status::ok);
  CHECK(close(m2.weight(1), 4.0 / 11.0, 1e-15));
  // 2: x=(1,0), y=-1, p = 4/11: loss 15/11, tau = (15/11)/1.5 = 10/11 -> w0 = -8/11, b = -8/11.
  REQUIRE(m2.partial_fit({1.0, 0.0}, 0) == status::ok);
  CHECK(close(m2.weight(0), -8.0 / 11.0, 1e-15));
  CHECK(close(m2.intercept(), -8.0 / 11.0, 1e-15));
  CHECK(close(m2.weight(1), 4.0 / 11.0, 1e-15));
}

TEST_CASE("passive_aggressive_regressor: hand-computed steps", "[linear][passive_aggressive]") {
  par2d m;  // PA-I, C = 1, epsilon = 0.1
  // 1: x=(1,2), y=1, p=0: loss 0.9, tau = min(1, 0.9/5) = 0.18 -> w=(0.18,0.36), b=0.18.
  REQUIRE(m.partial_fit({1.0, 2.0}, 1.0) == status::ok);
  CHECK(close(m.weight(1), 0.36, 1e-15));
  CHECK(close(m.intercept(), 0.18, 1e-15));
  // 2: x=(1,0), y=-1, p=0.36: r = -1.36, loss 1.26, tau = 1 -> w0 = -0.82, b = -0.82.
  REQUIRE(m.partial_fit({1.0, 0.0}, -1.0) == status::ok);
  CHECK(close(m.weight(0), -0.82, 1e-14));
  CHECK(close(m.intercept(), -0.82, 1e-14));
  // 3: x=(1,0), y=-0.7, p=-1.64: r = 0.94, loss 0.84, tau 0.84 -> w0 = 0.02, b = 0.02.
  REQUIRE(m.partial_fit({1.0, 0.0}, -0.7) == status::ok);
  CHECK(close(m.weight(0), 0.02, 1e-12));
  CHECK(close(m.intercept(), 0.02, 1e-12));
  // Inside the epsilon tube: no change.
  const auto s = m.state();
  REQUIRE(m.partial_fit({0.0, 0.0}, 0.05) == status::ok);
  CHECK(same_bytes(s, m.state()));
}

TEST_CASE("passive_aggressive matches scikit-learn on a fixed stream", "[linear][passive_aggressive]") {
  // scikit-learn 1.2.x (/usr/bin/python3), 5 passes of linear_stream.hpp, one partial_fit each:
  //   PassiveAggressiveClassifier(); PassiveAggressiveClassifier(loss='squared_hinge', C=0.1);
  //   PassiveAggressiveRegressor()  -> coef_, intercept_
  static const double pa1[4] = {3.6212079638517003, -0.8389374525649034, 0.46983110826985186, 1.396684820923598};
  static const double pa2[4] = {1.6204762184793706, -0.7077069874405882, 0.2159431249505639, 0.526257028904447};
  static const double par[4] = {1.975740204526788, -1.0051633680609415, 0.4807791500759349, 0.49214608770530194};
  using pa3 = passive_aggressive_classifier<double, 3>;
  pa3 a;
  REQUIRE(ls::feed(a, ls::stream_label));
  pa3::params p;
  p.variant = pa_variant::pa2;
  p.c = 0.1;
  pa3 b(p);
  REQUIRE(ls::feed(b, ls::stream_label));
  passive_aggressive_regressor<double, 3> r;
  REQUIRE(ls::feed(r, ls::stream_target));
  for (std::size_t j = 0; j < 3; ++j) {
    CHECK(close(a.weight(j), pa1[j], 1e-10));
    CHECK(close(b.weight(j), pa2[j], 1e-10));
    CHECK(close(r.weight(j), par[j], 1e-10));
  }
  CHECK(close(a.intercept(), pa1[3], 1e-10));
  CHECK(close(b.intercept(), pa2[3], 1e-10));
  CHECK(close(r.intercept(), par[3], 1e-10));
}

TEST_CASE("passive_aggressive bad input and state round trip", "[linear][passive_aggressive]") {
  passive_aggressive_classifier<float, 2> m;
  REQUIRE(m.partial_fit({1.0f, 2.0f}, 1) == status::ok);
  const auto s = m.state();
  CHECK(m.partial_fit({std::numeric_limits<float>::quiet_NaN(), 0.0f}, 1) == status::non_finite_input);
  CHECK(m.partial_fit({1.0f, 0.0f}, 2) == status::label_out_of_range);
  CHECK(same_bytes(s, m.state()));
  passive_aggressive_regressor<float, 2> r;
  REQUIRE(r.partial_fit({1.0f, 2.0f}, 1.0f) == status::ok);
  const auto rs = r.state();
  CHECK(r.partial_fit({1.0f, 2.0f}, std::numeric_limits<float>::infinity()) == status::non_finite_input);
  CHECK(r.partial_fit({1e30f, 1e30f}, 3e38f) == status::non_finite_input);  // overflowing update
  CHECK(same_bytes(rs, r.state()));

  passive_aggressive_classifier<float, 2> other;
  REQUIRE(other.restore(s) == status::ok);
  CHECK(same_bytes(other.state(), s));
  auto bad = s;
  bad.p.c = -1.0f;
  CHECK(other.restore(bad) == status::invalid_state);
  bad = s;
  bad.m.w[1] = std::numeric_limits<float>::quiet_NaN();
  CHECK(other.restore(bad) == status::invalid_state);
  CHECK(same_bytes(other.state(), s));
  pa2d::params p;
  p.c = 0;
  CHECK(pa2d::validate(p) == status::invalid_argument);
  STATIC_REQUIRE(passive_aggressive_regressor<float, 2>::memory_bytes == sizeof(passive_aggressive_regressor<float, 2>));
}
