#include <array>
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <limits>
#include <new>
#include <utility>

#include "edgeloop/core/rng.hpp"
#include "edgeloop/tree/hoeffding_tree_regressor.hpp"
#include "support/test.hpp"

using namespace edgeloop;
using edgeloop::test::close;
using edgeloop::test::same_bytes;

namespace {

// Grid inputs: x_f in {0, 1, ..., 5}. With 16 bins per attribute every grid value falls
// in a bin of its own (the range is at most doubled once past the first two values seen,
// so a bin is narrower than the grid step), so the binned split search is exhaustive.
template <std::size_t N>
std::array<float, N> grid_point(rng& r) {
  std::array<float, N> x{};
  for (auto& v : x) v = static_cast<float>(r.uniform_int(6));
  return x;
}

// Piecewise-constant target on the grid: 10 if x0 <= 2 and x1 <= 1, 4 if x0 <= 2 and
// x1 > 1, -3 if x0 > 2 (x2, when present, is irrelevant).
template <std::size_t N>
float piecewise(const std::array<float, N>& x) {
  if (x[0] > 2.5f) return -3.0f;
  return x[1] <= 1.5f ? 10.0f : 4.0f;
}

// Sample standard deviation (ddof 1), two-pass in long double, of the ys[i] with
// side(i) true.
template <class Side>
long double sample_sd(const float* ys, std::size_t n, Side side) {
  long double mean = 0;
  std::size_t k = 0;
  for (std::size_t i = 0; i < n; ++i)
    if (side(i)) {
      mean += ys[i];
      ++k;
    }
  if (k < 2) return 0;
  mean /= static_cast<long double>(k);
  long double ss = 0;
  for (std::size_t i = 0; i < n; ++i)
    if (side(i)) ss += (ys[i] - mean) * (ys[i] - mean);
  return std::sqrt(ss / static_cast<long double>(k - 1));
}

using grid_tree = hoeffding_tree_regressor<float, 3, 7, 2>;   // 1.5 KB
using line_tree = hoeffding_tree_regressor<float, 2, 1, 1>;
using small_tree = hoeffding_tree_regressor<float, 2, 7, 1, 8>;  // 0.5 KB
#if defined(EDGELOOP_TARGET_TEST)
constexpr std::size_t sdr_samples = 40;
#else
constexpr std::size_t sdr_samples = 60;
#endif
using sample3 = std::array<float, 3>;

template <class... T>
constexpr std::size_t footprint() {
  constexpr std::size_t a = alignof(std::max_align_t);
  return (((sizeof(T) + a - 1) / a * a) + ...);
}
constexpr std::size_t max_of(std::size_t a, std::size_t b) { return a > b ? a : b; }

// The test cases build their models and states in place in one static buffer (they run
// one after another): board RAM holds only the largest case, and no model-sized
// temporary lands on the small board stacks.
constexpr std::size_t arena_bytes =
    max_of(max_of(footprint<grid_tree, std::array<sample3, sdr_samples>, std::array<float, sdr_samples>>(),
                  footprint<line_tree>()),
           footprint<small_tree, small_tree, small_tree::state_type, small_tree::state_type>());

class arena {
 public:
  static void clear() noexcept { used_ = 0; }
  template <class T, class... A>
  static T& make(A&&... args) noexcept {
    constexpr std::size_t a = alignof(std::max_align_t);
    EDGELOOP_ASSERT(used_ + sizeof(T) <= arena_bytes, "test arena too small");
    void* p = buffer_ + used_;
    used_ += (sizeof(T) + a - 1) / a * a;
    return *::new (p) T(std::forward<A>(args)...);
  }
  /// Rebuilds `object` in place from the arguments (no temporary on the stack).
  template <class T, class... A>
  static void rebuild(T& object, A&&... args) noexcept {
    object.~T();
    ::new (static_cast<void*>(&object)) T(std::forward<A>(args)...);
  }

 private:
  alignas(std::max_align_t) static inline unsigned char buffer_[arena_bytes];
  static inline std::size_t used_ = 0;
};

}  // namespace

TEST_CASE("hoeffding_tree_regressor: memory_bytes is the documented formula", "[tree][hoeffding_regressor]") {
  // MaxNodes*(s+4) + (MaxNodes+1)/2*((F+7)s+8) + A*((F*(2+3B)+2)s+2) + (2F+8)s + 28, s = 4.
  constexpr std::size_t s = 4, f = 3, nodes = 15, slots = 4, bins = 16;
  constexpr std::size_t formula =
      nodes * (s + 4) + (nodes + 1) / 2 * ((f + 7) * s + 8) + slots * ((f * (2 + 3 * bins) + 2) * s + 2) +
      (2 * f + 8) * s + 28;
  STATIC_REQUIRE(hoeffding_tree_regressor<float, 3, 15, 4>::memory_bytes == formula);
  STATIC_REQUIRE(online_learner<grid_tree>);
  STATIC_REQUIRE(persistable<grid_tree>);
}

