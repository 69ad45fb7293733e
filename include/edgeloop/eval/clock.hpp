#pragma once
/// tick_clock: what prequential_evaluator can time with. Embedded code passes a cycle or
/// SysTick counter (platform/), host code edgeloop::host::steady_tick_clock
/// (host/timer.hpp); null_clock measures nothing (evaluators then count samples only).
/// now() is a monotonically increasing tick count; ticks_per_second() its rate (0 when
/// unknown, which makes reported seconds 0).

#include <concepts>
#include <cstdint>

namespace edgeloop {

template <class C>
concept tick_clock = requires(C& c, const C& cc) {
  { c.now() } noexcept -> std::convertible_to<std::uint64_t>;
  { cc.ticks_per_second() } noexcept -> std::convertible_to<std::uint64_t>;
};

/// A clock that never ticks: evaluation without timing.
struct null_clock {
  constexpr std::uint64_t now() noexcept { return 0; }
  constexpr std::uint64_t ticks_per_second() const noexcept { return 0; }
  friend constexpr bool operator==(const null_clock&, const null_clock&) = default;
};

static_assert(tick_clock<null_clock>);

}  // namespace edgeloop
