#pragma once
/// explicit_padding<N>: N zero bytes that a persisted struct (a state_type, or params held
/// in one) declares where the compiler would otherwise insert padding. Implicit padding
/// bytes have no defined value, so they would end up as arbitrary bytes in artifact
/// payloads and digests; declared ones are value-initialised to 0 and copied like any
/// member. explicit_padding<0> is empty: declare the member [[no_unique_address]] so that
/// it then takes no room (the size depends on Scalar, e.g. 0 for float, 4 for double).
/// Id tells apart the members of one struct: two empty members of the same type cannot
/// share an address, so a second explicit_padding<0> would take room again.
/// padding_to(align, used): bytes from `used` up to the next multiple of `align`.

#include <array>
#include <cstddef>
#include <cstdint>

namespace edgeloop {

template <std::size_t N, int Id = 0>
struct explicit_padding {
  std::array<std::uint8_t, N> bytes{};
};
template <int Id>
struct explicit_padding<0, Id> {};

constexpr std::size_t padding_to(std::size_t align, std::size_t used) noexcept {
  return (align - used % align) % align;
}

}  // namespace edgeloop
