#pragma once
/// vector_lanes<Scalar, N>: a GCC/Clang vector type (vector_size extension) of L lanes,
/// L the largest power of two that divides N and fits 64 bytes, so that N contiguous
/// values are N / L whole vectors. The convolution kernels keep their accumulators in
/// such vectors: the compiler then holds them in registers and uses the widest vector unit
/// of the target (AVX-512, AVX2, SSE, NEON); on cores without one (Cortex-M) they lower
/// to scalar code. Values move in and out with memcpy (no alignment assumed) and vectors
/// are never passed by value between functions (no ABI dependence on the target).

#include <cstddef>

namespace edgeloop::nn::detail {

template <class Scalar, std::size_t N>
struct vector_lanes {
  static constexpr std::size_t compute() noexcept {
    std::size_t l = 1;
    while (l * 2 * sizeof(Scalar) <= 64 && N % (l * 2) == 0) l *= 2;
    return l;
  }
  static constexpr std::size_t lanes = compute();
  static constexpr std::size_t count = N / lanes;  ///< vectors per N values
  typedef Scalar type __attribute__((vector_size(lanes * sizeof(Scalar))));
};

}  // namespace edgeloop::nn::detail
