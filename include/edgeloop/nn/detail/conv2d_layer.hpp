#pragma once
/// conv2d_layer: the bound layer behind conv2d and conv1d. Cross-correlation as in every
/// framework: y[oh][ow][f] = b[f] + sum_{kh,kw,c} w[kh][kw][c][f] * x[oh*SH+kh-PT][ow*SW+kw-PL][c]
/// with zeros outside the input. Weights HWIO ([KH][KW][C][F], filters fastest), then F
/// biases.
///
/// No im2col and no buffers that grow with the image; accumulators are vectors over the
/// filters (or channels) held in registers (detail/vector_lanes.hpp):
///  - forward: output pixels whose window lies inside the input (the interior) run in
///    blocks, the (kw, c) taps of one kernel row being contiguous in the input; border
///    pixels skip the taps outside;
///  - weight gradient: per kernel row, blocks of taps accumulate over all pixels;
///  - input gradient: per kernel tap, its C x F weights are transposed into a small
///    stack block (at most 1,024 scalars) and every output pixel adds W^T gy to the input
///    pixel the tap reads, blocks of output pixels at a time.
/// Block sizes: as many accumulators as the target's vector registers hold
/// (register_file: with AVX-512 a whole 11- or 26-pixel row of 16 or 32 filters), spread
/// evenly so that no tail of single pixels remains; where no vector unit is known
/// (Cortex-M) fixed blocks of up to 8 pixels or taps, one pixel for the input gradient.
/// Multiply-accumulates per sample: macs = OH*OW*F*KH*KW*C forward, about twice backward.

#include <cstddef>

#include "../../core/numeric.hpp"
#include "../../core/rng.hpp"
#include "../initializer.hpp"
#include "../padding.hpp"
#include "../shape.hpp"
#include "vector_lanes.hpp"

// Where the target has fused multiply-add (x86 FMA), let the kernels' a += x * w contract
// to it although the project builds with -ffp-contract=off (Eigen's products already use
// FMA there); elsewhere the same code computes without fusing.
#if defined(__FMA__) && defined(__GNUC__) && !defined(__clang__)
#pragma GCC push_options
#pragma GCC optimize("fp-contract=fast")
#define EDGELOOP_NN_CONV_FMA 1
#endif

namespace edgeloop::nn::detail {

template <scalar Scalar, class InputShape, std::size_t F, std::size_t KH, std::size_t KW, std::size_t SH,
          std::size_t SW, padding Pad, initializer Init>
struct conv2d_layer {
  static_assert(F > 0, "a convolution needs at least one filter");
  using scalar_type = Scalar;
  using input_shape = InputShape;
  static constexpr std::size_t H = InputShape::height, W = InputShape::width, C = InputShape::channels;
  using rows = window_geometry<H, KH, SH, Pad>;
  using cols = window_geometry<W, KW, SW, Pad>;
  static constexpr std::size_t OH = rows::output, OW = cols::output;
  using output_shape = shape<OH, OW, F>;
  static constexpr std::size_t filters = F;
  static constexpr std::size_t weight_count = KH * KW * C * F;
  static constexpr std::size_t param_count = weight_count + F;
  static constexpr std::size_t aux_count = 0;
  static constexpr std::size_t fan_in = KH * KW * C;
  static constexpr std::size_t macs = OH * OW * F * KH * KW * C;  ///< per sample, forward

