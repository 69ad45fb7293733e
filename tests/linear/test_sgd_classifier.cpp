#include <array>
#include <cmath>
#include <cstddef>
#include <limits>

#include "edgeloop/linear/sgd_classifier.hpp"
#include "linear_stream.hpp"
#include "support/test.hpp"

using namespace edgeloop;
using edgeloop::test::close;
using edgeloop::test::same_bytes;
namespace ls = edgeloop::test::linear;

namespace {

using binary = sgd_classifier<double, 3, 2>;
using ternary = sgd_classifier<double, 3, 3>;

// Weights then intercept of each row after 5 passes over linear_stream.hpp's stream, one
// partial_fit per sample, from scikit-learn 1.2.x (/usr/bin/python3, float64):
//   m = SGDClassifier(<settings>); for p in range(5): for i in range(40):
//       m.partial_fit(X[i:i+1], Y[i:i+1], classes=[0, 1])   (classes=[0,1,2] with Y3)
//   print(m.coef_, m.intercept_)
// Tolerance 1e-8 relative: scikit-learn folds its weight scale into the weights after every
// partial_fit call, edgeloop only when it falls below 1e-9 (rounding differs, ~3e-9 seen).
template <class Model>
bool matches(const Model& m, const double (*expected)[4], std::size_t rows) {
  bool ok = true;
  for (std::size_t r = 0; r < rows; ++r) {
    for (std::size_t j = 0; j < 3; ++j) ok = ok && close(m.weight(r, j), expected[r][j], 1e-8, 1e-12);
    ok = ok && close(m.intercept(r), expected[r][3], 1e-8, 1e-12);
  }
  return ok;
}

}  // namespace

TEST_CASE("sgd_classifier hinge, L2, optimal rate: three hand-computed steps", "[linear][sgd_classifier]") {
  // alpha 1e-4: typw = sqrt(1/sqrt(alpha)) = 10, dloss(-10, 1) = -1, eta_init = 10/max(1,-1)
  // = 10, t0 = 1/(eta_init alpha) = 1000, eta_t = 1/(alpha (t0 + t - 1)).
  sgd_classifier<double, 2, 2> m;
  // t=1, eta=10: x=(1,2), y=+1, p=0 -> dloss -1, update +10; scale 1 - eta alpha = 0.999;
  // true w = (10, 20), b = 10.
  REQUIRE(m.partial_fit({1.0, 2.0}, 1) == status::ok);
  CHECK(close(m.weight(0, 0), 10.0, 1e-12));
  CHECK(close(m.weight(0, 1), 20.0, 1e-12));
  CHECK(close(m.intercept(0), 10.0, 1e-12));
  // t=2, eta=1/(1e-4*1001): x=(0.5,-1), y=-1: p = 5 - 20 + 10 = -5, y p = 5 > 1 -> no loss;
  // only the L2 shrink 1 - 1/1001: w = (10, 20) * 1000/1001.
  REQUIRE(m.partial_fit({0.5, -1.0}, 0) == status::ok);
  CHECK(close(m.weight(0, 0), 10.0 * 1000.0 / 1001.0, 1e-12));
  CHECK(close(m.weight(0, 1), 20.0 * 1000.0 / 1001.0, 1e-12));
  CHECK(close(m.intercept(0), 10.0, 1e-12));
  // t=3, eta=1/(1e-4*1002) = 10000/1002: x=(-1,0.5), y=-1: p = -w0 + w1/2 + 10 = 10 ->
  // dloss +1, update -10000/1002; shrink 1001/1002: w = (10,20)*1000/1002 - 10000/1002 x
  // = (20000/1002, 15000/1002), b = 10 - 10000/1002 = 20/1002.
  REQUIRE(m.partial_fit({-1.0, 0.5}, 0) == status::ok);
  CHECK(close(m.weight(0, 0), 20000.0 / 1002.0, 1e-12));
  CHECK(close(m.weight(0, 1), 15000.0 / 1002.0, 1e-12));
  CHECK(close(m.intercept(0), 20.0 / 1002.0, 1e-10));
  CHECK(m.samples() == 3u);
  CHECK(m.predict({1.0, 0.0}) == 1);
  CHECK(m.predict({-1.0, -1.0}) == 0);
}

