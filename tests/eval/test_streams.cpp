// Synthetic data streams: every label is recomputed here from x with the test's own
// implementation of the published concept; ranges, nominal values, balancing, determinism
// and reset are checked on small runs (this file also runs on the 16 KB boards).

#include <array>
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <type_traits>

#include "edgeloop/core/concepts.hpp"
#include "edgeloop/eval/streams/agrawal.hpp"
#include "edgeloop/eval/streams/concept_drift_stream.hpp"
#include "edgeloop/eval/streams/hyperplane.hpp"
#include "edgeloop/eval/streams/led.hpp"
#include "edgeloop/eval/streams/random_rbf_drift.hpp"
#include "edgeloop/eval/streams/random_tree.hpp"
#include "edgeloop/eval/streams/sea.hpp"
#include "edgeloop/eval/streams/sine.hpp"
#include "edgeloop/eval/streams/stagger.hpp"
#include "edgeloop/eval/streams/stream.hpp"
#include "support/test.hpp"

using namespace edgeloop;
using namespace edgeloop::streams;
using edgeloop::test::close;

namespace {

#if defined(EDGELOOP_TARGET_TEST)
constexpr int n_small = 200;
#else
constexpr int n_small = 2000;
#endif

/// FNV-1a over the labels and the bytes of the attribute values of n samples.
template <class S>
std::uint32_t sequence_hash(S& s, int n) {
  std::uint32_t h = 2166136261u;
  const auto mix = [&h](const void* p, std::size_t size) {
    const auto* b = static_cast<const unsigned char*>(p);
    for (std::size_t i = 0; i < size; ++i) h = (h ^ b[i]) * 16777619u;
  };
  for (int i = 0; i < n; ++i) {
    const auto v = s.next();
    for (const auto& e : v.x) mix(&e, sizeof e);
    mix(&v.y, sizeof v.y);
  }
  return h;
}

/// Same seed -> same sequence; reset() -> the same sequence again; another seed differs.
/// One static object per S (off the small board stacks), rebuilt in place with
/// std::construct_at (the streams are trivially destructible); one call per S.
template <class S>
bool deterministic(const typename S::params& p, const typename S::params& other, int n) {
  static_assert(std::is_trivially_destructible_v<S>);
  static S s(p);
  const std::uint32_t first = sequence_hash(s, n);
  std::construct_at(&s, p);
  if (sequence_hash(s, n) != first) return false;
  std::construct_at(&s, other);
  if (sequence_hash(s, n) == first) return false;
  std::construct_at(&s, p);
  for (int i = 0; i < 17; ++i) s.next();  // reset from the middle of the sequence
  s.reset();
  return sequence_hash(s, n) == first;
}

/// Every x respects nominal_cardinality (an integer in 0..k-1 where k > 0) and labels < classes.
template <class S>
bool nominal_and_labels_valid(const typename S::sample_type& s) {
  if (s.y >= S::classes) return false;
  for (std::size_t j = 0; j < S::features; ++j) {
    const auto k = S::nominal_cardinality[j];
    if (k == 0) continue;
    const double v = static_cast<double>(s.x[j]);
    if (v != std::floor(v) || v < 0 || v >= k) return false;
  }
  return true;
}

/// |count - n p| within z standard deviations (plus one for discreteness).
bool binomial_ok(long count, long n, double p, double z = 5.0) {
  const double mean = static_cast<double>(n) * p;
  const double sd = std::sqrt(static_cast<double>(n) * p * (1.0 - p));
  return std::fabs(static_cast<double>(count) - mean) <= z * sd + 1.0;
}

// ---- independent reference concepts ------------------------------------------------

int ref_sea(double a, double b, int function) {
  const double theta = function == 0 ? 8.0 : function == 1 ? 9.0 : function == 2 ? 7.0 : 9.5;
  return (a + b <= theta) ? 0 : 1;
}

int ref_stagger(int size, int color, int shape, int function) {
  // size: small 0, medium 1, large 2; color: red 0, blue 1, green 2; shape: circle 0.
  if (function == 0) return size == 0 && color == 0;
  if (function == 1) return color == 2 || shape == 0;
  return size != 0;
}

int ref_sine(double a, double b, int function) {
  if (function == 0) return b < std::sin(a) ? 0 : 1;
  if (function == 1) return b >= std::sin(a) ? 0 : 1;
  const double curve = 0.5 + 0.3 * std::sin(3.0 * 3.14159265358979323846 * a);
  if (function == 2) return b < curve ? 0 : 1;
  return b >= curve ? 0 : 1;
}

bool between(double v, double lo, double hi) { return lo <= v && v <= hi; }

/// Agrawal et al.'s ten functions as MOA writes them (class 0 = group A).
int ref_agrawal(int f, const std::array<float, 9>& x) {
  const double salary = x[0], commission = x[1], hvalue = x[6], loan = x[8];
  const int age = static_cast<int>(x[2]), elevel = static_cast<int>(x[3]),
            hyears = static_cast<int>(x[7]);
  bool a = false;
  switch (f) {
    case 0: a = age < 40 || age >= 60; break;
    case 1:
      if (age < 40) a = between(salary, 50000, 100000);
      else if (age < 60) a = between(salary, 75000, 125000);
      else a = between(salary, 25000, 75000);
      break;
    case 2:
      if (age < 40) a = elevel == 0 || elevel == 1;
      else if (age < 60) a = elevel == 1 || elevel == 2 || elevel == 3;
      else a = elevel == 2 || elevel == 3 || elevel == 4;
      break;
    case 3:
      if (age < 40)
        a = (elevel == 0 || elevel == 1) ? between(salary, 25000, 75000) : between(salary, 50000, 100000);
      else if (age < 60)
        a = (elevel == 1 || elevel == 2 || elevel == 3) ? between(salary, 50000, 100000)
                                                        : between(salary, 75000, 125000);
      else
        a = (elevel == 2 || elevel == 3 || elevel == 4) ? between(salary, 50000, 100000)
                                                        : between(salary, 25000, 75000);
      break;
    case 4:
      if (age < 40)
        a = between(salary, 50000, 100000) ? between(loan, 100000, 300000) : between(loan, 200000, 400000);
      else if (age < 60)
        a = between(salary, 75000, 125000) ? between(loan, 200000, 400000) : between(loan, 300000, 500000);
      else
        a = between(salary, 25000, 75000) ? between(loan, 300000, 500000) : between(loan, 100000, 300000);
      break;
    case 5: {
      const double total = salary + commission;
      if (age < 40) a = between(total, 50000, 100000);
      else if (age < 60) a = between(total, 75000, 125000);
      else a = between(total, 25000, 75000);
      break;
    }
    case 6: a = (2.0 * (salary + commission) / 3.0 - loan / 5.0 - 20000.0) > 0; break;
    case 7: a = (2.0 * (salary + commission) / 3.0 - 5000.0 * elevel - 20000.0) > 0; break;
    case 8: a = (2.0 * (salary + commission) / 3.0 - 5000.0 * elevel - loan / 5.0 - 10000.0) > 0; break;
    default: {
      double equity = 0.0;
      if (hyears >= 20) equity = hvalue * (hyears - 20.0) / 10.0;
      a = (2.0 * (salary + commission) / 3.0 - 5000.0 * elevel + equity / 5.0 - 10000.0) > 0;
    }
  }
  return a ? 0 : 1;
}

/// Seven-segment digits written as the lit segments, a = top, b = upper right,
/// c = lower right, d = bottom, e = lower left, f = upper left, g = middle.
constexpr const char* led_digits[10] = {"abcdef", "bc",    "abdeg", "abcdg",   "bcfg",
                                        "acdfg",  "acdefg", "abc",  "abcdefg", "abcdfg"};
/// Whether attribute i (MOA's order: top, upper-left, upper-right, middle, lower-left,
/// lower-right, bottom) is lit for `digit`.
int ref_led_segment(int digit, int attribute) {
  constexpr char letter_of_attribute[7] = {'a', 'f', 'b', 'g', 'e', 'c', 'd'};
  for (const char* s = led_digits[digit]; *s; ++s)
    if (*s == letter_of_attribute[attribute]) return 1;
  return 0;
}

}  // namespace

