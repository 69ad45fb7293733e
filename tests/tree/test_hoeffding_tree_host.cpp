// Accuracy sanity on the synthetic streams of eval/streams (host only: tens of thousands
// of samples). Prequential (test-then-train) accuracy, first prediction counted.
#include <array>
#include <cstddef>

#include "edgeloop/eval/streams/agrawal.hpp"
#include "edgeloop/eval/streams/sea.hpp"
#include "edgeloop/tree/hoeffding_tree.hpp"
#include "support/test.hpp"

using namespace edgeloop;

namespace {
template <class Tree, class Stream>
double prequential_accuracy(Tree& t, Stream& s, std::size_t n) {
  std::size_t correct = 0;
  for (std::size_t i = 0; i < n; ++i) {
    const auto sample = s.next();
    correct += t.predict(sample.x) == sample.y ? 1 : 0;
    if (t.partial_fit(sample.x, sample.y) != status::ok) return -1.0;
  }
  return static_cast<double>(correct) / static_cast<double>(n);
}
}  // namespace

TEST_CASE("SEA with 10% label noise: close to the 90% ceiling", "[tree][hoeffding][host]") {
  using tree = hoeffding_tree<float, 3, 2, 255>;
  static tree t;
  streams::sea<float> s({.function = 0, .noise = 0.1, .balance = false, .seed = 1});
  const double acc = prequential_accuracy(t, s, 50000);
  CHECK(acc > 0.86);
  CHECK(acc < 0.90 + 0.005);  // cannot beat the noise by more than chance
  CHECK(t.node_count() > 3);
}

// Agrawal: each tree must beat the majority-class learner on the same stream by a wide
// margin; function 0 (age only) must be learned almost perfectly. Multiway splits on the
// 20-valued irrelevant "car" attribute are a known weakness of information gain with
// MOA/River's bound (n counts the weight inherited from the parent), so functions 1 and 4
// are checked with binary nominal splits and with all attributes numeric.
TEST_CASE("Agrawal functions are learned (nominal and numeric attributes)", "[tree][hoeffding][host]") {
  using tree = hoeffding_tree<float, 9, 2, 1023, 512, info_gain_criterion, gaussian_splitter<>, 20>;
  constexpr std::size_t n = 50000;
  for (std::uint8_t function : {std::uint8_t{0}, std::uint8_t{1}, std::uint8_t{4}}) {
    streams::agrawal<float> s({.function = function, .perturbation = 0.0, .balance = false, .seed = 7});
    std::size_t majority_correct = 0;
    std::array<std::size_t, 2> counts{};
    for (std::size_t i = 0; i < n; ++i) {
      const auto sample = s.next();
      majority_correct += (counts[1] > counts[0] ? 1 : 0) == sample.y ? 1 : 0;
      ++counts[sample.y];
    }
    const double majority = static_cast<double>(majority_correct) / static_cast<double>(n);

    tree::params p;
    p.nominal_cardinality = streams::agrawal<float>::nominal_cardinality;
    p.nominal = function == 0 ? nominal_split::multiway : nominal_split::binary;
    static tree t;
    t = tree(p);
    s.reset();
    const double acc_nominal = prequential_accuracy(t, s, n);
    static tree u;
    u = tree();
    s.reset();
    const double acc_numeric = prequential_accuracy(u, s, n);
    CHECK(acc_nominal > majority + 0.1);
    CHECK(acc_numeric > majority + 0.1);
    if (function == 0) {
      CHECK(acc_nominal > 0.98);
      CHECK(acc_numeric > 0.98);
    }
  }
}
