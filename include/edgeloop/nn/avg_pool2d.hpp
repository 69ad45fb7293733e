#pragma once
/// avg_pool2d<Pool, Stride = Pool, Pad = padding::valid>: the mean of each channel over a
/// Pool x Pool window (TensorFlow's valid/same placement, nn/padding.hpp). With same
/// padding the mean is over the positions inside the input only (TensorFlow; PyTorch's
/// count_include_pad=False). Backward spreads each output gradient evenly over its window.
/// No parameters, nothing saved.

#include <cstddef>

#include "layer.hpp"
#include "padding.hpp"

namespace edgeloop::nn {

template <std::size_t Pool, std::size_t Stride = Pool, padding Pad = padding::valid>
struct avg_pool2d {
  template <scalar Scalar, class InputShape>
  struct bind {
    using scalar_type = Scalar;
    using input_shape = InputShape;
    static constexpr std::size_t H = InputShape::height, W = InputShape::width, C = InputShape::channels;
    using rows = window_geometry<H, Pool, Stride, Pad>;
    using cols = window_geometry<W, Pool, Stride, Pad>;
    using output_shape = shape<rows::output, cols::output, C>;
    static constexpr std::size_t param_count = 0;
    static constexpr std::size_t aux_count = 0;

    static void initialize(Scalar*, rng&) noexcept {}
    static void forward(const Scalar*, const Scalar* x, Scalar* y, std::size_t n) noexcept {
      for (std::size_t s = 0; s < n; ++s, x += InputShape::size)
        for (std::size_t oh = 0; oh < rows::output; ++oh)
          for (std::size_t ow = 0; ow < cols::output; ++ow, y += C) {
            for (std::size_t c = 0; c < C; ++c) y[c] = Scalar(0);
            for (std::size_t kh = rows::tap_begin(oh); kh < rows::tap_end(oh); ++kh)
              for (std::size_t kw = cols::tap_begin(ow); kw < cols::tap_end(ow); ++kw) {
                const Scalar* xp = x + (rows::input_of(oh, kh) * W + cols::input_of(ow, kw)) * C;
                for (std::size_t c = 0; c < C; ++c) y[c] += xp[c];
              }
            const Scalar inv = Scalar(1) / static_cast<Scalar>(count(oh, ow));
            for (std::size_t c = 0; c < C; ++c) y[c] *= inv;
          }
    }
    static void forward_train(const Scalar* p, const Scalar* x, Scalar* y, Scalar*, std::size_t n, rng&) noexcept {
      forward(p, x, y, n);
    }
    static void backward(const Scalar*, const Scalar*, const Scalar*, const Scalar*, const Scalar* gy, Scalar* gx,
                         Scalar*, std::size_t n) noexcept {
      if (gx == nullptr) return;
      for (std::size_t i = 0; i < n * InputShape::size; ++i) gx[i] = Scalar(0);
      for (std::size_t s = 0; s < n; ++s, gx += InputShape::size)
        for (std::size_t oh = 0; oh < rows::output; ++oh)
          for (std::size_t ow = 0; ow < cols::output; ++ow, gy += C) {
            const Scalar inv = Scalar(1) / static_cast<Scalar>(count(oh, ow));
            for (std::size_t kh = rows::tap_begin(oh); kh < rows::tap_end(oh); ++kh)
              for (std::size_t kw = cols::tap_begin(ow); kw < cols::tap_end(ow); ++kw) {
                Scalar* gp = gx + (rows::input_of(oh, kh) * W + cols::input_of(ow, kw)) * C;
                for (std::size_t c = 0; c < C; ++c) gp[c] += gy[c] * inv;
              }
          }
    }

   private:
    static constexpr std::size_t count(std::size_t oh, std::size_t ow) noexcept {
      return (rows::tap_end(oh) - rows::tap_begin(oh)) * (cols::tap_end(ow) - cols::tap_begin(ow));
    }
  };
};

}  // namespace edgeloop::nn
