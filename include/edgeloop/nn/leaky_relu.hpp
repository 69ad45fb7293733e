#pragma once
/// leaky_relu<Slope>: y = x for x > 0, Slope * x otherwise (Maas et al. 2013); default
/// slope 0.01 as PyTorch.

#include "layer.hpp"

namespace edgeloop::nn {

template <float Slope = 0.01f>
struct leaky_relu {
  static_assert(Slope >= 0.0f && Slope < 1.0f, "leaky_relu slope must be in [0, 1)");
  struct fn {
    template <class S>
    static S value(S x) noexcept { return x > S(0) ? x : static_cast<S>(Slope) * x; }
    template <class S>
    static S derivative(S x, S) noexcept { return x > S(0) ? S(1) : static_cast<S>(Slope); }
  };
  template <scalar Scalar, class InputShape>
  using bind = detail::elementwise_layer<fn, Scalar, InputShape>;
};

}  // namespace edgeloop::nn
