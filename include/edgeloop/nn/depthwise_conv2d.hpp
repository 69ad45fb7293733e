#pragma once
/// depthwise_conv2d<Kernel, Stride = 1, Pad = padding::same, Init = he_uniform>: each
/// channel convolved with its own Kernel x Kernel window (depth multiplier 1; Howard et
/// al. 2017, MobileNets), TensorFlow's valid/same padding (nn/padding.hpp), zeros
/// outside the input. shape<H, W, C> -> shape<OH, OW, C>. He-uniform weights (fan-in
/// Kernel*Kernel), biases 0.
/// Parameters: Kernel*Kernel*C weights ([kh][kw][c], channels fastest), then C biases.
/// Memory: (Kernel*Kernel + 1) * C * sizeof(Scalar); nothing saved for backward.

#include <cstddef>

#include "detail/multiply_add.hpp"
#include "initializer.hpp"
#include "layer.hpp"
#include "padding.hpp"

namespace edgeloop::nn {

template <std::size_t Kernel, std::size_t Stride = 1, padding Pad = padding::same,
          initializer Init = initializer::he_uniform>
struct depthwise_conv2d {
  template <scalar Scalar, class InputShape>
  struct bind {
    using scalar_type = Scalar;
    using input_shape = InputShape;
    static constexpr std::size_t H = InputShape::height, W = InputShape::width, C = InputShape::channels;
    using rows = window_geometry<H, Kernel, Stride, Pad>;
    using cols = window_geometry<W, Kernel, Stride, Pad>;
    using output_shape = shape<rows::output, cols::output, C>;
    static constexpr std::size_t weight_count = Kernel * Kernel * C;
    static constexpr std::size_t param_count = weight_count + C;
    static constexpr std::size_t aux_count = 0;

    static void initialize(Scalar* p, rng& r) noexcept {
      initialize_weights(p, weight_count, Kernel * Kernel, Kernel * Kernel, Init, r);
      for (std::size_t i = weight_count; i < param_count; ++i) p[i] = Scalar(0);
    }
    static void forward(const Scalar* p, const Scalar* x, Scalar* y, std::size_t n) noexcept {
      for (std::size_t s = 0; s < n; ++s, x += InputShape::size)
        for (std::size_t oh = 0; oh < rows::output; ++oh)
          for (std::size_t ow = 0; ow < cols::output; ++ow, y += C) {
            for (std::size_t c = 0; c < C; ++c) y[c] = p[weight_count + c];
            for (std::size_t kh = rows::tap_begin(oh); kh < rows::tap_end(oh); ++kh)
              for (std::size_t kw = cols::tap_begin(ow); kw < cols::tap_end(ow); ++kw) {
                const Scalar* xp = x + (rows::input_of(oh, kh) * W + cols::input_of(ow, kw)) * C;
                const Scalar* wp = p + (kh * Kernel + kw) * C;
                for (std::size_t c = 0; c < C; ++c) y[c] = detail::multiply_add(xp[c], wp[c], y[c]);
              }
          }
    }
    static void forward_train(const Scalar* p, const Scalar* x, Scalar* y, Scalar*, std::size_t n, rng&) noexcept {
      forward(p, x, y, n);
    }
    static void backward(const Scalar* p, const Scalar* x, const Scalar*, const Scalar*, const Scalar* gy, Scalar* gx,
                         Scalar* gp, std::size_t n) noexcept {
      if (gx != nullptr)
        for (std::size_t i = 0; i < n * InputShape::size; ++i) gx[i] = Scalar(0);
      for (std::size_t s = 0; s < n; ++s, x += InputShape::size)
        for (std::size_t oh = 0; oh < rows::output; ++oh)
          for (std::size_t ow = 0; ow < cols::output; ++ow, gy += C) {
            for (std::size_t c = 0; c < C; ++c) gp[weight_count + c] += gy[c];
            for (std::size_t kh = rows::tap_begin(oh); kh < rows::tap_end(oh); ++kh)
              for (std::size_t kw = cols::tap_begin(ow); kw < cols::tap_end(ow); ++kw) {
                const std::size_t at = (rows::input_of(oh, kh) * W + cols::input_of(ow, kw)) * C;
                const std::size_t wi = (kh * Kernel + kw) * C;
                for (std::size_t c = 0; c < C; ++c) gp[wi + c] = detail::multiply_add(gy[c], x[at + c], gp[wi + c]);
                if (gx != nullptr) {
                  Scalar* g = gx + s * InputShape::size + at;
                  for (std::size_t c = 0; c < C; ++c) g[c] = detail::multiply_add(gy[c], p[wi + c], g[c]);
                }
              }
          }
    }
  };
};

}  // namespace edgeloop::nn
