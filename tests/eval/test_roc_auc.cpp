#include <array>
#include <cstddef>
#include <limits>
#include <span>

#include "edgeloop/core/rng.hpp"
#include "edgeloop/eval/binned_roc_auc.hpp"
#include "edgeloop/eval/roc_auc.hpp"
#include "support/test.hpp"

using namespace edgeloop;
using edgeloop::test::close;

namespace {

#if defined(EDGELOOP_TARGET_TEST)
constexpr std::size_t sample_count = 64;
#else
constexpr std::size_t sample_count = 700;
#endif

// O(n^2) reference: over every (positive, negative) pair, 1 if the positive scores
// higher, 1/2 on a tie.
template <class Real>
long double pair_counting_auc(const scored_label<Real>* s, std::size_t n) {
  long double wins = 0, pairs = 0;
  for (std::size_t i = 0; i < n; ++i) {
    if (!s[i].positive) continue;
    for (std::size_t j = 0; j < n; ++j) {
      if (s[j].positive) continue;
      pairs += 1;
      if (s[i].score > s[j].score) wins += 1;
      else if (s[i].score == s[j].score) wins += 0.5L;
    }
  }
  return wins / pairs;
}

// Scores on a coarse grid (many ties) that lean higher for positives.
void make_scores(std::array<scored_label<double>, sample_count>& s, std::uint64_t seed, double grid) {
  rng r(seed);
  for (auto& v : s) {
    v.positive = r.bernoulli(0.4);
    double x = r.uniform<double>() + (v.positive ? 0.25 : 0.0);
    if (grid > 0) x = static_cast<double>(static_cast<int>(x / grid)) * grid;
    v.score = x;
  }
}

// Shared buffers (board RAM is small).
std::array<scored_label<double>, sample_count> g_scores{}, g_copy{};

}  // namespace

TEST_CASE("roc_auc equals O(n^2) pair counting, ties counted 1/2", "[eval][roc_auc]") {
  const double grids[] = {0.0, 0.01, 0.1, 0.5};
  std::uint64_t seed = 40;
  for (const double grid : grids) {
    make_scores(g_scores, ++seed, grid);
    const long double expected = pair_counting_auc(g_scores.data(), g_scores.size());
    g_copy = g_scores;
    double auc = -1;
    REQUIRE(roc_auc(std::span<scored_label<double>>(g_copy), auc) == status::ok);
    CHECK(close(auc, expected, 1e-14L));
    bool sorted = true;
    for (std::size_t i = 1; i < g_copy.size(); ++i) sorted = sorted && g_copy[i - 1].score <= g_copy[i].score;
    CHECK(sorted);
    // Sorting permuted the samples: same number of positives.
    std::size_t p0 = 0, p1 = 0;
    for (std::size_t i = 0; i < g_scores.size(); ++i) {
      p0 += g_scores[i].positive ? 1u : 0u;
      p1 += g_copy[i].positive ? 1u : 0u;
    }
    CHECK(p0 == p1);
  }
}

TEST_CASE("roc_auc: scikit-learn's documented example and all-tied scores", "[eval][roc_auc]") {
  // roc_auc_score([0, 0, 1, 1], [0.1, 0.4, 0.35, 0.8]) == 0.75 (scikit-learn docs).
  std::array<scored_label<float>, 4> s{{{0.1f, false}, {0.4f, false}, {0.35f, true}, {0.8f, true}}};
  float auc = 0;
  REQUIRE(roc_auc(std::span<scored_label<float>>(s), auc) == status::ok);
  CHECK(auc == 0.75f);
  std::array<scored_label<float>, 5> tied{{{0.3f, true}, {0.3f, false}, {0.3f, false}, {0.3f, true}, {0.3f, false}}};
  REQUIRE(roc_auc(std::span<scored_label<float>>(tied), auc) == status::ok);
  CHECK(auc == 0.5f);
}

TEST_CASE("roc_auc rejects non-finite scores and one-class buffers without touching them", "[eval][roc_auc]") {
  std::array<scored_label<float>, 4> s{{{0.9f, false}, {0.4f, true}, {std::numeric_limits<float>::quiet_NaN(), true}, {0.1f, false}}};
  const auto before = s;
  float auc = 7.0f;
  CHECK(roc_auc(std::span<scored_label<float>>(s), auc) == status::non_finite_input);
  CHECK(auc == 7.0f);
  CHECK(edgeloop::test::same_bytes(s, before));
  std::array<scored_label<float>, 3> one{{{0.9f, true}, {0.4f, true}, {0.1f, true}}};
  CHECK(roc_auc(std::span<scored_label<float>>(one), auc) == status::not_ready);
  CHECK(roc_auc(std::span<scored_label<float>>(), auc) == status::not_ready);
  CHECK(auc == 7.0f);
}

TEST_CASE("binned_roc_auc stays within its stated error bound of the exact AUC", "[eval][binned_roc_auc]") {
  const double grids[] = {0.0, 0.05};
  std::uint64_t seed = 50;
  for (const double grid : grids) {
    make_scores(g_scores, ++seed, grid);
    const long double exact = pair_counting_auc(g_scores.data(), g_scores.size());
    binned_roc_auc<16, double> b16({0.0, 1.25});
    binned_roc_auc<256, double> b256({0.0, 1.25});
    for (const auto& v : g_scores) {
      REQUIRE(b16.update(v.positive, v.score) == status::ok);
      REQUIRE(b256.update(v.positive, v.score) == status::ok);
    }
    const long double err16 = b16.value() - exact, err256 = b256.value() - exact;
    CHECK((err16 < 0 ? -err16 : err16) <= b16.error_bound() + 1e-12L);
    CHECK((err256 < 0 ? -err256 : err256) <= b256.error_bound() + 1e-12L);
    // Spread scores: the bound is about 1 / (2 * Bins) or less, and shrinks with Bins.
    CHECK(b16.error_bound() < 1.0 / 16.0);
    CHECK(b256.error_bound() < b16.error_bound());
  }
}

TEST_CASE("binned_roc_auc is exact when no bin holds both classes; clamps out-of-range scores",
          "[eval][binned_roc_auc]") {
  binned_roc_auc<4> b;  // bins over [0, 1): [0, .25) [.25, .5) [.5, .75) [.75, 1]
  CHECK(b.value() == 0.5f);
  CHECK_FALSE(b.defined());
  REQUIRE(b.update(false, -3.0f) == status::ok);  // clamped into bin 0
  REQUIRE(b.update(true, 0.3f) == status::ok);
  REQUIRE(b.update(false, 0.6f) == status::ok);
  REQUIRE(b.update(true, 9.0f) == status::ok);   // clamped into bin 3
  // pairs (pos, neg): (0.3,-3) win, (0.3,0.6) loss, (9,-3) win, (9,0.6) win -> 3/4
  CHECK(b.error_bound() == 0.0f);
  CHECK(b.value() == 0.75f);
  CHECK(b.bin_of(0.25f) == 1);
  CHECK(b.bin_of(1.0f) == 3);
  const auto before = b;
  CHECK(b.update(true, std::numeric_limits<float>::quiet_NaN()) == status::non_finite_input);
  CHECK(b.update(false, -std::numeric_limits<float>::infinity()) == status::non_finite_input);
  CHECK(b == before);
  CHECK(binned_roc_auc<4>::validate({1.0f, 1.0f}) == status::invalid_argument);
  CHECK(binned_roc_auc<4>::validate({0.0f, std::numeric_limits<float>::infinity()}) == status::invalid_argument);
}
