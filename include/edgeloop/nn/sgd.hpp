#pragma once
/// sgd: stochastic gradient descent with momentum and L2 weight decay, PyTorch's update
/// (Sutskever et al. 2013 for Nesterov):
///   g <- g + weight_decay * w;  v <- momentum * v + g;
///   w <- w - lr * (nesterov ? g + momentum * v : v)
/// State: the velocity v (P scalars; none without momentum is still P, kept for layout).

#include <cstddef>

#include "../core/linalg.hpp"
#include "../core/numeric.hpp"
#include "../core/status.hpp"

namespace edgeloop::nn {

struct sgd {
  template <scalar Scalar, std::size_t P>
  struct bind {
    struct params {
      Scalar learning_rate = Scalar(0.01);  ///< > 0
      Scalar momentum = Scalar(0);          ///< [0, 1)
      Scalar weight_decay = Scalar(0);      ///< >= 0 (L2, added to the gradient)
      bool nesterov = false;                ///< needs momentum > 0
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
    /// One update with gradient grad_scale * g and learning rate lr.
    static void step(Scalar* w, const Scalar* g, Scalar grad_scale, Scalar* s, Scalar lr, const params& p) noexcept {
      using arr = Eigen::Array<Scalar, static_cast<int>(P), 1>;
      Eigen::Map<arr> wa(w), v(s);
      const Eigen::Map<const arr> ga(g);
      if (p.momentum > Scalar(0)) {
        v = p.momentum * v + (grad_scale * ga + p.weight_decay * wa);
        if (p.nesterov)
          wa -= lr * ((grad_scale * ga + p.weight_decay * wa) + p.momentum * v);
        else
          wa -= lr * v;
      } else {
        wa -= lr * (grad_scale * ga + p.weight_decay * wa);
      }
    }
  };
};

}  // namespace edgeloop::nn
