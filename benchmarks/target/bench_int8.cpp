// int8 kernels on the boards, on the layer shapes Arm measured CMSIS-NN on (DESIGN.md
// section 8): dense 784->128 (per-tensor requantization), conv 3x3 16x16x16->32 SAME,
// depthwise 3x3 16x16x32 SAME, conv 1x1 16x16x32->64, and an MLP 64-32-16-4 (relu,
// relu, none, then softmax) end to end. Random int8 data and zero points, per-channel
// multipliers for the convolutions. MACs = out_h*out_w*out_c*k*k*in_c including padding
// taps (dense: in*out), as for the CMSIS-NN figures. Weights are made at compile time
// (constexpr) in the packed order, in flash; biases (zero point folded in for dense) and activations are in
// RAM, counted in ram_bytes; flash_bytes is the weights. The Cortex-M0 (16 KB RAM) runs
// the dense and MLP cases only: the convolutions' activations alone exceed its RAM.
#include <array>
#include <cstdint>

#include "edgeloop/core/rng.hpp"
#include "edgeloop/quant/conv2d.hpp"
#include "edgeloop/quant/dense.hpp"
#include "edgeloop/quant/depthwise_conv2d.hpp"
#include "edgeloop/quant/softmax.hpp"
#include "target_bench.hpp"

