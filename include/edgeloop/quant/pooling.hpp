#pragma once
/// pooling: int8 max and average pooling (TFLite MAX_POOL_2D / AVERAGE_POOL_2D, NHWC,
/// batch 1). Input and output share scale and zero point; only valid taps count (padding
/// is ignored, not zero). Average: sum / count rounded half away from zero, as TFLite.
/// Both clamp to the fused activation range. Memory: none besides the caller's tensors.

#include <cstddef>
#include <cstdint>

#include "conv_geometry.hpp"

#if defined(__x86_64__) && defined(__SSE2__)
#include <emmintrin.h>
#endif

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
/// Calls visit(first, rows, cols, out) for every output pixel: `first` is its first valid
/// input tap (NHWC), rows x cols the valid taps, `out` its output channels.
template <class Visit>
void for_each_window(const pool2d_layer& l, const std::int8_t* input, std::int8_t* output, Visit visit) noexcept {
  const long pad_top = static_cast<long>(padding_before(l.in_h, l.pool_h, l.stride_h, l.pad));
  const long pad_left = static_cast<long>(padding_before(l.in_w, l.pool_w, l.stride_w, l.pad));
  const std::size_t oh = l.out_h(), ow = l.out_w();
  for (std::size_t oy = 0; oy < oh; ++oy) {
    const long iy0 = static_cast<long>(oy * l.stride_h) - pad_top;
    const tap_range ky = valid_taps(iy0, l.pool_h, l.in_h);
    for (std::size_t ox = 0; ox < ow; ++ox, output += l.channels) {
      const long ix0 = static_cast<long>(ox * l.stride_w) - pad_left;
      const tap_range kx = valid_taps(ix0, l.pool_w, l.in_w);
      const std::size_t first = (static_cast<std::size_t>(iy0 + static_cast<long>(ky.begin)) * l.in_w +
                                 static_cast<std::size_t>(ix0 + static_cast<long>(kx.begin))) * l.channels;
      visit(input + first, ky.end - ky.begin, kx.end - kx.begin, output);
    }
  }
}

/// Channels per chunk of the window loops (the channel loop is the inner, contiguous one,
/// so compilers vectorise it; average pooling keeps this many int32 sums on the stack).
inline constexpr std::size_t pool_chunk = 32;
}  // namespace detail

