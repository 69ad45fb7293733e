// sequential: compile-time memory constants against sizeof and hand counts, whole-network
// gradients (with each loss, one and several samples) against central differences,
// initialisers against their definition.
#include <array>
#include <cmath>
#include <type_traits>

#include "edgeloop/nn/dense.hpp"
#include "edgeloop/nn/dropout.hpp"
#include "edgeloop/nn/flatten.hpp"
#include "edgeloop/nn/huber.hpp"
#include "edgeloop/nn/leaky_relu.hpp"
#include "edgeloop/nn/learner.hpp"
#include "edgeloop/nn/mse.hpp"
#include "edgeloop/nn/relu.hpp"
#include "edgeloop/nn/sequential.hpp"
#include "edgeloop/nn/sgd.hpp"
#include "edgeloop/nn/sigmoid.hpp"
#include "edgeloop/nn/softmax_cross_entropy.hpp"
#include "edgeloop/nn/tanh.hpp"
#include "nn/nn_test_support.hpp"
#include "support/test.hpp"

namespace nn = edgeloop::nn;

TEST_CASE("sequential: compile-time memory", "[nn][sequential]") {
  using net = nn::sequential<float, nn::shape<4>, nn::dense<8>, nn::relu, nn::dropout<0.5f>, nn::dense<3>>;
  STATIC_REQUIRE(net::param_count == (4 * 8 + 8) + (8 * 3 + 3));
  STATIC_REQUIRE(sizeof(net) == net::param_count * sizeof(float));
  STATIC_REQUIRE(net::parameter_bytes == sizeof(net));
  // outputs 8 (even), 8 (odd), 8 (even), 3 (odd): buffers 8 + 8
  STATIC_REQUIRE(net::inference_scratch_size == 16);
  STATIC_REQUIRE(net::inference_bytes == (67 + 16) * sizeof(float));
  // saved: outputs 8 + 8 + 8 + 3, dropout mask 8, per sample
  STATIC_REQUIRE(net::saved_size<1> == 35);
  STATIC_REQUIRE(net::saved_size<4> == 140);
  STATIC_REQUIRE(net::gradient_scratch_size<4> == 64);
  STATIC_REQUIRE(std::is_same_v<net::output_shape, nn::shape<3>>);

  using adam_clf = nn::classifier<net, nn::adam, 1>;
  // gradient 67 + Adam 2 * 67 + 2 + saved 35 + gradient scratch 16
  STATIC_REQUIRE(adam_clf::training_bytes == (67 + 136 + 35 + 16) * sizeof(float));
  // The object holds exactly the weights and training buffers plus hyper-parameters,
  // counters and the rng.
  STATIC_REQUIRE(sizeof(adam_clf) >= adam_clf::training_bytes + net::parameter_bytes);
  STATIC_REQUIRE(sizeof(adam_clf) <= adam_clf::training_bytes + net::parameter_bytes + 128);
  STATIC_REQUIRE(adam_clf::memory_bytes == sizeof(adam_clf));
  using sgd_clf = nn::classifier<net, nn::sgd, 4>;
  // gradient 67 + velocity 67 + saved 140 + gradient scratch 64 + gathered inputs 16
  STATIC_REQUIRE(sgd_clf::training_bytes == (67 + 67 + 140 + 64 + 16) * sizeof(float));
  STATIC_REQUIRE(sizeof(sgd_clf) >= sgd_clf::training_bytes + net::parameter_bytes);
  STATIC_REQUIRE(sizeof(sgd_clf) <= sgd_clf::training_bytes + net::parameter_bytes + 128);

  using image_net = nn::sequential<float, nn::shape<3, 3, 2>, nn::flatten, nn::dense<4>, nn::tanh, nn::dense<2>>;
  STATIC_REQUIRE(image_net::param_count == 18 * 4 + 4 + 4 * 2 + 2);
  STATIC_REQUIRE(image_net::inference_scratch_size == 18 + 4);
}

namespace {

/// f(w) = sum over n samples of the loss; backward's gradient against central differences.
template <class Net, class Loss, std::size_t N>
long double network_gradient_error(std::uint64_t seed, typename Net::scalar_type h) {
  using S = typename Net::scalar_type;
  using L = typename Loss::template bind<S, Net::output_size>;
  // On the stack (a few hundred bytes each; one check at a time).
  Net net;
  std::array<typename Net::input_type, N> x;
  std::array<typename L::target_type, N> y;
  std::array<S, Net::template saved_size<N>> saved;
  std::array<S, Net::template gradient_scratch_size<N>> scratch;
  std::array<S, Net::param_count> grad;
  std::array<long double, Net::param_count> fd;
  edgeloop::rng r(seed);
  net.initialize(r);
  for (auto& v : net.parameters()) v += r.uniform<S>(S(-0.1), S(0.1));
  for (auto& xi : x)
    for (auto& v : xi) v = edgeloop::test::kink_free_value(r, S(2));
  for (std::size_t k = 0; k < N; ++k) {
    if constexpr (std::is_same_v<typename L::target_type, edgeloop::class_label>)
      y[k] = static_cast<edgeloop::class_label>(r.uniform_int(Net::output_size));
    else
      for (auto& v : y[k]) v = r.uniform<S>(S(-1), S(1));
  }
  std::array<S, N * Net::input_size> columns;
  for (std::size_t k = 0; k < N; ++k)
    for (std::size_t j = 0; j < Net::input_size; ++j) columns[k * Net::input_size + j] = x[k][j];
  auto total_loss = [&]() {
    edgeloop::rng dr(7);
    const S* z = net.template forward_train<N>(columns.data(), saved.data(), N, dr);
    long double sum = 0;
    for (std::size_t k = 0; k < N; ++k) sum += L::loss(z + k * Net::output_size, y[k]);
    return sum;
  };
  edgeloop::rng dr(7);
  const S* z = net.template forward_train<N>(columns.data(), saved.data(), N, dr);
  S* g = Net::template output_gradient<N>(scratch.data());
  for (std::size_t k = 0; k < N; ++k) L::loss_gradient(z + k * Net::output_size, y[k], g + k * Net::output_size);
  grad.fill(S(0));
  net.template backward<N>(columns.data(), saved.data(), scratch.data(), grad.data(), N);
  for (std::size_t i = 0; i < Net::param_count; ++i) {
    S& w = net.parameters()[i];
    const S keep = w;
    w = keep + h;
    const long double up = total_loss();
    w = keep - h;
    const long double down = total_loss();
    w = keep;
    fd[i] = (up - down) / (2 * static_cast<long double>(h));
  }
  return edgeloop::test::relative_error(grad, fd, Net::param_count);
}

}  // namespace

