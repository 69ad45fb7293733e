#include <array>
#include <cmath>
#include <cstdint>

#include "edgeloop/anomaly/half_space_trees.hpp"
#include "edgeloop/core/rng.hpp"
#include "support/test.hpp"

using namespace edgeloop;
using edgeloop::test::same_bytes;

namespace {
using small_hst = half_space_trees<float, 2, 4, 5, 64>;  // 0.8 KB: fits the 16 KB board

std::array<float, 2> inlier(rng& g) { return {g.normal(0.5f, 0.05f), g.normal(0.5f, 0.05f)}; }
}  // namespace

TEST_CASE("half_space_trees: an obvious outlier scores higher than the inliers", "[anomaly][half_space_trees]") {
  static small_hst d;
  rng g(3);
  CHECK_FALSE(d.ready());
  for (int i = 0; i < 64; ++i) REQUIRE(d.learn(inlier(g)) == status::ok);
  CHECK(d.ready());  // one full window with given ranges [0, 1]
  for (int i = 0; i < 200; ++i) REQUIRE(d.learn(inlier(g)) == status::ok);
  const float outlier = d.score({0.95f, 0.05f});
  CHECK(outlier > 0.9f);
  CHECK(outlier <= 1.0f);
  int below = 0;
  for (int i = 0; i < 100; ++i) {
    const float s = d.score(inlier(g));
    CHECK(s >= 0.0f);
    below += s < outlier ? 1 : 0;
  }
  CHECK(below >= 98);
  CHECK(d.samples() == 264u);
}

TEST_CASE("half_space_trees: bad input, state round trip, restore checks", "[anomaly][half_space_trees]") {
  static small_hst d, other;
  rng g(4);
  for (int i = 0; i < 100; ++i) REQUIRE(d.learn(inlier(g)) == status::ok);
  static small_hst::state_type before, after;
  before = d.state();
  CHECK(d.learn({std::nanf(""), 0.5f}) == status::non_finite_input);
  CHECK(d.learn({0.5f, INFINITY}) == status::non_finite_input);
  float out = -1.0f;
  CHECK(score_then_learn(d, {0.5f, -INFINITY}, out) == status::non_finite_input);
  CHECK(out == -1.0f);
  after = d.state();
  CHECK(same_bytes(before, after));

  REQUIRE(other.restore(before) == status::ok);
  after = other.state();
  CHECK(same_bytes(before, after));
  for (int i = 0; i < 50; ++i) {
    const auto x = inlier(g);
    float a = 0, b = 0;
    REQUIRE(score_then_learn(d, x, a) == status::ok);
    REQUIRE(score_then_learn(other, x, b) == status::ok);
    CHECK(a == b);
  }
  after = d.state();
  after.magic = 0;
  CHECK(other.restore(after) == status::invalid_state);
  after = d.state();
  after.split[3] = static_cast<std::uint16_t>(2u << 8 | 23u);  // only features 0 and 1 exist
  CHECK(other.restore(after) == status::invalid_state);
  after = d.state();
  after.mass[0] = 65;  // more than a window
  CHECK(other.restore(after) == status::invalid_state);

  small_hst::params p;
  p.upper[1] = p.lower[1];
  CHECK(small_hst::validate(p) == status::invalid_argument);
  p = {};
  p.size_limit = 65;
  CHECK(small_hst::validate(p) == status::invalid_argument);
  p = {};
  p.learn_ranges = true;
  p.upper[0] = NAN;  // ignored when ranges are learned
  CHECK(small_hst::validate(p) == status::ok);
}

TEST_CASE("half_space_trees: reset forgets the masses, keeps the trees", "[anomaly][half_space_trees]") {
  static small_hst d;
  rng g(5);
  const auto f = d.split_feature(0, 5);
  for (int i = 0; i < 130; ++i) REQUIRE(d.learn(inlier(g)) == status::ok);
  CHECK(d.ready());
  d.reset();
  CHECK_FALSE(d.ready());
  CHECK(d.samples() == 0u);
  CHECK(d.reference_mass(0, 0) == 0u);
  CHECK(d.split_feature(0, 5) == f);
  CHECK(d.score({0.5f, 0.5f}) == 0.0f);
}

TEST_CASE("half_space_trees: a constant feature with learned ranges still works", "[anomaly][half_space_trees]") {
  using model = half_space_trees<float, 2, 4, 5, 32>;
  model::params p;
  p.learn_ranges = true;
  static model d(p);
  rng g(6);
  for (int i = 0; i < 200; ++i) REQUIRE(d.learn({g.normal(10.0f, 1.0f), 3.0f}) == status::ok);
  CHECK(d.ready());
  for (std::size_t t = 0; t < model::trees; ++t) CHECK(d.workspace_upper(t, 1) > d.workspace_lower(t, 1));
  CHECK(d.score({10.0f, 30.0f}) > d.score({10.0f, 3.0f}));
}
