#pragma once
/// requantize: the TFLite int8 fixed-point arithmetic (TFLite quantization spec; gemmlowp
/// fixed-point primitives). A real multiplier M > 0 (e.g. input_scale * weight_scale /
/// output_scale) is stored as an int32 Q0.31 multiplier in [2^30, 2^31) and a power-of-two
/// shift: M = multiplier * 2^(shift - 31). An int32 accumulator is rescaled by
///   x * 2^max(shift, 0)                   (two's-complement wrap, as TFLite/CMSIS-NN on Arm)
///   -> saturating rounding doubling high multiply (round half up, INT32_MIN^2 saturates)
///   -> rounding divide by 2^max(-shift, 0) (round half away from zero),
/// then the output zero point is added and the result clamped to the fused activation
/// range. Weights are symmetric per-channel int8 (zero point 0), activations asymmetric
/// per-tensor int8, biases int32 with scale input_scale * weight_scale.
/// Memory: none (free functions and 8-byte parameter structs).

#include <cstdint>

#include "../core/status.hpp"

#if defined(__ARM_FEATURE_DSP) && __ARM_FEATURE_DSP
#include <arm_acle.h>
#define EDGELOOP_QUANT_REQUANTIZE_SAT 1  // QADD and SSAT (internal, not a configuration knob)
#else
#define EDGELOOP_QUANT_REQUANTIZE_SAT 0
#endif

