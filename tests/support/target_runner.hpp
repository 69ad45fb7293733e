#pragma once
// Minimal test runner for boards (no heap, no iostreams): TEST_CASE registers a function
// in a fixed table through a static object; target_main.cpp runs them all, prints failures
// and "N passed, N failed" over semihosting and exits non-zero when anything failed.

#include <cstddef>

namespace edgeloop::test {

using test_function = void (*)();

struct test_entry {
  const char* name;
  test_function function;
};

// 8 bytes per entry on 32-bit boards (the largest area has 48 test cases). Registrations
// beyond the capacity are counted in `dropped`: target_main.cpp reports them at start and
// the run fails.
inline constexpr std::size_t max_tests = 96;

struct registry {
  test_entry entries[max_tests];
  std::size_t count;
  std::size_t dropped;        // TEST_CASEs that did not fit in entries
  std::size_t failed_checks;  // failures within the current test case
};

inline registry& tests() {
  static registry r{};
  return r;
}

struct registrar {
  registrar(const char* name, test_function f) {
    registry& r = tests();
    if (r.count < max_tests)
      r.entries[r.count++] = {name, f};
    else
      ++r.dropped;
  }
};

void report_failure(const char* file, int line, const char* expression);

}  // namespace edgeloop::test

#define EDGELOOP_TEST_CAT2(a, b) a##b
#define EDGELOOP_TEST_CAT(a, b) EDGELOOP_TEST_CAT2(a, b)
#define EDGELOOP_TEST_CASE2(fn, name)                                                   \
  static void fn();                                                                     \
  static const ::edgeloop::test::registrar EDGELOOP_TEST_CAT(fn, _registrar){name, &fn}; \
  static void fn()
#define TEST_CASE(name, tags) EDGELOOP_TEST_CASE2(EDGELOOP_TEST_CAT(edgeloop_test_, __COUNTER__), name)

#define CHECK(...)                                                             \
  do {                                                                         \
    if (!(__VA_ARGS__)) ::edgeloop::test::report_failure(__FILE__, __LINE__, #__VA_ARGS__); \
  } while (false)
#define CHECK_FALSE(...) CHECK(!(__VA_ARGS__))
#define REQUIRE(...)                                                           \
  do {                                                                         \
    if (!(__VA_ARGS__)) {                                                      \
      ::edgeloop::test::report_failure(__FILE__, __LINE__, #__VA_ARGS__);      \
      return;                                                                  \
    }                                                                          \
  } while (false)
#define REQUIRE_FALSE(...) REQUIRE(!(__VA_ARGS__))
#define STATIC_REQUIRE(...) static_assert(__VA_ARGS__, #__VA_ARGS__)
