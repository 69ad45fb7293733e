#pragma once
/// The output stage of four channels at once with SSE2 (x86-64 hosts only; namespace
/// detail): the same integers as basic_output_clamp<false> (requantize.hpp), lane by lane.
/// SSE2 has neither a signed 32x32->64 multiply nor per-lane shifts, so
///   - the high multiply runs on the magnitude: P = |x << left| * multiplier (PMULUDQ), and
///     round(x * m / 2^31) half up is (P + 2^30) >> 31 for x >= 0, -((P + 2^30 - 1) >> 31)
///     for x < 0 (multiplier >= 0, |P| < 2^62);
///   - x << left is a multiply by 2^left (mod 2^32, done only when some left > 0), and the
///     rounding right shift (m + 2^(right-1)) >> right is ((m + half) * 2^(31 - right)) >> 31
///     (exact: m + half < 2^32, the product < 2^63);
///   - the clamp saturates to int16 first (PACKSSDW; the bounds are within +-255), then
///     PMINSW/PMAXSW, the zero point, and PACKSSWB to int8.
/// Memory: 64 bytes per block of four channels, made once per kernel call.

#include <cstddef>
#include <cstdint>

#include "../requantize.hpp"

#if defined(__x86_64__) && defined(__SSE2__)
#include <emmintrin.h>

namespace edgeloop::quant::detail {

/// Per-lane constants of four output channels.
struct requantize4_constants {
  __m128i pow2_left;   ///< 2^left, left = max(shift, 0)
  __m128i multiplier;  ///< >= 0
  __m128i half;        ///< 2^(right - 1) or 0, right = left - shift
  __m128i pow2_down;   ///< 2^(31 - right)
};

/// Constants of channels [0, n) of m (n <= 4; missing lanes give 0); sets any_left when
/// some channel shifts left.
inline requantize4_constants make_requantize4(const quantized_multiplier* m, std::size_t n, bool& any_left) noexcept {
  alignas(16) std::uint32_t p2l[4] = {1, 1, 1, 1}, mul[4] = {}, half[4] = {}, down[4] = {1u << 31, 1u << 31, 1u << 31, 1u << 31};
  for (std::size_t i = 0; i < n && i < 4; ++i) {
    const std::int32_t left = m[i].shift > 0 ? m[i].shift : 0, right = left - m[i].shift;
    any_left = any_left || left > 0;
    p2l[i] = 1u << left;
    mul[i] = static_cast<std::uint32_t>(m[i].multiplier);
    half[i] = (1u << right) >> 1;
    down[i] = 1u << (31 - right);
  }
  auto load = [](const std::uint32_t* p) { return _mm_load_si128(reinterpret_cast<const __m128i*>(p)); };
  return {load(p2l), load(mul), load(half), load(down)};
}

/// Unsigned 32x32 -> 64 products of the even lanes and of the odd lanes.
[[gnu::always_inline]] inline void multiply_lanes(__m128i a, __m128i b, __m128i& even, __m128i& odd) noexcept {
  even = _mm_mul_epu32(a, b);
  odd = _mm_mul_epu32(_mm_srli_epi64(a, 32), _mm_srli_epi64(b, 32));
}
/// Low 32 bits of each 64-bit lane of even and odd, interleaved back to four lanes.
[[gnu::always_inline]] inline __m128i join_lanes(__m128i even, __m128i odd) noexcept {
  const __m128i low = _mm_set_epi32(0, -1, 0, -1);
  return _mm_or_si128(_mm_and_si128(even, low), _mm_slli_epi64(odd, 32));
}

/// The 32-bit lanes rescaled: x * M rounded as multiply_by_nonnegative_multiplier.
[[gnu::always_inline]] inline __m128i rescale4(__m128i x, const requantize4_constants& k, bool any_left) noexcept {
  __m128i even, odd;
  if (any_left) {
    multiply_lanes(x, k.pow2_left, even, odd);
    x = join_lanes(even, odd);
  }
  const __m128i sign = _mm_srai_epi32(x, 31);
  const __m128i magnitude = _mm_sub_epi32(_mm_xor_si128(x, sign), sign);  // |INT32_MIN| = 2^31 as unsigned
  multiply_lanes(magnitude, k.multiplier, even, odd);
  // + 2^30, - 1 for negative lanes (their sign, widened to 64 bits), then >> 31.
  const __m128i round = _mm_set_epi32(0, 1 << 30, 0, 1 << 30);
  const __m128i sign_even = _mm_shuffle_epi32(sign, _MM_SHUFFLE(2, 2, 0, 0));
  const __m128i sign_odd = _mm_shuffle_epi32(sign, _MM_SHUFFLE(3, 3, 1, 1));
  even = _mm_srli_epi64(_mm_add_epi64(even, _mm_add_epi64(round, sign_even)), 31);
  odd = _mm_srli_epi64(_mm_add_epi64(odd, _mm_add_epi64(round, sign_odd)), 31);
  const __m128i high = _mm_add_epi32(join_lanes(even, odd), k.half);  // magnitude of the high product + half
  multiply_lanes(high, k.pow2_down, even, odd);
  const __m128i shifted = join_lanes(_mm_srli_epi64(even, 31), _mm_srli_epi64(odd, 31));
  return _mm_sub_epi32(_mm_xor_si128(shifted, sign), sign);
}

/// Eight rescaled lanes (a: channels 0-3, b: 4-7) clamped to [low, high] relative to the
/// zero point, plus the zero point, as eight int8 in the low half.
[[gnu::always_inline]] inline __m128i clamp8(__m128i a, __m128i b, __m128i low, __m128i high, __m128i zero_point) noexcept {
  __m128i v = _mm_packs_epi32(a, b);
  v = _mm_min_epi16(_mm_max_epi16(v, low), high);
  v = _mm_add_epi16(v, zero_point);
  return _mm_packs_epi16(v, v);
}

}  // namespace edgeloop::quant::detail
#endif
