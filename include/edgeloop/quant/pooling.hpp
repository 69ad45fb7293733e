#pragma once
/// pooling: int8 max and average pooling (TFLite MAX_POOL_2D / AVERAGE_POOL_2D, NHWC,
/// batch 1). Input and output share scale and zero point; only valid taps count (padding
/// is ignored, not zero). Average: sum / count rounded half away from zero, as TFLite.
/// Both clamp to the fused activation range. Memory: none besides the caller's tensors.

#include <cstddef>
#include <cstdint>

#include "conv_geometry.hpp"

namespace edgeloop::quant {

struct pool2d_layer {
  std::size_t in_h = 0, in_w = 0, channels = 0;
  std::size_t pool_h = 2, pool_w = 2, stride_h = 2, stride_w = 2;
  padding pad = padding::valid;
  std::int8_t activation_min = -128;
  std::int8_t activation_max = 127;

  constexpr std::size_t out_h() const noexcept { return output_size(in_h, pool_h, stride_h, pad); }
  constexpr std::size_t out_w() const noexcept { return output_size(in_w, pool_w, stride_w, pad); }
};

namespace detail {
template <class Reduce>
void pool2d(const pool2d_layer& l, const std::int8_t* input, std::int8_t* output, Reduce reduce) noexcept {
  const long pad_top = static_cast<long>(padding_before(l.in_h, l.pool_h, l.stride_h, l.pad));
  const long pad_left = static_cast<long>(padding_before(l.in_w, l.pool_w, l.stride_w, l.pad));
  for (std::size_t oy = 0; oy < l.out_h(); ++oy) {
    const long iy0 = static_cast<long>(oy * l.stride_h) - pad_top;
    const tap_range ky = valid_taps(iy0, l.pool_h, l.in_h);
    for (std::size_t ox = 0; ox < l.out_w(); ++ox, output += l.channels) {
      const long ix0 = static_cast<long>(ox * l.stride_w) - pad_left;
      const tap_range kx = valid_taps(ix0, l.pool_w, l.in_w);
      const std::size_t first = (static_cast<std::size_t>(iy0 + static_cast<long>(ky.begin)) * l.in_w +
                                 static_cast<std::size_t>(ix0 + static_cast<long>(kx.begin))) * l.channels;
      for (std::size_t c = 0; c < l.channels; ++c) {
        std::int32_t v = reduce(input + first + c, ky.end - ky.begin, kx.end - kx.begin, l.in_w * l.channels,
                                l.channels);
        if (v < l.activation_min) v = l.activation_min;
        if (v > l.activation_max) v = l.activation_max;
        output[c] = static_cast<std::int8_t>(v);
      }
    }
  }
}
}  // namespace detail

/// input[in_h][in_w][channels] -> output[out_h][out_w][channels], maximum of each window.
inline void max_pool2d(const pool2d_layer& l, const std::int8_t* input, std::int8_t* output) noexcept {
  detail::pool2d(l, input, output,
                 [](const std::int8_t* x, std::size_t rows, std::size_t cols, std::size_t row_stride,
                    std::size_t col_stride) noexcept {
                   std::int32_t best = -128;
                   for (std::size_t y = 0; y < rows; ++y)
                     for (std::size_t c = 0; c < cols; ++c) {
                       const std::int32_t v = x[y * row_stride + c * col_stride];
                       if (v > best) best = v;
                     }
                   return best;
                 });
}

/// input[in_h][in_w][channels] -> output[out_h][out_w][channels], rounded mean of each window.
inline void average_pool2d(const pool2d_layer& l, const std::int8_t* input, std::int8_t* output) noexcept {
  detail::pool2d(l, input, output,
                 [](const std::int8_t* x, std::size_t rows, std::size_t cols, std::size_t row_stride,
                    std::size_t col_stride) noexcept {
                   std::int32_t sum = 0;
                   for (std::size_t y = 0; y < rows; ++y)
                     for (std::size_t c = 0; c < cols; ++c) sum += x[y * row_stride + c * col_stride];
                   const auto count = static_cast<std::int32_t>(rows * cols);
                   if (count == 0) return std::int32_t{0};
                   return sum > 0 ? (sum + count / 2) / count : (sum - count / 2) / count;
                 });
}

}  // namespace edgeloop::quant
