// alma on the boards, 8 float features (River's defaults): instructions per learn step
// (partial_fit, which updates on a margin violation: a scaled add, a 2-norm with one sqrt
// and a division when the norm exceeds 1) and per predict (an 8-term dot product), and the
// model's RAM (sizeof = memory_bytes). The rows are two noisy classes prepared outside the
// measurement; learning passes over them repeatedly, so later passes update less often
// (the "learn" figure is the average over a realistic mix of updates and no-updates).
#include <array>
#include <cstdint>

#include "edgeloop/core/rng.hpp"
#include "edgeloop/linear/alma.hpp"
#include "target_bench.hpp"

namespace {
constexpr std::uint32_t alma_rows = 32, alma_passes = 8;
std::array<float, 8> alma_x[alma_rows];
edgeloop::class_label alma_y[alma_rows];

void alma_prepare() {
  edgeloop::rng r(3);
  for (std::uint32_t i = 0; i < alma_rows; ++i) {
    alma_y[i] = static_cast<edgeloop::class_label>(i & 1u);
    for (auto& v : alma_x[i]) v = r.uniform<float>(-1.0f, 1.0f) + (alma_y[i] ? 0.5f : -0.5f);
  }
}
}  // namespace

TARGET_BENCH("alma", "8_features_learn") {
  static edgeloop::alma<float, 8> model;
  alma_prepare();
  const std::uint64_t instructions = edgeloop::bench::measure([] {
    for (std::uint32_t p = 0; p < alma_passes; ++p)
      for (std::uint32_t i = 0; i < alma_rows; ++i)
        edgeloop::bench::do_not_optimize(model.partial_fit(alma_x[i], alma_y[i]));
  });
  edgeloop::bench::report(state, instructions, "sample", alma_rows * alma_passes, sizeof model);
}

TARGET_BENCH("alma", "8_features_update") {
  // Every step updates: a fresh model per sample (k = 1, w = 0) is always inside the margin.
  static edgeloop::alma<float, 8> model;
  alma_prepare();
  std::uint64_t instructions = 0;
  for (std::uint32_t i = 0; i < alma_rows; ++i) {
    model.reset();
    instructions += edgeloop::bench::measure([i] { edgeloop::bench::do_not_optimize(model.partial_fit(alma_x[i], alma_y[i])); });
  }
  edgeloop::bench::report(state, instructions, "sample", alma_rows, sizeof model);
}

TARGET_BENCH("alma", "8_features_predict") {
  static edgeloop::alma<float, 8> model;
  alma_prepare();
  for (std::uint32_t i = 0; i < alma_rows; ++i) static_cast<void>(model.partial_fit(alma_x[i], alma_y[i]));
  const std::uint64_t instructions = edgeloop::bench::measure([] {
    for (std::uint32_t p = 0; p < alma_passes; ++p)
      for (std::uint32_t i = 0; i < alma_rows; ++i) edgeloop::bench::do_not_optimize(model.predict(alma_x[i]));
  });
  edgeloop::bench::report(state, instructions, "sample", alma_rows * alma_passes, sizeof model);
}
