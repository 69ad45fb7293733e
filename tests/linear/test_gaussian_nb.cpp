#include <array>
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <limits>

#include "edgeloop/linear/gaussian_nb.hpp"
#include "support/test.hpp"

using namespace edgeloop;
using edgeloop::test::close;
using edgeloop::test::same_bytes;

namespace {

constexpr std::size_t n_samples = 12;
constexpr std::size_t n_features = 2;
constexpr std::size_t n_classes = 3;

// A small 3-class set (class 2 has a single feature-1 value repeated -> zero variance).
constexpr double xs[n_samples][n_features] = {
    {1.0, 2.0}, {1.5, 1.0}, {0.5, 2.5}, {1.2, 1.7},   // class 0
    {4.0, 0.5}, {5.0, 0.0}, {4.5, 1.0}, {3.5, 0.25},  // class 1
    {2.0, 3.0}, {2.5, 3.0}, {1.5, 3.0}, {3.0, 3.0},   // class 2
};
constexpr class_label ys[n_samples] = {0, 0, 0, 0, 1, 1, 1, 1, 2, 2, 2, 2};

// Closed-form reference in long double: two-pass mean and sample variance (ddof 1), priors
// from counts, log(eps + N(x; mean, var + smoothing)) with density 0 when the variance is 0.
struct reference {
  long double mean[n_classes][n_features]{};
  long double var[n_classes][n_features]{};
  long double count[n_classes]{};
  long double total = 0;

  reference(std::size_t upto) {
    for (std::size_t i = 0; i < upto; ++i) {
      count[ys[i]] += 1;
      total += 1;
      for (std::size_t j = 0; j < n_features; ++j) mean[ys[i]][j] += xs[i][j];
    }
    for (std::size_t c = 0; c < n_classes; ++c)
      for (std::size_t j = 0; j < n_features; ++j)
        if (count[c] > 0) mean[c][j] /= count[c];
    for (std::size_t i = 0; i < upto; ++i)
      for (std::size_t j = 0; j < n_features; ++j) {
        const long double d = xs[i][j] - mean[ys[i]][j];
        var[ys[i]][j] += d * d;
      }
    for (std::size_t c = 0; c < n_classes; ++c)
      for (std::size_t j = 0; j < n_features; ++j) var[c][j] = count[c] > 1 ? var[c][j] / (count[c] - 1) : 0;
  }

  long double jll(std::size_t c, const double* x, long double eps, long double smoothing) const {
    long double s = std::log(count[c] / total);
    for (std::size_t j = 0; j < n_features; ++j) {
      const long double v = var[c][j] + smoothing;
      long double pdf = 0;
      if (v > 0) {
        const long double d = x[j] - mean[c][j];
        pdf = std::exp(-d * d / (2 * v)) / std::sqrt(2 * 3.14159265358979323846264338327950288L * v);
      }
      s += std::log(eps + pdf);
    }
    return s;
  }

  std::array<long double, n_classes> posterior(const double* x, long double eps, long double smoothing) const {
    std::array<long double, n_classes> p{};
    long double sum = 0;
    for (std::size_t c = 0; c < n_classes; ++c) {
      p[c] = count[c] > 0 ? std::exp(jll(c, x, eps, smoothing)) : 0;
      sum += p[c];
    }
    for (auto& v : p) v /= sum;
    return p;
  }
};

template <class Scalar>
std::array<Scalar, n_features> row(const double* x) {
  return {static_cast<Scalar>(x[0]), static_cast<Scalar>(x[1])};
}

}  // namespace

TEST_CASE("gaussian_nb statistics match two-pass long-double mean and sample variance", "[linear][gaussian_nb]") {
  gaussian_nb<double, n_features, n_classes> m;
  for (std::size_t i = 0; i < n_samples; ++i) REQUIRE(m.partial_fit(row<double>(xs[i]), ys[i]) == status::ok);
  const reference ref(n_samples);
  CHECK(m.samples() == 12u);
  for (class_label c = 0; c < n_classes; ++c) {
    CHECK(m.count(c) == 4u);
    for (std::size_t j = 0; j < n_features; ++j) {
      CHECK(close(m.mean(c, j), ref.mean[c][j], 1e-12, 1e-14));
      CHECK(close(m.variance(c, j), ref.var[c][j], 1e-12, 1e-14));
    }
  }
  CHECK(m.variance(2, 1) == 0.0);
}

TEST_CASE("gaussian_nb posteriors match closed-form Gaussian densities", "[linear][gaussian_nb]") {
  const double queries[5][n_features] = {{1.0, 2.0}, {4.2, 0.6}, {2.2, 3.0}, {2.2, 2.9}, {-3.0, 9.0}};
  // After every prefix length (including ones where some class is unseen).
  for (std::size_t upto : {3u, 6u, 9u, 12u}) {
    gaussian_nb<double, n_features, n_classes> m;
    for (std::size_t i = 0; i < upto; ++i) REQUIRE(m.partial_fit(row<double>(xs[i]), ys[i]) == status::ok);
    const reference ref(upto);
    for (const auto& q : queries) {
      const auto p = m.predict_proba(row<double>(q));
      const auto e = ref.posterior(q, 1e-9L, 0.0L);
      std::size_t best = 0;
      for (std::size_t c = 0; c < n_classes; ++c) {
        CHECK(close(p[c], e[c], 1e-9, 1e-12));
        if (e[c] > e[best]) best = c;
      }
      CHECK(m.predict(row<double>(q)) == best);
      const auto jll = m.joint_log_likelihood(row<double>(q));
      for (std::size_t c = 0; c < n_classes; ++c)
        if (ref.count[c] > 0) CHECK(close(jll[c], ref.jll(c, q, 1e-9L, 0.0L), 1e-10));
        else CHECK(std::isinf(jll[c]));
    }
  }
}