// ---- concepts and shapes -------------------------------------------------------------

TEST_CASE("every generator satisfies data_stream", "[eval][streams]") {
  STATIC_REQUIRE(data_stream<sea<float>>);
  STATIC_REQUIRE(data_stream<stagger<float>>);
  STATIC_REQUIRE(data_stream<sine<float>>);
  STATIC_REQUIRE(data_stream<sine<float, false>>);
  STATIC_REQUIRE(data_stream<agrawal<double>>);
  STATIC_REQUIRE(data_stream<hyperplane<float, 5>>);
  STATIC_REQUIRE(data_stream<random_rbf_drift<float, 3, 4, 6>>);
  STATIC_REQUIRE(data_stream<led<float>>);
  STATIC_REQUIRE(data_stream<random_tree<float, 3, 2, 4, 3, 64>>);
  STATIC_REQUIRE(data_stream<concept_drift_stream<sine<float>, sine<float>>>);
  STATIC_REQUIRE(sea<float>::features == 3);
  STATIC_REQUIRE(sine<float>::features == 4);
  STATIC_REQUIRE(sine<float, false>::features == 2);
  STATIC_REQUIRE(led<float>::features == 24);
  STATIC_REQUIRE(led<float, false>::features == 7);
  STATIC_REQUIRE(led<float>::classes == 10);
  STATIC_REQUIRE(agrawal<float>::nominal_cardinality[3] == 5);
  STATIC_REQUIRE(agrawal<float>::nominal_cardinality[4] == 20);
  STATIC_REQUIRE(agrawal<float>::nominal_cardinality[5] == 9);
  STATIC_REQUIRE(agrawal<float>::nominal_cardinality[0] == 0);
  STATIC_REQUIRE(stagger<float>::nominal_cardinality[2] == 3);
  STATIC_REQUIRE(random_tree<float, 3, 2, 4, 3, 64>::nominal_cardinality[2] == 4);
  STATIC_REQUIRE(random_tree<float, 3, 2, 4, 3, 64>::nominal_cardinality[3] == 0);
  STATIC_REQUIRE(has_memory_bytes<sea<float>>);
  STATIC_REQUIRE(sea<float>::memory_bytes == sizeof(sea<float>));
  // Small enough for a 16 KB board.
  STATIC_REQUIRE(sea<float>::memory_bytes < 128);
  STATIC_REQUIRE(led<float>::memory_bytes < 128);
  STATIC_REQUIRE(random_tree<float, 3, 2, 4, 3, 64>::memory_bytes < 1024);
}

