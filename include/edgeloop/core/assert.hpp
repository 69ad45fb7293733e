#pragma once
/// EDGELOOP_ASSERT(cond, message): checks for caller bugs (wrong index, misuse), not bad
/// data. Compiled out when EDGELOOP_ENABLE_ASSERTS is 0 (the default under NDEBUG). On
/// failure it calls the handler set with set_assert_handler, which must not return; the
/// default handler calls std::abort (no exceptions, no I/O, so it fits any target).

#include <cstdlib>

#include "../config.hpp"

namespace edgeloop {

using assert_handler = void (*)(const char* expression, const char* message, const char* file,
                                int line);

namespace detail {
[[noreturn]] inline void default_assert_handler(const char*, const char*, const char*, int) {
  std::abort();
}
inline assert_handler& current_assert_handler() noexcept {
  static assert_handler handler = &default_assert_handler;
  return handler;
}
[[noreturn]] inline void assert_failed(const char* expression, const char* message,
                                       const char* file, int line) noexcept {
  current_assert_handler()(expression, message, file, line);
  std::abort();  // a handler that returns is itself a bug
}
}  // namespace detail

/// Installs `handler` (nullptr restores the default) and returns the previous one.
inline assert_handler set_assert_handler(assert_handler handler) noexcept {
  assert_handler previous = detail::current_assert_handler();
  detail::current_assert_handler() = handler ? handler : &detail::default_assert_handler;
  return previous;
}

}  // namespace edgeloop

#if EDGELOOP_ENABLE_ASSERTS
#define EDGELOOP_ASSERT(cond, message)                                             \
  ((cond) ? static_cast<void>(0)                                                   \
          : ::edgeloop::detail::assert_failed(#cond, message, __FILE__, __LINE__))
#else
#define EDGELOOP_ASSERT(cond, message) static_cast<void>(0)
#endif
