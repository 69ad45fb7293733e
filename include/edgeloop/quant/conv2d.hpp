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
/// layers (pointwise) run as a dense layer per pixel. Other channel counts (e.g. the
/// 1-channel first layer of an image network) gather each output pixel's receptive field
/// into one contiguous patch of depth() bytes (padding taps hold the zero point, so they
/// add 0), which is then one dot_rows() call per 4 output channels over its whole words
/// plus the depth % 4 tail weights; receptive fields deeper than max_gathered_depth take a
/// plain per-tap loop. On x86-64 hosts (portable path, SSE2) every convolution but 1x1
/// whose receptive field fits is gathered as int16 (x - zp) and multiplied with an int16
/// table of the weights made once per call, two taps of four channels per PMADDWD, and
/// requantized four channels at a time (detail/requantize_sse2.hpp): the same integers.
/// Precondition (as TFLite): accumulators fit int32.
/// Memory: none besides the caller's tensors; max_gathered_depth bytes of stack (x86-64
/// hosts: up to 8 KB of weight table and 4 KB of output-stage constants).

#include <cstddef>
#include <cstdint>

#include "conv_geometry.hpp"
#include "detail/int8_dot.hpp"
#include "detail/int8_vnni.hpp"
#include "detail/requantize_sse2.hpp"
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

/// Receptive fields up to this many bytes (kernel_h * kernel_w * in_channels) are gathered
/// into a patch when in_channels % 4 != 0 (7x7x3 = 147 fits).
inline constexpr std::size_t max_gathered_depth = 160;

