#pragma once
/// tanh: y = tanh(x); dy/dx = 1 - y^2.

#include <cmath>

#include "layer.hpp"

namespace edgeloop::nn {

struct tanh {
  struct fn {
    template <class S>
    static S value(S x) noexcept { return std::tanh(x); }
    template <class S>
    static S derivative(S, S y) noexcept { return S(1) - y * y; }
  };
  template <scalar Scalar, class InputShape>
  using bind = detail::elementwise_layer<fn, Scalar, InputShape>;
};

}  // namespace edgeloop::nn
