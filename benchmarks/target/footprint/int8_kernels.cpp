// Footprint of the int8 kernels on a firmware image: a small int8 network runs once
// (conv 3x3 6x6x4 -> 4x4x8 with fused relu, depthwise 3x3 SAME with fused relu6, dense
// 128 -> 10, softmax), so the image links dense + conv2d + depthwise_conv2d + the fused
// relu/relu6 output stages + softmax (with its table set-up), on the core's default path
// (the DSP one on the Cortex-M4). Its size minus the empty image's is what these kernels
// cost (scripts/bench-target prints it); the weights (1,640 bytes, const) are included.
// Exit 0 when the softmax outputs sum to about 1 (QEMU runs it as a CTest).
#include <array>
#include <cstdint>

#include "edgeloop/quant/conv2d.hpp"
#include "edgeloop/quant/dense.hpp"
#include "edgeloop/quant/depthwise_conv2d.hpp"
#include "edgeloop/quant/softmax.hpp"

namespace {
namespace q = edgeloop::quant;

template <std::size_t Count>
constexpr std::array<std::int8_t, Count> pseudo_random(std::uint32_t s) {
  std::array<std::int8_t, Count> w{};
  for (auto& v : w) {
    s = s * 1664525u + 1013904223u;
    v = static_cast<std::int8_t>(static_cast<int>((s >> 24) % 255u) - 127);
  }
  return w;
}
constexpr auto conv_w = pseudo_random<8 * 3 * 3 * 4>(1);    // already in packed order
constexpr auto dw_w = pseudo_random<3 * 3 * 8>(2);
constexpr auto dense_w = pseudo_random<10 * 128>(3);        // already in packed order
constexpr auto input = pseudo_random<6 * 6 * 4>(4);
constexpr q::quantized_multiplier conv_m[8] = {
    q::quantize_multiplier(0.004), q::quantize_multiplier(0.005), q::quantize_multiplier(0.006),
    q::quantize_multiplier(0.004), q::quantize_multiplier(0.005), q::quantize_multiplier(0.006),
    q::quantize_multiplier(0.004), q::quantize_multiplier(0.005)};
constexpr q::quantized_multiplier dw_m[8] = {
    q::quantize_multiplier(0.01), q::quantize_multiplier(0.012), q::quantize_multiplier(0.009),
    q::quantize_multiplier(0.01), q::quantize_multiplier(0.011), q::quantize_multiplier(0.01),
    q::quantize_multiplier(0.008), q::quantize_multiplier(0.01)};
constexpr std::int32_t conv_bias[8] = {100, -200, 300, 0, 50, -50, 10, 20};
}  // namespace

int main() {
  static std::int8_t a[4 * 4 * 8], b[4 * 4 * 8], logits[10], probabilities[10];
  static std::int32_t dense_bias[10];
  static q::softmax_table table;

  const q::conv2d_layer conv{6, 6, 4, 8, 3, 3, 1, 1, q::padding::valid, conv_w.data(), conv_bias, conv_m, -3,
                             q::make_output_stage(q::fused_activation::relu, 0.05f, -128)};
  const q::depthwise_conv2d_layer dw{4, 4, 8, 3, 3, 1, 1, q::padding::same, dw_w.data(), nullptr, dw_m, -128,
                                     q::make_output_stage(q::fused_activation::relu6, 0.05f, -128)};
  q::fold_input_zero_point(dense_w.data(), nullptr, 10, 128, -128, dense_bias);
  const q::dense_layer dense{128, 10, dense_w.data(), dense_bias, q::quantize_multiplier(0.002), {0, -128, 127}};
  if (q::make_softmax_table(1.0f, 0.1f, table) != edgeloop::status::ok) return 2;

  q::conv2d(conv, input.data(), a);
  q::depthwise_conv2d(dw, a, b);
  q::dense(dense, b, logits);
  q::softmax(table, logits, 10, probabilities);

  std::int32_t sum = 0;  // probabilities are (q + 128) / 256
  for (const std::int8_t p : probabilities) sum += p + 128;
  return sum >= 246 && sum <= 266 ? 0 : 1;
}
