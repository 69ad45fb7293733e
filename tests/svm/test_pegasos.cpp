#include <array>
#include <cmath>
#include <cstdint>
#include <limits>

#include "edgeloop/core/rng.hpp"
#include "edgeloop/svm/pegasos.hpp"
#include "support/test.hpp"

using namespace edgeloop;
using edgeloop::test::close;
using edgeloop::test::same_bytes;

namespace {
using binary = pegasos<double, 2>;
}

TEST_CASE("pegasos follows three hand-computed steps (lambda 0.5, bias)", "[svm][pegasos]") {
  binary m({0.5, true, false});
  // t=1: eta=2, shrink 0, margin 0 < 1: w = 2 * (+1) * (1, 2, 1) = (2, 4, 2)
  REQUIRE(m.partial_fit({1.0, 2.0}, 1) == status::ok);
  CHECK(close(m.weight(0, 0), 2.0, 1e-15));
  CHECK(close(m.weight(0, 1), 4.0, 1e-15));
  CHECK(close(m.weight(0, 2), 2.0, 1e-15));
  // t=2: eta=1, shrink 1/2; s=-1, <w,x'> = 1 - 4 + 2 = -1, margin 1 (not < 1): w = (1, 2, 1)
  REQUIRE(m.partial_fit({0.5, -1.0}, 0) == status::ok);
  CHECK(close(m.weight(0, 0), 1.0, 1e-15));
  CHECK(close(m.weight(0, 1), 2.0, 1e-15));
  CHECK(close(m.weight(0, 2), 1.0, 1e-15));
  // t=3: eta=2/3, shrink 2/3; s=-1, <w,x'> = 1 + 1 = 2, margin -2: w = 2/3 (1,2,1) - 2/3 (1,0,1)
  REQUIRE(m.partial_fit({1.0, 0.0}, 0) == status::ok);
  CHECK(close(m.weight(0, 0), 0.0, 0, 1e-15));
  CHECK(close(m.weight(0, 1), 4.0 / 3.0, 1e-15));
  CHECK(close(m.weight(0, 2), 0.0, 0, 1e-15));
  CHECK(m.samples() == 3u);
  CHECK(m.predict({0.0, 1.0}) == 1);
  CHECK(m.predict({0.0, -1.0}) == 0);
}

TEST_CASE("pegasos projection keeps ||w|| <= 1/sqrt(lambda)", "[svm][pegasos]") {
  binary m({0.5, true, true});
  REQUIRE(m.partial_fit({1.0, 2.0}, 1) == status::ok);
  // unprojected (2, 4, 2), norm sqrt(24); radius sqrt(2)
  const double scale = std::sqrt(2.0) / std::sqrt(24.0);
  CHECK(close(m.weight(0, 0), 2.0 * scale, 1e-12));
  CHECK(close(m.weight(0, 1), 4.0 * scale, 1e-12));
  CHECK(close(m.weight(0, 2), 2.0 * scale, 1e-12));
}

TEST_CASE("pegasos without intercept keeps the bias at 0", "[svm][pegasos]") {
  binary m({0.5, false, false});
  REQUIRE(m.partial_fit({1.0, 2.0}, 1) == status::ok);
  CHECK(m.weight(0, 0) == 2.0);
  CHECK(m.weight(0, 2) == 0.0);
}

TEST_CASE("pegasos one-vs-rest: one hand-computed step per output", "[svm][pegasos]") {
  pegasos<double, 2, 3> m({1.0, true, false});
  REQUIRE(m.partial_fit({1.0, -1.0}, 2) == status::ok);  // eta 1: w_o = s_o (1, -1, 1)
  CHECK(m.weight(0, 0) == -1.0);
  CHECK(m.weight(1, 1) == 1.0);
  CHECK(m.weight(2, 0) == 1.0);
  CHECK(m.weight(2, 2) == 1.0);
  CHECK(m.predict({1.0, -1.0}) == 2);
}

TEST_CASE("pegasos separates a linearly separable stream", "[svm][pegasos]") {
  static pegasos<float, 2> m({0.01f, true, false});
  edgeloop::rng r(3);
  for (int i = 0; i < 400; ++i) {
    const float a = r.uniform(-1.0f, 1.0f), b = r.uniform(-1.0f, 1.0f);
    if (std::fabs(a + b) < 0.2f) continue;
    REQUIRE(m.partial_fit({a, b}, a + b > 0 ? 1 : 0) == status::ok);
  }
  int correct = 0, total = 0;
  for (int i = 0; i < 200; ++i) {
    const float a = r.uniform(-1.0f, 1.0f), b = r.uniform(-1.0f, 1.0f);
    if (std::fabs(a + b) < 0.2f) continue;
    correct += m.predict({a, b}) == (a + b > 0 ? 1 : 0) ? 1 : 0;
    ++total;
  }
  CHECK(correct >= total * 97 / 100);
}

TEST_CASE("pegasos bad input and state round trip", "[svm][pegasos]") {
  binary m({0.5, true, true});
  REQUIRE(m.partial_fit({1.0, 2.0}, 1) == status::ok);
  const auto before = m.state();
  CHECK(m.partial_fit({std::nan(""), 1.0}, 1) == status::non_finite_input);
  CHECK(m.partial_fit({1.0, 1.0}, 2) == status::label_out_of_range);
  CHECK(m.partial_fit({1e308, 1.0}, 0) == status::non_finite_input);
  CHECK(same_bytes(before, m.state()));

  binary other;
  REQUIRE(other.restore(before) == status::ok);
  CHECK(same_bytes(before, other.state()));
  CHECK(other.parameters().projection);
  auto bad = before;
  bad.magic ^= 1u;
  CHECK(other.restore(bad) == status::invalid_state);
  bad = before;
  bad.lambda = -1.0;
  CHECK(other.restore(bad) == status::invalid_state);
  bad = before;
  bad.weights[0] = std::numeric_limits<double>::infinity();
  CHECK(other.restore(bad) == status::invalid_state);
  CHECK(same_bytes(before, other.state()));
  CHECK(binary::validate({0.0, true, false}) == status::invalid_argument);
  STATIC_REQUIRE(pegasos<float, 8>::memory_bytes == sizeof(pegasos<float, 8>));
}
