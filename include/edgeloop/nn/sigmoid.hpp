#pragma once
/// sigmoid: y = 1 / (1 + exp(-x)), evaluated without overflow for large |x|;
/// dy/dx = y (1 - y).

#include <cmath>

#include "layer.hpp"

namespace edgeloop::nn {

struct sigmoid {
  struct fn {
    template <class S>
    static S value(S x) noexcept {
      if (x >= S(0)) return S(1) / (S(1) + std::exp(-x));
      const S e = std::exp(x);
      return e / (S(1) + e);
    }
    template <class S>
    static S derivative(S, S y) noexcept { return y * (S(1) - y); }
  };
  template <scalar Scalar, class InputShape>
  using bind = detail::elementwise_layer<fn, Scalar, InputShape>;
};

}  // namespace edgeloop::nn
