// An MLP 16-32-4 (ReLU, softmax cross-entropy, SGD with momentum 0.9, one sample per
// step) on the boards: instructions per forward pass (predict), per training step
// (partial_fit: forward with saved activations, backward, momentum update) and the
// difference, backward + update, measured in the same run; RAM is the learner's
// memory_bytes (weights, gradient, velocity, scratch). Inputs: 32 feature vectors of four
// separated classes, prepared outside the measurement.
#include <array>
#include <cstdint>
#include <new>

#include "edgeloop/core/rng.hpp"
#include "edgeloop/nn/dense.hpp"
#include "edgeloop/nn/learner.hpp"
#include "edgeloop/nn/relu.hpp"
#include "edgeloop/nn/sgd.hpp"
#include "target_bench.hpp"

namespace {
namespace nn = edgeloop::nn;
using mlp = nn::classifier<nn::sequential<float, nn::shape<16>, nn::dense<32>, nn::relu, nn::dense<4>>, nn::sgd>;
constexpr std::uint32_t mlp_rows = 32;
std::array<float, 16> mlp_x[mlp_rows];
edgeloop::class_label mlp_y[mlp_rows];

mlp& fresh_mlp() {
  static mlp model;
  mlp::params p;
  p.optimizer.learning_rate = 0.02f;
  p.optimizer.momentum = 0.9f;
  model.~mlp();  // rebuilt in place: a temporary would not fit the Cortex-M0's stack
  new (&model) mlp(p);
  edgeloop::rng r(5);
  for (std::uint32_t i = 0; i < mlp_rows; ++i) {
    mlp_y[i] = static_cast<edgeloop::class_label>(i % 4u);
    for (std::size_t j = 0; j < 16; ++j)
      mlp_x[i][j] = r.uniform<float>(0.0f, 1.0f) + (j % 4u == mlp_y[i] ? 1.0f : 0.0f);
  }
  return model;
}

std::uint64_t forward_instructions(const mlp& model) {
  return edgeloop::bench::measure([&] {
    for (std::uint32_t i = 0; i < mlp_rows; ++i) edgeloop::bench::do_not_optimize(model.predict(mlp_x[i]));
  });
}
std::uint64_t train_instructions(mlp& model) {
  return edgeloop::bench::measure([&] {
    for (std::uint32_t i = 0; i < mlp_rows; ++i) edgeloop::bench::do_not_optimize(model.partial_fit(mlp_x[i], mlp_y[i]));
  });
}
}  // namespace

TARGET_BENCH("mlp", "16_32_4_forward") {
  mlp& model = fresh_mlp();
  edgeloop::bench::report(state, forward_instructions(model), "sample", mlp_rows, mlp::memory_bytes);
}

TARGET_BENCH("mlp", "16_32_4_train_step") {
  mlp& model = fresh_mlp();
  edgeloop::bench::report(state, train_instructions(model), "sample", mlp_rows, mlp::memory_bytes);
}

TARGET_BENCH("mlp", "16_32_4_backward_update") {
  mlp& model = fresh_mlp();
  const std::uint64_t forward = forward_instructions(model);
  const std::uint64_t train = train_instructions(model);
  edgeloop::bench::report(state, train > forward ? train - forward : 0, "sample", mlp_rows, mlp::memory_bytes);
}
