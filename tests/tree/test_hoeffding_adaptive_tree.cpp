// hoeffding_adaptive_tree: board-safe tests (small trees, a few thousand samples). The
// trees and states live in static storage, one object per test rebuilt in place.
#include <array>
#include <cstddef>
#include <cstdint>
#include <limits>

#include "edgeloop/core/rng.hpp"
#include "edgeloop/tree/hoeffding_adaptive_tree.hpp"
#include "support/test.hpp"

using namespace edgeloop;
using edgeloop::test::same_bytes;

namespace {

// 2 features, 2 classes, 7 nodes, 3 leaf slots, 3 ADWINs of 6 rows x 3 buckets (windows
// of up to 189 errors, so the switch test uses a width of 100 instead of 300), depth 1.
using small_tree = hoeffding_adaptive_tree<float, 2, 2, 7, 3, 3, 6, 3>;
// The pool-exhaustion tree: 3 nodes, 1 slot, 1 ADWIN.
using tiny_tree = hoeffding_adaptive_tree<float, 2, 2, 3, 1, 1, 6, 3>;

small_tree::params small_params() {
  small_tree::params p;
  p.switch_min_width = 100;
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

alignas(std::max_align_t) unsigned char buffer[2 * sizeof(small_tree::state_type) + 64];

}  // namespace

TEST_CASE("the adaptive tree learns a threshold concept like the plain tree", "[tree][hoeffding_adaptive]") {
  static small_tree t;
  t = small_tree(small_params());
  rng r(11);
  const std::size_t correct = run(t, r, 1500, false, 1000);
  CHECK(correct > 470);  // > 94% of the last 500 (the concept is noise-free)
  CHECK(t.tree_size() >= 3);
  CHECK(t.node_at(0).kind == split_kind::numeric);
  CHECK(t.node_at(0).feature == 0);
}

TEST_CASE("after the concept flips, the error rise starts an alternate that replaces the tree", "[tree][hoeffding_adaptive]") {
  static small_tree t;
  t = small_tree(small_params());
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
  static tiny_tree t;
  tiny_tree::params p;
  p.grace_period = 20;
  p.switch_min_width = 100;
  t = tiny_tree(p);
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
  static small_tree t;
  t = small_tree(small_params());
  rng r(8);
  static_cast<void>(run(t, r, 400, false, 400));
  auto* before = new (buffer) small_tree::state_type(t.state());
  const float nan = std::numeric_limits<float>::quiet_NaN();
  CHECK(t.partial_fit({nan, 0.5f}, 0) == status::non_finite_input);
  CHECK(t.partial_fit({0.5f, 0.5f}, 2) == status::label_out_of_range);
  auto* after = new (buffer + sizeof(small_tree::state_type)) small_tree::state_type(t.state());
  CHECK(same_bytes(*before, *after));
}

TEST_CASE("state round trip: identical predictions and identical further learning", "[tree][hoeffding_adaptive]") {
  static small_tree a, b;
  a = small_tree(small_params());
  rng r(21);
  static_cast<void>(run(a, r, 1500, false, 1500));
  static_cast<void>(run(a, r, 300, true, 300));  // mid-drift: alternates may be growing
  auto* s = new (buffer) small_tree::state_type(a.state());
  b = small_tree();
  REQUIRE(b.restore(*s) == status::ok);
  rng r1(99), r2(99);
  const std::size_t ca = run(a, r1, 500, true, 0);
  const std::size_t cb = run(b, r2, 500, true, 0);
  CHECK(ca == cb);
  auto* sa = new (buffer) small_tree::state_type(a.state());
  auto* sb = new (buffer + sizeof(small_tree::state_type)) small_tree::state_type(b.state());
  CHECK(same_bytes(*sa, *sb));
}

TEST_CASE("restore rejects a corrupted adaptive tree state and leaves the tree unchanged", "[tree][hoeffding_adaptive]") {
  static small_tree t;
  t = small_tree(small_params());
  rng r(4);
  static_cast<void>(run(t, r, 600, false, 600));
  REQUIRE(t.tree_size() >= 3);
  auto* s = new (buffer) small_tree::state_type(t.state());
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
