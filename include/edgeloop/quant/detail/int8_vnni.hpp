#pragma once
/// Building blocks of the int8 kernels on x86-64 hosts built with AVX2 and VNNI
/// (-march=native on a CPU with AVX-512 VNNI + VL or AVX-VNNI; namespace detail, chosen
/// at compile time, EDGELOOP_QUANT_HOST_VNNI): VPDPBUSD multiplies 4 unsigned bytes by 4
/// signed bytes and adds the 4 products to an int32 lane, exactly (no saturation: the
/// non-"s" form). The kernels' packed weights (weight_packing.hpp: per block of 4 rows,
/// groups of 4 consecutive weights per row) are already its layout, so nothing is
/// repacked. Inputs are made unsigned by adding 128 (x ^ 0x80), so
///   sum w * (x - zp) = sum w * (x + 128) - (zp + 128) * sum w,
/// the second term per output channel (0 when zp = -128, e.g. after a ReLU); the
/// requantization of 8 channels uses AVX2's signed 32x32->64 multiply and per-lane
/// shifts and is bit-identical to multiply_by_quantized_multiplier (requantize.hpp).
/// Memory: 192 bytes of constants per 8 output channels, made once per kernel call.

#include <cstddef>
#include <cstdint>

#include "../requantize.hpp"

#if defined(__x86_64__) && defined(__AVX2__) && \
    ((defined(__AVX512VNNI__) && defined(__AVX512VL__)) || defined(__AVXVNNI__))
#define EDGELOOP_QUANT_HOST_VNNI 1
#include <immintrin.h>
#else
#define EDGELOOP_QUANT_HOST_VNNI 0
#endif
// With AVX-512 VNNI also two output pixels of 8 channels per 512-bit register.
#if EDGELOOP_QUANT_HOST_VNNI && defined(__AVX512F__) && defined(__AVX512VNNI__)
#define EDGELOOP_QUANT_HOST_VNNI512 1
#else
#define EDGELOOP_QUANT_HOST_VNNI512 0
#endif

