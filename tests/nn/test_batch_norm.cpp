// batch_norm: gradient through the batch statistics against central finite differences
// (float; double in test_batch_norm_host.cpp), training output normalised per feature,
// inference with the stored statistics against the formula, calibration against two-pass
// statistics of the layer input, and folding into the preceding conv2d/dense/depthwise:
// the folded network's output equals the unfolded network's inference output.
#include <array>
#include <cmath>

#include "edgeloop/nn/batch_norm.hpp"
#include "edgeloop/nn/conv2d.hpp"
#include "edgeloop/nn/dense.hpp"
#include "edgeloop/nn/depthwise_conv2d.hpp"
#include "edgeloop/nn/flatten.hpp"
#include "edgeloop/nn/learner.hpp"
#include "edgeloop/nn/relu.hpp"
#include "edgeloop/nn/tanh.hpp"
#include "nn/conv_test_support.hpp"
#include "support/test.hpp"

namespace nn = edgeloop::nn;
using edgeloop::test::conv_gradient_ok;

TEST_CASE("batch_norm gradient matches finite differences (float)", "[nn][batch_norm]") {
  CHECK((conv_gradient_ok<nn::batch_norm<>, float, nn::shape<3, 3, 2>, 3>(1)));
  CHECK((conv_gradient_ok<nn::batch_norm<>, float, nn::shape<5>, 4>(2)));
  CHECK((conv_gradient_ok<nn::batch_norm<1e-3f>, float, nn::shape<2, 4, 3>, 2>(3)));
  CHECK((conv_gradient_ok<nn::batch_norm<>, float, nn::shape<6, 1, 2>, 1>(4)));  // one sample, 6 positions
}

TEST_CASE("batch_norm: training normalises each feature, inference uses the stored statistics", "[nn][batch_norm]") {
  using L = nn::batch_norm<>::bind<double, nn::shape<2, 2, 3>>;
  STATIC_REQUIRE(L::features == 3);
  STATIC_REQUIRE(L::param_count == 12);
  STATIC_REQUIRE(nn::batch_norm<>::bind<float, nn::shape<7>>::features == 7);
  std::array<double, 12> p{1.5, 0.5, 2.0, 0.1, -0.2, 0.3, 0.4, -1.0, 2.0, 2.0, 0.5, 3.0};
  std::array<double, 4 * 12> x{}, y{};
  edgeloop::rng r(3);
  for (auto& v : x) v = r.uniform<double>(-2.0, 5.0);
  L::forward_train(p.data(), x.data(), y.data(), nullptr, 4, r);
  for (std::size_t f = 0; f < 3; ++f) {
    double mean = 0, var = 0;
    for (std::size_t i = 0; i < 16; ++i) mean += y[i * 3 + f] / 16;
    for (std::size_t i = 0; i < 16; ++i) var += (y[i * 3 + f] - mean) * (y[i * 3 + f] - mean) / 16;
    CHECK(edgeloop::test::close(mean, p[3 + f], 1e-12, 1e-12));
    // variance gamma^2 * v / (v + eps): within eps of gamma^2 for v ~ 4
    CHECK(edgeloop::test::close(var, p[f] * p[f], 1e-5));
  }
  L::forward(p.data(), x.data(), y.data(), 4);
  for (std::size_t i = 0; i < 16; ++i)
    for (std::size_t f = 0; f < 3; ++f)
      CHECK(edgeloop::test::close(y[i * 3 + f], p[f] * (x[i * 3 + f] - p[6 + f]) / std::sqrt(p[9 + f] + 1e-5) + p[3 + f],
                                  1e-6, 1e-6));
}

namespace {
using bn_net = nn::sequential<float, nn::shape<5, 5, 2>, nn::conv2d<3, 3>, nn::batch_norm<>, nn::relu,
                              nn::depthwise_conv2d<3, 2>, nn::batch_norm<>, nn::flatten, nn::dense<4>,
                              nn::batch_norm<>, nn::tanh, nn::dense<2>>;
using folded_net = nn::sequential<float, nn::shape<5, 5, 2>, nn::conv2d<3, 3>, nn::relu, nn::depthwise_conv2d<3, 2>,
                                  nn::flatten, nn::dense<4>, nn::tanh, nn::dense<2>>;
struct inputs {
  std::array<std::array<float, 50>, 6> x;
  std::size_t size() const { return x.size(); }
  const std::array<float, 50>& input(std::size_t i) const { return x[i]; }
};
}  // namespace