TEST_CASE("sgd_classifier L1: cumulative penalty (Tsuruoka et al. 2009) by hand", "[linear][sgd_classifier]") {
  sgd_classifier<double, 2, 2>::params p;
  p.penalty = sgd_penalty::l1;
  p.learning_rate = sgd_learning_rate::constant;
  p.eta0 = 0.1;
  p.alpha = 0.1;
  p.fit_intercept = false;
  sgd_classifier<double, 2, 2> m(p);
  // Each step adds eta alpha = 0.01 to u; weights move towards 0 by u minus what they got.
  // 1: x=(1,0), y=+1, p=0: w=(0.1,0) -> w0 clipped by 0.01: (0.09, 0); q=(-0.01, 0).
  REQUIRE(m.partial_fit({1.0, 0.0}, 1) == status::ok);
  CHECK(close(m.weight(0, 0), 0.09, 1e-12));
  CHECK(m.weight(0, 1) == 0.0);
  // 2: x=(0,1), y=-1, p=0: w=(0.09,-0.1); u=0.02: w0 -= 0.02-0.01 -> 0.08; w1 += 0.02 - 0
  // -> -0.08 (scikit-learn, which restarts u at every partial_fit call, gives -0.09).
  REQUIRE(m.partial_fit({0.0, 1.0}, 0) == status::ok);
  CHECK(close(m.weight(0, 0), 0.08, 1e-12));
  CHECK(close(m.weight(0, 1), -0.08, 1e-12));
  // 3: x=(0.5,-1), y=+1: p = 0.04 + 0.08 = 0.12 < 1: w = (0.13, -0.18); u=0.03:
  // w0 -> 0.13 - 0.01 = 0.12, w1 -> -0.18 + 0.01 = -0.17.
  REQUIRE(m.partial_fit({0.5, -1.0}, 1) == status::ok);
  CHECK(close(m.weight(0, 0), 0.12, 1e-12));
  CHECK(close(m.weight(0, 1), -0.17, 1e-12));
  // A weight is never pushed through zero: many steps of a sample that does not touch it.
  for (int i = 0; i < 50; ++i) REQUIRE(m.partial_fit({0.0, 0.0}, 1) == status::ok);
  CHECK(m.weight(0, 0) == 0.0);
  CHECK(m.weight(0, 1) == 0.0);
}