TEST_CASE("hoeffding_tree_regressor: a new tree predicts 0 and validates params", "[tree][hoeffding_regressor]") {
  arena::clear();
  grid_tree& t = arena::make<grid_tree>();
  CHECK(t.predict({1.0f, 2.0f, 3.0f}) == 0.0f);
  CHECK(t.node_count() == 1);
  CHECK(t.active_leaf_count() == 1);
  grid_tree::params p;
  p.split_confidence = 0;
  CHECK(grid_tree::validate(p) == status::invalid_argument);
  p = {};
  p.grace_period = 0;
  CHECK(grid_tree::validate(p) == status::invalid_argument);
  p = {};
  p.model_selector_decay = 1.5f;
  CHECK(grid_tree::validate(p) == status::invalid_argument);
  p = {};
  p.learning_rate = std::numeric_limits<float>::quiet_NaN();
  CHECK(grid_tree::validate(p) == status::invalid_argument);
  CHECK(grid_tree::validate(grid_tree::params{}) == status::ok);
}

TEST_CASE("hoeffding_tree_regressor: SDR of the best split equals a brute-force search", "[tree][hoeffding_regressor]") {
  // 60 grid samples (40 on boards) at the root (no split: grace period above 60); for each attribute the
  // tree's best split must be the partition x_f <= t of maximal SDR over all thresholds
  // between grid values (each branch >= 5 samples), with the same SDR and branch stats.
  constexpr std::size_t n = sdr_samples;
  grid_tree::params p;
  p.grace_period = 1000;
  p.leaf = regression_leaf::mean;
  arena::clear();
  grid_tree& t = arena::make<grid_tree>(p);
  auto& xs = arena::make<std::array<sample3, n>>();
  auto& ys = arena::make<std::array<float, n>>();
  rng r(7);
  for (std::size_t i = 0; i < n; ++i) {
    xs[i] = grid_point<3>(r);
    ys[i] = piecewise(xs[i]) + 2.0f * r.uniform<float>();
    REQUIRE(t.partial_fit(xs[i], ys[i]) == status::ok);
  }
  REQUIRE(t.node_count() == 1);
  const long double sd_all = sample_sd(ys.data(), n, [](std::size_t) { return true; });
  for (std::size_t f = 0; f < 3; ++f) {
    const auto c = t.best_split(xs[0], f);
    long double best = -std::numeric_limits<long double>::infinity(), best_t = 0;
    std::size_t best_left = 0;
    for (int k = 0; k < 5; ++k) {
      const long double thr = k + 0.5L;
      std::size_t nl = 0;
      for (std::size_t i = 0; i < n; ++i) nl += xs[i][f] <= thr ? 1 : 0;
      const std::size_t nr = n - nl;
      if (nl < 5 || nr < 5) continue;
      const auto left = [&](std::size_t i) { return xs[i][f] <= thr; };
      const auto right = [&](std::size_t i) { return !(xs[i][f] <= thr); };
      const long double sdr = sd_all - static_cast<long double>(nl) / n * sample_sd(ys.data(), n, left) -
                              static_cast<long double>(nr) / n * sample_sd(ys.data(), n, right);
      if (sdr > best) {
        best = sdr;
        best_t = thr;
        best_left = nl;
      }
    }
    REQUIRE(best > -std::numeric_limits<long double>::infinity());  // SDR may be < 0 (ddof 1)
    CHECK(close(c.merit, best, 1e-4L, 1e-5L));
    CHECK(c.left_count == static_cast<float>(best_left));
    CHECK(c.right_count == static_cast<float>(n - best_left));
    // The threshold separates the same grid values as the brute-force one.
    CHECK(c.threshold > static_cast<float>(best_t - 0.5L));
    CHECK(c.threshold < static_cast<float>(best_t + 0.5L));
  }
}

TEST_CASE("hoeffding_tree_regressor: splits recover a piecewise-constant function exactly", "[tree][hoeffding_regressor]") {
  grid_tree::params p;
  p.grace_period = 50;
  p.leaf = regression_leaf::mean;
  arena::clear();
  grid_tree& t = arena::make<grid_tree>(p);
  rng r(11);
  for (int i = 0; i < 1500; ++i) {
    const auto x = grid_point<3>(r);
    REQUIRE(t.partial_fit(x, piecewise(x)) == status::ok);
  }
  // Three constant pieces need two splits; pure leaves have SDR 0 and never split again.
  CHECK(t.node_count() == 5);
  std::size_t exact = 0;
  for (int a = 0; a < 6; ++a)
    for (int b = 0; b < 6; ++b)
      for (int c = 0; c < 6; c += 5) {
        const std::array<float, 3> x{static_cast<float>(a), static_cast<float>(b), static_cast<float>(c)};
        exact += t.predict(x) == piecewise(x) ? 1 : 0;
      }
  CHECK(exact == 72);
}

