#include <algorithm>
#include <array>
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <limits>
#include <new>
#include <type_traits>

#include "edgeloop/core/rng.hpp"
#include "edgeloop/tree/hoeffding_tree.hpp"
#include "support/test.hpp"

using namespace edgeloop;
using edgeloop::test::close;
using edgeloop::test::same_bytes;

namespace {

// Textbook entropy (bits) and Gini of a distribution, in long double.
long double entropy_ld(std::initializer_list<long double> d) {
  long double sum = 0, h = 0;
  for (long double v : d) sum += v;
  for (long double v : d)
    if (v > 0) h -= (v / sum) * std::log2(v / sum);
  return h;
}
long double gini_ld(std::initializer_list<long double> d) {
  long double sum = 0, g = 1;
  for (long double v : d) sum += v;
  for (long double v : d) g -= (v / sum) * (v / sum);
  return g;
}

// Draws x uniform in [0, 1)^N.
template <std::size_t N>
std::array<float, N> uniform_point(rng& r) {
  std::array<float, N> x{};
  for (auto& v : x) v = r.uniform<float>();
  return x;
}

// The trees of the test cases below.
using nb_tree = hoeffding_tree<double, 2, 2, 3>;
using threshold_tree = hoeffding_tree<float, 3, 2, 31>;
using gini_tree = hoeffding_tree<float, 3, 2, 31, 16, gini_criterion>;
using hist_tree = hoeffding_tree<float, 3, 2, 15, 8, info_gain_criterion, histogram_splitter<8, 10>>;
using nominal_tree = hoeffding_tree<float, 2, 2, 9, 5, info_gain_criterion, gaussian_splitter<>, 4>;
using tiny_tree = hoeffding_tree<float, 2, 2, 3>;
using pool_tree = hoeffding_tree<float, 2, 2, 7, 1>;
using bad_input_tree = hoeffding_tree<float, 3, 2, 7>;
using round_trip_tree = hoeffding_tree<float, 2, 2, 15>;
using two_class_tree = hoeffding_tree<float, 3, 2, 15, 8>;
using spare_class_tree = hoeffding_tree<float, 3, 4, 15, 8>;  // room for 4 classes, 2 used

template <class... T>
constexpr std::size_t footprint() {
  constexpr std::size_t a = alignof(std::max_align_t);
  return (((sizeof(T) + a - 1) / a * a) + ...);
}

// Trees and states are built in one static buffer that the test cases share (they run one
// after another), not as function statics of their own: board RAM then holds only the
// largest case's objects (16 KB on the Cortex-M0), and no model-sized object lands on the
// small board stacks. The size is the largest case's footprint, listed here per case.
constexpr std::size_t arena_bytes = std::max({
    footprint<nb_tree, nb_tree>(),
    footprint<threshold_tree>(),
    footprint<gini_tree>(),
    footprint<hist_tree>(),  // the Gini and histogram trees learn one after the other
    footprint<nominal_tree, nominal_tree, nominal_tree::state_type, nominal_tree::state_type>(),
    footprint<tiny_tree>(),
    footprint<pool_tree, pool_tree>(),
    footprint<bad_input_tree, bad_input_tree::state_type, bad_input_tree::state_type>(),
    footprint<round_trip_tree, round_trip_tree, round_trip_tree::state_type, round_trip_tree::state_type>(),
    footprint<two_class_tree, spare_class_tree>(),
});

class arena {
 public:
  /// Starts a test case: every object built before is dead.
  static void clear() noexcept { used_ = 0; }

  /// A T built in place from args (trees and states are trivially destructible).
  template <class T, class... Args>
  static T& make(Args&&... args) noexcept {
    return *::new (take<T>()) T(static_cast<Args&&>(args)...);
  }

  /// The model's state, written straight into the buffer (no stack temporary: state()
  /// returns a prvalue, which initialises the placement-new target directly).
  template <class Model>
  static typename Model::state_type& state_of(const Model& m) noexcept {
    return *::new (take<typename Model::state_type>()) typename Model::state_type(m.state());
  }

