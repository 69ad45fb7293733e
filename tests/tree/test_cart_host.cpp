// Host-only cart tests: bigger data sets checked against the brute-force definition of
// CART (tree/cart_reference.hpp) for many parameter combinations.
#include <array>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <span>
#include <vector>

#include "edgeloop/core/rng.hpp"
#include "edgeloop/tree/cart.hpp"
#include "support/test.hpp"
#include "tree/cart_reference.hpp"

using namespace edgeloop;

namespace {
constexpr std::size_t n = 150;
}

TEST_CASE("cart host: every node of many trees is CART by brute force", "[tree][cart]") {
  using tree = cart<double, 4, 3, 255, n>;
  auto t = std::make_unique<tree>();
  std::vector<tree::input_type> x(n);
  std::vector<class_label> y(n);
  std::size_t trees = 0, splits = 0;
  for (std::uint64_t seed = 1; seed <= 3; ++seed) {
    rng r(seed);
    for (std::size_t i = 0; i < n; ++i) {
      x[i] = {r.uniform<double>(), static_cast<double>(r.uniform_int(5)), r.uniform<double>() * 10.0 - 5.0,
              static_cast<double>(r.uniform_int(3)) * 0.1};
      class_label label = x[i][0] + 0.2 * x[i][1] > 0.9 ? 1 : (x[i][2] > 1.0 ? 2 : 0);
      if (r.bernoulli(0.2)) label = static_cast<class_label>(r.uniform_int(3));
      y[i] = label;
    }
    for (const cart_criterion c : {cart_criterion::gini, cart_criterion::entropy})
      for (const std::uint16_t depth : {std::uint16_t{4}, std::uint16_t{0xFFFF}})
        for (const std::uint32_t leaf : {1u, 3u, 7u})
          for (const std::uint32_t split : {2u, 20u}) {
            tree::params p;
            p.criterion = c;
            p.max_depth = depth;
            p.min_samples_leaf = leaf;
            p.min_samples_split = split;
            REQUIRE(t->set_parameters(p) == status::ok);
            REQUIRE(t->fit(std::span<const tree::input_type>(x), std::span<const class_label>(y)) == status::ok);
            REQUIRE_FALSE(t->full());
            CHECK(t->depth() <= depth);
            CHECK(test::cart_violations<false>(*t, x.data(), y.data(), n, 4, 3) == 0);
            ++trees;
            splits += (t->node_count() - 1) / 2;
          }
  }
  CHECK(trees == 72);
  CHECK(splits > 72 * 5);  // real trees, not stumps
}

TEST_CASE("cart host: regressor trees are CART (MSE) by brute force", "[tree][cart]") {
  using tree = cart_regressor<double, 3, 511, n>;
  auto t = std::make_unique<tree>();
  std::vector<tree::input_type> x(n);
  std::vector<double> y(n);
  rng r(5);
  for (std::size_t i = 0; i < n; ++i) {
    x[i] = {r.uniform<double>(), static_cast<double>(r.uniform_int(4)), r.uniform<double>()};
    y[i] = (x[i][0] > 0.4 ? 2.0 : 0.0) + x[i][1] * x[i][2] + r.uniform(-0.2, 0.2);
  }
  for (const std::uint16_t depth : {std::uint16_t{3}, std::uint16_t{0xFFFF}})
    for (const std::uint32_t leaf : {1u, 5u}) {
      tree::params p;
      p.max_depth = depth;
      p.min_samples_leaf = leaf;
      REQUIRE(t->set_parameters(p) == status::ok);
      REQUIRE(t->fit(std::span<const tree::input_type>(x), std::span<const double>(y)) == status::ok);
      CHECK(t->depth() <= depth);
      REQUIRE_FALSE(t->full());
      CHECK(test::cart_violations<true>(*t, x.data(), y.data(), n, 3, 1) == 0);
    }
}
