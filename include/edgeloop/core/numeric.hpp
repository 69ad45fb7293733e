#pragma once
/// Small numeric helpers shared by all components: finiteness checks over samples.

#include <cmath>
#include <cstddef>
#include <cstdint>
#include <type_traits>

namespace edgeloop {

/// Floating-point scalar types a component may be instantiated with.
template <class S>
concept scalar = std::is_floating_point_v<S>;

/// True when `v` is neither NaN nor infinite. Works with -ffast-math-free builds only,
/// which is what edgeloop compiles with.
template <scalar S>
constexpr bool is_finite(S v) noexcept {
  return v - v == S(0);  // NaN and inf give NaN; constexpr unlike std::isfinite
}

/// True when every element of a range of scalars is finite.
template <class Range>
constexpr bool all_finite(const Range& values) noexcept {
  for (const auto& v : values)
    if (!is_finite(v)) return false;
  return true;
}

}  // namespace edgeloop

namespace edgeloop {
/// Class labels of classifiers: 0 .. Classes-1.
using class_label = std::uint16_t;
}  // namespace edgeloop
