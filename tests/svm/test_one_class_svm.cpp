#include <array>
#include <cmath>
#include <cstdint>

#include "edgeloop/core/rng.hpp"
#include "edgeloop/svm/one_class_svm.hpp"
#include "support/test.hpp"

using namespace edgeloop;
using edgeloop::test::same_bytes;

TEST_CASE("one_class_svm: first steps by hand", "[svm][one_class_svm]") {
  one_class_svm<double, 2, 8> m({0.5, 1.0, 0.0, 3});
  // t=1: w=0, rho=0, <w,z> = 0 is not < 0: w = 0, rho = 2 * 0.5 = 1
  REQUIRE(m.partial_fit({0.1, 0.2}) == status::ok);
  CHECK(m.rho() == 1.0);
  CHECK(m.score({5.0, 5.0}) == 1.0);
  // t=2: violated (0 < 1): w = z/ (0.5*2) = z, rho = 1 + 1 * (0.5 - 1) = 0.5; score(x) = 0.5 - ||z(x)||^2
  REQUIRE(m.partial_fit({0.1, 0.2}) == status::ok);
  CHECK(m.rho() == 0.5);
  one_class_svm<double, 2, 8>::features_type f({1.0, 3});
  const auto z = f.transform({0.1, 0.2});
  double zz = 0;
  for (double v : z) zz += v * v;
  CHECK(edgeloop::test::close(m.score({0.1, 0.2}), 0.5 - zz, 1e-12));
}

TEST_CASE("one_class_svm flags far points and about nu of its training data", "[svm][one_class_svm]") {
  using model = one_class_svm<float, 2, 32>;
  static model m({0.1f, 0.5f, 0.0f, 9});
  edgeloop::rng r(21);
  constexpr int n = 1500;
  for (int i = 0; i < n; ++i) REQUIRE(m.partial_fit({r.normal(0.0f, 1.0f), r.normal(0.0f, 1.0f)}) == status::ok);
  int flagged = 0;
  for (int i = 0; i < 500; ++i) flagged += m.predict({r.normal(0.0f, 1.0f), r.normal(0.0f, 1.0f)}) ? 1 : 0;
  CHECK(flagged > 10);   // nu = 0.1 -> about 50
  CHECK(flagged < 125);
  CHECK(m.score({5.0f, 5.0f}) > m.score({0.0f, 0.0f}));  // higher = more anomalous
  CHECK(m.predict({5.0f, -5.0f}));
  CHECK_FALSE(m.predict({0.0f, 0.0f}));
  const auto before = m.state();
  CHECK(m.partial_fit({std::nanf(""), 0.0f}) == status::non_finite_input);
  CHECK(same_bytes(before, m.state()));
  static model other;
  REQUIRE(other.restore(before) == status::ok);
  CHECK(same_bytes(before, other.state()));
  CHECK(other.score({1.0f, 2.0f}) == m.score({1.0f, 2.0f}));
  auto bad = before;
  bad.nu = 2.0f;
  CHECK(other.restore(bad) == status::invalid_state);
  CHECK(model::validate({0.0f, 1.0f, 0.0f, 1}) == status::invalid_argument);
}
