#pragma once
/// sgd: stochastic gradient descent with momentum and L2 weight decay, PyTorch's update
/// (Sutskever et al. 2013 for Nesterov):
///   g <- g + weight_decay * w;  v <- momentum * v + g;
///   w <- w - lr * (nesterov ? g + momentum * v : v)
/// State: the velocity v (P scalars; none without momentum is still P, kept for layout).

#include <cmath>
#include <cstddef>
#include <limits>

#include "../core/linalg.hpp"
#include "../core/numeric.hpp"
#include "../core/padding.hpp"
#include "../core/status.hpp"
#include "detail/flush_tiny.hpp"

namespace edgeloop::nn {

struct sgd {
  template <scalar Scalar, std::size_t P>
  struct bind {
    struct params {
      Scalar learning_rate = Scalar(0.01);  ///< > 0
      Scalar momentum = Scalar(0);          ///< [0, 1)
      Scalar weight_decay = Scalar(0);      ///< >= 0 (L2, added to the gradient)
      bool nesterov = false;                ///< needs momentum > 0
      [[no_unique_address]] explicit_padding<padding_to(alignof(Scalar), 1)> reserved{};  // persisted in states
    };
    static constexpr std::size_t state_size = P;

    static constexpr status validate(const params& p) noexcept {
      if (!is_finite(p.learning_rate) || !(p.learning_rate > Scalar(0))) return status::invalid_argument;
      if (!is_finite(p.momentum) || p.momentum < Scalar(0) || !(p.momentum < Scalar(1))) return status::invalid_argument;
      if (!is_finite(p.weight_decay) || p.weight_decay < Scalar(0)) return status::invalid_argument;
      if (p.nesterov && !(p.momentum > Scalar(0))) return status::invalid_argument;
      return status::ok;
    }
    static void reset_state(Scalar* s) noexcept {
      for (std::size_t i = 0; i < state_size; ++i) s[i] = Scalar(0);
    }
    static bool valid_state(const Scalar* s) noexcept {
      for (std::size_t i = 0; i < state_size; ++i)
        if (!is_finite(s[i])) return false;
      return true;
    }
    /// What one step shares among all parameters.
    struct step_constants {
      Scalar learning_rate;
    };
    static step_constants begin_step(Scalar*, Scalar lr, const params&) noexcept { return {lr}; }
    /// Updates the parameters w[0..count), which are parameters first.. of the block,
    /// with the gradient scale * g[0..count): one pass over w and v (plain loops that the
    /// compiler vectorises). Velocities below 2^26 times the smallest normal number are
    /// flushed to 0 (detail/flush_tiny.hpp: why).
    static void update(Scalar* w, const Scalar* g, Scalar scale, std::size_t count, Scalar* s, std::size_t first,
                       const step_constants& c, const params& p) noexcept {
      const Scalar lr = c.learning_rate, wd = p.weight_decay, mu = p.momentum;
      Scalar* v = s + first;
      if (!(mu > Scalar(0))) {
        for (std::size_t i = 0; i < count; ++i) w[i] = w[i] - lr * (scale * g[i] + wd * w[i]);
      } else if (p.nesterov) {
        for (std::size_t i = 0; i < count; ++i) {
          const Scalar gi = scale * g[i] + wd * w[i];
          Scalar vi = mu * v[i] + gi;
          v[i] = vi = detail::flush_tiny(vi, tiny_v);
          w[i] = w[i] - lr * (gi + mu * vi);
        }
      } else {
        for (std::size_t i = 0; i < count; ++i) {
          Scalar vi = mu * v[i] + (scale * g[i] + wd * w[i]);
          v[i] = vi = detail::flush_tiny(vi, tiny_v);
          w[i] = w[i] - lr * vi;
        }
      }
    }
    /// One update with gradient grad_scale * g and learning rate lr.
    static void step(Scalar* w, const Scalar* g, Scalar grad_scale, Scalar* s, Scalar lr, const params& p) noexcept {
      update(w, g, grad_scale, P, s, 0, begin_step(s, lr, p), p);
    }

   private:
    static constexpr Scalar tiny_v = std::numeric_limits<Scalar>::min() * Scalar(67108864);  // 2^26
  };
};

}  // namespace edgeloop::nn