TEST_CASE("batch_norm: calibration gives the statistics of the layer input", "[nn][batch_norm]") {
  static bn_net net(4);
  static inputs data;
  edgeloop::rng r(5);
  for (auto& s : data.x)
    for (auto& v : s) v = r.uniform<float>(-1.0f, 2.0f);
  std::array<float, bn_net::inference_scratch_size> scratch{};
  REQUIRE(nn::calibrate_batch_norm(net, data, std::span<float>(scratch)) == edgeloop::status::ok);
  // Layer 1 normalises the conv output (3 channels over 6 samples x 25 positions).
  using conv = bn_net::layer<0>;
  std::array<float, 75> y{};
  long double mean[3] = {}, var[3] = {};
  for (const auto& s : data.x) {
    conv::forward(net.parameters().data(), s.data(), y.data(), 1);
    for (std::size_t i = 0; i < 25; ++i)
      for (std::size_t f = 0; f < 3; ++f) mean[f] += y[i * 3 + f] / 150.0L;
  }
  for (const auto& s : data.x) {
    conv::forward(net.parameters().data(), s.data(), y.data(), 1);
    for (std::size_t i = 0; i < 25; ++i)
      for (std::size_t f = 0; f < 3; ++f) var[f] += (y[i * 3 + f] - mean[f]) * (y[i * 3 + f] - mean[f]) / 150.0L;
  }
  const float* bn = net.parameters().data() + bn_net::param_offsets[1];
  for (std::size_t f = 0; f < 3; ++f) {
    CHECK(edgeloop::test::close(bn[6 + f], mean[f], 1e-4L, 1e-5L));
    CHECK(edgeloop::test::close(bn[9 + f], var[f], 1e-4L, 1e-5L));
  }
  // Bad input: nothing changed.
  const bn_net before = net;
  data.x[2][7] = NAN;
  CHECK(nn::calibrate_batch_norm(net, data, std::span<float>(scratch)) == edgeloop::status::non_finite_input);
  CHECK(edgeloop::test::same_bytes(before, net));
}

TEST_CASE("batch_norm: folded network equals the unfolded inference output", "[nn][batch_norm]") {
  static bn_net net(7);
  static folded_net folded(1);
  edgeloop::rng r(8);
  // Non-trivial statistics and affine parameters in every batch_norm layer.
  for (std::size_t layer : {std::size_t{1}, std::size_t{4}, std::size_t{7}}) {
    const std::size_t f = (bn_net::param_offsets[layer + 1] - bn_net::param_offsets[layer]) / 4;
    float* p = net.parameters().data() + bn_net::param_offsets[layer];
    for (std::size_t i = 0; i < f; ++i) {
      p[i] = r.uniform<float>(0.5f, 2.0f);
      p[f + i] = r.uniform<float>(-0.5f, 0.5f);
      p[2 * f + i] = r.uniform<float>(-0.3f, 0.3f);
      p[3 * f + i] = r.uniform<float>(0.2f, 3.0f);
    }
  }
  const float* src = net.parameters().data();
  float* dst = folded.parameters().data();
  nn::fold_batch_norm<bn_net::layer<0>, bn_net::layer<1>>(src + bn_net::param_offsets[0], src + bn_net::param_offsets[1],
                                                          dst + folded_net::param_offsets[0]);
  nn::fold_batch_norm<bn_net::layer<3>, bn_net::layer<4>>(src + bn_net::param_offsets[3], src + bn_net::param_offsets[4],
                                                          dst + folded_net::param_offsets[2]);
  nn::fold_batch_norm<bn_net::layer<6>, bn_net::layer<7>>(src + bn_net::param_offsets[6], src + bn_net::param_offsets[7],
                                                          dst + folded_net::param_offsets[4]);
  for (std::size_t i = 0; i < folded_net::layer<6>::param_count; ++i)
    dst[folded_net::param_offsets[6] + i] = src[bn_net::param_offsets[9] + i];
  for (int k = 0; k < 5; ++k) {
    bn_net::input_type x;
    for (auto& v : x) v = r.uniform<float>(-1.0f, 1.0f);
    CHECK(edgeloop::test::all_close(net.forward(x), folded.forward(x), 1e-5L, 1e-5L));
  }
}
