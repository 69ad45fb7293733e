#pragma once
/// depthwise_conv2d: int8 depthwise 2-D convolution, depth multiplier 1 (TFLite
/// DEPTHWISE_CONV_2D, per-channel requantization, NHWC, batch 1, no dilation):
///   out[oy][ox][c] = requantize_c(bias[c] + sum_{ky,kx} w[ky][kx][c] * (x[iy][ix][c] - zp))
/// with padded taps skipped (input padded with its zero point). Weights in TFLite's
/// 1 x kernel_h x kernel_w x channels order, unpacked. The DSP path takes 4 channels per
/// word: SXTAB16/SXTB16 split inputs and weights into halfword pairs and SMLABB/SMLATT
/// multiply-accumulate each channel on its own (no cross-channel sums).
/// Precondition: accumulators fit int32. Memory: none besides the caller's tensors.

#include <cstddef>
#include <cstdint>

#include "conv_geometry.hpp"
#include "detail/int8_dot.hpp"
#include "kernel_path.hpp"
#include "requantize.hpp"

namespace edgeloop::quant {

struct depthwise_conv2d_layer {
  std::size_t in_h = 0, in_w = 0, channels = 0;
  std::size_t kernel_h = 1, kernel_w = 1, stride_h = 1, stride_w = 1;
  padding pad = padding::valid;
  const std::int8_t* weights = nullptr;              ///< [kernel_h][kernel_w][channels]
  const std::int32_t* bias = nullptr;                ///< channels entries, or null
  const quantized_multiplier* multipliers = nullptr;  ///< per channel
  std::int32_t input_zero_point = 0;
  output_stage output{};

  constexpr std::size_t out_h() const noexcept { return output_size(in_h, kernel_h, stride_h, pad); }
  constexpr std::size_t out_w() const noexcept { return output_size(in_w, kernel_w, stride_w, pad); }
};

namespace detail {

/// Channels [c0, c0 + 4) of one output pixel over the valid taps; acc holds the biases.
template <class Path>
[[gnu::always_inline]] inline void depthwise_four(Path, const depthwise_conv2d_layer& l, const std::int8_t* input,
                                                  long origin, const std::int8_t* w_origin, tap_range ky, tap_range kx,
                                                  std::int32_t x_offset, std::int32_t* acc) noexcept {
  const std::size_t row_stride = l.in_w * l.channels, w_row_stride = l.kernel_w * l.channels;
#if EDGELOOP_QUANT_HAS_DSP
  if constexpr (__is_same(Path, dsp_path)) {
    const auto offset2 = static_cast<std::int32_t>((static_cast<std::uint32_t>(x_offset) & 0xFFFFu) * 0x10001u);
    std::int32_t a0 = acc[0], a1 = acc[1], a2 = acc[2], a3 = acc[3];
    for (std::size_t y = ky.begin; y < ky.end; ++y) {
      const std::int8_t* x = input + (origin + static_cast<long>(y * row_stride + kx.begin * l.channels));
      const std::int8_t* w = w_origin + y * w_row_stride + kx.begin * l.channels;
      for (std::size_t n = kx.end - kx.begin; n > 0; --n, x += l.channels, w += l.channels) {
        const std::uint32_t xw = load_word(x), ww = load_word(w);
        const std::int32_t xe = __sxtab16(offset2, static_cast<std::int32_t>(xw)), xo = sxtab16_ror8(offset2, xw);
        const std::int32_t we = __sxtb16(static_cast<std::int32_t>(ww)), wo = sxtb16_ror8(ww);
        a0 = __smlabb(xe, we, a0);
        a2 = __smlatt(xe, we, a2);
        a1 = __smlabb(xo, wo, a1);
        a3 = __smlatt(xo, wo, a3);
      }
    }
    acc[0] = a0, acc[1] = a1, acc[2] = a2, acc[3] = a3;
    return;
  }
#endif
  for (std::size_t y = ky.begin; y < ky.end; ++y) {
    const std::int8_t* x = input + (origin + static_cast<long>(y * row_stride + kx.begin * l.channels));
    const std::int8_t* w = w_origin + y * w_row_stride + kx.begin * l.channels;
    for (std::size_t n = kx.end - kx.begin; n > 0; --n, x += l.channels, w += l.channels)
      for (std::size_t j = 0; j < 4; ++j) acc[j] += std::int32_t{w[j]} * (std::int32_t{x[j]} + x_offset);
  }
}

}  // namespace detail

/// One image: input[in_h][in_w][channels] -> output[out_h][out_w][channels].
template <kernel_path Path = default_path>
void depthwise_conv2d(const depthwise_conv2d_layer& l, const std::int8_t* input, std::int8_t* output) noexcept {
  const std::size_t oh = l.out_h(), ow = l.out_w(), ch = l.channels;
  const long pad_top = static_cast<long>(padding_before(l.in_h, l.kernel_h, l.stride_h, l.pad));
  const long pad_left = static_cast<long>(padding_before(l.in_w, l.kernel_w, l.stride_w, l.pad));
  const std::int32_t x_offset = -l.input_zero_point;
  const std::size_t row_stride = l.in_w * ch, w_row_stride = l.kernel_w * ch;
  for (std::size_t oy = 0; oy < oh; ++oy) {
    const long iy0 = static_cast<long>(oy * l.stride_h) - pad_top;
    const tap_range ky = valid_taps(iy0, l.kernel_h, l.in_h);
    for (std::size_t ox = 0; ox < ow; ++ox, output += ch) {
      const long ix0 = static_cast<long>(ox * l.stride_w) - pad_left;
      const tap_range kx = valid_taps(ix0, l.kernel_w, l.in_w);
      // Offset of the window's first tap (negative in the padding: only valid taps are read).
      const long origin = iy0 * static_cast<long>(row_stride) + ix0 * static_cast<long>(ch);
      std::size_t c = 0;
      for (; c + 4 <= ch; c += 4) {
        std::int32_t acc[4];
        for (std::size_t j = 0; j < 4; ++j) acc[j] = l.bias ? l.bias[c + j] : 0;
        detail::depthwise_four(Path{}, l, input, origin + static_cast<long>(c), l.weights + c, ky, kx, x_offset, acc);
        for (std::size_t j = 0; j < 4; ++j) output[c + j] = requantize(acc[j], l.multipliers[c + j], l.output);
      }
      for (; c < ch; ++c) {
        std::int32_t acc = l.bias ? l.bias[c] : 0;
        for (std::size_t y = ky.begin; y < ky.end; ++y)
          for (std::size_t xk = kx.begin; xk < kx.end; ++xk)
            acc += std::int32_t{l.weights[y * w_row_stride + xk * ch + c]} *
                   (std::int32_t{input[origin + static_cast<long>(y * row_stride + xk * ch + c)]} + x_offset);
        output[c] = requantize(acc, l.multipliers[c], l.output);
      }
    }
  }
}

}  // namespace edgeloop::quant
