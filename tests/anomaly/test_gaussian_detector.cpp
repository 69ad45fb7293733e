#include <array>
#include <cmath>
#include <cstdint>

#include "edgeloop/anomaly/gaussian_detector.hpp"
#include "edgeloop/core/rng.hpp"
#include "support/test.hpp"

using namespace edgeloop;
using edgeloop::test::close;
using edgeloop::test::same_bytes;

namespace {
constexpr std::size_t dims = 3;
constexpr int count = 200;
std::array<std::array<float, dims>, count> data;  // static: fits the 16 KB board

// Correlated Gaussian data whose mean drifts slowly.
void generate(std::uint64_t seed) {
  rng g(seed);
  for (int i = 0; i < count; ++i) {
    const float a = g.normal(0.0f, 1.0f), b = g.normal(0.0f, 1.0f), c = g.normal(0.0f, 1.0f);
    const float drift = 0.01f * static_cast<float>(i);
    data[static_cast<std::size_t>(i)] = {5.0f + a + drift, -2.0f + 0.8f * a + 0.3f * b, 100.0f + 2.0f * c - a};
  }
}

// Two-pass weighted mean/covariance (weights lambda^age) in long double, and the squared
// Mahalanobis distance by Gaussian elimination with partial pivoting.
struct batch_gaussian {
  std::array<long double, dims> mean{};
  std::array<std::array<long double, dims>, dims> cov{};
  batch_gaussian(int n, long double lambda) {
    long double w_total = 0;
    for (int i = 0; i < n; ++i) {
      const long double w = std::pow(lambda, static_cast<long double>(n - 1 - i));
      w_total += w;
      for (std::size_t k = 0; k < dims; ++k) mean[k] += w * data[static_cast<std::size_t>(i)][k];
    }
    for (auto& m : mean) m /= w_total;
    for (int i = 0; i < n; ++i) {
      const long double w = std::pow(lambda, static_cast<long double>(n - 1 - i));
      for (std::size_t r = 0; r < dims; ++r)
        for (std::size_t c = 0; c < dims; ++c)
          cov[r][c] += w * (data[static_cast<std::size_t>(i)][r] - mean[r]) * (data[static_cast<std::size_t>(i)][c] - mean[c]);
    }
    for (auto& row : cov)
      for (auto& v : row) v /= w_total;
  }
  long double mahalanobis2(const std::array<float, dims>& x, long double ridge) const {
    std::array<std::array<long double, dims + 1>, dims> a{};
    std::array<long double, dims> d{};
    for (std::size_t r = 0; r < dims; ++r) {
      d[r] = x[r] - mean[r];
      for (std::size_t c = 0; c < dims; ++c) a[r][c] = cov[r][c] + (r == c ? ridge : 0.0L);
      a[r][dims] = d[r];
    }
    for (std::size_t c = 0; c < dims; ++c) {
      std::size_t p = c;
      for (std::size_t r = c + 1; r < dims; ++r)
        if (std::fabs(a[r][c]) > std::fabs(a[p][c])) p = r;
      std::swap(a[c], a[p]);
      for (std::size_t r = c + 1; r < dims; ++r) {
        const long double f = a[r][c] / a[c][c];
        for (std::size_t k = c; k <= dims; ++k) a[r][k] -= f * a[c][k];
      }
    }
    std::array<long double, dims> y{};
    for (std::size_t r = dims; r-- > 0;) {
      long double v = a[r][dims];
      for (std::size_t k = r + 1; k < dims; ++k) v -= a[r][k] * y[k];
      y[r] = v / a[r][r];
    }
    long double s = 0;
    for (std::size_t r = 0; r < dims; ++r) s += d[r] * y[r];
    return s;
  }
};

// rel_tol: float against long double; with rank-deficient data the ridge is the smallest
// eigenvalue, so the distance's condition number is about 1 / ridge_relative.
void check_against_batch(float lambda, int n, long double rel_tol) {
  gaussian_detector<float, dims>::params p;
  p.forgetting = lambda;
  static gaussian_detector<float, dims> d;
  d = gaussian_detector<float, dims>(p);
  for (int i = 0; i < n; ++i) REQUIRE(d.learn(data[static_cast<std::size_t>(i)]) == status::ok);
  const batch_gaussian b(n, lambda);
  for (std::size_t r = 0; r < dims; ++r) {
    CHECK(close(d.mean()[r], b.mean[r], 1e-5L, 1e-5L));
    for (std::size_t c = 0; c < dims; ++c) CHECK(close(d.covariance(r, c), b.cov[r][c], 2e-4L, 2e-4L));
  }
  long double trace = 0;
  for (std::size_t r = 0; r < dims; ++r) trace += b.cov[r][r];
  const long double ridge = 1e-3L * trace / dims + 1e-6L;
  CHECK(close(d.ridge(), ridge, 1e-4L));
  const std::array<std::array<float, dims>, 3> probes{{{5.0f, -2.0f, 100.0f}, {9.0f, 1.0f, 95.0f}, {0.0f, 0.0f, 0.0f}}};
  for (const auto& x : probes) {
    CHECK(close(d.score(x), b.mahalanobis2(x, ridge), rel_tol, 1e-4L));
  }
}
}  // namespace

