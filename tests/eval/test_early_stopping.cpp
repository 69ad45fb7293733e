#include <iterator>  // support/test.hpp uses std::size/begin/end (not included there)
#include <limits>

#include "edgeloop/eval/early_stopping.hpp"
#include "support/test.hpp"

using namespace edgeloop;

TEST_CASE("early_stopping on a scripted loss stops after `patience` evaluations without improvement",
          "[eval][early_stopping]") {
  // Loss: 1.0 improves; 0.8 improves; 0.79 is within min_delta = 0.05 (no); 0.7 improves;
  // 0.72, 0.69 (within 0.05 of 0.7), 0.71: three without improvement -> stop.
  early_stopping<double> es({3, 0.05, stopping_mode::minimize});
  const double loss[] = {1.0, 0.8, 0.79, 0.7, 0.72, 0.69, 0.71};
  const bool improved[] = {true, true, false, true, false, false, false};
  const bool stop[] = {false, false, false, false, false, false, true};
  for (int i = 0; i < 7; ++i) {
    REQUIRE(es.update(loss[i]) == status::ok);
    CHECK(es.improved() == improved[i]);
    CHECK(es.should_stop() == stop[i]);
  }
  CHECK(es.best() == 0.7);
  CHECK(es.best_evaluation() == 3);
  CHECK(es.evaluations() == 7);
  CHECK(es.wait() == 3);
}

TEST_CASE("early_stopping maximising a score, patience 1 and min_delta 0", "[eval][early_stopping]") {
  early_stopping<float> es({1, 0.0f, stopping_mode::maximize});
  CHECK_FALSE(es.should_stop());
  REQUIRE(es.update(0.5f) == status::ok);
  REQUIRE(es.update(0.6f) == status::ok);
  CHECK(es.improved());
  REQUIRE(es.update(0.6f) == status::ok);  // equal is not an improvement
  CHECK(es.should_stop());
  CHECK(es.best() == 0.6f);
  CHECK(es.best_evaluation() == 1);
  es.reset();
  CHECK(es.evaluations() == 0);
  CHECK_FALSE(es.should_stop());
  REQUIRE(es.update(0.1f) == status::ok);
  CHECK(es.best() == 0.1f);
}

TEST_CASE("early_stopping rejects non-finite values and invalid params", "[eval][early_stopping]") {
  early_stopping<float> es({2, 0.0f, stopping_mode::minimize});
  REQUIRE(es.update(1.0f) == status::ok);
  const auto before = es;
  CHECK(es.update(std::numeric_limits<float>::quiet_NaN()) == status::non_finite_input);
  CHECK(es.update(-std::numeric_limits<float>::infinity()) == status::non_finite_input);
  CHECK(es == before);
  CHECK(early_stopping<float>::validate({2, -0.1f, stopping_mode::minimize}) == status::invalid_argument);
  CHECK(early_stopping<float>::validate({2, std::numeric_limits<float>::quiet_NaN(), stopping_mode::minimize}) ==
        status::invalid_argument);
  CHECK(early_stopping<float>::validate({0, 0.0f, stopping_mode::maximize}) == status::ok);
}
