#include <array>
#include <cstddef>
#include <limits>

#include "edgeloop/linear/alma.hpp"
#include "edgeloop/linear/one_vs_rest.hpp"
#include "edgeloop/linear/perceptron.hpp"
#include "linear_stream.hpp"
#include "support/test.hpp"

using namespace edgeloop;
using edgeloop::test::close;
using edgeloop::test::same_bytes;
namespace ls = edgeloop::test::linear;

TEST_CASE("one_vs_rest perceptron matches scikit-learn's 3-class Perceptron", "[linear][one_vs_rest]") {
  // scikit-learn 1.2.x: Perceptron(), classes [0,1,2], 5 passes of linear_stream.hpp (Y3).
  static const double expected[3][4] = {{-1.866, 0.6759999999999999, -0.7819999999999999, -1.0},
                                         {-0.27400000000000024, -2.273999999999998, -0.27399999999999847, 0.0},
                                         {2.223999999999998, 0.2240000000000001, 0.22399999999999942, 0.0}};
  static one_vs_rest<perceptron<double, 3>, 3> m;
  REQUIRE(ls::feed(m, ls::stream_label3));
  for (std::size_t c = 0; c < 3; ++c) {
    for (std::size_t j = 0; j < 3; ++j) CHECK(close(m.learner(c).weight(j), expected[c][j], 1e-12, 1e-13));
    CHECK(close(m.learner(c).intercept(), expected[c][3], 1e-12, 1e-13));
  }
  // Prediction = the highest score.
  for (std::size_t i = 0; i < ls::stream_size; ++i) {
    const auto s = m.decision_function(ls::stream_x(i));
    std::size_t best = 0;
    for (std::size_t c = 1; c < 3; ++c)
      if (s[c] > s[best]) best = c;
    CHECK(m.predict(ls::stream_x(i)) == best);
  }
}

TEST_CASE("one_vs_rest with two classes is the binary learner itself", "[linear][one_vs_rest]") {
  static one_vs_rest<alma<double, 3>, 2> o;
  static alma<double, 3> a;
  STATIC_REQUIRE(one_vs_rest<alma<double, 3>, 2>::learners == 1);
  REQUIRE(ls::feed(o, ls::stream_label));
  REQUIRE(ls::feed(a, ls::stream_label));
  CHECK(same_bytes(o.learner(0).state(), a.state()));
  const auto x = ls::stream_x(7);
  CHECK(o.predict_proba(x)[1] == a.predict_proba(x)[1]);
}

TEST_CASE("one_vs_rest bad input leaves every learner unchanged; restore is all or nothing",
          "[linear][one_vs_rest]") {
  using model = one_vs_rest<perceptron<float, 2>, 3>;
  static model m;
  // Learners 0 and 1 at zero, learner 2 with huge weights: for x = (1e38, 2e38), y = 2, learners
  // 0 and 1 would step to -x, learner 2 to w + x, which overflows: none may change.
  auto start = m.state();
  start.learner_states[2].w = {3e38f, -3e38f};
  REQUIRE(m.restore(start) == status::ok);
  const auto s = m.state();
  CHECK(m.partial_fit({1.0f, 2.0f}, 3) == status::label_out_of_range);
  CHECK(m.partial_fit({std::numeric_limits<float>::quiet_NaN(), 2.0f}, 1) == status::non_finite_input);
  CHECK(m.partial_fit({1e38f, 2e38f}, 2) == status::non_finite_input);
  CHECK(same_bytes(s, m.state()));
  REQUIRE(m.partial_fit({1.0f, 2.0f}, 2) == status::ok);  // a normal step still works
  CHECK(m.learner(0).weight(1) == -2.0f);
  static model other;
  auto bad = s;
  bad.learner_states[1].magic = 0;
  CHECK(other.restore(bad) == status::invalid_state);
  CHECK(other.learner(2).weight(0) == 0.0f);  // learner 2 was not restored either
  REQUIRE(other.restore(s) == status::ok);
  CHECK(same_bytes(other.state(), s));
  static one_vs_rest<alma<float, 2>, 3> a;
  REQUIRE(a.partial_fit({1.0f, 0.0f}, 1) == status::ok);
  const auto p = a.predict_proba({1.0f, 0.0f});
  CHECK(close(p[0] + p[1] + p[2], 1.0, 1e-6));
  CHECK(a.predict({1.0f, 0.0f}) == 1);
}