TEST_CASE("gaussian_detector: mean, covariance and Mahalanobis distance equal the two-pass batch values",
          "[anomaly][gaussian_detector]") {
  generate(1);
  check_against_batch(1.0f, count, 1e-4L);
  check_against_batch(1.0f, 2, 1e-2L);  // rank 1: the ridge keeps the distance defined
  check_against_batch(0.98f, count, 1e-4L);  // forgetting: weights 0.98^age
}

TEST_CASE("gaussian_detector: outliers, bad input, round trip", "[anomaly][gaussian_detector]") {
  generate(2);
  static gaussian_detector<float, dims> d, other;
  CHECK(d.score(data[0]) == 0.0f);
  for (const auto& x : data) REQUIRE(d.learn(x) == status::ok);
  // An inlier along the correlation vs a point breaking it (each coordinate alone is common).
  CHECK(d.score({6.0f, -1.2f, 99.0f}) < 9.0f);
  CHECK(d.score({6.0f, -5.0f, 99.0f}) > 20.0f);
  CHECK(d.score({6.0f, -5.0f, 99.0f}) > 5.0f * d.score({6.0f, -1.2f, 99.0f}));
  static gaussian_detector<float, dims>::state_type before, after;
  before = d.state();
  CHECK(d.learn({1.0f, std::nanf(""), 0.0f}) == status::non_finite_input);
  CHECK(d.learn({3e38f, 0.0f, 0.0f}) == status::non_finite_input);  // products overflow
  after = d.state();
  CHECK(same_bytes(before, after));
  REQUIRE(other.restore(before) == status::ok);
  after = other.state();
  CHECK(same_bytes(before, after));
  CHECK(other.score({1.0f, 2.0f, 3.0f}) == d.score({1.0f, 2.0f, 3.0f}));
  after.comoment[4] = -1.0f;  // a negative variance
  CHECK(other.restore(after) == status::invalid_state);
  after = before;
  after.weight = NAN;
  CHECK(other.restore(after) == status::invalid_state);
  d.reset();
  CHECK(d.samples() == 0u);
  CHECK(d.score({6.0f, -2.8f, 99.0f}) == 0.0f);
  CHECK(gaussian_detector<float, dims>::validate({1.5f, 1e-3f, 0.0f}) == status::invalid_argument);
  CHECK(gaussian_detector<float, dims>::validate({1.0f, 0.0f, 0.0f}) == status::invalid_argument);
  CHECK(gaussian_detector<float, dims>::validate({0.5f, 0.0f, 1e-3f}) == status::ok);
}
