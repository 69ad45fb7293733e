// Convolution and pooling layers, host only: gradients in double (< 1e-8) and larger float
// layers that exercise the vector kernels' blocks (8-pixel blocks, several vectors per
// filter row, filter counts that are not powers of two, transposed-weight chunks).
#include <array>

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
using edgeloop::test::naive_conv2d;
using nn::padding;

TEST_CASE("conv layers: gradients match finite differences (double)", "[nn][conv2d]") {
  CHECK((conv_gradient_ok<nn::conv2d<3, 3>, double, nn::shape<5, 5, 2>, 2>(1)));
  CHECK((conv_gradient_ok<nn::conv2d<2, 3, 2>, double, nn::shape<6, 5, 3>, 2>(2)));
  CHECK((conv_gradient_ok<nn::conv2d<4, 2, 2, padding::valid>, double, nn::shape<5, 4, 1>, 2>(3)));
  CHECK((conv_gradient_ok<nn::conv2d<6, 3, 1, padding::valid>, double, nn::shape<6, 12, 3>, 1>(4)));
  CHECK((conv_gradient_ok<nn::conv2d<5, 5, 3, padding::same>, double, nn::shape<9, 8, 2>, 1>(5)));
  CHECK((conv_gradient_ok<nn::conv1d<3, 3>, double, nn::shape<7, 1, 2>, 2>(10)));
  CHECK((conv_gradient_ok<nn::conv1d<2, 4, 2, padding::valid>, double, nn::shape<9, 1, 3>, 1>(11)));
  CHECK((conv_gradient_ok<nn::depthwise_conv2d<3>, double, nn::shape<5, 5, 3>, 2>(20)));
  CHECK((conv_gradient_ok<nn::depthwise_conv2d<3, 2, padding::valid>, double, nn::shape<6, 7, 2>, 1>(21)));
  CHECK((conv_gradient_ok<nn::max_pool2d<2>, double, nn::shape<4, 4, 2>, 2>(30, true)));
  CHECK((conv_gradient_ok<nn::max_pool2d<3, 2, padding::same>, double, nn::shape<5, 6, 2>, 1>(31, true)));
  CHECK((conv_gradient_ok<nn::avg_pool2d<3, 2, padding::same>, double, nn::shape<5, 4, 3>, 2>(34)));
  CHECK((conv_gradient_ok<nn::global_avg_pool, double, nn::shape<3, 4, 2>, 2>(35)));
}

TEST_CASE("conv2d: larger layers (vector blocks) against finite differences and the naive forward",
          "[nn][conv2d]") {
  // 16 filters: one 16-lane vector, blocks of 8 pixels, taps in blocks of 8.
  CHECK((conv_gradient_ok<nn::conv2d<16, 3, 1, padding::valid>, float, nn::shape<12, 13, 8>, 1>(50)));
  CHECK((conv_gradient_ok<nn::conv2d<16, 3>, double, nn::shape<11, 12, 8>, 1>(51)));
  // 24 filters (8-lane vectors, three per row), 32 filters with stride 2 and same padding.
  CHECK((conv_gradient_ok<nn::conv2d<24, 3>, float, nn::shape<10, 11, 4>, 1>(52)));
  CHECK((conv_gradient_ok<nn::conv2d<32, 3, 2, padding::same>, float, nn::shape<9, 10, 5>, 1>(53)));
  // C * F > 1,024: the transposed weights go in chunks of filters.
  CHECK((conv_gradient_ok<nn::conv2d<36, 3>, double, nn::shape<4, 4, 40>, 1>(54)));
  CHECK((forward_matches<nn::conv2d<16, 3, 1, padding::valid>::bind<float, nn::shape<13, 13, 8>>>(
      55, [](const float* w, const float* x, float* y) { naive_conv2d(w, x, y, 13, 13, 8, 16, 3, 3, 1, 1, false, false); },
      1e-4L)));
  CHECK((forward_matches<nn::conv2d<24, 5, 2>::bind<double, nn::shape<17, 12, 3>>>(
      56, [](const double* w, const double* x, double* y) { naive_conv2d(w, x, y, 17, 12, 3, 24, 5, 5, 2, 2, true, false); },
      1e-12L)));
}
