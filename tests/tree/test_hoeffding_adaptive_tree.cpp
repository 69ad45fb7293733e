// hoeffding_adaptive_tree: board-safe tests (small trees, a few thousand samples). One
// static buffer holds the tree of the running test and at most one saved state (about
// 2 KB on 32-bit boards); byte comparisons use an FNV-1a hash of the object.
#include <array>
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <limits>
#include <new>

#include "edgeloop/core/rng.hpp"
#include "edgeloop/tree/hoeffding_adaptive_tree.hpp"
#include "support/test.hpp"

using namespace edgeloop;
using edgeloop::test::same_bytes;

namespace {

// 2 features, 2 classes, 7 nodes, 3 leaf slots, 2 ADWINs of 6 rows x 3 buckets (windows
// of up to 189 errors, so the switch test uses a width of 60 instead of 300), depth 1.
// (With 5 rows, a window of 93, the root's ADWIN forgets the old errors before its cut
// test fires on this stream.)
using small_tree = hoeffding_adaptive_tree<float, 2, 2, 7, 3, 2, 6, 3>;
// The pool-exhaustion tree: 3 nodes, 1 slot, 1 ADWIN.
using tiny_tree = hoeffding_adaptive_tree<float, 2, 2, 3, 1, 1, 6, 3>;

small_tree::params small_params() {
  small_tree::params p;
  p.switch_min_width = 60;
  p.grace_period = 50;
  p.max_depth = 1;  // root split + 2 leaves: the pools keep room for an alternate
  return p;
}

// y = x0 > 0.5, flipped to y = x0 <= 0.5 when `flipped`.
template <class Tree>
std::size_t run(Tree& t, rng& r, std::size_t n, bool flipped, std::size_t score_from) {
  std::size_t correct = 0;
  for (std::size_t i = 0; i < n; ++i) {
    const std::array<float, 2> x{r.uniform<float>(), r.uniform<float>()};
    const class_label y = ((x[0] > 0.5f) != flipped) ? 1 : 0;
    if (i >= score_from) correct += t.predict(x) == y ? 1 : 0;
    if (t.partial_fit(x, y) != status::ok) return 0;
  }
  return correct;
}

constexpr std::size_t tree_bytes = (sizeof(small_tree) + 15) / 16 * 16;
alignas(std::max_align_t) unsigned char buffer[tree_bytes + sizeof(small_tree::state_type)];

template <class Tree>
Tree& fresh(const typename Tree::params& p) {
  static_assert(sizeof(Tree) <= tree_bytes);
  return *new (buffer) Tree(p);
}
small_tree::state_type& saved_state(const small_tree& t) { return *new (buffer + tree_bytes) small_tree::state_type(t.state()); }

template <class T>
std::uint32_t fnv1a(const T& object) {
  const auto* p = reinterpret_cast<const unsigned char*>(&object);
  std::uint32_t h = 2166136261u;
  for (std::size_t i = 0; i < sizeof(T); ++i) h = (h ^ p[i]) * 16777619u;
  return h;
}

}  // namespace

TEST_CASE("the adaptive tree learns a threshold concept like the plain tree", "[tree][hoeffding_adaptive]") {
  small_tree::params p = small_params();
  p.poisson_leaf_weights = false;  // unit weights, as the plain tree
  small_tree& t = fresh<small_tree>(p);
  rng r(11);
  const std::size_t correct = run(t, r, 1500, false, 1000);
  CHECK(correct > 470);  // > 94% of the last 500 (the concept is noise-free); measured 477
  CHECK(t.tree_size() >= 3);
  CHECK(t.node_at(0).kind == split_kind::numeric);
  CHECK(t.node_at(0).feature == 0);
  // Default Poisson(1) leaf weights: the same concept, the same split (measured 469).
  small_tree& w = fresh<small_tree>(small_params());
  rng r2(11);
  CHECK(run(w, r2, 1500, false, 1000) > 455);
  CHECK(w.node_at(0).kind == split_kind::numeric);
  CHECK(w.node_at(0).feature == 0);
}

