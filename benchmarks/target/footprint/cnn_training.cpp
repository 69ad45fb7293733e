// Footprint of a small convolutional network that trains on the device: conv2d 3x3 (2
// filters, same padding) - batch_norm - relu - max_pool2d 2 - flatten - dense 4 on 6x6x1
// images, SGD with momentum, mini-batches of 4 (batch_norm trains on the statistics of the
// mini-batch), then calibrate_batch_norm sets the inference statistics. The task: which
// 3x3 quadrant of the image is brighter. The image is link-checked like every firmware
// image (no malloc, operator new, __cxa_throw or RTTI), so conv2d, batch_norm and
// max_pool2d are, forward and backward. Exit 0 when at least 90% of 100 fresh samples are
// right (QEMU runs it as a CTest; 2 when a call fails).
#include <array>
#include <cstdint>
#include <span>

#include "edgeloop/core/rng.hpp"
#include "edgeloop/nn/batch_norm.hpp"
#include "edgeloop/nn/conv2d.hpp"
#include "edgeloop/nn/dense.hpp"
#include "edgeloop/nn/flatten.hpp"
#include "edgeloop/nn/learner.hpp"
#include "edgeloop/nn/max_pool2d.hpp"
#include "edgeloop/nn/relu.hpp"
#include "edgeloop/nn/sgd.hpp"

namespace nn = edgeloop::nn;
using net = nn::sequential<float, nn::shape<6, 6, 1>, nn::conv2d<2, 3>, nn::batch_norm<>, nn::relu, nn::max_pool2d<2>,
                           nn::flatten, nn::dense<4>>;
constexpr std::size_t batch = 4;
using cnn = nn::classifier<net, nn::sgd, batch>;
using image = net::input_type;

namespace {
// A sample of class y: uniform noise plus 1 on the pixels of quadrant y.
edgeloop::class_label draw(edgeloop::rng& r, image& x) {
  const auto y = static_cast<edgeloop::class_label>(r.uniform_int(4));
  for (std::size_t i = 0; i < 6; ++i)
    for (std::size_t j = 0; j < 6; ++j)
      x[i * 6 + j] = r.uniform<float>(0.0f, 1.0f) + ((i / 3) * 2 + j / 3 == y ? 1.0f : 0.0f);
  return y;
}
}  // namespace

int main() {
  cnn::params p;
  p.optimizer.learning_rate = 0.05f;
  p.optimizer.momentum = 0.9f;
  static cnn model(p);
  static std::array<image, batch> xs{};
  static std::array<edgeloop::class_label, batch> ys{};
  constexpr std::array<std::uint32_t, batch> order{0, 1, 2, 3};
  const nn::span_dataset<image, edgeloop::class_label> data{xs, ys};
  edgeloop::rng r(7);
  for (int step = 0; step < 150; ++step) {
    for (std::size_t k = 0; k < batch; ++k) ys[k] = draw(r, xs[k]);
    nn::batch_result<float> result{};
    if (model.train_minibatch(data, std::span<const std::uint32_t>(order), result) != edgeloop::status::ok) return 2;
  }
  // Inference statistics of batch_norm over 16 fresh training samples.
  static std::array<image, 16> cal_x{};
  static std::array<edgeloop::class_label, 16> cal_y{};
  for (std::size_t k = 0; k < cal_x.size(); ++k) cal_y[k] = draw(r, cal_x[k]);
  static std::array<float, net::inference_scratch_size> scratch{};
  const nn::span_dataset<image, edgeloop::class_label> cal{cal_x, cal_y};
  if (nn::calibrate_batch_norm(model.network(), cal, std::span<float>(scratch)) != edgeloop::status::ok) return 2;
  int right = 0;
  for (int i = 0; i < 100; ++i) {
    image x;
    const auto y = draw(r, x);
    right += model.predict(x) == y ? 1 : 0;
  }
  return right >= 90 ? 0 : 1;
}
