#include <array>
#include <cmath>
#include <cstdint>

#include "edgeloop/core/rng.hpp"
#include "edgeloop/svm/budget_kernel_svm.hpp"
#include "support/test.hpp"

using namespace edgeloop;
using edgeloop::test::close;
using edgeloop::test::same_bytes;

namespace {
using bsgd2 = budget_kernel_svm<double, 1, 2>;
bsgd2::params p1(budget_maintenance m) {
  bsgd2::params p;
  p.lambda = 1.0;
  p.maintenance = m;
  p.kernel.gamma = 0.5;
  return p;
}
}  // namespace

TEST_CASE("budget_kernel_svm: hand-computed BSGD steps with removal", "[svm][budget_kernel_svm]") {
  bsgd2 m(p1(budget_maintenance::removal));
  // t=1: f=0, violated, eta=1: SV (0, +1)
  REQUIRE(m.partial_fit({0.0}, 1) == status::ok);
  REQUIRE(m.support_vectors() == 1u);
  CHECK(m.alpha(0) == 1.0);
  // t=2: f(1) = exp(-0.5) > -1 for s=-1 -> violated; alpha_0 = 1/2, SV (1, -1/2)
  CHECK(close(m.decision_function({1.0})[0], std::exp(-0.5), 1e-15));
  REQUIRE(m.partial_fit({1.0}, 0) == status::ok);
  REQUIRE(m.support_vectors() == 2u);
  CHECK(close(m.alpha(0), 0.5, 1e-15));
  CHECK(close(m.alpha(1), -0.5, 1e-15));
  // t=3: f(3) = 0.5 e^-4.5 - 0.5 e^-2 < 1 -> violated; all |alpha| = 1/3: the oldest goes.
  CHECK(close(m.decision_function({3.0})[0], 0.5 * std::exp(-4.5) - 0.5 * std::exp(-2.0), 1e-14));
  REQUIRE(m.partial_fit({3.0}, 1) == status::ok);
  REQUIRE(m.support_vectors() == 2u);
  CHECK(m.vector(0, 0) == 1.0);
  CHECK(close(m.alpha(0), -1.0 / 3.0, 1e-15));
  CHECK(m.vector(1, 0) == 3.0);
  CHECK(close(m.alpha(1), 1.0 / 3.0, 1e-15));
  CHECK(m.samples() == 3u);
}

TEST_CASE("budget_kernel_svm: hand-computed merge (golden section against a grid)", "[svm][budget_kernel_svm]") {
  bsgd2 m(p1(budget_maintenance::merging));
  REQUIRE(m.partial_fit({0.0}, 1) == status::ok);
  REQUIRE(m.partial_fit({1.0}, 0) == status::ok);
  // t=3: x=0.5, f = 0.5 e^-0.125 - 0.5 e^-0.125 = 0 -> violated, alpha 1/3 each.
  // m = oldest (x=0, +1/3); the only same-sign partner is the new x=0.5 (+1/3).
  // k_mn = exp(-0.5 * 0.25); maximise (k^((1-h)^2) + k^(h^2))^2 / 9: h = 1/2 by symmetry.
  REQUIRE(m.partial_fit({0.5}, 1) == status::ok);
  REQUIRE(m.support_vectors() == 2u);
  CHECK(m.vector(0, 0) == 1.0);
  CHECK(close(m.alpha(0), -1.0 / 3.0, 1e-15));
  // Independent: a grid search over h.
  double best = 0, best_h = 0;
  const double k = std::exp(-0.125);
  for (int i = 0; i <= 10000; ++i) {
    const double h = i / 10000.0;
    const double v = (std::pow(k, (1 - h) * (1 - h)) + std::pow(k, h * h)) / 3.0;
    if (v > best) {
      best = v;
      best_h = h;
    }
  }
  CHECK(close(best_h, 0.5, 1e-3));
  CHECK(close(m.vector(1, 0), best_h * 0.0 + (1 - best_h) * 0.5, 0, 1e-3));
  CHECK(close(m.alpha(1), best, 1e-6));
  CHECK(close(m.alpha(1), 2.0 / 3.0 * std::exp(-0.5 * 0.0625), 1e-6));
}

