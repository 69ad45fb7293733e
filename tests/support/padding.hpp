#pragma once
// padding_bytes<T>(): how many bytes of T no member covers (implicit padding, whose value
// is undefined and would leak into persisted states). Found with GCC's
// __builtin_clear_padding on an all-ones object: the bytes it zeroes are padding.
// EDGELOOP_TEST_HAS_PADDING_CHECK is 0 where the compiler has no such builtin.

#include <cstddef>
#include <cstring>

#if defined(__has_builtin)
#if __has_builtin(__builtin_clear_padding)
#define EDGELOOP_TEST_HAS_PADDING_CHECK 1
#endif
#endif
#ifndef EDGELOOP_TEST_HAS_PADDING_CHECK
#define EDGELOOP_TEST_HAS_PADDING_CHECK 0
#endif

namespace edgeloop::test {

#if EDGELOOP_TEST_HAS_PADDING_CHECK
template <class T>
std::size_t padding_bytes() {
  alignas(T) unsigned char bytes[sizeof(T)];
  std::memset(bytes, 0xFF, sizeof bytes);
  __builtin_clear_padding(reinterpret_cast<T*>(bytes));
  std::size_t n = 0;
  for (const unsigned char b : bytes) n += b == 0 ? 1u : 0u;
  return n;
}
#endif

}  // namespace edgeloop::test