TEST_CASE("sgd_classifier multinomial softmax step and AdaGrad step by hand", "[linear][sgd_classifier]") {
  {
    sgd_classifier<double, 2, 3>::params p;
    p.loss = sgd_loss::log_loss;
    p.penalty = sgd_penalty::none;
    p.learning_rate = sgd_learning_rate::constant;
    p.eta0 = 0.5;
    sgd_classifier<double, 2, 3> m(p);
    // 1: x=(1,2), y=2, scores 0 -> p = 1/3 each, gradient (1/3, 1/3, -2/3), step -0.5 g.
    REQUIRE(m.partial_fit({1.0, 2.0}, 2) == status::ok);
    CHECK(close(m.weight(0, 1), -1.0 / 3.0, 1e-12));
    CHECK(close(m.weight(2, 0), 1.0 / 3.0, 1e-12));
    CHECK(close(m.intercept(1), -1.0 / 6.0, 1e-12));
    // 2: x=(0,1), y=0: scores (-1/2, -1/2, 1); p = softmax; w_c1 += -0.5 (p_c - [c==0]).
    const double z = 2 * std::exp(-0.5) + std::exp(1.0);
    const double p0 = std::exp(-0.5) / z, p2 = std::exp(1.0) / z;
    const auto proba = m.predict_proba({0.0, 1.0});
    CHECK(close(proba[0], p0, 1e-12));
    CHECK(close(proba[2], p2, 1e-12));
    REQUIRE(m.partial_fit({0.0, 1.0}, 0) == status::ok);
    CHECK(close(m.weight(0, 1), -1.0 / 3.0 - 0.5 * (p0 - 1), 1e-12));
    CHECK(close(m.weight(2, 1), 2.0 / 3.0 - 0.5 * p2, 1e-12));
    CHECK(close(m.weight(2, 0), 1.0 / 3.0, 1e-12));  // x0 = 0: unchanged
    CHECK(close(m.intercept(0), -1.0 / 6.0 - 0.5 * (p0 - 1), 1e-12));
  }
  {
    sgd_classifier<double, 2, 2>::params p;
    p.loss = sgd_loss::log_loss;
    p.penalty = sgd_penalty::none;
    p.learning_rate = sgd_learning_rate::adagrad;
    p.eta0 = 0.1;
    sgd_classifier<double, 2, 2> m(p);
    // 1: x=(1,2), y=+1, p=0: dloss = -1/(e^0+1) = -0.5, gradients (-0.5, -1), b: -0.5;
    // G = (0.25, 1), w_j = -0.1 g_j / (sqrt(G_j) + 1e-8).
    REQUIRE(m.partial_fit({1.0, 2.0}, 1) == status::ok);
    CHECK(close(m.weight(0, 0), 0.05 / (0.5 + 1e-8), 1e-12));
    CHECK(close(m.weight(0, 1), 0.1 / (1.0 + 1e-8), 1e-12));
    CHECK(close(m.intercept(0), 0.05 / (0.5 + 1e-8), 1e-12));
    // 2: x=(1,0), y=-1: p = w0 + b, dloss = 1/(exp(-p)+1); G0 = 0.25 + d^2.
    const double w0 = m.weight(0, 0), w1 = m.weight(0, 1), b = m.intercept(0);
    const double d = 1.0 / (std::exp(-(w0 + b)) + 1.0);
    REQUIRE(m.partial_fit({1.0, 0.0}, 0) == status::ok);
    CHECK(close(m.weight(0, 0), w0 - 0.1 * d / (std::sqrt(0.25 + d * d) + 1e-8), 1e-12));
    CHECK(m.weight(0, 1) == w1);
    CHECK(close(m.intercept(0), b - 0.1 * d / (std::sqrt(0.25 + d * d) + 1e-8), 1e-12));
  }
}

TEST_CASE("sgd_classifier weights match scikit-learn's SGDClassifier on a fixed stream", "[linear][sgd_classifier]") {
  static const double hinge[1][4] = {{28.757297748123435, -9.124270225187654, 3.035863219349447, 9.186511587281988}};
  static const double log_loss[1][4] = {{22.350949470241932, -2.9638258752313646, 5.452366756037754, 7.432666184444561}};
  static const double mhuber[1][4] = {{5.228857778769885, -0.9085727561506349, 0.9110517847814114, 2.1806091823914926}};
  static const double invscaling[1][4] = {
      {0.5191674424855083, -0.35053735287339527, -0.08486311528923336, 0.341037651544025}};
  static const double ovr[3][4] = {
      {-19.799833194328585, 13.561301084236856, -3.119266055045867, -1.5551584626581878},
      {-7.039199332777326, -19.19933277731441, 2.001668056713947, -8.998434753516939},
      {22.602168473728124, 5.921601334445375, 5.921601334445355, -0.38358563803073764}};
  static binary m;  // SGDClassifier()
  REQUIRE(ls::feed(m, ls::stream_label));
  CHECK(matches(m, hinge, 1));
  binary::params p;
  p.loss = sgd_loss::log_loss;  // SGDClassifier(loss='log_loss')
  m = binary(p);
  REQUIRE(ls::feed(m, ls::stream_label));
  CHECK(matches(m, log_loss, 1));
  p.loss = sgd_loss::modified_huber;  // SGDClassifier(loss='modified_huber', alpha=0.01)
  p.alpha = 0.01;
  m = binary(p);
  REQUIRE(ls::feed(m, ls::stream_label));
  CHECK(matches(m, mhuber, 1));
  p = {};  // SGDClassifier(loss='log_loss', learning_rate='invscaling', eta0=0.1)
  p.loss = sgd_loss::log_loss;
  p.learning_rate = sgd_learning_rate::inverse_scaling;
  p.eta0 = 0.1;
  m = binary(p);
  REQUIRE(ls::feed(m, ls::stream_label));
  CHECK(matches(m, invscaling, 1));
  static ternary m3;  // SGDClassifier() with 3 classes (one-vs-rest rows)
  REQUIRE(ls::feed(m3, ls::stream_label3));
  CHECK(matches(m3, ovr, 3));
}

