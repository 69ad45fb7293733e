// Synthetic data streams, large host-only checks: class proportions against closed forms,
// noise rates against their parameters and the concept drift sigmoid, each within a
// binomial bound of 5 standard deviations.

#include <array>
#include <cmath>
#include <cstddef>
#include <cstdint>

#include "edgeloop/eval/streams/agrawal.hpp"
#include "edgeloop/eval/streams/concept_drift_stream.hpp"
#include "edgeloop/eval/streams/hyperplane.hpp"
#include "edgeloop/eval/streams/led.hpp"
#include "edgeloop/eval/streams/random_rbf_drift.hpp"
#include "edgeloop/eval/streams/random_tree.hpp"
#include "edgeloop/eval/streams/sea.hpp"
#include "edgeloop/eval/streams/sine.hpp"
#include "edgeloop/eval/streams/stagger.hpp"
#include "support/test.hpp"

using namespace edgeloop;
using namespace edgeloop::streams;

namespace {

constexpr long n_large = 100000;

bool binomial_ok(long count, long n, double p, double z = 5.0) {
  const double mean = static_cast<double>(n) * p;
  const double sd = std::sqrt(static_cast<double>(n) * p * (1.0 - p));
  return std::fabs(static_cast<double>(count) - mean) <= z * sd + 1.0;
}

template <class S>
long count_label(S& s, long n, class_label y) {
  long c = 0;
  for (long i = 0; i < n; ++i) c += s.next().y == y;
  return c;
}

}  // namespace

TEST_CASE("sea class proportions follow theta^2 / 200; noise rate as set", "[eval][streams][sea][host]") {
  const double thetas[4] = {8, 9, 7, 9.5};
  for (std::uint8_t f = 0; f < 4; ++f) {
    sea<float> s({f, 0.0, false, 1000u + f});
    CHECK(binomial_ok(count_label(s, n_large, 0), n_large, thetas[f] * thetas[f] / 200.0));
  }
  // With noise q the label is 0 with probability p (1 - q) + (1 - p) q.
  sea<float> noisy({0, 0.1, false, 5});
  const double p0 = 64.0 / 200.0;
  CHECK(binomial_ok(count_label(noisy, n_large, 0), n_large, p0 * 0.9 + (1 - p0) * 0.1));
  // Balanced: exactly half.
  sea<float> balanced({3, 0.0, true, 6});
  CHECK(count_label(balanced, n_large, 1) == n_large / 2);
}

TEST_CASE("stagger and sine class proportions match the areas of their concepts",
          "[eval][streams][host]") {
  const double stagger_p1[3] = {1.0 / 9.0, 5.0 / 9.0, 6.0 / 9.0};
  for (std::uint8_t f = 0; f < 3; ++f) {
    stagger<float> s({f, false, 40u + f});
    CHECK(binomial_ok(count_label(s, n_large, 1), n_large, stagger_p1[f]));
  }
  constexpr double pi = 3.14159265358979323846;
  // P(b < sin a) = 1 - cos 1; P(b < 0.5 + 0.3 sin 3 pi a) = 0.5 + 0.2 / pi; a, b in [0, 1).
  const double sine_p0[4] = {1 - std::cos(1.0), std::cos(1.0), 0.5 + 0.2 / pi, 0.5 - 0.2 / pi};
  for (std::uint8_t f = 0; f < 4; ++f) {
    sine<double> s({f, false, 50u + f});
    CHECK(binomial_ok(count_label(s, n_large, 0), n_large, sine_p0[f]));
  }
}