TEST_CASE("gaussian_nb float and variance smoothing agree with the reference", "[linear][gaussian_nb]") {
  gaussian_nb<float, n_features, n_classes>::params p;
  p.var_smoothing = 0.25f;
  p.pdf_epsilon = 1e-6f;
  gaussian_nb<float, n_features, n_classes> m(p);
  for (std::size_t i = 0; i < n_samples; ++i) REQUIRE(m.partial_fit(row<float>(xs[i]), ys[i]) == status::ok);
  const reference ref(n_samples);
  const double q[n_features] = {2.0, 2.0};
  const auto got = m.predict_proba(row<float>(q));
  const auto want = ref.posterior(q, 1e-6L, 0.25L);
  CHECK(edgeloop::test::all_close(got, want, 1e-4, 1e-6));
}

TEST_CASE("gaussian_nb: River's documented example, unseen class excluded", "[linear][gaussian_nb]") {
  // River's GaussianNB docstring: labels 1 and 2 only; predict_one({-0.8, -1}) == 1.
  const float x[6][2] = {{-1, -1}, {-2, -1}, {-3, -2}, {1, 1}, {2, 1}, {3, 2}};
  const class_label y[6] = {1, 1, 1, 2, 2, 2};
  gaussian_nb<float, 2, 3> m;
  CHECK(m.predict({0.f, 0.f}) == 0);
  const auto uniform = m.predict_proba({0.f, 0.f});
  CHECK(close(uniform[1], 1.0 / 3.0, 1e-6));
  for (int i = 0; i < 6; ++i) REQUIRE(m.partial_fit({x[i][0], x[i][1]}, y[i]) == status::ok);
  CHECK(m.predict({-0.8f, -1.f}) == 1);
  CHECK(m.predict({2.5f, 1.5f}) == 2);
  const auto p = m.predict_proba({-0.8f, -1.f});
  CHECK(p[0] == 0.0f);
  CHECK(close(p[1] + p[2], 1.0, 1e-6));
}

TEST_CASE("gaussian_nb refuses bad samples and changes nothing", "[linear][gaussian_nb]") {
  gaussian_nb<float, n_features, n_classes> m;
  for (std::size_t i = 0; i < 6; ++i) REQUIRE(m.partial_fit(row<float>(xs[i]), ys[i]) == status::ok);
  const auto before = m.state();
  const float nan = std::numeric_limits<float>::quiet_NaN();
  const float inf = std::numeric_limits<float>::infinity();
  CHECK(m.partial_fit({nan, 1.f}, 0) == status::non_finite_input);
  CHECK(m.partial_fit({1.f, -inf}, 1) == status::non_finite_input);
  CHECK(m.partial_fit({1.f, 1.f}, 3) == status::label_out_of_range);
  // Finite input whose squared deviation overflows float.
  CHECK(m.partial_fit({3e38f, -3e38f}, 0) == status::non_finite_input);
  CHECK(same_bytes(before, m.state()));
  CHECK(m.samples() == 6u);
}

TEST_CASE("gaussian_nb state round-trips and restore validates", "[linear][gaussian_nb]") {
  using model = gaussian_nb<float, n_features, n_classes>;
  model a;
  for (std::size_t i = 0; i < n_samples; ++i) REQUIRE(a.partial_fit(row<float>(xs[i]), ys[i]) == status::ok);
  const model::state_type s = a.state();
  model b;
  REQUIRE(b.restore(s) == status::ok);
  CHECK(same_bytes(s, b.state()));
  const double q[n_features] = {2.2, 2.5};
  const auto pa = a.predict_proba(row<float>(q));
  const auto pb = b.predict_proba(row<float>(q));
  CHECK(same_bytes(pa, pb));

  model c;
  const auto fresh = c.state();
  model::state_type bad = s;
  bad.magic ^= 1u;
  CHECK(c.restore(bad) == status::invalid_state);
  bad = s;
  bad.m2[1] = -1.f;
  CHECK(c.restore(bad) == status::invalid_state);
  bad = s;
  bad.counts[0] = 0;  // a class never seen cannot have a mean
  CHECK(c.restore(bad) == status::invalid_state);
  bad = s;
  bad.pdf_epsilon = 0.f;
  CHECK(c.restore(bad) == status::invalid_state);
  CHECK(same_bytes(fresh, c.state()));

  a.reset();
  CHECK(a.samples() == 0u);
  CHECK(same_bytes(fresh, a.state()));
}

TEST_CASE("gaussian_nb validates params", "[linear][gaussian_nb]") {
  using model = gaussian_nb<float, 2, 2>;
  CHECK(model::validate({}) == status::ok);
  CHECK(model::validate({-1.f, 1e-9f}) == status::invalid_argument);
  CHECK(model::validate({0.f, 0.f}) == status::invalid_argument);
  CHECK(model::validate({0.f, std::numeric_limits<float>::quiet_NaN()}) == status::invalid_argument);
  STATIC_REQUIRE(online_learner<model>);
  STATIC_REQUIRE(persistable<model>);
}