namespace {
namespace q = edgeloop::quant;

#if defined(__ARM_ARCH_6M__)
constexpr bool small_ram = true;
#else
constexpr bool small_ram = false;
#endif

/// Random symmetric int8 weights, made at compile time (flash). Independent random values
/// in the packed order are random weights packed, so they are drawn in that order directly
/// (pack_weights over 100 K weights would exceed g++'s constexpr operation limit, and so
/// would edgeloop::rng: a xorshift32 gives 4 weights per step).
template <std::size_t Count>
constexpr std::array<std::int8_t, Count> random_weights(std::uint32_t seed) {
  std::array<std::int8_t, Count> w{};
  std::uint32_t s = seed * 2654435761u + 1u;
  for (std::size_t i = 0; i < Count; i += 4) {
    s ^= s << 13;
    s ^= s >> 17;
    s ^= s << 5;
    for (std::size_t j = 0; j < 4 && i + j < Count; ++j)
      w[i + j] = static_cast<std::int8_t>(static_cast<int>(((s >> (8 * j)) & 0xFFu) % 255u) - 127);
  }
  return w;
}

void fill(edgeloop::rng& r, std::int8_t* p, std::size_t n) {
  for (std::size_t i = 0; i < n; ++i) p[i] = static_cast<std::int8_t>(static_cast<int>(r.next() % 256u) - 128);
}
std::int32_t random_zero_point(edgeloop::rng& r) { return static_cast<std::int32_t>(r.next() % 256u) - 128; }
void fill_bias(edgeloop::rng& r, std::int32_t* b, std::size_t n) {
  for (std::size_t i = 0; i < n; ++i) b[i] = static_cast<std::int32_t>(r.next() % 20001u) - 10000;
}
/// Per-channel multipliers around what trained layers have (2^-10 .. 2^-7).
[[maybe_unused]] void fill_multipliers(edgeloop::rng& r, q::quantized_multiplier* m, std::size_t n) {
  for (std::size_t i = 0; i < n; ++i) m[i] = q::quantize_multiplier(r.uniform<double>(1.0 / 1024.0, 1.0 / 128.0));
}

// One arena for the activations of every case (cases run one after the other).
alignas(4) std::int8_t arena[small_ram ? 1024 : 16 * 16 * 32 + 16 * 16 * 64];
std::int32_t bias[128];
[[maybe_unused]] q::quantized_multiplier multipliers[64];

alignas(4) constexpr auto dense_weights = random_weights<128 * 784>(1);

/// dense 784->128 on kernel path Path (default_path: what this core selects).
template <q::kernel_path Path>
void dense_784x128(const edgeloop::bench::bench_state& state) {
  edgeloop::rng r(2);
  std::int8_t* x = arena;
  std::int8_t* y = arena + 784;
  fill(r, x, 784);
  fill_bias(r, bias, 128);
  const std::int32_t zx = random_zero_point(r);
  q::fold_input_zero_point(dense_weights.data(), bias, 128, 784, zx, bias);
  const q::dense_layer layer{784, 128, dense_weights.data(), bias, q::quantize_multiplier(1.0 / 2048.0),
                             {random_zero_point(r), -128, 127}};
  const std::uint64_t instructions = edgeloop::bench::measure([&] { q::dense<Path>(layer, x, y); });
  edgeloop::bench::report(state, instructions, "mac", 784 * 128, 784 + 128 + sizeof(std::int32_t) * 128,
                          sizeof dense_weights);
}
TARGET_BENCH("int8", "dense_784x128") { dense_784x128<q::default_path>(state); }

alignas(4) constexpr auto mlp_w1 = random_weights<32 * 64>(11);
alignas(4) constexpr auto mlp_w2 = random_weights<16 * 32>(12);
alignas(4) constexpr auto mlp_w3 = random_weights<4 * 16>(13);

TARGET_BENCH("int8", "mlp_64_32_16_4") {
  edgeloop::rng r(3);
  static std::int32_t b1[32], b2[16], b3[4];
  static q::softmax_table table;
  std::int8_t* x = arena;
  std::int8_t* h1 = arena + 64;
  std::int8_t* h2 = arena + 96;
  std::int8_t* logits = arena + 112;
  std::int8_t* p = arena + 116;
  fill(r, x, 64);
  const std::int32_t z0 = random_zero_point(r), z1 = random_zero_point(r), z2 = random_zero_point(r),
                     z3 = random_zero_point(r);
  fill_bias(r, b1, 32);
  fill_bias(r, b2, 16);
  fill_bias(r, b3, 4);
  q::fold_input_zero_point(mlp_w1.data(), b1, 32, 64, z0, b1);
  q::fold_input_zero_point(mlp_w2.data(), b2, 16, 32, z1, b2);
  q::fold_input_zero_point(mlp_w3.data(), b3, 4, 16, z2, b3);
  const q::dense_layer l1{64, 32, mlp_w1.data(), b1, q::quantize_multiplier(1.0 / 512.0),
                          {z1, static_cast<std::int8_t>(z1), 127}};  // relu
  const q::dense_layer l2{32, 16, mlp_w2.data(), b2, q::quantize_multiplier(1.0 / 256.0),
                          {z2, static_cast<std::int8_t>(z2), 127}};  // relu
  const q::dense_layer l3{16, 4, mlp_w3.data(), b3, q::quantize_multiplier(1.0 / 128.0), {z3, -128, 127}};
  if (q::make_softmax_table(1.0f, 0.1f, table) != edgeloop::status::ok) return;
  const std::uint64_t instructions = edgeloop::bench::measure([&] {
    q::dense(l1, x, h1);
    q::dense(l2, h1, h2);
    q::dense(l3, h2, logits);
    q::softmax(table, logits, 4, p);
  });
  edgeloop::bench::report(state, instructions, "mac", 64 * 32 + 32 * 16 + 16 * 4,
                          120 + sizeof b1 + sizeof b2 + sizeof b3 + sizeof table,
                          sizeof mlp_w1 + sizeof mlp_w2 + sizeof mlp_w3);
}

#if !defined(__ARM_ARCH_6M__)
alignas(4) constexpr auto conv3_weights = random_weights<32 * 3 * 3 * 16>(21);
alignas(4) constexpr auto conv1_weights = random_weights<64 * 32>(22);
alignas(4) constexpr auto dw_weights = random_weights<3 * 3 * 32>(23);

/// conv 3x3, 16x16x16 -> 32, pad same, on kernel path Path.
template <q::kernel_path Path>
void conv3x3_16x16x16_32(const edgeloop::bench::bench_state& state) {
  edgeloop::rng r(4);
  std::int8_t* x = arena;
  std::int8_t* y = arena + 16 * 16 * 16;
  fill(r, x, 16 * 16 * 16);
  fill_bias(r, bias, 32);
  fill_multipliers(r, multipliers, 32);
  const q::conv2d_layer layer{16, 16, 16, 32, 3, 3, 1, 1, q::padding::same, conv3_weights.data(), bias, multipliers,
                              random_zero_point(r), {random_zero_point(r), -128, 127}};
  const std::uint64_t instructions = edgeloop::bench::measure([&] { q::conv2d<Path>(layer, x, y); });
  edgeloop::bench::report(state, instructions, "mac", 16 * 16 * 32 * 9 * 16,
                          16 * 16 * 16 + 16 * 16 * 32 + sizeof(std::int32_t) * 32 + sizeof(q::quantized_multiplier) * 32,
                          sizeof conv3_weights);
}
TARGET_BENCH("int8", "conv3x3_16x16x16_32") { conv3x3_16x16x16_32<q::default_path>(state); }

TARGET_BENCH("int8", "dwconv3x3_16x16x32") {
  edgeloop::rng r(5);
  std::int8_t* x = arena;
  std::int8_t* y = arena + 16 * 16 * 32;
  fill(r, x, 16 * 16 * 32);
  fill_bias(r, bias, 32);
  fill_multipliers(r, multipliers, 32);
  const q::depthwise_conv2d_layer layer{16, 16, 32, 3, 3, 1, 1, q::padding::same, dw_weights.data(), bias,
                                        multipliers, random_zero_point(r), {random_zero_point(r), -128, 127}};
  const std::uint64_t instructions = edgeloop::bench::measure([&] { q::depthwise_conv2d(layer, x, y); });
  edgeloop::bench::report(state, instructions, "mac", 16 * 16 * 32 * 9,
                          2 * 16 * 16 * 32 + sizeof(std::int32_t) * 32 + sizeof(q::quantized_multiplier) * 32,
                          sizeof dw_weights);
}

TARGET_BENCH("int8", "conv1x1_16x16x32_64") {
  edgeloop::rng r(6);
  std::int8_t* x = arena;
  std::int8_t* y = arena + 16 * 16 * 32;
  fill(r, x, 16 * 16 * 32);
  fill_bias(r, bias, 64);
  fill_multipliers(r, multipliers, 64);
  const q::conv2d_layer layer{16, 16, 32, 64, 1, 1, 1, 1, q::padding::valid, conv1_weights.data(), bias, multipliers,
                              random_zero_point(r), {random_zero_point(r), -128, 127}};
  const std::uint64_t instructions = edgeloop::bench::measure([&] { q::conv2d(layer, x, y); });
  edgeloop::bench::report(state, instructions, "mac", 16 * 16 * 64 * 32,
                          16 * 16 * 32 + 16 * 16 * 64 + sizeof(std::int32_t) * 64 + sizeof(q::quantized_multiplier) * 64,
                          sizeof conv1_weights);
}

#if EDGELOOP_QUANT_HAS_DSP
// The same dense and conv 3x3 cases on the portable C++ path, to show what the DSP path
// gains on this core (bench "int8_portable", same shapes).
TARGET_BENCH("int8_portable", "dense_784x128") { dense_784x128<q::portable_path>(state); }
TARGET_BENCH("int8_portable", "conv3x3_16x16x16_32") { conv3x3_16x16x16_32<q::portable_path>(state); }
#endif
#endif
}  // namespace
