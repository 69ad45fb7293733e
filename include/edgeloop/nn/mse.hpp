#pragma once
/// mse: mean squared error over the N outputs, L = (1/N) sum_i (z_i - y_i)^2 (PyTorch's
/// MSELoss, reduction mean); dL/dz = 2 (z - y) / N. Target: std::array<Scalar, N>, finite.

#include <array>
#include <cstddef>

#include "../core/numeric.hpp"
#include "../core/status.hpp"

namespace edgeloop::nn {

struct mse {
  template <scalar Scalar, std::size_t N>
  struct bind {
    using target_type = std::array<Scalar, N>;
    using output_type = std::array<Scalar, N>;
    static constexpr bool has_accuracy = false;

    static constexpr status check(const target_type& y) noexcept {
      return all_finite(y) ? status::ok : status::non_finite_input;
    }
    static Scalar loss(const Scalar* z, const target_type& y) noexcept {
      Scalar sum = 0;
      for (std::size_t i = 0; i < N; ++i) sum += (z[i] - y[i]) * (z[i] - y[i]);
      return sum / Scalar(N);
    }
    static Scalar loss_gradient(const Scalar* z, const target_type& y, Scalar* g) noexcept {
      const Scalar k = Scalar(2) / Scalar(N);
      for (std::size_t i = 0; i < N; ++i) g[i] = k * (z[i] - y[i]);
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