TEST_CASE("agrawal: function 0 proportion and uniform nominal attributes", "[eval][streams][agrawal][host]") {
  agrawal<float> s({0, 0.0, false, 9});
  long zero = 0;
  std::array<long, 5> elevel{};
  std::array<long, 20> car{};
  std::array<long, 9> zip{};
  std::array<long, 61> age{};
  for (long i = 0; i < n_large; ++i) {
    const auto v = s.next();
    zero += v.y == 0;
    ++elevel[static_cast<std::size_t>(v.x[3])];
    ++car[static_cast<std::size_t>(v.x[4])];
    ++zip[static_cast<std::size_t>(v.x[5])];
    ++age[static_cast<std::size_t>(v.x[2]) - 20];
  }
  CHECK(binomial_ok(zero, n_large, 41.0 / 61.0));  // ages 20..39 and 60..80 of 20..80
  for (long c : elevel) CHECK(binomial_ok(c, n_large, 1.0 / 5));
  for (long c : car) CHECK(binomial_ok(c, n_large, 1.0 / 20));
  for (long c : zip) CHECK(binomial_ok(c, n_large, 1.0 / 9));
  for (long c : age) CHECK(binomial_ok(c, n_large, 1.0 / 61));
  // The rare classes of functions 7 and 9 do occur, and follow the recomputed concept.
  for (std::uint8_t f : {std::uint8_t{7}, std::uint8_t{9}}) {
    agrawal<double> r({f, 0.0, false, 10});
    long ones = 0, wrong = 0;
    for (long i = 0; i < n_large; ++i) {
      const auto v = r.next();
      ones += v.y;
      const double disposable = 2.0 * (v.x[0] + v.x[1]) / 3.0 - 5000.0 * v.x[3] +
                                (f == 7 ? -20000.0
                                        : (v.x[7] >= 20 ? v.x[6] * (v.x[7] - 20) / 50.0 : 0.0) - 10000.0);
      wrong += v.y != (disposable > 0 ? 0 : 1);
    }
    CHECK(ones > 50);
    CHECK(wrong == 0);
  }
}

TEST_CASE("led: per-segment noise rate, uniform digits, fair irrelevant bits", "[eval][streams][led][host]") {
  constexpr std::array<std::uint8_t, 10> lit{0x77, 0x24, 0x5D, 0x6D, 0x2E, 0x6B, 0x7B, 0x25, 0x7F, 0x6F};
  led<float> s({0.1, 0, 3});
  long flipped = 0, ones = 0;
  std::array<long, 10> digits{};
  for (long i = 0; i < n_large; ++i) {
    const auto v = s.next();
    ++digits[v.y];
    for (std::size_t j = 0; j < 7; ++j)
      flipped += static_cast<unsigned>(v.x[j]) != ((lit[v.y] >> j) & 1u);
    for (std::size_t j = 7; j < 24; ++j) ones += v.x[j] == 1.0f;
  }
  CHECK(binomial_ok(flipped, 7 * n_large, 0.1));
  CHECK(binomial_ok(ones, 17 * n_large, 0.5));
  for (long c : digits) CHECK(binomial_ok(c, n_large, 0.1));
}

TEST_CASE("hyperplane: label noise and direction reversals at their rates", "[eval][streams][hyperplane][host]") {
  hyperplane<float, 10> s({4, 0.001, 0.1, 0.05, 4});
  long flipped = 0, reversals = 0;
  for (long i = 0; i < n_large; ++i) {
    const auto w = s.weights();
    const auto dir = s.directions();
    const auto v = s.next();
    double sum = 0, sum_w = 0;
    for (std::size_t j = 0; j < 10; ++j) {
      sum += w[j] * static_cast<double>(v.x[j]);
      sum_w += w[j];
    }
    flipped += v.y != (sum >= 0.5 * sum_w ? 1 : 0);
    for (std::size_t j = 0; j < 4; ++j) reversals += s.directions()[j] != dir[j];
  }
  CHECK(binomial_ok(flipped, n_large, 0.05));
  CHECK(binomial_ok(reversals, 4 * n_large, 0.1));
}

