#pragma once
/// adam: Adam (Kingma & Ba 2015) in PyTorch's form, with L2 weight decay added to the
/// gradient, or decoupled weight decay (AdamW, Loshchilov & Hutter 2019):
///   g <- g + wd w (coupled);  m <- b1 m + (1 - b1) g;  v <- b2 v + (1 - b2) g^2
///   w <- w (1 - lr wd) (decoupled);  w <- w - lr/(1 - b1^t) * m / (sqrt(v)/sqrt(1 - b2^t) + eps)
/// b1^t and b2^t are running products (no pow), so every platform computes the same.
/// State: m (P), v (P), b1^t, b2^t: 2P + 2 scalars.

#include <cmath>
#include <cstddef>

#include "../core/linalg.hpp"
#include "../core/numeric.hpp"
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
    /// One update with gradient grad_scale * g and learning rate lr.
    static void step(Scalar* w, const Scalar* g, Scalar grad_scale, Scalar* s, Scalar lr, const params& p) noexcept {
      Scalar& b1t = s[2 * P];
      Scalar& b2t = s[2 * P + 1];
      b1t *= p.beta1;
      b2t *= p.beta2;
      const Scalar step_size = lr / (Scalar(1) - b1t);
      const Scalar inv_bc2 = Scalar(1) / std::sqrt(Scalar(1) - b2t);
      const Scalar wd = p.decoupled_weight_decay ? Scalar(0) : p.weight_decay;
      const Scalar decay = p.decoupled_weight_decay ? Scalar(1) - lr * p.weight_decay : Scalar(1);
      // Blocks that stay in L1: one pass over w, g, m and v instead of three.
      using arr = Eigen::Array<Scalar, Eigen::Dynamic, 1>;
      constexpr std::size_t block = 1024;
      for (std::size_t i = 0; i < P; i += block) {
        const auto len = static_cast<Eigen::Index>(P - i < block ? P - i : block);
        Eigen::Map<arr> wa(w + i, len), m(s + i, len), v(s + P + i, len);
        const Eigen::Map<const arr> ga(g + i, len);
        if (decay != Scalar(1)) wa *= decay;
        if (wd > Scalar(0)) {
          m = p.beta1 * m + (Scalar(1) - p.beta1) * (grad_scale * ga + wd * wa);
          v = p.beta2 * v + (Scalar(1) - p.beta2) * (grad_scale * ga + wd * wa).square();
        } else {
          m = p.beta1 * m + (Scalar(1) - p.beta1) * (grad_scale * ga);
          v = p.beta2 * v + (Scalar(1) - p.beta2) * (grad_scale * ga).square();
        }
        wa -= step_size * m / (v.sqrt() * inv_bc2 + p.epsilon);
      }
    }
  };
};

}  // namespace edgeloop::nn