 private:
  static constexpr std::size_t in_size = InputShape::size, out_size = output_shape::size;
  static constexpr std::size_t row_taps = KW * C;  // contiguous (kw, c) taps of one kernel row
  using fvec = vector_lanes<Scalar, F>;            // vectors over the filters
  using fv = typename fvec::type;
  static constexpr std::size_t FL = fvec::lanes, FK = fvec::count;
  using cvec = vector_lanes<Scalar, C>;  // vectors over the input channels
  using cv = typename cvec::type;
  static constexpr std::size_t CL = cvec::lanes, CK = cvec::count;
  // Register blocks. Where the vector register file is known (register_file), as many
  // accumulators as fit, spread evenly over the row (so that no slow tail of single
  // pixels or taps remains); elsewhere (Cortex-M) the fixed blocks of before.
  static constexpr bool sized = register_file::count != 0;
  static constexpr std::size_t fixed_block = FK == 1 ? 8 : (FK == 2 ? 4 : (FK <= 4 ? 2 : 1));
  static constexpr std::size_t fregs = FK * register_file::per_vector<Scalar, F>();  // one pixel's F sums
  static constexpr std::size_t cregs = CK * register_file::per_vector<Scalar, C>();  // one pixel's C sums
  static constexpr std::size_t balanced(std::size_t total, std::size_t most) noexcept {
    if (total <= most) return total == 0 ? 1 : total;
    const std::size_t groups = (total + most - 1) / most;
    return (total + groups - 1) / groups;
  }
  static constexpr std::size_t interior_w = cols::interior_end - cols::interior_begin;
  // forward: pixels in registers (accumulators, one row of weights, a broadcast input)
  static constexpr std::size_t block =
      sized ? balanced(interior_w, register_file::blocks(fregs, fregs + 1, 28, 1)) : fixed_block;
  // weight gradient: taps of a kernel row in registers, times pixels in flight
  static constexpr std::size_t tap_block_max = register_file::blocks(fregs, fregs + 1, 28, fixed_block);
  static constexpr std::size_t tap_block =
      sized ? balanced(row_taps, tap_block_max) : (row_taps < tap_block_max ? row_taps : tap_block_max);
  static constexpr std::size_t pixel_sets = tap_block_max / tap_block;  // independent accumulator sets
  // input gradient: output pixels whose C input-gradient sums stay in registers
  static constexpr std::size_t scatter_block = sized ? balanced(OW, register_file::blocks(cregs, cregs + 1, 16, 1)) : 1;
  static constexpr std::size_t filter_chunk = C * F <= 1024 ? F : (C >= 1024 ? 1 : 1024 / C);  // transposed block

 public:
  static void initialize(Scalar* p, rng& r) noexcept {
    initialize_weights(p, weight_count, fan_in, KH * KW * F, Init, r);
    for (std::size_t i = weight_count; i < param_count; ++i) p[i] = Scalar(0);
  }

  static void forward(const Scalar* p, const Scalar* x, Scalar* y, std::size_t n) noexcept {
    for (std::size_t s = 0; s < n; ++s) forward_one(p, x + s * in_size, y + s * out_size);
  }
  static void forward_train(const Scalar* p, const Scalar* x, Scalar* y, Scalar*, std::size_t n, rng&) noexcept {
    forward(p, x, y, n);
  }
  static void backward(const Scalar* p, const Scalar* x, const Scalar*, const Scalar*, const Scalar* gy, Scalar* gx,
                       Scalar* gp, std::size_t n) noexcept {
    for (std::size_t s = 0; s < n; ++s) weight_gradient_one(x + s * in_size, gy + s * out_size, gp);
    if (gx != nullptr) input_gradient(p, gy, gx, n);
  }

 private:
  // Block of B interior pixels ow0 .. ow0+B-1 of output row oh.
  template <std::size_t B>
  static void interior_block(const Scalar* p, const Scalar* x, Scalar* yrow, std::size_t oh, std::size_t ow0) noexcept {
    fv acc[B][FK];
    for (std::size_t k = 0; k < FK; ++k) {
      fv b;
      __builtin_memcpy(&b, p + weight_count + k * FL, sizeof b);
      for (std::size_t i = 0; i < B; ++i) acc[i][k] = b;
    }
    const std::size_t kh_end = rows::tap_end(oh);
    for (std::size_t kh = rows::tap_begin(oh); kh < kh_end; ++kh) {
      const Scalar* xrow = x + (rows::input_of(oh, kh) * W + cols::input_of(ow0, 0)) * C;
      const Scalar* wk = p + kh * row_taps * F;
      for (std::size_t t = 0; t < row_taps; ++t) {
        fv w[FK];
        for (std::size_t k = 0; k < FK; ++k) __builtin_memcpy(&w[k], wk + t * F + k * FL, sizeof(fv));
        for (std::size_t i = 0; i < B; ++i) {
          const Scalar xv = xrow[i * SW * C + t];
          for (std::size_t k = 0; k < FK; ++k) acc[i][k] += xv * w[k];
        }
      }
    }
    __builtin_memcpy(yrow + ow0 * F, &acc, sizeof acc);
  }