TEST_CASE("random rbf: class shares follow centroid weights; spread follows std_dev",
          "[eval][streams][rbf][host]") {
  using rbf = random_rbf_drift<double, 5, 3, 10>;
  static rbf s({10, 0, 0.0, 21, 22});
  std::array<double, 3> share{};
  double total = 0;
  for (std::size_t j = 0; j < 10; ++j) {
    share[s.centroid_at(j).label] += s.centroid_at(j).weight;
    total += s.centroid_at(j).weight;
  }
  std::array<long, 3> counts{};
  for (long i = 0; i < n_large; ++i) ++counts[s.next().y];
  for (std::size_t c = 0; c < 3; ++c) CHECK(binomial_ok(counts[c], n_large, share[c] / total));

  // One centroid: ||x - centre||^2 = std_dev^2 Z^2, mean std_dev^2, variance 2 std_dev^4.
  using one = random_rbf_drift<double, 4, 2, 1>;
  one single({1, 0, 0.0, 5, 6});
  const auto& c = single.centroid_at(0);
  double sum = 0;
  for (long i = 0; i < n_large; ++i) {
    const auto v = single.next();
    double d2 = 0;
    for (std::size_t j = 0; j < 4; ++j) d2 += (v.x[j] - c.centre[j]) * (v.x[j] - c.centre[j]);
    sum += d2;
  }
  const double s2 = c.std_dev * c.std_dev;
  CHECK(std::fabs(sum / n_large - s2) <= 5.0 * std::sqrt(2.0 * s2 * s2 / n_large));
}

namespace {
using moa_tree = random_tree<float, 5, 5, 5, 2, 8192>;  // MOA's defaults
/// Probability mass of class y under uniform attributes, from the tree's own nodes.
double class_mass(const moa_tree& t, std::size_t at, class_label y, std::array<double, 5> lo,
                  std::array<double, 5> hi) {
  const auto& n = t.node_at(at);
  if (n.first_child == 0) return n.label == y ? 1.0 : 0.0;
  if (n.attribute < 5) {
    double m = 0;
    for (std::size_t c = 0; c < 5; ++c) m += class_mass(t, n.first_child + c, y, lo, hi) / 5.0;
    return m;
  }
  const std::size_t j = n.attribute - 5u;
  const double th = n.threshold, width = hi[j] - lo[j];
  if (width <= 0) return 0;
  auto hi_left = hi, lo_right = lo;
  hi_left[j] = th;
  lo_right[j] = th;
  return (th - lo[j]) / width * class_mass(t, n.first_child, y, lo, hi_left) +
         (hi[j] - th) / width * class_mass(t, n.first_child + 1, y, lo_right, hi);
}
}  // namespace

TEST_CASE("random tree: class frequencies equal the tree's class volumes", "[eval][streams][tree][host]") {
  static moa_tree t({5, 3, 0.15, 1, 1});
  CHECK_FALSE(t.node_pool_exhausted());
  const double p1 = class_mass(t, 0, 1, {0, 0, 0, 0, 0}, {1, 1, 1, 1, 1});
  CHECK(p1 > 0.0);
  CHECK(p1 < 1.0);
  CHECK(binomial_ok(count_label(t, n_large, 1), n_large, p1));
}

TEST_CASE("concept drift stream: fraction of drift samples follows the sigmoid", "[eval][streams][drift][host]") {
  // Each replicate is a fresh combinator with its own seed; at each t count the drift picks.
  using drift = concept_drift_stream<sine<float, false>, sine<float, false>>;
  constexpr int replicates = 4000, horizon = 100;
  const drift::params base{50, 20, 0};
  std::array<long, horizon + 1> from_b{};
  for (int r = 0; r < replicates; ++r) {
    drift d(sine<float, false>({0, false, 1}), sine<float, false>({1, false, 2}),
            {base.position, base.width, static_cast<std::uint64_t>(r + 1)});
    for (int t = 1; t <= horizon; ++t) {
      d.next();
      from_b[static_cast<std::size_t>(t)] += d.last_from_drift_stream();
    }
  }
  int outside = 0;
  long total = 0;
  double expected_total = 0;
  for (int t = 1; t <= horizon; ++t) {
    const double p = 1.0 / (1.0 + std::exp(-4.0 * (t - 50) / 20.0));
    outside += !binomial_ok(from_b[static_cast<std::size_t>(t)], replicates, p);
    total += from_b[static_cast<std::size_t>(t)];
    expected_total += p;
  }
  CHECK(outside == 0);
  CHECK(std::fabs(static_cast<double>(total) / replicates - expected_total) <
        5.0 * std::sqrt(expected_total / replicates));
  CHECK(from_b[50] > 45 * replicates / 100);
  CHECK(from_b[50] < 55 * replicates / 100);
}
