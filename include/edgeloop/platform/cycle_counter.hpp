#pragma once
/// Instruction / cycle counters for measuring code on boards.
///
/// Three implementations with one interface (all static, noexcept):
///   enable()          starts the counter (idempotent: a running counter is left alone)
///   now()             current count, increasing, wrapping at `mask`
///   elapsed(a, b)     counts from now() == a to now() == b, modulo the wrap
///   instructions(n)   elapsed counts -> instructions (or cycles, see below)
///
/// - `systick_counter`: SysTick as a free-running 24-bit down counter on the core clock
///   (CSR = 5, reload 0xFFFFFF), present on every Cortex-M. Under QEMU with
///   `-icount shift=S` each instruction takes 2^S ns of virtual time, so
///   instructions = ticks * 1e9 / (EDGELOOP_SYSTICK_HZ * 2^S): with S = 3, x5 on
///   mps2-an386 (25 MHz), x6.25 on mps2-an505 (QEMU clocks it at 20 MHz), x7.8125 on
///   microbit (16 MHz). Deterministic run to run. WRAP LIMIT: one measurement must stay
///   below 2^24 ticks (83.9 M instructions at 25 MHz, 104.9 M at 20 MHz, 131 M at 16 MHz);
///   longer spans alias modulo 2^24. On real hardware the ticks are core cycles / clock.
/// - `dwt_counter`: DWT->CYCCNT, the 32-bit cycle counter of real Cortex-M3/M4/M7/M33
///   (QEMU does not model it). instructions() returns cycles unchanged.
/// - `null_counter`: the host; now() is always 0.
///
/// `cycle_counter` is the one selected by EDGELOOP_CYCLE_COUNTER (0 = none, 1 = SysTick,
/// 2 = DWT). Default: SysTick on bare-metal Cortex-M, none elsewhere. The board build
/// defines EDGELOOP_SYSTICK_HZ for each emulated board (default 25 MHz) and
/// EDGELOOP_ICOUNT_SHIFT (default 3).

#include <cstdint>

#include "../config.hpp"

#define EDGELOOP_CYCLE_COUNTER_NONE 0
#define EDGELOOP_CYCLE_COUNTER_SYSTICK 1
#define EDGELOOP_CYCLE_COUNTER_DWT 2

#ifndef EDGELOOP_CYCLE_COUNTER
#if EDGELOOP_EMBEDDED && defined(__arm__) && defined(__ARM_ARCH_PROFILE) && __ARM_ARCH_PROFILE == 'M'
#define EDGELOOP_CYCLE_COUNTER EDGELOOP_CYCLE_COUNTER_SYSTICK
#else
#define EDGELOOP_CYCLE_COUNTER EDGELOOP_CYCLE_COUNTER_NONE
#endif
#endif

#ifndef EDGELOOP_SYSTICK_HZ
#define EDGELOOP_SYSTICK_HZ 25000000
#endif
#ifndef EDGELOOP_ICOUNT_SHIFT
#define EDGELOOP_ICOUNT_SHIFT 3
#endif

namespace edgeloop::platform {

namespace detail {
inline volatile std::uint32_t& register_at(std::uintptr_t address) noexcept {
  return *reinterpret_cast<volatile std::uint32_t*>(address);
}
}  // namespace detail

/// SysTick, 24 bits, core clock, no interrupt (see the file comment for the wrap limit).
struct systick_counter {
  static constexpr std::uint32_t mask = 0x00FFFFFFu;
  static constexpr std::uint64_t clock_hz = EDGELOOP_SYSTICK_HZ;
  static constexpr unsigned icount_shift = EDGELOOP_ICOUNT_SHIFT;

