// flat_tree: predictions per second of the compiled node array against the predict of the
// tree it came from (the baseline, same run, same inputs, same outputs).
//
// Data: 8 features uniform in [0, 1), 2 classes, y = (x0 + x1 > 1) xor (x2 > 0.7) with 10%
// label noise; 4,096 inputs cycled for prediction.
// - hoeffding_tree<float, 8, 2, 255, 128> with majority-class leaves (what a flat tree
//   carries), trained on 65,536 samples with grace period 50: BM_HoeffdingTreePredict vs
//   BM_FlatTreeFromHoeffdingPredict.
// - cart<float, 8, 2, 1023, 8192>, depth 10, min leaf 5, trained on 8,192 samples:
//   BM_CartPredict vs BM_FlatTreeFromCartPredict, the int16 form on float inputs
//   (BM_FlatTreeInt16FromCartPredict) and on inputs already on the int16 grid
//   (BM_FlatTreeInt16QuantizedInputPredict, integers only).

#include <benchmark/benchmark.h>

#include <array>
#include <cstddef>
#include <cstdint>
#include <span>
#include <vector>

#include "edgeloop/core/rng.hpp"
#include "edgeloop/tree/cart.hpp"
#include "edgeloop/tree/flat_tree.hpp"
#include "edgeloop/tree/hoeffding_tree.hpp"

namespace {

constexpr std::size_t features = 8;
constexpr std::size_t inputs = 4096;
using sample = std::array<float, features>;
using vfdt = edgeloop::hoeffding_tree<float, features, 2, 255, 128>;
using cart_tree = edgeloop::cart<float, features, 2, 1023, 8192>;
using flat = edgeloop::flat_tree<float, features, 511>;
using flat16 = edgeloop::flat_tree<float, features, 511, edgeloop::class_label, std::int16_t>;

struct data {
  std::vector<sample> x;
  std::vector<edgeloop::class_label> y;
};

data make_data(std::size_t n, std::uint64_t seed) {
  data d;
  d.x.resize(n);
  d.y.resize(n);
  edgeloop::rng g(seed);
  for (std::size_t i = 0; i < n; ++i) {
    for (auto& v : d.x[i]) v = g.uniform<float>();
    bool label = (d.x[i][0] + d.x[i][1] > 1.0f) != (d.x[i][2] > 0.7f);
    if (g.bernoulli(0.1f)) label = !label;
    d.y[i] = label ? 1 : 0;
  }
  return d;
}

const data& queries() {
  static const data d = make_data(inputs, 99);
  return d;
}

const vfdt& trained_vfdt() {
  static vfdt* t = [] {
    static vfdt tree;
    vfdt::params p;
    p.leaf = edgeloop::leaf_prediction::majority_class;
    p.grace_period = 50;
    tree = vfdt(p);
    const data d = make_data(65536, 2024);
    for (std::size_t i = 0; i < d.x.size(); ++i) static_cast<void>(tree.partial_fit(d.x[i], d.y[i]));
    return &tree;
  }();
  return *t;
}

const cart_tree& trained_cart() {
  static cart_tree* t = [] {
    static cart_tree tree;
    cart_tree::params p;
    p.max_depth = 10;
    p.min_samples_leaf = 5;
    static_cast<void>(tree.set_parameters(p));
    const data d = make_data(8192, 7);
    static_cast<void>(tree.fit(std::span<const sample>(d.x), std::span<const edgeloop::class_label>(d.y)));
    return &tree;
  }();
  return *t;
}

template <class Model>
void run(benchmark::State& state, const Model& m, std::size_t memory_bytes, std::size_t nodes) {
  const data& q = queries();
  std::size_t i = 0, ones = 0;
  for (auto _ : state) {
    ones += m.predict(q.x[i]);
    if (++i == inputs) i = 0;
  }
  benchmark::DoNotOptimize(ones);
  state.SetItemsProcessed(static_cast<std::int64_t>(state.iterations()));
  state.counters["memory_bytes"] = static_cast<double>(memory_bytes);
  state.counters["nodes"] = static_cast<double>(nodes);
}

void BM_HoeffdingTreePredict(benchmark::State& state) {
  const vfdt& t = trained_vfdt();
  run(state, t, vfdt::memory_bytes, t.node_count());
}
BENCHMARK(BM_HoeffdingTreePredict);

void BM_FlatTreeFromHoeffdingPredict(benchmark::State& state) {
  static flat f;
  if (f.assign(trained_vfdt()) != edgeloop::status::ok) state.SkipWithError("does not fit");
  run(state, f, flat::memory_bytes, f.node_count());
}
BENCHMARK(BM_FlatTreeFromHoeffdingPredict);

void BM_CartPredict(benchmark::State& state) {
  const cart_tree& t = trained_cart();
  run(state, t, cart_tree::memory_bytes, t.node_count());
}
BENCHMARK(BM_CartPredict);

void BM_FlatTreeFromCartPredict(benchmark::State& state) {
  static flat f;
  if (f.assign(trained_cart()) != edgeloop::status::ok) state.SkipWithError("does not fit");
  run(state, f, flat::memory_bytes, f.node_count());
}
BENCHMARK(BM_FlatTreeFromCartPredict);

void BM_FlatTreeInt16FromCartPredict(benchmark::State& state) {
  static flat16 f;
  sample lo{}, hi{};
  hi.fill(1.0f);
  static_cast<void>(f.set_quantization(flat16::grid_from_range(lo, hi)));
  if (f.assign(trained_cart()) != edgeloop::status::ok) state.SkipWithError("does not fit");
  run(state, f, flat16::memory_bytes, f.node_count());
}
BENCHMARK(BM_FlatTreeInt16FromCartPredict);

void BM_FlatTreeInt16QuantizedInputPredict(benchmark::State& state) {
  static flat16 f;
  sample lo{}, hi{};
  hi.fill(1.0f);
  static_cast<void>(f.set_quantization(flat16::grid_from_range(lo, hi)));
  if (f.assign(trained_cart()) != edgeloop::status::ok) state.SkipWithError("does not fit");
  std::vector<flat16::quantized_input_type> q(inputs);
  for (std::size_t i = 0; i < inputs; ++i)
    for (std::size_t k = 0; k < features; ++k) q[i][k] = f.quantize(queries().x[i][k], k);
  std::size_t i = 0, ones = 0;
  for (auto _ : state) {
    ones += f.predict_quantized(q[i]);
    if (++i == inputs) i = 0;
  }
  benchmark::DoNotOptimize(ones);
  state.SetItemsProcessed(static_cast<std::int64_t>(state.iterations()));
  state.counters["memory_bytes"] = static_cast<double>(flat16::memory_bytes);
  state.counters["nodes"] = static_cast<double>(f.node_count());
}
BENCHMARK(BM_FlatTreeInt16QuantizedInputPredict);

}  // namespace
