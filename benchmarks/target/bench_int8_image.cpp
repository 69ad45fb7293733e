// The first layer of an image network on the boards: int8 conv 3x3, 28x28x1 -> 26x26x8,
// VALID (the Fashion-MNIST CNN's, examples/host/fashion_mnist_int8). One input channel is
// not whole 4-byte words, so quant::conv2d gathers each output pixel's 9 taps into a patch
// (conv2d.hpp): 9.49 instructions per MAC on the Cortex-M4, 26.5 on the M0; the per-tap
// loop it replaced took 39.6 on the M4. With 8 outputs per 72 MACs of a pixel the
// requantization is a large share. Random int8 data and zero points, per-channel multipliers;
// MACs = 26*26*8*9. Weights in flash (flash_bytes), activations, biases and multipliers in
// RAM (ram_bytes). Cases: the core's default kernel path, and on DSP cores the portable one.
#include <array>
#include <cstdint>

#include "edgeloop/core/rng.hpp"
#include "edgeloop/quant/conv2d.hpp"
#include "target_bench.hpp"

namespace {
namespace q = edgeloop::quant;

constexpr std::size_t side = 28, out_side = 26, filters = 8, macs = out_side * out_side * filters * 9;

/// Random symmetric int8 weights in [-127, 127], made at compile time (flash); random
/// values in the packed order are random weights packed.
constexpr std::array<std::int8_t, filters * 9> weights = [] {
  std::array<std::int8_t, filters * 9> w{};
  std::uint32_t s = 2463534242u;
  for (auto& v : w) {
    s ^= s << 13;
    s ^= s >> 17;
    s ^= s << 5;
    v = static_cast<std::int8_t>(static_cast<int>(s % 255u) - 127);
  }
  return w;
}();

alignas(4) std::int8_t input[side * side];
alignas(4) std::int8_t output[out_side * out_side * filters];
std::int32_t bias[filters];
q::quantized_multiplier multipliers[filters];

template <q::kernel_path Path>
void conv3x3_28x28x1_8(const edgeloop::bench::bench_state& state) {
  edgeloop::rng r(5);
  for (auto& v : input) v = static_cast<std::int8_t>(static_cast<int>(r.next() % 256u) - 128);
  for (auto& b : bias) b = static_cast<std::int32_t>(r.next() % 20001u) - 10000;
  for (auto& m : multipliers) m = q::quantize_multiplier(r.uniform<double>(1.0 / 1024.0, 1.0 / 128.0));
  const std::int32_t zx = static_cast<std::int32_t>(r.next() % 256u) - 128;
  const std::int32_t zy = static_cast<std::int32_t>(r.next() % 256u) - 128;
  const q::conv2d_layer layer{side, side, 1, filters, 3, 3, 1, 1, q::padding::valid, weights.data(), bias,
                              multipliers, zx, {zy, static_cast<std::int8_t>(zy), 127}};  // relu
  const std::uint64_t instructions = edgeloop::bench::measure([&] { q::conv2d<Path>(layer, input, output); });
  edgeloop::bench::report(state, instructions, "mac", macs,
                          sizeof input + sizeof output + sizeof bias + sizeof multipliers, sizeof weights);
}

}  // namespace

TARGET_BENCH("int8_image", "conv3x3_28x28x1_8") { conv3x3_28x28x1_8<q::default_path>(state); }
#if EDGELOOP_QUANT_HAS_DSP
TARGET_BENCH("int8_image_portable", "conv3x3_28x28x1_8") { conv3x3_28x28x1_8<q::portable_path>(state); }
#endif
