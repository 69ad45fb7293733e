#pragma once
// The one header test files include. On the host it is Catch2; on boards
// (EDGELOOP_TARGET_TEST) it is the project's minimal runner with the same macro names,
// so test bodies are shared. Shared tests use TEST_CASE, CHECK, CHECK_FALSE, REQUIRE,
// REQUIRE_FALSE and the helpers below (no SECTION, no Approx, no matchers).

#include <cmath>
#include <cstddef>
#include <iterator>

#if defined(EDGELOOP_TARGET_TEST)
#include "target_runner.hpp"
#else
#include <catch2/catch.hpp>
#endif

namespace edgeloop::test {

/// |a - b| <= abs_tol + rel_tol * max(|a|, |b|)
inline bool close(long double a, long double b, long double rel_tol, long double abs_tol = 0.0L) {
  const long double diff = a > b ? a - b : b - a;
  const long double scale = (a < 0 ? -a : a) > (b < 0 ? -b : b) ? (a < 0 ? -a : a) : (b < 0 ? -b : b);
  return diff <= abs_tol + rel_tol * scale;
}

/// Element-wise close() over two ranges of equal size.
template <class A, class B>
bool all_close(const A& a, const B& b, long double rel_tol, long double abs_tol = 0.0L) {
  if (std::size(a) != std::size(b)) return false;
  auto ib = std::begin(b);
  for (auto ia = std::begin(a); ia != std::end(a); ++ia, ++ib)
    if (!close(static_cast<long double>(*ia), static_cast<long double>(*ib), rel_tol, abs_tol)) return false;
  return true;
}

/// Byte-wise equality of two trivially copyable objects (state round trips).
template <class T>
bool same_bytes(const T& a, const T& b) {
  const auto* pa = reinterpret_cast<const unsigned char*>(&a);
  const auto* pb = reinterpret_cast<const unsigned char*>(&b);
  for (std::size_t i = 0; i < sizeof(T); ++i)
    if (pa[i] != pb[i]) return false;
  return true;
}

}  // namespace edgeloop::test
