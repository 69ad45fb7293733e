#pragma once
/// dense: int8 fully connected layer (TFLite FULLY_CONNECTED, per-tensor requantization):
///   out[o] = requantize(bias[o] + sum_k w[o][k] * (x[k] - input_zero_point))
/// over caller buffers (no heap, any size). Prepared once at build/load time:
/// pack_weights(w, outputs, inputs, packed) (weight_packing.hpp) and
/// fold_input_zero_point(packed, bias, outputs, inputs, input_zero_point, folded_bias),
/// which moves the zero-point term into the bias (bias - zp * sum_k w[o][k]), so the inner
/// loop is a pure int8 dot product of four rows at a time.
/// Precondition (as TFLite): every accumulator fits int32. On ARMv6-M (Cortex-M0) a
/// word-aligned input runs the Thumb-1 loop (detail/int8_dot.hpp), else a plain C++ one.
/// Memory: the caller's outputs * inputs packed weights and outputs int32 biases.

#include <cstddef>
#include <cstdint>

#include "detail/int8_dot.hpp"
#include "kernel_path.hpp"
#include "requantize.hpp"
#include "weight_packing.hpp"

namespace edgeloop::quant {

struct dense_layer {
  std::size_t inputs = 0;
  std::size_t outputs = 0;
  const std::int8_t* weights = nullptr;  ///< packed (pack_weights(w, outputs, inputs, ...))
  const std::int32_t* bias = nullptr;    ///< folded (fold_input_zero_point), outputs entries
  quantized_multiplier multiplier{};     ///< input_scale * weight_scale / output_scale
  output_stage output{};
};

/// folded[o] = bias[o] (0 if bias is null) - input_zero_point * (sum of row o's weights).
/// Works on packed or unpacked weights (a row's sum does not depend on the order).
constexpr void fold_input_zero_point(const std::int8_t* packed, const std::int32_t* bias, std::size_t rows,
                                     std::size_t depth, std::int32_t input_zero_point, std::int32_t* folded) noexcept {
  for (std::size_t row = 0; row < rows; ++row) {
    std::int32_t sum = 0;
    for (std::size_t k = 0; k < depth; ++k) sum += packed[packed_index(rows, depth, row, k)];
    folded[row] = (bias ? bias[row] : 0) - input_zero_point * sum;
  }
}

/// One sample: input[inputs] -> output[outputs].
template <kernel_path Path = default_path>
void dense(const dense_layer& l, const std::int8_t* input, std::int8_t* output) noexcept {
  // Locals, not l.*: the int8 stores could alias the layer, forcing reloads.
  const std::size_t outputs = l.outputs, groups = l.inputs / 4, main = groups * 4, tail = l.inputs - main;
  const std::int8_t* w = l.weights;
  const std::int32_t* bias = l.bias;
  const std::int32_t multiplier = l.multiplier.multiplier, shift = l.multiplier.shift;
  const output_clamp out(l.output);
  for (std::size_t o = 0; o < outputs; o += packed_rows) {
    const std::size_t rows = outputs - o < packed_rows ? outputs - o : packed_rows;
    std::int32_t acc[packed_rows] = {};
    for (std::size_t r = 0; r < rows; ++r) acc[r] = bias[o + r];
    if (rows == packed_rows) detail::dot_rows<packed_rows>(Path{}, input, w, groups, 0, acc);
    else detail::dot_block<Path>(rows, input, w, groups, 0, acc);
    w += main * rows;
    for (std::size_t k = 0; k < tail; ++k, w += rows)
      for (std::size_t r = 0; r < rows; ++r) acc[r] += std::int32_t{w[r]} * input[main + k];
    for (std::size_t r = 0; r < rows; ++r) output[o + r] = out(acc[r], multiplier, shift);
  }
}

}  // namespace edgeloop::quant