  /// Overwrites `into` with the model's current state, in place.
  template <class Model>
  static void refresh(typename Model::state_type& into, const Model& m) noexcept {
    ::new (static_cast<void*>(&into)) typename Model::state_type(m.state());
  }

 private:
  template <class T>
  static void* take() noexcept {
    static_assert(std::is_trivially_destructible_v<T>);
    static_assert(alignof(T) <= alignof(std::max_align_t));
    constexpr std::size_t a = alignof(std::max_align_t);
    const std::size_t size = (sizeof(T) + a - 1) / a * a;
    if (used_ + size > arena_bytes) std::abort();  // a case allocates more than listed above
    void* p = bytes_ + used_;
    used_ += size;
    return p;
  }
  alignas(std::max_align_t) static inline unsigned char bytes_[arena_bytes];
  static inline std::size_t used_ = 0;
};

}  // namespace

TEST_CASE("Hoeffding bound equals its closed form", "[tree][hoeffding]") {
  // R = 1 (two classes, information gain), delta = 1e-7, n = 200.
  const long double expected = std::sqrt(std::log(1e7L) / 400.0L);
  CHECK(close(hoeffding_bound(1.0, 1e-7, 200.0), expected, 1e-12L));
  CHECK(close(hoeffding_bound(1.0f, 1e-7f, 200.0f), 0.2007372L, 1e-5L));
  // R = log2(3) for three classes, delta = 0.01, n = 1000.
  const long double r3 = std::log2(3.0L);
  CHECK(close(hoeffding_bound(static_cast<double>(r3), 0.01, 1000.0),
              std::sqrt(r3 * r3 * std::log(100.0L) / 2000.0L), 1e-12L));
  CHECK(close(info_gain_criterion::range<double>(2), 1.0L, 1e-15L));
  CHECK(close(info_gain_criterion::range<double>(3), r3, 1e-15L));
  CHECK(close(info_gain_criterion::range<double>(8), 3.0L, 1e-15L));
  CHECK(gini_criterion::range<double>(5) == 1.0);
}

TEST_CASE("information gain and Gini of a hand-made split match the textbook formulas", "[tree][hoeffding]") {
  const std::array<double, 2> pre{6, 4};
  const std::array<double, 4> post{5, 1, 1, 3};  // left {5, 1}, right {1, 3}
  const long double ig = entropy_ld({6, 4}) - 0.6L * entropy_ld({5, 1}) - 0.4L * entropy_ld({1, 3});
  CHECK(close(info_gain_criterion::merit<double>(pre, post, 0.01), ig, 1e-12L));
  const long double gini = 1.0L - (0.6L * gini_ld({5, 1}) + 0.4L * gini_ld({1, 3}));
  CHECK(close(gini_criterion::merit<double>(pre, post, 0.01), gini, 1e-12L));

  // Three classes, three branches.
  const std::array<double, 3> pre3{10, 7, 3};
  const std::array<double, 9> post3{8, 1, 0, 2, 5, 1, 0, 1, 2};
  const long double ig3 = entropy_ld({10, 7, 3}) - (9.0L / 20) * entropy_ld({8, 1, 0}) -
                          (8.0L / 20) * entropy_ld({2, 5, 1}) - (3.0L / 20) * entropy_ld({0, 1, 2});
  CHECK(close(info_gain_criterion::merit<double>(pre3, post3, 0.01), ig3, 1e-12L));
  const long double g3 = 1.0L - ((9.0L / 20) * gini_ld({8, 1, 0}) + (8.0L / 20) * gini_ld({2, 5, 1}) +
                                 (3.0L / 20) * gini_ld({0, 1, 2}));
  CHECK(close(gini_criterion::merit<double>(pre3, post3, 0.01), g3, 1e-12L));

  // A split that leaves less than 1% of the weight in one branch is never chosen.
  const std::array<double, 4> lopsided{600, 400, 0.5, 0.5};
  CHECK(info_gain_criterion::merit<double>(pre, lopsided, 0.01) == -std::numeric_limits<double>::infinity());
  CHECK(gini_criterion::merit<double>(pre, lopsided, 0.01) == -std::numeric_limits<double>::infinity());
  // A perfect split of a balanced distribution gains one bit.
  const std::array<double, 2> even{5, 5};
  const std::array<double, 4> perfect{5, 0, 0, 5};
  CHECK(close(info_gain_criterion::merit<double>(even, perfect, 0.01), 1.0L, 1e-12L));
}

