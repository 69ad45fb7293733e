// Host-only flat_tree tests: large trees compiled from long streams.
#include <array>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <span>
#include <vector>

#include <cstdlib>
#include <string>

#include "edgeloop/core/rng.hpp"
#include "edgeloop/host/flat_tree_source.hpp"
#include "edgeloop/tree/cart.hpp"
#include "edgeloop/tree/flat_tree.hpp"
#include "edgeloop/tree/hoeffding_tree.hpp"
#include "support/test.hpp"

using namespace edgeloop;

namespace {

// What to_source prints for the tree of the test case "to_source ..." below, pasted here:
// it compiles and is a constexpr tree.
// edgeloop flat_tree: 2 nodes, 3 leaves
static constexpr edgeloop::flat_tree<float, 2, 2>::node pasted_nodes[] = {
    {0.100000001f, 0, 1, -1},
    {-2.50000003e-08f, 1, -2, -3},
};
static constexpr edgeloop::class_label pasted_leaves[] = {2, 0, 1};
static constexpr edgeloop::flat_tree<float, 2, 2> pasted(pasted_nodes, pasted_leaves);

template <class S, std::size_t N>
std::array<S, N> point(rng& r) {
  std::array<S, N> x{};
  for (auto& v : x) v = r.uniform<S>();
  return x;
}
template <class S, std::size_t N>
class_label sea_like(const std::array<S, N>& x) {
  return (x[0] + x[1] > S(1)) != (x[2] > S(0.7)) ? 1 : 0;
}

// Runs `rounds` of (compile, compare on `compare` samples, learn `learn` samples).
template <class Tree, class Flat, class S, std::size_t N>
std::size_t stream_disagreements(Tree& tree, Flat& flat, std::uint64_t seed, int rounds, int learn, int compare,
                                 std::size_t& compared) {
  rng r(seed);
  std::size_t differ = 0;
  for (int round = 0; round < rounds; ++round) {
    REQUIRE(flat.assign(tree) == status::ok);
    for (int i = 0; i < compare; ++i) {
      const auto x = point<S, N>(r);
      differ += flat.predict(x) == tree.predict(x) ? 0 : 1;
      ++compared;
    }
    for (int i = 0; i < learn; ++i) {
      const auto x = point<S, N>(r);
      class_label y = sea_like(x);
      if (r.bernoulli(S(0.1))) y = static_cast<class_label>(1 - y);
      REQUIRE(tree.partial_fit(x, y) == status::ok);
    }
  }
  return differ;
}

}  // namespace

TEST_CASE("flat_tree host: a 255-node Hoeffding tree, float and double, every sample identical",
          "[tree][flat_tree]") {
  {
    using tree = hoeffding_tree<float, 8, 2, 255, 64>;
    tree::params p;
    p.leaf = leaf_prediction::majority_class;
    p.grace_period = 50;
    auto t = std::make_unique<tree>(p);
    auto f = std::make_unique<flat_tree<float, 8, 127>>();
    std::size_t compared = 0;
    CHECK(stream_disagreements<tree, flat_tree<float, 8, 127>, float, 8>(*t, *f, 1, 20, 3000, 2000, compared) == 0);
    CHECK(compared == 40000);
    REQUIRE(f->assign(*t) == status::ok);
    CHECK(t->node_count() >= 51);
    CHECK(f->node_count() == (t->node_count() - 1) / 2);
  }
  {
    using tree = hoeffding_tree<double, 8, 2, 127, 32, gini_criterion>;
    tree::params p;
    p.leaf = leaf_prediction::majority_class;
    p.grace_period = 100;
    auto t = std::make_unique<tree>(p);
    auto f = std::make_unique<flat_tree<double, 8, 63>>();
    std::size_t compared = 0;
    CHECK(stream_disagreements<tree, flat_tree<double, 8, 63>, double, 8>(*t, *f, 2, 10, 3000, 2000, compared) == 0);
    CHECK(t->node_count() >= 31);
  }
}

