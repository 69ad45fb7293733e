#pragma once
// Helpers for the nn tests: central finite-difference gradient checks of a bound layer
// (and of a whole network with its loss) against the analytic backward pass.

#include <array>
#include <cmath>
#include <cstddef>
#include <cstdint>

#include "edgeloop/core/rng.hpp"

namespace edgeloop::test {

/// ||a - b|| / max(||a||, ||b||) over two arrays (0 when both are zero).
template <class A, class B>
long double relative_error(const A& a, const B& b, std::size_t count) {
  long double d = 0, na = 0, nb = 0;
  for (std::size_t i = 0; i < count; ++i) {
    const auto x = static_cast<long double>(a[i]), y = static_cast<long double>(b[i]);
    d += (x - y) * (x - y);
    na += x * x;
    nb += y * y;
  }
  const long double scale = na > nb ? na : nb;
  return scale == 0 ? 0.0L : std::sqrt(d / scale);
}

/// Inputs in [-Spread, Spread] away from the kinks of relu/relu6/leaky_relu (0 and 6).
template <class S>
S kink_free_value(rng& r, S spread) {
  for (;;) {
    const S v = r.uniform<S>(-spread, spread);
    const S a = v < 0 ? -v : v;
    if (a > S(0.15) && (v - S(6) > S(0.15) || S(6) - v > S(0.15))) return v;
  }
}

/// Gradient check of bound layer L over N samples: f(x, p) = sum_k c_k y_k(x, p) with
/// random c (the upstream gradient); backward's gx and gp against central differences.
template <class L, std::size_t N>
struct layer_gradient_check {
  using S = typename L::scalar_type;
  static constexpr std::size_t nx = L::input_shape::size * N;
  static constexpr std::size_t ny = L::output_shape::size * N;
  static constexpr std::size_t np = L::param_count > 0 ? L::param_count : 1;
  static constexpr std::size_t na = L::aux_count * N > 0 ? L::aux_count * N : 1;

  std::array<S, nx> x{};
  std::array<S, np> p{};
  std::array<S, ny> c{};
  long double error_x = 0, error_p = 0;
  bool accumulates = true;  // backward adds to gp
  bool overwrites = true;   // backward stores gx whatever it held before

  long double f() const {
    std::array<S, ny> y{};
    std::array<S, na> aux{};
    rng r(99);  // the same dropout mask every time
    L::forward_train(p.data(), x.data(), y.data(), aux.data(), N, r);
    long double s = 0;
    for (std::size_t k = 0; k < ny; ++k) s += static_cast<long double>(c[k]) * static_cast<long double>(y[k]);
    return s;
  }

  /// distinct: x is a random permutation of nx evenly spaced values in [-spread, spread]
  /// (max pooling: no two inputs of a window within 2h of each other).
  void run(std::uint64_t seed, S spread, S h, bool distinct = false) {
    rng r(seed);
    L::initialize(p.data(), r);
    for (std::size_t i = 0; i < L::param_count; ++i) p[i] += r.uniform<S>(S(-0.2), S(0.2));  // biases non-zero
    for (auto& v : x) v = kink_free_value(r, spread);
    if (distinct) {
      for (std::size_t i = 0; i < nx; ++i)
        x[i] = -spread + S(2) * spread * static_cast<S>(i) / static_cast<S>(nx > 1 ? nx - 1 : 1);
      for (std::size_t i = nx; i > 1; --i) {
        const std::size_t j = static_cast<std::size_t>(r.uniform_int(static_cast<std::uint32_t>(i)));
        const S t = x[i - 1];
        x[i - 1] = x[j];
        x[j] = t;
      }
    }
    for (auto& v : c) v = r.uniform<S>(S(-1), S(1));
    std::array<S, ny> y{};
    std::array<S, na> aux{};
    rng rt(99);
    L::forward_train(p.data(), x.data(), y.data(), aux.data(), N, rt);
    std::array<S, nx> gx{};
    std::array<S, np> gp{};
    L::backward(p.data(), x.data(), y.data(), aux.data(), c.data(), gx.data(), gp.data(), N);
    std::array<S, np> gp2 = gp;
    std::array<S, nx> gx2;
    gx2.fill(S(123));  // backward must overwrite gx, not add to it (or skip positions)
    L::backward(p.data(), x.data(), y.data(), aux.data(), c.data(), gx2.data(), gp2.data(), N);
    for (std::size_t i = 0; i < nx; ++i) overwrites = overwrites && gx2[i] == gx[i];
    for (std::size_t i = 0; i < L::param_count; ++i)
      if (!(std::fabs(static_cast<double>(gp2[i] - 2 * gp[i])) <= 1e-5 * (1.0 + std::fabs(static_cast<double>(gp[i])))))
        accumulates = false;
    std::array<long double, nx> fx{};
    for (std::size_t i = 0; i < nx; ++i) {
      const S keep = x[i];
      x[i] = keep + h;
      const long double up = f();
      x[i] = keep - h;
      const long double down = f();
      x[i] = keep;
      fx[i] = (up - down) / (2 * static_cast<long double>(h));
    }
    std::array<long double, np> fp{};
    for (std::size_t i = 0; i < L::param_count; ++i) {
      const S keep = p[i];
      p[i] = keep + h;
      const long double up = f();
      p[i] = keep - h;
      const long double down = f();
      p[i] = keep;
      fp[i] = (up - down) / (2 * static_cast<long double>(h));
    }
    error_x = relative_error(gx, fx, nx);
    error_p = relative_error(gp, fp, L::param_count);
  }
};

}  // namespace edgeloop::test
