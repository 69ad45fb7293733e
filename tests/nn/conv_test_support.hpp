#pragma once
// Helpers for the convolution/pooling tests: the gradient check of one bound layer with the
// tolerances of test_layers.cpp, and naive references computed straight from the
// definitions (explicit TensorFlow padding arithmetic, no shared code with the layers).

#include <array>
#include <cstddef>
#include <cstdint>

#include "edgeloop/nn/layer.hpp"
#include "nn/nn_test_support.hpp"
#include "support/test.hpp"

namespace edgeloop::test {

// float: relative error < 1e-3 (h = 1e-2); double: < 1e-8 (h = 1e-5).
template <class Spec, class S, class In, std::size_t N>
bool conv_gradient_ok(std::uint64_t seed, bool distinct = false) {
  using L = typename Spec::template bind<S, In>;
  static_assert(nn::bound_layer<L>);
  layer_gradient_check<L, N> check;
  const bool is_float = sizeof(S) == 4;
  check.run(seed, S(3), is_float ? S(1e-2) : S(1e-5), distinct);
  const long double tol = is_float ? 1e-3L : 1e-8L;
  return check.error_x < tol && check.error_p < tol && check.accumulates && check.overwrites;
}

/// Output size and padding before, TensorFlow's rules written out.
struct axis {
  long out, pad;
};
constexpr axis axis_of(long in, long k, long s, bool same) {
  if (!same) return {(in - k) / s + 1, 0};
  const long out = (in + s - 1) / s;
  const long total = (out - 1) * s + k - in;
  return {out, total > 0 ? total / 2 : 0};
}

/// y[oh][ow][f] = b[f] + sum w[kh][kw][c][f] x[oh*s+kh-pt][ow*s+kw-pl][c] (zeros outside);
/// weights HWIO then biases. Depthwise: w[kh][kw][c], y channel c from x channel c.
template <class S>
void naive_conv2d(const S* w, const S* x, S* y, long h, long wd, long c, long f, long kh, long kw, long sh, long sw,
                  bool same, bool depthwise) {
  const axis ah = axis_of(h, kh, sh, same), aw = axis_of(wd, kw, sw, same);
  const long fo = depthwise ? c : f;
  const long weights = depthwise ? kh * kw * c : kh * kw * c * f;
  for (long oh = 0; oh < ah.out; ++oh)
    for (long ow = 0; ow < aw.out; ++ow)
      for (long o = 0; o < fo; ++o) {
        long double s = w[weights + o];
        for (long i = 0; i < kh; ++i)
          for (long j = 0; j < kw; ++j) {
            const long ih = oh * sh + i - ah.pad, iw = ow * sw + j - aw.pad;
            if (ih < 0 || ih >= h || iw < 0 || iw >= wd) continue;
            if (depthwise)
              s += static_cast<long double>(w[(i * kw + j) * c + o]) * x[(ih * wd + iw) * c + o];
            else
              for (long ci = 0; ci < c; ++ci)
                s += static_cast<long double>(w[((i * kw + j) * c + ci) * f + o]) * x[(ih * wd + iw) * c + ci];
          }
        y[(oh * aw.out + ow) * fo + o] = static_cast<S>(s);
      }
}

/// Max (or mean over the positions inside) of each channel over k x k windows.
template <class S>
void naive_pool2d(const S* x, S* y, long h, long wd, long c, long k, long s, bool same, bool average) {
  const axis ah = axis_of(h, k, s, same), aw = axis_of(wd, k, s, same);
  for (long oh = 0; oh < ah.out; ++oh)
    for (long ow = 0; ow < aw.out; ++ow)
      for (long ci = 0; ci < c; ++ci) {
        long double acc = 0;
        long count = 0;
        for (long i = 0; i < k; ++i)
          for (long j = 0; j < k; ++j) {
            const long ih = oh * s + i - ah.pad, iw = ow * s + j - aw.pad;
            if (ih < 0 || ih >= h || iw < 0 || iw >= wd) continue;
            const long double v = x[(ih * wd + iw) * c + ci];
            acc = average ? acc + v : (count == 0 || v > acc ? v : acc);
            ++count;
          }
        y[(oh * aw.out + ow) * c + ci] = static_cast<S>(average ? acc / count : acc);
      }
}

/// Forward of bound layer L over one random sample equals the naive reference `ref`.
template <class L, class Ref>
bool forward_matches(std::uint64_t seed, Ref ref, long double tol) {
  using S = typename L::scalar_type;
  std::array<S, (L::param_count > 0 ? L::param_count : 1)> p{};
  std::array<S, L::input_shape::size> x{};
  std::array<S, L::output_shape::size> y{}, expected{};
  rng r(seed);
  L::initialize(p.data(), r);
  for (std::size_t i = 0; i < L::param_count; ++i) p[i] += r.uniform<S>(S(-0.3), S(0.3));
  for (auto& v : x) v = r.uniform<S>(S(-2), S(2));
  L::forward(p.data(), x.data(), y.data(), 1);
  ref(p.data(), x.data(), expected.data());
  return all_close(y, expected, tol, tol);
}

}  // namespace edgeloop::test
