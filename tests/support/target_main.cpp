// Entry point of board test images: runs every registered TEST_CASE.
#include <cstdio>

#include "target_runner.hpp"

namespace edgeloop::test {
void report_failure(const char* file, int line, const char* expression) {
  ++tests().failed_checks;
  std::printf("  FAILED %s:%d: %s\n", file, line, expression);
}
}  // namespace edgeloop::test

int main() {
  using namespace edgeloop::test;
  registry& r = tests();
  std::size_t passed = 0, failed = 0;
  if (r.dropped != 0) {
    // Not run, so counted as failed: raise max_tests in target_runner.hpp.
    std::printf("runner table full: %u test cases not registered (max_tests %u)\n",
                static_cast<unsigned>(r.dropped), static_cast<unsigned>(max_tests));
    failed += r.dropped;
  }
  for (std::size_t i = 0; i < r.count; ++i) {
    r.failed_checks = 0;
    r.entries[i].function();
    if (r.failed_checks == 0) {
      ++passed;
    } else {
      ++failed;
      std::printf("test case failed: %s\n", r.entries[i].name);
    }
  }
  std::printf("%u passed, %u failed\n", static_cast<unsigned>(passed), static_cast<unsigned>(failed));
  return failed == 0 ? 0 : 1;
}
