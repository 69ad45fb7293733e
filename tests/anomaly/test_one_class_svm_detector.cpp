#include <array>
#include <cmath>
#include <cstdint>

#include "edgeloop/anomaly/one_class_svm_detector.hpp"
#include "edgeloop/core/rng.hpp"
#include "support/test.hpp"

using namespace edgeloop;
using edgeloop::test::same_bytes;

TEST_CASE("one_class_svm_detector: the same steps and scores as one_class_svm", "[anomaly][one_class_svm_detector]") {
  using detector = one_class_svm_detector<float, 2, 16>;
  static detector d({0.1f, 0.5f, 0.0f, 5});
  static detector::model_type m({0.1f, 0.5f, 0.0f, 5});
  rng g(4);
  for (int i = 0; i < 400; ++i) {
    const std::array<float, 2> x{g.normal(0.0f, 1.0f), g.normal(0.0f, 1.0f)};
    float s = 0;
    REQUIRE(score_then_learn(d, x, s) == status::ok);
    CHECK(s == m.score(x));
    REQUIRE(m.partial_fit(x) == status::ok);
  }
  CHECK(d.samples() == 400u);
  CHECK(d.score({4.0f, 4.0f}) > 0.0f);  // outside the boundary
  CHECK(d.score({4.0f, 4.0f}) > d.score({0.0f, 0.0f}));
  const auto before = d.state();
  CHECK(d.learn({NAN, 0.0f}) == status::non_finite_input);
  CHECK(same_bytes(before, d.state()));
  detector other;
  REQUIRE(other.restore(before) == status::ok);
  CHECK(other.score({1.0f, -1.0f}) == d.score({1.0f, -1.0f}));
}
