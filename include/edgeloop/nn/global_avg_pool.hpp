#pragma once
/// global_avg_pool: shape<H, W, C> -> shape<C>, the mean of each channel over all H*W
/// positions (Lin et al. 2014, "Network in Network"). No parameters, nothing saved.

#include <cstddef>

#include "layer.hpp"

namespace edgeloop::nn {

struct global_avg_pool {
  template <scalar Scalar, class InputShape>
  struct bind {
    using scalar_type = Scalar;
    using input_shape = InputShape;
    static constexpr std::size_t C = InputShape::channels, positions = InputShape::height * InputShape::width;
    using output_shape = shape<C>;
    static constexpr std::size_t param_count = 0;
    static constexpr std::size_t aux_count = 0;

    static void initialize(Scalar*, rng&) noexcept {}
    static void forward(const Scalar*, const Scalar* x, Scalar* y, std::size_t n) noexcept {
      const Scalar inv = Scalar(1) / static_cast<Scalar>(positions);
      for (std::size_t s = 0; s < n; ++s, x += InputShape::size, y += C) {
        for (std::size_t c = 0; c < C; ++c) y[c] = Scalar(0);
        for (std::size_t i = 0; i < positions; ++i)
          for (std::size_t c = 0; c < C; ++c) y[c] += x[i * C + c];
        for (std::size_t c = 0; c < C; ++c) y[c] *= inv;
      }
    }
    static void forward_train(const Scalar* p, const Scalar* x, Scalar* y, Scalar*, std::size_t n, rng&) noexcept {
      forward(p, x, y, n);
    }
    static void backward(const Scalar*, const Scalar*, const Scalar*, const Scalar*, const Scalar* gy, Scalar* gx,
                         Scalar*, std::size_t n) noexcept {
      if (gx == nullptr) return;
      const Scalar inv = Scalar(1) / static_cast<Scalar>(positions);
      for (std::size_t s = 0; s < n; ++s, gy += C, gx += InputShape::size)
        for (std::size_t i = 0; i < positions; ++i)
          for (std::size_t c = 0; c < C; ++c) gx[i * C + c] = gy[c] * inv;
    }
  };
};

}  // namespace edgeloop::nn
