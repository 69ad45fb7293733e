#pragma once
/// adam: Adam (Kingma & Ba 2015) in PyTorch's form, with L2 weight decay added to the
/// gradient, or decoupled weight decay (AdamW, Loshchilov & Hutter 2019):
///   g <- g + wd w (coupled);  m <- b1 m + (1 - b1) g;  v <- b2 v + (1 - b2) g^2
///   w <- w (1 - lr wd) (decoupled);  w <- w - lr/(1 - b1^t) * m / (sqrt(v)/sqrt(1 - b2^t) + eps)
/// b1^t and b2^t are running products (no pow), so every platform computes the same.
/// State: m (P), v (P), b1^t, b2^t: 2P + 2 scalars.
/// begin_step + update let the learner apply each layer's gradient as soon as it is known
/// (batch 1: a dense layer's gradient is an outer product that is never stored); step()
/// is the same over a stored gradient.

#include <array>
#include <cmath>
#include <cstddef>
#include <limits>

#include "../core/linalg.hpp"
#include "../core/numeric.hpp"
#include "../core/padding.hpp"
#include "../core/status.hpp"

namespace edgeloop::nn {

struct adam {
  template <scalar Scalar, std::size_t P>
  struct bind {
    struct params {
      Scalar learning_rate = Scalar(0.001);  ///< > 0
      Scalar beta1 = Scalar(0.9);            ///< [0, 1)
      Scalar beta2 = Scalar(0.999);          ///< [0, 1)
      Scalar epsilon = Scalar(1e-8);         ///< > 0
      Scalar weight_decay = Scalar(0);       ///< >= 0
      bool decoupled_weight_decay = false;   ///< AdamW
      [[no_unique_address]] explicit_padding<padding_to(alignof(Scalar), 1)> reserved{};  // persisted in states
    };
    static constexpr std::size_t state_size = 2 * P + 2;

