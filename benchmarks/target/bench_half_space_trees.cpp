// half_space_trees on the boards: instructions per sample of score_then_learn (one fused
// descent per tree: score with the reference masses, add to the latest ones; the window
// swap every 250 samples is included, amortised), 4 features, 10 trees, window 250.
// Depth 6 (4.6 KB) fits the 16 KB Cortex-M0; River's depth 8 (16.1 KB) runs on the others.
// Inputs are drawn before measuring; two windows of warm-up build the reference profile.
#include <array>
#include <cstdint>

#include "edgeloop/anomaly/half_space_trees.hpp"
#include "edgeloop/core/rng.hpp"
#include "target_bench.hpp"

namespace {
constexpr std::uint32_t samples = 128, passes = 4;  // 512 samples: two window swaps
using sample = std::array<float, 4>;

const sample* inputs() {
  static sample xs[samples];
  edgeloop::rng r(11);
  for (auto& x : xs)
    for (auto& v : x) v = r.bernoulli(0.02f) ? r.uniform<float>() : r.normal(0.5f, 0.05f);
  return xs;
}

template <class Detector>
void run(const edgeloop::bench::bench_state& state, Detector& d) {
  const sample* xs = inputs();
  for (std::uint32_t i = 0; i < 500; ++i) (void)d.learn(xs[i % samples]);
  const std::uint64_t instructions = edgeloop::bench::measure([&] {
    for (std::uint32_t p = 0; p < passes; ++p)
      for (std::uint32_t i = 0; i < samples; ++i) {
        float s = 0;
        edgeloop::bench::do_not_optimize(score_then_learn(d, xs[i], s));
        edgeloop::bench::do_not_optimize(s);
      }
  });
  edgeloop::bench::report(state, instructions, "sample", samples * passes, Detector::memory_bytes);
}
}  // namespace

TARGET_BENCH("half_space_trees", "4f_10trees_depth6_window250") {
  static edgeloop::half_space_trees<float, 4, 10, 6, 250> d;
  run(state, d);
}

#if !defined(__ARM_ARCH_6M__)
TARGET_BENCH("half_space_trees", "4f_10trees_depth8_window250") {
  static edgeloop::half_space_trees<float, 4, 10, 8, 250> d;
  run(state, d);
}
#endif
