#pragma once
// The oracle of the int8 tests: a plain implementation of the TFLite int8 specification
// written from its published definitions (gemmlowp's nudge-and-truncate
// SaturatingRoundingDoublingHighMul, round-half-away-from-zero division by a power of
// two, frexp/round for QuantizeMultiplier), int64 arithmetic and textbook loops over the
// unpacked TFLite layouts (OHWI, NHWC). It shares no code with include/edgeloop/quant/
// except the parameter structs it reads.

#include <cmath>
#include <cstddef>
#include <cstdint>

#include "edgeloop/core/rng.hpp"
#include "edgeloop/quant/kernel_path.hpp"
#include "edgeloop/quant/requantize.hpp"

namespace edgeloop::test::oracle {

using i64 = std::int64_t;

/// Two's-complement wrap of an int64 to 32 bits.
inline i64 wrap32(i64 v) {
  i64 low = v % 4294967296LL;
  if (low < 0) low += 4294967296LL;
  return low >= 2147483648LL ? low - 4294967296LL : low;
}

/// gemmlowp: if a == b == INT32_MIN saturate; else (a*b + nudge) / 2^31, C division
/// (truncation), nudge = 2^30 for a*b >= 0, 1 - 2^30 otherwise.
inline i64 srdhm(i64 a, i64 b) {
  if (a == INT32_MIN && b == INT32_MIN) return INT32_MAX;
  const i64 ab = a * b;
  const i64 nudge = ab >= 0 ? (1LL << 30) : (1 - (1LL << 30));
  return (ab + nudge) / (1LL << 31);
}

/// x / 2^e rounded to nearest, ties away from zero.
inline i64 rounding_divide(i64 x, int e) {
  const i64 d = 1LL << e;
  const i64 mag = x < 0 ? -x : x;
  i64 q = mag / d;
  if (2 * (mag % d) >= d) ++q;
  return x < 0 ? -q : q;
}

inline i64 multiply(i64 x, std::int32_t multiplier, std::int32_t shift) {
  const int left = shift > 0 ? shift : 0, right = shift > 0 ? 0 : -shift;
  return rounding_divide(srdhm(wrap32(x * (1LL << left)), multiplier), right);
}

inline std::int8_t requantize(i64 acc, quant::quantized_multiplier m, const quant::output_stage& s) {
  i64 v = multiply(acc, m.multiplier, m.shift) + s.zero_point;
  if (v < s.activation_min) v = s.activation_min;
  if (v > s.activation_max) v = s.activation_max;
  return static_cast<std::int8_t>(v);
}

/// TFLite QuantizeMultiplier, literally (frexp, std::round).
inline quant::quantized_multiplier quantize_multiplier(double m) {
  if (m == 0.0) return {};
  int shift = 0;
  const double q = std::frexp(m, &shift);
  auto q_fixed = static_cast<i64>(std::round(q * static_cast<double>(1LL << 31)));
  if (q_fixed == (1LL << 31)) {
    q_fixed /= 2;
    ++shift;
  }
  if (shift < -31) {
    shift = 0;
    q_fixed = 0;
  }
  return {static_cast<std::int32_t>(q_fixed), shift};
}

/// TFLite's output size and leading padding (ComputePaddingHeightWidth without dilation).
inline std::size_t out_size(std::size_t in, std::size_t k, std::size_t stride, bool same) {
  return same ? (in + stride - 1) / stride : (in - k + stride) / stride;
}
inline long pad_before(std::size_t in, std::size_t k, std::size_t stride, bool same) {
  if (!same) return 0;
  const long total = static_cast<long>((out_size(in, k, stride, true) - 1) * stride + k) - static_cast<long>(in);
  return total > 0 ? total / 2 : 0;
}

/// Fully connected: w[out][in] row-major, bias may be null.
inline void dense(const std::int8_t* x, const std::int8_t* w, const std::int32_t* bias, std::size_t in,
                  std::size_t out, std::int32_t zx, quant::quantized_multiplier m, const quant::output_stage& s,
                  std::int8_t* y) {
  for (std::size_t o = 0; o < out; ++o) {
    i64 acc = bias ? bias[o] : 0;
    for (std::size_t k = 0; k < in; ++k) acc += i64{w[o * in + k]} * (i64{x[k]} - zx);
    y[o] = requantize(acc, m, s);
  }
}

struct conv_shape {
  std::size_t h, w, c, out_c, kh, kw, sh, sw;
  bool same;
};

/// NHWC input, OHWI weights, per-channel multipliers; depthwise: weights [kh][kw][c], out_c == c.
inline void conv(const conv_shape& g, bool depthwise, const std::int8_t* x, const std::int8_t* w,
                 const std::int32_t* bias, std::int32_t zx, const quant::quantized_multiplier* m,
                 const quant::output_stage& s, std::int8_t* y) {
  const std::size_t oh = out_size(g.h, g.kh, g.sh, g.same), ow = out_size(g.w, g.kw, g.sw, g.same);
  const long pt = pad_before(g.h, g.kh, g.sh, g.same), pl = pad_before(g.w, g.kw, g.sw, g.same);
  for (std::size_t oy = 0; oy < oh; ++oy)
    for (std::size_t ox = 0; ox < ow; ++ox)
      for (std::size_t o = 0; o < g.out_c; ++o) {
        i64 acc = bias ? bias[o] : 0;
        for (std::size_t ky = 0; ky < g.kh; ++ky)
          for (std::size_t kx = 0; kx < g.kw; ++kx) {
            const long iy = static_cast<long>(oy * g.sh + ky) - pt, ix = static_cast<long>(ox * g.sw + kx) - pl;
            if (iy < 0 || ix < 0 || iy >= static_cast<long>(g.h) || ix >= static_cast<long>(g.w)) continue;
            const std::size_t base = (static_cast<std::size_t>(iy) * g.w + static_cast<std::size_t>(ix)) * g.c;
            if (depthwise) {
              acc += i64{w[(ky * g.kw + kx) * g.c + o]} * (i64{x[base + o]} - zx);
            } else {
              for (std::size_t c = 0; c < g.c; ++c)
                acc += i64{w[((o * g.kh + ky) * g.kw + kx) * g.c + c]} * (i64{x[base + c]} - zx);
            }
          }
        y[(oy * ow + ox) * g.out_c + o] = requantize(acc, m[o], s);
      }
}

/// Random helpers.
inline std::int8_t random_int8(rng& r) { return static_cast<std::int8_t>(static_cast<int>(r.uniform_int(256)) - 128); }
inline void fill(rng& r, std::int8_t* p, std::size_t n) {
  for (std::size_t i = 0; i < n; ++i) p[i] = random_int8(r);
}
/// Symmetric weights in [-127, 127].
inline void fill_weights(rng& r, std::int8_t* p, std::size_t n) {
  for (std::size_t i = 0; i < n; ++i) p[i] = static_cast<std::int8_t>(static_cast<int>(r.uniform_int(255)) - 127);
}
inline std::int32_t random_int(rng& r, std::int32_t lo, std::int32_t hi) {
  return lo + static_cast<std::int32_t>(r.uniform_int(static_cast<std::uint32_t>(hi - lo + 1)));
}
/// A multiplier as quantize_multiplier makes them: 2^e with e uniform in [lo, hi] (mostly
/// small, some > 1 so that outputs saturate), or a raw Q31 value with a random shift.
inline quant::quantized_multiplier random_multiplier(rng& r, double lo = -18.0, double hi = 1.0) {
  if (r.uniform_int(8) == 0)
    return {random_int(r, 1 << 30, INT32_MAX), random_int(r, -31, 2)};
  return quant::quantize_multiplier(std::exp2(r.uniform<double>(lo, hi)));
}
inline quant::output_stage random_output_stage(rng& r) {
  quant::output_stage s{random_int(r, -128, 127), -128, 127};
  switch (r.uniform_int(3)) {
    case 1: s.activation_min = static_cast<std::int8_t>(s.zero_point); break;  // relu
    case 2:
      s.activation_min = static_cast<std::int8_t>(random_int(r, -128, 0));   // relu6-like
      s.activation_max = static_cast<std::int8_t>(random_int(r, s.activation_min, 127));
      break;
    default: break;
  }
  return s;
}

/// Calls f(path) for the portable path and, where the core has it, the DSP path;
/// returns how many paths ran.
template <class F>
int for_each_path(F&& f) {
  f(quant::portable_path{});
#if EDGELOOP_QUANT_HAS_DSP
  f(quant::dsp_path{});
  return 2;
#else
  return 1;
#endif
}

inline bool same(const std::int8_t* a, const std::int8_t* b, std::size_t n) {
  for (std::size_t i = 0; i < n; ++i)
    if (a[i] != b[i]) return false;
  return true;
}

}  // namespace edgeloop::test::oracle
