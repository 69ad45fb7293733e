#pragma once
/// conv1d<Filters, Kernel, Stride = 1, Pad = padding::same, Init = he_uniform>: 1-D
/// convolution over a sequence of L steps with C channels, stored as shape<L, 1, C> (time
/// along the height; a flat shape<L> is one channel). Output shape<OL, 1, Filters>. It is
/// conv2d with a Kernel x 1 window (the same kernels, layout [k][c][f] then Filters biases).
/// Memory: (Kernel*C + 1) * Filters * sizeof(Scalar).

#include <cstddef>

#include "../core/numeric.hpp"
#include "detail/conv2d_layer.hpp"
#include "initializer.hpp"
#include "padding.hpp"

namespace edgeloop::nn {

template <std::size_t Filters, std::size_t Kernel, std::size_t Stride = 1, padding Pad = padding::same,
          initializer Init = initializer::he_uniform>
struct conv1d {
  template <scalar Scalar, class InputShape>
  struct bind_checked {
    static_assert(InputShape::width == 1, "conv1d needs a shape<L, 1, C> input (time along the height)");
    using type = detail::conv2d_layer<Scalar, InputShape, Filters, Kernel, 1, Stride, 1, Pad, Init>;
  };
  template <scalar Scalar, class InputShape>
  using bind = typename bind_checked<Scalar, InputShape>::type;
};

}  // namespace edgeloop::nn