TEST_CASE("naive Bayes leaf posterior matches a hand computation", "[tree][hoeffding]") {
  using tree = nb_tree;
  arena::clear();
  tree::params p;
  p.leaf = leaf_prediction::naive_bayes;
  tree& t = arena::make<tree>(p);
  const double xs[6][2] = {{1.0, 5.0}, {2.0, 4.0}, {1.5, 6.5}, {4.0, 1.0}, {5.0, 2.5}, {6.5, 0.5}};
  const class_label ys[6] = {0, 0, 0, 1, 1, 1};
  // a third class-1 sample makes the priors unequal
  for (int i = 0; i < 6; ++i) REQUIRE(t.partial_fit({xs[i][0], xs[i][1]}, ys[i]) == status::ok);
  REQUIRE(t.partial_fit({5.5, 1.5}, 1) == status::ok);
  REQUIRE(t.node_count() == 1);

  // Hand computation: priors 3/7 and 4/7, per class mean and sample variance (n - 1).
  const long double c0[2][3] = {{1.0L, 2.0L, 1.5L}, {5.0L, 4.0L, 6.5L}};
  const long double c1[2][4] = {{4.0L, 5.0L, 6.5L, 5.5L}, {1.0L, 2.5L, 0.5L, 1.5L}};
  const long double pi = 3.14159265358979323846264338327950288L;
  auto density = [&](const long double* v, int n, long double x) {
    long double m = 0, s = 0;
    for (int i = 0; i < n; ++i) m += v[i];
    m /= n;
    for (int i = 0; i < n; ++i) s += (v[i] - m) * (v[i] - m);
    const long double var = s / (n - 1);
    return std::exp(-(x - m) * (x - m) / (2 * var)) / std::sqrt(2 * pi * var);
  };
  const std::array<double, 2> q{3.0, 3.5};
  const long double l0 = 3.0L / 7 * density(c0[0], 3, 3.0L) * density(c0[1], 3, 3.5L);
  const long double l1 = 4.0L / 7 * density(c1[0], 4, 3.0L) * density(c1[1], 4, 3.5L);
  const auto proba = t.predict_proba(q);
  CHECK(close(proba[0], l0 / (l0 + l1), 1e-9L));
  CHECK(close(proba[1], l1 / (l0 + l1), 1e-9L));
  CHECK(t.predict(q) == (l0 > l1 ? 0 : 1));

  // Majority class: the class frequencies.
  tree::params pm;
  pm.leaf = leaf_prediction::majority_class;
  tree& m = arena::make<tree>(pm);
  for (int i = 0; i < 6; ++i) REQUIRE(m.partial_fit({xs[i][0], xs[i][1]}, ys[i]) == status::ok);
  REQUIRE(m.partial_fit({5.5, 1.5}, 1) == status::ok);
  const auto pmc = m.predict_proba(q);
  CHECK(close(pmc[0], 3.0L / 7, 1e-12L));
  CHECK(close(pmc[1], 4.0L / 7, 1e-12L));
  CHECK(m.predict({1.0, 5.0}) == 1);  // the majority, whatever x is
}

