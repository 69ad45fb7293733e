#include <array>
#include <cmath>
#include <limits>

#include "edgeloop/eval/log_loss.hpp"
#include "support/test.hpp"

using namespace edgeloop;
using edgeloop::test::close;

TEST_CASE("log_loss is the mean of -log p(true class), hand-computed", "[eval][log_loss]") {
  log_loss<3, double> loss;
  REQUIRE(loss.update(0, {0.7, 0.2, 0.1}) == status::ok);   // -ln 0.7
  REQUIRE(loss.update(2, {0.25, 0.25, 0.5}) == status::ok); // -ln 0.5
  REQUIRE(loss.update(1, {0.1, 0.8, 0.1}) == status::ok);   // -ln 0.8
  const long double expected = -(std::log(0.7L) + std::log(0.5L) + std::log(0.8L)) / 3.0L;
  CHECK(close(loss.value(), expected, 1e-14L));
  CHECK(loss.samples() == 3);
  // 0.356675 + 0.693147 + 0.223144 = 1.272966 / 3 = 0.424322 (worked by hand)
  CHECK(close(loss.value(), 0.4243220L, 1e-6L));
}

TEST_CASE("log_loss clips the true-class probability at 1e-15 like scikit-learn", "[eval][log_loss]") {
  log_loss<2, double> loss;
  REQUIRE(loss.update(1, {1.0, 0.0}) == status::ok);  // p = 0 -> clipped to 1e-15
  CHECK(close(loss.value(), -std::log(1e-15L), 1e-12L));  // 34.538776...
  CHECK(close(loss.value(), 34.5387763949107L, 1e-12L));
  log_loss<2, double> sure;
  REQUIRE(sure.update(0, {1.0, 0.0}) == status::ok);  // p = 1 -> clipped to 1 - 1e-15
  CHECK(sure.value() >= 0.0);
  CHECK(sure.value() < 2e-15);
  log_loss<2, float> f;
  REQUIRE(f.update(1, {1.0f, 0.0f}) == status::ok);
  CHECK(close(f.value(), 34.5387763949107L, 1e-6L));
}

TEST_CASE("log_loss rejects bad input and stays unchanged", "[eval][log_loss]") {
  log_loss<3> loss;
  REQUIRE(loss.update(1, {0.2f, 0.5f, 0.3f}) == status::ok);
  const auto before = loss;
  CHECK(loss.update(3, {0.2f, 0.5f, 0.3f}) == status::label_out_of_range);
  CHECK(loss.update(0, {std::numeric_limits<float>::quiet_NaN(), 0.5f, 0.3f}) == status::non_finite_input);
  CHECK(loss.update(0, {0.2f, std::numeric_limits<float>::infinity(), 0.3f}) == status::non_finite_input);
  CHECK(loss.update(0, {-0.1f, 0.8f, 0.3f}) == status::invalid_argument);
  CHECK(loss.update(0, {1.5f, 0.0f, 0.0f}) == status::invalid_argument);
  CHECK(loss == before);
  loss.reset();
  CHECK(loss.samples() == 0);
  CHECK(loss.value() == 0.0f);
}