TEST_CASE("validate rejects out-of-range parameters", "[eval][streams]") {
  const double nan = std::nan("");
  CHECK(sea<float>::validate({}) == status::ok);
  CHECK(sea<float>::validate({4, 0.1, false, 1}) == status::invalid_argument);
  CHECK(sea<float>::validate({0, 1.5, false, 1}) == status::invalid_argument);
  CHECK(sea<float>::validate({0, nan, false, 1}) == status::invalid_argument);
  CHECK(stagger<float>::validate({3, false, 1}) == status::invalid_argument);
  CHECK(stagger<float>::validate({2, true, 1}) == status::ok);
  CHECK(sine<float>::validate({4, false, 1}) == status::invalid_argument);
  CHECK(sine<float>::validate({3, false, 1}) == status::ok);
  CHECK(agrawal<float>::validate({10, 0.0, false, 1}) == status::invalid_argument);
  CHECK(agrawal<float>::validate({9, -0.1, false, 1}) == status::invalid_argument);
  CHECK(agrawal<float>::validate({9, 1.0, true, 1}) == status::ok);
  using hp = hyperplane<float, 4>;
  CHECK(hp::validate({}) == status::ok);
  CHECK(hp::validate({5, 0.0, 0.1, 0.05, 1}) == status::invalid_argument);
  CHECK(hp::validate({2, 0.0, 1.1, 0.05, 1}) == status::invalid_argument);
  CHECK(hp::validate({2, nan, 0.1, 0.05, 1}) == status::invalid_argument);
  using rbf = random_rbf_drift<float, 3, 2, 6>;
  CHECK(rbf::validate({}) == status::ok);
  CHECK(rbf::validate({0, 0, 0.0, 1, 1}) == status::invalid_argument);
  CHECK(rbf::validate({7, 0, 0.0, 1, 1}) == status::invalid_argument);
  CHECK(rbf::validate({3, 4, 0.0, 1, 1}) == status::invalid_argument);
  CHECK(rbf::validate({3, 3, -0.1, 1, 1}) == status::invalid_argument);
  CHECK(rbf::validate({3, 3, nan, 1, 1}) == status::invalid_argument);
  CHECK(led<float>::validate({0.1, 8, 1}) == status::invalid_argument);
  CHECK(led<float>::validate({0.1, 7, 1}) == status::ok);
  CHECK(led<float, false>::validate({0.1, 1, 1}) == status::invalid_argument);
  CHECK(led<float>::validate({-0.1, 0, 1}) == status::invalid_argument);
  using tree = random_tree<float, 2, 2, 3, 2, 32>;
  CHECK(tree::validate({}) == status::ok);
  CHECK(tree::validate({17, 3, 0.15, 1, 1}) == status::invalid_argument);
  CHECK(tree::validate({16, 3, 0.15, 1, 1}) == status::ok);
  CHECK(tree::validate({5, 3, 1.5, 1, 1}) == status::invalid_argument);
  using drift = concept_drift_stream<sea<float>, sea<float>>;
  CHECK(drift::validate({100, 0, 1}) == status::invalid_argument);
  CHECK(drift::validate({100, 1, 1}) == status::ok);
}

// ---- SEA -------------------------------------------------------------------------------

TEST_CASE("sea labels follow x0 + x1 <= theta for all four functions", "[eval][streams][sea]") {
  for (std::uint8_t f = 0; f < 4; ++f) {
    sea<float> s({f, 0.0, false, 100u + f});
    int mismatches = 0, out_of_range = 0, ones = 0;
    for (int i = 0; i < n_small; ++i) {
      const auto v = s.next();
      for (float a : v.x)
        if (!(a >= 0.0f && a <= 10.0f)) ++out_of_range;
      if (v.y != ref_sea(v.x[0], v.x[1], f)) ++mismatches;
      ones += v.y;
    }
    CHECK(mismatches == 0);
    CHECK(out_of_range == 0);
    CHECK(ones > 0);
    CHECK(ones < n_small);
  }
}