TEST_CASE("naive Bayes: an unseen class and a point mass elsewhere have likelihood 0 (MOA)", "[tree][hoeffding]") {
  using tree = nb_tree;
  arena::clear();
  tree::params p;
  p.leaf = leaf_prediction::naive_bayes;
  tree& t = arena::make<tree>(p);
  const double xs[3][2] = {{1.0, 5.0}, {2.0, 4.0}, {1.5, 6.5}};
  for (const auto& x : xs) REQUIRE(t.partial_fit({x[0], x[1]}, 0) == status::ok);
  REQUIRE(t.partial_fit({4.0, 1.0}, 1) == status::ok);  // class 1: one value per attribute
  // Class 1 is a point mass at (4, 1): likelihood 0 anywhere else, 1 there.
  const auto away = t.predict_proba({3.0, 3.5});
  CHECK(away[0] == 1.0);
  CHECK(away[1] == 0.0);
  CHECK(t.predict({3.0, 3.5}) == 0);
  const long double pi = 3.14159265358979323846264338327950288L;
  auto density = [&](long double a, long double b, long double c, long double x) {
    const long double m = (a + b + c) / 3, var = ((a - m) * (a - m) + (b - m) * (b - m) + (c - m) * (c - m)) / 2;
    return std::exp(-(x - m) * (x - m) / (2 * var)) / std::sqrt(2 * pi * var);
  };
  const long double l0 = 3.0L / 4 * density(1.0L, 2.0L, 1.5L, 4.0L) * density(5.0L, 4.0L, 6.5L, 1.0L);
  const long double l1 = 1.0L / 4;
  const auto at = t.predict_proba({4.0, 1.0});
  CHECK(close(at[1], l1 / (l0 + l1), 1e-9L));
  CHECK(t.predict({4.0, 1.0}) == 1);

  // Every class a point mass away from the query: naive Bayes has no opinion and the leaf
  // gives its class frequencies (MOA would answer class 0).
  tree& u = arena::make<tree>(p);
  for (int i = 0; i < 2; ++i) REQUIRE(u.partial_fit({1.0, 1.0}, 0) == status::ok);
  for (int i = 0; i < 3; ++i) REQUIRE(u.partial_fit({2.0, 2.0}, 1) == status::ok);
  const auto none = u.predict_proba({5.0, 5.0});
  CHECK(close(none[0], 2.0L / 5, 1e-12L));
  CHECK(close(none[1], 3.0L / 5, 1e-12L));
  CHECK(u.predict({5.0, 5.0}) == 1);
  const auto on = u.predict_proba({1.0, 1.0});  // class 0's point: only class 0 is possible
  CHECK(on[0] == 1.0);
  CHECK(u.predict({1.0, 1.0}) == 0);
}

TEST_CASE("naive Bayes on a nominal attribute: Laplace over the values seen with each class (MOA)", "[tree][hoeffding]") {
  using tree = nominal_tree;
  arena::clear();
  tree::params p;
  p.leaf = leaf_prediction::naive_bayes;
  p.nominal_cardinality = {4, 0};
  tree& t = arena::make<tree>(p);
  const float xs[7][2] = {{0, 1.0f}, {0, 2.0f}, {1, 1.5f}, {0, 4.0f}, {3, 5.0f}, {3, 6.5f}, {3, 5.5f}};
  const class_label ys[7] = {0, 0, 0, 1, 1, 1, 1};
  for (int i = 0; i < 7; ++i) REQUIRE(t.partial_fit({xs[i][0], xs[i][1]}, ys[i]) == status::ok);
  REQUIRE(t.node_count() == 1);
  // Class 0 has shown values 0..1 (2 values), class 1 values 0..3 (4 values): the value 2
  // has likelihood (0 + 1) / (3 + 2) and (0 + 1) / (4 + 4).
  const long double pi = 3.14159265358979323846264338327950288L;
  auto density = [&](std::initializer_list<long double> v, long double x) {
    long double m = 0, s = 0;
    for (long double a : v) m += a;
    m /= static_cast<long double>(v.size());
    for (long double a : v) s += (a - m) * (a - m);
    const long double var = s / static_cast<long double>(v.size() - 1);
    return std::exp(-(x - m) * (x - m) / (2 * var)) / std::sqrt(2 * pi * var);
  };
  const long double l0 = 3.0L / 7 * (1.0L / 5) * density({1.0L, 2.0L, 1.5L}, 3.0L);
  const long double l1 = 4.0L / 7 * (1.0L / 8) * density({4.0L, 5.0L, 6.5L, 5.5L}, 3.0L);
  const auto proba = t.predict_proba({2.0f, 3.0f});
  CHECK(close(proba[0], l0 / (l0 + l1), 1e-5L));
  CHECK(close(proba[1], l1 / (l0 + l1), 1e-5L));
}

