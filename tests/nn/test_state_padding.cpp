// Persisted states of the networks' learners, optimizers, schedules and pruning masks have
// no padding bytes (whose value would be undefined in artifact payloads and their
// digests), in float and double; and a state depends only on what was learned, not on the
// bytes the learner's memory held before.

#include <array>
#include <cstdint>
#include <cstring>
#include <new>

#include "edgeloop/nn/adam.hpp"
#include "edgeloop/nn/dense.hpp"
#include "edgeloop/nn/learner.hpp"
#include "edgeloop/nn/lr_schedule.hpp"
#include "edgeloop/nn/magnitude_pruning.hpp"
#include "edgeloop/nn/pruned_learner.hpp"
#include "edgeloop/nn/pruning_schedule.hpp"
#include "edgeloop/nn/relu.hpp"
#include "edgeloop/nn/sequential.hpp"
#include "edgeloop/nn/sgd.hpp"
#include "support/padding.hpp"
#include "support/test.hpp"

namespace nn = edgeloop::nn;
using edgeloop::test::same_bytes;

namespace {
// 6-5-3: 45 prunable weights, a 6-byte mask (not a multiple of 4); 4-3-2: 18 weights, 3 bytes.
template <class S>
using mlp = nn::sequential<S, nn::shape<6>, nn::dense<5>, nn::relu, nn::dense<3>>;
template <class S>
using small = nn::sequential<S, nn::shape<4>, nn::dense<3>, nn::relu, nn::dense<2>>;
}  // namespace

#if EDGELOOP_TEST_HAS_PADDING_CHECK
using edgeloop::test::padding_bytes;

namespace {
template <class S>
void check_no_padding() {
  CHECK(padding_bytes<typename nn::adam::bind<S, 10>::params>() == 0u);
  CHECK(padding_bytes<typename nn::sgd::bind<S, 10>::params>() == 0u);
  CHECK(padding_bytes<nn::lr_schedule<S>>() == 0u);
  CHECK(padding_bytes<nn::pruning_schedule<S>>() == 0u);
  CHECK(padding_bytes<typename nn::magnitude_pruning<mlp<S>>::state_type>() == 0u);
  CHECK(padding_bytes<typename nn::magnitude_pruning<small<S>>::state_type>() == 0u);
  CHECK(padding_bytes<typename nn::classifier<mlp<S>, nn::adam, 1>::state_type>() == 0u);
  CHECK(padding_bytes<typename nn::classifier<small<S>, nn::sgd, 2>::state_type>() == 0u);
  CHECK(padding_bytes<typename nn::pruned_learner<nn::classifier<mlp<S>, nn::adam, 1>>::state_type>() == 0u);
  CHECK(padding_bytes<typename nn::pruned_learner<nn::classifier<small<S>, nn::sgd, 1>>::state_type>() == 0u);
}
}  // namespace

TEST_CASE("network learner, optimizer and pruning states have no padding bytes", "[nn][persist]") {
  check_no_padding<float>();
  check_no_padding<double>();
}
#endif

namespace {
/// Builds a Model in memory first filled with `fill`, trains it on a fixed stream and
/// returns its state.
template <class Model>
typename Model::state_type state_after_training(unsigned char fill) {
  alignas(Model) static unsigned char storage[sizeof(Model)];
  std::memset(storage, fill, sizeof storage);
  Model* m = new (storage) Model(typename Model::params{});
  for (int i = 0; i < 20; ++i) {
    const float v = static_cast<float>(i % 7) - 3.0f;
    typename Model::input_type x{};
    for (std::size_t j = 0; j < x.size(); ++j) x[j] = v * static_cast<float>(j + 1) * 0.25f;
    static_cast<void>(m->partial_fit(x, static_cast<edgeloop::class_label>(v > 0.0f ? 1 : 0)));
  }
  auto s = m->state();
  m->~Model();
  return s;
}
}  // namespace

TEST_CASE("network states do not depend on the memory's earlier contents", "[nn][persist]") {
  using adam_clf = nn::classifier<mlp<float>, nn::adam, 1>;
  using pruned = nn::pruned_learner<nn::classifier<small<float>, nn::sgd, 1>>;
  CHECK(same_bytes(state_after_training<adam_clf>(0x00), state_after_training<adam_clf>(0xA5)));
  CHECK(same_bytes(state_after_training<pruned>(0x00), state_after_training<pruned>(0xA5)));
}