  // One pixel anywhere (border pixels: taps outside the input skipped).
  static void border_pixel(const Scalar* p, const Scalar* x, Scalar* yrow, std::size_t oh, std::size_t ow) noexcept {
    fv acc[FK];
    for (std::size_t k = 0; k < FK; ++k) __builtin_memcpy(&acc[k], p + weight_count + k * FL, sizeof(fv));
    const std::size_t kh_end = rows::tap_end(oh), kw_begin = cols::tap_begin(ow), kw_end = cols::tap_end(ow);
    for (std::size_t kh = rows::tap_begin(oh); kh < kh_end; ++kh)
      for (std::size_t kw = kw_begin; kw < kw_end; ++kw) {
        const Scalar* xp = x + (rows::input_of(oh, kh) * W + cols::input_of(ow, kw)) * C;
        const Scalar* wp = p + (kh * KW + kw) * C * F;
        for (std::size_t c = 0; c < C; ++c) {
          fv w[FK];
          for (std::size_t k = 0; k < FK; ++k) __builtin_memcpy(&w[k], wp + c * F + k * FL, sizeof(fv));
          for (std::size_t k = 0; k < FK; ++k) acc[k] += xp[c] * w[k];
        }
      }
    __builtin_memcpy(yrow + ow * F, &acc, sizeof acc);
  }

  static void forward_one(const Scalar* p, const Scalar* x, Scalar* y) noexcept {
    for (std::size_t oh = 0; oh < OH; ++oh) {
      Scalar* yrow = y + oh * OW * F;
      for (std::size_t ow = 0; ow < cols::interior_begin; ++ow) border_pixel(p, x, yrow, oh, ow);
      std::size_t ow = cols::interior_begin;
      for (; ow + block <= cols::interior_end; ow += block) interior_block<block>(p, x, yrow, oh, ow);
      if constexpr (sized && interior_w % block != 0) {
        interior_block<interior_w % block>(p, x, yrow, oh, ow);
      } else {
        for (; ow < cols::interior_end; ++ow) interior_block<1>(p, x, yrow, oh, ow);
      }
      for (ow = cols::interior_end; ow < OW; ++ow) border_pixel(p, x, yrow, oh, ow);
    }
  }

  // gw[kh][t][f] += sum over pixels gy[pixel][f] * x[tap t of kernel row kh]; gb += sum gy.
  static void weight_gradient_one(const Scalar* x, const Scalar* gy, Scalar* gp) noexcept {
    {
      fv gb[FK] = {};
      for (std::size_t i = 0; i < OH * OW; ++i) {
        fv g[FK];
        for (std::size_t k = 0; k < FK; ++k) __builtin_memcpy(&g[k], gy + i * F + k * FL, sizeof(fv));
        for (std::size_t k = 0; k < FK; ++k) gb[k] += g[k];
      }
      add_to(gp + weight_count, gb);
    }
    for (std::size_t kh = 0; kh < KH; ++kh) {
      // Output rows whose kernel row kh lies inside the input (a contiguous range).
      std::size_t oh_begin = OH, oh_end = 0;
      for (std::size_t oh = 0; oh < OH; ++oh)
        if (kh >= rows::tap_begin(oh) && kh < rows::tap_end(oh)) {
          oh_begin = oh < oh_begin ? oh : oh_begin;
          oh_end = oh + 1;
        }
      if (oh_end == 0) continue;
      Scalar* gk = gp + kh * row_taps * F;
      std::size_t t = 0;
      for (; t + tap_block <= row_taps; t += tap_block) interior_taps<tap_block>(x, gy, gk, kh, t, oh_begin, oh_end);
      if constexpr (sized && row_taps % tap_block != 0) {
        interior_taps<row_taps % tap_block>(x, gy, gk, kh, t, oh_begin, oh_end);
      } else {
        for (; t < row_taps; ++t) interior_taps<1>(x, gy, gk, kh, t, oh_begin, oh_end);
      }
      // Border pixels, tap by tap.
      for (std::size_t oh = oh_begin; oh < oh_end; ++oh) {
        const Scalar* grow = gy + oh * OW * F;
        for (std::size_t ow = 0; ow < OW; ++ow) {
          if (ow >= cols::interior_begin && ow < cols::interior_end) continue;
          fv g[FK];
          for (std::size_t k = 0; k < FK; ++k) __builtin_memcpy(&g[k], grow + ow * F + k * FL, sizeof(fv));
          for (std::size_t kw = cols::tap_begin(ow); kw < cols::tap_end(ow); ++kw) {
            const Scalar* xp = x + (rows::input_of(oh, kh) * W + cols::input_of(ow, kw)) * C;
            for (std::size_t c = 0; c < C; ++c) {
              fv a[FK];
              Scalar* dst = gk + (kw * C + c) * F;
              for (std::size_t k = 0; k < FK; ++k) __builtin_memcpy(&a[k], dst + k * FL, sizeof(fv));
              for (std::size_t k = 0; k < FK; ++k) a[k] += xp[c] * g[k];
              __builtin_memcpy(dst, &a, sizeof a);
            }
          }
        }
      }
    }
  }