TEST_CASE("a threshold concept y = x0 > 0.3 is learned and the root splits near 0.3", "[tree][hoeffding]") {
  arena::clear();
  threshold_tree& t = arena::make<threshold_tree>();
  rng r(7);
  for (int i = 0; i < 3000; ++i) {
    const auto x = uniform_point<3>(r);
    REQUIRE(t.partial_fit(x, x[0] > 0.3f ? 1 : 0) == status::ok);
  }
  REQUIRE(t.node_count() >= 3);
  const auto& root = t.node_at(0);
  CHECK(root.kind == split_kind::numeric);
  CHECK(root.feature == 0);
  CHECK(root.threshold > 0.2f);
  CHECK(root.threshold < 0.4f);
  int correct = 0;
  for (int i = 0; i < 1000; ++i) {
    const auto x = uniform_point<3>(r);
    correct += t.predict(x) == (x[0] > 0.3f ? 1 : 0) ? 1 : 0;
  }
  CHECK(correct >= 980);
}

TEST_CASE("Gini and histogram policies learn the threshold concept too", "[tree][hoeffding]") {
  // Each tree learns the same 3000 samples and is tested on the same 1000 (the same seed),
  // one tree after the other so that only one is in memory.
  auto learn = [](auto& t, int& root_feature, int& correct) {
    rng r(11);
    for (int i = 0; i < 3000; ++i) {
      const auto x = uniform_point<3>(r);
      if (t.partial_fit(x, x[0] > 0.3f ? 1 : 0) != status::ok) return false;
    }
    root_feature = t.node_at(0).feature;
    correct = 0;
    for (int i = 0; i < 1000; ++i) {
      const auto x = uniform_point<3>(r);
      correct += t.predict(x) == (x[0] > 0.3f ? 1 : 0) ? 1 : 0;
    }
    return true;
  };
  int fg = -1, fh = -1, cg = 0, ch = 0;
  arena::clear();
  REQUIRE(learn(arena::make<gini_tree>(), fg, cg));
  arena::clear();
  REQUIRE(learn(arena::make<hist_tree>(), fh, ch));
  CHECK(fg == 0);
  CHECK(fh == 0);
  CHECK(cg >= 970);
  CHECK(ch >= 970);
}

TEST_CASE("unused class capacity does not change how the tree grows", "[tree][hoeffding]") {
  // The Hoeffding bound's range is log2 of the classes present at the leaf (information gain
  // cannot exceed the leaf's entropy), not of the Classes capacity: a tree built for 4
  // classes that only ever sees labels 0 and 1 must split exactly when the 2-class tree
  // does. Noisy labels (15% flipped) keep the merits near the bound, so a range of
  // log2(4) = 2 instead of 1 would delay the splits.
  arena::clear();
  two_class_tree& two = arena::make<two_class_tree>();
  spare_class_tree& four = arena::make<spare_class_tree>();
  rng r(5);
  bool same_growth = true;
  for (int i = 0; i < 3000; ++i) {
    const auto x = uniform_point<3>(r);
    const bool flip = r.uniform<float>() < 0.15f;
    const class_label y = (x[0] > 0.5f) != flip ? 1 : 0;
    REQUIRE(two.partial_fit(x, y) == status::ok);
    REQUIRE(four.partial_fit(x, y) == status::ok);
    same_growth = same_growth && two.node_count() == four.node_count();
  }
  CHECK(same_growth);
  REQUIRE(two.node_count() >= 3);
  REQUIRE(two.node_count() == four.node_count());
  for (std::size_t i = 0; i < two.node_count(); ++i) {
    CHECK(two.node_at(i).kind == four.node_at(i).kind);
    CHECK(two.node_at(i).feature == four.node_at(i).feature);
    CHECK(two.node_at(i).threshold == four.node_at(i).threshold);
  }
}

