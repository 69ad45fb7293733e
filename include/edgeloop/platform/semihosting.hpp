#pragma once
/// Heap-free text output and program exit for boards and the host.
///
/// - `text_writer` formats strings, integers and fixed-point decimals into a caller's
///   buffer with its own formatting code (no printf: newlib's printf pulls in malloc).
///   Given a flush function it is a buffered stream: the buffer is handed to the function
///   at each '\n', when full, and on flush(); without one it truncates (and says so).
/// - `console()` is a text_writer over a static 128-byte buffer that writes to the
///   program's standard output: Arm semihosting (SYS_OPEN ":tt" + SYS_WRITE) on bare-metal
///   Cortex-M, std::fwrite(stdout) on the host.
/// - `exit(status)` flushes the console and ends the program with that status
///   (SYS_EXIT_EXTENDED on boards, so QEMU's own exit status is `status`).
///
/// Semihosting needs a debugger or an emulator (QEMU: -semihosting-config
/// enable=on,target=native); on a real board without one, BKPT 0xAB faults.
/// Memory: console() is 128 bytes of buffer + 20 bytes of state; nothing else is static.

#include <concepts>
#include <cstddef>
#include <cstdint>
#include <limits>
#include <type_traits>

#include "../config.hpp"

/// 1 when output and exit go through Arm semihosting (bare-metal M-profile), 0 for stdio.
#ifndef EDGELOOP_SEMIHOSTING
#if EDGELOOP_EMBEDDED && defined(__arm__) && defined(__ARM_ARCH_PROFILE) && __ARM_ARCH_PROFILE == 'M'
#define EDGELOOP_SEMIHOSTING 1
#else
#define EDGELOOP_SEMIHOSTING 0
#endif
#endif

#if !EDGELOOP_SEMIHOSTING
#include <cstdio>
#include <cstdlib>
#endif

namespace edgeloop::platform {

/// Receives a chunk of formatted text (not NUL-terminated).
using flush_function = void (*)(const char* data, std::size_t size) noexcept;

/// Formats text into a fixed buffer; optionally flushes it to `flush` (see file comment).
/// The buffer always holds a NUL-terminated string (capacity - 1 characters at most).
class text_writer {
 public:
  static constexpr unsigned max_decimals = 9;

  constexpr text_writer(char* buffer, std::size_t capacity, flush_function on_flush = nullptr) noexcept
      : buffer_(buffer), capacity_(capacity), flush_(on_flush) {}

  /// The text formatted since the last flush()/clear() (NUL-terminated).
  const char* c_str() const noexcept { return size_ > 0 ? buffer_ : ""; }
  std::size_t size() const noexcept { return size_; }
  /// True when characters were dropped because the buffer was full and there is no flush.
  bool truncated() const noexcept { return truncated_; }
  void clear() noexcept {
    size_ = 0;
    truncated_ = false;
  }
  /// Hands the buffered text to the flush function (no-op without one).
  void flush() noexcept {
    if (flush_ == nullptr || size_ == 0) return;
    flush_(buffer_, size_);
    clear();
  }

  text_writer& put(char c) noexcept {
    if (size_ + 1 >= capacity_) {
      flush();
      if (size_ + 1 >= capacity_) {
        truncated_ = true;
        return *this;
      }
    }
    buffer_[size_++] = c;
    buffer_[size_] = '\0';
    if (c == '\n') flush();
    return *this;
  }

  text_writer& text(const char* s) noexcept {
    if (s == nullptr) return *this;
    while (*s != '\0') put(*s++);
    return *this;
  }
  text_writer& text(const char* s, std::size_t n) noexcept {
    for (std::size_t i = 0; i < n; ++i) put(s[i]);
    return *this;
  }

  /// Decimal integer, any width or signedness.
  template <std::integral Integer>
  text_writer& integer(Integer value) noexcept {
    if constexpr (std::is_same_v<Integer, bool>) {
      return put(value ? '1' : '0');
    } else if constexpr (std::is_signed_v<Integer>) {
      const auto wide = static_cast<std::int64_t>(value);
      if (wide < 0) {
        put('-');
        return unsigned_integer(std::uint64_t{0} - static_cast<std::uint64_t>(wide));
      }
      return unsigned_integer(static_cast<std::uint64_t>(wide));
    } else {
      return unsigned_integer(static_cast<std::uint64_t>(value));
    }
  }

