#include <array>
#include <cmath>
#include <cstdint>

#include "edgeloop/svm/smo_svm.hpp"
#include "support/test.hpp"

using namespace edgeloop;
using edgeloop::test::close;
using edgeloop::test::same_bytes;

namespace {
constexpr std::size_t n_toy = 10;
constexpr double toy_x[n_toy][2] = {{0.0, 0.0}, {0.5, 0.2}, {-0.3, 0.4}, {0.2, -0.5}, {0.9, 0.9},
                                    {2.0, 2.0}, {1.5, 2.5}, {2.5, 1.2}, {0.6, 0.8}, {1.1, 1.0}};
constexpr class_label toy_y[n_toy] = {0, 0, 0, 0, 1, 1, 1, 1, 1, 0};

template <class Model>
void fill(Model& m) {
  for (std::size_t i = 0; i < n_toy; ++i) REQUIRE(m.add({toy_x[i][0], toy_x[i][1]}, toy_y[i]) == status::ok);
}
}  // namespace

TEST_CASE("smo_svm: two points with a linear kernel give the closed-form solution", "[svm][smo_svm]") {
  using model = smo_svm<double, 2, 4, polynomial_kernel<double>>;
  model::params p;
  p.c = 10.0;
  p.kernel = {1.0, 0.0, 1};  // <a, b>
  model m(p);
  REQUIRE(m.add({1.0, 0.0}, 1) == status::ok);
  REQUIRE(m.add({-1.0, 0.0}, 0) == status::ok);
  REQUIRE(m.fit() == status::ok);
  // max margin: w = (1, 0), b = 0, alpha = 1/2 each
  CHECK(close(m.alpha(0), 0.5, 1e-12));
  CHECK(close(m.alpha(1), 0.5, 1e-12));
  CHECK(close(m.rho(), 0.0, 0, 1e-12));
  CHECK(close(m.decision_function({3.0, 7.0}), 3.0, 1e-12));
  CHECK(close(m.dual_objective(), -0.5, 1e-12));  // 1/2 a'Qa - e'a = 1/2 - 1
}

TEST_CASE("smo_svm RBF solution satisfies the KKT conditions", "[svm][smo_svm]") {
  using model = smo_svm<double, 2, 16>;
  model::params p;
  p.c = 2.0;
  p.tolerance = 1e-6;
  p.kernel.gamma = 1.0;
  static model m(p);
  fill(m);
  REQUIRE(m.fit() == status::ok);
  CHECK(m.converged());
  double balance = 0;
  const double tol = 1e-5;
  for (std::size_t i = 0; i < n_toy; ++i) {
    const double y = toy_y[i] == 1 ? 1.0 : -1.0;
    const double a = m.alpha(i);
    balance += y * a;
    CHECK(a >= 0.0);
    CHECK(a <= 2.0);
    // recompute y f(x_i) from the kernel directly
    const double yf = y * m.decision_function({toy_x[i][0], toy_x[i][1]});
    if (a <= 0.0) CHECK(yf >= 1.0 - tol);
    else if (a >= 2.0) CHECK(yf <= 1.0 + tol);
    else CHECK(close(yf, 1.0, 0, tol));
  }
  CHECK(close(balance, 0.0, 0, 1e-12));
  CHECK(m.support_vectors() >= 2u);
  CHECK(m.support_vectors() < n_toy);

  kernel_svm_predictor<double, 2, 16> pred;
  REQUIRE(m.export_to(pred) == status::ok);
  CHECK(pred.support_vectors() == m.support_vectors());
  for (std::size_t i = 0; i < n_toy; ++i) {
    const std::array<double, 2> x{toy_x[i][0], toy_x[i][1]};
    CHECK(close(pred.decision_function(x), m.decision_function(x), 1e-12, 1e-12));
  }
  kernel_svm_predictor<double, 2, 1> tiny;
  CHECK(m.export_to(tiny) == status::capacity_exceeded);
  CHECK(tiny.support_vectors() == 0u);
}

TEST_CASE("smo_svm bad input, not ready and state round trip", "[svm][smo_svm]") {
  using model = smo_svm<float, 2, 12>;
  model::params p;
  p.kernel.gamma = 0.5f;
  static model m(p);
  CHECK(m.predict({1.0f, 1.0f}) == 0);
  REQUIRE(m.add({0.0f, 0.0f}, 0) == status::ok);
  CHECK(m.fit() == status::not_ready);
  CHECK_FALSE(m.fitted());
  const auto before = m.state();
  CHECK(m.add({std::nanf(""), 0.0f}, 0) == status::non_finite_input);
  CHECK(m.add({0.0f, 0.0f}, 2) == status::label_out_of_range);
  CHECK(same_bytes(before, m.state()));
  m.clear();
  for (std::size_t i = 0; i < n_toy; ++i)
    REQUIRE(m.add({float(toy_x[i][0]), float(toy_x[i][1])}, toy_y[i]) == status::ok);
  REQUIRE(m.add({0.0f, 0.0f}, 0) == status::ok);
  REQUIRE(m.add({0.0f, 0.0f}, 0) == status::ok);
  CHECK(m.add({0.0f, 0.0f}, 0) == status::capacity_exceeded);
  REQUIRE(m.fit() == status::ok);
  const auto s = m.state();
  static model other;
  REQUIRE(other.restore(s) == status::ok);
  CHECK(same_bytes(s, other.state()));
  CHECK(other.decision_function({1.0f, 1.0f}) == m.decision_function({1.0f, 1.0f}));
  static model::state_type bad;
  bad = s;
  bad.labels[0] = 3;
  CHECK(other.restore(bad) == status::invalid_state);
  bad = s;
  bad.alphas[1] = 5.0f;  // > C
  CHECK(other.restore(bad) == status::invalid_state);
  CHECK(same_bytes(s, other.state()));
}
