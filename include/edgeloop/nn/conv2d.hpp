#pragma once
/// conv2d<Filters, Kernel, Stride = 1, Pad = padding::same, Init = he_uniform>: 2-D
/// convolution (cross-correlation) over shape<H, W, C> inputs, a square Kernel x Kernel
/// window, the same stride along both axes, TensorFlow's valid/same padding
/// (nn/padding.hpp). Output shape<OH, OW, Filters>. He-uniform weights by default (He
/// et al. 2015; fan-in Kernel*Kernel*C), biases 0.
/// Parameters: Kernel*Kernel*C*Filters weights in HWIO order ([kh][kw][c][f]), then
/// Filters biases; nothing else (no scratch, no im2col: see detail/conv2d_layer.hpp).
/// Memory: (Kernel*Kernel*C + 1) * Filters * sizeof(Scalar).

#include <cstddef>

#include "../core/numeric.hpp"
#include "detail/conv2d_layer.hpp"
#include "initializer.hpp"
#include "padding.hpp"

namespace edgeloop::nn {

template <std::size_t Filters, std::size_t Kernel, std::size_t Stride = 1, padding Pad = padding::same,
          initializer Init = initializer::he_uniform>
struct conv2d {
  template <scalar Scalar, class InputShape>
  using bind = detail::conv2d_layer<Scalar, InputShape, Filters, Kernel, Kernel, Stride, Stride, Pad, Init>;
};

}  // namespace edgeloop::nn
