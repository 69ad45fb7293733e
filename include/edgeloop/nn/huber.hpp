#pragma once
/// huber<Delta>: Huber loss (Huber 1964) averaged over the N outputs, as PyTorch's
/// HuberLoss: per output d = z - y, 0.5 d^2 for |d| <= Delta, Delta (|d| - Delta/2)
/// otherwise; dL/dz = clip(d, -Delta, Delta) / N. Target: std::array<Scalar, N>, finite.

#include <array>
#include <cstddef>

#include "../core/numeric.hpp"
#include "../core/status.hpp"

namespace edgeloop::nn {

template <float Delta = 1.0f>
struct huber {
  static_assert(Delta > 0.0f, "huber delta must be positive");
  template <scalar Scalar, std::size_t N>
  struct bind {
    using target_type = std::array<Scalar, N>;
    using output_type = std::array<Scalar, N>;
    static constexpr bool has_accuracy = false;
    static constexpr Scalar delta = static_cast<Scalar>(Delta);

    static constexpr status check(const target_type& y) noexcept {
      return all_finite(y) ? status::ok : status::non_finite_input;
    }
    static Scalar loss(const Scalar* z, const target_type& y) noexcept {
      Scalar sum = 0;
      for (std::size_t i = 0; i < N; ++i) {
        const Scalar d = z[i] - y[i];
        const Scalar a = d < Scalar(0) ? -d : d;
        sum += a <= delta ? Scalar(0.5) * d * d : delta * (a - Scalar(0.5) * delta);
      }
      return sum / Scalar(N);
    }
    static Scalar loss_gradient(const Scalar* z, const target_type& y, Scalar* g) noexcept {
      for (std::size_t i = 0; i < N; ++i) {
        const Scalar d = z[i] - y[i];
        g[i] = (d > delta ? delta : d < -delta ? -delta : d) / Scalar(N);
      }
      return loss(z, y);
    }
    static output_type predict(const Scalar* z) noexcept {
      output_type out;
      for (std::size_t i = 0; i < N; ++i) out[i] = z[i];
      return out;
    }
    static bool correct(const Scalar*, const target_type&) noexcept { return false; }
  };
};

}  // namespace edgeloop::nn