TEST_CASE("sea balance alternates the classes and noise flips labels", "[eval][streams][sea]") {
  sea<float> s({2, 0.0, true, 7});
  int wrong = 0;
  for (int i = 0; i < n_small; ++i) {
    const auto v = s.next();
    if (v.y != (i % 2 == 0 ? 1 : 0)) ++wrong;
    if (v.y != ref_sea(v.x[0], v.x[1], 2)) ++wrong;
  }
  CHECK(wrong == 0);
  sea<float> noisy({0, 0.25, false, 8});
  long flipped = 0;
  for (int i = 0; i < n_small; ++i) {
    const auto v = noisy.next();
    flipped += v.y != ref_sea(v.x[0], v.x[1], 0);
  }
  CHECK(binomial_ok(flipped, n_small, 0.25));
  sea<float> all_flipped({0, 1.0, false, 8});
  int kept = 0;
  for (int i = 0; i < 100; ++i) {
    const auto v = all_flipped.next();
    kept += v.y == ref_sea(v.x[0], v.x[1], 0);
  }
  CHECK(kept == 0);
}

TEST_CASE("sea is deterministic and resettable", "[eval][streams][sea]") {
  CHECK(deterministic<sea<float>>({1, 0.1, true, 42}, {1, 0.1, true, 43}, 100));
  CHECK(deterministic<sea<double>>({3, 0.2, false, 5}, {3, 0.2, false, 6}, 100));
}

// ---- STAGGER ---------------------------------------------------------------------------

TEST_CASE("stagger labels follow the three concepts on nominal attributes", "[eval][streams][stagger]") {
  for (std::uint8_t f = 0; f < 3; ++f) {
    for (bool balance : {false, true}) {
      stagger<float> s({f, balance, 11u + f});
      int wrong = 0, invalid = 0;
      std::array<int, 27> seen{};
      for (int i = 0; i < n_small; ++i) {
        const auto v = s.next();
        if (!nominal_and_labels_valid<stagger<float>>(v)) ++invalid;
        const int sz = static_cast<int>(v.x[0]), col = static_cast<int>(v.x[1]),
                  shp = static_cast<int>(v.x[2]);
        if (v.y != ref_stagger(sz, col, shp, f)) ++wrong;
        if (balance && v.y != (i % 2 == 0 ? 1 : 0)) ++wrong;
        if (!invalid) seen[static_cast<std::size_t>(sz * 9 + col * 3 + shp)] = 1;
      }
      CHECK(wrong == 0);
      CHECK(invalid == 0);
      if (!balance) {
        int combos = 0;
        for (int c : seen) combos += c;
        CHECK(combos == 27);  // every (size, color, shape) appears
      }
    }
  }
  CHECK(deterministic<stagger<float>>({1, true, 3}, {1, true, 4}, 100));
}

// ---- Sine ------------------------------------------------------------------------------

TEST_CASE("sine labels follow SINE1, SINE2 and their reversals", "[eval][streams][sine]") {
  for (std::uint8_t f = 0; f < 4; ++f) {
    sine<float> s({f, false, 21});
    int wrong = 0, out_of_range = 0;
    for (int i = 0; i < n_small; ++i) {
      const auto v = s.next();
      for (float a : v.x)
        if (!(a >= 0.0f && a < 1.0f)) ++out_of_range;
      if (v.y != ref_sine(v.x[0], v.x[1], f)) ++wrong;
    }
    CHECK(wrong == 0);
    CHECK(out_of_range == 0);
  }
  // Same seed, no balancing: the same points, reversed labels.
  sine<double, false> direct({2, false, 5}), reversed({3, false, 5});
  int agree = 0, differ = 0;
  for (int i = 0; i < n_small; ++i) {
    const auto a = direct.next(), b = reversed.next();
    if (a.x == b.x) ++agree;
    if (a.y != b.y) ++differ;
  }
  CHECK(agree == n_small);
  CHECK(differ == n_small);
}

TEST_CASE("sine balance alternates; irrelevant attributes are uniform draws", "[eval][streams][sine]") {
  sine<float> s({0, true, 9});
  int wrong = 0;
  double sum_irrelevant = 0;
  for (int i = 0; i < n_small; ++i) {
    const auto v = s.next();
    if (v.y != (i % 2 == 0 ? 1 : 0) || v.y != ref_sine(v.x[0], v.x[1], 0)) ++wrong;
    sum_irrelevant += v.x[2] + v.x[3];
  }
  CHECK(wrong == 0);
  // Mean of 2 n uniforms: 0.5 +- 5 sd, sd = sqrt(1/12 / (2 n)).
  CHECK(std::fabs(sum_irrelevant / (2.0 * n_small) - 0.5) < 5.0 * std::sqrt(1.0 / 24.0 / n_small));
  CHECK(deterministic<sine<float>>({3, true, 1}, {3, true, 2}, 100));
}

// ---- Agrawal ---------------------------------------------------------------------------

