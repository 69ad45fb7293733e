#pragma once
/// flash_device: what the lifecycle code needs from a NOR-flash-like memory. Geometry is
/// compile time; addresses are byte offsets from the start of the device.
///
/// Rules every implementation follows (and flash_simulator enforces):
/// - erase_page(p) sets the whole page to `erased_value` (0xFF);
/// - program(address, data, n) needs `address` and `n` multiples of `write_size` and may
///   only clear bits (1 -> 0); setting a bit needs an erase of its page;
/// - read(address, out, n) has no alignment rule.
/// Each operation returns a flash_status; anything but ok means the operation may have
/// happened partially or not at all (a power cut, a worn-out page).

#include <concepts>
#include <cstddef>
#include <cstdint>

namespace edgeloop {

enum class [[nodiscard]] flash_status : std::uint8_t {
  ok = 0,
  out_of_range,  ///< address, length or page outside the device
  misaligned,    ///< program address or length not a multiple of write_size
  not_erased,    ///< program would have to set a bit that is 0 (needs an erase first)
  erase_failed,  ///< the device reported a failed erase
  power_lost,    ///< the supply went away (simulator: after the injected power cut)
};

constexpr const char* to_string(flash_status s) noexcept {
  switch (s) {
    case flash_status::ok: return "ok";
    case flash_status::out_of_range: return "out_of_range";
    case flash_status::misaligned: return "misaligned";
    case flash_status::not_erased: return "not_erased";
    case flash_status::erase_failed: return "erase_failed";
    case flash_status::power_lost: return "power_lost";
  }
  return "unknown";
}

template <class F>
concept flash_device = requires(F& f, const F& cf, std::size_t at, const std::uint8_t* in, std::uint8_t* out,
                                std::size_t n) {
  { F::page_size } -> std::convertible_to<std::size_t>;
  { F::page_count } -> std::convertible_to<std::size_t>;
  { F::write_size } -> std::convertible_to<std::size_t>;
  { F::erased_value } -> std::convertible_to<std::uint8_t>;
  { f.erase_page(at) } -> std::same_as<flash_status>;
  { f.program(at, in, n) } -> std::same_as<flash_status>;
  { cf.read(at, out, n) } -> std::same_as<flash_status>;
} && (F::page_size > 0) && (F::write_size > 0) && (F::page_size % F::write_size == 0) &&
                       (F::erased_value == 0xFF);

}  // namespace edgeloop
