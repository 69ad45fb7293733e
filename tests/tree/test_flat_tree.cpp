#include <array>
#include <cstddef>
#include <cstdint>
#include <limits>
#include <new>
#include <span>
#include <type_traits>

#include "edgeloop/core/rng.hpp"
#include "edgeloop/tree/cart.hpp"
#include "edgeloop/tree/flat_tree.hpp"
#include "edgeloop/tree/hoeffding_tree.hpp"
#include "support/test.hpp"

using namespace edgeloop;
using edgeloop::test::same_bytes;

namespace {

// A tree written by hand, as a generated array pasted into flash would be:
//   x0 <= 0.5 ? (x1 <= 0.25 ? class 0 : class 1) : class 2
using tiny_flat = flat_tree<float, 2, 3>;
constexpr tiny_flat::node tiny_nodes[] = {
    {0.5f, 0, 1, ~0},   // node 0: left to node 1, right to leaf 0
    {0.25f, 1, ~1, ~2},  // node 1: leaves 1 and 2
};
constexpr class_label tiny_leaves[] = {2, 0, 1};
constexpr tiny_flat tiny_tree(tiny_nodes, tiny_leaves);

using tiny_q = flat_tree<float, 2, 3, class_label, std::int16_t>;
constexpr tiny_q::node tiny_q_nodes[] = {{-3, 0, 1, ~0}, {7, 1, ~1, ~2}};
constexpr tiny_q::quantization tiny_grid{{0.5f, 0.25f}, {1.0f, 0.0f}};
constexpr tiny_q tiny_quantized(tiny_q_nodes, tiny_leaves, tiny_grid);

// The trees of the cases below (board RAM: each object is static and small).
constexpr std::size_t features = 3;
using vfdt = hoeffding_tree<float, features, 2, 15, 4>;
using nominal_vfdt = hoeffding_tree<float, features, 3, 15, 4, info_gain_criterion, gaussian_splitter<>, 4>;
using flat = flat_tree<float, features, 15>;
using flat16 = flat_tree<float, features, 15, class_label, std::int16_t>;
using cart3 = cart<float, features, 2, 15, 48>;

std::array<float, features> point(rng& r) {
  std::array<float, features> x{};
  for (auto& v : x) v = r.uniform<float>();
  return x;
}
class_label concept_of(const std::array<float, features>& x) { return x[0] + 0.5f * x[1] > 0.7f ? 1 : 0; }

// The objects of each case. The cases run one after another, so they share one static
// buffer (board RAM: the largest case, about 1.6 KB, not the sum; nothing big on the
// small board stacks).
struct vfdt_case {
  vfdt tree;
  flat f;
  flat16 q;
};
struct nominal_case {
  nominal_vfdt tree;
  flat f;
  flat16 q;
};
struct cart_case {
  cart3 tree;
  std::array<cart3::input_type, 48> x;
  std::array<class_label, 48> y;
  flat f;
  flat16 q;
};
using regressor = cart_regressor<float, features, 15, 32>;
struct regressor_case {
  regressor tree;
  std::array<regressor::input_type, 32> x;
  std::array<float, 32> y;
  flat_tree<float, features, 15, float> f;
};
struct capacity_case {
  cart3 tree;
  std::array<cart3::input_type, 48> x;
  std::array<class_label, 48> y;
  flat_tree<float, features, 2> small;
  flat_tree<float, features, 2>::state_type small_before;
  flat f, g;
  flat::state_type saved;
};

template <class... T>
constexpr std::size_t largest() {
  std::size_t m = 0;
  ((m = sizeof(T) > m ? sizeof(T) : m), ...);
  return m;
}
alignas(std::max_align_t) unsigned char shared_buffer[largest<vfdt_case, nominal_case, cart_case, regressor_case,
                                                                capacity_case>()];

/// A case's objects, default-built in the shared buffer (the previous case's are dead).
template <class T>
T& fresh() {
  static_assert(std::is_trivially_destructible_v<T> && sizeof(T) <= sizeof(shared_buffer));
  return *::new (static_cast<void*>(shared_buffer)) T();
}

}  // namespace