TEST_CASE("flat_tree host: with naive-Bayes leaves the flat tree predicts each leaf's majority class",
          "[tree][flat_tree]") {
  using tree = hoeffding_tree<float, 8, 2, 127, 64>;  // default: naive-Bayes-adaptive leaves
  auto t = std::make_unique<tree>();
  flat_tree<float, 8, 63> f;
  rng r(3);
  for (int i = 0; i < 30000; ++i) {
    const auto x = point<float, 8>(r);
    REQUIRE(t->partial_fit(x, sea_like(x)) == status::ok);
  }
  REQUIRE(f.assign(*t) == status::ok);
  std::size_t differ_majority = 0, differ_tree = 0;
  for (int i = 0; i < 20000; ++i) {
    const auto x = point<float, 8>(r);
    const auto& counts = t->node_at(t->leaf_index(x)).counts;
    const class_label majority = counts[1] > counts[0] ? 1 : 0;
    differ_majority += f.predict(x) == majority ? 0 : 1;
    differ_tree += f.predict(x) == t->predict(x) ? 0 : 1;
  }
  CHECK(differ_majority == 0);
  // Not asserted: how often naive Bayes at the leaves disagrees with the majority class.
  INFO("naive-Bayes leaves disagree with the flat tree on " << differ_tree << " of 20000");
  CHECK(differ_tree < 20000);
}

TEST_CASE("flat_tree host: nominal splits on several attributes (multiway and binary)", "[tree][flat_tree]") {
  using tree = hoeffding_tree<float, 4, 3, 255, 32, info_gain_criterion, gaussian_splitter<>, 6>;
  for (const nominal_split kind : {nominal_split::multiway, nominal_split::binary}) {
    tree::params p;
    p.leaf = leaf_prediction::majority_class;
    p.grace_period = 50;
    p.split_confidence = 1e-3f;
    p.nominal = kind;
    p.nominal_cardinality = {6, 5, 2, 0};
    auto t = std::make_unique<tree>(p);
    auto f = std::make_unique<flat_tree<float, 4, 255>>();
    rng r(7);
    for (int i = 0; i < 30000; ++i) {
      const std::array<float, 4> x{static_cast<float>(r.uniform_int(6)), static_cast<float>(r.uniform_int(5)),
                                   static_cast<float>(r.uniform_int(2)), r.uniform<float>()};
      class_label y = x[0] == 3.0f ? 2 : (x[1] == 1.0f || x[1] == 4.0f ? 1 : (x[2] == 1.0f && x[3] > 0.5f ? 1 : 0));
      if (r.bernoulli(0.05f)) y = static_cast<class_label>(r.uniform_int(3));
      REQUIRE(t->partial_fit(x, y) == status::ok);
    }
    std::size_t nominal_nodes = 0;
    for (std::size_t i = 0; i < t->node_count(); ++i)
      nominal_nodes += t->node_at(i).kind == split_kind::nominal_multiway || t->node_at(i).kind == split_kind::nominal_binary;
    CHECK(nominal_nodes >= 3);
    REQUIRE(f->assign(*t) == status::ok);
    std::size_t differ = 0;
    for (int i = 0; i < 20000; ++i) {
      // Values in and out of range, integers and not.
      const std::array<float, 4> x{r.uniform(-1.5f, 7.5f), r.uniform(-1.0f, 6.0f), static_cast<float>(r.uniform_int(4)) - 1.0f,
                                   r.uniform<float>()};
      differ += f->predict(x) == t->predict(x) ? 0 : 1;
    }
    CHECK(differ == 0);
  }
}

TEST_CASE("flat_tree host: a deep cart compiles exactly; int16 identical on the grid", "[tree][flat_tree]") {
  using tree = cart<float, 8, 2, 2047, 2000>;
  auto t = std::make_unique<tree>();
  std::vector<tree::input_type> x(2000);
  std::vector<class_label> y(2000);
  rng r(12);
  for (std::size_t i = 0; i < x.size(); ++i) {
    x[i] = point<float, 8>(r);
    y[i] = sea_like(x[i]);
    if (r.bernoulli(0.15f)) y[i] = static_cast<class_label>(1 - y[i]);
  }
  REQUIRE(t->fit(std::span<const tree::input_type>(x), std::span<const class_label>(y)) == status::ok);
  CHECK(t->depth() >= 10);
  using flat16 = flat_tree<float, 8, 1023, class_label, std::int16_t>;
  auto f = std::make_unique<flat_tree<float, 8, 1023>>();
  auto q = std::make_unique<flat16>();
  REQUIRE(f->assign(*t) == status::ok);
  std::array<float, 8> lo{}, hi{};
  lo.fill(-0.1f);
  hi.fill(1.1f);
  REQUIRE(q->set_quantization(flat16::grid_from_range(lo, hi)) == status::ok);
  REQUIRE(q->assign(*t) == status::ok);
  std::size_t differ = 0, differ16 = 0, off_grid16 = 0;
  for (const auto& v : x) differ += f->predict(v) == t->predict(v) ? 0 : 1;
  for (int i = 0; i < 50000; ++i) {
    auto v = point<float, 8>(r);
    differ += f->predict(v) == t->predict(v) ? 0 : 1;
    off_grid16 += q->predict(v) == t->predict(v) ? 0 : 1;
    flat16::quantized_input_type g{};
    for (std::size_t k = 0; k < 8; ++k) {
      g[k] = q->quantize(v[k], k);
      v[k] = q->dequantize(g[k], k);
    }
    differ16 += q->predict(v) == t->predict(v) ? 0 : 1;
    differ16 += q->predict_quantized(g) == t->predict(v) ? 0 : 1;
  }
  CHECK(differ == 0);
  CHECK(differ16 == 0);
  // Off the grid (steps of 1.2/65534): only inputs within half a step of a threshold can differ.
  INFO("int16 off-grid disagreements: " << off_grid16 << " of 50000");
  CHECK(off_grid16 <= 5);
}