  static void add_to(Scalar* dst, const fv* v) noexcept {
    fv a[FK];
    for (std::size_t k = 0; k < FK; ++k) __builtin_memcpy(&a[k], dst + k * FL, sizeof(fv));
    for (std::size_t k = 0; k < FK; ++k) a[k] += v[k];
    __builtin_memcpy(dst, &a, sizeof a);
  }

  // Taps t0 .. t0+T-1 of kernel row kh over the interior pixels of rows [oh_begin, oh_end).
  template <std::size_t T>
  static void interior_taps(const Scalar* x, const Scalar* gy, Scalar* gk, std::size_t kh, std::size_t t0,
                            std::size_t oh_begin, std::size_t oh_end) noexcept {
    constexpr std::size_t P = T == tap_block ? pixel_sets : 1;  // pixels in flight
    fv acc[P][T][FK] = {};
    for (std::size_t oh = oh_begin; oh < oh_end; ++oh) {
      const Scalar* xrow = x + rows::input_of(oh, kh) * W * C + t0;
      const Scalar* grow = gy + oh * OW * F;
      std::size_t ow = cols::interior_begin;
      for (; ow + P <= cols::interior_end; ow += P)
        for (std::size_t q = 0; q < P; ++q) {
          const Scalar* xp = xrow + cols::input_of(ow + q, 0) * C;
          fv g[FK];
          for (std::size_t k = 0; k < FK; ++k) __builtin_memcpy(&g[k], grow + (ow + q) * F + k * FL, sizeof(fv));
          for (std::size_t t = 0; t < T; ++t)
            for (std::size_t k = 0; k < FK; ++k) acc[q][t][k] += xp[t] * g[k];
        }
      for (; ow < cols::interior_end; ++ow) {
        const Scalar* xp = xrow + cols::input_of(ow, 0) * C;
        fv g[FK];
        for (std::size_t k = 0; k < FK; ++k) __builtin_memcpy(&g[k], grow + ow * F + k * FL, sizeof(fv));
        for (std::size_t t = 0; t < T; ++t)
          for (std::size_t k = 0; k < FK; ++k) acc[0][t][k] += xp[t] * g[k];
      }
    }
    for (std::size_t q = 0; q < P; ++q)
      for (std::size_t t = 0; t < T; ++t) add_to(gk + (t0 + t) * F, acc[q][t]);
  }

  // gx = 0, then for every kernel tap (kh, kw) and output pixel: gx[input pixel of the tap]
  // += W[kh][kw] gy[pixel] (C x F times F), with W[kh][kw] transposed to F x C on the stack
  // (filter_chunk filters at a time) so that the C channels are contiguous vectors.
  static void input_gradient(const Scalar* p, const Scalar* gy, Scalar* gx, std::size_t n) noexcept {
    for (std::size_t i = 0; i < n * in_size; ++i) gx[i] = Scalar(0);
    for (std::size_t kh = 0; kh < KH; ++kh)
      for (std::size_t kw = 0; kw < KW; ++kw) {
        std::size_t f0 = 0;
        for (; f0 + filter_chunk <= F; f0 += filter_chunk) input_gradient_tap<filter_chunk>(p, gy, gx, n, kh, kw, f0);
        if constexpr (F % filter_chunk != 0) input_gradient_tap<F % filter_chunk>(p, gy, gx, n, kh, kw, f0);
      }
  }