  /// Fixed-point decimal with `decimals` digits after the point (at most 9), rounded half
  /// away from zero: fixed(-2.5f, 2) -> "-2.50", fixed(0.125, 2) -> "0.13". NaN -> "nan",
  /// infinities -> "inf"/"-inf"; magnitudes from 1e18 on are written as d.ddde+NN. The
  /// arithmetic is done in `Real` (float stays float on an FPU-less or SP-only core).
  template <std::floating_point Real>
  text_writer& fixed(Real value, unsigned decimals) noexcept {
    if (decimals > max_decimals) decimals = max_decimals;
    if (value != value) return text("nan");
    const bool negative = value < Real(0);
    Real magnitude = negative ? -value : value;
    if (magnitude > std::numeric_limits<Real>::max()) return text(negative ? "-inf" : "inf");
    int exponent = 0;
    if (magnitude >= Real(1e18)) {  // scientific form: one digit before the point
      while (magnitude >= Real(10)) {
        magnitude /= Real(10);
        ++exponent;
      }
    }
    std::uint64_t scale = 1;
    for (unsigned i = 0; i < decimals; ++i) scale *= 10;
    auto whole = static_cast<std::uint64_t>(magnitude);
    const Real fraction = (magnitude - static_cast<Real>(whole)) * static_cast<Real>(scale);
    auto digits = static_cast<std::uint64_t>(fraction + Real(0.5));
    if (digits >= scale) {
      ++whole;
      digits -= scale;
    }
    if (exponent > 0 && whole >= 10) {  // 9.99.. rounded up to 10
      whole /= 10;
      ++exponent;
    }
    if (negative && (whole != 0 || digits != 0)) put('-');
    unsigned_integer(whole);
    if (decimals > 0) {
      put('.');
      char fraction_digits[max_decimals];
      for (unsigned i = decimals; i-- > 0;) {
        fraction_digits[i] = static_cast<char>('0' + digits % 10);
        digits /= 10;
      }
      text(fraction_digits, decimals);
    }
    if (exponent > 0) {
      text("e+");
      integer(exponent);
    }
    return *this;
  }

 private:
  text_writer& unsigned_integer(std::uint64_t value) noexcept {
    char digits[20];
    std::size_t n = 0;
    if (value <= 0xFFFFFFFFu) {  // 32-bit division where it suffices (no __aeabi_uldivmod)
      auto narrow = static_cast<std::uint32_t>(value);
      do {
        digits[n++] = static_cast<char>('0' + narrow % 10u);
        narrow /= 10u;
      } while (narrow != 0);
    } else {
      do {
        digits[n++] = static_cast<char>('0' + value % 10u);
        value /= 10u;
      } while (value != 0);
    }
    while (n > 0) put(digits[--n]);
    return *this;
  }

  char* buffer_;
  std::size_t capacity_;
  flush_function flush_;
  std::size_t size_ = 0;
  bool truncated_ = false;
};

namespace semihosting {

/// Semihosting operation numbers (Arm "Semihosting for AArch32 and AArch64", v2).
enum operation : std::uint32_t {
  sys_open = 0x01,
  sys_write0 = 0x04,
  sys_write = 0x05,
  sys_exit = 0x18,
  sys_exit_extended = 0x20,
};
inline constexpr std::uint32_t adp_stopped_application_exit = 0x20026;
inline constexpr std::uint32_t adp_stopped_run_time_error_unknown = 0x20023;

#if EDGELOOP_SEMIHOSTING
/// One semihosting call (BKPT 0xAB): operation in r0, argument in r1, result in r0.
inline std::uint32_t call(std::uint32_t op, const void* argument) noexcept {
  std::uint32_t result;
  __asm volatile(
      "mov r0, %1\n\t"
      "mov r1, %2\n\t"
      "bkpt 0xAB\n\t"
      "mov %0, r0"
      : "=r"(result)
      : "r"(op), "r"(argument)
      : "r0", "r1", "memory");
  return result;
}

/// Handle of the host's standard output (":tt" opened for writing), opened on first use.
inline std::int32_t stdout_handle() noexcept {
  static std::int32_t handle = -1;
  if (handle < 0) {
    static const char name[] = ":tt";
    const std::uint32_t block[3] = {reinterpret_cast<std::uintptr_t>(name), 4u /* "w" */, 3u};
    handle = static_cast<std::int32_t>(call(sys_open, block));
  }
  return handle;
}
#endif

}  // namespace semihosting

/// Writes `size` bytes to standard output (semihosting SYS_WRITE on boards, fwrite on the host).
inline void write_stdout(const char* data, std::size_t size) noexcept {
#if EDGELOOP_SEMIHOSTING
  const std::int32_t handle = semihosting::stdout_handle();
  if (handle < 0 || size == 0) return;
  const std::uint32_t block[3] = {static_cast<std::uint32_t>(handle),
                                  reinterpret_cast<std::uintptr_t>(data),
                                  static_cast<std::uint32_t>(size)};
  (void)semihosting::call(semihosting::sys_write, block);
#else
  (void)std::fwrite(data, 1, size, stdout);
#endif
}

/// The program's console: a text_writer on standard output, flushed at each '\n'.
inline text_writer& console() noexcept {
  static char buffer[128];
  static text_writer writer(buffer, sizeof buffer, &write_stdout);
  return writer;
}

/// Flushes console() and ends the program with `status` (0 = success).
[[noreturn]] inline void exit(int status) noexcept {
  console().flush();
#if EDGELOOP_SEMIHOSTING
  const std::uint32_t block[2] = {semihosting::adp_stopped_application_exit,
                                  static_cast<std::uint32_t>(status)};
  (void)semihosting::call(semihosting::sys_exit_extended, block);
  // Without the extension, SYS_EXIT only tells success from failure.
  const std::uint32_t reason = status == 0 ? semihosting::adp_stopped_application_exit
                                           : semihosting::adp_stopped_run_time_error_unknown;
  (void)semihosting::call(semihosting::sys_exit, reinterpret_cast<const void*>(static_cast<std::uintptr_t>(reason)));
  for (;;) {
  }
#else
  std::fflush(stdout);
  std::exit(status);
#endif
}

}  // namespace edgeloop::platform
