// Persisted states of the linear models have no padding bytes (whose value would be
// undefined in artifact payloads and their digests), in float and double and at feature
// counts that are odd as well as even; and a state depends only on what the model learned,
// not on the bytes its memory held before.

#include <array>
#include <cstdint>
#include <cstring>
#include <new>

#include "edgeloop/linear/alma.hpp"
#include "edgeloop/linear/gaussian_nb.hpp"
#include "edgeloop/linear/majority_class.hpp"
#include "edgeloop/linear/no_change.hpp"
#include "edgeloop/linear/one_vs_rest.hpp"
#include "edgeloop/linear/passive_aggressive.hpp"
#include "edgeloop/linear/perceptron.hpp"
#include "edgeloop/linear/sgd_classifier.hpp"
#include "edgeloop/linear/sgd_regressor.hpp"
#include "support/padding.hpp"
#include "support/test.hpp"

using namespace edgeloop;
using edgeloop::test::same_bytes;

#if EDGELOOP_TEST_HAS_PADDING_CHECK
using edgeloop::test::padding_bytes;

namespace {
template <scalar S, std::size_t F>
void check_no_padding() {
  CHECK(padding_bytes<typename perceptron<S, F>::state_type>() == 0u);
  CHECK(padding_bytes<typename passive_aggressive_classifier<S, F>::state_type>() == 0u);
  CHECK(padding_bytes<typename passive_aggressive_regressor<S, F>::state_type>() == 0u);
  CHECK(padding_bytes<typename alma<S, F>::state_type>() == 0u);
  CHECK(padding_bytes<typename sgd_classifier<S, F>::state_type>() == 0u);
  CHECK(padding_bytes<typename sgd_classifier<S, F, 3>::state_type>() == 0u);
  CHECK(padding_bytes<typename sgd_regressor<S, F>::state_type>() == 0u);
  CHECK(padding_bytes<typename gaussian_nb<S, F, 3>::state_type>() == 0u);
  CHECK(padding_bytes<typename gaussian_nb<S, F, 2>::state_type>() == 0u);
  CHECK(padding_bytes<typename majority_class<S, F, 3>::state_type>() == 0u);
  CHECK(padding_bytes<typename no_change<S, F, 3>::state_type>() == 0u);
  CHECK(padding_bytes<typename one_vs_rest<perceptron<S, F>, 3>::state_type>() == 0u);
  CHECK(padding_bytes<typename one_vs_rest<passive_aggressive_classifier<S, F>, 3>::state_type>() == 0u);
}
}  // namespace

TEST_CASE("linear state_type structs have no padding bytes", "[linear][persist]") {
  check_no_padding<float, 1>();
  check_no_padding<float, 4>();
  check_no_padding<float, 5>();
  check_no_padding<double, 1>();
  check_no_padding<double, 4>();
  check_no_padding<double, 5>();
}
#endif

namespace {
/// Builds a Model in memory first filled with `fill`, trains it on a fixed stream and
/// returns its state.
template <class Model>
typename Model::state_type state_after_training(unsigned char fill) {
  alignas(Model) unsigned char storage[sizeof(Model)];
  std::memset(storage, fill, sizeof storage);
  Model* m = new (storage) Model(typename Model::params{});
  for (int i = 0; i < 20; ++i) {
    const float v = static_cast<float>(i % 7) - 3.0f;
    const std::array<float, 3> x = {v, 0.5f * v + 1.0f, static_cast<float>(i % 2)};
    static_cast<void>(m->partial_fit(x, static_cast<class_label>(v > 0.0f ? 1 : 0)));
  }
  auto s = m->state();
  m->~Model();
  return s;
}
}  // namespace

TEST_CASE("linear states do not depend on the memory's earlier contents", "[linear][persist]") {
  CHECK(same_bytes(state_after_training<perceptron<float, 3>>(0x00), state_after_training<perceptron<float, 3>>(0xA5)));
  CHECK(same_bytes(state_after_training<passive_aggressive_classifier<float, 3>>(0x00),
                   state_after_training<passive_aggressive_classifier<float, 3>>(0xA5)));
  CHECK(same_bytes(state_after_training<sgd_classifier<float, 3>>(0x00), state_after_training<sgd_classifier<float, 3>>(0xA5)));
  CHECK(same_bytes(state_after_training<alma<float, 3>>(0x00), state_after_training<alma<float, 3>>(0xA5)));
}