TEST_CASE("hoeffding_tree_regressor: a linear leaf converges to the least-squares fit", "[tree][hoeffding_regressor]") {
  // y = 1 + 2 x0 - 3 x1 + noise, x uniform in [0, 1)^2; one leaf (MaxNodes 1), constant
  // learning rate. Reference: ordinary least squares on the same samples, solved in long
  // double from the normal equations.
  line_tree::params p;
  p.leaf = regression_leaf::linear;
  p.learning_rate = 0.05f;
  p.learning_rate_decay = 0;
  arena::clear();
  line_tree& t = arena::make<line_tree>(p);
  rng r(3);
#if defined(EDGELOOP_TARGET_TEST)
  constexpr int n = 3000;
#else
  constexpr int n = 20000;
#endif
  long double g[3][3] = {}, h[3] = {};
  for (int i = 0; i < n; ++i) {
    const std::array<float, 2> x{r.uniform<float>(), r.uniform<float>()};
    const float y = 1.0f + 2.0f * x[0] - 3.0f * x[1] + 0.1f * (r.uniform<float>() - 0.5f);
    REQUIRE(t.partial_fit(x, y) == status::ok);
    const long double row[3] = {1.0L, x[0], x[1]};
    for (int a = 0; a < 3; ++a) {
      h[a] += row[a] * y;
      for (int b = 0; b < 3; ++b) g[a][b] += row[a] * row[b];
    }
  }
  // Gaussian elimination (G is symmetric positive definite).
  for (int k = 0; k < 3; ++k)
    for (int i = k + 1; i < 3; ++i) {
      const long double m = g[i][k] / g[k][k];
      for (int j = k; j < 3; ++j) g[i][j] -= m * g[k][j];
      h[i] -= m * h[k];
    }
  long double beta[3];
  for (int i = 2; i >= 0; --i) {
    long double s = h[i];
    for (int j = i + 1; j < 3; ++j) s -= g[i][j] * beta[j];
    beta[i] = s / g[i][i];
  }
  REQUIRE(close(beta[1], 2.0L, 0.01L));
  long double worst = 0, worst_mean = 0;
  for (int a = 0; a <= 4; ++a)
    for (int b = 0; b <= 4; ++b) {
      const std::array<float, 2> x{0.1f + 0.2f * static_cast<float>(a), 0.1f + 0.2f * static_cast<float>(b)};
      const long double ls = beta[0] + beta[1] * x[0] + beta[2] * x[1];
      const long double e = std::fabs(static_cast<long double>(t.predict(x)) - ls);
      const long double em = std::fabs(static_cast<long double>(t.predict_mean(x)) - ls);
      worst = e > worst ? e : worst;
      worst_mean = em > worst_mean ? em : worst_mean;
    }
  CHECK(worst < 0.05L);       // the target spans [-2, 3]
  CHECK(worst_mean > 1.0L);   // what a mean leaf would do
}

TEST_CASE("hoeffding_tree_regressor: adaptive leaves pick the better model", "[tree][hoeffding_regressor]") {
  arena::clear();
  line_tree& t = arena::make<line_tree>();  // adaptive by default
  rng r(5);
  for (int i = 0; i < 3000; ++i) {
    const std::array<float, 2> x{r.uniform<float>(), r.uniform<float>()};
    REQUIRE(t.partial_fit(x, 4.0f * x[0]) == status::ok);
  }
  const std::array<float, 2> q{0.9f, 0.5f};
  CHECK(t.predict(q) == t.predict_linear(q));
  CHECK(std::fabs(t.predict(q) - 3.6f) < std::fabs(t.predict_mean(q) - 3.6f));
  // A constant target: the mean is exact, the perceptron is not -> the mean is chosen.
  arena::rebuild(t);
  for (int i = 0; i < 500; ++i) {
    const std::array<float, 2> x{r.uniform<float>(), r.uniform<float>()};
    REQUIRE(t.partial_fit(x, i % 2 == 0 ? 1.0f : 1.5f) == status::ok);
  }
  CHECK(t.predict(q) == t.predict_mean(q));
}

