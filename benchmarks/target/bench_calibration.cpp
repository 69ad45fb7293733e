// Calibration cases: they check the measuring itself and give the base cost of the
// random generator every other benchmark uses to make its data.
#include <cstdint>

#include "edgeloop/core/rng.hpp"
#include "edgeloop/platform/cycle_counter.hpp"
#include "target_bench.hpp"

// A loop of exactly 2 instructions per iteration (SUBS + BNE): a correct counter and
// overhead subtraction give instructions_per_iteration = 2.00 (within one SysTick tick).
TARGET_BENCH("calibration", "loop_10000") {
  constexpr std::uint32_t iterations = 10000;
  const std::uint64_t instructions =
      edgeloop::bench::measure([] { edgeloop::platform::calibration_loop(iterations); });
  edgeloop::bench::report(state, instructions, "iteration", iterations, 0);
}

// xoshiro128** next(): 32-bit integer work only.
TARGET_BENCH("rng", "next_1000") {
  static edgeloop::rng generator(42);
  constexpr std::uint32_t draws = 1000;
  const std::uint64_t instructions = edgeloop::bench::measure([] {
    for (std::uint32_t i = 0; i < draws; ++i) edgeloop::bench::do_not_optimize(generator.next());
  });
  edgeloop::bench::report(state, instructions, "draw", draws, sizeof generator);
}

// uniform<float>() in [0, 1): next() plus an int-to-float conversion (soft-float on M0).
TARGET_BENCH("rng", "uniform_float_1000") {
  static edgeloop::rng generator(42);
  constexpr std::uint32_t draws = 1000;
  const std::uint64_t instructions = edgeloop::bench::measure([] {
    for (std::uint32_t i = 0; i < draws; ++i)
      edgeloop::bench::do_not_optimize(generator.uniform<float>());
  });
  edgeloop::bench::report(state, instructions, "draw", draws, sizeof generator);
}