    static constexpr status validate(const params& p) noexcept {
      if (!is_finite(p.learning_rate) || !(p.learning_rate > Scalar(0))) return status::invalid_argument;
      if (!is_finite(p.beta1) || p.beta1 < Scalar(0) || !(p.beta1 < Scalar(1))) return status::invalid_argument;
      if (!is_finite(p.beta2) || p.beta2 < Scalar(0) || !(p.beta2 < Scalar(1))) return status::invalid_argument;
      if (!is_finite(p.epsilon) || !(p.epsilon > Scalar(0))) return status::invalid_argument;
      if (!is_finite(p.weight_decay) || p.weight_decay < Scalar(0)) return status::invalid_argument;
      return status::ok;
    }
    static void reset_state(Scalar* s) noexcept {
      for (std::size_t i = 0; i < 2 * P; ++i) s[i] = Scalar(0);
      s[2 * P] = Scalar(1);
      s[2 * P + 1] = Scalar(1);
    }
    static bool valid_state(const Scalar* s) noexcept {
      for (std::size_t i = 0; i < 2 * P; ++i)
        if (!is_finite(s[i]) || (i >= P && s[i] < Scalar(0))) return false;
      const Scalar b1t = s[2 * P], b2t = s[2 * P + 1];
      return b1t >= Scalar(0) && b1t <= Scalar(1) && b2t >= Scalar(0) && b2t <= Scalar(1);
    }
    /// What one step shares among all parameters (the bias corrections advance once).
    struct step_constants {
      Scalar step_size;  ///< lr / (1 - b1^t)
      Scalar inv_bc2;    ///< 1 / sqrt(1 - b2^t)
      Scalar wd;         ///< coupled weight decay (0 when decoupled)
      Scalar decay;      ///< decoupled: 1 - lr wd, else 1
    };
    /// Starts one step with learning rate lr: advances b1^t and b2^t.
    static step_constants begin_step(Scalar* s, Scalar lr, const params& p) noexcept {
      Scalar& b1t = s[2 * P];
      Scalar& b2t = s[2 * P + 1];
      b1t *= p.beta1;
      b2t *= p.beta2;
      return {lr / (Scalar(1) - b1t), Scalar(1) / std::sqrt(Scalar(1) - b2t),
              p.decoupled_weight_decay ? Scalar(0) : p.weight_decay,
              p.decoupled_weight_decay ? Scalar(1) - lr * p.weight_decay : Scalar(1)};
    }
    /// Updates the parameters w[0..count), which are parameters first.. of the block, with
    /// the gradient scale * g[0..count) (a stored gradient and 1/batch, or one row of a
    /// dense layer's outer product: x and gy_r, never stored). One pass over w, m and v
    /// in the widest vectors Eigen knows for the target (plain scalars on Cortex-M), so
    /// that the square root and division units, the real limit, are kept busy. Moments
    /// below 2^26 (m) and 2^6 (v) times the smallest normal number are flushed to 0
    /// (why: detail/flush_tiny.hpp; float: 2^-100 and 2^-120, far below what moves a weight).
    static void update(Scalar* w, const Scalar* g, Scalar scale, std::size_t count, Scalar* s, std::size_t first,
                       const step_constants& c, const params& p) noexcept {
      Scalar* m = s + first;
      Scalar* v = s + P + first;
      namespace ei = Eigen::internal;
      const packet b1 = ei::pset1<packet>(p.beta1), c1 = ei::pset1<packet>(Scalar(1) - p.beta1);
      const packet b2 = ei::pset1<packet>(p.beta2), c2 = ei::pset1<packet>(Scalar(1) - p.beta2);
      const packet sc = ei::pset1<packet>(scale), wd = ei::pset1<packet>(c.wd), decay = ei::pset1<packet>(c.decay);
      const packet step = ei::pset1<packet>(c.step_size), bc2 = ei::pset1<packet>(c.inv_bc2);
      const packet eps = ei::pset1<packet>(p.epsilon);
      const packet tm = ei::pset1<packet>(tiny_m), tv = ei::pset1<packet>(tiny_v);
      const bool decoupled = c.decay != Scalar(1), coupled = c.wd > Scalar(0);
      auto lane_step = [&](Scalar* wp, const Scalar* gp, Scalar* mp, Scalar* vp) {
        packet wi = ei::ploadu<packet>(wp);
        if (decoupled) wi = ei::pmul(wi, decay);
        packet gi = ei::pmul(sc, ei::ploadu<packet>(gp));
        if (coupled) gi = ei::padd(gi, ei::pmul(wd, wi));
        packet mi = ei::padd(ei::pmul(b1, ei::ploadu<packet>(mp)), ei::pmul(c1, gi));
        packet vi = ei::padd(ei::pmul(b2, ei::ploadu<packet>(vp)), ei::pmul(c2, ei::pmul(gi, gi)));
        mi = ei::pandnot(mi, ei::pcmp_lt(ei::pabs(mi), tm));
        vi = ei::pandnot(vi, ei::pcmp_lt(ei::pabs(vi), tv));
        ei::pstoreu(mp, mi);
        ei::pstoreu(vp, vi);
        const packet d = ei::padd(ei::pmul(ei::psqrt(vi), bc2), eps);
        ei::pstoreu(wp, ei::psub(wi, ei::pdiv(ei::pmul(step, mi), d)));
      };
      const std::size_t whole = count - count % lanes;  // values in whole vectors
      for (std::size_t i = 0; i < whole; i += lanes) lane_step(w + i, g + i, m + i, v + i);
      if (whole < count) {
        // The rest through one vector as well: a value gets the same bits wherever it
        // falls (Eigen's vector square root may differ from std::sqrt in the last bit).
        std::array<Scalar, lanes> wt{}, gt{}, mt{}, vt{};
        const std::size_t rest = count - whole;
        for (std::size_t k = 0; k < rest; ++k) {
          wt[k] = w[whole + k];
          gt[k] = g[whole + k];
          mt[k] = m[whole + k];
          vt[k] = v[whole + k];
        }
        lane_step(wt.data(), gt.data(), mt.data(), vt.data());
        for (std::size_t k = 0; k < rest; ++k) {
          w[whole + k] = wt[k];
          m[whole + k] = mt[k];
          v[whole + k] = vt[k];
        }
      }
    }
    /// One update with gradient grad_scale * g and learning rate lr.
    static void step(Scalar* w, const Scalar* g, Scalar grad_scale, Scalar* s, Scalar lr, const params& p) noexcept {
      update(w, g, grad_scale, P, s, 0, begin_step(s, lr, p), p);
    }

   private:
    // At most 256 bits (Eigen's widest packet dividing 32 bytes): with AVX-512 Eigen's square
    // root inlines _mm512_rsqrt14_ps, whose _mm512_undefined_ps trips GCC 12's
    // -Wuninitialized (an error here) under -march=native.
    using packet = typename Eigen::internal::find_best_packet<Scalar, static_cast<int>(32 / sizeof(Scalar))>::type;
    static constexpr std::size_t lanes = static_cast<std::size_t>(Eigen::internal::unpacket_traits<packet>::size);
    static constexpr Scalar tiny_m = std::numeric_limits<Scalar>::min() * Scalar(67108864);  // 2^26
    static constexpr Scalar tiny_v = std::numeric_limits<Scalar>::min() * Scalar(64);        // 2^6
  };
};

}  // namespace edgeloop::nn