TEST_CASE("nominal attributes split multiway or binary on the right value", "[tree][hoeffding]") {
  using tree = nominal_tree;
  arena::clear();
  tree::params p;
  p.nominal_cardinality = {4, 0};
  tree& multi = arena::make<tree>(p);
  p.nominal = nominal_split::binary;
  tree& binary = arena::make<tree>(p);
  rng r(3);
  for (int i = 0; i < 1000; ++i) {
    const std::array<float, 2> x{static_cast<float>(r.uniform_int(4)), r.uniform<float>()};
    const class_label y = x[0] == 2.0f ? 1 : 0;
    REQUIRE(multi.partial_fit(x, y) == status::ok);
    REQUIRE(binary.partial_fit(x, y) == status::ok);
  }
  CHECK(multi.node_at(0).kind == split_kind::nominal_multiway);
  CHECK(multi.node_at(0).branches == 4);
  CHECK(binary.node_at(0).kind == split_kind::nominal_binary);
  CHECK(binary.node_at(0).threshold == 2.0f);
  for (float v = 0; v < 4; v += 1) {
    CHECK(multi.predict({v, 0.5f}) == (v == 2.0f ? 1 : 0));
    CHECK(binary.predict({v, 0.5f}) == (v == 2.0f ? 1 : 0));
  }
  // A nominal value outside 0..k-1 is bad data.
  const tree::state_type& before = arena::state_of(multi);
  CHECK(multi.partial_fit({4.0f, 0.5f}, 0) == status::invalid_argument);
  CHECK(multi.partial_fit({1.5f, 0.5f}, 0) == status::invalid_argument);
  CHECK(same_bytes(before, arena::state_of(multi)));
}

TEST_CASE("below a multiway split its attribute is constant and never chosen again", "[tree][hoeffding]") {
  // y = (x0 == 2) ? (x1 > 0.5) : (x0 == 3). Root: multiway on x0 (gain 0.70 bits against
  // 0.05 for x1). Below it only branch 2 is impure; there x0 is constant (a multiway split
  // of one value has merit -inf, as MOA) and the leaf must split on x1 near 0.5.
  arena::clear();
  nominal_tree::params p;
  p.nominal_cardinality = {4, 0};
  nominal_tree& t = arena::make<nominal_tree>(p);
  rng r(9);
  for (int i = 0; i < 3000; ++i) {
    const std::array<float, 2> x{static_cast<float>(r.uniform_int(4)), r.uniform<float>()};
    const class_label y = x[0] == 2.0f ? (x[1] > 0.5f ? 1 : 0) : (x[0] == 3.0f ? 1 : 0);
    REQUIRE(t.partial_fit(x, y) == status::ok);
  }
  REQUIRE(t.node_at(0).kind == split_kind::nominal_multiway);
  CHECK(t.node_at(0).feature == 0);
  const auto& below = t.node_at(t.node_at(0).first_child + 2u);
  CHECK(below.kind == split_kind::numeric);
  CHECK(below.feature == 1);
  CHECK(std::abs(below.threshold - 0.5f) < 0.1f);
  for (std::size_t i = 1; i < t.node_count(); ++i)
    if (t.node_at(i).kind != split_kind::leaf) CHECK(t.node_at(i).feature != 0);
}