TEST_CASE("flat_tree host: to_source prints constexpr arrays that read back exactly", "[tree][flat_tree]") {
  using tiny = flat_tree<float, 2, 7>;
  const tiny::node nodes[] = {{0.1f, 0, 1, ~0}, {-2.5e-8f, 1, ~1, ~2}};
  const class_label leaves[] = {2, 0, 1};
  const tiny t(nodes, leaves);
  const std::string expected =
      "// edgeloop flat_tree: 2 nodes, 3 leaves\n"
      "static constexpr edgeloop::flat_tree<float, 2, 2>::node pasted_nodes[] = {\n"
      "    {0.100000001f, 0, 1, -1},\n"
      "    {-2.50000003e-08f, 1, -2, -3},\n"
      "};\n"
      "static constexpr edgeloop::class_label pasted_leaves[] = {2, 0, 1};\n"
      "static constexpr edgeloop::flat_tree<float, 2, 2> pasted(pasted_nodes, pasted_leaves);\n";
  CHECK(host::to_source(t, "pasted") == expected);
  STATIC_REQUIRE(pasted.node_at(0).threshold == 0.1f);
  STATIC_REQUIRE(pasted.node_at(1).threshold == -2.5e-8f);
  STATIC_REQUIRE(pasted.predict({0.1f, -2.5e-8f}) == 0);
  STATIC_REQUIRE(pasted.predict({0.1f, 0.0f}) == 1);
  for (const float a : {-1.0f, 0.1f, 0.2f})
    for (const float b : {-1.0f, -2.5e-8f, 0.0f}) CHECK(pasted.predict({a, b}) == t.predict({a, b}));

  // A trained int16 tree: every printed threshold and grid value reads back exactly.
  using tree = cart<float, 3, 2, 63, 200>;
  using flat16 = flat_tree<float, 3, 31, class_label, std::int16_t>;
  auto c = std::make_unique<tree>();
  std::vector<tree::input_type> x(200);
  std::vector<class_label> y(200);
  rng r(4);
  for (std::size_t i = 0; i < x.size(); ++i) {
    x[i] = point<float, 3>(r);
    y[i] = x[i][0] * 3.3f + x[i][1] > 1.7f ? 1 : 0;
  }
  tree::params p;
  p.max_depth = 4;
  REQUIRE(c->set_parameters(p) == status::ok);
  REQUIRE(c->fit(std::span<const tree::input_type>(x), std::span<const class_label>(y)) == status::ok);
  flat16 q;
  REQUIRE(q.set_quantization(flat16::grid_from_range({0, 0, 0}, {1, 1, 1})) == status::ok);
  REQUIRE(q.assign(*c) == status::ok);
  const std::string source = host::to_source(q, "model");
  CHECK(source.find("edgeloop::flat_tree<float, 3, " + std::to_string(q.node_count()) +
                    ", edgeloop::class_label, std::int16_t>") != std::string::npos);
  CHECK(source.find("model(model_nodes, model_leaves, model_grid);") != std::string::npos);
  const std::size_t grid_at = source.find("model_grid{{");
  REQUIRE(grid_at != std::string::npos);
  const char* cursor = source.c_str() + grid_at + 12;
  for (std::size_t f = 0; f < 3; ++f) {
    char* end = nullptr;
    CHECK(std::strtof(cursor, &end) == q.grid().scale[f]);
    cursor = end + 3;  // "f, "
  }
}
