#pragma once
/// Weight initialisers (He et al. 2015; Glorot & Bengio 2010) drawn from edgeloop::rng.
/// The uniform variants are exact functions of rng's integer sequence (one sqrt, correctly
/// rounded in IEEE 754) and give bit-identical weights on every platform; the normal
/// variants go through rng::normal (C library log/sin/cos, may differ in the last bit).
///   he_uniform      U(-a, a), a = sqrt(6 / fan_in)
///   glorot_uniform  U(-a, a), a = sqrt(6 / (fan_in + fan_out))
///   he_normal       N(0, 2 / fan_in)
///   glorot_normal   N(0, 2 / (fan_in + fan_out))
///   lecun_uniform   U(-a, a), a = sqrt(1 / fan_in) (PyTorch's default for Linear/Conv)

#include <cmath>
#include <cstddef>
#include <cstdint>

#include "../core/numeric.hpp"
#include "../core/rng.hpp"

namespace edgeloop::nn {

enum class initializer : std::uint8_t { he_uniform, glorot_uniform, he_normal, glorot_normal, lecun_uniform };

/// Fills w[0 .. count) for a layer with the given fan-in and fan-out.
template <scalar Scalar>
void initialize_weights(Scalar* w, std::size_t count, std::size_t fan_in, std::size_t fan_out, initializer kind,
                        rng& r) noexcept {
  const auto in = static_cast<Scalar>(fan_in);
  const auto sum = static_cast<Scalar>(fan_in + fan_out);
  switch (kind) {
    case initializer::he_uniform:
    case initializer::glorot_uniform:
    case initializer::lecun_uniform: {
      const Scalar a = kind == initializer::he_uniform       ? std::sqrt(Scalar(6) / in)
                       : kind == initializer::glorot_uniform ? std::sqrt(Scalar(6) / sum)
                                                             : std::sqrt(Scalar(1) / in);
      for (std::size_t i = 0; i < count; ++i) w[i] = r.uniform<Scalar>(-a, a);
      break;
    }
    case initializer::he_normal:
    case initializer::glorot_normal: {
      const Scalar s = kind == initializer::he_normal ? std::sqrt(Scalar(2) / in) : std::sqrt(Scalar(2) / sum);
      for (std::size_t i = 0; i < count; ++i) w[i] = s * r.normal<Scalar>();
      break;
    }
  }
}

}  // namespace edgeloop::nn