  static void enable() noexcept {
    volatile std::uint32_t& csr = detail::register_at(0xE000E010u);
    volatile std::uint32_t& rvr = detail::register_at(0xE000E014u);
    volatile std::uint32_t& cvr = detail::register_at(0xE000E018u);
    if ((csr & 0x7u) == 0x5u && (rvr & mask) == mask) return;  // already running
    csr = 0;
    rvr = mask;
    cvr = 0;
    csr = 0x5u;  // ENABLE | CLKSOURCE = processor clock, TICKINT = 0
  }
  static std::uint32_t now() noexcept { return mask - (detail::register_at(0xE000E018u) & mask); }
  static constexpr std::uint32_t elapsed(std::uint32_t start, std::uint32_t stop) noexcept {
    return (stop - start) & mask;
  }
  /// Ticks -> instructions under QEMU -icount (exact for the three boards' clocks).
  static constexpr std::uint64_t instructions(std::uint32_t ticks) noexcept {
    return std::uint64_t{ticks} * 1000000000u / (clock_hz << icount_shift);
  }
};

/// DWT->CYCCNT, 32 bits (ARMv7-M / ARMv8-M Mainline with a DWT unit; not ARMv6-M, not QEMU).
struct dwt_counter {
  static constexpr std::uint32_t mask = 0xFFFFFFFFu;

  static void enable() noexcept {
    volatile std::uint32_t& demcr = detail::register_at(0xE000EDFCu);
    volatile std::uint32_t& ctrl = detail::register_at(0xE0001000u);
    if ((demcr & (1u << 24)) != 0 && (ctrl & 1u) != 0) return;  // already running
    demcr = demcr | (1u << 24);  // TRCENA
    detail::register_at(0xE0001004u) = 0;
    ctrl = ctrl | 1u;  // CYCCNTENA
  }
  static std::uint32_t now() noexcept { return detail::register_at(0xE0001004u); }
  static constexpr std::uint32_t elapsed(std::uint32_t start, std::uint32_t stop) noexcept {
    return stop - start;
  }
  /// Cycles, reported as they are.
  static constexpr std::uint64_t instructions(std::uint32_t cycles) noexcept { return cycles; }
};

/// No counter (host builds): everything is 0.
struct null_counter {
  static constexpr std::uint32_t mask = 0xFFFFFFFFu;
  static void enable() noexcept {}
  static std::uint32_t now() noexcept { return 0; }
  static constexpr std::uint32_t elapsed(std::uint32_t start, std::uint32_t stop) noexcept {
    return stop - start;
  }
  static constexpr std::uint64_t instructions(std::uint32_t counts) noexcept { return counts; }
};

#if EDGELOOP_CYCLE_COUNTER == EDGELOOP_CYCLE_COUNTER_SYSTICK
using cycle_counter = systick_counter;
#elif EDGELOOP_CYCLE_COUNTER == EDGELOOP_CYCLE_COUNTER_DWT
using cycle_counter = dwt_counter;
#else
using cycle_counter = null_counter;
#endif

/// Runs a loop of exactly 2 * iterations instructions on Arm (SUBS + BNE per iteration;
/// iterations >= 1), to calibrate counters: measured - 2 * iterations is the measuring
/// overhead. Elsewhere a loop the optimiser keeps, of unspecified length.
inline void calibration_loop(std::uint32_t iterations) noexcept {
  if (iterations == 0) return;
#if defined(__arm__) && defined(__ARM_ARCH_ISA_THUMB) && __ARM_ARCH_ISA_THUMB == 1
  // Thumb-1 (ARMv6-M): GCC assembles inline asm in divided syntax, where SUB sets flags.
  __asm volatile("1: sub %0, #1\n\tbne 1b" : "+l"(iterations) : : "cc");
#elif defined(__arm__)
  __asm volatile("1: subs %0, %0, #1\n\tbne 1b" : "+r"(iterations) : : "cc");
#else
  volatile std::uint32_t sink = iterations;
  while (sink != 0) sink = sink - 1;
#endif
}

/// True when cycle_counter measures something (false on the host).
inline constexpr bool has_cycle_counter = EDGELOOP_CYCLE_COUNTER != EDGELOOP_CYCLE_COUNTER_NONE;

}  // namespace edgeloop::platform
