#include <array>
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <limits>
#include <new>
#include <span>
#include <type_traits>

#include "edgeloop/core/ring_buffer.hpp"
#include "edgeloop/core/rng.hpp"
#include "edgeloop/tree/cart.hpp"
#include "support/test.hpp"
#include "tree/cart_reference.hpp"

using namespace edgeloop;
using edgeloop::test::close;
using edgeloop::test::same_bytes;

namespace {

constexpr std::size_t n_max = 40;
using tree3 = cart<float, 3, 3, 19, n_max>;
using reg2 = cart_regressor<float, 2, 15, n_max>;
using data_x = std::array<tree3::input_type, n_max>;
using data_y = std::array<class_label, n_max>;

// The objects of the cases. The cases run one after another, so they share one static
// buffer: board RAM holds the largest case (about 1.9 KB), not the sum, and nothing big
// lands on the small board stacks.
struct main_case {
  data_x x;
  data_y y;
  tree3 tree;
  tree3::state_type saved;
};
struct ring_case {
  main_case m;
  ring_buffer<tree3::sample, 24> last;
};
struct full_case {
  data_x x;
  data_y y;
  cart<float, 3, 3, 5, n_max> small;
  cart<float, 3, 3, 7, 16> tiny;
};
struct regressor_case {
  std::array<reg2::input_type, n_max> x;
  std::array<float, n_max> y;
  reg2 tree;
};

template <class... T>
constexpr std::size_t largest() {
  std::size_t m = 0;
  ((m = sizeof(T) > m ? sizeof(T) : m), ...);
  return m;
}
alignas(std::max_align_t) unsigned char shared_buffer[largest<main_case, ring_case, full_case, regressor_case>()];

/// A case's objects, default-built in the shared buffer (the previous case's are dead).
template <class T>
T& fresh() {
  static_assert(std::is_trivially_destructible_v<T> && sizeof(T) <= sizeof(shared_buffer));
  return *::new (static_cast<void*>(shared_buffer)) T();
}

// n samples of 3 features on a coarse grid (many ties), 3 classes from a rule with noise.
void make_data(data_x& x, data_y& y, std::size_t n, std::uint64_t seed) {
  rng r(seed);
  for (std::size_t i = 0; i < n; ++i) {
    for (auto& v : x[i]) v = static_cast<float>(r.uniform_int(7)) * 0.5f - 1.0f;
    class_label label = x[i][0] + 0.5f * x[i][1] > 0.2f ? 1 : (x[i][2] > 0.6f ? 2 : 0);
    if (r.bernoulli(0.15f)) label = static_cast<class_label>(r.uniform_int(3));
    y[i] = label;
  }
}

std::span<const tree3::input_type> first(const data_x& x, std::size_t n) { return {x.data(), n}; }
std::span<const class_label> first(const data_y& y, std::size_t n) { return {y.data(), n}; }

}  // namespace

TEST_CASE("cart impurity: Gini and entropy equal their closed forms", "[tree][cart]") {
  // {3, 1}: Gini 1 - (9 + 1)/16 = 0.375; entropy -(3/4 log2 3/4 + 1/4 log2 1/4) = 0.8112781.
  CHECK(close(tree3::impurity({3, 1, 0}, cart_criterion::gini), 0.375L, 1e-6L));
  CHECK(close(tree3::impurity({3, 1, 0}, cart_criterion::entropy),
              -(0.75L * std::log2(0.75L) + 0.25L * std::log2(0.25L)), 1e-6L));
  // Uniform over 3: Gini 2/3, entropy log2 3; pure: 0; empty: 0.
  CHECK(close(tree3::impurity({5, 5, 5}, cart_criterion::gini), 2.0L / 3.0L, 1e-6L));
  CHECK(close(tree3::impurity({5, 5, 5}, cart_criterion::entropy), std::log2(3.0L), 1e-6L));
  CHECK(tree3::impurity({0, 7, 0}, cart_criterion::gini) == 0.0f);
  CHECK(tree3::impurity({0, 7, 0}, cart_criterion::entropy) == 0.0f);
  CHECK(tree3::impurity({0, 0, 0}, cart_criterion::gini) == 0.0f);
}

