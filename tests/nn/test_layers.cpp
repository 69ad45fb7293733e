// Every nn layer's backward pass against central finite differences (float and double,
// several shapes, one and several samples), and the forward values against direct
// formulas.
#include <array>
#include <cmath>

#include "edgeloop/nn/dense.hpp"
#include "edgeloop/nn/dropout.hpp"
#include "edgeloop/nn/flatten.hpp"
#include "edgeloop/nn/leaky_relu.hpp"
#include "edgeloop/nn/relu.hpp"
#include "edgeloop/nn/relu6.hpp"
#include "edgeloop/nn/sigmoid.hpp"
#include "edgeloop/nn/softmax.hpp"
#include "edgeloop/nn/tanh.hpp"
#include "nn/nn_test_support.hpp"
#include "support/test.hpp"

namespace nn = edgeloop::nn;
using edgeloop::test::layer_gradient_check;

namespace {

// float: relative error < 1e-3 (h = 1e-2); double: < 1e-8 (h = 1e-5).
template <class Spec, class S, class In, std::size_t N>
bool gradient_ok(std::uint64_t seed, S spread = S(3)) {
  using L = typename Spec::template bind<S, In>;
  static_assert(nn::bound_layer<L>);
  layer_gradient_check<L, N> check;  // small: on the stack, one at a time
  const bool is_float = sizeof(S) == 4;
  check.run(seed, spread, is_float ? S(1e-2) : S(1e-5));
  const long double tol = is_float ? 1e-3L : 1e-8L;
  return check.error_x < tol && check.error_p < tol && check.accumulates;
}

template <class Spec, class S>
bool gradient_ok_shapes(std::uint64_t seed) {
  return gradient_ok<Spec, S, nn::shape<5>, 1>(seed) && gradient_ok<Spec, S, nn::shape<7>, 3>(seed + 1) &&
         gradient_ok<Spec, S, nn::shape<2, 3, 2>, 2>(seed + 2);
}

}  // namespace

TEST_CASE("dense gradient matches finite differences", "[nn][dense]") {
  CHECK(gradient_ok_shapes<nn::dense<3>, float>(1));
  CHECK(gradient_ok_shapes<nn::dense<4, nn::initializer::glorot_uniform>, double>(2));
  CHECK((gradient_ok<nn::dense<1>, float, nn::shape<6>, 2>(3)));
  CHECK((gradient_ok<nn::dense<5>, double, nn::shape<1>, 4>(4)));
}

TEST_CASE("dense forward equals W x + b with row-major W", "[nn][dense]") {
  using L = nn::dense<2>::bind<double, nn::shape<3>>;
  STATIC_REQUIRE(L::param_count == 8);
  const std::array<double, 8> p{1, 2, 3, 4, 5, 6, 0.5, -1};
  const std::array<double, 6> x{1, 0, -1, 2, 1, 0};
  std::array<double, 4> y{};
  L::forward(p.data(), x.data(), y.data(), 2);
  CHECK(y[0] == 1 - 3 + 0.5);
  CHECK(y[1] == 4 - 6 - 1);
  CHECK(y[2] == 2 + 2 + 0.5);
  CHECK(y[3] == 8 + 5 - 1);
}

TEST_CASE("activation gradients match finite differences", "[nn][activations]") {
  CHECK(gradient_ok_shapes<nn::relu, float>(10));
  CHECK(gradient_ok_shapes<nn::relu, double>(11));
  CHECK(gradient_ok_shapes<nn::relu6, float>(12));
  CHECK((gradient_ok<nn::relu6, double, nn::shape<9>, 2>(13, 9.0)));  // both sides of 6
  CHECK(gradient_ok_shapes<nn::leaky_relu<>, float>(14));
  CHECK(gradient_ok_shapes<nn::leaky_relu<0.2f>, double>(15));
  CHECK(gradient_ok_shapes<nn::sigmoid, float>(16));
  CHECK(gradient_ok_shapes<nn::sigmoid, double>(17));
  CHECK(gradient_ok_shapes<nn::tanh, float>(18));
  CHECK(gradient_ok_shapes<nn::tanh, double>(19));
}

TEST_CASE("activation values", "[nn][activations]") {
  CHECK(nn::relu::fn::value(-2.0f) == 0.0f);
  CHECK(nn::relu::fn::value(2.5f) == 2.5f);
  CHECK(nn::relu6::fn::value(7.0f) == 6.0f);
  CHECK(nn::relu6::fn::value(-1.0f) == 0.0f);
  CHECK(nn::leaky_relu<0.1f>::fn::value(-2.0) == -0.1f * 2.0);
  CHECK(edgeloop::test::close(nn::sigmoid::fn::value(0.5), 1.0 / (1.0 + std::exp(-0.5)), 1e-15));
  CHECK(edgeloop::test::close(nn::sigmoid::fn::value(-40.0), std::exp(-40.0) / (1.0 + std::exp(-40.0)), 1e-14));
  CHECK(nn::sigmoid::fn::value(-200.0f) >= 0.0f);
  CHECK(nn::sigmoid::fn::value(200.0f) == 1.0f);
}

TEST_CASE("softmax layer gradient and values", "[nn][softmax]") {
  CHECK(gradient_ok_shapes<nn::softmax, float>(20));
  CHECK(gradient_ok_shapes<nn::softmax, double>(21));
  using L = nn::softmax::bind<double, nn::shape<3>>;
  const std::array<double, 3> x{1000.0, 1001.0, 999.0};  // no overflow
  std::array<double, 3> y{};
  L::forward(nullptr, x.data(), y.data(), 1);
  const double s = std::exp(-1.0) + 1.0 + std::exp(-2.0);
  CHECK(edgeloop::test::close(y[0], std::exp(-1.0) / s, 1e-14));
  CHECK(edgeloop::test::close(y[1], 1.0 / s, 1e-14));
  CHECK(edgeloop::test::close(y[2], std::exp(-2.0) / s, 1e-14));
}

TEST_CASE("flatten keeps the order and passes gradients", "[nn][flatten]") {
  using L = nn::flatten::bind<float, nn::shape<2, 2, 3>>;
  STATIC_REQUIRE(std::is_same_v<L::output_shape, nn::shape<12>>);
  CHECK(gradient_ok_shapes<nn::flatten, float>(30));
  CHECK(gradient_ok_shapes<nn::flatten, double>(31));
}

TEST_CASE("dropout: mask in training, identity in inference", "[nn][dropout]") {
  CHECK(gradient_ok_shapes<nn::dropout<0.5f>, float>(40));
  CHECK(gradient_ok_shapes<nn::dropout<0.25f>, double>(41));
  constexpr std::size_t n = 120;
  using L = nn::dropout<0.25f>::bind<float, nn::shape<n>>;
  static std::array<float, n> x, y, mask;
  for (std::size_t i = 0; i < x.size(); ++i) x[i] = 1.0f + static_cast<float>(i);
  edgeloop::rng r(5);
  L::forward_train(nullptr, x.data(), y.data(), mask.data(), 1, r);
  std::size_t dropped = 0;
  bool consistent = true;
  for (std::size_t i = 0; i < x.size(); ++i) {
    if (mask[i] == 0.0f) ++dropped;
    else if (mask[i] != 1.0f / 0.75f) consistent = false;
    if (y[i] != x[i] * mask[i]) consistent = false;
  }
  CHECK(consistent);
  CHECK(dropped > 15);  // expected 30 of 120 (binomial sd 4.7)
  CHECK(dropped < 45);
  L::forward(nullptr, x.data(), y.data(), 1);
  CHECK(edgeloop::test::all_close(x, y, 0.0L));
}
