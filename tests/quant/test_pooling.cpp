// max_pool2d / average_pool2d: equal to textbook loops over the valid taps of each
// window (average rounded half away from zero, as TFLite), random shapes, SAME and VALID,
// including the 2x2 stride-2 VALID fast path and channel counts above one chunk (32).
#include "edgeloop/quant/pooling.hpp"

#include <cstdint>

#include "quant_oracle.hpp"
#include "support/test.hpp"

namespace q = edgeloop::quant;
namespace oracle = edgeloop::test::oracle;

namespace {
constexpr std::size_t max_hw = 9, max_c = 6, wide_hw = 6, wide_c = 40;
constexpr std::size_t buffer_size = max_hw * max_hw * max_c > wide_hw * wide_hw * wide_c ? max_hw * max_hw * max_c
                                                                                         : wide_hw * wide_hw * wide_c;
std::int8_t x[buffer_size], y[buffer_size], expected[buffer_size];

void pool_oracle(const q::pool2d_layer& l, bool average) {
  const bool same = l.pad == q::padding::same;
  const std::size_t oh = oracle::out_size(l.in_h, l.pool_h, l.stride_h, same);
  const std::size_t ow = oracle::out_size(l.in_w, l.pool_w, l.stride_w, same);
  const long pt = oracle::pad_before(l.in_h, l.pool_h, l.stride_h, same);
  const long pl = oracle::pad_before(l.in_w, l.pool_w, l.stride_w, same);
  for (std::size_t oy = 0; oy < oh; ++oy)
    for (std::size_t ox = 0; ox < ow; ++ox)
      for (std::size_t c = 0; c < l.channels; ++c) {
        long long sum = 0, count = 0, best = -1000;
        for (std::size_t ky = 0; ky < l.pool_h; ++ky)
          for (std::size_t kx = 0; kx < l.pool_w; ++kx) {
            const long iy = static_cast<long>(oy * l.stride_h + ky) - pt, ix = static_cast<long>(ox * l.stride_w + kx) - pl;
            if (iy < 0 || ix < 0 || iy >= static_cast<long>(l.in_h) || ix >= static_cast<long>(l.in_w)) continue;
            const long long v = x[(static_cast<std::size_t>(iy) * l.in_w + static_cast<std::size_t>(ix)) * l.channels + c];
            sum += v;
            ++count;
            if (v > best) best = v;
          }
        long long v = best;
        if (average) {  // nearest, ties away from zero
          const long long mag = sum < 0 ? -sum : sum;
          long long qv = mag / count;
          if (2 * (mag % count) >= count) ++qv;
          v = sum < 0 ? -qv : qv;
        }
        if (v < l.activation_min) v = l.activation_min;
        if (v > l.activation_max) v = l.activation_max;
        expected[(oy * ow + ox) * l.channels + c] = static_cast<std::int8_t>(v);
      }
}
}  // namespace

TEST_CASE("max and average pooling equal textbook loops", "[quant][pooling]") {
  edgeloop::rng r(40);
  int mismatches = 0;
  for (int t = 0; t < 80; ++t) {
    q::pool2d_layer l;
    l.pad = r.uniform_int(2) == 0 ? q::padding::same : q::padding::valid;
    l.pool_h = 1 + r.uniform_int(3);
    l.pool_w = 1 + r.uniform_int(3);
    l.in_h = (l.pad == q::padding::same ? 1 : l.pool_h) + r.uniform_int(6);
    l.in_w = (l.pad == q::padding::same ? 1 : l.pool_w) + r.uniform_int(6);
    l.channels = 1 + r.uniform_int(max_c);
    l.stride_h = 1 + r.uniform_int(3);
    l.stride_w = 1 + r.uniform_int(3);
    const q::output_stage s = oracle::random_output_stage(r);
    l.activation_min = s.activation_min;
    l.activation_max = s.activation_max;
    oracle::fill(r, x, l.in_h * l.in_w * l.channels);
    const std::size_t n = l.out_h() * l.out_w() * l.channels;
    pool_oracle(l, false);
    q::max_pool2d(l, x, y);
    if (!oracle::same(y, expected, n)) ++mismatches;
    pool_oracle(l, true);
    q::average_pool2d(l, x, y);
    if (!oracle::same(y, expected, n)) ++mismatches;
  }
  CHECK(mismatches == 0);
  // Hand-computed: 2x2 window of -3, -2, 0, 0 -> mean -1.25 -> -1; of -3, -3, 0, 0 -> -1.5 -> -2.
  const std::int8_t a[4] = {-3, -2, 0, 0}, b[4] = {-3, -3, 0, 0};
  std::int8_t out = 0;
  q::pool2d_layer l{2, 2, 1, 2, 2, 2, 2, q::padding::valid, -128, 127};
  q::average_pool2d(l, a, &out);
  CHECK(out == -1);
  q::average_pool2d(l, b, &out);
  CHECK(out == -2);
  q::max_pool2d(l, b, &out);
  CHECK(out == 0);
}

TEST_CASE("pooling: 2x2 stride-2 windows and more channels than one chunk equal textbook loops", "[quant][pooling]") {
  edgeloop::rng r(41);
  int mismatches = 0;
  for (int t = 0; t < 40; ++t) {
    q::pool2d_layer l;
    const bool two_by_two = t % 2 == 0;
    l.pad = two_by_two || r.uniform_int(2) == 0 ? q::padding::valid : q::padding::same;
    l.pool_h = two_by_two ? 2 : 1 + r.uniform_int(3);
    l.pool_w = two_by_two ? 2 : 1 + r.uniform_int(3);
    l.stride_h = two_by_two ? 2 : 1 + r.uniform_int(3);
    l.stride_w = two_by_two ? 2 : 1 + r.uniform_int(3);
    l.in_h = (l.pad == q::padding::same ? 1 : l.pool_h) + r.uniform_int(static_cast<std::uint32_t>(wide_hw - 2));
    l.in_w = (l.pad == q::padding::same ? 1 : l.pool_w) + r.uniform_int(static_cast<std::uint32_t>(wide_hw - 2));
    l.channels = 1 + r.uniform_int(wide_c);
    const q::output_stage s = oracle::random_output_stage(r);
    l.activation_min = s.activation_min;
    l.activation_max = s.activation_max;
    oracle::fill(r, x, l.in_h * l.in_w * l.channels);
    const std::size_t n = l.out_h() * l.out_w() * l.channels;
    pool_oracle(l, false);
    q::max_pool2d(l, x, y);
    if (!oracle::same(y, expected, n)) ++mismatches;
    pool_oracle(l, true);
    q::average_pool2d(l, x, y);
    if (!oracle::same(y, expected, n)) ++mismatches;
  }
  CHECK(mismatches == 0);
}