TEST_CASE("cart root split equals the brute-force best split (gini, entropy, min leaf)", "[tree][cart]") {
  main_case& w = fresh<main_case>();
  for (std::uint64_t seed = 1; seed <= 3; ++seed) {
    make_data(w.x, w.y, n_max, seed);
    for (const cart_criterion c : {cart_criterion::gini, cart_criterion::entropy}) {
      for (const std::uint32_t leaf : {1u, 5u}) {
        tree3::params p;
        p.criterion = c;
        p.max_depth = 1;
        p.min_samples_leaf = leaf;
        REQUIRE(w.tree.set_parameters(p) == status::ok);
        REQUIRE(w.tree.fit(first(w.x, n_max), first(w.y, n_max)) == status::ok);
        CHECK(w.tree.node_count() == 3);
        CHECK(test::cart_violations<false>(w.tree, w.x.data(), w.y.data(), n_max, 3, 3) == 0);
      }
    }
  }
}

TEST_CASE("cart whole tree is CART by brute force at every node; limits respected", "[tree][cart]") {
  main_case& w = fresh<main_case>();
  make_data(w.x, w.y, n_max, 7);
  for (const cart_criterion c : {cart_criterion::gini, cart_criterion::entropy}) {
    for (const std::uint16_t depth : {std::uint16_t{2}, std::uint16_t{3}, std::uint16_t{0xFFFF}}) {
      tree3::params p;
      p.criterion = c;
      p.max_depth = depth;
      p.min_samples_leaf = 2;
      p.min_samples_split = 6;
      REQUIRE(w.tree.set_parameters(p) == status::ok);
      REQUIRE(w.tree.fit(first(w.x, n_max), first(w.y, n_max)) == status::ok);
      CHECK(w.tree.depth() <= depth);
      CHECK(test::cart_violations<false>(w.tree, w.x.data(), w.y.data(), n_max, 3, 3, w.tree.full()) == 0);
      std::size_t leaves = 0;
      for (std::size_t i = 0; i < w.tree.node_count(); ++i) {
        const auto& nd = w.tree.node_at(i);
        if (!nd.is_leaf()) continue;
        ++leaves;
        CHECK(nd.samples >= 2);
      }
      CHECK(leaves == w.tree.leaf_count());
      CHECK(w.tree.node_count() == 2 * leaves - 1);
    }
  }
}

TEST_CASE("cart learns axis-aligned concepts exactly; predict and predict_proba", "[tree][cart]") {
  main_case& w = fresh<main_case>();
  rng r(3);
  // Nested thresholds (depth 2): x0 <= 0.5 -> class 2, else x1 <= 0.3 -> 0, else 1.
  for (std::size_t i = 0; i < n_max; ++i) {
    for (auto& v : w.x[i]) v = r.uniform<float>();
    w.y[i] = w.x[i][0] <= 0.5f ? 2 : (w.x[i][1] <= 0.3f ? 0 : 1);
  }
  tree3::params p;
  p.max_depth = 2;
  REQUIRE(w.tree.set_parameters(p) == status::ok);
  REQUIRE(w.tree.fit(first(w.x, n_max), first(w.y, n_max)) == status::ok);
  std::size_t correct = 0;
  for (std::size_t i = 0; i < n_max; ++i) correct += w.tree.predict(w.x[i]) == w.y[i] ? 1 : 0;
  CHECK(correct == n_max);
  // Pure leaves: probability 1 for the class.
  const auto proba = w.tree.predict_proba(w.x[0]);
  CHECK(proba[w.y[0]] == 1.0f);
  CHECK(proba[(w.y[0] + 1) % 3] == 0.0f);
  CHECK(w.tree.node_at(0).feature == 0);
  CHECK(w.tree.leaf_count() == 3);

  // An untrained tree predicts class 0 with uniform probabilities.
  w.tree.reset();
  CHECK(w.tree.node_count() == 1);
  CHECK(w.tree.predict(w.x[0]) == 0);
  CHECK(close(w.tree.predict_proba(w.x[0])[1], 1.0L / 3.0L, 1e-6L));
}

