#pragma once
/// Host-only timing (uses <chrono>; never include from embedded code).
/// steady_tick_clock is a tick_clock over std::chrono::steady_clock in nanoseconds, for
/// prequential_evaluator; stopwatch measures a span of wall time in seconds.

#include <chrono>
#include <cstdint>

#include "../eval/clock.hpp"

namespace edgeloop::host {

/// std::chrono::steady_clock as an edgeloop::tick_clock (1 tick = 1 ns).
struct steady_tick_clock {
  std::uint64_t now() noexcept {
    return static_cast<std::uint64_t>(
        std::chrono::duration_cast<std::chrono::nanoseconds>(std::chrono::steady_clock::now().time_since_epoch())
            .count());
  }
  constexpr std::uint64_t ticks_per_second() const noexcept { return 1000000000u; }
};

static_assert(edgeloop::tick_clock<steady_tick_clock>);

/// Starts on construction; elapsed_seconds() since then or since the last restart().
class stopwatch {
 public:
  stopwatch() noexcept : start_(std::chrono::steady_clock::now()) {}
  void restart() noexcept { start_ = std::chrono::steady_clock::now(); }
  double elapsed_seconds() const noexcept {
    return std::chrono::duration<double>(std::chrono::steady_clock::now() - start_).count();
  }

 private:
  std::chrono::steady_clock::time_point start_;
};

}  // namespace edgeloop::host
