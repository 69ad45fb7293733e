#pragma once
/// add: int8 element-wise addition with rescaling (TFLite ADD, int8): both inputs are
/// shifted left by 20 bits, rescaled to twice the larger input scale, summed, and the sum
/// rescaled to the output scale; every multiplier goes through the fixed-point
/// multiply_by_quantized_multiplier of requantize.hpp. make_add_params computes the
/// parameters as TFLite's Prepare does. Memory: sizeof(add_params) = 40 bytes.

#include <cstddef>
#include <cstdint>

#include "../core/status.hpp"
#include "requantize.hpp"

namespace edgeloop::quant {

struct add_params {
  std::int32_t input1_offset = 0;  ///< -zero point of input 1
  std::int32_t input2_offset = 0;
  std::int32_t left_shift = 20;
  quantized_multiplier input1_multiplier{};
  quantized_multiplier input2_multiplier{};
  quantized_multiplier output_multiplier{};
  output_stage output{};
};

/// TFLite's int8 ADD preparation. invalid_argument for non-positive or non-finite scales,
/// zero points outside int8, or an output scale so small that the output multiplier
/// would not be below 1 (TFLite's requirement).
inline status make_add_params(float scale1, std::int32_t zero_point1, float scale2, std::int32_t zero_point2,
                              float output_scale, const output_stage& output, add_params& p) noexcept {
  if (!(scale1 > 0.0f) || !(scale2 > 0.0f) || !(output_scale > 0.0f)) return status::invalid_argument;
  if (!(scale1 < 3.0e38f) || !(scale2 < 3.0e38f) || !(output_scale < 3.0e38f)) return status::invalid_argument;
  auto in_int8 = [](std::int32_t z) { return z >= -128 && z <= 127; };
  if (!in_int8(zero_point1) || !in_int8(zero_point2) || !in_int8(output.zero_point)) return status::invalid_argument;
  add_params q;
  const double twice_max = 2.0 * static_cast<double>(scale1 > scale2 ? scale1 : scale2);
  const double out_m = twice_max / (static_cast<double>(1 << q.left_shift) * static_cast<double>(output_scale));
  if (!(out_m < 1.0)) return status::invalid_argument;
  q.input1_offset = -zero_point1;
  q.input2_offset = -zero_point2;
  q.input1_multiplier = quantize_multiplier(static_cast<double>(scale1) / twice_max);
  q.input2_multiplier = quantize_multiplier(static_cast<double>(scale2) / twice_max);
  q.output_multiplier = quantize_multiplier(out_m);
  q.output = output;
  p = q;
  return status::ok;
}

/// out[i] = a[i] + b[i] in the output's quantization, i < n.
inline void add(const add_params& p, const std::int8_t* a, const std::int8_t* b, std::int8_t* out,
                std::size_t n) noexcept {
  for (std::size_t i = 0; i < n; ++i) {
    const std::int32_t x1 = (std::int32_t{a[i]} + p.input1_offset) * (std::int32_t{1} << p.left_shift);
    const std::int32_t x2 = (std::int32_t{b[i]} + p.input2_offset) * (std::int32_t{1} << p.left_shift);
    const std::int32_t sum = multiply_by_quantized_multiplier(x1, p.input1_multiplier) +
                             multiply_by_quantized_multiplier(x2, p.input2_multiplier);
    out[i] = requantize(sum, p.output_multiplier, p.output);
  }
}

}  // namespace edgeloop::quant