TEST_CASE("cart predict_proba is the leaf's class frequencies", "[tree][cart]") {
  main_case& w = fresh<main_case>();
  make_data(w.x, w.y, n_max, 11);
  tree3::params p;
  p.max_depth = 2;
  p.min_samples_leaf = 4;
  REQUIRE(w.tree.set_parameters(p) == status::ok);
  REQUIRE(w.tree.fit(first(w.x, n_max), first(w.y, n_max)) == status::ok);
  for (std::size_t i = 0; i < n_max; ++i) {
    const std::size_t leaf = w.tree.leaf_index(w.x[i]);
    std::array<long double, 3> counts{};
    long double total = 0;
    for (std::size_t j = 0; j < n_max; ++j) {
      if (w.tree.leaf_index(w.x[j]) != leaf) continue;
      counts[w.y[j]] += 1;
      total += 1;
    }
    const auto proba = w.tree.predict_proba(w.x[i]);
    for (std::size_t c = 0; c < 3; ++c) CHECK(close(proba[c], counts[c] / total, 1e-6L));
    std::size_t best = 0;
    for (std::size_t c = 1; c < 3; ++c)
      if (counts[c] > counts[best]) best = c;
    CHECK(w.tree.predict(w.x[i]) == best);
  }
}

TEST_CASE("cart with a full node array keeps the nodes it has; more samples than MaxSamples are refused",
          "[tree][cart]") {
  auto& [x, y, small, tiny] = fresh<full_case>();
  make_data(x, y, n_max, 5);
  REQUIRE(small.fit(first(x, n_max), first(y, n_max)) == status::ok);
  CHECK(small.node_count() == 5);
  CHECK(small.full());
  CHECK(test::cart_violations<false>(small, x.data(), y.data(), n_max, 3, 3, true) == 0);
  // 17 samples for a tree of 16: capacity_exceeded, still the untrained tree.
  CHECK(tiny.fit(first(x, 17), first(y, 17)) == status::capacity_exceeded);
  CHECK(tiny.node_count() == 1);
  CHECK(tiny.fit(first(x, 16), first(y, 16)) == status::ok);
}

TEST_CASE("cart bad input returns a status and changes nothing", "[tree][cart]") {
  main_case& w = fresh<main_case>();
  make_data(w.x, w.y, n_max, 2);
  tree3::params p;
  p.max_depth = 2;
  REQUIRE(w.tree.set_parameters(p) == status::ok);
  REQUIRE(w.tree.fit(first(w.x, 20), first(w.y, 20)) == status::ok);
  w.saved = w.tree.state();

  w.x[3][1] = std::numeric_limits<float>::quiet_NaN();
  CHECK(w.tree.fit(first(w.x, n_max), first(w.y, n_max)) == status::non_finite_input);
  w.x[3][1] = std::numeric_limits<float>::infinity();
  CHECK(w.tree.fit(first(w.x, n_max), first(w.y, n_max)) == status::non_finite_input);
  w.x[3][1] = 0;
  w.y[30] = 3;
  CHECK(w.tree.fit(first(w.x, n_max), first(w.y, n_max)) == status::label_out_of_range);
  w.y[30] = 0;
  CHECK(w.tree.fit(first(w.x, 0), first(w.y, 0)) == status::invalid_argument);
  CHECK(w.tree.fit(first(w.x, 10), first(w.y, 9)) == status::invalid_argument);
  p.min_samples_leaf = 0;
  CHECK(w.tree.set_parameters(p) == status::invalid_argument);
  p.min_samples_leaf = 1;
  p.criterion = cart_criterion::mse;
  CHECK(w.tree.set_parameters(p) == status::invalid_argument);

  const tree3::state_type& now = w.saved;  // compare in place, no second copy on the stack
  CHECK(same_bytes(w.tree.state(), now));
}