TEST_CASE("leaf updates weigh k ~ Poisson(1), k = 0 counted as 1", "[tree][hoeffding_adaptive]") {
  // The root leaf's class weight grows by each update's weight. Frequencies of the weights
  // against the closed form: P(1) = 2/e, P(2) = 1/(2e), P(3) = 1/(6e), P(>= 4) the rest,
  // each within 4.5 binomial standard deviations; their mean 1 + 1/e within 4.5 sd
  // (variance 2 + 1/e - (1 + 1/e)^2). Unit weights without poisson_leaf_weights.
  small_tree::params p = small_params();
  p.grace_period = 100000;  // the root stays a leaf
  constexpr std::size_t n = 2000;
  for (int weighted = 0; weighted < 2; ++weighted) {
    p.poisson_leaf_weights = weighted != 0;
    small_tree& t = fresh<small_tree>(p);
    rng r(17);
    std::array<std::size_t, 4> hist{};
    std::size_t bad = 0;
    float last = 0;
    for (std::size_t i = 0; i < n; ++i) {
      REQUIRE(t.partial_fit({r.uniform<float>(), r.uniform<float>()}, 1) == status::ok);
      const float now = t.node_at(0).counts[1];
      const float k = now - last;
      last = now;
      if (k == 1.0f) ++hist[0];
      else if (k == 2.0f) ++hist[1];
      else if (k == 3.0f) ++hist[2];
      else if (k >= 4.0f && k == static_cast<float>(static_cast<int>(k))) ++hist[3];
      else ++bad;
    }
    CHECK(bad == 0);
    if (!weighted) {
      CHECK(hist[0] == n);
      continue;
    }
    const double e_inv = 0.36787944117144233;
    const std::array<double, 4> prob{2 * e_inv, e_inv / 2, e_inv / 6, 1 - 2 * e_inv - e_inv / 2 - e_inv / 6};
    for (std::size_t j = 0; j < 4; ++j) {
      const double f = static_cast<double>(hist[j]) / n;
      CHECK(std::fabs(f - prob[j]) < 4.5 * std::sqrt(prob[j] * (1 - prob[j]) / n));
    }
    const double mean = static_cast<double>(last) / n;
    const double sd = std::sqrt((2 + e_inv - (1 + e_inv) * (1 + e_inv)) / n);
    CHECK(std::fabs(mean - (1 + e_inv)) < 4.5 * sd);
  }
}

TEST_CASE("after the concept flips, the error rise starts an alternate that replaces the tree", "[tree][hoeffding_adaptive]") {
  small_tree& t = fresh<small_tree>(small_params());
  rng r(5);
  static_cast<void>(run(t, r, 1500, false, 1500));
  REQUIRE(t.alternates_started() == 0);
  // The old tree is now always wrong; a plain tree would need its leaves' counts to turn.
  const std::size_t correct = run(t, r, 1500, true, 1000);
  CHECK(t.alternates_started() >= 1);
  CHECK(t.alternates_switched() >= 1);
  CHECK(correct > 450);  // > 90% of the last 500 samples on the new concept
}

TEST_CASE("a full pool stops growing alternates; the tree keeps predicting and learning", "[tree][hoeffding_adaptive]") {
  tiny_tree::params p;
  p.grace_period = 20;
  p.switch_min_width = 60;
  tiny_tree& t = fresh<tiny_tree>(p);
  rng r(3);
  for (int phase = 0; phase < 4; ++phase) {
    static_cast<void>(run(t, r, 600, (phase & 1) != 0, 600));
    CHECK(t.node_count() <= 3);
    CHECK(t.detector_count() <= 1);
    CHECK(t.active_leaf_count() <= 1);
  }
  CHECK(t.samples_seen() == 2400);
  // Still learns: the counts of the leaf a point reaches grow.
  const std::array<float, 2> x{0.9f, 0.1f};
  const std::size_t leaf = t.leaf_index(x);
  const float before = t.node_at(leaf).counts[1];
  REQUIRE(t.partial_fit(x, 1) == status::ok);
  CHECK(t.node_at(t.leaf_index(x)).counts[1] >= before);
  const auto proba = t.predict_proba(x);
  CHECK(edgeloop::test::close(proba[0] + proba[1], 1.0L, 1e-5L));
}

