// half_space_trees against a straightforward implementation of the paper's pseudo-code
// (Tan, Ting & Liu 2011, Algorithms 1-3): pointer trees whose split values are the
// midpoints of the node's work space (in double), built with the same random work spaces
// and split features as the detector.
#include <array>
#include <cmath>
#include <cstdint>
#include <memory>
#include <vector>

#include "edgeloop/anomaly/half_space_trees.hpp"
#include "edgeloop/core/rng.hpp"
#include "support/test.hpp"

using namespace edgeloop;

namespace {

template <class Detector>
class naive_hs_trees {
 public:
  static constexpr std::size_t features = std::tuple_size_v<typename Detector::input_type>;

  struct node {
    std::size_t k = 0;
    std::size_t feature = 0;
    double split = 0;
    long r = 0, l = 0;
    std::unique_ptr<node> left, right;
  };

  naive_hs_trees(const Detector& d, long size_limit) : size_limit_(size_limit) {
    for (std::size_t t = 0; t < Detector::trees; ++t) {
      std::array<double, features> lo{}, hi{};
      for (std::size_t q = 0; q < features; ++q) {
        lo[q] = d.workspace_lower(t, q);
        hi[q] = d.workspace_upper(t, q);
      }
      roots_.push_back(build(d, t, 0, 0, lo, hi));
    }
  }

  // Algorithm 1's loop body after the first window: score with r, update l, swap per window.
  double score(const typename Detector::input_type& x) const {
    if (!ready_) return 0.0;
    double s = 0;
    for (const auto& root : roots_) {
      const node* n = root.get();
      while (n->left && n->r >= size_limit_) n = x[n->feature] < n->split ? n->left.get() : n->right.get();
      s += static_cast<double>(n->r) * std::ldexp(1.0, static_cast<int>(n->k));
    }
    return 1.0 - s / (static_cast<double>(Detector::trees * Detector::window) *
                      std::ldexp(1.0, static_cast<int>(Detector::depth)));
  }
  void learn(const typename Detector::input_type& x) {
    for (auto& root : roots_) {
      node* n = root.get();
      while (n) {
        ++n->l;
        n = n->left ? (x[n->feature] < n->split ? n->left.get() : n->right.get()) : nullptr;
      }
    }
    if (++count_ == Detector::window) {
      for (auto& root : roots_) swap_profiles(root.get());
      count_ = 0;
      ready_ = true;
    }
  }
  long reference_mass(std::size_t t, std::size_t heap_index) const { return find(t, heap_index)->r; }
  long latest_mass(std::size_t t, std::size_t heap_index) const { return find(t, heap_index)->l; }

 private:
  std::unique_ptr<node> build(const Detector& d, std::size_t t, std::size_t i, std::size_t k,
                              std::array<double, features> lo, std::array<double, features> hi) {
    auto n = std::make_unique<node>();
    n->k = k;
    if (k == Detector::depth) return n;
    n->feature = d.split_feature(t, i);
    n->split = (lo[n->feature] + hi[n->feature]) / 2;
    auto left_hi = hi, right_lo = lo;
    left_hi[n->feature] = n->split;
    right_lo[n->feature] = n->split;
    n->left = build(d, t, 2 * i + 1, k + 1, lo, left_hi);
    n->right = build(d, t, 2 * i + 2, k + 1, right_lo, hi);
    return n;
  }
  static void swap_profiles(node* n) {
    if (!n) return;
    n->r = n->l;
    n->l = 0;
    swap_profiles(n->left.get());
    swap_profiles(n->right.get());
  }
  const node* find(std::size_t t, std::size_t heap_index) const {
    // Path from the root: the bits of heap_index + 1 below its leading one.
    const std::size_t h = heap_index + 1;
    int top = 0;
    while ((h >> (top + 1)) != 0) ++top;
    const node* n = roots_[t].get();
    for (int b = top - 1; b >= 0; --b) n = ((h >> b) & 1u) ? n->right.get() : n->left.get();
    return n;
  }

