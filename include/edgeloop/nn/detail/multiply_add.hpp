#pragma once
/// multiply_add(a, b, c) = a * b + c, fused (one rounding) where the target has a fused
/// multiply-add for the type in its vector units (x86 FMA), so that the convolution loops
/// vectorise to FMA instructions although the project compiles with -ffp-contract=off.
/// Elsewhere (Cortex-M, x86 without FMA) it is the plain expression: std::fma would be a
/// library call there.

#include <cmath>

namespace edgeloop::nn::detail {

template <class S>
inline S multiply_add(S a, S b, S c) noexcept {
#if defined(__FMA__)
  return std::fma(a, b, c);
#else
  return a * b + c;
#endif
}

}  // namespace edgeloop::nn::detail