TEST_CASE("with a tiny node pool the tree freezes, keeps predicting and keeps learning", "[tree][hoeffding]") {
  // Diagonal concept: one split cannot express it; the leaves' naive Bayes can.
  using tree = tiny_tree;
  arena::clear();
  tree& t = arena::make<tree>();
  rng r(5);
  auto concept_of = [](const std::array<float, 2>& x) -> class_label { return x[0] + x[1] > 1.0f ? 1 : 0; };
  int n = 0;
  while (!t.full() && n < 5000) {
    const auto x = uniform_point<2>(r);
    REQUIRE(t.partial_fit(x, concept_of(x)) == status::ok);
    ++n;
  }
  REQUIRE(t.full());
  CHECK(t.node_count() == 3);
  CHECK(t.leaf_count() == 2);
  auto accuracy = [&](std::uint64_t seed) {
    rng q(seed);
    int c = 0;
    for (int i = 0; i < 500; ++i) {
      const auto x = uniform_point<2>(q);
      c += t.predict(x) == concept_of(x) ? 1 : 0;
    }
    return c;
  };
  const int at_freeze = accuracy(99);
  const std::array<float, 2> probe{0.2f, 0.2f};
  const std::size_t leaf = t.leaf_index(probe);
  const float count_before = t.node_at(leaf).counts[0];
  for (int i = 0; i < 3000; ++i) {
    const auto x = uniform_point<2>(r);
    REQUIRE(t.partial_fit(x, concept_of(x)) == status::ok);
  }
  CHECK(t.node_count() == 3);
  CHECK(t.full());
  CHECK(t.node_at(leaf).counts[0] > count_before);
  const int later = accuracy(99);
  CHECK(later > at_freeze);
  CHECK(later >= 450);
  CHECK(tree::memory_bytes == sizeof(tree));
}

TEST_CASE("leaf-statistics pool: deactivation keeps the most promising leaf, stop_growing refuses", "[tree][hoeffding]") {
  using tree = pool_tree;
  arena::clear();
  tree& deact = arena::make<tree>();
  tree::params p;
  p.when_full = pool_policy::stop_growing;
  tree& stop = arena::make<tree>(p);
  CHECK(stop.full());  // one slot, used by the root: a binary split is impossible
  CHECK_FALSE(deact.full());
  rng r(9);
  for (int i = 0; i < 4000; ++i) {
    const auto x = uniform_point<2>(r);
    const class_label y = (x[0] > 0.5f) != (x[1] > 0.5f) ? 1 : 0;  // xor: both halves impure
    REQUIRE(deact.partial_fit(x, y) == status::ok);
    REQUIRE(stop.partial_fit(x, y) == status::ok);
  }
  CHECK(stop.node_count() == 1);
  CHECK(stop.samples_seen() == 4000);
  REQUIRE(deact.node_count() >= 3);
  CHECK(deact.active_leaf_count() == 1);
  // The active leaf is among the leaves of highest promise (seen weight - majority weight).
  float best_promise = -1, active_promise = -1;
  for (std::size_t i = 0; i < deact.node_count(); ++i) {
    const auto& nd = deact.node_at(i);
    if (nd.kind != split_kind::leaf) continue;
    const float pr = nd.counts[0] + nd.counts[1] - (nd.counts[0] > nd.counts[1] ? nd.counts[0] : nd.counts[1]);
    if (pr > best_promise) best_promise = pr;
    if (nd.slot != tree::no_slot) active_promise = pr;
  }
  CHECK(active_promise >= 0);
  // promise is measured at the last rebalance; leaves have learned since, allow slack
  CHECK(active_promise >= 0.5f * best_promise);
}

TEST_CASE("bad input leaves the tree byte-identical", "[tree][hoeffding]") {
  using tree = bad_input_tree;
  arena::clear();
  tree& t = arena::make<tree>();
  rng r(1);
  for (int i = 0; i < 500; ++i) {
    const auto x = uniform_point<3>(r);
    REQUIRE(t.partial_fit(x, x[1] > 0.5f ? 1 : 0) == status::ok);
  }
  const tree::state_type& before = arena::state_of(t);
  const float nan = std::numeric_limits<float>::quiet_NaN();
  const float inf = std::numeric_limits<float>::infinity();
  CHECK(t.partial_fit({0.1f, nan, 0.2f}, 0) == status::non_finite_input);
  CHECK(t.partial_fit({inf, 0.5f, 0.2f}, 1) == status::non_finite_input);
  CHECK(t.partial_fit({0.1f, 0.5f, 0.2f}, 2) == status::label_out_of_range);
  CHECK(same_bytes(before, arena::state_of(t)));
  CHECK(t.predict({0.1f, nan, 0.2f}) < 2);  // predict cannot fail
}

