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

/// Channels [c, c + 4) of one output pixel: `taps_w` valid taps per kernel row over `rows`
/// kernel rows, from the first valid tap x / w; acc holds the biases.
template <class Path>
[[gnu::always_inline]] inline void depthwise_four(Path, const std::int8_t* x, const std::int8_t* w, std::size_t rows,
                                                  std::size_t taps_w, std::size_t channels, std::size_t x_row_step,
                                                  std::size_t w_row_step, std::int32_t x_offset, std::int32_t* acc) noexcept {
#if EDGELOOP_QUANT_HAS_DSP
  if constexpr (__is_same(Path, dsp_path)) {
    const auto offset2 = static_cast<std::int32_t>((static_cast<std::uint32_t>(x_offset) & 0xFFFFu) * 0x10001u);
    std::int32_t a0 = acc[0], a1 = acc[1], a2 = acc[2], a3 = acc[3];
    auto tap = [&](const std::int8_t* xt, const std::int8_t* wt) __attribute__((always_inline)) {
      const std::uint32_t xw = load_word(xt), ww = load_word(wt);
      const std::int32_t xe = __sxtab16(offset2, static_cast<std::int32_t>(xw)), xo = sxtab16_ror8(offset2, xw);
      const std::int32_t we = __sxtb16(static_cast<std::int32_t>(ww)), wo = sxtb16_ror8(ww);
      a0 = __smlabb(xe, we, a0);
      a2 = __smlatt(xe, we, a2);
      a1 = __smlabb(xo, wo, a1);
      a3 = __smlatt(xo, wo, a3);
    };
    if (taps_w == 3) {  // 3-wide kernels: no per-tap loop
      const std::size_t two = 2 * channels;
      for (; rows > 0; --rows, x += x_row_step + 3 * channels, w += w_row_step + 3 * channels) {
        tap(x, w);
        tap(x + channels, w + channels);
        tap(x + two, w + two);
      }
    } else {
      for (; rows > 0; --rows, x += x_row_step, w += w_row_step)
        for (std::size_t n = taps_w; n > 0; --n, x += channels, w += channels) tap(x, w);
    }
    acc[0] = a0, acc[1] = a1, acc[2] = a2, acc[3] = a3;
    return;
  }
#endif
  for (; rows > 0; --rows, x += x_row_step, w += w_row_step)
    for (std::size_t n = taps_w; n > 0; --n, x += channels, w += channels)
      for (std::size_t j = 0; j < 4; ++j) acc[j] += std::int32_t{w[j]} * (std::int32_t{x[j]} + x_offset);
}

}  // namespace detail

namespace detail {
template <class Path, bool FullRange>
void depthwise_conv2d(const depthwise_conv2d_layer& l, const std::int8_t* input, std::int8_t* output) noexcept {
  // Locals, not l.*: the int8 stores could alias the layer, forcing reloads.
  const std::size_t oh = l.out_h(), ow = l.out_w(), ch = l.channels, in_h = l.in_h, in_w = l.in_w;
  const std::size_t kernel_h = l.kernel_h, kernel_w = l.kernel_w, stride_h = l.stride_h, stride_w = l.stride_w;
  const std::int8_t* const weights = l.weights;
  const std::int32_t* const bias = l.bias;
  const quantized_multiplier* const multipliers = l.multipliers;
  const basic_output_clamp<FullRange> out(l.output);
  const long pad_top = static_cast<long>(padding_before(in_h, kernel_h, stride_h, l.pad));
  const long pad_left = static_cast<long>(padding_before(in_w, kernel_w, stride_w, l.pad));
  const std::int32_t x_offset = -l.input_zero_point;
  for (std::size_t oy = 0; oy < oh; ++oy) {
    const long iy0 = static_cast<long>(oy * stride_h) - pad_top;
    const tap_range ky = valid_taps(iy0, kernel_h, in_h);
    for (std::size_t ox = 0; ox < ow; ++ox, output += ch) {
      const long ix0 = static_cast<long>(ox * stride_w) - pad_left;
      const tap_range kx = valid_taps(ix0, kernel_w, in_w);
      const std::size_t rows = ky.end - ky.begin, taps_w = kx.end - kx.begin;
      // First valid tap (channel 0) in the input and in the weights.
      const std::int8_t* const x_first =
          input + (static_cast<std::size_t>(iy0 + static_cast<long>(ky.begin)) * in_w +
                   static_cast<std::size_t>(ix0 + static_cast<long>(kx.begin))) * ch;
      const std::int8_t* const w_first = weights + (ky.begin * kernel_w + kx.begin) * ch;
      const std::size_t x_row_step = (in_w - taps_w) * ch, w_row_step = (kernel_w - taps_w) * ch;
      std::size_t c = 0;
      for (; c + 4 <= ch; c += 4) {
        std::int32_t acc[4];
        if (bias) acc[0] = bias[c], acc[1] = bias[c + 1], acc[2] = bias[c + 2], acc[3] = bias[c + 3];
        else acc[0] = acc[1] = acc[2] = acc[3] = 0;
        depthwise_four(Path{}, x_first + c, w_first + c, rows, taps_w, ch, x_row_step, w_row_step, x_offset,
                               acc);
        out.four(acc, multipliers + c, output + c);
      }
      for (; c < ch; ++c) {
        std::int32_t acc = bias ? bias[c] : 0;
        for (std::size_t y = 0; y < rows; ++y)
          for (std::size_t xk = 0; xk < taps_w; ++xk)
            acc += std::int32_t{w_first[(y * kernel_w + xk) * ch + c]} *
                   (std::int32_t{x_first[(y * in_w + xk) * ch + c]} + x_offset);
        output[c] = out(acc, multipliers[c].multiplier, multipliers[c].shift);
      }
    }
  }
}

}  // namespace detail

/// One image: input[in_h][in_w][channels] -> output[out_h][out_w][channels].
template <kernel_path Path = default_path>
void depthwise_conv2d(const depthwise_conv2d_layer& l, const std::int8_t* input, std::int8_t* output) noexcept {
  if (full_range(l.output)) detail::depthwise_conv2d<Path, true>(l, input, output);
  else detail::depthwise_conv2d<Path, false>(l, input, output);
}

}  // namespace edgeloop::quant