TEST_CASE("sgd_classifier bad input leaves the model unchanged; state round trip", "[linear][sgd_classifier]") {
  sgd_classifier<float, 3, 3> m;
  for (std::size_t i = 0; i < 20; ++i) {
    const auto x = ls::stream_x(i);
    REQUIRE(m.partial_fit({float(x[0]), float(x[1]), float(x[2])}, ls::stream_label3(i)) == status::ok);
  }
  const auto before = m.state();
  const float nan = std::numeric_limits<float>::quiet_NaN();
  CHECK(m.partial_fit({nan, 0.0f, 1.0f}, 0) == status::non_finite_input);
  CHECK(m.partial_fit({0.0f, std::numeric_limits<float>::infinity(), 1.0f}, 0) == status::non_finite_input);
  CHECK(m.partial_fit({0.0f, 0.0f, 1.0f}, 3) == status::label_out_of_range);
  // A finite input so large that the update overflows float.
  CHECK(m.partial_fit({3e38f, -3e38f, 3e38f}, 0) == status::non_finite_input);
  CHECK(same_bytes(before, m.state()));

  sgd_classifier<float, 3, 3> other;
  REQUIRE(other.restore(before) == status::ok);
  CHECK(same_bytes(other.state(), before));
  CHECK(other.predict({0.5f, -0.5f, 0.2f}) == m.predict({0.5f, -0.5f, 0.2f}));
  auto bad = before;
  bad.magic ^= 1u;
  CHECK(other.restore(bad) == status::invalid_state);
  bad = before;
  bad.core.wscale = 0.0f;
  CHECK(other.restore(bad) == status::invalid_state);
  bad = before;
  bad.p.loss = sgd_loss::squared;
  CHECK(other.restore(bad) == status::invalid_state);
  CHECK(same_bytes(other.state(), before));

  m.reset();
  CHECK(m.samples() == 0u);
  CHECK(m.predict({1.0f, 1.0f, 1.0f}) == 0);
  STATIC_REQUIRE(sgd_classifier<float, 3, 3>::memory_bytes == sizeof(sgd_classifier<float, 3, 3>));
}

TEST_CASE("sgd_classifier params validation and probabilities", "[linear][sgd_classifier]") {
  binary::params p;
  CHECK(binary::validate(p) == status::ok);
  p.loss = sgd_loss::huber;
  CHECK(binary::validate(p) == status::invalid_argument);
  p = {};
  p.alpha = 0;
  CHECK(binary::validate(p) == status::invalid_argument);  // optimal needs alpha > 0
  p.learning_rate = sgd_learning_rate::constant;
  CHECK(binary::validate(p) == status::ok);
  p.eta0 = 0;
  CHECK(binary::validate(p) == status::invalid_argument);
  p = {};
  p.l1_ratio = 1.5;
  CHECK(binary::validate(p) == status::invalid_argument);

  p = {};
  p.loss = sgd_loss::log_loss;
  binary m(p);
  REQUIRE(ls::feed(m, ls::stream_label));
  const auto x = ls::stream_x(3);
  const double s = m.decision_function(x)[0];
  const auto pr = m.predict_proba(x);
  CHECK(close(pr[1], 1.0 / (1.0 + std::exp(-s)), 1e-12));
  CHECK(close(pr[0] + pr[1], 1.0, 1e-12));
  p.loss = sgd_loss::modified_huber;
  binary h(p);
  REQUIRE(ls::feed(h, ls::stream_label));
  const double sh = h.decision_function(x)[0];
  const double clipped = sh > 1 ? 1 : (sh < -1 ? -1 : sh);
  CHECK(close(h.predict_proba(x)[1], (clipped + 1) / 2, 1e-12));
}