namespace detail {
/// Copies the receptive field of one output pixel (kernel_h x kernel_w taps of C channels;
/// C == 0 / KW == 0: `channels` / kernel_w at run time) into patch as x - subtract, with
/// `pad` in the padding taps.
template <std::size_t C, std::size_t KW, class T>
[[gnu::always_inline]] inline void gather_patch(const std::int8_t* input, std::size_t in_w, long iy0, long ix0,
                                                tap_range ky, tap_range kx, std::size_t kernel_h,
                                                std::size_t kernel_w_run, T pad, std::int32_t subtract, T* patch,
                                                std::size_t channels) noexcept {
  const std::size_t c = C != 0 ? C : channels, kernel_w = KW != 0 ? KW : kernel_w_run;
  if (ky.end - ky.begin == kernel_h && kx.end - kx.begin == kernel_w) {
    // Inside the image: each kernel row is kernel_w * c contiguous bytes.
    const std::size_t row_bytes = kernel_w * c;
    const std::int8_t* x = input + (static_cast<std::size_t>(iy0) * in_w + static_cast<std::size_t>(ix0)) * c;
    for (std::size_t y = 0; y < kernel_h; ++y, x += in_w * c, patch += row_bytes)
      for (std::size_t i = 0; i < row_bytes; ++i) patch[i] = static_cast<T>(x[i] - subtract);
    return;
  }
  for (std::size_t y = 0; y < kernel_h; ++y) {
    const bool row_valid = y >= ky.begin && y < ky.end;
    const long row = (iy0 + static_cast<long>(y)) * static_cast<long>(in_w) + ix0;  // < 0 only if not valid
    for (std::size_t xk = 0; xk < kernel_w; ++xk, patch += c) {
      if (row_valid && xk >= kx.begin && xk < kx.end) {
        const std::int8_t* x = input + static_cast<std::size_t>(row + static_cast<long>(xk)) * c;
        for (std::size_t ci = 0; ci < c; ++ci) patch[ci] = static_cast<T>(x[ci] - subtract);
      } else {
        for (std::size_t ci = 0; ci < c; ++ci) patch[ci] = pad;
      }
    }
  }
}

/// gather_patch with the copy unrolled for 1-4 and 8 channels (grayscale, RGB, small
/// layers) and 3-wide kernels.
template <class T>
[[gnu::always_inline]] inline void gather_any_patch(std::size_t c, const std::int8_t* input, std::size_t in_w,
                                                    long iy0, long ix0, tap_range ky, tap_range kx,
                                                    std::size_t kernel_h, std::size_t kernel_w, T pad,
                                                    std::int32_t subtract, T* patch) noexcept {
#define EDGELOOP_QUANT_GATHER(C, KW) \
  gather_patch<C, KW>(input, in_w, iy0, ix0, ky, kx, kernel_h, kernel_w, pad, subtract, patch, c)
  if (kernel_w == 3) {
    switch (c) {
      case 1: EDGELOOP_QUANT_GATHER(1, 3); return;
      case 2: EDGELOOP_QUANT_GATHER(2, 3); return;
      case 3: EDGELOOP_QUANT_GATHER(3, 3); return;
      case 4: EDGELOOP_QUANT_GATHER(4, 3); return;
      case 8: EDGELOOP_QUANT_GATHER(8, 3); return;
      default: EDGELOOP_QUANT_GATHER(0, 3); return;
    }
  }
  switch (c) {
    case 1: EDGELOOP_QUANT_GATHER(1, 0); return;
    case 2: EDGELOOP_QUANT_GATHER(2, 0); return;
    case 3: EDGELOOP_QUANT_GATHER(3, 0); return;
    case 4: EDGELOOP_QUANT_GATHER(4, 0); return;
    case 8: EDGELOOP_QUANT_GATHER(8, 0); return;
    default: EDGELOOP_QUANT_GATHER(0, 0); return;
  }
#undef EDGELOOP_QUANT_GATHER
}

#if EDGELOOP_QUANT_HOST_SSE2
/// int16 entries of the weight table of conv2d_gathered_pairs (8 KB of stack), and its
/// most blocks of four output channels (4 KB of output-stage constants).
inline constexpr std::size_t max_pair_table = 4096, max_pair_blocks = 64;

/// x86-64 hosts: conv2d_gathered with the weights widened once per call to an int16 table
/// (taps 2p and 2p + 1 of 4 output channels per 128-bit word) and each patch gathered as
/// int16 x - zero point (padding taps 0), so one PMADDWD does two taps of four channels.
/// Integer arithmetic: the same sums as the other paths. False (nothing done) when the
/// table does not fit.
inline bool conv2d_gathered_pairs(const conv2d_layer& l, const std::int8_t* input, std::int8_t* output) noexcept {
  const std::size_t oh = l.out_h(), ow = l.out_w(), depth = l.depth(), c = l.in_channels;
  const std::size_t out_c = l.out_channels, pairs = (depth + 1) / 2, blocks = (out_c + packed_rows - 1) / packed_rows;
  if (blocks * pairs * 8 > max_pair_table || blocks > max_pair_blocks) return false;
  alignas(16) std::int16_t table[max_pair_table];
  for (std::size_t b = 0; b < blocks; ++b)
    for (std::size_t p = 0; p < pairs; ++p)
      for (std::size_t r = 0; r < packed_rows; ++r)
        for (std::size_t j = 0; j < 2; ++j) {
          const std::size_t o = b * packed_rows + r, k = 2 * p + j;
          table[(b * pairs + p) * 8 + 2 * r + j] =
              o < out_c && k < depth ? l.weights[packed_index(out_c, depth, o, k)] : std::int16_t{0};
        }
  // Bias and output stage per block of four channels (missing channels: 0, never stored).
  bool any_left = false;
  requantize4_constants stage[max_pair_blocks];
  __m128i bias[max_pair_blocks];
  for (std::size_t b = 0; b < blocks; ++b) {
    const std::size_t o = b * packed_rows, rows = out_c - o < packed_rows ? out_c - o : packed_rows;
    stage[b] = make_requantize4(l.multipliers + o, rows, any_left);
    alignas(16) std::int32_t v[packed_rows] = {};
    for (std::size_t r = 0; r < rows && l.bias != nullptr; ++r) v[r] = l.bias[o + r];
    bias[b] = _mm_load_si128(reinterpret_cast<const __m128i*>(v));
  }
  const __m128i low = _mm_set1_epi16(static_cast<short>(l.output.activation_min - l.output.zero_point));
  const __m128i high = _mm_set1_epi16(static_cast<short>(l.output.activation_max - l.output.zero_point));
  const __m128i out_zero_point = _mm_set1_epi16(static_cast<short>(l.output.zero_point));
  const std::size_t in_h = l.in_h, in_w = l.in_w, kernel_h = l.kernel_h, kernel_w = l.kernel_w,
                    stride_h = l.stride_h, stride_w = l.stride_w;
  const long pad_top = static_cast<long>(padding_before(in_h, kernel_h, stride_h, l.pad));
  const long pad_left = static_cast<long>(padding_before(in_w, kernel_w, stride_w, l.pad));
  const std::int32_t zero_point = l.input_zero_point;
  alignas(16) std::int16_t patch[max_gathered_depth + 8];
  patch[depth] = 0;  // the odd tap's partner
  __m128i rescaled[max_pair_blocks + 1];
  rescaled[blocks] = _mm_setzero_si128();  // the partner of an odd last block
  for (std::size_t oy = 0; oy < oh; ++oy) {
    const long iy0 = static_cast<long>(oy * stride_h) - pad_top;
    const tap_range ky = valid_taps(iy0, kernel_h, in_h);
    for (std::size_t ox = 0; ox < ow; ++ox, output += out_c) {
      const long ix0 = static_cast<long>(ox * stride_w) - pad_left;
      const tap_range kx = valid_taps(ix0, kernel_w, in_w);
      gather_any_patch<std::int16_t>(c, input, in_w, iy0, ix0, ky, kx, kernel_h, kernel_w, 0, zero_point, patch);
      const __m128i* t = reinterpret_cast<const __m128i*>(table);
      std::size_t b = 0;
      for (; b + 2 <= blocks; b += 2, t += 2 * pairs) {  // two blocks share each input pair
        const __m128i* u = t + pairs;
        __m128i sum0 = bias[b], sum1 = bias[b + 1];
        std::size_t p = 0;
        for (; p + 4 <= pairs; p += 4) {
          const __m128i x4 = _mm_load_si128(reinterpret_cast<const __m128i*>(patch + 2 * p));
          __m128i xv = _mm_shuffle_epi32(x4, 0x00);
          sum0 = _mm_add_epi32(sum0, _mm_madd_epi16(_mm_load_si128(t + p), xv));
          sum1 = _mm_add_epi32(sum1, _mm_madd_epi16(_mm_load_si128(u + p), xv));
          xv = _mm_shuffle_epi32(x4, 0x55);
          sum0 = _mm_add_epi32(sum0, _mm_madd_epi16(_mm_load_si128(t + p + 1), xv));
          sum1 = _mm_add_epi32(sum1, _mm_madd_epi16(_mm_load_si128(u + p + 1), xv));
          xv = _mm_shuffle_epi32(x4, 0xAA);
          sum0 = _mm_add_epi32(sum0, _mm_madd_epi16(_mm_load_si128(t + p + 2), xv));
          sum1 = _mm_add_epi32(sum1, _mm_madd_epi16(_mm_load_si128(u + p + 2), xv));
          xv = _mm_shuffle_epi32(x4, 0xFF);
          sum0 = _mm_add_epi32(sum0, _mm_madd_epi16(_mm_load_si128(t + p + 3), xv));
          sum1 = _mm_add_epi32(sum1, _mm_madd_epi16(_mm_load_si128(u + p + 3), xv));
        }
        for (; p < pairs; ++p) {
          std::int32_t two_taps;
          __builtin_memcpy(&two_taps, patch + 2 * p, 4);
          const __m128i xv = _mm_set1_epi32(two_taps);
          sum0 = _mm_add_epi32(sum0, _mm_madd_epi16(_mm_load_si128(t + p), xv));
          sum1 = _mm_add_epi32(sum1, _mm_madd_epi16(_mm_load_si128(u + p), xv));
        }
        rescaled[b] = rescale4(sum0, stage[b], any_left);
        rescaled[b + 1] = rescale4(sum1, stage[b + 1], any_left);
      }
      for (; b < blocks; ++b) {
        __m128i sum = bias[b];
        std::size_t p = 0;
        for (; p + 4 <= pairs; p += 4, t += 4) {  // four pairs from one aligned load
          const __m128i x4 = _mm_load_si128(reinterpret_cast<const __m128i*>(patch + 2 * p));
          sum = _mm_add_epi32(sum, _mm_madd_epi16(_mm_load_si128(t), _mm_shuffle_epi32(x4, 0x00)));
          sum = _mm_add_epi32(sum, _mm_madd_epi16(_mm_load_si128(t + 1), _mm_shuffle_epi32(x4, 0x55)));
          sum = _mm_add_epi32(sum, _mm_madd_epi16(_mm_load_si128(t + 2), _mm_shuffle_epi32(x4, 0xAA)));
          sum = _mm_add_epi32(sum, _mm_madd_epi16(_mm_load_si128(t + 3), _mm_shuffle_epi32(x4, 0xFF)));
        }
        for (; p < pairs; ++p, ++t) {
          std::int32_t two_taps;
          __builtin_memcpy(&two_taps, patch + 2 * p, 4);
          sum = _mm_add_epi32(sum, _mm_madd_epi16(_mm_load_si128(t), _mm_set1_epi32(two_taps)));
        }
        rescaled[b] = rescale4(sum, stage[b], any_left);
      }
      // Eight channels per clamp; the last one to four stored byte by byte.
      std::size_t o = 0;
      for (std::size_t k = 0; k < blocks; k += 2, o += 2 * packed_rows) {
        const __m128i y = clamp8(rescaled[k], rescaled[k + 1], low, high, out_zero_point);
        if (out_c - o >= 8) {
          _mm_storel_epi64(reinterpret_cast<__m128i*>(output + o), y);
        } else {
          alignas(16) std::int8_t last[16];
          _mm_store_si128(reinterpret_cast<__m128i*>(last), y);
          for (std::size_t r = 0; r < out_c - o; ++r) output[o + r] = last[r];
        }
      }
    }
  }
  return true;
}
#endif

#if EDGELOOP_QUANT_HOST_VNNI
/// conv2d_vnni takes receptive fields up to this many bytes (its patch is on the stack)
/// and up to this many output channels (its per-channel constants, 8 KB of stack).
inline constexpr std::size_t max_vnni_depth = 4096, max_vnni_channels = 256;

/// x86-64 hosts with AVX2 + VNNI (detail/int8_vnni.hpp), every shape that fits: per 8
/// output channels one VPDPBUSD per 4 taps (two packed blocks of 4 rows per 256-bit
/// register) against the unsigned inputs x + 128, starting from the bias less
/// (zp + 128) * (sum of the channel's weights), and the 8 channels requantized at once.
/// The input words are read in place for pixels whose receptive field lies inside the
/// image: with in_channels % 4 == 0 each kernel row is whole words, and with
/// kernel_w * in_channels <= 4 (e.g. a 3x3 kernel over 1 channel) each kernel row is one
/// word, against a per-call table of the kernel rows' weights zero-padded to 4 bytes
/// (the extra byte, the next input, meets weight 0). Other pixels and shapes gather the
/// receptive field (padding taps zp + 128) first. The same integers as the other paths
/// (int32 sums wrap alike; the exact result fits). False (nothing done) when the shape
/// does not fit.
// GCC 12's AVX-512 intrinsics pass an undefined register (_mm512_undefined_epi32, "__Y =
// __Y") that -Wmaybe-uninitialized reports once inlined here (GCC bug 105593).
#if defined(__GNUC__) && !defined(__clang__)
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wmaybe-uninitialized"
#endif
inline bool conv2d_vnni(const conv2d_layer& l, const std::int8_t* input, std::int8_t* output) noexcept {
  const std::size_t depth = l.depth(), out_c = l.out_channels;
  if (depth > max_vnni_depth || out_c > max_vnni_channels) return false;
  const std::size_t oh = l.out_h(), ow = l.out_w(), c = l.in_channels, groups = depth / 4, main = groups * 4,
                    tail = depth - main, octets = (out_c + 7) / 8;
  const std::size_t in_h = l.in_h, in_w = l.in_w, kernel_h = l.kernel_h, kernel_w = l.kernel_w,
                    stride_h = l.stride_h, stride_w = l.stride_w, row_bytes = in_w * c;
  const std::int8_t* const weights = l.weights;
  // The depth % 4 tail weights of each channel as one group (zero-padded), so the tail is
  // one more VPDPBUSD against the patch's last word.
  alignas(32) std::int8_t tail_words[max_vnni_channels * 4];
  for (std::size_t o = 0; o < octets * 8; ++o) {
    const std::size_t block = o / packed_rows,
                      rows = out_c - block * packed_rows < packed_rows ? out_c - block * packed_rows : packed_rows;
    for (std::size_t t = 0; t < 4; ++t)
      tail_words[4 * o + t] = o < out_c && t < tail
                                  ? weights[block * packed_rows * depth + main * rows + t * rows + o % packed_rows]
                                  : std::int8_t{0};
  }
  // In-place input words of interior pixels: offsets from the pixel's first tap.
  constexpr std::size_t max_row_table = 4096;
  const bool row_words = kernel_w * c <= 4 && kernel_h * 4 * out_c <= max_row_table;
  const bool word_rows = !row_words && c % 4 == 0;
  const std::size_t direct_groups = row_words ? kernel_h : groups;
  std::size_t offsets[max_vnni_depth / 4];
  for (std::size_t g = 0; g < direct_groups && (row_words || word_rows); ++g)
    offsets[g] = row_words ? g * row_bytes : g / (kernel_w * c / 4) * row_bytes + 4 * (g % (kernel_w * c / 4));
  alignas(16) std::int8_t row_table[max_row_table];
  if (row_words)
    for (std::size_t o = 0; o < out_c; ++o)
      for (std::size_t y = 0; y < kernel_h; ++y)
        for (std::size_t t = 0; t < 4; ++t)
          row_table[packed_index(out_c, 4 * kernel_h, o, 4 * y + t)] =
              t < kernel_w * c ? weights[packed_index(out_c, depth, o, y * kernel_w * c + t)] : std::int8_t{0};
  requantize8_constants stage[max_vnni_channels / 8];
  for (std::size_t k = 0; k < octets; ++k)
    stage[k] = make_requantize8(l.multipliers + 8 * k, out_c - 8 * k < 8 ? out_c - 8 * k : 8);
  alignas(32) std::uint8_t patch[max_vnni_depth + 4];
  // acc + the sum of w * (x + 128) over channels 8k ... 8k + 7: the first n groups of the
  // packed weights w (rows of w_depth bytes), the input word of group g from x_word(g).
  auto dot8 = [&](const std::int8_t* w, std::size_t w_depth, std::size_t n, auto x_word, std::size_t k, __m256i acc)
                  __attribute__((always_inline)) {
    const std::size_t left = out_c - 8 * k;
    const std::size_t rows0 = left < 4 ? left : 4, rows1 = left <= 4 ? 0 : (left - 4 < 4 ? left - 4 : 4);
    const std::int8_t* w0 = w + 8 * k * w_depth;  // all blocks before are whole
    const std::int8_t* w1 = w0 + rows0 * w_depth;
    std::size_t g = 0;
    if (rows1 == 4) {
      // Four accumulators: VPDPBUSD's latency, not its throughput, would bound one chain.
      __m256i a1 = _mm256_setzero_si256(), a2 = a1, a3 = a1;
      auto pair = [&](std::size_t j) __attribute__((always_inline)) {
        return _mm256_loadu2_m128i(reinterpret_cast<const __m128i*>(w1 + 16 * j),
                                   reinterpret_cast<const __m128i*>(w0 + 16 * j));
      };
      for (; g + 4 <= n; g += 4) {
        acc = dot_u8_s8(acc, x_word(g), pair(g));
        a1 = dot_u8_s8(a1, x_word(g + 1), pair(g + 1));
        a2 = dot_u8_s8(a2, x_word(g + 2), pair(g + 2));
        a3 = dot_u8_s8(a3, x_word(g + 3), pair(g + 3));
      }
      for (; g < n; ++g) acc = dot_u8_s8(acc, x_word(g), pair(g));
      return _mm256_add_epi32(_mm256_add_epi32(acc, a1), _mm256_add_epi32(a2, a3));
    }
    for (; g < n; ++g)
      acc = dot_u8_s8(acc, x_word(g),
                      _mm256_set_m128i(rows1 == 0 ? _mm_setzero_si128() : load_group(w1 + 4 * rows1 * g, rows1),
                                       load_group(w0 + 4 * rows0 * g, rows0)));
    return acc;
  };
  // dot8 of two whole octets k and k + 1 at once, each input word serving 16 channels.
  auto dot16 = [&](const std::int8_t* w, std::size_t w_depth, std::size_t n, auto x_word, std::size_t k,
                   __m256i& acc0, __m256i& acc1) __attribute__((always_inline)) {
    const std::int8_t* w0 = w + 8 * k * w_depth;
    auto pair = [&](const std::int8_t* block, std::size_t j) __attribute__((always_inline)) {
      return _mm256_loadu2_m128i(reinterpret_cast<const __m128i*>(block + 4 * w_depth + 16 * j),
                                 reinterpret_cast<const __m128i*>(block + 16 * j));
    };
    __m256i b0 = _mm256_setzero_si256(), b1 = b0;  // the odd groups' chains
    std::size_t g = 0;
    for (; g + 2 <= n; g += 2) {
      const __m256i x0 = x_word(g), x1 = x_word(g + 1);
      acc0 = dot_u8_s8(acc0, x0, pair(w0, g));
      acc1 = dot_u8_s8(acc1, x0, pair(w0 + 8 * w_depth, g));
      b0 = dot_u8_s8(b0, x1, pair(w0, g + 1));
      b1 = dot_u8_s8(b1, x1, pair(w0 + 8 * w_depth, g + 1));
    }
    if (g < n) {
      const __m256i x0 = x_word(g);
      acc0 = dot_u8_s8(acc0, x0, pair(w0, g));
      acc1 = dot_u8_s8(acc1, x0, pair(w0 + 8 * w_depth, g));
    }
    acc0 = _mm256_add_epi32(acc0, b0);
    acc1 = _mm256_add_epi32(acc1, b1);
  };
  auto patch_word = [&](std::size_t g) __attribute__((always_inline)) {
    std::int32_t v;
    __builtin_memcpy(&v, patch + 4 * g, 4);
    return _mm256_set1_epi32(v);
  };
  // The whole dot product from the gathered patch (packed weights and the tail group).
  auto patch_dot8 = [&](std::size_t k, __m256i acc) __attribute__((always_inline)) {
    acc = dot8(weights, depth, groups, patch_word, k, acc);
    if (tail != 0)
      acc = dot_u8_s8(acc, patch_word(groups), _mm256_load_si256(reinterpret_cast<const __m256i*>(tail_words + 32 * k)));
    return acc;
  };
  // Starting values: the bias less (zp + 128) * sum of weights (the dot with all-ones
  // inputs), in wrapping int32 arithmetic.
  alignas(32) std::int32_t start[max_vnni_channels];
  for (std::size_t o = 0; o < octets * 8; ++o) start[o] = o < out_c && l.bias != nullptr ? l.bias[o] : 0;
  const std::int32_t correction = l.input_zero_point + 128;
  if (correction != 0) {
    for (std::size_t i = 0; i < main + 4; ++i) patch[i] = 1;
    const __m256i factor = _mm256_set1_epi32(correction);
    for (std::size_t k = 0; k < octets; ++k) {
      __m256i* s = reinterpret_cast<__m256i*>(start + 8 * k);
      _mm256_store_si256(s, _mm256_sub_epi32(_mm256_load_si256(s),
                                             _mm256_mullo_epi32(patch_dot8(k, _mm256_setzero_si256()), factor)));
    }
  }
  for (std::size_t i = depth; i < main + 4; ++i) patch[i] = 0;
  const __m256i low = _mm256_set1_epi32(l.output.activation_min - l.output.zero_point);
  const __m256i high = _mm256_set1_epi32(l.output.activation_max - l.output.zero_point);
  const __m256i out_zero_point = _mm256_set1_epi32(l.output.zero_point);
  const __m256i flip = _mm256_set1_epi8(static_cast<char>(0x80));  // x ^ 0x80 = x + 128 as unsigned
  const long pad_top = static_cast<long>(padding_before(in_h, kernel_h, stride_h, l.pad));
  const long pad_left = static_cast<long>(padding_before(in_w, kernel_w, stride_w, l.pad));
  const auto pad = static_cast<std::uint8_t>(l.input_zero_point + 128);
  const std::int8_t* const input_end = input + in_h * row_bytes;
  auto store8 = [&](__m256i acc, std::size_t k, std::int8_t* out) __attribute__((always_inline)) {
    const __m128i y = clamp8(rescale8(acc, stage[k]), low, high, out_zero_point);
    if (out_c - 8 * k >= 8) {
      _mm_storel_epi64(reinterpret_cast<__m128i*>(out + 8 * k), y);
    } else {
      alignas(16) std::int8_t last[16];
      _mm_store_si128(reinterpret_cast<__m128i*>(last), y);
      for (std::size_t r = 0; r < out_c - 8 * k; ++r) out[8 * k + r] = last[r];
    }
  };
  auto start8 = [&](std::size_t k) __attribute__((always_inline)) {
    return _mm256_load_si256(reinterpret_cast<const __m256i*>(start + 8 * k));
  };
  // One output pixel from the input words in place (first: its first tap).
  auto direct_pixel = [&](const std::int8_t* first, std::size_t k, std::int8_t* out) __attribute__((always_inline)) {
    auto input_word = [&](std::size_t g) __attribute__((always_inline)) {
      std::int32_t v;
      __builtin_memcpy(&v, first + offsets[g], 4);
      return _mm256_xor_si256(_mm256_set1_epi32(v), flip);
    };
    store8(row_words ? dot8(row_table, 4 * kernel_h, kernel_h, input_word, k, start8(k))
                     : dot8(weights, depth, groups, input_word, k, start8(k)),
           k, out);
  };
#if EDGELOOP_QUANT_HOST_VNNI512
  // 8 output channels from one word per kernel row (the first layer of an image network):
  // each row's weights in both halves of a 512-bit register, for two pixels at once.
  constexpr std::size_t max_pair_rows = 8;
  const bool pixel_pairs = row_words && out_c == 8 && kernel_h <= max_pair_rows;
  __m512i row_weights16[max_pair_rows], start16{}, flip16{}, low16{}, high16{}, zero_point16{};
  requantize16_constants stage16{};
  if (pixel_pairs) {
    start16 = both_halves(_mm256_load_si256(reinterpret_cast<const __m256i*>(start)));
    flip16 = _mm512_set1_epi8(static_cast<char>(0x80));
    low16 = both_halves(low);
    high16 = both_halves(high);
    zero_point16 = both_halves(out_zero_point);
    stage16 = make_requantize16(stage[0]);
  }
  for (std::size_t y = 0; y < kernel_h && pixel_pairs; ++y)
    row_weights16[y] = both_halves(_mm256_loadu2_m128i(
        reinterpret_cast<const __m128i*>(row_table + 16 * kernel_h + 16 * y), reinterpret_cast<const __m128i*>(row_table + 16 * y)));
#endif
  // Output columns whose receptive field lies inside the image's width: [ox_lo, ox_hi).
  const std::size_t ox_lo = (static_cast<std::size_t>(pad_left) + stride_w - 1) / stride_w;
  const std::size_t ox_hi_raw = in_w + static_cast<std::size_t>(pad_left) >= kernel_w
                                    ? (in_w + static_cast<std::size_t>(pad_left) - kernel_w) / stride_w + 1
                                    : 0;
  const std::size_t ox_hi = ox_hi_raw < ow ? ox_hi_raw : ow;
  for (std::size_t oy = 0; oy < oh; ++oy) {
    const long iy0 = static_cast<long>(oy * stride_h) - pad_top;
    const tap_range ky = valid_taps(iy0, kernel_h, in_h);
    const bool direct_row = (row_words || word_rows) && ky.end - ky.begin == kernel_h && ox_lo < ox_hi;
    for (std::size_t ox = 0; ox < ow; ++ox, output += out_c) {
      if (direct_row && ox == ox_lo) {
        // The interior of the row in a tight loop (a 3x3 kernel over 1 channel into 8
        // channels, the common first layer, without the octet loop).
        const std::int8_t* first = input + static_cast<std::size_t>(iy0) * row_bytes +
                                   (ox * stride_w - static_cast<std::size_t>(pad_left)) * c;
        const std::size_t step = stride_w * c, last_word = (kernel_h - 1) * row_bytes + 4;
#if EDGELOOP_QUANT_HOST_VNNI512
        if (pixel_pairs) {
          // Two pixels per 512-bit register (8 channels each), requantized together.
          for (; ox + 2 <= ox_hi && first + step + last_word <= input_end; ox += 2, output += 16, first += 2 * step) {
            __m512i acc = start16;
            for (std::size_t y = 0; y < kernel_h; ++y) {
              std::int32_t a, b;
              __builtin_memcpy(&a, first + offsets[y], 4);
              __builtin_memcpy(&b, first + step + offsets[y], 4);
              const __m512i x = _mm512_mask_set1_epi32(_mm512_set1_epi32(a), 0xFF00, b);
              acc = _mm512_dpbusd_epi32(acc, _mm512_xor_si512(x, flip16), row_weights16[y]);
            }
            const __m512i v = _mm512_add_epi32(_mm512_min_epi32(_mm512_max_epi32(rescale16(acc, stage16), low16), high16),
                                               zero_point16);
            _mm_storeu_si128(reinterpret_cast<__m128i*>(output), _mm512_cvtsepi32_epi8(v));
          }
        }
#endif
        for (; ox < ox_hi && (!row_words || first + last_word <= input_end); ++ox, output += out_c, first += step) {
          if (octets == 1) {
            direct_pixel(first, 0, output);
            continue;
          }
          std::size_t k = 0;
          if (!row_words) {
            auto input_word = [&](std::size_t g) __attribute__((always_inline)) {
              std::int32_t v;
              __builtin_memcpy(&v, first + offsets[g], 4);
              return _mm256_xor_si256(_mm256_set1_epi32(v), flip);
            };
            for (; 8 * (k + 2) <= out_c; k += 2) {
              __m256i acc0 = start8(k), acc1 = start8(k + 1);
              dot16(weights, depth, groups, input_word, k, acc0, acc1);
              store8(acc0, k, output);
              store8(acc1, k + 1, output);
            }
          }
          for (; k < octets; ++k) direct_pixel(first, k, output);
        }
        if (ox == ow) break;
      }
      const long ix0 = static_cast<long>(ox * stride_w) - pad_left;
      const tap_range kx = valid_taps(ix0, kernel_w, in_w);
      gather_any_patch<std::uint8_t>(c, input, in_w, iy0, ix0, ky, kx, kernel_h, kernel_w, pad, -128, patch);
      for (std::size_t k = 0; k < octets; ++k) store8(patch_dot8(k, start8(k)), k, output);
    }
  }
  return true;
}
#if defined(__GNUC__) && !defined(__clang__)
#pragma GCC diagnostic pop
#endif
#endif

/// conv2d for in_channels % 4 != 0 and depth <= max_gathered_depth (see conv2d.hpp).
template <kernel_path Path>
void conv2d_gathered(const conv2d_layer& l, const std::int8_t* input, std::int8_t* output) noexcept {
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
  const auto zero_point = static_cast<std::int8_t>(l.input_zero_point);
  const std::size_t groups = depth / 4, main = groups * 4, tail = depth - main;
  alignas(4) std::int8_t patch[max_gathered_depth];  // word-aligned: the Cortex-M0 loop loads words
  for (std::size_t oy = 0; oy < oh; ++oy) {
    const long iy0 = static_cast<long>(oy * stride_h) - pad_top;
    const tap_range ky = valid_taps(iy0, kernel_h, in_h);
    for (std::size_t ox = 0; ox < ow; ++ox, output += out_c) {
      const long ix0 = static_cast<long>(ox * stride_w) - pad_left;
      const tap_range kx = valid_taps(ix0, kernel_w, in_w);
      gather_any_patch<std::int8_t>(c, input, in_w, iy0, ix0, ky, kx, kernel_h, kernel_w, zero_point, 0, patch);
      const std::int8_t* w = weights;
      for (std::size_t o = 0; o < out_c; o += packed_rows) {
        const std::size_t rows = out_c - o < packed_rows ? out_c - o : packed_rows;
        std::int32_t acc[packed_rows] = {};
        if (bias)
          for (std::size_t r = 0; r < rows; ++r) acc[r] = bias[o + r];
        if (rows == packed_rows) dot_rows<packed_rows>(Path{}, patch, w, groups, x_offset, acc);
        else dot_block<Path>(rows, patch, w, groups, x_offset, acc);
        // The depth % 4 tail: one weight per row and tap, rows interleaved (weight_packing.hpp).
        const std::int8_t* wt = w + main * rows;
        for (std::size_t t = 0; t < tail; ++t, wt += rows) {
          const std::int32_t xv = std::int32_t{patch[main + t]} + x_offset;
          for (std::size_t r = 0; r < rows; ++r) acc[r] += std::int32_t{wt[r]} * xv;
        }
        if (rows == packed_rows) {
          out.four(acc, multipliers + o, output + o);
        } else {
          for (std::size_t r = 0; r < rows; ++r)
            output[o + r] = out(acc[r], multipliers[o + r].multiplier, multipliers[o + r].shift);
        }
        w += rows * depth;
      }
    }
  }
}
}  // namespace detail

/// One image: input[in_h][in_w][in_channels] -> output[out_h][out_w][out_channels].
template <kernel_path Path = default_path>
void conv2d(const conv2d_layer& l, const std::int8_t* input, std::int8_t* output) noexcept {
#if EDGELOOP_QUANT_HOST_VNNI
  if (detail::conv2d_vnni(l, input, output)) return;
#endif
#if EDGELOOP_QUANT_HOST_SSE2
  // Any kernel but 1x1 (pointwise runs as dense layers below) whose receptive field fits.
  if ((l.kernel_h != 1 || l.kernel_w != 1) && l.depth() <= max_gathered_depth &&
      detail::conv2d_gathered_pairs(l, input, output))
    return;
#endif
  if (l.in_channels % 4 != 0 && l.depth() <= max_gathered_depth) {
    detail::conv2d_gathered<Path>(l, input, output);
    return;
  }
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
