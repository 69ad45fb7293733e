// Drift detectors on the boards: instructions per update on a stationary Bernoulli(0.2)
// error stream (inputs drawn before measuring). ADWIN's cost is amortised over its clock:
// one update in 32 runs the cut test, so 1024 updates cover 32 checks.
#include <cstdint>

#include "edgeloop/core/rng.hpp"
#include "edgeloop/drift/adwin.hpp"
#include "edgeloop/drift/ddm.hpp"
#include "edgeloop/drift/page_hinkley.hpp"
#include "target_bench.hpp"

namespace {
constexpr std::uint32_t drift_updates = 1024;

// 0/1 errors, fixed seed; a warm-up of the same length fills ADWIN's window first.
float* drift_inputs() {
  static float values[drift_updates];
  edgeloop::rng r(7);
  for (auto& v : values) v = r.bernoulli(0.2f) ? 1.0f : 0.0f;
  return values;
}
}  // namespace

TARGET_BENCH("adwin", "float_16rows_m5") {
  static edgeloop::adwin<float> detector;
  const float* values = drift_inputs();
  for (std::uint32_t i = 0; i < drift_updates; ++i) (void)detector.update(values[i]);  // warm-up
  const std::uint64_t instructions = edgeloop::bench::measure([&] {
    for (std::uint32_t i = 0; i < drift_updates; ++i) edgeloop::bench::do_not_optimize(detector.update(values[i]));
  });
  edgeloop::bench::report(state, instructions, "update", drift_updates, edgeloop::adwin<float>::memory_bytes);
}

TARGET_BENCH("page_hinkley", "float") {
  static edgeloop::page_hinkley<float> detector;
  const float* values = drift_inputs();
  const std::uint64_t instructions = edgeloop::bench::measure([&] {
    for (std::uint32_t i = 0; i < drift_updates; ++i) edgeloop::bench::do_not_optimize(detector.update(values[i]));
  });
  edgeloop::bench::report(state, instructions, "update", drift_updates, edgeloop::page_hinkley<float>::memory_bytes);
}

TARGET_BENCH("ddm", "float") {
  static edgeloop::ddm<float> detector;
  const float* values = drift_inputs();
  const std::uint64_t instructions = edgeloop::bench::measure([&] {
    for (std::uint32_t i = 0; i < drift_updates; ++i) edgeloop::bench::do_not_optimize(detector.update(values[i]));
  });
  edgeloop::bench::report(state, instructions, "update", drift_updates, edgeloop::ddm<float>::memory_bytes);
}
