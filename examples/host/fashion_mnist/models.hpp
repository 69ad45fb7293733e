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
/// The same 27,562 parameters with dropout 0.25 on the 400 flattened features (--model cnn).
using cnn = nn::sequential<float, nn::shape<side, side, 1>, nn::conv2d<8, 3, 1, nn::padding::valid>, nn::relu,
                           nn::max_pool2d<2>, nn::conv2d<16, 3, 1, nn::padding::valid>, nn::relu, nn::max_pool2d<2>,
                           nn::flatten, nn::dropout<0.25f>, nn::dense<64>, nn::relu, nn::dense<classes>>;
/// Wider: conv3x3(16)-pool-conv3x3(32)-pool-dropout(0.25)-dense32-dense10, valid padding:
/// 160 + 4,640 + 25,632 + 330 = 30,762 parameters (--model cnn-wide).
using cnn_wide = nn::sequential<float, nn::shape<side, side, 1>, nn::conv2d<16, 3, 1, nn::padding::valid>, nn::relu,
                                nn::max_pool2d<2>, nn::conv2d<32, 3, 1, nn::padding::valid>, nn::relu,
                                nn::max_pool2d<2>, nn::flatten, nn::dropout<0.25f>, nn::dense<32>, nn::relu,
                                nn::dense<classes>>;
/// Experiment: dropout 0.25 also after dense64 (--model cnn-d2).
using cnn_d2 = nn::sequential<float, nn::shape<side, side, 1>, nn::conv2d<8, 3, 1, nn::padding::valid>, nn::relu,
                              nn::max_pool2d<2>, nn::conv2d<16, 3, 1, nn::padding::valid>, nn::relu, nn::max_pool2d<2>,
                              nn::flatten, nn::dropout<0.25f>, nn::dense<64>, nn::relu, nn::dropout<0.25f>,
                              nn::dense<classes>>;

using mlp_classifier = nn::classifier<mlp, nn::adam, micro_batch>;
using cnn_classifier = nn::classifier<cnn, nn::adam, micro_batch>;
using cnn_plain_classifier = nn::classifier<cnn_plain, nn::adam, micro_batch>;
using cnn_wide_classifier = nn::classifier<cnn_wide, nn::adam, micro_batch>;
using cnn_d2_classifier = nn::classifier<cnn_d2, nn::adam, micro_batch>;

}  // namespace fashion_mnist
