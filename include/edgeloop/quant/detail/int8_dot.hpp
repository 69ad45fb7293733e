#pragma once
/// The inner loops of the int8 dense and convolution kernels (namespace detail): R <= 4
/// rows of packed weights (weight_packing.hpp) times one column of int8 inputs, `groups`
/// words of 4 inputs each, every input shifted by x_offset (minus the input zero point,
/// or 0 when the zero point is folded into the bias). Adds into acc[0..R).
/// DSP path per group: 1 load + 2 SXTAB16 for the 4 inputs (shared by the R rows), then per
/// row 1 load + 2 SXTB16 + 2 SMLAD: 5R + 3 instructions for 4R multiply-accumulates.
/// SXTB16 without ROR takes bytes 0 and 2, with ROR #8 bytes 1 and 3: inputs and weights
/// are split the same way, so the products pair up without reordering the weights.

#include <cstddef>
#include <cstdint>

#include "../kernel_path.hpp"

#if EDGELOOP_QUANT_HAS_DSP
#include <arm_acle.h>
#endif

/// 1 on x86-64 hosts (SSE2 is always there): the portable path's four-row dot product uses
/// SSE2 intrinsics (integer arithmetic, bit-identical to the plain loop). Internal, not a
/// configuration knob.
#if defined(__x86_64__) && defined(__SSE2__)
#define EDGELOOP_QUANT_HOST_SSE2 1
#include <emmintrin.h>
#else
#define EDGELOOP_QUANT_HOST_SSE2 0
#endif

