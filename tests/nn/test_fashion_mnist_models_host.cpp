// The fashion_mnist example's networks: parameter counts as PyTorch counts them, and the
// compile-time memory figures the example prints (inference_bytes, training_bytes) against
// sizeof of the objects and hand counts of the activations (acceptance item 4 of issue 6).
#include <array>
#include <cstddef>

#include "../../examples/host/fashion_mnist/models.hpp"
#include "support/test.hpp"

namespace {
using fashion_mnist::cnn;
using fashion_mnist::cnn_classifier;
using fashion_mnist::cnn_plain;
using fashion_mnist::cnn_plain_classifier;
using fashion_mnist::cnn_small;
using fashion_mnist::cnn_small_classifier;
using fashion_mnist::mlp;
using fashion_mnist::mlp_classifier;
}  // namespace

TEST_CASE("fashion_mnist models: parameters as PyTorch counts them", "[nn][fashion_mnist]") {
  // Conv2d(1,16,3) 144+16, Conv2d(16,32,3) 4608+32, Linear(800,32) 25600+32, Linear(32,10) 320+10.
  STATIC_REQUIRE(cnn::param_count == 160 + 4640 + 25632 + 330);
  STATIC_REQUIRE(cnn::param_count == 30762);
  // Conv2d(1,8,3) 72+8, Conv2d(8,16,3) 1152+16, Linear(400,64) 25600+64, Linear(64,10) 640+10.
  STATIC_REQUIRE(cnn_small::param_count == 80 + 1168 + 25664 + 650);
  STATIC_REQUIRE(cnn_plain::param_count == 27562);  // dropout has no parameters
  STATIC_REQUIRE(mlp::param_count == 101770);
}

TEST_CASE("fashion_mnist models: compile-time memory equals sizeof and the hand count", "[nn][fashion_mnist]") {
  constexpr std::size_t b = fashion_mnist::micro_batch;
  // --model cnn. Inference: the parameters are the whole network object.
  STATIC_REQUIRE(sizeof(cnn) == cnn::parameter_bytes);
  STATIC_REQUIRE(cnn::parameter_bytes == 30762 * sizeof(float));
  // Layer outputs per sample: 26x26x16 conv, 13x13x16 pool, relu, 11x11x32 conv, 5x5x32
  // pool, relu, flatten 800, dropout 800, dense 32, relu, dense 10. Ping-pong: even
  // layers share one buffer (max 10,816), odd layers the other (max 3,872).
  constexpr std::size_t outputs = 10816 + 2704 + 2704 + 3872 + 800 + 800 + 800 + 800 + 32 + 32 + 10;
  constexpr std::size_t mask = 800;  // dropout's saved mask
  STATIC_REQUIRE(cnn::inference_scratch_size == 10816 + 3872);
  STATIC_REQUIRE(cnn::inference_bytes == sizeof(cnn) + sizeof(std::array<float, 10816 + 3872>));
  STATIC_REQUIRE(cnn::inference_bytes == 181800);
  // Training (micro-batch of 32): gradient P, Adam 2P + 2, every layer output (and the
  // dropout mask) saved for 32 samples, gradient ping-pong for 32 samples, the 32 gathered
  // input images.
  constexpr std::size_t p = 30762;
  STATIC_REQUIRE(cnn_classifier::training_bytes ==
                 sizeof(float) * (p + 2 * p + 2 + b * (outputs + mask) + b * (10816 + 3872) + b * 784));
  // The learner object holds exactly the weights and those buffers, plus its
  // hyper-parameters, counters and rng (less than 128 bytes).
  STATIC_REQUIRE(sizeof(cnn_classifier) >= cnn_classifier::training_bytes + cnn::parameter_bytes);
  STATIC_REQUIRE(sizeof(cnn_classifier) <= cnn_classifier::training_bytes + cnn::parameter_bytes + 128);
  STATIC_REQUIRE(cnn_classifier::memory_bytes == sizeof(cnn_classifier));
  // The figure the example prints (training_bytes there includes the weights).
  STATIC_REQUIRE(cnn_classifier::training_bytes + cnn::parameter_bytes == 5'566'376);

  // --model cnn-small / cnn-plain (27,562 parameters): outputs 26x26x8, relu, 13x13x8,
  // 11x11x16, relu, 5x5x16, flatten 400, [dropout 400], dense 64, relu, dense 10.
  constexpr std::size_t small = 5408 + 5408 + 1352 + 1936 + 1936 + 400 + 400 + 64 + 64 + 10;
  constexpr std::size_t q = 27562;
  STATIC_REQUIRE(cnn_small::inference_bytes == (q + 5408 + 5408) * sizeof(float));
  STATIC_REQUIRE(cnn_small_classifier::training_bytes ==
                 sizeof(float) * (q + 2 * q + 2 + b * (small + 400 + 400) + b * (5408 + 5408) + b * 784));
  STATIC_REQUIRE(cnn_plain_classifier::training_bytes ==
                 sizeof(float) * (q + 2 * q + 2 + b * small + b * (5408 + 5408) + b * 784));
  STATIC_REQUIRE(sizeof(cnn_small_classifier) >= cnn_small_classifier::training_bytes + cnn_small::parameter_bytes);
  STATIC_REQUIRE(sizeof(cnn_small_classifier) <= cnn_small_classifier::training_bytes + cnn_small::parameter_bytes + 128);
  STATIC_REQUIRE(sizeof(mlp_classifier) >= mlp_classifier::training_bytes + mlp::parameter_bytes);
  STATIC_REQUIRE(sizeof(mlp_classifier) <= mlp_classifier::training_bytes + mlp::parameter_bytes + 128);
}
