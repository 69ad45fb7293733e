#pragma once
/// flush_tiny(v, n, threshold): sets the values with |v| < threshold to +0 (NaN stays).
/// The optimizers' moments decay geometrically wherever the gradient is zero (dead relu
/// units, image pixels that are always 0) and would reach the subnormal range after a few
/// hundred steps; x86 cores then take a micro-code assist (about 100 cycles) per operation,
/// which made a training step 5x slower. Flushing far above the subnormal range keeps
/// every later product (b1 m, lr m / d) normal; it is plain arithmetic, so every platform
/// computes the same (no FTZ/DAZ mode of one FPU). A plain loop: the compiler vectorises it.

#include <cmath>
#include <cstddef>

namespace edgeloop::nn::detail {

template <class Scalar>
inline void flush_tiny(Scalar* v, std::ptrdiff_t n, Scalar threshold) noexcept {
  for (std::ptrdiff_t i = 0; i < n; ++i) v[i] = std::fabs(v[i]) < threshold ? Scalar(0) : v[i];
}

}  // namespace edgeloop::nn::detail
