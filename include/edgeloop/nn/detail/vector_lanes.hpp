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

/// The vector registers of the target the code is compiled for, so that kernels can size
/// their register blocks (accumulators that do not fit are spilled to the stack): x86 has
/// 32 of 64 bytes with AVX-512, otherwise 16 (32-byte AVX, 16-byte SSE); NEON 16 bytes
/// (32 on AArch64, 16 on 32-bit Arm). count == 0: no vector unit known (Cortex-M); the
/// kernels keep their fixed blocks there.
struct register_file {
#if defined(__AVX512F__)
  static constexpr std::size_t count = 32, bytes = 64;
#elif defined(__AVX__)
  static constexpr std::size_t count = 16, bytes = 32;
#elif defined(__SSE2__)
  static constexpr std::size_t count = 16, bytes = 16;
#elif defined(__aarch64__)
  static constexpr std::size_t count = 32, bytes = 16;
#elif defined(__ARM_NEON)
  static constexpr std::size_t count = 16, bytes = 16;
#else
  static constexpr std::size_t count = 0, bytes = 0;
#endif
  /// Registers that one vector_lanes<Scalar, N>::type occupies.
  template <class Scalar, std::size_t N>
  static constexpr std::size_t per_vector() noexcept {
    constexpr std::size_t b = vector_lanes<Scalar, N>::lanes * sizeof(Scalar), width = bytes == 0 ? b : bytes;
    return (b + width - 1) / width;
  }
  /// Largest number of blocks of `each` registers that fit next to `reserved` others, at
  /// least 1, at most `cap`; `fallback` when the register file is unknown.
  static constexpr std::size_t blocks(std::size_t each, std::size_t reserved, std::size_t cap,
                                      std::size_t fallback) noexcept {
    if (count == 0) return fallback;
    const std::size_t room = count > reserved + each ? (count - reserved) / each : 1;
    return room < cap ? room : cap;
  }
};

}  // namespace edgeloop::nn::detail
