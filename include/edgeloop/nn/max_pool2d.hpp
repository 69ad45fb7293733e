#pragma once
/// max_pool2d<Pool, Stride = Pool, Pad = padding::valid>: the maximum of each channel over
/// a Pool x Pool window (TensorFlow's valid/same placement, nn/padding.hpp; padded
/// positions never win). Backward sends each output gradient to the first position in the
/// window (row-major) that holds the maximum; it finds it again by comparing the input
/// with the saved output, so nothing is stored for backward (aux_count = 0). No parameters.

#include <cstddef>

#include "detail/vector_lanes.hpp"
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
          for (std::size_t ow = 0; ow < cols::output; ++ow, y += C)
            for (std::size_t k = 0; k < CK; ++k) {
              const std::size_t kw_begin = cols::tap_begin(ow), kh_begin = rows::tap_begin(oh);
              cv m;
              __builtin_memcpy(&m, x + at(oh, kh_begin, ow, kw_begin) + k * CL, sizeof m);
              for (std::size_t kh = kh_begin; kh < rows::tap_end(oh); ++kh)
                for (std::size_t kw = kw_begin; kw < cols::tap_end(ow); ++kw) {
                  cv v;
                  __builtin_memcpy(&v, x + at(oh, kh, ow, kw) + k * CL, sizeof v);
                  m = v > m ? v : m;
                }
              __builtin_memcpy(y + k * CL, &m, sizeof m);
            }
    }
    static void forward_train(const Scalar* p, const Scalar* x, Scalar* y, Scalar*, std::size_t n, rng&) noexcept {
      forward(p, x, y, n);
    }
    static void backward(const Scalar*, const Scalar* x, const Scalar* y, const Scalar*, const Scalar* gy, Scalar* gx,
                         Scalar*, std::size_t n) noexcept {
      if (gx == nullptr) return;
      // Windows that neither overlap nor reach into padding own each input position they
      // cover: the gradient is stored there directly and only the positions no window
      // covers are zeroed, instead of zeroing everything and accumulating.
      constexpr bool disjoint = Stride == Pool && rows::pad_before == 0 && cols::pad_before == 0 &&
                                rows::interior_end == rows::output && cols::interior_end == cols::output;
      if constexpr (!disjoint)
        for (std::size_t i = 0; i < n * InputShape::size; ++i) gx[i] = Scalar(0);
      for (std::size_t s = 0; s < n; ++s, x += InputShape::size, gx += InputShape::size) {
        if constexpr (disjoint) zero_uncovered(gx);
        for (std::size_t oh = 0; oh < rows::output; ++oh)
          for (std::size_t ow = 0; ow < cols::output; ++ow, y += C, gy += C)
            for (std::size_t k = 0; k < CK; ++k) {
              // Branch-free over the channels: the gradient still pending goes to the
              // first tap (row-major) equal to the maximum.
              cv pending, ym;
              __builtin_memcpy(&pending, gy + k * CL, sizeof pending);
              __builtin_memcpy(&ym, y + k * CL, sizeof ym);
              const cv zero = {};
              for (std::size_t kh = rows::tap_begin(oh); kh < rows::tap_end(oh); ++kh)
                for (std::size_t kw = cols::tap_begin(ow); kw < cols::tap_end(ow); ++kw) {
                  Scalar* g = gx + at(oh, kh, ow, kw) + k * CL;
                  cv v, d;
                  __builtin_memcpy(&v, x + at(oh, kh, ow, kw) + k * CL, sizeof v);
                  const auto hit = v == ym;
                  if constexpr (disjoint) {
                    d = hit ? pending : zero;
                  } else {
                    __builtin_memcpy(&d, g, sizeof d);
                    d += hit ? pending : zero;
                  }
                  __builtin_memcpy(g, &d, sizeof d);
                  pending = hit ? zero : pending;
                }
            }
      }
    }

   private:
    using cvec = detail::vector_lanes<Scalar, C>;  // vectors over the channels
    using cv = typename cvec::type;
    static constexpr std::size_t CL = cvec::lanes, CK = cvec::count;

    static constexpr std::size_t at(std::size_t oh, std::size_t kh, std::size_t ow, std::size_t kw) noexcept {
      return (rows::input_of(oh, kh) * W + cols::input_of(ow, kw)) * C;
    }
    // Rows and columns past the last window (valid placement that does not tile the input).
    static void zero_uncovered(Scalar* gx) noexcept {
      constexpr std::size_t covered_h = (rows::output - 1) * Stride + Pool, covered_w = (cols::output - 1) * Stride + Pool;
      for (std::size_t h = 0; h < H; ++h)
        for (std::size_t w = h < covered_h ? covered_w : 0; w < W; ++w)
          for (std::size_t c = 0; c < C; ++c) gx[(h * W + w) * C + c] = Scalar(0);
    }
  };
};

}  // namespace edgeloop::nn
