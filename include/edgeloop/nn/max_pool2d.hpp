#pragma once
/// max_pool2d<Pool, Stride = Pool, Pad = padding::valid>: the maximum of each channel over
/// a Pool x Pool window (TensorFlow's valid/same placement, nn/padding.hpp; padded
/// positions never win). Backward sends each output gradient to the first position in the
/// window (row-major) that holds the maximum; it finds it again by comparing the input
/// with the saved output, so nothing is stored for backward (aux_count = 0). No parameters.

#include <cstddef>

#include "layer.hpp"
#include "padding.hpp"

namespace edgeloop::nn {

template <std::size_t Pool, std::size_t Stride = Pool, padding Pad = padding::valid>
struct max_pool2d {
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
            bool first = true;
            for (std::size_t kh = rows::tap_begin(oh); kh < rows::tap_end(oh); ++kh)
              for (std::size_t kw = cols::tap_begin(ow); kw < cols::tap_end(ow); ++kw) {
                const Scalar* xp = x + (rows::input_of(oh, kh) * W + cols::input_of(ow, kw)) * C;
                if (first) {
                  for (std::size_t c = 0; c < C; ++c) y[c] = xp[c];
                  first = false;
                } else {
                  for (std::size_t c = 0; c < C; ++c) y[c] = xp[c] > y[c] ? xp[c] : y[c];
                }
              }
          }
    }
    static void forward_train(const Scalar* p, const Scalar* x, Scalar* y, Scalar*, std::size_t n, rng&) noexcept {
      forward(p, x, y, n);
    }
    static void backward(const Scalar*, const Scalar* x, const Scalar* y, const Scalar*, const Scalar* gy, Scalar* gx,
                         Scalar*, std::size_t n) noexcept {
      if (gx == nullptr) return;
      for (std::size_t i = 0; i < n * InputShape::size; ++i) gx[i] = Scalar(0);
      for (std::size_t s = 0; s < n; ++s, x += InputShape::size, gx += InputShape::size)
        for (std::size_t oh = 0; oh < rows::output; ++oh)
          for (std::size_t ow = 0; ow < cols::output; ++ow, y += C, gy += C) {
            // Branch-free over the channels (vectorises): the gradient still pending goes
            // to the first tap equal to the maximum.
            Scalar pending[C];
            for (std::size_t c = 0; c < C; ++c) pending[c] = gy[c];
            for (std::size_t kh = rows::tap_begin(oh); kh < rows::tap_end(oh); ++kh)
              for (std::size_t kw = cols::tap_begin(ow); kw < cols::tap_end(ow); ++kw) {
                const std::size_t at = (rows::input_of(oh, kh) * W + cols::input_of(ow, kw)) * C;
                for (std::size_t c = 0; c < C; ++c) {
                  const bool hit = x[at + c] == y[c];
                  gx[at + c] += hit ? pending[c] : Scalar(0);
                  pending[c] = hit ? Scalar(0) : pending[c];
                }
              }
          }
    }
  };
};

}  // namespace edgeloop::nn
