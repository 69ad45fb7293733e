// pegasos and budget_kernel_svm on the boards: 8 float features, 2 classes.
// learn = one partial_fit, predict = one predict, each over 32 prepared samples.
// budget_kernel_svm: RBF kernel (gamma 1/8), budget 16 and 64 support vectors, merging;
// it first learns until its budget is full, so every measured violating step triggers a
// merge (a grid + golden-section search per same-sign partner). Measured rows are new.
#include <array>
#include <cstdint>

#include "edgeloop/core/rng.hpp"
#include "edgeloop/svm/budget_kernel_svm.hpp"
#include "edgeloop/svm/pegasos.hpp"
#include "target_bench.hpp"

namespace {
template <class Model>
constexpr std::size_t full_of(const Model&) {
  if constexpr (requires { Model::budget; }) return Model::budget;
  else return 0;
}
template <class Model>
std::size_t support_count(const Model& m) {
  if constexpr (requires { m.support_vectors(); }) return m.support_vectors();
  else return 0;
}
constexpr std::uint32_t svm_rows = 32;
using svm_row = std::array<float, 8>;
svm_row svm_x[svm_rows];
edgeloop::class_label svm_y[svm_rows];

void svm_prepare(std::uint64_t seed = 3) {
  edgeloop::rng r(seed);
  for (std::uint32_t i = 0; i < svm_rows; ++i) {
    svm_y[i] = r.uniform<float>() < 0.4f ? 1 : 0;
    for (auto& v : svm_x[i]) v = r.uniform(-1.0f, 1.0f) + (svm_y[i] ? 0.5f : 0.0f);
  }
}

/// Learns fresh random rows until the model has learned `passes` x 32 samples and (for the
/// kernel SVM) its budget is full; then prepares the 32 measured rows (new ones).
template <class Model>
void warm_up(Model& m, int passes) {
  for (int p = 0; p < passes || support_count(m) < full_of(m); ++p) {
    svm_prepare(100u + static_cast<std::uint64_t>(p));
    for (std::uint32_t i = 0; i < svm_rows; ++i) edgeloop::bench::do_not_optimize(m.partial_fit(svm_x[i], svm_y[i]));
    if (p > 200) break;
  }
  svm_prepare();
}
}  // namespace

TARGET_BENCH("pegasos", "8_features_learn") {
  static edgeloop::pegasos<float, 8> model({1e-3f, true, false});
  warm_up(model, 2);
  const std::uint64_t instructions = edgeloop::bench::measure([] {
    for (std::uint32_t i = 0; i < svm_rows; ++i) edgeloop::bench::do_not_optimize(model.partial_fit(svm_x[i], svm_y[i]));
  });
  edgeloop::bench::report(state, instructions, "sample", svm_rows, sizeof model);
}

TARGET_BENCH("pegasos", "8_features_predict") {
  static edgeloop::pegasos<float, 8> model({1e-3f, true, false});
  warm_up(model, 2);
  const std::uint64_t instructions = edgeloop::bench::measure([] {
    for (std::uint32_t i = 0; i < svm_rows; ++i) edgeloop::bench::do_not_optimize(model.predict(svm_x[i]));
  });
  edgeloop::bench::report(state, instructions, "sample", svm_rows, sizeof model);
}

namespace {
template <std::size_t Budget>
using bsgd = edgeloop::budget_kernel_svm<float, 8, Budget>;
template <std::size_t Budget>
typename bsgd<Budget>::params bsgd_params() {
  typename bsgd<Budget>::params p;
  p.lambda = 1e-2f;
  p.kernel.gamma = 0.125f;
  return p;
}
template <std::size_t Budget>
bsgd<Budget>& bsgd_model() {
  static bsgd<Budget> m(bsgd_params<Budget>());
  return m;
}
}  // namespace

TARGET_BENCH("budget_kernel_svm", "8_features_budget16_learn") {
  auto& model = bsgd_model<16>();
  warm_up(model, 3);
  std::uint64_t instructions = 0;  // one measurement per step: a merge on the M0 is long
  for (std::uint32_t i = 0; i < svm_rows; ++i)
    instructions += edgeloop::bench::measure([&] { edgeloop::bench::do_not_optimize(model.partial_fit(svm_x[i], svm_y[i])); });
  edgeloop::bench::report(state, instructions, "sample", svm_rows, sizeof model);
}

TARGET_BENCH("budget_kernel_svm", "8_features_budget16_predict") {
  auto& model = bsgd_model<16>();
  const std::uint64_t instructions = edgeloop::bench::measure([&] {
    for (std::uint32_t i = 0; i < svm_rows; ++i) edgeloop::bench::do_not_optimize(model.predict(svm_x[i]));
  });
  edgeloop::bench::report(state, instructions, "sample", svm_rows, sizeof model);
}

TARGET_BENCH("budget_kernel_svm", "8_features_budget64_learn") {
  auto& model = bsgd_model<64>();
  warm_up(model, 3);
  std::uint64_t instructions = 0;  // one measurement per step: a merge on the M0 is long
  for (std::uint32_t i = 0; i < svm_rows; ++i)
    instructions += edgeloop::bench::measure([&] { edgeloop::bench::do_not_optimize(model.partial_fit(svm_x[i], svm_y[i])); });
  edgeloop::bench::report(state, instructions, "sample", svm_rows, sizeof model);
}

TARGET_BENCH("budget_kernel_svm", "8_features_budget64_predict") {
  auto& model = bsgd_model<64>();
  const std::uint64_t instructions = edgeloop::bench::measure([&] {
    for (std::uint32_t i = 0; i < svm_rows; ++i) edgeloop::bench::do_not_optimize(model.predict(svm_x[i]));
  });
  edgeloop::bench::report(state, instructions, "sample", svm_rows, sizeof model);
}