TEST_CASE("state round trip gives identical predictions and identical further learning", "[tree][hoeffding]") {
  using tree = round_trip_tree;
  arena::clear();
  tree& a = arena::make<tree>();
  tree& b = arena::make<tree>();
  rng r(21);
  for (int i = 0; i < 1500; ++i) {
    const auto x = uniform_point<2>(r);
    REQUIRE(a.partial_fit(x, x[0] + 0.3f * x[1] > 0.7f ? 1 : 0) == status::ok);
  }
  REQUIRE(a.node_count() >= 3);
  tree::state_type& s = arena::state_of(a);
  REQUIRE(b.restore(s) == status::ok);
  for (int i = 0; i < 200; ++i) {
    const auto x = uniform_point<2>(r);
    CHECK(a.predict(x) == b.predict(x));
    const auto pa = a.predict_proba(x), pb = b.predict_proba(x);
    CHECK(pa[0] == pb[0]);
    CHECK(pa[1] == pb[1]);
    const class_label y = x[0] + 0.3f * x[1] > 0.7f ? 1 : 0;
    REQUIRE(a.partial_fit(x, y) == status::ok);
    REQUIRE(b.partial_fit(x, y) == status::ok);
  }
  arena::refresh(s, a);
  tree::state_type& sb = arena::state_of(b);
  CHECK(same_bytes(s, sb));

  // restore validates: wrong magic, broken structure -> invalid_state, nothing changed.
  s.magic ^= 1u;
  CHECK(b.restore(s) == status::invalid_state);
  arena::refresh(s, a);
  s.nodes[0].first_child = 0;
  CHECK(b.restore(s) == status::invalid_state);
  arena::refresh(s, a);
  s.parameters.grace_period = 0;
  CHECK(b.restore(s) == status::invalid_state);
  arena::refresh(s, a);
  arena::refresh(sb, b);
  CHECK(same_bytes(sb, s));

  a.reset();
  CHECK(a.node_count() == 1);
  CHECK(a.samples_seen() == 0);
  CHECK(a.predict({0.5f, 0.5f}) == 0);
}

TEST_CASE("params are validated", "[tree][hoeffding]") {
  using tree = hoeffding_tree<float, 2, 2, 7, 4, info_gain_criterion, gaussian_splitter<>, 3>;
  tree::params p;
  CHECK(tree::validate(p) == status::ok);
  p.split_confidence = 0;
  CHECK(tree::validate(p) == status::invalid_argument);
  p = {};
  p.grace_period = 0;
  CHECK(tree::validate(p) == status::invalid_argument);
  p = {};
  p.nominal_cardinality = {4, 0};  // above MaxNominalValues
  CHECK(tree::validate(p) == status::invalid_argument);
  p.nominal_cardinality = {3, 2};
  CHECK(tree::validate(p) == status::ok);
  p.tie_threshold = -1;
  CHECK(tree::validate(p) == status::invalid_argument);
}

TEST_CASE("a small instantiation is small", "[tree][hoeffding]") {
  // 8 features, 2 classes, 15 nodes, 8 leaf slots: fits a 16 KB board with room to spare.
  using tree = hoeffding_tree<float, 8, 2, 15>;
  STATIC_REQUIRE(tree::memory_bytes < 4096);
  STATIC_REQUIRE(sizeof(tree::node) == 20);
  STATIC_REQUIRE(online_learner<tree>);
  STATIC_REQUIRE(persistable<tree>);
}
