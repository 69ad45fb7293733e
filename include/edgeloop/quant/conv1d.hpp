#pragma once
/// conv1d: int8 1-D convolution over a sequence of `length` samples with `in_channels`
/// each (time-major, channels last), per-channel requantization: conv2d over a 1 x length
/// image with a 1 x kernel window (TFLite has no CONV_1D; converters emit exactly this).
/// Weights [out_channels][kernel][in_channels], packed with pack_weights(w, out_channels,
/// kernel * in_channels, ...). Memory: none besides the caller's tensors.

#include <cstddef>
#include <cstdint>

#include "conv2d.hpp"

namespace edgeloop::quant {

struct conv1d_layer {
  std::size_t length = 0, in_channels = 0, out_channels = 0, kernel = 1, stride = 1;
  padding pad = padding::valid;
  const std::int8_t* weights = nullptr;              ///< packed [out][kernel][in]
  const std::int32_t* bias = nullptr;                ///< out_channels entries, or null
  const quantized_multiplier* multipliers = nullptr;  ///< per output channel
  std::int32_t input_zero_point = 0;
  output_stage output{};

  constexpr std::size_t out_length() const noexcept { return output_size(length, kernel, stride, pad); }
  constexpr conv2d_layer as_conv2d() const noexcept {
    return {1, length, in_channels, out_channels, 1, kernel, 1, stride, pad, weights, bias, multipliers,
            input_zero_point, output};
  }
};

/// One sequence: input[length][in_channels] -> output[out_length][out_channels].
template <kernel_path Path = default_path>
void conv1d(const conv1d_layer& l, const std::int8_t* input, std::int8_t* output) noexcept {
  conv2d<Path>(l.as_conv2d(), input, output);
}

}  // namespace edgeloop::quant
