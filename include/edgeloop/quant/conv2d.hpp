#pragma once
/// conv2d: int8 2-D convolution (TFLite CONV_2D, per-channel requantization, NHWC,
/// batch 1, no dilation) over caller buffers:
///   out[oy][ox][o] = requantize_o(bias[o] + sum_{ky,kx,c} w[o][ky][kx][c] * (x[iy][ix][c] - zp))
/// with iy = oy*stride_h - pad_top + ky (same for x); taps in the padding are skipped, i.e.
/// the input is padded with its zero point. Weights: TFLite OHWI packed with
/// pack_weights(w, out_channels, kernel_h*kernel_w*in_channels, ...).
/// No im2col buffer: with in_channels % 4 == 0 the taps of one kernel row are contiguous
/// in the input and in the weights, so each valid kernel row is one dot_rows() call of 4
/// output channels (inputs minus zero point via SXTAB16 on the DSP path); 1x1 stride-1
/// layers (pointwise) run as a dense layer per pixel; other channel counts take a plain
/// per-tap loop. Precondition (as TFLite): accumulators fit int32.
/// Memory: none besides the caller's tensors.

#include <cstddef>
#include <cstdint>

#include "conv_geometry.hpp"
#include "detail/int8_dot.hpp"
#include "kernel_path.hpp"
#include "requantize.hpp"
#include "weight_packing.hpp"

namespace edgeloop::quant {

struct conv2d_layer {
  std::size_t in_h = 0, in_w = 0, in_channels = 0, out_channels = 0;
  std::size_t kernel_h = 1, kernel_w = 1, stride_h = 1, stride_w = 1;
  padding pad = padding::valid;
  const std::int8_t* weights = nullptr;              ///< packed OHWI
  const std::int32_t* bias = nullptr;                ///< out_channels entries, or null
  const quantized_multiplier* multipliers = nullptr;  ///< per output channel
  std::int32_t input_zero_point = 0;
  output_stage output{};

  constexpr std::size_t out_h() const noexcept { return output_size(in_h, kernel_h, stride_h, pad); }
  constexpr std::size_t out_w() const noexcept { return output_size(in_w, kernel_w, stride_w, pad); }
  constexpr std::size_t depth() const noexcept { return kernel_h * kernel_w * in_channels; }
};

/// One image: input[in_h][in_w][in_channels] -> output[out_h][out_w][out_channels].
template <kernel_path Path = default_path>
void conv2d(const conv2d_layer& l, const std::int8_t* input, std::int8_t* output) noexcept {
  // Locals, not l.*: the int8 stores could alias the layer, forcing reloads.
  const std::size_t oh = l.out_h(), ow = l.out_w(), depth = l.depth(), c = l.in_channels;
  const std::size_t in_h = l.in_h, in_w = l.in_w, out_c = l.out_channels, kernel_h = l.kernel_h,
                    kernel_w = l.kernel_w, stride_h = l.stride_h, stride_w = l.stride_w;
  const std::int8_t* const weights = l.weights;
  const std::int32_t* const bias = l.bias;
  const quantized_multiplier* const multipliers = l.multipliers;
  const output_clamp out(l.output);
  const long pad_top = static_cast<long>(padding_before(in_h, kernel_h, stride_h, l.pad));
  const long pad_left = static_cast<long>(padding_before(in_w, kernel_w, stride_w, l.pad));
  const std::int32_t x_offset = -l.input_zero_point;
  const bool word_rows = c % 4 == 0;
  if (word_rows && out_c % packed_rows == 0 && kernel_h == 1 && kernel_w == 1 && stride_h == 1 && stride_w == 1) {
    // Pointwise (1x1, stride 1, never padded): a dense layer per pixel, with the input offset.
    const std::size_t groups = c / 4, pixels = in_h * in_w;
    for (std::size_t p = 0; p < pixels; ++p, input += c) {
      const std::int8_t* w = weights;
      for (std::size_t o = 0; o < out_c; o += packed_rows, w += packed_rows * c, output += packed_rows) {
        std::int32_t acc[packed_rows] = {};
        if (bias) acc[0] = bias[o], acc[1] = bias[o + 1], acc[2] = bias[o + 2], acc[3] = bias[o + 3];
        detail::dot_rows<packed_rows>(Path{}, input, w, groups, x_offset, acc);
        out.four(acc, multipliers + o, output);
      }
    }
    return;
  }
  for (std::size_t oy = 0; oy < oh; ++oy) {
    const long iy0 = static_cast<long>(oy * stride_h) - pad_top;
    const tap_range ky = valid_taps(iy0, kernel_h, in_h);
    for (std::size_t ox = 0; ox < ow; ++ox, output += out_c) {
      const long ix0 = static_cast<long>(ox * stride_w) - pad_left;
      const tap_range kx = valid_taps(ix0, kernel_w, in_w);
      const std::size_t span_groups = (kx.end - kx.begin) * c / 4;
      // First valid tap of the first valid kernel row, and its offset in a weight row.
      const std::int8_t* const x_first =
          input + (static_cast<std::size_t>(iy0 + static_cast<long>(ky.begin)) * in_w +
                   static_cast<std::size_t>(ix0 + static_cast<long>(kx.begin))) * c;
      const std::size_t k_first = (ky.begin * kernel_w + kx.begin) * c;
      const std::int8_t* w = weights;
      for (std::size_t o = 0; o < out_c; o += packed_rows, w += packed_rows * depth) {
        const std::size_t rows = out_c - o < packed_rows ? out_c - o : packed_rows;
        std::int32_t acc[packed_rows] = {};
        if (bias)
          for (std::size_t r = 0; r < rows; ++r) acc[r] = bias[o + r];
        if (word_rows && rows == packed_rows) {  // the common case, without the row-count switch
          const std::int8_t* x = x_first;
          const std::int8_t* wk = w + k_first * packed_rows;
          for (std::size_t y = ky.begin; y < ky.end; ++y, x += in_w * c, wk += kernel_w * c * packed_rows)
            detail::dot_rows<packed_rows>(Path{}, x, wk, span_groups, x_offset, acc);
        } else if (word_rows) {
          const std::int8_t* x = x_first;
          const std::int8_t* wk = w + k_first * rows;
          for (std::size_t y = ky.begin; y < ky.end; ++y, x += in_w * c, wk += kernel_w * c * rows)
            detail::dot_block<Path>(rows, x, wk, span_groups, x_offset, acc);
        } else {
          for (std::size_t y = ky.begin; y < ky.end; ++y)
            for (std::size_t xk = kx.begin; xk < kx.end; ++xk) {
              const std::int8_t* x = x_first + ((y - ky.begin) * in_w + (xk - kx.begin)) * c;
              const std::size_t k0 = (y * kernel_w + xk) * c;
              for (std::size_t ci = 0; ci < c; ++ci) {
                const std::int32_t xv = std::int32_t{x[ci]} + x_offset;
                for (std::size_t r = 0; r < rows; ++r)
                  acc[r] += std::int32_t{weights[packed_index(out_c, depth, o + r, k0 + ci)]} * xv;
              }
            }
        }
        if (rows == packed_rows) {
          out.four(acc, multipliers + o, output + o);
        } else {
          for (std::size_t r = 0; r < rows; ++r)
            output[o + r] = out(acc[r], multipliers[o + r].multiplier, multipliers[o + r].shift);
        }
      }
    }
  }
}

}  // namespace edgeloop::quant
