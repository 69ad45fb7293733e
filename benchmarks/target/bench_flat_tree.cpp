// flat_tree on the boards: instructions per prediction of the compiled node array, against
// the predict of the cart it was compiled from (the baseline, same image, same inputs).
// The cart is trained on the board (8 features uniform in [0, 1), 2 classes,
// y = (x0 + x1 > 1) xor (x2 > 0.7), 20% label noise, min leaf 2, depth up to 8); the 64
// inputs predicted are its first 64 training samples, each predicted 4 times.
// flash_bytes = the used node and leaf arrays, what a generated constexpr tree occupies in
// flash; ram_bytes = the object (its capacity).
//
// Smaller on the Cortex-M0 (16 KB RAM): 48 training samples and at most 31 nodes.
#include <array>
#include <cstdint>
#include <span>

#include "edgeloop/core/rng.hpp"
#include "edgeloop/tree/cart.hpp"
#include "edgeloop/tree/flat_tree.hpp"
#include "target_bench.hpp"

namespace {

constexpr std::size_t features = 8;
#if defined(__ARM_ARCH_6M__)
constexpr std::size_t train_samples = 48, cart_nodes = 63, flat_nodes = 31;
#else
constexpr std::size_t train_samples = 256, cart_nodes = 255, flat_nodes = 127;
#endif
constexpr std::size_t queries = train_samples < 64 ? train_samples : 64;
constexpr std::uint32_t passes = 4;

using tree_type = edgeloop::cart<float, features, 2, cart_nodes, train_samples>;
using flat = edgeloop::flat_tree<float, features, flat_nodes>;
using flat16 = edgeloop::flat_tree<float, features, flat_nodes, edgeloop::class_label, std::int16_t>;

struct models {
  std::array<tree_type::sample, train_samples> data;
  tree_type tree;
  flat f;
  flat16 q;
  std::array<flat16::quantized_input_type, queries> quantized;
  bool ready;
};

models& trained() {
  static models m;
  if (m.ready) return m;
  edgeloop::rng r(11);
  for (auto& s : m.data) {
    for (auto& v : s.x) v = r.uniform<float>();
    bool label = (s.x[0] + s.x[1] > 1.0f) != (s.x[2] > 0.7f);
    if (r.bernoulli(0.2f)) label = !label;
    s.y = label ? 1 : 0;
  }
  tree_type::params p;
  p.max_depth = 8;
  p.min_samples_leaf = 2;
  (void)m.tree.set_parameters(p);
  (void)m.tree.fit(m.data);
  (void)m.f.assign(m.tree);
  std::array<float, features> lo{}, hi{};
  hi.fill(1.0f);
  (void)m.q.set_quantization(flat16::grid_from_range(lo, hi));
  (void)m.q.assign(m.tree);
  for (std::size_t i = 0; i < queries; ++i)
    for (std::size_t k = 0; k < features; ++k) m.quantized[i][k] = m.q.quantize(m.data[i].x[k], k);
  m.ready = true;
  return m;
}

template <class Flat>
std::size_t used_bytes(const Flat& f) {
  return f.node_count() * sizeof(typename Flat::node) + f.leaf_count() * sizeof(typename Flat::output_type);
}

}  // namespace

TARGET_BENCH("cart", "8_features_predict") {
  models& m = trained();
  const std::uint64_t instructions = edgeloop::bench::measure([&] {
    for (std::uint32_t p = 0; p < passes; ++p)
      for (std::size_t i = 0; i < queries; ++i) edgeloop::bench::do_not_optimize(m.tree.predict(m.data[i].x));
  });
  edgeloop::bench::report(state, instructions, "prediction", queries * passes, sizeof m.tree);
}

TARGET_BENCH("flat_tree", "8_features_float") {
  models& m = trained();
  const std::uint64_t instructions = edgeloop::bench::measure([&] {
    for (std::uint32_t p = 0; p < passes; ++p)
      for (std::size_t i = 0; i < queries; ++i) edgeloop::bench::do_not_optimize(m.f.predict(m.data[i].x));
  });
  edgeloop::bench::report(state, instructions, "prediction", queries * passes, sizeof m.f, used_bytes(m.f));
}

TARGET_BENCH("flat_tree", "8_features_int16_float_input") {
  models& m = trained();
  const std::uint64_t instructions = edgeloop::bench::measure([&] {
    for (std::uint32_t p = 0; p < passes; ++p)
      for (std::size_t i = 0; i < queries; ++i) edgeloop::bench::do_not_optimize(m.q.predict(m.data[i].x));
  });
  edgeloop::bench::report(state, instructions, "prediction", queries * passes, sizeof m.q, used_bytes(m.q));
}

TARGET_BENCH("flat_tree", "8_features_int16_quantized_input") {
  models& m = trained();
  const std::uint64_t instructions = edgeloop::bench::measure([&] {
    for (std::uint32_t p = 0; p < passes; ++p)
      for (std::size_t i = 0; i < queries; ++i) edgeloop::bench::do_not_optimize(m.q.predict_quantized(m.quantized[i]));
  });
  edgeloop::bench::report(state, instructions, "prediction", queries * passes, sizeof m.q, used_bytes(m.q));
}