TEST_CASE("agrawal labels follow the ten functions; attributes as specified", "[eval][streams][agrawal]") {
  for (std::uint8_t f = 0; f < 10; ++f) {
    agrawal<float> s({f, 0.0, false, 31u + f});
    int wrong = 0, bad = 0, ones = 0;
    for (int i = 0; i < n_small; ++i) {
      const auto v = s.next();
      const auto& x = v.x;
      if (v.y != ref_agrawal(f, x)) ++wrong;
      ones += v.y;
      if (!nominal_and_labels_valid<agrawal<float>>(v)) ++bad;
      if (!(x[0] >= 20000 && x[0] <= 150000)) ++bad;
      if (x[0] >= 75000 ? x[1] != 0 : !(x[1] >= 10000 && x[1] <= 75000)) ++bad;
      if (!(x[2] >= 20 && x[2] <= 80 && x[2] == std::floor(x[2]))) ++bad;
      const double zip = x[5];
      if (!(x[6] >= (9 - zip) * 50000 * (1 - 1e-6) && x[6] <= (9 - zip) * 150000)) ++bad;
      if (!(x[7] >= 1 && x[7] <= 30 && x[7] == std::floor(x[7]))) ++bad;
      if (!(x[8] >= 0 && x[8] <= 500000)) ++bad;
    }
    CHECK(wrong == 0);
    CHECK(bad == 0);
    // Every function splits the population (no degenerate implementation); functions 7
    // and 9 give class 1 to about 2% and 0.2% only (checked on the host).
    if (f != 7 && f != 9) CHECK(ones > 0);
    CHECK(ones < n_small);
  }
}

TEST_CASE("agrawal balance alternates; perturbation stays within ranges", "[eval][streams][agrawal]") {
  agrawal<double> b({4, 0.0, true, 3});
  int wrong = 0;
  for (int i = 0; i < n_small / 2; ++i) {
    const auto v = b.next();
    if (v.y != (i % 2 == 0 ? 1 : 0)) ++wrong;
    if (v.y != agrawal<double>::concept_label(v.x, 4)) ++wrong;
  }
  CHECK(wrong == 0);

  // The first sample is drawn identically with and without perturbation; perturbation then
  // moves each numeric attribute by at most perturbation * range.
  agrawal<double> plain({0, 0.0, false, 17}), perturbed({0, 0.2, false, 17});
  const auto a = plain.next(), p = perturbed.next();
  CHECK(a.y == p.y);
  CHECK(std::fabs(a.x[0] - p.x[0]) <= 0.2 * 130000);
  CHECK(std::fabs(a.x[2] - p.x[2]) <= 0.2 * 60 + 0.5);
  CHECK(std::fabs(a.x[8] - p.x[8]) <= 0.2 * 500000);
  CHECK(a.x[3] == p.x[3]);
  CHECK(a.x[4] == p.x[4]);
  CHECK(a.x[5] == p.x[5]);
  int bad = 0, label_differs = 0;
  for (int i = 0; i < n_small; ++i) {
    const auto v = perturbed.next();
    const auto& x = v.x;
    if (!nominal_and_labels_valid<agrawal<double>>(v)) ++bad;
    if (!(x[0] >= 20000 && x[0] <= 150000 && x[2] >= 20 && x[2] <= 80 && x[2] == std::floor(x[2]))) ++bad;
    if (!(x[7] >= 1 && x[7] <= 30 && x[7] == std::floor(x[7]) && x[8] >= 0 && x[8] <= 500000)) ++bad;
    if (!(x[6] >= 0 && x[6] <= 1350000)) ++bad;
    if (x[0] >= 75000 && x[1] != 0 && !(x[1] >= 10000 && x[1] <= 75000)) ++bad;
    label_differs += v.y != agrawal<double>::concept_label(x, 0);
  }
  CHECK(bad == 0);
  CHECK(label_differs > 0);  // perturbation acts after labelling
  CHECK(deterministic<agrawal<float>>({9, 0.05, true, 1}, {9, 0.05, true, 2}, 100));
}

// ---- Rotating hyperplane ---------------------------------------------------------------

TEST_CASE("hyperplane labels follow the current weights; drifting weights move by mag_change",
          "[eval][streams][hyperplane]") {
  using hp = hyperplane<float, 5>;
  hp s({3, 0.01, 0.2, 0.0, 77});
  int wrong = 0, bad_move = 0, reversals = 0;
  for (int i = 0; i < n_small; ++i) {
    const auto w = s.weights();
    const auto dir = s.directions();
    const auto v = s.next();
    double sum = 0, sum_w = 0;
    for (std::size_t j = 0; j < 5; ++j) {
      sum += w[j] * static_cast<double>(v.x[j]);
      sum_w += w[j];
      if (!(v.x[j] >= 0.0f && v.x[j] < 1.0f)) ++wrong;
    }
    if (v.y != (sum >= 0.5 * sum_w ? 1 : 0)) ++wrong;
    for (std::size_t j = 0; j < 5; ++j) {
      const double expected = j < 3 ? w[j] + dir[j] * 0.01 : w[j];
      if (!(std::fabs(s.weights()[j] - expected) <= 1e-12)) ++bad_move;
      if (j < 3 && s.directions()[j] != dir[j]) ++reversals;
      if (j >= 3 && s.directions()[j] != 0) ++bad_move;
    }
  }
  CHECK(wrong == 0);
  CHECK(bad_move == 0);
  CHECK(binomial_ok(reversals, 3L * n_small, 0.2));

  hp noisy({0, 0.0, 0.0, 0.3, 78});
  long flipped = 0;
  for (int i = 0; i < n_small; ++i) {
    const auto w = noisy.weights();
    const auto v = noisy.next();
    double sum = 0, sum_w = 0;
    for (std::size_t j = 0; j < 5; ++j) {
      sum += w[j] * static_cast<double>(v.x[j]);
      sum_w += w[j];
    }
    flipped += v.y != (sum >= 0.5 * sum_w ? 1 : 0);
  }
  CHECK(binomial_ok(flipped, n_small, 0.3));
  CHECK(deterministic<hp>({2, 0.05, 0.1, 0.05, 1}, {2, 0.05, 0.1, 0.05, 2}, 100));
}

