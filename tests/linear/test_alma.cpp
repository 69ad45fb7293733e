#include <array>
#include <cmath>
#include <cstddef>
#include <limits>

#include "edgeloop/linear/alma.hpp"
#include "support/test.hpp"

using namespace edgeloop;
using edgeloop::test::close;
using edgeloop::test::same_bytes;

TEST_CASE("alma: hand-computed steps with River's defaults", "[linear][alma]") {
  alma<double, 2> m;  // p = 2, alpha = 0.9, B = 1/0.9, C = sqrt(2)
  // k=1: gamma = B = 1.111, margin (1 - alpha) gamma = 0.111. x=(1,2), y=+1, w.x = 0:
  // update, eta = C / (sqrt(p-1) sqrt(1)) = sqrt(2): w = sqrt(2) (1,2), |w| = sqrt(10) > 1
  // -> w = (1,2)/sqrt(5). k=2.
  REQUIRE(m.partial_fit({1.0, 2.0}, 1) == status::ok);
  const double r5 = std::sqrt(5.0);
  CHECK(close(m.weight(0), 1.0 / r5, 1e-14));
  CHECK(close(m.weight(1), 2.0 / r5, 1e-14));
  CHECK(m.k() == 2u);
  // k=2: margin 0.1 B / sqrt(2) = 0.0786. x=(0.1,0), y=-1: y w.x = -0.0447 < margin:
  // eta = sqrt(2)/sqrt(2) = 1, w0 -= 0.1; |w|^2 = (1/sqrt5 - 0.1)^2 + 0.8 < 1: no scaling.
  REQUIRE(m.partial_fit({0.1, 0.0}, 0) == status::ok);
  CHECK(close(m.weight(0), 1.0 / r5 - 0.1, 1e-14));
  CHECK(close(m.weight(1), 2.0 / r5, 1e-14));
  CHECK(m.k() == 3u);
  // k=3: margin 0.1 B / sqrt(3) = 0.0642. x=(1,0), y=+1: w.x = 0.347 >= margin: no update.
  const auto s = m.state();
  REQUIRE(m.partial_fit({1.0, 0.0}, 1) == status::ok);
  CHECK(same_bytes(s, m.state()));
  CHECK(m.predict({1.0, 0.0}) == 1);
  CHECK(m.predict({-1.0, -1.0}) == 0);
  const auto p = m.predict_proba({1.0, 0.0});
  CHECK(close(p[1], 1.0 / (1.0 + std::exp(-(1.0 / r5 - 0.1))), 1e-14));
  CHECK(close(p[0] + p[1], 1.0, 1e-15));
}

TEST_CASE("alma with p = 3 normalises by the 3-norm", "[linear][alma]") {
  alma<double, 2>::params p;
  p.p = 3;
  alma<double, 2> m(p);
  // k=1: eta = C / sqrt(2) = 1: w = (1,2), |w|_3 = 9^(1/3) > 1 -> w / 9^(1/3).
  REQUIRE(m.partial_fit({1.0, 2.0}, 1) == status::ok);
  const double n3 = std::cbrt(9.0);
  CHECK(close(m.weight(0), 1.0 / n3, 1e-13));
  CHECK(close(m.weight(1), 2.0 / n3, 1e-13));
}

TEST_CASE("alma bad input and state round trip", "[linear][alma]") {
  alma<float, 2> m;
  REQUIRE(m.partial_fit({1.0f, 2.0f}, 1) == status::ok);
  const auto s = m.state();
  CHECK(m.partial_fit({std::numeric_limits<float>::infinity(), 0.0f}, 0) == status::non_finite_input);
  CHECK(m.partial_fit({1.0f, 0.0f}, 5) == status::label_out_of_range);
  CHECK(m.partial_fit({3e38f, 3e38f}, 0) == status::non_finite_input);  // the norm overflows
  CHECK(same_bytes(s, m.state()));
  alma<float, 2> other;
  REQUIRE(other.restore(s) == status::ok);
  CHECK(same_bytes(other.state(), s));
  auto bad = s;
  bad.k = 0;
  CHECK(other.restore(bad) == status::invalid_state);
  bad = s;
  bad.p.alpha = 2.0f;
  CHECK(other.restore(bad) == status::invalid_state);
  CHECK(same_bytes(other.state(), s));
  STATIC_REQUIRE(alma<float, 8>::memory_bytes == sizeof(alma<float, 8>));
}
