#pragma once
/// relu6: y = min(max(0, x), 6) (MobileNet, Howard et al. 2017); dy/dx = 1 for 0 < x < 6.

#include "layer.hpp"

namespace edgeloop::nn {

struct relu6 {
  struct fn {
    template <class S>
    static S value(S x) noexcept { return x > S(0) ? (x < S(6) ? x : S(6)) : S(0); }
    template <class S>
    static S derivative(S x, S) noexcept { return (x > S(0) && x < S(6)) ? S(1) : S(0); }
  };
  template <scalar Scalar, class InputShape>
  using bind = detail::elementwise_layer<fn, Scalar, InputShape>;
};

}  // namespace edgeloop::nn