// ---- Random RBF with drift -------------------------------------------------------------

TEST_CASE("random rbf drift: labels, centroid motion inside the unit cube", "[eval][streams][rbf]") {
  using rbf = random_rbf_drift<float, 3, 4, 6>;
  static rbf s({6, 2, 0.05, 3, 4});
  std::array<std::array<float, 3>, 6> before{};  // the centres at the seed
  for (std::size_t j = 0; j < 6; ++j) before[j] = s.centroid_at(j).centre;
  for (std::size_t j = 0; j < 6; ++j) {
    double norm2 = 0;
    for (float v : s.centroid_at(j).speed) norm2 += double(v) * v;
    const bool unit_or_zero = j < 2 ? close(norm2, 1.0, 1e-5) : norm2 == 0.0;
    CHECK(unit_or_zero);
  }
  int bad = 0, stuck = 0;
  std::array<int, 4> class_seen{};
  for (int i = 0; i < n_small; ++i) {
    const auto previous0 = s.centroid_at(0).centre, previous1 = s.centroid_at(1).centre;
    const auto v = s.next();
    // Drifting centres bounce off the walls and keep moving (10 unit lengths in 200 steps).
    stuck += s.centroid_at(0).centre == previous0;
    stuck += s.centroid_at(1).centre == previous1;
    if (!nominal_and_labels_valid<rbf>(v)) ++bad;
    else class_seen[v.y] = 1;
    for (std::size_t j = 0; j < 6; ++j)
      for (float c : s.centroid_at(j).centre)
        if (!(c >= 0.0f && c <= 1.0f)) ++bad;
  }
  CHECK(bad == 0);
  CHECK(stuck == 0);
  int moved = 0, fixed = 0;
  for (std::size_t j = 0; j < 6; ++j) {
    const bool same = s.centroid_at(j).centre == before[j];
    (j < 2 ? moved : fixed) += j < 2 ? !same : same;
  }
  CHECK(moved == 2);
  CHECK(fixed == 4);
  // Labels are exactly the classes of the centroids.
  for (std::size_t c = 0; c < 4; ++c) {
    bool owned = false;
    for (std::size_t j = 0; j < 6; ++j) owned = owned || s.centroid_at(j).label == c;
    CHECK(class_seen[c] <= int(owned));
  }

  // One centroid: every label is its class, and the first drifting step moves the centre by
  // exactly change_speed along the unit speed (when no wall is hit).
  using one = random_rbf_drift<double, 2, 3, 1>;
  one single({1, 1, 1e-4, 9, 9});
  const auto c0 = single.centroid_at(0);
  const auto v = single.next();
  const auto& c1 = single.centroid_at(0);
  CHECK(v.y == c0.label);
  double step2 = 0;
  for (std::size_t i = 0; i < 2; ++i) step2 += (c1.centre[i] - c0.centre[i]) * (c1.centre[i] - c0.centre[i]);
  CHECK(close(std::sqrt(step2), 1e-4, 1e-9));
  int other_label = 0;
  for (int i = 0; i < 100; ++i) other_label += single.next().y != c0.label;
  CHECK(other_label == 0);

  CHECK(deterministic<rbf>({6, 3, 0.01, 1, 1}, {6, 3, 0.01, 1, 2}, 100));
  // reset() also restores the centroids that moved.
  s.reset();
  for (std::size_t j = 0; j < 6; ++j) CHECK(s.centroid_at(j).centre == before[j]);
}

// ---- LED -------------------------------------------------------------------------------