TEST_CASE("sequential: whole-network gradients match finite differences", "[nn][sequential]") {
  using net_d = nn::sequential<double, nn::shape<2, 2, 1>, nn::flatten, nn::dense<5>, nn::tanh, nn::dense<4>, nn::sigmoid,
                               nn::dense<3>>;
  CHECK((network_gradient_error<net_d, nn::softmax_cross_entropy, 1>(1, 1e-5) < 1e-8L));
  CHECK((network_gradient_error<net_d, nn::softmax_cross_entropy, 3>(2, 1e-5) < 1e-8L));
  CHECK((network_gradient_error<net_d, nn::mse, 2>(3, 1e-5) < 1e-8L));
  // Float: smooth activations (central differences with h = 1e-2 would straddle the
  // kinks of relu at hidden units); relu and leaky_relu are checked in double below and,
  // away from their kinks, in float in test_layers.cpp.
  using net_f = nn::sequential<float, nn::shape<3>, nn::dense<6>, nn::tanh, nn::dropout<0.3f>, nn::dense<5>,
                               nn::sigmoid, nn::dense<2>>;
  CHECK((network_gradient_error<net_f, nn::softmax_cross_entropy, 1>(4, 1e-2f) < 1e-3L));
  CHECK((network_gradient_error<net_f, nn::softmax_cross_entropy, 4>(5, 1e-2f) < 1e-3L));
  CHECK((network_gradient_error<net_f, nn::huber<0.5f>, 2>(6, 1e-2f) < 1e-3L));
  using net_r = nn::sequential<double, nn::shape<3>, nn::dense<6>, nn::leaky_relu<0.1f>, nn::dropout<0.3f>, nn::dense<5>,
                               nn::relu, nn::dense<2>>;
  CHECK((network_gradient_error<net_r, nn::softmax_cross_entropy, 4>(7, 1e-6) < 1e-8L));
  CHECK((network_gradient_error<net_r, nn::huber<4.0f>, 2>(8, 1e-6) < 1e-8L));
}

TEST_CASE("sequential: forward of one sample equals the batched forward", "[nn][sequential]") {
  using net = nn::sequential<float, nn::shape<5>, nn::dense<7>, nn::relu, nn::dense<3>>;
  static net a(11);
  std::array<float, 15> x{};
  edgeloop::rng r(2);
  for (auto& v : x) v = r.uniform<float>(-1.0f, 1.0f);
  std::array<float, 9> y{};
  std::array<float, 3 * net::inference_scratch_size> scratch{};
  a.forward(x.data(), y.data(), 3, scratch.data());
  for (std::size_t k = 0; k < 3; ++k) {
    net::input_type xi{};
    for (std::size_t j = 0; j < 5; ++j) xi[j] = x[k * 5 + j];
    const auto yi = a.forward(xi);
    CHECK(edgeloop::test::all_close(yi, std::array<float, 3>{y[k * 3], y[k * 3 + 1], y[k * 3 + 2]}, 1e-5L, 1e-6L));
  }
}

TEST_CASE("initialisers: He and Glorot uniform from edgeloop::rng", "[nn][initializer]") {
  static std::array<float, 200> w{};
  edgeloop::rng r(9);
  nn::initialize_weights(w.data(), w.size(), 20, 10, nn::initializer::he_uniform, r);
  const float a = std::sqrt(6.0f / 20.0f);
  edgeloop::rng check(9);
  bool same = true, inside = true;
  float lo = 1, hi = -1;
  for (const float v : w) {
    if (v != check.uniform<float>(-a, a)) same = false;
    if (!(v >= -a && v < a)) inside = false;
    lo = v < lo ? v : lo;
    hi = v > hi ? v : hi;
  }
  CHECK(same);
  CHECK(inside);
  CHECK(lo < -0.8f * a);  // spread over the interval
  CHECK(hi > 0.8f * a);
  nn::initialize_weights(w.data(), w.size(), 20, 10, nn::initializer::glorot_uniform, r);
  const float b = std::sqrt(6.0f / 30.0f);
  inside = true;
  for (const float v : w)
    if (!(v >= -b && v < b)) inside = false;
  CHECK(inside);
  // Same seed, same network, bit for bit; biases start at zero.
  using net = nn::sequential<float, nn::shape<3>, nn::dense<4>, nn::relu, nn::dense<2>>;
  static net n1(5), n2(5), n3(6);
  CHECK(edgeloop::test::same_bytes(n1, n2));
  CHECK_FALSE(edgeloop::test::same_bytes(n1, n3));
  CHECK(n1.parameters()[12] == 0.0f);
  CHECK(n1.parameters()[15] == 0.0f);
}