namespace edgeloop::quant {

/// M = multiplier * 2^(shift - 31); multiplier in [2^30, 2^31) or 0 (M == 0 or M < 2^-32).
/// Kernels take any multiplier >= 0 and shift in [-31, 30].
struct quantized_multiplier {
  std::int32_t multiplier = 0;
  std::int32_t shift = 0;  ///< > 0: left shift before the multiply; < 0: right shift after
};

/// TFLite's QuantizeMultiplier for 0 <= m < 2^31 (frexp, then round(q * 2^31) half away
/// from zero; a q that rounds to 2^31 becomes 2^30 with shift + 1; shifts below -31 flush
/// to zero). Pure integer/double arithmetic so it also runs at compile time.
constexpr quantized_multiplier quantize_multiplier(double m) noexcept {
  if (!(m > 0.0)) return {};
  int exponent = 0;
  double q = m;  // frexp by hand: q in [0.5, 1)
  while (q >= 1.0) { q *= 0.5; ++exponent; }
  while (q < 0.5) { q *= 2.0; --exponent; }
  const double scaled = q * 2147483648.0;
  auto q_fixed = static_cast<std::int64_t>(scaled);
  if (scaled - static_cast<double>(q_fixed) >= 0.5) ++q_fixed;  // round half away (positive)
  if (q_fixed == (std::int64_t{1} << 31)) {
    q_fixed /= 2;
    ++exponent;
  }
  if (exponent < -31) return {};
  return {static_cast<std::int32_t>(q_fixed), exponent};
}

/// Whether quantize_multiplier(m) can represent m in the range kernels accept
/// (finite, m >= 0, shift <= 30).
constexpr status check_multiplier(double m) noexcept {
  if (!(m >= 0.0) || !(m < 1073741824.0)) return status::invalid_argument;
  return status::ok;
}

/// gemmlowp SaturatingRoundingDoublingHighMul: round(a * b / 2^31) with ties toward
/// +infinity; the one overflowing case (INT32_MIN * INT32_MIN) gives INT32_MAX.
constexpr std::int32_t saturating_rounding_doubling_high_mul(std::int32_t a, std::int32_t b) noexcept {
  if (a == b && a == INT32_MIN) return INT32_MAX;
  const std::int64_t ab = std::int64_t{a} * std::int64_t{b};
  // (ab + 2^30) >> 31 (arithmetic) equals gemmlowp's nudge-and-truncate formulation.
  return static_cast<std::int32_t>((ab + (std::int64_t{1} << 30)) >> 31);
}

/// gemmlowp RoundingDivideByPOT: x / 2^exponent rounded half away from zero, 0 <= exponent <= 31.
constexpr std::int32_t rounding_divide_by_pot(std::int32_t x, int exponent) noexcept {
  const std::int32_t mask = static_cast<std::int32_t>((std::int64_t{1} << exponent) - 1);
  const std::int32_t remainder = x & mask;
  const std::int32_t threshold = (mask >> 1) + (x < 0 ? 1 : 0);
  return (x >> exponent) + (remainder > threshold ? 1 : 0);
}

/// TFLite MultiplyByQuantizedMultiplier (double rounding); shift in [-31, 30].
constexpr std::int32_t multiply_by_quantized_multiplier(std::int32_t x, std::int32_t multiplier,
                                                        std::int32_t shift) noexcept {
  const int left = shift > 0 ? shift : 0;
  const int right = shift > 0 ? 0 : -shift;
  // x * 2^left in two's complement (wraps like the int32 multiply TFLite and CMSIS-NN do).
  const auto shifted = static_cast<std::int32_t>(static_cast<std::uint32_t>(x) << left);
  return rounding_divide_by_pot(saturating_rounding_doubling_high_mul(shifted, multiplier), right);
}
constexpr std::int32_t multiply_by_quantized_multiplier(std::int32_t x, quantized_multiplier m) noexcept {
  return multiply_by_quantized_multiplier(x, m.multiplier, m.shift);
}

/// multiply_by_quantized_multiplier for multiplier >= 0 (all that quantize_multiplier
/// makes), branch-free for the kernels' output loops: the high multiply cannot saturate
/// then, and the rounding shift is done on the magnitude ((|x| + 2^(r-1)) >> r with the
/// sign put back), which is round half away from zero without overflow. Equal to the
/// general function for every x and shift in [-31, 30] (tests).
[[gnu::always_inline]] constexpr std::int32_t multiply_by_nonnegative_multiplier(std::int32_t x, std::int32_t multiplier,
                                                                                std::int32_t shift) noexcept {
  const std::int32_t left = shift > 0 ? shift : 0;
  const std::int32_t right = left - shift;
  const auto shifted = static_cast<std::int32_t>(static_cast<std::uint32_t>(x) << left);
  const std::int64_t product = std::int64_t{shifted} * multiplier + (std::int64_t{1} << 30);
  const auto high = static_cast<std::uint32_t>(static_cast<std::uint64_t>(product) >> 31);  // fits: |product| < 2^62
  const std::uint32_t sign = static_cast<std::uint32_t>(static_cast<std::int32_t>(high) >> 31);
  const std::uint32_t magnitude = (high ^ sign) - sign;  // <= 2^31
  const std::uint32_t half = (1u << right) >> 1;
  return static_cast<std::int32_t>((((magnitude + half) >> right) ^ sign) - sign);
}

/// Output zero point and the fused activation as a clamp range (TFLite's activation_min/max).
struct output_stage {
  std::int32_t zero_point = 0;
  std::int8_t activation_min = -128;
  std::int8_t activation_max = 127;
};

enum class fused_activation : std::uint8_t { none, relu, relu6 };

/// TFLite's CalculateActivationRangeQuantized for an int8 output with `scale`, `zero_point`:
/// relu clamps at the zero point, relu6 also at zero_point + round(6 / scale).
inline output_stage make_output_stage(fused_activation a, float scale, std::int32_t zero_point) noexcept {
  output_stage s{zero_point, -128, 127};
  auto clamp8 = [](std::int64_t v) -> std::int8_t {
    return static_cast<std::int8_t>(v < -128 ? -128 : (v > 127 ? 127 : v));
  };
  if (a != fused_activation::none) s.activation_min = clamp8(zero_point);
  if (a == fused_activation::relu6) {
    const float q = 6.0f / scale;
    const auto six = static_cast<std::int64_t>(q + (q >= 0 ? 0.5f : -0.5f));
    s.activation_max = clamp8(zero_point + six);
  }
  return s;
}

/// Rescaled accumulator -> int8: add the zero point, clamp to the activation range.
constexpr std::int8_t saturate_output(std::int32_t rescaled, const output_stage& s) noexcept {
  std::int64_t v = std::int64_t{rescaled} + s.zero_point;  // int32 could overflow near INT32_MAX
  if (v < s.activation_min) v = s.activation_min;
  if (v > s.activation_max) v = s.activation_max;
  return static_cast<std::int8_t>(v);
}

/// The whole output stage of one accumulator.
constexpr std::int8_t requantize(std::int32_t acc, quantized_multiplier m, const output_stage& s) noexcept {
  return saturate_output(multiply_by_quantized_multiplier(acc, m.multiplier, m.shift), s);
}

/// The output stage in the kernels' loops (multiplier >= 0), with its constants in
/// registers: a copy of the stage, as int8 stores could alias it. FullRange: the
/// activation range is all of int8 (no fused activation), so the clamp has constant
/// bounds (one SSAT on Arm) and needs no registers for them.
/// The clamp comes before the zero point is added (bounds moved by -zero_point), so
/// rescaled values near INT32_MAX cannot overflow; with FullRange a clamp to int16 first.
template <bool FullRange = false>
struct basic_output_clamp {
  std::int32_t zero_point, low, high;  // low and high relative to the zero point
  constexpr explicit basic_output_clamp(const output_stage& s) noexcept
      : zero_point(s.zero_point), low(s.activation_min - s.zero_point), high(s.activation_max - s.zero_point) {}
  [[gnu::always_inline]] constexpr std::int8_t operator()(std::int32_t acc, std::int32_t multiplier,
                                                         std::int32_t shift) const noexcept {
    std::int32_t v = multiply_by_nonnegative_multiplier(acc, multiplier, shift);
    if constexpr (FullRange) {
#if EDGELOOP_QUANT_REQUANTIZE_SAT
      v = __ssat(__qadd(v, zero_point), 8);  // saturating add, then saturate to int8
#else
      v = v < -32768 ? -32768 : v;
      v = v > 32767 ? 32767 : v;
      v += zero_point;
      v = v < -128 ? -128 : v;
      v = v > 127 ? 127 : v;
#endif
    } else {
      v = v < low ? low : v;
      v = v > high ? high : v;
      v += zero_point;
    }
    return static_cast<std::int8_t>(v);
  }
  /// Four channels with their own multipliers (written out: a loop would keep acc in memory).
  [[gnu::always_inline]] constexpr void four(const std::int32_t* acc, const quantized_multiplier* m,
                                            std::int8_t* y) const noexcept {
    y[0] = (*this)(acc[0], m[0].multiplier, m[0].shift);
    y[1] = (*this)(acc[1], m[1].multiplier, m[1].shift);
    y[2] = (*this)(acc[2], m[2].multiplier, m[2].shift);
    y[3] = (*this)(acc[3], m[3].multiplier, m[3].shift);
  }
};
using output_clamp = basic_output_clamp<false>;

/// Whether a stage clamps to all of int8 (kernels then use basic_output_clamp<true>).
constexpr bool full_range(const output_stage& s) noexcept { return s.activation_min == -128 && s.activation_max == 127; }

}  // namespace edgeloop::quant
