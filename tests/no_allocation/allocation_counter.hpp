#pragma once
// Counts every heap allocation made by the process: global operator new/delete and
// glibc's malloc family are replaced by counting forwarders. Used only by the
// no_allocation executable (not under sanitizers, which replace the allocator too).

#include <cstddef>
#include <cstdio>
#include <cstdlib>
#include <new>

extern "C" {
void* __libc_malloc(std::size_t);
void* __libc_calloc(std::size_t, std::size_t);
void* __libc_realloc(void*, std::size_t);
void __libc_free(void*);
}

namespace edgeloop::test {
inline std::size_t allocations = 0;
}

extern "C" {
void* malloc(std::size_t n) {
  ++edgeloop::test::allocations;
  return __libc_malloc(n);
}
void* calloc(std::size_t n, std::size_t size) {
  ++edgeloop::test::allocations;
  return __libc_calloc(n, size);
}
void* realloc(void* p, std::size_t n) {
  ++edgeloop::test::allocations;
  return __libc_realloc(p, n);
}
void free(void* p) { __libc_free(p); }
}

void* operator new(std::size_t n) {
  ++edgeloop::test::allocations;
  if (void* p = __libc_malloc(n ? n : 1)) return p;
  std::abort();
}
void* operator new[](std::size_t n) { return operator new(n); }
void operator delete(void* p) noexcept { __libc_free(p); }
void operator delete[](void* p) noexcept { __libc_free(p); }
void operator delete(void* p, std::size_t) noexcept { __libc_free(p); }
void operator delete[](void* p, std::size_t) noexcept { __libc_free(p); }

namespace edgeloop::test {
inline int failures = 0;
inline int checks = 0;

/// Runs `body` and reports whether it allocated; the counter itself is checked first.
template <class Body>
void expect_no_allocation(const char* name, Body&& body) {
  ++checks;
  const std::size_t before = allocations;
  body();
  const std::size_t made = allocations - before;
  if (made != 0) {
    ++failures;
    std::printf("FAILED %s: %zu heap allocations\n", name, made);
  } else {
    std::printf("ok     %s: 0 heap allocations\n", name);
  }
}
}  // namespace edgeloop::test

namespace edgeloop::test {
/// Keeps the compiler from removing a computation whose result is otherwise unused.
template <class T>
void do_not_optimize(const T& value) {
  asm volatile("" : : "r"(&value) : "memory");
}
}  // namespace edgeloop::test
