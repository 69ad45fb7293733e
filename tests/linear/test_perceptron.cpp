#include <array>
#include <cstddef>
#include <limits>

#include "edgeloop/linear/perceptron.hpp"
#include "linear_stream.hpp"
#include "support/test.hpp"

using namespace edgeloop;
using edgeloop::test::close;
using edgeloop::test::same_bytes;
namespace ls = edgeloop::test::linear;

TEST_CASE("perceptron: hand-computed steps", "[linear][perceptron]") {
  perceptron<double, 2> m;
  // 1: x=(1,2), y=+1, p=0 (<= 0 counts as a mistake): w=(1,2), b=1.
  REQUIRE(m.partial_fit({1.0, 2.0}, 1) == status::ok);
  CHECK(m.weight(0) == 1.0);
  CHECK(m.weight(1) == 2.0);
  CHECK(m.intercept() == 1.0);
  // 2: x=(1,0), y=-1, p=2: mistake, w=(0,2), b=0.
  REQUIRE(m.partial_fit({1.0, 0.0}, 0) == status::ok);
  CHECK(m.weight(0) == 0.0);
  CHECK(m.intercept() == 0.0);
  // 3: x=(0,-1), y=-1, p=-2: correct, no change.
  REQUIRE(m.partial_fit({0.0, -1.0}, 0) == status::ok);
  CHECK(m.weight(1) == 2.0);
  CHECK(m.mistakes() == 2u);
  CHECK(m.predict({0.0, 1.0}) == 1);
  CHECK(m.predict({0.0, -1.0}) == 0);
}

TEST_CASE("perceptron matches scikit-learn's Perceptron on a fixed stream", "[linear][perceptron]") {
  // scikit-learn 1.2.x: Perceptron(), 5 passes of linear_stream.hpp, one partial_fit each.
  static const double expected[4] = {3.3420000000000005, -1.2000000000000006, 0.258, 1.0};
  perceptron<double, 3> m;
  REQUIRE(ls::feed(m, ls::stream_label));
  for (std::size_t j = 0; j < 3; ++j) CHECK(close(m.weight(j), expected[j], 1e-12, 1e-14));
  CHECK(close(m.intercept(), expected[3], 1e-12));
}

TEST_CASE("perceptron bad input and state round trip", "[linear][perceptron]") {
  perceptron<float, 2> m;
  REQUIRE(m.partial_fit({1.0f, 2.0f}, 1) == status::ok);
  const auto s = m.state();
  CHECK(m.partial_fit({std::numeric_limits<float>::quiet_NaN(), 0.0f}, 0) == status::non_finite_input);
  CHECK(m.partial_fit({1.0f, 0.0f}, 2) == status::label_out_of_range);
  CHECK(same_bytes(s, m.state()));
  auto big = s;  // huge weights: w.x is NaN (a mistake) and w + x overflows
  big.w = {3e38f, -3e38f};
  REQUIRE(m.restore(big) == status::ok);
  CHECK(m.partial_fit({1e38f, 2e38f}, 1) == status::non_finite_input);
  CHECK(same_bytes(big, m.state()));
  REQUIRE(m.restore(s) == status::ok);
  perceptron<float, 2> other;
  REQUIRE(other.restore(s) == status::ok);
  CHECK(same_bytes(other.state(), s));
  auto bad = s;
  bad.version = 99;
  CHECK(other.restore(bad) == status::invalid_state);
  perceptron<float, 2>::params p;
  p.eta0 = 0;
  CHECK(perceptron<float, 2>::validate(p) == status::invalid_argument);
  m.reset();
  CHECK(m.mistakes() == 0u);
  CHECK(m.weight(0) == 0.0f);
}