namespace edgeloop::quant::detail {

[[gnu::always_inline]] inline std::uint32_t load_word(const std::int8_t* p) noexcept {
  std::uint32_t v;
  __builtin_memcpy(&v, p, 4);
  return v;
}

#if defined(__ARM_ARCH_6M__)
// ARMv6-M (Cortex-M0/M0+) has no DSP extension and g++ spills the four accumulators of the
// C loop, so four rows with no input offset (dense: zero point folded into the bias) run
// this Thumb-1 loop: one word load per 4 inputs, one byte load per weight, accumulators
// in high registers, 5 low registers (so it also allocates at -Os): 75 instructions for
// 16 multiply-accumulates.
#define EDGELOOP_QUANT_V6M_MAC(offset, acc) \
  "ldrb %[t], [%[wp], #" offset "]\n\t" "sxtb %[t], %[t]\n\t" "muls %[t], %[xv], %[t]\n\t" "add %[" acc "], %[t]\n\t"
#define EDGELOOP_QUANT_V6M_INPUT(j)                                                             \
  EDGELOOP_QUANT_V6M_MAC(#j, "a0") EDGELOOP_QUANT_V6M_MAC("4+" #j, "a1") EDGELOOP_QUANT_V6M_MAC("8+" #j, "a2") \
  EDGELOOP_QUANT_V6M_MAC("12+" #j, "a3")
[[gnu::always_inline]] inline void dot_four_rows_v6m(const std::int8_t* x, const std::int8_t* w, std::size_t groups,
                                                     std::int32_t* acc) noexcept {
  // Explicit high registers: the "h" constraint fails to allocate at -Os / -O1.
  register std::int32_t a0 __asm("r8") = acc[0];
  register std::int32_t a1 __asm("r9") = acc[1];
  register std::int32_t a2 __asm("r10") = acc[2];
  register std::int32_t a3 __asm("r11") = acc[3];
  register const std::int8_t* const end __asm("r12") = x + 4 * groups;
  std::int32_t xw, xv, t;
  // (g++ hands Thumb-1 inline assembly to the assembler in divided syntax)
  __asm(".syntax unified\n\t"
        "1:\n\t"
        "ldr %[xw], [%[xp]]\n\t"
        "sxtb %[xv], %[xw]\n\t" EDGELOOP_QUANT_V6M_INPUT(0)
        "lsls %[xv], %[xw], #16\n\t" "asrs %[xv], %[xv], #24\n\t" EDGELOOP_QUANT_V6M_INPUT(1)
        "lsls %[xv], %[xw], #8\n\t" "asrs %[xv], %[xv], #24\n\t" EDGELOOP_QUANT_V6M_INPUT(2)
        "asrs %[xv], %[xw], #24\n\t" EDGELOOP_QUANT_V6M_INPUT(3)
        "adds %[xp], #4\n\t"
        "adds %[wp], #16\n\t"
        "cmp %[xp], %[end]\n\t"
        "bne 1b\n\t"
        ".syntax divided\n\t"
        : [a0] "+r"(a0), [a1] "+r"(a1), [a2] "+r"(a2), [a3] "+r"(a3), [xp] "+l"(x), [wp] "+l"(w), [xw] "=&l"(xw),
          [xv] "=&l"(xv), [t] "=&l"(t)
        : [end] "r"(end)
        : "cc", "memory");
  acc[0] = a0, acc[1] = a1, acc[2] = a2, acc[3] = a3;
}
#undef EDGELOOP_QUANT_V6M_INPUT
#undef EDGELOOP_QUANT_V6M_MAC
#endif

template <std::size_t R>
[[gnu::always_inline]] inline void dot_rows(portable_path, const std::int8_t* x, const std::int8_t* w,
                                            std::size_t groups, std::int32_t x_offset, std::int32_t* acc) noexcept {
#if defined(__ARM_ARCH_6M__)
  // (word loads of x: ARMv6-M needs x word-aligned)
  if (R == 4 && x_offset == 0 && groups > 0 && (reinterpret_cast<std::uintptr_t>(x) & 3u) == 0) {
    dot_four_rows_v6m(x, w, groups, acc);
    return;
  }
#endif
#if EDGELOOP_QUANT_HOST_SSE2
  if constexpr (R == 4) {
    // x86-64 (SSE2 is part of its base ISA): per group the 16 packed weights (4 rows x 4)
    // widened to int16 against the 4 inputs (minus the zero point, in int16) repeated
    // twice; PMADDWD sums product pairs into int32, so lane pairs of the two accumulators
    // are the 4 rows. Exact: |x - zp| <= 255, |w| <= 128, a pair sum < 2^17.
    const __m128i offset = _mm_set1_epi16(static_cast<short>(x_offset));
    __m128i rows01 = _mm_setzero_si128(), rows23 = _mm_setzero_si128();
    for (; groups > 0; --groups, x += 4, w += 16) {
      std::int32_t xw;
      __builtin_memcpy(&xw, x, 4);
      __m128i xv = _mm_cvtsi32_si128(xw);
      xv = _mm_add_epi16(_mm_srai_epi16(_mm_unpacklo_epi8(xv, xv), 8), offset);  // x0..x3 as int16
      xv = _mm_unpacklo_epi64(xv, xv);                                            // x0..x3 x0..x3
      const __m128i wv = _mm_loadu_si128(reinterpret_cast<const __m128i*>(w));
      rows01 = _mm_add_epi32(rows01, _mm_madd_epi16(_mm_srai_epi16(_mm_unpacklo_epi8(wv, wv), 8), xv));
      rows23 = _mm_add_epi32(rows23, _mm_madd_epi16(_mm_srai_epi16(_mm_unpackhi_epi8(wv, wv), 8), xv));
    }
    // [r0 r0 r1 r1] + [r0 r0 r1 r1] swapped within pairs -> r0 in lane 0, r1 in lane 2.
    rows01 = _mm_add_epi32(rows01, _mm_shuffle_epi32(rows01, _MM_SHUFFLE(2, 3, 0, 1)));
    rows23 = _mm_add_epi32(rows23, _mm_shuffle_epi32(rows23, _MM_SHUFFLE(2, 3, 0, 1)));
    acc[0] += _mm_cvtsi128_si32(rows01);
    acc[1] += _mm_cvtsi128_si32(_mm_shuffle_epi32(rows01, _MM_SHUFFLE(2, 2, 2, 2)));
    acc[2] += _mm_cvtsi128_si32(rows23);
    acc[3] += _mm_cvtsi128_si32(_mm_shuffle_epi32(rows23, _MM_SHUFFLE(2, 2, 2, 2)));
    return;
  }
#elif !defined(__arm__)
  if constexpr (R == 4) {
    // Sixteen lanes, one per packed byte, so that hosts' compilers vectorise the loop
    // (widening multiplies of 16 bytes against the 4 inputs repeated); summed per row at the end.
    std::int32_t lanes[16] = {};
    for (; groups > 0; --groups, x += 4, w += 16) {
      std::int32_t xv[16];
      for (std::size_t j = 0; j < 16; ++j) xv[j] = std::int32_t{x[j % 4]} + x_offset;
      for (std::size_t j = 0; j < 16; ++j) lanes[j] += std::int32_t{w[j]} * xv[j];
    }
    for (std::size_t r = 0; r < 4; ++r) acc[r] += lanes[4 * r] + lanes[4 * r + 1] + lanes[4 * r + 2] + lanes[4 * r + 3];
    return;
  }
#endif
  std::int32_t a0 = acc[0], a1 = R > 1 ? acc[1] : 0, a2 = R > 2 ? acc[2] : 0, a3 = R > 3 ? acc[3] : 0;
  for (; groups > 0; --groups) {
    for (std::size_t j = 0; j < 4; ++j) {
      const std::int32_t xv = std::int32_t{x[j]} + x_offset;
      a0 += std::int32_t{w[j]} * xv;
      if constexpr (R > 1) a1 += std::int32_t{w[4 + j]} * xv;
      if constexpr (R > 2) a2 += std::int32_t{w[8 + j]} * xv;
      if constexpr (R > 3) a3 += std::int32_t{w[12 + j]} * xv;
    }
    x += 4;
    w += 4 * R;
  }
  acc[0] = a0;
  if constexpr (R > 1) acc[1] = a1;
  if constexpr (R > 2) acc[2] = a2;
  if constexpr (R > 3) acc[3] = a3;
}

#if EDGELOOP_QUANT_HAS_DSP
/// SXTB16 of x rotated right by 8 (bytes 1 and 3); SXTAB16 likewise with an addend.
[[gnu::always_inline]] inline std::int32_t sxtb16_ror8(std::uint32_t x) noexcept {
  std::int32_t r;
  __asm("sxtb16 %0, %1, ror #8" : "=r"(r) : "r"(x));
  return r;
}
[[gnu::always_inline]] inline std::int32_t sxtab16_ror8(std::int32_t add, std::uint32_t x) noexcept {
  std::int32_t r;
  __asm("sxtab16 %0, %1, %2, ror #8" : "=r"(r) : "r"(add), "r"(x));
  return r;
}

/// acc += the two halfword products of w's bytes (0,2) and (1,3) with xe and xo.
[[gnu::always_inline]] inline std::int32_t dsp_mac_word(std::uint32_t ww, std::int32_t xe, std::int32_t xo,
                                                        std::int32_t acc) noexcept {
  const std::int32_t we = __sxtb16(static_cast<std::int32_t>(ww));
  const std::int32_t wo = sxtb16_ror8(ww);
  return __smlad(xo, wo, __smlad(xe, we, acc));
}

// One group of the 4-row loop: 23 instructions for 16 multiply-accumulates.
#define EDGELOOP_QUANT_DOT4_ROW(acc)                  \
  "ldr %[ww], [%[wp]], #4\n\t"                        \
  "sxtb16 %[we], %[ww]\n\t"                           \
  "sxtb16 %[ww], %[ww], ror #8\n\t"                   \
  "smlad %[" acc "], %[xe], %[we], %[" acc "]\n\t"    \
  "smlad %[" acc "], %[xo], %[ww], %[" acc "]\n\t"
#define EDGELOOP_QUANT_DOT4_GROUP                     \
  "ldr %[xo], [%[xp]], #4\n\t"                        \
  "sxtab16 %[xe], %[off], %[xo]\n\t"                  \
  "sxtab16 %[xo], %[off], %[xo], ror #8\n\t"          \
  EDGELOOP_QUANT_DOT4_ROW("a0") EDGELOOP_QUANT_DOT4_ROW("a1") EDGELOOP_QUANT_DOT4_ROW("a2") EDGELOOP_QUANT_DOT4_ROW("a3")

/// Four rows: hand-allocated (12 registers), as the compiler spills the accumulators.
/// Two groups per iteration halve the loop overhead.
[[gnu::always_inline]] inline void dot_four_rows_dsp(const std::int8_t* x, const std::int8_t* w, std::size_t groups,
                                                     std::int32_t offset2, std::int32_t* acc) noexcept {
  std::int32_t a0 = acc[0], a1 = acc[1], a2 = acc[2], a3 = acc[3];
  std::int32_t xe, xo, ww, we;
  if (groups & 1u) {
    __asm(EDGELOOP_QUANT_DOT4_GROUP
          : [a0] "+r"(a0), [a1] "+r"(a1), [a2] "+r"(a2), [a3] "+r"(a3), [xp] "+r"(x), [wp] "+r"(w), [xe] "=&r"(xe),
            [xo] "=&r"(xo), [ww] "=&r"(ww), [we] "=&r"(we)
          : [off] "r"(offset2)
          : "memory");
  }
  std::size_t pairs = groups >> 1;
  if (pairs > 0) {
    __asm("1:\n\t" EDGELOOP_QUANT_DOT4_GROUP EDGELOOP_QUANT_DOT4_GROUP
          "subs %[n], %[n], #1\n\t"
          "bne 1b\n\t"
          : [a0] "+r"(a0), [a1] "+r"(a1), [a2] "+r"(a2), [a3] "+r"(a3), [xp] "+r"(x), [wp] "+r"(w), [n] "+r"(pairs),
            [xe] "=&r"(xe), [xo] "=&r"(xo), [ww] "=&r"(ww), [we] "=&r"(we)
          : [off] "r"(offset2)
          : "cc", "memory");
  }
  acc[0] = a0, acc[1] = a1, acc[2] = a2, acc[3] = a3;
}
#undef EDGELOOP_QUANT_DOT4_GROUP
#undef EDGELOOP_QUANT_DOT4_ROW

template <std::size_t R>
[[gnu::always_inline]] inline void dot_rows(dsp_path, const std::int8_t* x, const std::int8_t* w,
                                            std::size_t groups, std::int32_t x_offset, std::int32_t* acc) noexcept {
  // x_offset in both halfwords: SXTAB16 adds it while sign-extending (x - zero_point fits int16).
  const auto offset2 = static_cast<std::int32_t>((static_cast<std::uint32_t>(x_offset) & 0xFFFFu) * 0x10001u);
  if constexpr (R == 4) {
    dot_four_rows_dsp(x, w, groups, offset2, acc);
    return;
  }
  std::int32_t a0 = acc[0], a1 = R > 1 ? acc[1] : 0, a2 = R > 2 ? acc[2] : 0, a3 = R > 3 ? acc[3] : 0;
  auto group = [&](const std::int8_t* xg, const std::int8_t* wg) __attribute__((always_inline)) {
    const std::uint32_t xw = load_word(xg);
    const std::int32_t xe = __sxtab16(offset2, static_cast<std::int32_t>(xw));
    const std::int32_t xo = sxtab16_ror8(offset2, xw);
    a0 = dsp_mac_word(load_word(wg), xe, xo, a0);
    if constexpr (R > 1) a1 = dsp_mac_word(load_word(wg + 4), xe, xo, a1);
    if constexpr (R > 2) a2 = dsp_mac_word(load_word(wg + 8), xe, xo, a2);
    if constexpr (R > 3) a3 = dsp_mac_word(load_word(wg + 12), xe, xo, a3);
  };
  // Two groups per iteration halve the loop overhead.
  for (; groups >= 2; groups -= 2) {
    group(x, w);
    group(x + 4, w + 4 * R);
    x += 8;
    w += 8 * R;
  }
  if (groups > 0) group(x, w);
  acc[0] = a0;
  if constexpr (R > 1) acc[1] = a1;
  if constexpr (R > 2) acc[2] = a2;
  if constexpr (R > 3) acc[3] = a3;
}
#endif

/// dot_rows with R known only at run time (1..4).
template <class Path>
[[gnu::always_inline]] inline void dot_block(std::size_t rows, const std::int8_t* x, const std::int8_t* w,
                                             std::size_t groups, std::int32_t x_offset, std::int32_t* acc) noexcept {
  switch (rows) {
    case 4: dot_rows<4>(Path{}, x, w, groups, x_offset, acc); break;
    case 3: dot_rows<3>(Path{}, x, w, groups, x_offset, acc); break;
    case 2: dot_rows<2>(Path{}, x, w, groups, x_offset, acc); break;
    default: dot_rows<1>(Path{}, x, w, groups, x_offset, acc); break;
  }
}

}  // namespace edgeloop::quant::detail
