#include <array>
#include <cmath>
#include <cstdint>

#include "edgeloop/anomaly/autoencoder_detector.hpp"
#include "edgeloop/core/rng.hpp"
#include "edgeloop/nn/dense.hpp"
#include "edgeloop/nn/tanh.hpp"
#include "support/test.hpp"

using namespace edgeloop;
using edgeloop::test::close;
using edgeloop::test::same_bytes;

namespace {
// 4 -> 1 -> 4: a bottleneck of one unit can only reproduce a one-dimensional family.
using net = nn::sequential<float, nn::shape<4>, nn::dense<1>, nn::tanh, nn::dense<4>>;
using detector = autoencoder_detector<net>;

// Points on a line through 4-D space (plus a little noise), in sensor units.
std::array<float, 4> on_line(rng& g) {
  const float t = g.uniform(-1.0f, 1.0f);
  return {10.0f + 2.0f * t, -5.0f + t, 3.0f - 1.5f * t, 0.5f * t + 0.01f * g.normal<float>()};
}

detector::params settings() {
  detector::params p;
  p.learner.optimizer.learning_rate = 0.01f;
  p.learner.seed = 3;
  return p;
}
}  // namespace

TEST_CASE("autoencoder_detector: score is the reconstruction MSE of the standardised input",
          "[anomaly][autoencoder_detector]") {
  static detector d(settings());
  rng g(1);
  for (int i = 0; i < 50; ++i) REQUIRE(d.learn(on_line(g)) == status::ok);
  CHECK(d.samples() == 50u);
  // Recompute by hand: standardise with the scaler, run the network, average the squares.
  const std::array<float, 4> x{11.0f, -4.0f, 2.0f, 0.3f};
  const auto z = d.scaler().transform(x);
  const auto y = d.learner().network().forward(z);
  double mse = 0;
  for (std::size_t i = 0; i < 4; ++i) mse += (static_cast<double>(y[i]) - z[i]) * (static_cast<double>(y[i]) - z[i]);
  CHECK(close(d.score(x), mse / 4, 1e-5));
}

TEST_CASE("autoencoder_detector: off-manifold points score higher after online training",
          "[anomaly][autoencoder_detector]") {
  static detector d(settings());
  rng g(2);
  float before = 0;
  for (int i = 0; i < 3000; ++i) {
    const auto x = on_line(g);
    if (i == 100) before = d.score(x);
    REQUIRE(d.learn(x) == status::ok);
  }
  float inlier_worst = 0;
  for (int i = 0; i < 50; ++i) {
    const float s = d.score(on_line(g));
    inlier_worst = s > inlier_worst ? s : inlier_worst;
  }
  // Same marginal ranges, but breaking the relation between the features.
  const float outlier = d.score({12.0f, -6.0f, 1.5f, -0.5f});
  CHECK(outlier > 3.0f * inlier_worst);
  CHECK(inlier_worst < before);  // it learned something
}

TEST_CASE("autoencoder_detector: bad input, round trip, reset", "[anomaly][autoencoder_detector]") {
  static detector d(settings()), other;
  rng g(3);
  for (int i = 0; i < 40; ++i) REQUIRE(d.learn(on_line(g)) == status::ok);
  static detector::state_type before, after;
  before = d.state();
  CHECK(d.learn({1.0f, NAN, 0.0f, 0.0f}) == status::non_finite_input);
  CHECK(d.learn({3e38f, -3e38f, 3e38f, 0.0f}) != status::ok);  // overflows the scaler or the loss
  after = d.state();
  CHECK(same_bytes(before, after));
  REQUIRE(other.restore(before) == status::ok);
  after = other.state();
  CHECK(same_bytes(before, after));
  for (int i = 0; i < 10; ++i) {
    const auto x = on_line(g);
    CHECK(d.score(x) == other.score(x));
    REQUIRE(d.learn(x) == status::ok);
    REQUIRE(other.learn(x) == status::ok);
  }
  after = d.state();
  after.magic = 1;
  CHECK(other.restore(after) == status::invalid_state);
  d.reset();
  CHECK(d.samples() == 0u);
  float s = -1;
  CHECK(score_then_learn(d, on_line(g), s) == status::ok);
  CHECK(s >= 0.0f);
}
