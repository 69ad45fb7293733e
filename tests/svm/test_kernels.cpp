#include <array>
#include <cmath>
#include <cstddef>

#include "edgeloop/core/rng.hpp"
#include "edgeloop/svm/kernels.hpp"
#include "edgeloop/svm/random_fourier_features.hpp"
#include "support/test.hpp"

using namespace edgeloop;
using edgeloop::test::close;
using edgeloop::test::same_bytes;

TEST_CASE("rbf and polynomial kernels match their closed forms", "[svm][kernels]") {
  const std::array<double, 3> a{1.0, -2.0, 0.5}, b{0.0, 1.0, 2.0};
  // ||a-b||^2 = 1 + 9 + 2.25 = 12.25; <a,b> = 0 - 2 + 1 = -1
  CHECK(close(rbf_kernel<double>::evaluate({0.1}, as_vector(a), as_vector(b)), std::exp(-1.225), 1e-14));
  CHECK(rbf_kernel<double>::evaluate({0.1}, as_vector(a), as_vector(a)) == 1.0);
  CHECK(close(polynomial_kernel<double>::evaluate({0.5, 2.0, 3}, as_vector(a), as_vector(b)), 1.5 * 1.5 * 1.5, 1e-14));
  // <a,a> = 5.25: (0.5*5.25 + 2)^2
  CHECK(close(polynomial_kernel<double>::self({0.5, 2.0, 2}, as_vector(a)), 4.625 * 4.625, 1e-14));
  CHECK(rbf_kernel<double>::validate({0.0}) == status::invalid_argument);
  CHECK(polynomial_kernel<double>::validate({1.0, 0.0, 0}) == status::invalid_argument);
  CHECK(polynomial_kernel<double>::validate({1.0, 0.0, 11}) == status::invalid_argument);
}

namespace {
constexpr std::size_t rff_features = 3;
#if defined(EDGELOOP_TARGET_TEST)
constexpr std::size_t rff_components = 128;
#else
constexpr std::size_t rff_components = 512;
#endif
}

TEST_CASE("random Fourier features approximate the RBF kernel", "[svm][rff]") {
  static random_fourier_features<float, rff_features, rff_components> rff({0.5f, 7});
  edgeloop::rng r(11);
  double worst = 0, mean = 0;
  constexpr int pairs = 20;
  for (int p = 0; p < pairs; ++p) {
    std::array<float, rff_features> x, y;
    for (auto& v : x) v = r.uniform(-1.0f, 1.0f);
    for (auto& v : y) v = r.uniform(-1.0f, 1.0f);
    const auto zx = rff.transform(x), zy = rff.transform(y);
    double dot = 0, d2 = 0;
    for (std::size_t c = 0; c < rff_components; ++c) dot += double(zx[c]) * double(zy[c]);
    for (std::size_t j = 0; j < rff_features; ++j) d2 += (double(x[j]) - y[j]) * (double(x[j]) - y[j]);
    const double err = std::fabs(dot - std::exp(-0.5 * d2));
    worst = err > worst ? err : worst;
    mean += err / pairs;
  }
  // Each estimate is a mean of D terms cos(.)cos(.) with variance <= 1/2: sd <= sqrt(1/(2D)).
  CHECK(mean < 1.5 / std::sqrt(double(rff_components)));
  CHECK(worst < 5.0 / std::sqrt(double(rff_components)));
}

TEST_CASE("random Fourier features: fixed projection, state, bad input", "[svm][rff]") {
  using rff_t = random_fourier_features<float, 2, 16>;
  static rff_t a({2.0f, 5}), b({2.0f, 5}), c({2.0f, 6});
  CHECK(a.projection(3, 1) == b.projection(3, 1));
  CHECK(a.projection(3, 1) != c.projection(3, 1));
  CHECK(a.phase(4) >= 0.0f);
  CHECK(a.phase(4) < 6.2832f);
  const std::array<float, 2> x{0.3f, -0.2f};
  const auto za = a.transform(x);
  CHECK(a.partial_fit(x) == status::ok);
  CHECK(a.partial_fit({std::nanf(""), 0.0f}) == status::non_finite_input);
  CHECK(same_bytes(za, a.transform(x)));
  REQUIRE(c.restore(a.state()) == status::ok);
  CHECK(same_bytes(za, c.transform(x)));
  auto bad = a.state();
  bad.gamma = 0.0f;
  CHECK(c.restore(bad) == status::invalid_state);
  CHECK(same_bytes(za, c.transform(x)));
  // ||z(x)||^2 estimates k(x, x) = 1
  double n = 0;
  for (float v : za) n += double(v) * v;
  CHECK(close(n, 1.0, 0.6));
}
