#pragma once
/// fake_quant: the float image of int8 quantization, for quantization-aware training
/// (Jacob et al. 2018, "Quantization and Training of Neural Networks for Efficient
/// Integer-Arithmetic-Only Inference"; PyTorch's FakeQuantize). A fake-quantized value is
/// quantized and dequantized at once, so the float network sees exactly the values the
/// int8 network will hold; its gradient is the clipped straight-through estimator
/// (Bengio et al. 2013): 1 where the value fell inside the int8 range, 0 where it was
/// clamped.
///   fake_quantize(x, p)              scale * (clamp(round(x / scale) + zp) - zp), rounding
///                                    as the int8 twin's input quantization
///   inside_range(x, p)               the STE mask: round(x / scale) + zp in [-128, 127]
///   fake_quantize_activations(...)   a tensor in place, and its STE mask
///   fake_quantize_average(v, n, p)  an int8 average pool's output (its own rounding)
///   fake_quantize_weights(...)       symmetric per-channel int8 weights (zero point 0,
///                                    scale max|w| / 127 as the twin computes it)
/// Memory: none (free functions).

#include <cmath>
#include <cstddef>
#include <cstdint>

#include "calibration.hpp"

namespace edgeloop::quant {

/// The dequantized int8 value of x: what the int8 network holds for it.
inline float fake_quantize(float x, const quant_params& p) noexcept {
  return dequantize_value(detail::quantize_to_int8(x, p.scale, p.zero_point), p);
}

/// Whether x quantizes without clamping (the clipped straight-through estimator passes
/// the gradient there and blocks it elsewhere).
inline bool inside_range(float x, const quant_params& p) noexcept {
  const float r = std::round(x / p.scale) + static_cast<float>(p.zero_point);
  return r >= -128.0f && r <= 127.0f;
}

/// Fake-quantizes x[0..n) in place; mask[i] = 1 where x[i] was inside the range, else 0
/// (mask may be nullptr when no gradient is needed).
inline void fake_quantize_activations(float* x, std::uint8_t* mask, std::size_t n, const quant_params& p) noexcept {
  for (std::size_t i = 0; i < n; ++i) {
    if (mask != nullptr) mask[i] = inside_range(x[i], p) ? 1 : 0;
    x[i] = fake_quantize(x[i], p);
  }
}

/// The STE backward of fake_quantize_activations: g[i] = 0 where mask[i] == 0.
inline void straight_through(float* g, const std::uint8_t* mask, std::size_t n) noexcept {
  for (std::size_t i = 0; i < n; ++i) g[i] = mask[i] != 0 ? g[i] : 0.0f;
}

/// The int8 average pool's output for v, the float mean of `count` fake-quantized values:
/// the kernel rounds the mean of the raw codes (zero point included) half away from zero,
/// which differs from fake_quantize(v) at ties, so the code sum is rebuilt (exact: it is
/// an integer far below float's 2^24) and rounded the kernel's way.
inline float fake_quantize_average(float v, std::int32_t count, const quant_params& p) noexcept {
  const auto sum = static_cast<std::int32_t>(
      std::lround((v / p.scale + static_cast<float>(p.zero_point)) * static_cast<float>(count)));
  std::int32_t code = sum > 0 ? (sum + count / 2) / count : (sum - count / 2) / count;
  code = code < -128 ? -128 : (code > 127 ? 127 : code);
  return dequantize_value(static_cast<std::int8_t>(code), p);
}

/// Symmetric per-channel scale of the weights w[o * channel_stride + k * weight_stride],
/// k < depth: max |w| / 127 (choose_symmetric), 1 for all zeros. Weights must be finite.
inline float channel_weight_scale(const float* w, std::size_t depth, std::size_t weight_stride) noexcept {
  float m = 0;
  for (std::size_t k = 0; k < depth; ++k) {
    const float v = w[k * weight_stride];
    m = v > m ? v : (-v > m ? -v : m);
  }
  quant_params q;
  (void)choose_symmetric(-m, m, q);  // finite: cannot fail
  return q.scale;
}

/// Fake-quantizes `channels` output channels of weights from w into out (same layout):
/// channel o has `depth` weights at o * channel_stride + k * weight_stride (a dense layer's
/// [out][in] rows: channel_stride = depth, weight_stride = 1; a conv's HWIO: channel_stride
/// = 1, weight_stride = channels). Each is scale_o * quantize_value(w, {scale_o, 0}): the
/// int8 weight the twin stores, times its scale. Nothing is clamped (the range is max |w|),
/// so the weight gradient passes straight through unchanged.
inline void fake_quantize_weights(const float* w, float* out, std::size_t channels, std::size_t depth,
                                  std::size_t channel_stride, std::size_t weight_stride) noexcept {
  for (std::size_t o = 0; o < channels; ++o) {
    const float* row = w + o * channel_stride;
    const quant_params p{channel_weight_scale(row, depth, weight_stride), 0};
    for (std::size_t k = 0; k < depth; ++k) {
      const std::size_t i = o * channel_stride + k * weight_stride;
      out[i] = dequantize_value(quantize_value(w[i], p), p);
    }
  }
}

}  // namespace edgeloop::quant