#if EDGELOOP_QUANT_HOST_VNNI
namespace edgeloop::quant::detail {

/// acc + for each int32 lane: sum of the 4 products of u's unsigned and s's signed bytes.
[[gnu::always_inline]] inline __m256i dot_u8_s8(__m256i acc, __m256i u, __m256i s) noexcept {
#if defined(__AVX512VNNI__) && defined(__AVX512VL__)
  return _mm256_dpbusd_epi32(acc, u, s);
#else
  return _mm256_dpbusd_avx_epi32(acc, u, s);
#endif
}

/// The rows * 4 bytes of one group of a packed block with `rows` (1-4) rows, zero-extended
/// to 16 bytes (no read past the group).
[[gnu::always_inline]] inline __m128i load_group(const std::int8_t* p, std::size_t rows) noexcept {
  switch (rows) {
    case 4: return _mm_loadu_si128(reinterpret_cast<const __m128i*>(p));
    case 3: {
      std::int32_t last;
      __builtin_memcpy(&last, p + 8, 4);
      return _mm_insert_epi32(_mm_loadl_epi64(reinterpret_cast<const __m128i*>(p)), last, 2);
    }
    case 2: return _mm_loadl_epi64(reinterpret_cast<const __m128i*>(p));
    default: {
      std::int32_t first;
      __builtin_memcpy(&first, p, 4);
      return _mm_cvtsi32_si128(first);
    }
  }
}

/// Per-lane constants of the output stage of 8 channels (missing channels: multiplier 0).
struct requantize8_constants {
  __m256i left;        ///< max(shift, 0)
  __m256i right;       ///< max(-shift, 0)
  __m256i mask;        ///< 2^right - 1
  __m256i half_mask;   ///< mask >> 1
  __m256i multiplier;  ///< >= 0, lanes 0-7
  __m256i multiplier_odd;  ///< lanes 1, 3, 5, 7 moved to the even positions
};

inline requantize8_constants make_requantize8(const quantized_multiplier* m, std::size_t n) noexcept {
  alignas(32) std::int32_t left[8] = {}, right[8] = {}, mask[8] = {}, half[8] = {}, mul[8] = {};
  for (std::size_t i = 0; i < n && i < 8; ++i) {
    left[i] = m[i].shift > 0 ? m[i].shift : 0;
    right[i] = left[i] - m[i].shift;
    mask[i] = static_cast<std::int32_t>((std::int64_t{1} << right[i]) - 1);
    half[i] = mask[i] >> 1;
    mul[i] = m[i].multiplier;
  }
  auto load = [](const std::int32_t* p) { return _mm256_load_si256(reinterpret_cast<const __m256i*>(p)); };
  const __m256i multiplier = load(mul);
  return {load(left), load(right), load(mask), load(half), multiplier, _mm256_srli_epi64(multiplier, 32)};
}

/// multiply_by_quantized_multiplier of each lane (multiplier >= 0, shift in [-31, 30]):
/// x << left wrapping, round(x * m / 2^31) half up from the exact 64-bit product (its bits
/// 31-62, which hold the result as |product| < 2^62), then TFLite's rounding divide by
/// 2^right (remainder against the threshold, +1 for negative values).
[[gnu::always_inline]] inline __m256i rescale8(__m256i x, const requantize8_constants& k) noexcept {
  x = _mm256_sllv_epi32(x, k.left);
  const __m256i round = _mm256_set1_epi64x(std::int64_t{1} << 30);
  const __m256i even = _mm256_add_epi64(_mm256_mul_epi32(x, k.multiplier), round);
  const __m256i odd = _mm256_add_epi64(_mm256_mul_epi32(_mm256_srli_epi64(x, 32), k.multiplier_odd), round);
  // Even lanes: product >> 31 keeps bits 31-62 low; odd lanes: product << 1 puts them high.
  const __m256i high = _mm256_blend_epi32(_mm256_srli_epi64(even, 31), _mm256_slli_epi64(odd, 1), 0xAA);
  const __m256i remainder = _mm256_and_si256(high, k.mask);
  const __m256i threshold = _mm256_sub_epi32(k.half_mask, _mm256_srai_epi32(high, 31));
  return _mm256_sub_epi32(_mm256_srav_epi32(high, k.right), _mm256_cmpgt_epi32(remainder, threshold));
}

/// Eight rescaled lanes clamped to [low, high] (relative to the zero point), plus the zero
/// point, as eight int8 in the low 8 bytes.
[[gnu::always_inline]] inline __m128i clamp8(__m256i v, __m256i low, __m256i high, __m256i zero_point) noexcept {
  v = _mm256_add_epi32(_mm256_min_epi32(_mm256_max_epi32(v, low), high), zero_point);
  const __m128i words = _mm_packs_epi32(_mm256_castsi256_si128(v), _mm256_extracti128_si256(v, 1));
  return _mm_packs_epi16(words, words);
}

#if EDGELOOP_QUANT_HOST_VNNI512
/// A 512-bit register holding v in both halves. Through memory: GCC 12's
/// _mm512_broadcast_i64x4 / _mm512_inserti64x4 / _mm512_castsi256_si512 pass an undefined
/// register that -Wmaybe-uninitialized reports; this runs once per kernel call.
inline __m512i both_halves(__m256i v) noexcept {
  alignas(64) std::int32_t lanes[16];
  _mm256_store_si256(reinterpret_cast<__m256i*>(lanes), v);
  _mm256_store_si256(reinterpret_cast<__m256i*>(lanes + 8), v);
  return _mm512_load_si512(lanes);
}

/// requantize8_constants in both halves of 16 lanes (two pixels of the same 8 channels).
struct requantize16_constants {
  __m512i left, right, mask, half_mask, multiplier, multiplier_odd;
};
inline requantize16_constants make_requantize16(const requantize8_constants& k) noexcept {
  return {both_halves(k.left),      both_halves(k.right),      both_halves(k.mask),
          both_halves(k.half_mask), both_halves(k.multiplier), both_halves(k.multiplier_odd)};
}

/// rescale8 on 16 lanes.
[[gnu::always_inline]] inline __m512i rescale16(__m512i x, const requantize16_constants& k) noexcept {
  x = _mm512_sllv_epi32(x, k.left);
  const __m512i round = _mm512_set1_epi64(std::int64_t{1} << 30);
  const __m512i even = _mm512_add_epi64(_mm512_mul_epi32(x, k.multiplier), round);
  const __m512i odd = _mm512_add_epi64(_mm512_mul_epi32(_mm512_srli_epi64(x, 32), k.multiplier_odd), round);
  const __m512i high = _mm512_mask_blend_epi32(0xAAAA, _mm512_srli_epi64(even, 31), _mm512_slli_epi64(odd, 1));
  const __m512i remainder = _mm512_and_si512(high, k.mask);
  const __m512i threshold = _mm512_sub_epi32(k.half_mask, _mm512_srai_epi32(high, 31));
  const __m512i shifted = _mm512_srav_epi32(high, k.right);
  return _mm512_mask_add_epi32(shifted, _mm512_cmpgt_epi32_mask(remainder, threshold), shifted, _mm512_set1_epi32(1));
}
#endif

}  // namespace edgeloop::quant::detail
#endif
