// Hoeffding tree on the boards: 8 features, 2 classes (3 SEA attributes and 5 irrelevant
// ones, 10% label noise), 31 nodes, 12 leaf-statistics slots, naive-Bayes-adaptive
// leaves. The tree first learns 2,000 samples of the stream; the measured learn steps then
// cover 768 samples (64 prepared rows, 12 passes), so about four split attempts (grace
// period 200) are included in the average; predict is measured on the same rows.
#include <array>
#include <cstdint>

#include "edgeloop/core/rng.hpp"
#include "edgeloop/eval/streams/sea.hpp"
#include "edgeloop/tree/hoeffding_tree.hpp"
#include "target_bench.hpp"

namespace {
using sea_tree = edgeloop::hoeffding_tree<float, 8, 2, 31, 12>;
constexpr std::uint32_t rows_count = 64;

struct sea8 {
  edgeloop::streams::sea<float> stream{{.function = 0, .noise = 0.1, .balance = false, .seed = 42}};
  edgeloop::rng distractors{43};
  edgeloop::class_label next(sea_tree::input_type& x) noexcept {
    const auto s = stream.next();
    for (std::uint32_t f = 0; f < 3; ++f) x[f] = s.x[f];
    for (std::uint32_t f = 3; f < 8; ++f) x[f] = distractors.uniform<float>(0.0f, 10.0f);
    return s.y;
  }
};

sea_tree tree;
sea_tree::input_type rows[rows_count];
edgeloop::class_label labels[rows_count];

void prepare() {
  static bool done = false;
  if (done) return;
  static sea8 source;
  sea_tree::input_type x;
  for (std::uint32_t i = 0; i < 2000; ++i) (void)tree.partial_fit(x, source.next(x));
  for (std::uint32_t i = 0; i < rows_count; ++i) labels[i] = source.next(rows[i]);
  done = true;
}
}  // namespace

TARGET_BENCH("hoeffding_tree", "sea_8_features_learn") {
  prepare();
  constexpr std::uint32_t passes = 12;
  const std::uint64_t instructions = edgeloop::bench::measure([] {
    for (std::uint32_t p = 0; p < passes; ++p)
      for (std::uint32_t i = 0; i < rows_count; ++i) edgeloop::bench::do_not_optimize(tree.partial_fit(rows[i], labels[i]));
  });
  edgeloop::bench::report(state, instructions, "learn", rows_count * passes, sea_tree::memory_bytes);
}

TARGET_BENCH("hoeffding_tree", "sea_8_features_predict") {
  prepare();
  constexpr std::uint32_t passes = 4;
  const std::uint64_t instructions = edgeloop::bench::measure([] {
    for (std::uint32_t p = 0; p < passes; ++p)
      for (std::uint32_t i = 0; i < rows_count; ++i) edgeloop::bench::do_not_optimize(tree.predict(rows[i]));
  });
  edgeloop::bench::report(state, instructions, "predict", rows_count * passes, sea_tree::memory_bytes);
}
