// Convolution and pooling layers (small shapes, also on the boards): backward against
// central finite differences in float for several shapes, strides and paddings; forward
// against the naive references of conv_test_support.hpp; output shapes and parameter
// counts against TensorFlow's padding rules. Double precision and larger layers:
// test_conv_host.cpp.
#include <array>
#include <type_traits>

#include "edgeloop/nn/avg_pool2d.hpp"
#include "edgeloop/nn/conv1d.hpp"
#include "edgeloop/nn/conv2d.hpp"
#include "edgeloop/nn/depthwise_conv2d.hpp"
#include "edgeloop/nn/global_avg_pool.hpp"
#include "edgeloop/nn/max_pool2d.hpp"
#include "nn/conv_test_support.hpp"
#include "support/test.hpp"

namespace nn = edgeloop::nn;
using edgeloop::test::conv_gradient_ok;
using edgeloop::test::forward_matches;
using nn::padding;

TEST_CASE("conv2d: shapes and parameter counts", "[nn][conv2d]") {
  using a = nn::conv2d<8, 3, 1, padding::valid>::bind<float, nn::shape<28, 28, 1>>;
  STATIC_REQUIRE(std::is_same_v<a::output_shape, nn::shape<26, 26, 8>>);
  STATIC_REQUIRE(a::param_count == 3 * 3 * 1 * 8 + 8);
  using b = nn::conv2d<4, 3, 2, padding::same>::bind<float, nn::shape<7, 6, 3>>;
  STATIC_REQUIRE(std::is_same_v<b::output_shape, nn::shape<4, 3, 4>>);  // ceil(7/2), ceil(6/2)
  STATIC_REQUIRE(b::rows::pad_before == 1);                              // total (4-1)*2+3-7 = 2
  STATIC_REQUIRE(b::cols::pad_before == 0);                              // total (3-1)*2+3-6 = 1
  using c = nn::conv2d<2, 2, 2, padding::valid>::bind<float, nn::shape<5, 4, 1>>;
  STATIC_REQUIRE(std::is_same_v<c::output_shape, nn::shape<2, 2, 2>>);
  using d = nn::conv1d<5, 3, 2, padding::same>::bind<float, nn::shape<9, 1, 2>>;
  STATIC_REQUIRE(std::is_same_v<d::output_shape, nn::shape<5, 1, 5>>);
  STATIC_REQUIRE(d::param_count == 3 * 2 * 5 + 5);
  using e = nn::depthwise_conv2d<3, 2, padding::valid>::bind<float, nn::shape<7, 7, 4>>;
  STATIC_REQUIRE(std::is_same_v<e::output_shape, nn::shape<3, 3, 4>>);
  STATIC_REQUIRE(e::param_count == 3 * 3 * 4 + 4);
  using m = nn::max_pool2d<2>::bind<float, nn::shape<5, 5, 3>>;
  STATIC_REQUIRE(std::is_same_v<m::output_shape, nn::shape<2, 2, 3>>);  // floor, as PyTorch
  using s = nn::avg_pool2d<3, 2, padding::same>::bind<float, nn::shape<5, 4, 3>>;
  STATIC_REQUIRE(std::is_same_v<s::output_shape, nn::shape<3, 2, 3>>);
  using g = nn::global_avg_pool::bind<float, nn::shape<3, 4, 5>>;
  STATIC_REQUIRE(std::is_same_v<g::output_shape, nn::shape<5>>);
}

TEST_CASE("conv2d gradient matches finite differences (float)", "[nn][conv2d]") {
  CHECK((conv_gradient_ok<nn::conv2d<3, 3>, float, nn::shape<5, 5, 2>, 2>(1)));
  CHECK((conv_gradient_ok<nn::conv2d<2, 3, 2>, float, nn::shape<6, 5, 3>, 1>(2)));
  CHECK((conv_gradient_ok<nn::conv2d<4, 2, 2, padding::valid>, float, nn::shape<5, 4, 1>, 2>(3)));
  CHECK((conv_gradient_ok<nn::conv2d<2, 3, 1, padding::valid>, float, nn::shape<4, 6, 2>, 1>(4)));
  CHECK((conv_gradient_ok<nn::conv2d<3, 1>, float, nn::shape<3, 3, 4>, 2>(5)));
  CHECK((conv_gradient_ok<nn::conv2d<5, 4, 3, padding::same>, float, nn::shape<7, 8, 1>, 1>(6)));
}

TEST_CASE("conv1d gradient matches finite differences (float)", "[nn][conv1d]") {
  CHECK((conv_gradient_ok<nn::conv1d<3, 3>, float, nn::shape<7, 1, 2>, 2>(10)));
  CHECK((conv_gradient_ok<nn::conv1d<2, 4, 2, padding::valid>, float, nn::shape<9, 1, 3>, 1>(11)));
  CHECK((conv_gradient_ok<nn::conv1d<4, 5, 1, padding::same>, float, nn::shape<8>, 2>(12)));
}

