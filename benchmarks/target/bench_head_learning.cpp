// int8 on-device learning on the boards: the Fashion-MNIST MLP of
// examples/host/fashion_mnist_int8 (784-128 relu backbone as int8, a 10-row head learned
// by int8_head_learner), He-initialised float weights quantized with a min/max calibration
// on the same random images. Cases: one int8 prediction (backbone + int8 head + arg max) and one
// learning step (int8 backbone, dequantized features, float SGD on the 10x128 shadow,
// re-quantization of every row), each averaged over 16 random images (4 for the small network). The float
// network exists only to build the int8 model (on a device the int8 model would come
// in flash); it needs 400 KB of RAM, so the 16 KB Cortex-M0 runs only a small
// 64-16(relu)-4 network.
// Besides the M0, also the Fashion-MNIST CNN (conv 8 - pool - conv 16 - pool - dense 64
// as the int8 backbone, the 10 x 64 head learned), 4 random images.
// ram_bytes: the head learner (memory_bytes); flash_bytes: the int8 backbone.
#include <array>
#include <cstdint>

#include "edgeloop/core/rng.hpp"
#include "edgeloop/nn/conv2d.hpp"
#include "edgeloop/nn/dense.hpp"
#include "edgeloop/nn/flatten.hpp"
#include "edgeloop/nn/max_pool2d.hpp"
#include "edgeloop/nn/relu.hpp"
#include "edgeloop/nn/sequential.hpp"
#include "edgeloop/quant/int8_head_learner.hpp"
#include "edgeloop/quant/post_training.hpp"
#include "target_bench.hpp"

namespace {
namespace q = edgeloop::quant;
namespace nn = edgeloop::nn;

/// A float network, its int8 backbone and head learner, and random images.
template <class Net, std::size_t Classes, std::size_t Images>
struct setup {
  using mlp = Net;
  using learner = q::int8_head_learner<mlp, Classes>;
  mlp net{1};
  typename learner::backbone_type backbone;
  learner head{backbone, {0.003f}};
  std::array<typename mlp::input_type, Images> images;
  std::array<edgeloop::class_label, Images> labels{};

  bool prepare() {
    edgeloop::rng r(3);
    for (auto& x : images)
      for (auto& v : x) v = r.uniform<float>();
    for (auto& y : labels) y = static_cast<edgeloop::class_label>(r.uniform_int(Classes));
    static q::calibrator<mlp> cal;  // every layer's output: 68 KB for the CNN
    for (const auto& x : images)
      if (cal.observe(net, x) != edgeloop::status::ok) return false;
    std::array<q::quant_params, q::quantized_sequential<mlp>::tensors> ranges{};
    return cal.ranges(ranges) == edgeloop::status::ok && backbone.build(net, ranges) == edgeloop::status::ok &&
           head.init(net, Classes, ranges.back()) == edgeloop::status::ok;
  }
  void predict_case(const edgeloop::bench::bench_state& state) {
    if (!prepare()) return;
    const std::uint64_t instructions = edgeloop::bench::measure([&] {
      for (const auto& x : images) edgeloop::bench::do_not_optimize(head.predict(x));
    });
    edgeloop::bench::report(state, instructions, "sample", images.size(), learner::memory_bytes,
                            learner::backbone_type::memory_bytes);
  }
  void step_case(const edgeloop::bench::bench_state& state) {
    if (!prepare()) return;
    const std::uint64_t instructions = edgeloop::bench::measure([&] {
      for (std::size_t i = 0; i < images.size(); ++i)
        edgeloop::bench::do_not_optimize(head.partial_fit(images[i], labels[i]));
    });
    edgeloop::bench::report(state, instructions, "sample", images.size(), learner::memory_bytes,
                            learner::backbone_type::memory_bytes);
  }
};

template <std::size_t In, std::size_t Hidden, std::size_t Classes>
using mlp = nn::sequential<float, nn::shape<In>, nn::dense<Hidden>, nn::relu, nn::dense<Classes>>;
setup<mlp<64, 16, 4>, 4, 4> small;  // static: 16 KB of RAM on the Cortex-M0
}  // namespace

TARGET_BENCH("head_learning", "mlp_64_16_4_predict") { small.predict_case(state); }
TARGET_BENCH("head_learning", "mlp_64_16_4_step") { small.step_case(state); }

#if !defined(__ARM_ARCH_6M__)
namespace {
setup<mlp<784, 128, 10>, 10, 16> fashion;  // 400 KB of float weights: not on the Cortex-M0
// The 27,562-parameter Fashion-MNIST CNN (examples/host/fashion_mnist/models.hpp).
using cnn = nn::sequential<float, nn::shape<28, 28, 1>, nn::conv2d<8, 3, 1, nn::padding::valid>, nn::relu,
                           nn::max_pool2d<2>, nn::conv2d<16, 3, 1, nn::padding::valid>, nn::relu, nn::max_pool2d<2>,
                           nn::flatten, nn::dense<64>, nn::relu, nn::dense<10>>;
setup<cnn, 10, 4> fashion_cnn;
}
TARGET_BENCH("head_learning", "mlp_784_128_10_predict") { fashion.predict_case(state); }
TARGET_BENCH("head_learning", "mlp_784_128_10_step") { fashion.step_case(state); }
TARGET_BENCH("head_learning", "cnn_27562_predict") { fashion_cnn.predict_case(state); }
TARGET_BENCH("head_learning", "cnn_27562_step") { fashion_cnn.step_case(state); }
#endif