  std::vector<std::unique_ptr<node>> roots_;
  long size_limit_;
  std::size_t count_ = 0;
  bool ready_ = false;
};

// A drifting two-cluster stream with occasional far outliers, in [0, 1] mostly.
template <class Input>
Input stream_sample(rng& g, int i) {
  Input x{};
  const double centre = (i / 700) % 2 == 0 ? 0.3 : 0.7;
  for (auto& v : x) v = static_cast<typename Input::value_type>(centre + 0.08 * g.normal<double>());
  if (g.uniform_int(50) == 0) x[0] = static_cast<typename Input::value_type>(g.uniform<double>(-0.5, 1.5));
  return x;
}

template <class Detector>
void check_against_naive(typename Detector::params p, int n) {
  auto d = std::make_unique<Detector>(p);
  naive_hs_trees<Detector> ref(*d, p.size_limit);
  rng g(p.seed + 7);
  int compared = 0;
  for (int i = 0; i < n; ++i) {
    const auto x = stream_sample<typename Detector::input_type>(g, i);
    typename Detector::scalar_type fused = -1;
    const double expected = ref.score(x);
    const auto plain = d->score(x);
    REQUIRE(edgeloop::test::close(plain, expected, 1e-5, 1e-6));
    REQUIRE(score_then_learn(*d, x, fused) == status::ok);  // the fused one-descent path
    REQUIRE(fused == plain);
    ref.learn(x);
    ++compared;
  }
  CHECK(compared == n);
  for (std::size_t t = 0; t < Detector::trees; ++t)
    for (std::size_t i = 0; i < Detector::nodes_per_tree; ++i) {
      REQUIRE(d->reference_mass(t, i) == ref.reference_mass(t, i));
      REQUIRE(d->latest_mass(t, i) == ref.latest_mass(t, i));
    }
}

}  // namespace

TEST_CASE("half_space_trees: scores and masses equal the paper's pseudo-code", "[anomaly][half_space_trees]") {
  using small = half_space_trees<double, 3, 5, 6, 64>;
  small::params p;
  p.lower = {0.0, 0.0, 0.0};
  p.upper = {1.0, 1.0, 1.0};
  check_against_naive<small>(p, 1000);

  using river = half_space_trees<float, 4, 10, 8, 250>;
  river::params q;
  q.seed = 99;
  check_against_naive<river>(q, 3000);

  using deep = half_space_trees<float, 2, 3, 15, 300>;  // uint16 masses, repeated features
  deep::params r;
  r.size_limit = 5;
  r.lower = {-1.0f, -1.0f};
  r.upper = {2.0f, 2.0f};
  check_against_naive<deep>(r, 1500);
}

TEST_CASE("half_space_trees: ranges learned from the first window, then the paper's algorithm",
          "[anomaly][half_space_trees]") {
  using model = half_space_trees<double, 3, 6, 7, 100>;
  model::params p;
  p.learn_ranges = true;
  p.seed = 5;
  auto d = std::make_unique<model>(p);
  rng g(11);
  std::array<double, 3> lo{1e9, 1e9, 1e9}, hi{-1e9, -1e9, -1e9};
  for (int i = 0; i < 100; ++i) {
    const auto x = stream_sample<model::input_type>(g, i);
    for (std::size_t q = 0; q < 3; ++q) {
      lo[q] = std::fmin(lo[q], x[q]);
      hi[q] = std::fmax(hi[q], x[q]);
    }
    CHECK(d->score(x) == 0.0);
    REQUIRE(d->learn(x) == status::ok);
  }
  // Paper: the work space of each tree covers the data range, s +- 2 max(s - lo, hi - s).
  for (std::size_t t = 0; t < model::trees; ++t)
    for (std::size_t q = 0; q < 3; ++q) {
      const double a = d->workspace_lower(t, q), b = d->workspace_upper(t, q);
      const double s = (a + b) / 2;
      CHECK(s >= lo[q]);
      CHECK(s <= hi[q]);
      CHECK(edgeloop::test::close(b - s, 2 * std::fmax(s - lo[q], hi[q] - s), 1e-12));
    }
  naive_hs_trees<model> ref(*d, p.size_limit);
  for (int i = 100; i < 1200; ++i) {
    const auto x = stream_sample<model::input_type>(g, i);
    REQUIRE(edgeloop::test::close(d->score(x), ref.score(x), 1e-12, 1e-12));
    REQUIRE(d->learn(x) == status::ok);
    ref.learn(x);
  }
  CHECK(d->ready());
}
