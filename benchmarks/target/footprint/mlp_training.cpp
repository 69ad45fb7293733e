// Footprint of a float network that trains on the device: an MLP 16-32-4 (ReLU, softmax
// cross-entropy, SGD with momentum, one sample per step) learns four separated classes
// from a stream, then is tested on fresh samples. The image is link-checked like every
// firmware image (no malloc, operator new, __cxa_throw or RTTI: nn::dense runs plain loops
// on the boards because Eigen's product kernels link a heap fallback). Exit 0 when at least
// 90% of the test samples are right (QEMU runs it as a CTest).
#include <array>
#include <cstdint>

#include "edgeloop/core/rng.hpp"
#include "edgeloop/nn/dense.hpp"
#include "edgeloop/nn/learner.hpp"
#include "edgeloop/nn/relu.hpp"
#include "edgeloop/nn/sgd.hpp"

namespace nn = edgeloop::nn;
using mlp = nn::classifier<nn::sequential<float, nn::shape<16>, nn::dense<32>, nn::relu, nn::dense<4>>, nn::sgd>;

namespace {
// A sample of class y: uniform noise plus 1 on the features j with j % 4 == y.
edgeloop::class_label draw(edgeloop::rng& r, std::array<float, 16>& x) {
  const auto y = static_cast<edgeloop::class_label>(r.uniform_int(4));
  for (std::size_t j = 0; j < 16; ++j) x[j] = r.uniform<float>(0.0f, 1.0f) + (j % 4u == y ? 1.0f : 0.0f);
  return y;
}
}  // namespace

int main() {
  mlp::params p;
  p.optimizer.learning_rate = 0.02f;
  p.optimizer.momentum = 0.9f;
  static mlp model(p);
  edgeloop::rng r(7);
  std::array<float, 16> x{};
  for (int i = 0; i < 400; ++i) {
    const auto y = draw(r, x);
    if (model.partial_fit(x, y) != edgeloop::status::ok) return 2;
  }
  int right = 0;
  for (int i = 0; i < 100; ++i) {
    const auto y = draw(r, x);
    right += model.predict(x) == y ? 1 : 0;
  }
  return right >= 90 ? 0 : 1;
}