TEST_CASE("led segments show the digit without noise; irrelevant attributes binary", "[eval][streams][led]") {
  led<float> s({0.0, 0, 51});
  int wrong = 0;
  std::array<int, 10> digits{};
  for (int i = 0; i < n_small; ++i) {
    const auto v = s.next();
    if (!nominal_and_labels_valid<led<float>>(v)) {
      ++wrong;
      continue;
    }
    ++digits[v.y];
    for (int j = 0; j < 7; ++j)
      if (static_cast<int>(v.x[static_cast<std::size_t>(j)]) != ref_led_segment(v.y, j)) ++wrong;
  }
  CHECK(wrong == 0);
  for (int d : digits) CHECK(d > 0);

  // Drift variant: segment i < d is written at 7 + i and irrelevant attribute 7 + i at i.
  led<float> drift({0.0, 3, 52});
  int moved_wrong = 0;
  for (int i = 0; i < n_small; ++i) {
    const auto v = drift.next();
    for (int j = 0; j < 7; ++j) {
      const std::size_t at = static_cast<std::size_t>(j < 3 ? 7 + j : j);
      if (static_cast<int>(v.x[at]) != ref_led_segment(v.y, j)) ++moved_wrong;
    }
  }
  CHECK(moved_wrong == 0);

  led<float, false> noisy({0.1, 0, 53});
  long flipped = 0;
  for (int i = 0; i < n_small; ++i) {
    const auto v = noisy.next();
    for (int j = 0; j < 7; ++j)
      flipped += static_cast<int>(v.x[static_cast<std::size_t>(j)]) != ref_led_segment(v.y, j);
  }
  CHECK(binomial_ok(flipped, 7L * n_small, 0.1));
  CHECK(deterministic<led<float>>({0.1, 2, 1}, {0.1, 2, 2}, 100));
}

// ---- Random tree -----------------------------------------------------------------------

namespace {
#if defined(EDGELOOP_TARGET_TEST)
constexpr std::size_t tree_nodes = 24;
#else
constexpr std::size_t tree_nodes = 200;
#endif
using small_tree = random_tree<float, 3, 2, 4, 3, tree_nodes>;

/// Walks the tree on its own and checks the structure: depth <= max_depth, no nominal
/// attribute twice on a path, numeric thresholds inside the interval of their path, no
/// leaf above first_leaf_level unless the pool ran out, children inside the array.
struct tree_checker {
  const small_tree& t;
  small_tree::params p;
  int errors = 0;
  std::size_t max_depth_seen = 0;
  void walk(std::size_t at, std::size_t depth, unsigned used_nominals,
            std::array<float, 2> lo, std::array<float, 2> hi) {
    if (depth > max_depth_seen) max_depth_seen = depth;
    const auto& n = t.node_at(at);
    if (n.first_child == 0) {
      if (n.label >= 3) ++errors;
      if (depth < p.first_leaf_level && depth < p.max_depth && !t.node_pool_exhausted()) ++errors;
      return;
    }
    if (depth >= p.max_depth) ++errors;
    if (n.attribute < 3) {
      if (used_nominals & (1u << n.attribute)) ++errors;
      if (n.first_child + 4u > t.node_count()) { ++errors; return; }
      for (std::size_t c = 0; c < 4; ++c)
        walk(n.first_child + c, depth + 1, used_nominals | (1u << n.attribute), lo, hi);
    } else {
      const std::size_t j = n.attribute - 3u;
      if (j >= 2 || !(n.threshold >= lo[j] && n.threshold <= hi[j])) { ++errors; return; }
      if (n.first_child + 2u > t.node_count()) { ++errors; return; }
      auto hi_left = hi, lo_right = lo;
      hi_left[j] = n.threshold;
      lo_right[j] = n.threshold;
      walk(n.first_child, depth + 1, used_nominals, lo, hi_left);
      walk(n.first_child + 1, depth + 1, used_nominals, lo_right, hi);
    }
  }
  int label(const std::array<float, 5>& x) const {
    std::size_t at = 0;
    for (;;) {
      const auto& n = t.node_at(at);
      if (n.first_child == 0) return n.label;
      if (n.attribute < 3) at = n.first_child + static_cast<std::size_t>(x[n.attribute]);
      else at = n.first_child + (x[n.attribute] >= n.threshold ? 1u : 0u);
    }
  }
};
}  // namespace

TEST_CASE("random tree: structure as specified and labels from the tree", "[eval][streams][tree]") {
  static small_tree t({5, 2, 0.3, 7, 8});
  tree_checker check{t, t.parameters()};
  check.walk(0, 0, 0u, {0.0f, 0.0f}, {1.0f, 1.0f});
  CHECK(check.errors == 0);
  CHECK(check.max_depth_seen <= 5);
  CHECK(t.node_count() > 1);
  CHECK(t.node_count() <= tree_nodes);
  int wrong = 0;
  std::array<int, 3> counts{};
  for (int i = 0; i < n_small; ++i) {
    const auto v = t.next();
    if (!nominal_and_labels_valid<small_tree>(v)) { ++wrong; continue; }
    for (std::size_t j = 3; j < 5; ++j)
      if (!(v.x[j] >= 0.0f && v.x[j] < 1.0f)) ++wrong;
    if (v.y != check.label(v.x)) ++wrong;
    ++counts[v.y];
  }
  CHECK(wrong == 0);
  CHECK(deterministic<small_tree>({5, 2, 0.3, 7, 8}, {5, 2, 0.3, 7, 9}, 100));
  // Another tree seed gives another tree.
  static small_tree other({5, 2, 0.3, 8, 8});
  bool differs = other.node_count() != t.node_count();
  for (std::size_t i = 0; !differs && i < t.node_count(); ++i)
    differs = other.node_at(i).attribute != t.node_at(i).attribute ||
              other.node_at(i).label != t.node_at(i).label ||
              other.node_at(i).threshold != t.node_at(i).threshold;
  CHECK(differs);
}

