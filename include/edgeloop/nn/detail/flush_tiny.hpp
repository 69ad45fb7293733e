#pragma once
/// flush_tiny(x, threshold): +0 when |x| < threshold, else x (NaN stays).
/// The optimizers' moments decay geometrically wherever the gradient is zero (dead relu
/// units, image pixels that are always 0) and would reach the subnormal range after a few
/// hundred steps; x86 cores then take a micro-code assist (about 100 cycles) per operation,
/// which made a training step 5x slower. Flushing far above the subnormal range keeps
/// every later product (b1 m, lr m / d) normal; it is plain arithmetic, so every platform
/// computes the same (no FTZ/DAZ mode of one FPU); in a plain loop the compiler vectorises it.

#include <cmath>

namespace edgeloop::nn::detail {

template <class Scalar>
inline Scalar flush_tiny(Scalar x, Scalar threshold) noexcept {
  return std::fabs(x) < threshold ? Scalar(0) : x;
}

}  // namespace edgeloop::nn::detail
