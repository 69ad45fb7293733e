#pragma once
/// padding and window_geometry: how convolutions and pooling place their windows along
/// one axis, as TensorFlow/TFLite define it.
///   valid  out = (in - kernel) / stride + 1 (floor), no padding, needs in >= kernel
///   same   out = ceil(in / stride); pad_total = max((out - 1) * stride + kernel - in, 0),
///          pad_before = pad_total / 2 (the extra one goes after, as TensorFlow)
/// Padded positions are zeros for convolutions; pooling skips them.

#include <cstddef>
#include <cstdint>

namespace edgeloop::nn {

enum class padding : std::uint8_t { valid, same };

template <std::size_t In, std::size_t Kernel, std::size_t Stride, padding Pad>
struct window_geometry {
  static_assert(Kernel > 0 && Stride > 0, "kernel and stride must be positive");
  static_assert(Pad == padding::same || In >= Kernel, "valid padding needs the input to be at least the kernel");
  static constexpr std::size_t input = In;
  static constexpr std::size_t output = Pad == padding::same ? (In + Stride - 1) / Stride : (In - Kernel) / Stride + 1;
  static constexpr std::size_t pad_total =
      Pad == padding::same && (output - 1) * Stride + Kernel > In ? (output - 1) * Stride + Kernel - In : 0;
  static constexpr std::size_t pad_before = pad_total / 2;
  /// Outputs [interior_begin, interior_end) have their whole window inside the input.
  static constexpr std::size_t interior_begin = (pad_before + Stride - 1) / Stride;
  static constexpr std::size_t interior_end_raw = In + pad_before >= Kernel ? (In + pad_before - Kernel) / Stride + 1 : 0;
  static constexpr std::size_t interior_end =
      interior_end_raw > output ? output : (interior_end_raw < interior_begin ? interior_begin : interior_end_raw);
  /// Kernel taps [tap_begin(o), tap_end(o)) of output o fall inside the input.
  static constexpr std::size_t tap_begin(std::size_t o) noexcept {
    return o * Stride >= pad_before ? 0 : pad_before - o * Stride;
  }
  static constexpr std::size_t tap_end(std::size_t o) noexcept {
    const std::size_t room = In + pad_before - o * Stride;  // o * Stride < In + pad_before always
    return room < Kernel ? room : Kernel;
  }
  /// Input index of tap k of output o (valid for k in [tap_begin(o), tap_end(o))).
  static constexpr std::size_t input_of(std::size_t o, std::size_t k) noexcept { return o * Stride + k - pad_before; }
};

}  // namespace edgeloop::nn
