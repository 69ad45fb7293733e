#pragma once
/// shape<H, W, C>: the compile-time shape of one sample's activation (height, width,
/// channels; stored H-W-C, channels fastest, as TFLite). Vectors are shape<N> = N x 1 x 1.
/// Layers compute their output shape from their input shape at compile time, so
/// convolutions and pooling (which need H, W, C) fit the same interface as dense layers.

#include <cstddef>

namespace edgeloop::nn {

template <std::size_t H, std::size_t W = 1, std::size_t C = 1>
struct shape {
  static_assert(H > 0 && W > 0 && C > 0, "shape dimensions must be positive");
  static constexpr std::size_t height = H;
  static constexpr std::size_t width = W;
  static constexpr std::size_t channels = C;
  static constexpr std::size_t size = H * W * C;  ///< scalars per sample
};

/// True for shape<N, 1, 1>.
template <class Shape>
inline constexpr bool is_flat = Shape::width == 1 && Shape::channels == 1;

}  // namespace edgeloop::nn
