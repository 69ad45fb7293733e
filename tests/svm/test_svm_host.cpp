// Host-only SVM checks with more data: random Fourier features converge to the RBF kernel
// as components grow; smo_svm's dual optimum equals a brute-force active-set solution.
#include <array>
#include <cmath>
#include <cstddef>
#include <memory>

#include "edgeloop/core/rng.hpp"
#include "edgeloop/svm/kernels.hpp"
#include "edgeloop/svm/random_fourier_features.hpp"
#include "edgeloop/svm/smo_svm.hpp"
#include "support/test.hpp"

using namespace edgeloop;
using edgeloop::test::close;

namespace {
template <std::size_t D>
double rff_mean_error(std::uint64_t seed) {
  auto rff = std::make_unique<random_fourier_features<double, 4, D>>(typename random_fourier_features<double, 4, D>::params{0.3, seed});
  edgeloop::rng r(99);
  double sum = 0;
  constexpr int pairs = 200;
  for (int p = 0; p < pairs; ++p) {
    std::array<double, 4> x, y;
    for (auto& v : x) v = r.uniform(-1.0, 1.0);
    for (auto& v : y) v = r.uniform(-1.0, 1.0);
    const auto zx = rff->transform(x), zy = rff->transform(y);
    double dot = 0, d2 = 0;
    for (std::size_t c = 0; c < D; ++c) dot += zx[c] * zy[c];
    for (std::size_t j = 0; j < 4; ++j) d2 += (x[j] - y[j]) * (x[j] - y[j]);
    sum += std::fabs(dot - std::exp(-0.3 * d2));
  }
  return sum / pairs;
}
}  // namespace

TEST_CASE("random Fourier feature error shrinks like 1/sqrt(components)", "[svm][rff][host]") {
  const double e16 = rff_mean_error<16>(1), e256 = rff_mean_error<256>(1), e4096 = rff_mean_error<4096>(1);
  CHECK(e256 < e16);
  CHECK(e4096 < e256);
  // 16x the components: about 4x smaller error (allow 2x..8x)
  CHECK(e16 / e256 > 2.0);
  CHECK(e256 / e4096 > 2.0);
  CHECK(e4096 < 0.02);
}

namespace {
constexpr std::size_t bn = 6;

/// Brute force: for every assignment of each alpha_i to {0, C, free}, solve the KKT system
/// of the face (Q_FF a_F + nu y_F = e_F - Q_FB a_B, y'a = 0) in long double, keep the
/// feasible ones and return the smallest dual objective.
long double brute_force_dual(const long double (&q)[bn][bn], const long double (&y)[bn], long double c) {
  long double best = INFINITY;
  std::size_t combos = 1;
  for (std::size_t i = 0; i < bn; ++i) combos *= 3;
  for (std::size_t code = 0; code < combos; ++code) {
    int state[bn];
    std::size_t k = code, nf = 0, free_idx[bn];
    for (std::size_t i = 0; i < bn; ++i) {
      state[i] = static_cast<int>(k % 3);
      k /= 3;
      if (state[i] == 2) free_idx[nf++] = i;
    }
    long double a[bn];
    for (std::size_t i = 0; i < bn; ++i) a[i] = state[i] == 1 ? c : 0;
    const std::size_t m = nf + 1;
    long double sys[bn + 1][bn + 2] = {};
    for (std::size_t r = 0; r < nf; ++r) {
      const std::size_t i = free_idx[r];
      for (std::size_t s = 0; s < nf; ++s) sys[r][s] = q[i][free_idx[s]];
      sys[r][nf] = y[i];
      long double rhs = 1;
      for (std::size_t j = 0; j < bn; ++j)
        if (state[j] == 1) rhs -= q[i][j] * c;
      sys[r][m] = rhs;
    }
    long double rhs = 0;
    for (std::size_t j = 0; j < bn; ++j)
      if (state[j] == 1) rhs -= y[j] * c;
    for (std::size_t s = 0; s < nf; ++s) sys[nf][s] = y[free_idx[s]];
    sys[nf][nf] = 0;
    sys[nf][m] = rhs;
    bool singular = false;  // (no free variable: nothing to solve, only the balance below)
    for (std::size_t col = 0; nf > 0 && col < m && !singular; ++col) {
      std::size_t piv = col;
      for (std::size_t r = col + 1; r < m; ++r)
        if (std::fabs(sys[r][col]) > std::fabs(sys[piv][col])) piv = r;
      if (std::fabs(sys[piv][col]) < 1e-14L) {
        singular = true;
        break;
      }
      for (std::size_t s = 0; s <= m; ++s) std::swap(sys[col][s], sys[piv][s]);
      for (std::size_t r = 0; r < m; ++r) {
        if (r == col) continue;
        const long double f = sys[r][col] / sys[col][col];
        for (std::size_t s = col; s <= m; ++s) sys[r][s] -= f * sys[col][s];
      }
    }
    if (singular) continue;
    bool feasible = true;
    for (std::size_t r = 0; r < nf; ++r) {
      a[free_idx[r]] = sys[r][m] / sys[r][r];
      if (a[free_idx[r]] <= 0 || a[free_idx[r]] >= c) feasible = false;
    }
    long double balance = 0;
    for (std::size_t i = 0; i < bn; ++i) balance += y[i] * a[i];
    if (!feasible || std::fabs(balance) > 1e-12L) continue;
    long double obj = 0;
    for (std::size_t i = 0; i < bn; ++i) {
      for (std::size_t j = 0; j < bn; ++j) obj += 0.5L * a[i] * a[j] * q[i][j];
      obj -= a[i];
    }
    if (obj < best) best = obj;
  }
  return best;
}
}  // namespace

TEST_CASE("smo_svm dual objective equals a brute-force active-set solution", "[svm][smo_svm][host]") {
  constexpr double xs[bn][2] = {{0.0, 0.0}, {1.0, 0.2}, {0.3, 1.1}, {1.2, 1.0}, {0.6, 0.5}, {-0.4, 0.9}};
  constexpr class_label ys[bn] = {0, 1, 1, 0, 1, 0};
  for (const double c : {0.5, 1.0, 10.0}) {
    using model = smo_svm<double, 2, bn>;
    model::params p;
    p.c = c;
    p.tolerance = 1e-9;
    p.kernel.gamma = 0.8;
    model m(p);
    long double q[bn][bn], y[bn];
    for (std::size_t i = 0; i < bn; ++i) {
      REQUIRE(m.add({xs[i][0], xs[i][1]}, ys[i]) == status::ok);
      y[i] = ys[i] == 1 ? 1 : -1;
    }
    for (std::size_t i = 0; i < bn; ++i)
      for (std::size_t j = 0; j < bn; ++j) {
        const long double d2 = (xs[i][0] - xs[j][0]) * (xs[i][0] - xs[j][0]) + (xs[i][1] - xs[j][1]) * (xs[i][1] - xs[j][1]);
        q[i][j] = y[i] * y[j] * std::exp(-0.8L * d2);
      }
    REQUIRE(m.fit() == status::ok);
    CHECK(m.converged());
    const long double ref = brute_force_dual(q, y, c);
    REQUIRE(std::isfinite(static_cast<double>(ref)));
    CHECK(close(m.dual_objective(), ref, 1e-7));
  }
}