TEST_CASE("flat_tree built at compile time predicts at compile time", "[tree][flat_tree]") {
  STATIC_REQUIRE(tiny_flat::valid(tiny_nodes, 3));
  STATIC_REQUIRE(tiny_tree.node_count() == 2);
  STATIC_REQUIRE(tiny_tree.predict({0.2f, 0.1f}) == 0);
  STATIC_REQUIRE(tiny_tree.predict({0.5f, 0.25f}) == 0);  // <= goes left
  STATIC_REQUIRE(tiny_tree.predict({0.5f, 0.26f}) == 1);
  STATIC_REQUIRE(tiny_tree.predict({0.51f, 0.0f}) == 2);
  // int16: x0 = 1 + 0.5 q (threshold q <= -3: x0 <= -0.5), x1 = 0.25 q (q <= 7: x1 <= 1.75).
  STATIC_REQUIRE(tiny_quantized.quantize(-0.5f, 0) == -3);
  STATIC_REQUIRE(tiny_quantized.predict({-0.5f, 1.75f}) == 0);
  STATIC_REQUIRE(tiny_quantized.predict({-0.5f, 2.0f}) == 1);
  STATIC_REQUIRE(tiny_quantized.predict({0.0f, 0.0f}) == 2);
  STATIC_REQUIRE(tiny_quantized.predict_quantized({-3, 8}) == 1);
  // Invalid arrays: a child pointing back (a cycle), a leaf out of range, a bad feature.
  constexpr tiny_flat::node back[] = {{0.5f, 0, 1, ~0}, {0.25f, 1, 0, ~1}};
  constexpr tiny_flat::node far_leaf[] = {{0.5f, 0, ~0, ~3}};
  constexpr tiny_flat::node bad_feature[] = {{0.5f, 2, ~0, ~1}};
  STATIC_REQUIRE(!tiny_flat::valid(back, 3));
  STATIC_REQUIRE(!tiny_flat::valid(far_leaf, 3));
  STATIC_REQUIRE(!tiny_flat::valid(bad_feature, 3));
  CHECK(tiny_tree.predict({0.9f, 0.9f}) == 2);
}

TEST_CASE("flat_tree from a hoeffding_tree predicts like it on every sample of a stream", "[tree][flat_tree]") {
  auto& [tree, f, q] = fresh<vfdt_case>();
  vfdt::params p;
  p.leaf = leaf_prediction::majority_class;  // flat trees carry majority classes
  p.grace_period = 50;
  p.split_confidence = 0.01f;
  ::new (static_cast<void*>(&tree)) vfdt(p);
  REQUIRE(q.set_quantization(flat16::grid_from_range({0, 0, 0}, {1, 1, 1})) == status::ok);
  rng r(21);
  std::size_t compared = 0, differ = 0, differ16 = 0, grid_compared = 0;
  // Rounds: compile, compare on the next 500 samples of the stream, then learn them.
  for (int round = 0; round < 6; ++round) {
    REQUIRE(f.assign(tree) == status::ok);
    REQUIRE(q.assign(tree) == status::ok);
    const rng at_round = r;
    for (int i = 0; i < 500; ++i) {
      std::array<float, features> x = point(r);
      static_cast<void>(r.bernoulli(0.1f));  // as the learning pass below draws
      const class_label expected = tree.predict(x);
      differ += f.predict(x) == expected ? 0 : 1;
      ++compared;
      // The same point moved onto the int16 grid: identical there.
      for (std::size_t k = 0; k < features; ++k) x[k] = q.dequantize(q.quantize(x[k], k), k);
      differ16 += q.predict(x) == tree.predict(x) ? 0 : 1;
      ++grid_compared;
    }
    r = at_round;
    for (int i = 0; i < 500; ++i) {
      const std::array<float, features> x = point(r);
      class_label y = concept_of(x);
      if (r.bernoulli(0.1f)) y = static_cast<class_label>(1 - y);
      REQUIRE(tree.partial_fit(x, y) == status::ok);
    }
  }
  CHECK(tree.node_count() >= 5);  // the stream grew a real tree
  CHECK(compared == 3000);
  CHECK(differ == 0);
  CHECK(grid_compared == 3000);
  CHECK(differ16 == 0);
}

TEST_CASE("flat_tree from nominal hoeffding splits (multiway and binary) routes every value like the tree",
          "[tree][flat_tree]") {
  auto& [tree, f, q] = fresh<nominal_case>();
  for (const nominal_split kind : {nominal_split::multiway, nominal_split::binary}) {
    nominal_vfdt::params p;
    p.leaf = leaf_prediction::majority_class;
    p.grace_period = 50;
    p.split_confidence = 0.01f;
    p.nominal = kind;
    p.nominal_cardinality = {4, 3, 0};
    ::new (static_cast<void*>(&tree)) nominal_vfdt(p);
    rng r(5);
    for (int i = 0; i < 3000; ++i) {
      const std::array<float, features> x{static_cast<float>(r.uniform_int(4)), static_cast<float>(r.uniform_int(3)),
                                          r.uniform<float>()};
      class_label y = x[0] == 1.0f ? 2 : (x[1] == 2.0f ? 1 : (x[2] > 0.6f ? 1 : 0));
      if (r.bernoulli(0.05f)) y = static_cast<class_label>(r.uniform_int(3));
      REQUIRE(tree.partial_fit(x, y) == status::ok);
    }
    const split_kind root = tree.node_at(0).kind;
    CHECK(root == (kind == nominal_split::multiway ? split_kind::nominal_multiway : split_kind::nominal_binary));
    REQUIRE(f.assign(tree) == status::ok);
    REQUIRE(q.assign(tree) == status::ok);  // default grid: scale 1, offset 0 (the values)
    // Every value, values between them and outside 0..k-1 (predict clamps them).
    const float values[] = {-2.0f, -0.5f, 0.0f, 0.3f, 0.99f, 1.0f, 1.5f, 2.0f, 2.999f, 3.0f, 3.5f, 9.0f};
    std::size_t differ = 0, differ16 = 0;
    for (const float a : values)
      for (const float b : values)
        for (const float c : {0.1f, 0.59f, 0.61f, 0.9f}) {
          differ += f.predict({a, b, c}) == tree.predict({a, b, c}) ? 0 : 1;
          if (a == static_cast<float>(static_cast<int>(a)) && b == static_cast<float>(static_cast<int>(b)) &&
              c == 0.1f)  // integers are the grid of a nominal value (x2 off grid: kept away from splits)
            differ16 += q.predict({a, b, 0.0f}) == tree.predict({a, b, 0.0f}) ? 0 : 1;
        }
    CHECK(differ == 0);
    CHECK(differ16 == 0);
  }
}

