#include <array>
#include <cmath>
#include <cstddef>
#include <limits>

#include "edgeloop/linear/sgd_regressor.hpp"
#include "linear_stream.hpp"
#include "support/test.hpp"

using namespace edgeloop;
using edgeloop::test::close;
using edgeloop::test::same_bytes;
namespace ls = edgeloop::test::linear;

TEST_CASE("sgd_regressor squared loss, inverse scaling: hand-computed steps", "[linear][sgd_regressor]") {
  sgd_regressor<double, 2> m;  // alpha 1e-4, eta_t = 0.01 / t^0.25
  // 1: eta 0.01, x=(1,2), y=1, p=0: dloss = p - y = -1, update +0.01 -> w=(0.01,0.02), b=0.01
  // (the L2 shrink 1 - 1e-6 acts on zero weights).
  REQUIRE(m.partial_fit({1.0, 2.0}, 1.0) == status::ok);
  CHECK(close(m.weight(0), 0.01, 1e-13));
  CHECK(close(m.weight(1), 0.02, 1e-13));
  CHECK(close(m.intercept(), 0.01, 1e-13));
  // 2: eta = 0.01 / 2^0.25, x=(0,1), y=0, p = 0.03: update -0.03 eta; shrink 1 - 1e-4 eta.
  const double eta = 0.01 / std::pow(2.0, 0.25);
  REQUIRE(m.partial_fit({0.0, 1.0}, 0.0) == status::ok);
  CHECK(close(m.weight(0), 0.01 * (1 - 1e-4 * eta), 1e-13));
  CHECK(close(m.weight(1), 0.02 * (1 - 1e-4 * eta) - 0.03 * eta, 1e-13));
  CHECK(close(m.intercept(), 0.01 - 0.03 * eta, 1e-13));
  CHECK(close(m.predict({1.0, 1.0}), m.weight(0) + m.weight(1) + m.intercept(), 1e-15));
}

TEST_CASE("sgd_regressor Huber and epsilon-insensitive derivatives", "[linear][sgd_regressor]") {
  // Huber with epsilon 0.1: dloss = clip(p - y, -0.1, 0.1); epsilon-insensitive: sign outside the tube.
  CHECK(sgd_loss_derivative(sgd_loss::huber, 0.0, 1.0, 0.1) == -0.1);
  CHECK(close(sgd_loss_derivative(sgd_loss::huber, 0.95, 1.0, 0.1), -0.05, 1e-12));
  CHECK(sgd_loss_derivative(sgd_loss::epsilon_insensitive, 0.0, 1.0, 0.1) == -1.0);
  CHECK(sgd_loss_derivative(sgd_loss::epsilon_insensitive, 0.95, 1.0, 0.1) == 0.0);
  CHECK(sgd_loss_derivative(sgd_loss::epsilon_insensitive, 1.5, 1.0, 0.1) == 1.0);
  CHECK(close(sgd_loss_value(sgd_loss::huber, 0.0, 1.0, 0.1), 0.1 * (1.0 - 0.05), 1e-12));
  sgd_regressor<double, 2>::params p;
  p.loss = sgd_loss::epsilon_insensitive;
  p.learning_rate = sgd_learning_rate::constant;
  p.eta0 = 0.5;
  p.penalty = sgd_penalty::none;
  sgd_regressor<double, 2> m(p);
  // x=(1,0), y=1, p=0: outside the tube, dloss -1 -> w0 = 0.5, b = 0.5; then p = 1: inside.
  REQUIRE(m.partial_fit({1.0, 0.0}, 1.0) == status::ok);
  CHECK(m.weight(0) == 0.5);
  CHECK(m.intercept() == 0.5);
  const auto s = m.state();
  REQUIRE(m.partial_fit({1.0, 0.0}, 1.05) == status::ok);
  CHECK(m.weight(0) == 0.5);
  CHECK(m.samples() == 2u);
  (void)s;
}

TEST_CASE("sgd_regressor matches scikit-learn's SGDRegressor on a fixed stream", "[linear][sgd_regressor]") {
  // scikit-learn 1.2.x, 5 passes of linear_stream.hpp's (X, T), one partial_fit each:
  //   SGDRegressor(); SGDRegressor(loss='huber', learning_rate='constant', eta0=0.05)
  static const double squared[4] = {0.4338678697906364, -0.28200954118048, -0.061499545023187656, 0.23387414307203142};
  static const double huber[4] = {0.41632882786505776, -0.3728971231881317, -0.11264015448415879, 0.44209771277114623};
  sgd_regressor<double, 3> a;
  REQUIRE(ls::feed(a, ls::stream_target));
  sgd_regressor<double, 3>::params p;
  p.loss = sgd_loss::huber;
  p.learning_rate = sgd_learning_rate::constant;
  p.eta0 = 0.05;
  sgd_regressor<double, 3> b(p);
  REQUIRE(ls::feed(b, ls::stream_target));
  for (std::size_t j = 0; j < 3; ++j) {
    CHECK(close(a.weight(j), squared[j], 1e-9, 1e-12));
    CHECK(close(b.weight(j), huber[j], 1e-9, 1e-12));
  }
  CHECK(close(a.intercept(), squared[3], 1e-9));
  CHECK(close(b.intercept(), huber[3], 1e-9));
}

TEST_CASE("sgd_regressor bad input and state round trip", "[linear][sgd_regressor]") {
  sgd_regressor<float, 2> m;
  REQUIRE(m.partial_fit({1.0f, 2.0f}, 1.0f) == status::ok);
  const auto s = m.state();
  CHECK(m.partial_fit({1.0f, 2.0f}, std::numeric_limits<float>::quiet_NaN()) == status::non_finite_input);
  CHECK(m.partial_fit({std::numeric_limits<float>::infinity(), 2.0f}, 1.0f) == status::non_finite_input);
  CHECK(m.partial_fit({3e38f, 3e38f}, -3e38f) == status::non_finite_input);
  CHECK(same_bytes(s, m.state()));
  sgd_regressor<float, 2> other;
  REQUIRE(other.restore(s) == status::ok);
  CHECK(same_bytes(other.state(), s));
  auto bad = s;
  bad.p.loss = sgd_loss::hinge;
  CHECK(other.restore(bad) == status::invalid_state);
  bad = s;
  bad.core.g2[0] = -1.0f;
  CHECK(other.restore(bad) == status::invalid_state);
  CHECK(same_bytes(other.state(), s));
}
