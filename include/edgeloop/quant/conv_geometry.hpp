#pragma once
/// conv_geometry: output size and leading padding of a convolution or pooling window
/// along one axis, as TFLite computes them (SAME: out = ceil(in / stride), padding
/// split with the smaller half before; VALID: no padding).

#include <cstddef>

namespace edgeloop::quant {

enum class padding : unsigned char { valid, same };

constexpr std::size_t output_size(std::size_t in, std::size_t kernel, std::size_t stride, padding p) noexcept {
  if (p == padding::same) return (in + stride - 1) / stride;
  return in >= kernel ? (in - kernel) / stride + 1 : 0;
}

constexpr std::size_t padding_before(std::size_t in, std::size_t kernel, std::size_t stride, padding p) noexcept {
  if (p == padding::valid) return 0;
  const std::size_t out = output_size(in, kernel, stride, p);
  const std::size_t needed = (out - 1) * stride + kernel;
  return needed > in ? (needed - in) / 2 : 0;
}

/// Valid window taps [begin, end) for an output whose window starts at `origin`
/// (= out * stride - padding_before, possibly negative) over an axis of `in` samples.
struct tap_range {
  std::size_t begin;
  std::size_t end;
};
constexpr tap_range valid_taps(long origin, std::size_t kernel, std::size_t in) noexcept {
  const long b = origin < 0 ? -origin : 0;
  const long e = static_cast<long>(in) - origin < static_cast<long>(kernel) ? static_cast<long>(in) - origin
                                                                              : static_cast<long>(kernel);
  return {static_cast<std::size_t>(b), e > b ? static_cast<std::size_t>(e) : static_cast<std::size_t>(b)};
}

}  // namespace edgeloop::quant
