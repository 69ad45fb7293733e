#pragma once
/// dropout<Rate>: inverted dropout (Srivastava et al. 2014). In training each value is
/// kept with probability 1 - Rate and scaled by 1 / (1 - Rate), else zeroed; the mask
/// (0 or the scale) is saved per value (aux_count = input size) for backward. At
/// inference it is the identity. Random numbers come from the learner's edgeloop::rng.

#include <cstddef>

#include "layer.hpp"

namespace edgeloop::nn {

template <float Rate = 0.5f>
struct dropout {
  static_assert(Rate >= 0.0f && Rate < 1.0f, "dropout rate must be in [0, 1)");

  template <scalar Scalar, class InputShape>
  struct bind {
    using scalar_type = Scalar;
    using input_shape = InputShape;
    using output_shape = InputShape;
    static constexpr std::size_t param_count = 0;
    static constexpr std::size_t aux_count = InputShape::size;

    static void initialize(Scalar*, rng&) noexcept {}
    static void forward(const Scalar*, const Scalar* x, Scalar* y, std::size_t n) noexcept {
      for (std::size_t i = 0, m = n * InputShape::size; i < m; ++i) y[i] = x[i];
    }
    static void forward_train(const Scalar*, const Scalar* x, Scalar* y, Scalar* mask, std::size_t n, rng& r) noexcept {
      const Scalar rate = static_cast<Scalar>(Rate);
      const Scalar scale = Scalar(1) / (Scalar(1) - rate);
      for (std::size_t i = 0, m = n * InputShape::size; i < m; ++i) {
        mask[i] = r.uniform<Scalar>() < rate ? Scalar(0) : scale;
        y[i] = x[i] * mask[i];
      }
    }
    static void backward(const Scalar*, const Scalar*, const Scalar*, const Scalar* mask, const Scalar* gy, Scalar* gx,
                         Scalar*, std::size_t n) noexcept {
      if (gx == nullptr) return;
      for (std::size_t i = 0, m = n * InputShape::size; i < m; ++i) gx[i] = gy[i] * mask[i];
    }
  };
};

}  // namespace edgeloop::nn
