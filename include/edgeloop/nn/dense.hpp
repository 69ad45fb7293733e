#pragma once
/// dense<Units>: fully connected layer y = W x + b over the flattened input (In = input
/// shape's size). Parameters in the network's block: W (Units x In, row-major: the
/// weights of one output are contiguous), then b (Units); biases start at 0.
/// One sample runs as Eigen matrix-vector products (forward W x, backward W^T g and the
/// rank-1 update g x^T); n > 1 samples as matrix-matrix products over the columns.
/// backward_apply hands one sample's gradient row by row to an optimizer instead.
/// On the boards (EDGELOOP_EMBEDDED) the products are plain loops: Eigen's GEMV/GEMM kernels
/// keep a heap fallback for temporaries that is never taken here but links malloc, which
/// firmware must not; both sum each dot product in index order.
/// Memory: (Units * In + Units) * sizeof(Scalar) parameters, nothing else.

#include <cstddef>

#include "../core/linalg.hpp"
#include "../core/numeric.hpp"
#include "../core/rng.hpp"
#include "initializer.hpp"
#include "shape.hpp"

namespace edgeloop::nn {

template <std::size_t Units, initializer Init = initializer::he_uniform>
struct dense {
  static_assert(Units > 0, "dense needs at least one unit");

  template <scalar Scalar, class InputShape>
  struct bind {
    using scalar_type = Scalar;
    using input_shape = InputShape;
    using output_shape = shape<Units>;
    static constexpr std::size_t inputs = InputShape::size;
    static constexpr std::size_t units = Units;
    static constexpr std::size_t weight_count = Units * inputs;
    static constexpr std::size_t param_count = weight_count + Units;
    static constexpr std::size_t aux_count = 0;

   private:
    static constexpr int rows = static_cast<int>(Units);
    static constexpr int cols = static_cast<int>(inputs);
    // Run-time-sized maps (the sizes are still constants): g++ 12 reports a false
    // -Waggressive-loop-optimizations in Eigen's row-major GEMV for fixed-size ones.
    using weights = Eigen::Matrix<Scalar, Eigen::Dynamic, Eigen::Dynamic, Eigen::RowMajor>;
    using in_vec = Eigen::Matrix<Scalar, Eigen::Dynamic, 1>;
    using out_vec = Eigen::Matrix<Scalar, Eigen::Dynamic, 1>;
    using in_mat = Eigen::Matrix<Scalar, cols, Eigen::Dynamic>;
    using out_mat = Eigen::Matrix<Scalar, rows, Eigen::Dynamic>;

    // sum of a[i*sa] * b[i*sb] over i < count, in index order from 0, as Eigen's kernels sum
    // each dot product on a core without vector units.
    static Scalar dot(const Scalar* a, std::size_t sa, const Scalar* b, std::size_t sb, std::size_t count) noexcept {
      Scalar s = Scalar(0);
      for (std::size_t i = 0; i < count; ++i) s += a[i * sa] * b[i * sb];
      return s;
    }
    // y = W x, four rows at a time (each x[c] loaded once for four sums), every sum in index order.
    static void times_weights(const Scalar* w, const Scalar* x, Scalar* y) noexcept {
      constexpr std::size_t blocked = Units - Units % 4;
      for (std::size_t r = 0; r < blocked; r += 4) {
        const Scalar *w0 = w + r * inputs, *w1 = w0 + inputs, *w2 = w1 + inputs, *w3 = w2 + inputs;
        Scalar s0 = Scalar(0), s1 = Scalar(0), s2 = Scalar(0), s3 = Scalar(0);
        for (std::size_t c = 0; c < inputs; ++c) {
          const Scalar xc = x[c];
          s0 += w0[c] * xc;
          s1 += w1[c] * xc;
          s2 += w2[c] * xc;
          s3 += w3[c] * xc;
        }
        y[r] = s0;
        y[r + 1] = s1;
        y[r + 2] = s2;
        y[r + 3] = s3;
      }
      if constexpr (blocked < Units)
        for (std::size_t r = blocked; r < Units; ++r) y[r] = dot(w + r * inputs, 1, x, 1, inputs);
    }
    // gx = W^T g, row by row (each sum in index order of the rows).
    static void times_weights_transposed(const Scalar* w, const Scalar* g, Scalar* gx) noexcept {
      for (std::size_t c = 0; c < inputs; ++c) gx[c] = Scalar(0);
      for (std::size_t r = 0; r < Units; ++r, w += inputs)
        for (std::size_t c = 0; c < inputs; ++c) gx[c] += w[c] * g[r];
    }