TEST_CASE("hoeffding_tree_regressor: state round trip and restore validation", "[tree][hoeffding_regressor]") {
  small_tree::params p;
  p.grace_period = 50;
  arena::clear();
  small_tree& a = arena::make<small_tree>(p);
  small_tree& b = arena::make<small_tree>();
  rng r(13);
  for (int i = 0; i < 600; ++i) {
    const auto x = grid_point<2>(r);
    REQUIRE(a.partial_fit(x, piecewise(x) + r.uniform<float>()) == status::ok);
  }
  REQUIRE(a.node_count() > 1);
  auto& s = arena::make<small_tree::state_type>(a.state());
  REQUIRE(b.restore(s) == status::ok);
  auto& s2 = arena::make<small_tree::state_type>(b.state());
  CHECK(same_bytes(s, s2));
  for (int i = 0; i < 200; ++i) {
    const auto x = grid_point<2>(r);
    CHECK(a.predict(x) == b.predict(x));
    const float y = piecewise(x) + r.uniform<float>();
    REQUIRE(a.partial_fit(x, y) == status::ok);
    REQUIRE(b.partial_fit(x, y) == status::ok);
  }
  arena::rebuild(s, a.state());
  arena::rebuild(s2, b.state());
  CHECK(same_bytes(s, s2));

  // Corrupted states are refused and change nothing.
  s = s2;
  s.magic ^= 1u;
  CHECK(b.restore(s) == status::invalid_state);
  s = s2;
  s.nodes[0].index = 0;  // the root's children would be itself
  CHECK(b.restore(s) == status::invalid_state);
  s = s2;
  s.node_count = static_cast<std::uint16_t>(s.node_count + 2);
  CHECK(b.restore(s) == status::invalid_state);
  s = s2;
  s.leaves[0].mean = std::numeric_limits<float>::infinity();
  CHECK(b.restore(s) == status::invalid_state);
  s = s2;
  s.parameters.grace_period = 0;
  CHECK(b.restore(s) == status::invalid_state);
  arena::rebuild(s, b.state());
  CHECK(same_bytes(s, s2));
}

TEST_CASE("hoeffding_tree_regressor: bad input leaves the model unchanged", "[tree][hoeffding_regressor]") {
  arena::clear();
  small_tree& t = arena::make<small_tree>();
  rng r(17);
  for (int i = 0; i < 300; ++i) {
    const auto x = grid_point<2>(r);
    REQUIRE(t.partial_fit(x, piecewise(x)) == status::ok);
  }
  auto& before = arena::make<small_tree::state_type>(t.state());
  const float nan = std::numeric_limits<float>::quiet_NaN();
  const float inf = std::numeric_limits<float>::infinity();
  CHECK(t.partial_fit({nan, 1.0f}, 1.0f) == status::non_finite_input);
  CHECK(t.partial_fit({1.0f, -inf}, 1.0f) == status::non_finite_input);
  CHECK(t.partial_fit({1.0f, 2.0f}, nan) == status::non_finite_input);
  CHECK(t.partial_fit({1.0f, 2.0f}, inf) == status::non_finite_input);
  auto& after = arena::make<small_tree::state_type>(t.state());
  CHECK(same_bytes(before, after));
}

TEST_CASE("hoeffding_tree_regressor: full pools stop growth, leaves keep learning", "[tree][hoeffding_regressor]") {
  // 7 nodes and one observer slot: only one leaf at a time can grow; once 7 nodes exist the
  // structure freezes, but the leaves still learn (a shifted target moves the predictions).
  small_tree::params p;
  p.grace_period = 30;
  p.leaf = regression_leaf::mean;
  arena::clear();
  small_tree& t = arena::make<small_tree>(p);
  rng r(19);
  for (int i = 0; i < 3000; ++i) {
    const std::array<float, 2> x{r.uniform<float>(), r.uniform<float>()};
    REQUIRE(t.partial_fit(x, 8.0f * x[0] + 4.0f * x[1]) == status::ok);
    REQUIRE(t.active_leaf_count() <= 1);
  }
  CHECK(t.full());
  CHECK(t.node_count() == 7);
  CHECK(t.leaf_count() == 4);
  CHECK(t.active_leaf_count() == 0);
  const std::array<float, 2> q{0.5f, 0.5f};
  const float before = t.predict(q);
  for (int i = 0; i < 2000; ++i) {
    const std::array<float, 2> x{r.uniform<float>(), r.uniform<float>()};
    REQUIRE(t.partial_fit(x, 8.0f * x[0] + 4.0f * x[1] + 100.0f) == status::ok);
  }
  CHECK(t.node_count() == 7);
  CHECK(t.predict(q) > before + 25.0f);  // the leaf mean now holds old and new targets
  CHECK(t.samples_seen() == 5000u);
}