TEST_CASE("bad input leaves the adaptive tree byte-identical", "[tree][hoeffding_adaptive]") {
  small_tree& t = fresh<small_tree>(small_params());
  rng r(8);
  static_cast<void>(run(t, r, 400, false, 400));
  const small_tree::state_type& before = saved_state(t);
  const float nan = std::numeric_limits<float>::quiet_NaN();
  CHECK(t.partial_fit({nan, 0.5f}, 0) == status::non_finite_input);
  CHECK(t.partial_fit({0.5f, 0.5f}, 2) == status::label_out_of_range);
  CHECK(t.partial_fit({0.5f, std::numeric_limits<float>::infinity()}, 1) == status::non_finite_input);
  const std::uint32_t h = fnv1a(before);
  CHECK(fnv1a(t) == h);  // the tree object is its state
  static_assert(sizeof(small_tree) == sizeof(small_tree::state_type));
}

TEST_CASE("state round trip: identical predictions and identical further learning", "[tree][hoeffding_adaptive]") {
  small_tree& a = fresh<small_tree>(small_params());
  rng r(21);
  static_cast<void>(run(a, r, 1500, false, 1500));
  for (int i = 0; i < 300 && a.alternate_count() == 0; ++i) static_cast<void>(run(a, r, 1, true, 1));
  REQUIRE(a.alternate_count() == 1);  // mid-drift: an alternate is growing
  const small_tree::state_type& s = saved_state(a);
  CHECK(fnv1a(s) == fnv1a(a));
  // Learn on from the live tree, then from the restored state (into a tree that has
  // moved on): the same predictions and byte-identical trees.
  rng r1(99), r2(99);
  const std::size_t ca = run(a, r1, 500, true, 0);
  const std::uint32_t ha = fnv1a(a);
  REQUIRE(a.restore(s) == status::ok);
  const std::size_t cb = run(a, r2, 500, true, 0);
  CHECK(ca == cb);
  CHECK(fnv1a(a) == ha);
}

TEST_CASE("restore rejects a corrupted adaptive tree state and leaves the tree unchanged", "[tree][hoeffding_adaptive]") {
  small_tree& t = fresh<small_tree>(small_params());
  rng r(4);
  static_cast<void>(run(t, r, 600, false, 600));
  REQUIRE(t.tree_size() >= 3);
  small_tree::state_type* s = &saved_state(t);
  s->magic ^= 1u;
  CHECK(t.restore(*s) == status::invalid_state);
  s->magic ^= 1u;
  const std::uint16_t child = s->nodes[0].first_child;
  s->nodes[child].alternate = 0;  // a leaf whose "alternate" is the root: a cycle
  CHECK(t.restore(*s) == status::invalid_state);
  s->nodes[child].alternate = small_tree::none;
  s->node_count = static_cast<std::uint16_t>(s->node_count + 1);
  CHECK(t.restore(*s) == status::invalid_state);
  s->node_count = static_cast<std::uint16_t>(s->node_count - 1);
  s->parameters.drift_confidence = 0;
  CHECK(t.restore(*s) == status::invalid_state);
  s->parameters.drift_confidence = 0.002f;
  const rng::state_type random = s->random;
  s->random = {};  // the all-zero generator state is invalid
  CHECK(t.restore(*s) == status::invalid_state);
  s->random = random;
  CHECK(t.restore(*s) == status::ok);
}

TEST_CASE("adaptive tree params are validated", "[tree][hoeffding_adaptive]") {
  small_tree::params p;
  CHECK(small_tree::validate(p) == status::ok);
  p.switch_confidence = 1;
  CHECK(small_tree::validate(p) == status::invalid_argument);
  p = {};
  p.grace_period = 0;
  CHECK(small_tree::validate(p) == status::invalid_argument);
  STATIC_REQUIRE(small_tree::memory_bytes == sizeof(small_tree));
  STATIC_REQUIRE(sizeof(small_tree) < 2048);
}
