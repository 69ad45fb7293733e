// Batch-size-1 training updates each layer as soon as its gradient is known
// (sequential::backward_apply: dense rows straight from the outer product, other layers
// through the gradient block). It must give the same bits as the general path, which
// stores the whole gradient and then steps: train_minibatch over one sample at a time.
#include <array>
#include <cstddef>
#include <cstdint>
#include <new>
#include <span>

#include "edgeloop/core/rng.hpp"
#include "edgeloop/nn/adam.hpp"
#include "edgeloop/nn/conv2d.hpp"
#include "edgeloop/nn/dense.hpp"
#include "edgeloop/nn/dropout.hpp"
#include "edgeloop/nn/flatten.hpp"
#include "edgeloop/nn/learner.hpp"
#include "edgeloop/nn/relu.hpp"
#include "edgeloop/nn/sgd.hpp"
#include "edgeloop/nn/tanh.hpp"
#include "support/test.hpp"

namespace nn = edgeloop::nn;
using edgeloop::status;

namespace {

using mlp = nn::sequential<float, nn::shape<5>, nn::dense<6>, nn::relu, nn::dropout<0.25f>, nn::dense<7>, nn::tanh,
                           nn::dense<3>>;
using cnn = nn::sequential<float, nn::shape<5, 5, 1>, nn::conv2d<2, 3, 1, nn::padding::valid>, nn::relu, nn::flatten,
                           nn::dense<3>>;
constexpr std::size_t samples = 40;

// The two learners of every case live in one shared static arena (board RAM). Slots are a
// multiple of 16 bytes so that each keeps the arena's alignment.
constexpr std::size_t slot_bytes = 2112;
static_assert(slot_bytes % 16 == 0);
alignas(16) unsigned char arena[3][slot_bytes];

/// Trains a (partial_fit, batch_size 1) and b (train_minibatch of one sample) on the same
/// random samples; returns whether weights and optimizer state are the same bits.
template <class Model>
bool same_as_stored_gradient(const typename Model::params& p, std::uint64_t data_seed) {
  static_assert(sizeof(Model) <= slot_bytes, "slot too small");
  Model& a = *new (arena[0]) Model(p);
  Model& b = *new (arena[1]) Model(p);
  edgeloop::rng r(data_seed);
  std::array<typename Model::input_type, 1> x;
  std::array<edgeloop::class_label, 1> y;
  const nn::span_dataset<typename Model::input_type, edgeloop::class_label> one_sample{x, y};
  const std::array<std::uint16_t, 1> first{0};
  for (std::size_t i = 0; i < samples; ++i) {
    for (auto& v : x[0]) v = r.uniform<float>() < 0.3f ? 0.0f : r.uniform<float>(-1.0f, 1.0f);
    y[0] = static_cast<edgeloop::class_label>(r.uniform_int(3u));
    if (a.partial_fit(x[0], y[0]) != status::ok) return false;
    nn::batch_result<float> out{};
    if (b.train_minibatch(one_sample, std::span<const std::uint16_t>(first), out) != status::ok) return false;
  }
  static_assert(sizeof(typename Model::state_type) <= slot_bytes, "slot too small");
  const auto& sa = *new (arena[2]) typename Model::state_type(a.state());
  return a.updates() == samples && b.updates() == samples && edgeloop::test::same_bytes(a.network(), b.network()) &&
         edgeloop::test::same_bytes(sa.optimizer, b.state().optimizer) &&
         edgeloop::test::same_bytes(sa.gradient, b.state().gradient) &&
         !edgeloop::test::same_bytes(a.network(), typename Model::network_type(p.seed));  // it learnt
}

}  // namespace

TEST_CASE("backward_apply: batch-1 Adam updates equal the stored-gradient path bit for bit", "[nn][learner]") {
  using model = nn::classifier<mlp, nn::adam, 1>;
  model::params p;
  p.optimizer.learning_rate = 0.01f;
  p.seed = 5;
  CHECK(same_as_stored_gradient<model>(p, 11));
  p.optimizer.weight_decay = 0.01f;  // coupled (L2 in the gradient)
  CHECK(same_as_stored_gradient<model>(p, 12));
  p.optimizer.decoupled_weight_decay = true;
  CHECK(same_as_stored_gradient<model>(p, 13));
}

TEST_CASE("backward_apply: batch-1 SGD with momentum equals the stored-gradient path", "[nn][learner]") {
  using model = nn::classifier<mlp, nn::sgd, 1>;
  model::params p;
  p.optimizer.learning_rate = 0.05f;
  p.optimizer.momentum = 0.9f;
  p.optimizer.weight_decay = 0.001f;
  p.seed = 6;
  CHECK(same_as_stored_gradient<model>(p, 21));
  p.optimizer.nesterov = true;
  CHECK(same_as_stored_gradient<model>(p, 22));
}

TEST_CASE("backward_apply: a convolution (gradient through the block) then dense", "[nn][learner]") {
  using model = nn::classifier<cnn, nn::adam, 1>;
  model::params p;
  p.optimizer.learning_rate = 0.01f;
  p.seed = 7;
  CHECK(same_as_stored_gradient<model>(p, 31));
}
