// Losses: values against direct formulas (and hand-computed numbers), gradients against
// central finite differences.
#include <array>
#include <cmath>

#include "edgeloop/core/rng.hpp"
#include "edgeloop/nn/huber.hpp"
#include "edgeloop/nn/mse.hpp"
#include "edgeloop/nn/softmax_cross_entropy.hpp"
#include "nn/nn_test_support.hpp"
#include "support/test.hpp"

namespace nn = edgeloop::nn;

namespace {

template <class L, class S, std::size_t N>
long double loss_gradient_error(std::array<S, N> z, const typename L::target_type& y, S h) {
  std::array<S, N> g{};
  L::loss_gradient(z.data(), y, g.data());
  std::array<long double, N> fd{};
  for (std::size_t i = 0; i < N; ++i) {
    const S keep = z[i];
    z[i] = keep + h;
    const long double up = L::loss(z.data(), y);
    z[i] = keep - h;
    const long double down = L::loss(z.data(), y);
    z[i] = keep;
    fd[i] = (up - down) / (2 * static_cast<long double>(h));
  }
  return edgeloop::test::relative_error(g, fd, N);
}

}  // namespace

TEST_CASE("softmax cross-entropy: value, gradient, prediction", "[nn][losses]") {
  using L = nn::softmax_cross_entropy::bind<double, 3>;
  const std::array<double, 3> z{1.0, 2.0, 3.0};
  const double lse = std::log(std::exp(1.0) + std::exp(2.0) + std::exp(3.0));
  CHECK(edgeloop::test::close(L::loss(z.data(), 0), lse - 1.0, 1e-14));
  CHECK(edgeloop::test::close(L::loss(z.data(), 2), lse - 3.0, 1e-14));
  std::array<double, 3> g{};
  CHECK(edgeloop::test::close(L::loss_gradient(z.data(), 1, g.data()), lse - 2.0, 1e-14));
  CHECK(edgeloop::test::close(g[0], std::exp(1.0 - lse), 1e-14));
  CHECK(edgeloop::test::close(g[1], std::exp(2.0 - lse) - 1.0, 1e-14));
  CHECK(L::predict(z.data()) == 2);
  const auto p = L::proba(z.data());
  CHECK(edgeloop::test::close(p[0] + p[1] + p[2], 1.0, 1e-15));
  CHECK(L::check(3) == edgeloop::status::label_out_of_range);
  CHECK(L::check(2) == edgeloop::status::ok);
  // Large logits do not overflow.
  const std::array<float, 3> big{1000.0f, 0.0f, -1000.0f};
  CHECK(edgeloop::test::close(nn::softmax_cross_entropy::bind<float, 3>::loss(big.data(), 1), 1000.0, 1e-6));
  edgeloop::rng r(3);
  std::array<float, 5> zf{};
  for (auto& v : zf) v = r.uniform<float>(-3.0f, 3.0f);
  CHECK(loss_gradient_error<nn::softmax_cross_entropy::bind<float, 5>>(zf, 4, 1e-2f) < 1e-3L);
  std::array<double, 5> zd{};
  for (auto& v : zd) v = r.uniform<double>(-3.0, 3.0);
  CHECK(loss_gradient_error<nn::softmax_cross_entropy::bind<double, 5>>(zd, 0, 1e-5) < 1e-8L);
}

TEST_CASE("mse and huber: values and gradients", "[nn][losses]") {
  using M = nn::mse::bind<double, 2>;
  using H = nn::huber<1.0f>::bind<double, 2>;
  const std::array<double, 2> z{0.5, 3.0};
  const std::array<double, 2> y{0.0, 0.0};
  CHECK(edgeloop::test::close(M::loss(z.data(), y), (0.25 + 9.0) / 2.0, 1e-15));
  CHECK(edgeloop::test::close(H::loss(z.data(), y), (0.125 + 2.5) / 2.0, 1e-15));
  std::array<double, 2> g{};
  (void)H::loss_gradient(z.data(), y, g.data());
  CHECK(g[0] == 0.25);  // 0.5 / 2
  CHECK(g[1] == 0.5);   // clipped to delta, / 2
  (void)M::loss_gradient(z.data(), y, g.data());
  CHECK(g[0] == 0.5);
  CHECK(g[1] == 3.0);
  const std::array<double, 2> bad{0.0, NAN};
  CHECK(M::check(bad) == edgeloop::status::non_finite_input);
  edgeloop::rng r(4);
  std::array<float, 4> zf{}, yf{};
  for (auto& v : zf) v = r.uniform<float>(-3.0f, 3.0f);
  for (auto& v : yf) v = r.uniform<float>(-3.0f, 3.0f);
  CHECK(loss_gradient_error<nn::mse::bind<float, 4>>(zf, yf, 1e-2f) < 1e-3L);
  for (std::size_t i = 0; i < 4; ++i)  // keep |z - y| away from the Huber kink at 0.5
    if (std::fabs(std::fabs(zf[i] - yf[i]) - 0.5f) < 0.05f) yf[i] += 0.2f;
  CHECK(loss_gradient_error<nn::huber<0.5f>::bind<float, 4>>(zf, yf, 1e-2f) < 1e-3L);
}