TEST_CASE("random tree: depth 0 is one leaf; a full pool freezes into leaves", "[eval][streams][tree]") {
  static random_tree<float, 3, 2, 4, 3, 1> stump({0, 0, 0.0, 3, 3});
  CHECK(stump.node_count() == 1);
  const auto y0 = stump.next().y;
  int other = 0;
  for (int i = 0; i < 100; ++i) other += stump.next().y != y0;
  CHECK(other == 0);

  using tiny = random_tree<float, 0, 3, 2, 2, 9>;  // numeric only: a full depth-4 tree needs 31
  static tiny t({4, 4, 0.0, 5, 5});
  CHECK(t.node_pool_exhausted());
  CHECK(t.node_count() <= 9);
  CHECK(t.node_count() % 2 == 1);  // root + pairs of children
  int wrong = 0;
  for (int i = 0; i < 200; ++i) {
    const auto v = t.next();
    if (v.y >= 2) ++wrong;
    if (v.y != t.classify(v.x)) ++wrong;
  }
  CHECK(wrong == 0);
  // Nominal attributes only, all used up before max_depth: the paths end in leaves.
  using nominal_only = random_tree<float, 2, 0, 3, 2, 16>;
  static nominal_only n({6, 6, 0.0, 2, 2});
  CHECK_FALSE(n.node_pool_exhausted());
  CHECK(n.node_count() == 1 + 3 + 9);
}

// ---- Concept drift ---------------------------------------------------------------------

namespace {
/// A stream that counts: x = {tag, count}, y = tag; tells which stream a sample came from
/// and how often each stream was advanced.
template <int Tag>
struct counting_stream {
  using scalar_type = float;
  static constexpr std::size_t features = 2, classes = 2;
  static constexpr std::array<std::uint8_t, features> nominal_cardinality{2, 0};
  using sample_type = labelled_sample<float, features>;
  struct params {};
  static constexpr status validate(const params&) noexcept { return status::ok; }
  float count = 0;
  sample_type next() noexcept { return {{float(Tag), count++}, class_label(Tag)}; }
  void reset() noexcept { count = 0; }
};
}  // namespace

TEST_CASE("concept drift stream: width 1 switches abruptly at position", "[eval][streams][drift]") {
  STATIC_REQUIRE(data_stream<counting_stream<0>>);
  using drift = concept_drift_stream<counting_stream<0>, counting_stream<1>>;
  drift s({}, {}, {150, 1, 12});
  int wrong = 0;
  float a_count = 0, b_count = 0;
  for (std::uint64_t t = 1; t <= 300; ++t) {
    const auto v = s.next();
    if (s.samples_seen() != t) ++wrong;
    if (t <= 144 && v.y != 0) ++wrong;   // P(B) <= 1/(1+e^24) before position - 5
    if (t >= 156 && v.y != 1) ++wrong;   // P(A) <= 1/(1+e^24) after position + 5
    if (s.last_from_drift_stream() != (v.y == 1)) ++wrong;
    // Only the chosen stream advances.
    if (v.x[1] != (v.y == 1 ? b_count++ : a_count++)) ++wrong;
  }
  CHECK(wrong == 0);
  CHECK(a_count + b_count == 300);
  CHECK(close(drift::drift_probability(150, s.parameters()), 0.5, 1e-15));
  CHECK(close(drift::drift_probability(151, s.parameters()), 1.0 / (1.0 + std::exp(-4.0)), 1e-15));
  CHECK(close(drift::drift_probability(100, {200, 50, 1}), 1.0 / (1.0 + std::exp(8.0)), 1e-12));

  // reset() replays the same choices.
  std::array<class_label, 300> first{};
  s.reset();
  for (auto& y : first) y = s.next().y;
  s.reset();
  int replay = 0;
  for (auto y : first) replay += s.next().y != y;
  CHECK(replay == 0);

  // Real streams: SEA function 0 drifting to function 3 at sample 100.
  using sea_drift = concept_drift_stream<sea<float>, sea<float>>;
  sea_drift d(sea<float>({0, 0.0, false, 1}), sea<float>({3, 0.0, false, 2}), {100, 1, 3});
  int mismatch = 0;
  for (int t = 1; t <= 200; ++t) {
    const auto v = d.next();
    const int f = d.last_from_drift_stream() ? 3 : 0;
    if (v.y != ref_sea(v.x[0], v.x[1], f)) ++mismatch;
    if (t < 95 && f != 0) ++mismatch;
    if (t > 105 && f != 3) ++mismatch;
  }
  CHECK(mismatch == 0);
}
