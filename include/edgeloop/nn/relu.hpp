#pragma once
/// relu: y = max(0, x); dy/dx = 1 for x > 0, else 0. No parameters.

#include "layer.hpp"

namespace edgeloop::nn {

struct relu {
  struct fn {
    template <class S>
    static S value(S x) noexcept { return x > S(0) ? x : S(0); }
    template <class S>
    static S derivative(S x, S) noexcept { return x > S(0) ? S(1) : S(0); }
  };
  template <scalar Scalar, class InputShape>
  using bind = detail::elementwise_layer<fn, Scalar, InputShape>;
};

}  // namespace edgeloop::nn