  // Filters f0 .. f0+FN-1 of tap (kh, kw).
  template <std::size_t FN>
  static void input_gradient_tap(const Scalar* p, const Scalar* gy, Scalar* gx, std::size_t n, std::size_t kh,
                                 std::size_t kw, std::size_t f0) noexcept {
    Scalar wt[FN * C];
    const Scalar* wp = p + (kh * KW + kw) * C * F + f0;
    for (std::size_t f = 0; f < FN; ++f)
      for (std::size_t c = 0; c < C; ++c) wt[f * C + c] = wp[c * F + f];
    for (std::size_t s = 0; s < n; ++s)
      for (std::size_t oh = 0; oh < OH; ++oh) {
        if (kh < rows::tap_begin(oh) || kh >= rows::tap_end(oh)) continue;
        const Scalar* grow = gy + s * out_size + oh * OW * F + f0;
        Scalar* xrow = gx + s * in_size + rows::input_of(oh, kh) * W * C;
        if constexpr (scatter_block > 1) {
          // Pixels that use tap kw form one run; blocks of them keep their sums in registers.
          std::size_t ow = 0;
          while (ow < OW && (kw < cols::tap_begin(ow) || kw >= cols::tap_end(ow))) ++ow;
          std::size_t run_end = ow;
          while (run_end < OW && kw >= cols::tap_begin(run_end) && kw < cols::tap_end(run_end)) ++run_end;
          const std::size_t full = (run_end - ow) / scatter_block, rest = (run_end - ow) % scatter_block;
          for (std::size_t b = 0; b < full; ++b, ow += scatter_block)
            scatter_pixels<FN, scatter_block>(wt, grow + ow * F, xrow + cols::input_of(ow, kw) * C);
          for (std::size_t r = 0; r < rest; ++r, ++ow)
            scatter_tap<FN>(wt, grow + ow * F, xrow + cols::input_of(ow, kw) * C);
        } else {
          for (std::size_t ow = 0; ow < OW; ++ow) {
            if (kw < cols::tap_begin(ow) || kw >= cols::tap_end(ow)) continue;
            scatter_tap<FN>(wt, grow + ow * F, xrow + cols::input_of(ow, kw) * C);
          }
        }
      }
  }

  // For P consecutive output pixels i (gradients g + i * F, inputs dst + i * SW * C):
  // dst_i[0..C) += sum_f g_i[f] * wt[f][0..C), the P x C sums held in registers over f.
  template <std::size_t FN, std::size_t P>
  static void scatter_pixels(const Scalar* wt, const Scalar* g, Scalar* dst) noexcept {
    cv acc[P][CK] = {};
    for (std::size_t f = 0; f < FN; ++f)
      for (std::size_t k = 0; k < CK; ++k) {
        cv w;
        __builtin_memcpy(&w, wt + f * C + k * CL, sizeof w);
        for (std::size_t i = 0; i < P; ++i) acc[i][k] += g[i * F + f] * w;
      }
    for (std::size_t i = 0; i < P; ++i) add_channels(dst + i * SW * C, acc[i]);
  }
  static void add_channels(Scalar* dst, const cv* v) noexcept {
    cv a[CK];
    for (std::size_t k = 0; k < CK; ++k) __builtin_memcpy(&a[k], dst + k * CL, sizeof(cv));
    for (std::size_t k = 0; k < CK; ++k) a[k] += v[k];
    __builtin_memcpy(dst, &a, sizeof a);
  }

  // dst[0..C) += sum_f g[f] * wt[f][0..C), four partial sums over f (independent chains).
  template <std::size_t FN>
  static void scatter_tap(const Scalar* wt, const Scalar* g, Scalar* dst) noexcept {
    constexpr std::size_t unrolled = FN / 4 * 4;
    for (std::size_t k = 0; k < CK; ++k) {
      cv a[4] = {};
      for (std::size_t f = 0; f < unrolled; f += 4)
        for (std::size_t j = 0; j < 4; ++j) {
          cv w;
          __builtin_memcpy(&w, wt + (f + j) * C + k * CL, sizeof w);
          a[j] += g[f + j] * w;
        }
      for (std::size_t f = unrolled; f < FN; ++f) {
        cv w;
        __builtin_memcpy(&w, wt + f * C + k * CL, sizeof w);
        a[0] += g[f] * w;
      }
      cv d;
      __builtin_memcpy(&d, dst + k * CL, sizeof d);
      d += (a[0] + a[1]) + (a[2] + a[3]);
      __builtin_memcpy(dst + k * CL, &d, sizeof d);
    }
  }
};

}  // namespace edgeloop::nn::detail

#if defined(EDGELOOP_NN_CONV_FMA)
#pragma GCC pop_options
#undef EDGELOOP_NN_CONV_FMA
#endif
