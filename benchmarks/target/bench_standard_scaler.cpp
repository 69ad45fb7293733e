// standard_scaler on the boards: one sample = partial_fit then transform, 8 float
// features, cumulative mode (Welford update, 8 square roots and 8 divisions to refresh
// the cached 1/std, then 8 subtract-multiplies).
#include <array>
#include <cstdint>

#include "edgeloop/core/rng.hpp"
#include "edgeloop/preprocessing/standard_scaler.hpp"
#include "target_bench.hpp"

TARGET_BENCH("standard_scaler", "8_features_fit_transform") {
  constexpr std::uint32_t rows_count = 32, passes = 8;
  static edgeloop::standard_scaler<float, 8> scaler;
  static std::array<float, 8> rows[rows_count];
  edgeloop::rng r(1);
  for (auto& row : rows)
    for (auto& v : row) v = 20.0f + r.uniform<float>();
  const std::uint64_t instructions = edgeloop::bench::measure([] {
    for (std::uint32_t p = 0; p < passes; ++p) {
      for (const auto& row : rows) {
        edgeloop::bench::do_not_optimize(scaler.partial_fit(row));
        const auto y = scaler.transform(row);
        edgeloop::bench::do_not_optimize(y);
      }
    }
  });
  edgeloop::bench::report(state, instructions, "sample", rows_count * passes, sizeof scaler);
}