TEST_CASE("flat_tree from a cart predicts like it; int16 on the grid too", "[tree][flat_tree]") {
  auto& [tree, x, y, f, q] = fresh<cart_case>();
  rng r(8);
  for (std::size_t i = 0; i < x.size(); ++i) {
    x[i] = point(r);
    y[i] = concept_of(x[i]);
    if (r.bernoulli(0.1f)) y[i] = static_cast<class_label>(1 - y[i]);
  }
  REQUIRE(tree.fit(std::span<const cart3::input_type>(x), std::span<const class_label>(y)) == status::ok);
  REQUIRE(tree.node_count() >= 5);
  REQUIRE(f.assign(tree) == status::ok);
  CHECK(f.node_count() == tree.node_count() / 2);
  CHECK(f.leaf_count() == tree.leaf_count());
  // A grid of 0.001 steps around 0.5: thresholds are midpoints, rarely on the grid.
  flat16::quantization grid{{0.001f, 0.001f, 0.001f}, {0.5f, 0.5f, 0.5f}};
  REQUIRE(q.set_quantization(grid) == status::ok);
  REQUIRE(q.assign(tree) == status::ok);
  std::size_t differ = 0, differ16 = 0;
  for (int i = 0; i < 2000; ++i) {
    std::array<float, features> v = point(r);
    differ += f.predict(v) == tree.predict(v) ? 0 : 1;
    flat16::quantized_input_type grid_v{};
    for (std::size_t k = 0; k < features; ++k) {
      grid_v[k] = q.quantize(v[k], k);
      v[k] = q.dequantize(grid_v[k], k);
    }
    const class_label expected = tree.predict(v);
    differ16 += q.predict(v) == expected ? 0 : 1;
    differ16 += q.predict_quantized(grid_v) == expected ? 0 : 1;
  }
  for (const auto& v : x) differ += f.predict(v) == tree.predict(v) ? 0 : 1;
  CHECK(differ == 0);
  CHECK(differ16 == 0);
}

TEST_CASE("flat_tree from a cart_regressor carries the leaf means", "[tree][flat_tree]") {
  using reg = regressor;
  auto& [tree, x, y, f] = fresh<regressor_case>();
  rng r(4);
  for (std::size_t i = 0; i < x.size(); ++i) {
    x[i] = point(r);
    y[i] = 2.0f * x[i][0] + r.uniform(-0.1f, 0.1f);
  }
  reg::params p;
  p.max_depth = 3;
  REQUIRE(tree.set_parameters(p) == status::ok);
  REQUIRE(tree.fit(std::span<const reg::input_type>(x), std::span<const float>(y)) == status::ok);
  REQUIRE(f.assign(tree) == status::ok);
  std::size_t differ = 0;
  for (int i = 0; i < 500; ++i) {
    const auto v = point(r);
    differ += f.predict(v) == tree.predict(v) ? 0 : 1;
  }
  CHECK(differ == 0);
}

TEST_CASE("flat_tree: a tree that does not fit is refused and nothing changes; state round trip",
          "[tree][flat_tree]") {
  auto& [tree, x, y, small, before, f, g, saved] = fresh<capacity_case>();
  rng r(9);
  for (std::size_t i = 0; i < x.size(); ++i) {
    x[i] = point(r);
    y[i] = static_cast<class_label>(r.uniform_int(2));  // noise: a deep tree
  }
  REQUIRE(tree.fit(std::span<const cart3::input_type>(x), std::span<const class_label>(y)) == status::ok);
  REQUIRE(tree.node_count() > 5);
  before = small.state();
  CHECK(small.assign(tree) == status::capacity_exceeded);
  CHECK(same_bytes(small.state(), before));
  CHECK(small.predict(x[0]) == 0);  // the default tree: one leaf, class 0

  REQUIRE(f.assign(tree) == status::ok);
  saved = f.state();
  REQUIRE(g.restore(saved) == status::ok);
  CHECK(same_bytes(g.state(), saved));
  for (const auto& v : x) CHECK(g.predict(v) == tree.predict(v));
  // restore rejects a cycle, an out-of-range leaf, a bad magic.
  saved.nodes[1].left = 0;
  CHECK(g.restore(saved) == status::invalid_state);
  saved = f.state();
  saved.nodes[0].right = static_cast<std::int16_t>(~static_cast<int>(saved.leaf_count));
  CHECK(g.restore(saved) == status::invalid_state);
  saved = f.state();
  saved.magic = 0;
  CHECK(g.restore(saved) == status::invalid_state);
  CHECK(same_bytes(g.state(), f.state()));
}
