#pragma once
/// softmax: y_i = exp(x_i - max x) / sum_j exp(x_j - max x) over each sample (all of its
/// H*W*C values); backward gx = y * (gy - <gy, y>). For classification prefer a plain
/// last layer with the softmax_cross_entropy loss, which fuses both (exact and cheaper).

#include <cmath>
#include <cstddef>

#include "layer.hpp"

namespace edgeloop::nn {

struct softmax {
  template <scalar Scalar, class InputShape>
  struct bind {
    using scalar_type = Scalar;
    using input_shape = InputShape;
    using output_shape = InputShape;
    static constexpr std::size_t param_count = 0;
    static constexpr std::size_t aux_count = 0;
    static constexpr std::size_t m = InputShape::size;

    static void initialize(Scalar*, rng&) noexcept {}
    static void forward(const Scalar*, const Scalar* x, Scalar* y, std::size_t n) noexcept {
      for (std::size_t s = 0; s < n; ++s, x += m, y += m) {
        Scalar top = x[0];
        for (std::size_t i = 1; i < m; ++i) top = x[i] > top ? x[i] : top;
        Scalar sum = 0;
        for (std::size_t i = 0; i < m; ++i) sum += (y[i] = std::exp(x[i] - top));
        const Scalar inv = Scalar(1) / sum;
        for (std::size_t i = 0; i < m; ++i) y[i] *= inv;
      }
    }
    static void forward_train(const Scalar* p, const Scalar* x, Scalar* y, Scalar*, std::size_t n, rng&) noexcept {
      forward(p, x, y, n);
    }
    static void backward(const Scalar*, const Scalar*, const Scalar* y, const Scalar*, const Scalar* gy, Scalar* gx,
                         Scalar*, std::size_t n) noexcept {
      if (gx == nullptr) return;
      for (std::size_t s = 0; s < n; ++s, y += m, gy += m, gx += m) {
        Scalar dot = 0;
        for (std::size_t i = 0; i < m; ++i) dot += gy[i] * y[i];
        for (std::size_t i = 0; i < m; ++i) gx[i] = y[i] * (gy[i] - dot);
      }
    }
  };
};

}  // namespace edgeloop::nn
