#pragma once
/// flatten: shape<H, W, C> -> shape<H*W*C> (the H-W-C order is kept). A copy forward, a
/// copy backward, no parameters.

#include <cstddef>

#include "layer.hpp"

namespace edgeloop::nn {

struct flatten {
  template <scalar Scalar, class InputShape>
  struct bind {
    using scalar_type = Scalar;
    using input_shape = InputShape;
    using output_shape = shape<InputShape::size>;
    static constexpr std::size_t param_count = 0;
    static constexpr std::size_t aux_count = 0;

    static void initialize(Scalar*, rng&) noexcept {}
    static void forward(const Scalar*, const Scalar* x, Scalar* y, std::size_t n) noexcept {
      for (std::size_t i = 0, m = n * InputShape::size; i < m; ++i) y[i] = x[i];
    }
    static void forward_train(const Scalar* p, const Scalar* x, Scalar* y, Scalar*, std::size_t n, rng&) noexcept {
      forward(p, x, y, n);
    }
    static void backward(const Scalar*, const Scalar*, const Scalar*, const Scalar*, const Scalar* gy, Scalar* gx,
                         Scalar*, std::size_t n) noexcept {
      if (gx == nullptr) return;
      for (std::size_t i = 0, m = n * InputShape::size; i < m; ++i) gx[i] = gy[i];
    }
  };
};

}  // namespace edgeloop::nn