TEST_CASE("depthwise_conv2d gradient matches finite differences (float)", "[nn][depthwise_conv2d]") {
  CHECK((conv_gradient_ok<nn::depthwise_conv2d<3>, float, nn::shape<5, 5, 3>, 2>(20)));
  CHECK((conv_gradient_ok<nn::depthwise_conv2d<3, 2, padding::valid>, float, nn::shape<6, 7, 2>, 1>(21)));
  CHECK((conv_gradient_ok<nn::depthwise_conv2d<2, 2, padding::same>, float, nn::shape<5, 4, 3>, 2>(22)));
}

TEST_CASE("pooling gradients match finite differences (float)", "[nn][pool]") {
  CHECK((conv_gradient_ok<nn::max_pool2d<2>, float, nn::shape<4, 4, 2>, 2>(30, true)));
  CHECK((conv_gradient_ok<nn::max_pool2d<3, 2, padding::same>, float, nn::shape<5, 6, 2>, 1>(31, true)));
  CHECK((conv_gradient_ok<nn::max_pool2d<2, 1>, float, nn::shape<3, 4, 1>, 2>(32, true)));
  // 16 channels: whole vectors; 3x3 leaves the last row and column outside every window,
  // whose gradient must be zero (disjoint windows store the gradient without zeroing first).
  CHECK((conv_gradient_ok<nn::max_pool2d<2>, float, nn::shape<3, 3, 16>, 1>(36, true)));
  CHECK((conv_gradient_ok<nn::max_pool2d<3>, float, nn::shape<7, 8, 4>, 1>(37, true)));
  CHECK((conv_gradient_ok<nn::avg_pool2d<2>, float, nn::shape<4, 5, 2>, 2>(33)));
  CHECK((conv_gradient_ok<nn::avg_pool2d<3, 2, padding::same>, float, nn::shape<5, 4, 3>, 1>(34)));
  CHECK((conv_gradient_ok<nn::global_avg_pool, float, nn::shape<3, 4, 2>, 2>(35)));
}

TEST_CASE("conv and pooling forward equal the naive definitions", "[nn][conv2d]") {
  using edgeloop::test::naive_conv2d;
  using edgeloop::test::naive_pool2d;
  CHECK((forward_matches<nn::conv2d<3, 3>::bind<float, nn::shape<5, 6, 2>>>(
      40, [](const float* w, const float* x, float* y) { naive_conv2d(w, x, y, 5, 6, 2, 3, 3, 3, 1, 1, true, false); },
      1e-5L)));
  CHECK((forward_matches<nn::conv2d<2, 3, 2, padding::same>::bind<float, nn::shape<7, 6, 3>>>(
      41, [](const float* w, const float* x, float* y) { naive_conv2d(w, x, y, 7, 6, 3, 2, 3, 3, 2, 2, true, false); },
      1e-5L)));
  CHECK((forward_matches<nn::conv2d<4, 2, 1, padding::valid>::bind<float, nn::shape<4, 5, 1>>>(
      42, [](const float* w, const float* x, float* y) { naive_conv2d(w, x, y, 4, 5, 1, 4, 2, 2, 1, 1, false, false); },
      1e-5L)));
  CHECK((forward_matches<nn::conv1d<3, 5, 2, padding::same>::bind<float, nn::shape<11, 1, 2>>>(
      43, [](const float* w, const float* x, float* y) { naive_conv2d(w, x, y, 11, 1, 2, 3, 5, 1, 2, 1, true, false); },
      1e-5L)));
  CHECK((forward_matches<nn::depthwise_conv2d<3, 2, padding::same>::bind<float, nn::shape<6, 5, 3>>>(
      44, [](const float* w, const float* x, float* y) { naive_conv2d(w, x, y, 6, 5, 3, 3, 3, 3, 2, 2, true, true); },
      1e-5L)));
  CHECK((forward_matches<nn::max_pool2d<3, 2, padding::same>::bind<float, nn::shape<6, 5, 2>>>(
      45, [](const float*, const float* x, float* y) { naive_pool2d(x, y, 6, 5, 2, 3, 2, true, false); }, 0.0L)));
  CHECK((forward_matches<nn::avg_pool2d<3, 2, padding::same>::bind<float, nn::shape<6, 5, 2>>>(
      46, [](const float*, const float* x, float* y) { naive_pool2d(x, y, 6, 5, 2, 3, 2, true, true); }, 1e-6L)));
  CHECK((forward_matches<nn::max_pool2d<2>::bind<float, nn::shape<5, 5, 3>>>(
      47, [](const float*, const float* x, float* y) { naive_pool2d(x, y, 5, 5, 3, 2, 2, false, false); }, 0.0L)));
  CHECK((forward_matches<nn::max_pool2d<2>::bind<float, nn::shape<5, 5, 16>>>(
      48, [](const float*, const float* x, float* y) { naive_pool2d(x, y, 5, 5, 16, 2, 2, false, false); }, 0.0L)));
}
