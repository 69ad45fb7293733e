#pragma once
/// Internals shared by the preprocessing components: state magics and small checks used
/// by restore() and validate(). Not part of the public API.

#include <array>
#include <cstddef>
#include <cstdint>
#include <limits>

#include "../../core/numeric.hpp"

namespace edgeloop::detail {

/// Four ASCII characters as a little-endian 32-bit word ("SSCL" -> 0x4C435353).
constexpr std::uint32_t fourcc(char a, char b, char c, char d) noexcept {
  return static_cast<std::uint32_t>(static_cast<unsigned char>(a)) |
         (static_cast<std::uint32_t>(static_cast<unsigned char>(b)) << 8) |
         (static_cast<std::uint32_t>(static_cast<unsigned char>(c)) << 16) |
         (static_cast<std::uint32_t>(static_cast<unsigned char>(d)) << 24);
}

/// An array with every element equal to `v` (usable in default member initialisers).
template <class Scalar, std::size_t N>
constexpr std::array<Scalar, N> filled(Scalar v) noexcept {
  std::array<Scalar, N> a{};
  for (auto& e : a) e = v;
  return a;
}

template <class Scalar, std::size_t N>
constexpr bool all_zero(const std::array<Scalar, N>& a) noexcept {
  for (const auto& v : a)
    if (v != Scalar(0)) return false;
  return true;
}

template <class Scalar, std::size_t N>
constexpr bool all_finite_nonnegative(const std::array<Scalar, N>& a) noexcept {
  for (const auto& v : a)
    if (!is_finite(v) || v < Scalar(0)) return false;
  return true;
}

/// Counter increment that stops at the type's maximum instead of wrapping.
constexpr std::uint32_t saturating_increment(std::uint32_t n) noexcept {
  return n == std::numeric_limits<std::uint32_t>::max() ? n : n + 1u;
}

}  // namespace edgeloop::detail
