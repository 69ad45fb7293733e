#pragma once
/// softmax: int8 softmax over a vector with a lookup table instead of TFLite's gemmlowp
/// fixed-point exp. Output quantization is TFLite's for int8 softmax: scale 1/256, zero
/// point -128. For input scale s and beta, the table holds
///   e[d] = round(2^15 * exp(-beta * s * d)),  d = 0..255 (distance below the row maximum),
/// built once by make_softmax_table (float arithmetic, no libm), and the kernel computes in
/// integers only:
///   sum = sum_i e[max - x_i],  out_i = clamp(floor((512 * e[max - x_i] + sum) / (2 * sum)) - 128)
/// (256 * e_i / sum rounded half up). Exactness: bit-identical to that specification
/// (tests: the oracle); each table entry is within 1 of the exactly rounded 2^15 exp, and
/// outputs are within 1 of round(256 * softmax) - 128 of the real softmax (tests).
/// Memory: sizeof(softmax_table) = 512 bytes. Vectors up to 65,535 elements.

#include <array>
#include <cstddef>
#include <cstdint>

#include "../core/status.hpp"

namespace edgeloop::quant {

struct softmax_table {
  std::array<std::uint16_t, 256> exp_q15{};  ///< round(2^15 exp(-beta * input_scale * d))
};

namespace detail {
/// exp(x) for x <= 0 in float without libm: x / 32 by a Taylor polynomial, squared 5 times.
constexpr float exp_nonpositive(float x) noexcept {
  if (x < -24.0f) return 0.0f;  // below 2^-15 / 2 long before this
  const float y = x / 32.0f;
  float term = 1.0f, sum = 1.0f;
  for (int k = 1; k < 10; ++k) {
    term *= y / static_cast<float>(k);
    sum += term;
  }
  for (int k = 0; k < 5; ++k) sum *= sum;
  return sum;
}
}  // namespace detail

/// The table for inputs of scale `input_scale` and softmax temperature `beta`.
/// invalid_argument if beta * input_scale is not finite and positive; t unchanged then.
constexpr status make_softmax_table(float beta, float input_scale, softmax_table& t) noexcept {
  const float a = beta * input_scale;
  if (!(a > 0.0f) || !(a < 3.0e38f)) return status::invalid_argument;
  for (std::size_t d = 0; d < t.exp_q15.size(); ++d) {
    const float v = detail::exp_nonpositive(-a * static_cast<float>(d)) * 32768.0f + 0.5f;
    t.exp_q15[d] = static_cast<std::uint16_t>(v >= 32768.0f ? 32768u : static_cast<std::uint32_t>(v));
  }
  return status::ok;
}

/// output[i] for input[i], i < n (1 <= n <= 65535); output scale 1/256, zero point -128.
inline void softmax(const softmax_table& t, const std::int8_t* input, std::size_t n, std::int8_t* output) noexcept {
  std::int32_t top = -128;
  for (std::size_t i = 0; i < n; ++i)
    if (input[i] > top) top = input[i];
  std::uint32_t sum = 0;  // <= 65535 * 32768 < 2^31
  for (std::size_t i = 0; i < n; ++i) sum += t.exp_q15[static_cast<std::size_t>(top - input[i])];
  const std::uint32_t twice_sum = 2 * sum;
  for (std::size_t i = 0; i < n; ++i) {
    const std::uint32_t e = t.exp_q15[static_cast<std::size_t>(top - input[i])];
    std::uint32_t q = (512u * e + sum) / twice_sum;  // round half up of 256 e / sum, 0..256
    if (q > 255u) q = 255u;
    output[i] = static_cast<std::int8_t>(static_cast<std::int32_t>(q) - 128);
  }
}

}  // namespace edgeloop::quant
