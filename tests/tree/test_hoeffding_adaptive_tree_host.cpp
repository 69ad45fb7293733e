// hoeffding_adaptive_tree after abrupt concept drift (host only: hundreds of thousands of
// samples). Prequential accuracy in the 5,000 samples after the change, against the plain
// hoeffding_tree on the identical stream (default parameters: Poisson(1) leaf weights,
// seed 1). SEA theta 7 -> 9.5 with 10% noise, change after 20,000 samples: adaptive SEA_A,
// plain SEA_P.
// Agrawal function 1 -> 5 (MOA numbering, 0 -> 4 here), all attributes numeric, 20
// streams (seeds 1..20), mean and per-stream standard deviation of adaptive - plain:
//   change after      20,000   50,000   100,000  200,000
//   perturbation 0.05 +1.71    +3.71    +1.64    +1.82   (sd 2.1 to 3.3 points)
//   perturbation 0    -2.01    -3.92    -3.68    -3.15
// With MOA's default perturbation (0.05, numeric attributes moved by up to 5% of their
// range) the adaptive tree is above at every length (at 50,000: plain 0.606, adaptive
// 0.643, 18 of 20 streams above); the test asserts half of the 50,000 margin. Without
// perturbation the plain tree is better: functions 1 and 5 both split on age, the old
// splits stay useful and the plain tree (0.668 to 0.682) even beats a tree that starts
// fresh on function 5 at the change (0.659), so replacing the root's subtree, which HAT
// does within ~500 samples of the change, can only lose there. A longer learning phase
// does not deepen the plain tree much (27 nodes at 20,000, 55 at 200,000; function 1
// needs few splits), so it does not make it relearn more slowly.
#include <cstddef>
#include <cstdint>

#include "edgeloop/eval/streams/agrawal.hpp"
#include "edgeloop/eval/streams/concept_drift_stream.hpp"
#include "edgeloop/eval/streams/sea.hpp"
#include "edgeloop/tree/hoeffding_adaptive_tree.hpp"
#include "edgeloop/tree/hoeffding_tree.hpp"
#include "support/test.hpp"

using namespace edgeloop;

namespace {
constexpr std::size_t after = 5000;

// Accuracy over samples [drift_at, drift_at + after) of a prequential run.
template <class Tree, class Stream>
double accuracy_after_drift(Tree& t, Stream& s, std::size_t drift_at) {
  std::size_t correct = 0;
  for (std::size_t i = 0; i < drift_at + after; ++i) {
    const auto z = s.next();
    if (i >= drift_at) correct += t.predict(z.x) == z.y ? 1 : 0;
    if (t.partial_fit(z.x, z.y) != status::ok) return -1.0;
  }
  return static_cast<double>(correct) / static_cast<double>(after);
}
}  // namespace

TEST_CASE("SEA threshold 7 -> 9.5: the adaptive tree recovers faster than the plain tree", "[tree][hoeffding_adaptive][host]") {
  using S = streams::sea<float>;
  constexpr std::size_t drift_at = 20000;
  auto make = [] {
    return streams::concept_drift_stream<S, S>(S({.function = 2, .noise = 0.1, .balance = false, .seed = 1}),
                                              S({.function = 3, .noise = 0.1, .balance = false, .seed = 2}),
                                              {.position = drift_at + 1, .width = 1, .seed = 3});
  };
  static hoeffding_tree<float, 3, 2, 1023, 512> plain;
  static hoeffding_adaptive_tree<float, 3, 2, 1023, 512, 512> adaptive;
  auto s1 = make();
  auto s2 = make();
  const double p = accuracy_after_drift(plain, s1, drift_at);
  const double a = accuracy_after_drift(adaptive, s2, drift_at);
  CHECK(p > 0.70);
  CHECK(a > p + 0.03);  // measured +0.054
  CHECK(adaptive.alternates_switched() >= 1);
}

TEST_CASE("Agrawal function 1 -> 5 with MOA's perturbation: the adaptive tree is above the plain tree", "[tree][hoeffding_adaptive][host]") {
  using A = streams::agrawal<float>;
  constexpr std::size_t drift_at = 50000, streams_run = 20;
  static hoeffding_tree<float, 9, 2, 1023, 512> plain;
  static hoeffding_adaptive_tree<float, 9, 2, 1023, 512, 512> adaptive;
  double p = 0, a = 0;
  std::size_t above = 0;
  for (std::uint64_t seed = 1; seed <= streams_run; ++seed) {
    auto make = [seed] {
      return streams::concept_drift_stream<A, A>(
          A({.function = 0, .perturbation = 0.05, .balance = false, .seed = seed}),
          A({.function = 4, .perturbation = 0.05, .balance = false, .seed = seed + 1}),
          {.position = drift_at + 1, .width = 1, .seed = 3});
    };
    plain.reset();
    adaptive.reset();
    auto s1 = make();
    auto s2 = make();
    const double ps = accuracy_after_drift(plain, s1, drift_at);
    const double as = accuracy_after_drift(adaptive, s2, drift_at);
    p += ps / static_cast<double>(streams_run);
    a += as / static_cast<double>(streams_run);
    above += as > ps ? 1 : 0;
    CHECK(adaptive.alternates_switched() >= 1);
  }
  CHECK(p > 0.55);
  CHECK(a > p + 0.018);  // measured +0.037
  CHECK(above >= 15);    // measured 18 of 20
}