/// input[in_h][in_w][channels] -> output[out_h][out_w][channels], maximum of each window.
inline void max_pool2d(const pool2d_layer& l, const std::int8_t* input, std::int8_t* output) noexcept {
  const std::size_t channels = l.channels, row_stride = l.in_w * channels;
  const std::int8_t low = l.activation_min, high = l.activation_max;
  if (l.pool_h == 2 && l.pool_w == 2 && l.stride_h == 2 && l.stride_w == 2 && l.pad == padding::valid) {
    // The common 2x2 / 2 VALID pooling: every window whole, four taps per channel.
    const std::size_t oh = l.out_h(), ow = l.out_w();
    for (std::size_t oy = 0; oy < oh; ++oy)
      for (std::size_t ox = 0; ox < ow; ++ox, output += channels) {
        const std::int8_t* a = input + (2 * oy * l.in_w + 2 * ox) * channels;
        const std::int8_t* b = a + channels;
        const std::int8_t* d = a + row_stride;
        const std::int8_t* e = d + channels;
        std::size_t c = 0;
#if defined(__x86_64__) && defined(__SSE2__)
        // x86-64 hosts: 16 (or, with 8 channels, both columns' 8) channels per SSE2 word,
        // as unsigned bytes x ^ 0x80 (SSE2's byte maximum is unsigned; the order is kept).
        const __m128i flip = _mm_set1_epi8(static_cast<char>(0x80));
        const __m128i floor_u8 = _mm_set1_epi8(static_cast<char>(low ^ 0x80)), ceiling_u8 = _mm_set1_epi8(static_cast<char>(high ^ 0x80));
        auto load = [&](const std::int8_t* p) { return _mm_xor_si128(_mm_loadu_si128(reinterpret_cast<const __m128i*>(p)), flip); };
        auto clamp = [&](__m128i v) { return _mm_xor_si128(_mm_min_epu8(_mm_max_epu8(v, floor_u8), ceiling_u8), flip); };
        if (channels == 8) {  // a and b are one 16-byte word, d and e another
          const __m128i m = _mm_max_epu8(load(a), load(d));
          _mm_storel_epi64(reinterpret_cast<__m128i*>(output), clamp(_mm_max_epu8(m, _mm_srli_si128(m, 8))));
          c = 8;
        }
        for (; c + 16 <= channels; c += 16) {
          const __m128i m = _mm_max_epu8(_mm_max_epu8(load(a + c), load(b + c)), _mm_max_epu8(load(d + c), load(e + c)));
          _mm_storeu_si128(reinterpret_cast<__m128i*>(output + c), clamp(m));
        }
#endif
        for (; c < channels; ++c) {
          const std::int8_t top = a[c] > b[c] ? a[c] : b[c], bottom = d[c] > e[c] ? d[c] : e[c];
          std::int8_t v = top > bottom ? top : bottom;
          v = v < low ? low : v;
          output[c] = v > high ? high : v;
        }
      }
    return;
  }
  detail::for_each_window(l, input, output,
                          [&](const std::int8_t* x, std::size_t rows, std::size_t cols, std::int8_t* y) noexcept {
                            for (std::size_t c0 = 0; c0 < channels; c0 += detail::pool_chunk) {
                              const std::size_t n = channels - c0 < detail::pool_chunk ? channels - c0 : detail::pool_chunk;
                              std::int8_t best[detail::pool_chunk];
                              for (std::size_t c = 0; c < n; ++c) best[c] = -128;
                              for (std::size_t r = 0; r < rows; ++r)
                                for (std::size_t k = 0; k < cols; ++k) {
                                  const std::int8_t* t = x + r * row_stride + k * channels + c0;
                                  for (std::size_t c = 0; c < n; ++c) best[c] = t[c] > best[c] ? t[c] : best[c];
                                }
                              for (std::size_t c = 0; c < n; ++c) {
                                const std::int8_t v = best[c] < low ? low : best[c];
                                y[c0 + c] = v > high ? high : v;
                              }
                            }
                          });
}

/// input[in_h][in_w][channels] -> output[out_h][out_w][channels], rounded mean of each window.
inline void average_pool2d(const pool2d_layer& l, const std::int8_t* input, std::int8_t* output) noexcept {
  const std::size_t channels = l.channels, row_stride = l.in_w * channels;
  const std::int32_t low = l.activation_min, high = l.activation_max;
  detail::for_each_window(l, input, output,
                          [&](const std::int8_t* x, std::size_t rows, std::size_t cols, std::int8_t* y) noexcept {
                            const auto count = static_cast<std::int32_t>(rows * cols);
                            for (std::size_t c0 = 0; c0 < channels; c0 += detail::pool_chunk) {
                              const std::size_t n = channels - c0 < detail::pool_chunk ? channels - c0 : detail::pool_chunk;
                              std::int32_t sum[detail::pool_chunk] = {};
                              for (std::size_t r = 0; r < rows; ++r)
                                for (std::size_t k = 0; k < cols; ++k) {
                                  const std::int8_t* t = x + r * row_stride + k * channels + c0;
                                  for (std::size_t c = 0; c < n; ++c) sum[c] += t[c];
                                }
                              for (std::size_t c = 0; c < n; ++c) {
                                const std::int32_t s = sum[c];
                                std::int32_t v = count == 0 ? 0 : (s > 0 ? (s + count / 2) / count : (s - count / 2) / count);
                                v = v < low ? low : v;
                                y[c0 + c] = static_cast<std::int8_t>(v > high ? high : v);
                              }
                            }
                          });
}

}  // namespace edgeloop::quant
