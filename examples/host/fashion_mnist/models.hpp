#pragma once
// The networks of the fashion_mnist example (shared with tests/nn/test_fashion_mnist_models_host.cpp,
// which checks their compile-time memory figures against sizeof).

#include <cstddef>

#include "edgeloop/nn/conv2d.hpp"
#include "edgeloop/nn/dense.hpp"
#include "edgeloop/nn/dropout.hpp"
#include "edgeloop/nn/flatten.hpp"
#include "edgeloop/nn/learner.hpp"
#include "edgeloop/nn/max_pool2d.hpp"
#include "edgeloop/nn/relu.hpp"

namespace fashion_mnist {

namespace nn = edgeloop::nn;
constexpr std::size_t side = 28, pixels = side * side, classes = 10;
constexpr std::size_t micro_batch = 32;  // samples per forward/backward call (= the mini-batch)

/// 784-128-10, relu: 101,770 parameters.
using mlp = nn::sequential<float, nn::shape<pixels>, nn::dense<128>, nn::relu, nn::dense<classes>>;

/// conv3x3(8)-pool-conv3x3(16)-pool-dense64-dense10 with PyTorch's default (valid)
/// padding: 28x28x1 -> 26x26x8 -> 13x13x8 -> 11x11x16 -> 5x5x16 -> 64 -> 10,
/// 80 + 1,168 + 25,664 + 650 = 27,562 parameters (--model cnn-plain).
using cnn_plain = nn::sequential<float, nn::shape<side, side, 1>, nn::conv2d<8, 3, 1, nn::padding::valid>, nn::relu,
                                 nn::max_pool2d<2>, nn::conv2d<16, 3, 1, nn::padding::valid>, nn::relu,
                                 nn::max_pool2d<2>, nn::flatten, nn::dense<64>, nn::relu, nn::dense<classes>>;
/// The same 27,562 parameters with dropout 0.25 on the 400 flattened features (--model cnn-small).
using cnn_small = nn::sequential<float, nn::shape<side, side, 1>, nn::conv2d<8, 3, 1, nn::padding::valid>, nn::relu,
                           nn::max_pool2d<2>, nn::conv2d<16, 3, 1, nn::padding::valid>, nn::relu, nn::max_pool2d<2>,
                           nn::flatten, nn::dropout<0.25f>, nn::dense<64>, nn::relu, nn::dense<classes>>;
/// --model cnn: conv3x3(16)-relu-pool-conv3x3(32)-relu-pool-dropout(0.25)-dense32-dense10,
/// valid padding: 28x28x1 -> 26x26x16 -> 13x13x16 -> 11x11x32 -> 5x5x32 -> 32 -> 10,
/// 160 + 4,640 + 25,632 + 330 = 30,762 parameters. Each relu comes after its max pool:
/// the same function with the same gradients (relu is monotone, so relu(max) = max(relu),
/// and both send a window's gradient to the same position or nowhere), on a quarter of
/// the values.
using cnn = nn::sequential<float, nn::shape<side, side, 1>, nn::conv2d<16, 3, 1, nn::padding::valid>,
                           nn::max_pool2d<2>, nn::relu, nn::conv2d<32, 3, 1, nn::padding::valid>, nn::max_pool2d<2>,
                           nn::relu, nn::flatten, nn::dropout<0.25f>, nn::dense<32>, nn::relu, nn::dense<classes>>;
using mlp_classifier = nn::classifier<mlp, nn::adam, micro_batch>;
using cnn_classifier = nn::classifier<cnn, nn::adam, micro_batch>;
using cnn_small_classifier = nn::classifier<cnn_small, nn::adam, micro_batch>;
using cnn_plain_classifier = nn::classifier<cnn_plain, nn::adam, micro_batch>;

}  // namespace fashion_mnist
