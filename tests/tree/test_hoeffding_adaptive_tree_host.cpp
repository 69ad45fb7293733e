// hoeffding_adaptive_tree after abrupt concept drift (host only: tens of thousands of
// samples). Prequential accuracy in the 5,000 samples after the change, against the plain
// hoeffding_tree on the identical stream (default parameters: Poisson(1) leaf weights,
// seed 1). Measured: SEA theta 7 -> 9.5 with 10% noise: adaptive 0.842, plain 0.789;
// Agrawal function 1 -> 5 (MOA numbering, 0 -> 4 here), all attributes numeric, mean of
// three streams (seeds 7, 1, 3): adaptive 0.643, plain 0.631 (per stream +0.7, +3.7 and
// -0.9 points: functions 1 and 5 both split on age, so the plain tree's old splits stay
// useful and it adapts by growing below them; the margin is small by nature). The
// margins asserted are about half of those measured.
// Why Agrawal 1 -> 5 cannot show a large margin: function 5 (salary and loan bands per age
// band) is slow to learn for any Hoeffding tree. A fresh tree trained on function 5 alone
// scores 0.663 over its first 5,000 samples on these three streams (0.660 over 20 streams,
// seeds 1..20, where plain is 0.640 and adaptive 0.647): even replacing the whole tree at
// the instant of the change gains only ~2-3 points. The adaptive tree does what HAT
// prescribes: the root's ADWIN fires ~20 samples after the change, an alternate grows and
// takes the root's place ~450-700 samples after it (every stream), then grows like the
// fresh tree. Swapping only when the alternate's error is lower (replace_on_alternate_split
// off) gives 0.656 over the 20 streams but 82.58% instead of 83.33% on Elec2 (20 seeds).
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
constexpr std::size_t drift_at = 20000, after = 5000;

// Accuracy over samples [drift_at, drift_at + after) of a prequential run.
template <class Tree, class Stream>
double accuracy_after_drift(Tree& t, Stream& s) {
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
  auto make = [] {
    return streams::concept_drift_stream<S, S>(S({.function = 2, .noise = 0.1, .balance = false, .seed = 1}),
                                              S({.function = 3, .noise = 0.1, .balance = false, .seed = 2}),
                                              {.position = drift_at + 1, .width = 1, .seed = 3});
  };
  static hoeffding_tree<float, 3, 2, 1023, 512> plain;
  static hoeffding_adaptive_tree<float, 3, 2, 1023, 512, 512> adaptive;
  auto s1 = make();
  auto s2 = make();
  const double p = accuracy_after_drift(plain, s1);
  const double a = accuracy_after_drift(adaptive, s2);
  CHECK(p > 0.70);
  CHECK(a > p + 0.03);  // measured +0.054
  CHECK(adaptive.alternates_switched() >= 1);
}

TEST_CASE("Agrawal function 1 -> 5: the adaptive tree is above the plain tree", "[tree][hoeffding_adaptive][host]") {
  using A = streams::agrawal<float>;
  static hoeffding_tree<float, 9, 2, 1023, 512> plain;
  static hoeffding_adaptive_tree<float, 9, 2, 1023, 512, 512> adaptive;
  double p = 0, a = 0;
  for (const std::uint64_t seed : {7u, 1u, 3u}) {
    auto make = [seed] {
      return streams::concept_drift_stream<A, A>(
          A({.function = 0, .perturbation = 0.0, .balance = false, .seed = seed}),
          A({.function = 4, .perturbation = 0.0, .balance = false, .seed = seed + 1}),
          {.position = drift_at + 1, .width = 1, .seed = 3});
    };
    plain.reset();
    adaptive.reset();
    auto s1 = make();
    auto s2 = make();
    p += accuracy_after_drift(plain, s1) / 3;
    a += accuracy_after_drift(adaptive, s2) / 3;
    CHECK(adaptive.alternates_started() >= 1);
    CHECK(adaptive.alternates_switched() >= 1);
  }
  CHECK(p > 0.55);
  CHECK(a > p + 0.006);  // measured +0.012
}