TEST_CASE("cart state round trip; restore rejects inconsistent states", "[tree][cart]") {
  main_case& w = fresh<main_case>();
  make_data(w.x, w.y, n_max, 9);
  REQUIRE(w.tree.fit(first(w.x, n_max), first(w.y, n_max)) == status::ok);
  w.saved = w.tree.state();
  const std::size_t nodes = w.tree.node_count();
  w.tree.reset();
  CHECK(w.tree.node_count() == 1);
  REQUIRE(w.tree.restore(w.saved) == status::ok);
  CHECK(w.tree.node_count() == nodes);
  CHECK(same_bytes(w.tree.state(), w.saved));

  w.saved.magic ^= 1u;
  CHECK(w.tree.restore(w.saved) == status::invalid_state);
  w.saved.magic ^= 1u;
  w.saved.nodes[0].first_child = 0;  // root a leaf, but children remain
  CHECK(w.tree.restore(w.saved) == status::invalid_state);
  w.saved.nodes[0].first_child = 1;
  w.saved.nodes[0].feature = 3;  // no such feature
  CHECK(w.tree.restore(w.saved) == status::invalid_state);
  w.saved.nodes[0].feature = 0;
  w.saved.nodes[1].value[0] = std::numeric_limits<float>::quiet_NaN();
  CHECK(w.tree.restore(w.saved) == status::invalid_state);
  CHECK(w.tree.node_count() == nodes);
}

TEST_CASE("cart trains from the last N samples of a ring_buffer like from spans", "[tree][cart]") {
  auto& [w, last] = fresh<ring_case>();
  make_data(w.x, w.y, n_max, 13);
  for (std::size_t i = 0; i < n_max; ++i) last.push({w.x[i], w.y[i]});  // keeps the last 24
  REQUIRE(w.tree.fit(last) == status::ok);
  w.saved = w.tree.state();
  REQUIRE(w.tree.fit(std::span<const tree3::input_type>(w.x.data() + 16, 24),
                     std::span<const class_label>(w.y.data() + 16, 24)) == status::ok);
  CHECK(same_bytes(w.tree.state(), w.saved));
}

TEST_CASE("cart_regressor: MSE splits by brute force, leaf means", "[tree][cart]") {
  auto& [x, y, tree] = fresh<regressor_case>();
  rng r(17);
  for (std::size_t i = 0; i < n_max; ++i) {
    for (auto& v : x[i]) v = static_cast<float>(r.uniform_int(9)) * 0.25f;
    y[i] = (x[i][0] > 1.0f ? 3.0f : -1.0f) + x[i][1] * 0.5f + r.uniform(-0.3f, 0.3f);
  }
  for (const std::uint32_t leaf : {1u, 3u}) {
    reg2::params p;
    p.max_depth = 3;
    p.min_samples_leaf = leaf;
    REQUIRE(tree.set_parameters(p) == status::ok);
    REQUIRE(tree.fit(std::span<const reg2::input_type>(x.data(), n_max), std::span<const float>(y.data(), n_max)) ==
            status::ok);
    CHECK(tree.depth() <= 3);
    CHECK(test::cart_violations<true>(tree, x.data(), y.data(), n_max, 2, 1, tree.full()) == 0);
  }
  // The root split is on x0 (the step) and predictions are leaf means.
  CHECK(tree.node_at(0).feature == 0);
  const std::size_t leaf = tree.leaf_index(x[0]);
  CHECK(tree.predict(x[0]) == tree.node_at(leaf).value[0]);
  y[5] = std::numeric_limits<float>::infinity();
  const auto before = tree.node_at(0);
  CHECK(tree.fit(std::span<const reg2::input_type>(x.data(), n_max), std::span<const float>(y.data(), n_max)) ==
        status::non_finite_input);
  CHECK(same_bytes(tree.node_at(0), before));
}