   public:
    static void initialize(Scalar* p, rng& r) noexcept {
      initialize_weights(p, weight_count, inputs, Units, Init, r);
      for (std::size_t i = weight_count; i < param_count; ++i) p[i] = Scalar(0);
    }

    static void forward(const Scalar* p, const Scalar* x, Scalar* y, std::size_t n) noexcept {
#if EDGELOOP_EMBEDDED
      for (std::size_t k = 0; k < n; ++k, x += inputs, y += Units) {
        times_weights(p, x, y);
        for (std::size_t r = 0; r < Units; ++r) y[r] += p[weight_count + r];
      }
#else
      const Eigen::Map<const weights> w(p, rows, cols);
      const Eigen::Map<const out_vec> b(p + weight_count, rows);
      if (n == 1) {
        Eigen::Map<out_vec> yv(y, rows);
        yv.noalias() = w * Eigen::Map<const in_vec>(x, cols);
        yv += b;
      } else {
        const auto nc = static_cast<Eigen::Index>(n);
        Eigen::Map<out_mat> ym(y, rows, nc);
        ym.noalias() = w * Eigen::Map<const in_mat>(x, cols, nc);
        ym.colwise() += b;
      }
#endif
    }
    static void forward_train(const Scalar* p, const Scalar* x, Scalar* y, Scalar*, std::size_t n, rng&) noexcept {
      forward(p, x, y, n);
    }

    static void backward(const Scalar* p, const Scalar* x, const Scalar*, const Scalar*, const Scalar* gy, Scalar* gx,
                         Scalar* gp, std::size_t n) noexcept {
#if EDGELOOP_EMBEDDED
      for (std::size_t r = 0; r < Units; ++r) {
        if (n == 1)
          for (std::size_t c = 0; c < inputs; ++c) gp[r * inputs + c] += gy[r] * x[c];
        else
          for (std::size_t c = 0; c < inputs; ++c) gp[r * inputs + c] += dot(gy + r, Units, x + c, inputs, n);
        Scalar bias = Scalar(0);
        for (std::size_t k = 0; k < n; ++k) bias += gy[k * Units + r];
        gp[weight_count + r] += bias;
      }
      if (gx != nullptr)
        for (std::size_t k = 0; k < n; ++k) times_weights_transposed(p, gy + k * Units, gx + k * inputs);
#else
      const Eigen::Map<const weights> w(p, rows, cols);
      Eigen::Map<weights> gw(gp, rows, cols);
      Eigen::Map<out_vec> gb(gp + weight_count, rows);
      if (n == 1) {
        const Eigen::Map<const out_vec> g(gy, rows);
        gw.noalias() += g * Eigen::Map<const in_vec>(x, cols).transpose();
        gb += g;
        if (gx != nullptr) Eigen::Map<in_vec>(gx, cols).noalias() = w.transpose() * g;
      } else {
        const auto nc = static_cast<Eigen::Index>(n);
        const Eigen::Map<const out_mat> g(gy, rows, nc);
        gw.noalias() += g * Eigen::Map<const in_mat>(x, cols, nc).transpose();
        gb += g.rowwise().sum();
        if (gx != nullptr) Eigen::Map<in_mat>(gx, cols, nc).noalias() = w.transpose() * g;
      }
#endif
    }

    /// One sample for a learner that updates right away (batch 1): gx = W^T gy with the
    /// weights before the update, then apply(offset, g, scale, count) for each row of W
    /// (the outer product row gy_r x, given as g = x, scale = gy_r: never stored, each
    /// weight row is read and written once) and for b (gy, 1). offset counts in this
    /// layer's parameters; the gradient values are those backward() adds to a zero one.
    static constexpr bool has_backward_apply = true;
    template <class Apply>
    static void backward_apply(const Scalar* p, const Scalar* x, const Scalar* gy, Scalar* gx, Apply&& apply) noexcept {
#if EDGELOOP_EMBEDDED
      if (gx != nullptr) times_weights_transposed(p, gy, gx);
#else
      if (gx != nullptr)
        Eigen::Map<in_vec>(gx, cols).noalias() =
            Eigen::Map<const weights>(p, rows, cols).transpose() * Eigen::Map<const out_vec>(gy, rows);
#endif
      for (std::size_t r = 0; r < Units; ++r) apply(r * inputs, x, gy[r], inputs);
      apply(weight_count, gy, Scalar(1), Units);
    }
  };
};

}  // namespace edgeloop::nn