TEST_CASE("budget_kernel_svm learns a circle within its budget", "[svm][budget_kernel_svm]") {
  using model = budget_kernel_svm<float, 2, 16>;
  model::params p;
  p.lambda = 0.01f;
  p.kernel.gamma = 2.0f;
  static model m(p);
  edgeloop::rng r(5);
  auto label = [](float a, float b) { return a * a + b * b < 0.5f ? class_label{1} : class_label{0}; };
  for (int i = 0; i < 1500; ++i) {
    const float a = r.uniform(-1.0f, 1.0f), b = r.uniform(-1.0f, 1.0f);
    REQUIRE(m.partial_fit({a, b}, label(a, b)) == status::ok);
    REQUIRE(m.support_vectors() <= 16u);
  }
  int correct = 0;
  for (int i = 0; i < 300; ++i) {
    const float a = r.uniform(-1.0f, 1.0f), b = r.uniform(-1.0f, 1.0f);
    correct += m.predict({a, b}) == label(a, b) ? 1 : 0;
  }
  CHECK(m.support_vectors() == 16u);
  CHECK(correct >= 255);  // 85%; a linear model cannot beat the 61% majority here
}

TEST_CASE("budget_kernel_svm multi-class and polynomial kernel", "[svm][budget_kernel_svm]") {
  using model = budget_kernel_svm<double, 1, 4, polynomial_kernel<double>, 3>;
  model::params p;
  p.lambda = 1.0;
  p.kernel = {1.0, 1.0, 2};
  CHECK(model::validate(p) == status::ok);
  p.maintenance = budget_maintenance::merging;
  CHECK(model::validate(p) == status::invalid_argument);  // merging needs the RBF kernel
  p.maintenance = budget_maintenance::removal;
  model m(p);
  // t=1, y=2: r = 0 (all f = 0, the first wrong class); alpha = (-1, 0, +1)
  REQUIRE(m.partial_fit({1.0}, 2) == status::ok);
  CHECK(m.alpha(0, 0) == -1.0);
  CHECK(m.alpha(0, 1) == 0.0);
  CHECK(m.alpha(0, 2) == 1.0);
  // f_o(2) = alpha_o (1*2 + 1)^2 = 9 alpha_o
  const auto f = m.decision_function({2.0});
  CHECK(close(f[2], 9.0, 1e-15));
  CHECK(close(f[0], -9.0, 1e-15));
  CHECK(m.predict({2.0}) == 2);
}

TEST_CASE("budget_kernel_svm bad input and state round trip", "[svm][budget_kernel_svm]") {
  bsgd2 m(p1(budget_maintenance::merging));
  REQUIRE(m.partial_fit({0.0}, 1) == status::ok);
  REQUIRE(m.partial_fit({1.0}, 0) == status::ok);
  const auto before = m.state();
  CHECK(m.partial_fit({std::nan("")}, 1) == status::non_finite_input);
  CHECK(m.partial_fit({1.0}, 2) == status::label_out_of_range);
  CHECK(same_bytes(before, m.state()));
  bsgd2 other;
  REQUIRE(other.restore(before) == status::ok);
  CHECK(same_bytes(before, other.state()));
  CHECK(other.predict({0.0}) == m.predict({0.0}));
  auto bad = before;
  bad.count = 3;
  CHECK(other.restore(bad) == status::invalid_state);
  bad = before;
  bad.kernel.gamma = -1.0;
  CHECK(other.restore(bad) == status::invalid_state);
  CHECK(same_bytes(before, other.state()));
  STATIC_REQUIRE(budget_kernel_svm<float, 8, 64>::memory_bytes == sizeof(budget_kernel_svm<float, 8, 64>));
}

TEST_CASE("budget_kernel_svm fit_intercept: the bias takes the same step", "[svm][budget_kernel_svm]") {
  auto p = p1(budget_maintenance::removal);
  p.fit_intercept = true;
  bsgd2 m(p);
  REQUIRE(m.partial_fit({0.0}, 1) == status::ok);  // t=1, eta=1: alpha 1, b = 1
  CHECK(close(m.decision_function({100.0})[0], 1.0, 1e-15));
  // t=2: f(1) = e^-0.5 + 1 > -1 for s=-1 -> violated: b = 1/2 - 1/2 = 0, alphas 1/2, -1/2
  REQUIRE(m.partial_fit({1.0}, 0) == status::ok);
  CHECK(close(m.decision_function({100.0})[0], 0.0, 0, 1e-15));
  CHECK(close(m.decision_function({0.0})[0], 0.5 - 0.5 * std::exp(-0.5), 1e-14));
  auto s = m.state();
  CHECK(s.fit_intercept == 1);
  bsgd2 other;
  REQUIRE(other.restore(s) == status::ok);
  CHECK(same_bytes(s, other.state()));
  s.fit_intercept = 0;
  s.bias[0] = 0.25;
  CHECK(other.restore(s) == status::invalid_state);  // a bias without fit_intercept
}
