#include <array>
#include <cstddef>

#include "edgeloop/core/rng.hpp"
#include "edgeloop/eval/windowed_confusion_matrix.hpp"
#include "support/test.hpp"

using namespace edgeloop;
using edgeloop::test::close;

namespace {

constexpr std::size_t classes = 3;
#if defined(EDGELOOP_TARGET_TEST)
constexpr std::size_t stream_length = 120;
#else
constexpr std::size_t stream_length = 600;
#endif

// Shared stream buffers (board RAM is small).
std::array<class_label, stream_length> g_truth{}, g_pred{};

struct reference {
  long double accuracy, kappa, kappa_m, kappa_t, macro_f1;
};

// Recomputes the metrics over samples [first, last) from scratch with the textbook
// formulas; the no-change baseline of sample i is truth[i - 1] (the stream's previous
// true label, also for the window's first sample), and wrong for i == 0.
reference recompute(const class_label* truth, const class_label* pred, std::size_t first, std::size_t last) {
  long double m[classes][classes] = {};
  long double hits = 0;
  for (std::size_t i = first; i < last; ++i) {
    m[truth[i]][pred[i]] += 1;
    if (i > 0 && truth[i - 1] == truth[i]) hits += 1;
  }
  long double n = 0, diagonal = 0, row[classes] = {}, col[classes] = {};
  for (std::size_t i = 0; i < classes; ++i)
    for (std::size_t j = 0; j < classes; ++j) {
      n += m[i][j];
      row[i] += m[i][j];
      col[j] += m[i][j];
      if (i == j) diagonal += m[i][j];
    }
  reference r{};
  const long double p0 = diagonal / n;
  long double pe = 0, majority = 0, f1_sum = 0, seen = 0;
  for (std::size_t c = 0; c < classes; ++c) {
    pe += row[c] * col[c] / (n * n);
    if (row[c] > majority) majority = row[c];
    if (row[c] + col[c] > 0) {
      f1_sum += 2 * m[c][c] / (row[c] + col[c]);
      seen += 1;
    }
  }
  auto kappa_vs = [&](long double base) { return base < 1 ? (p0 - base) / (1 - base) : 0.0L; };
  r.accuracy = p0;
  r.kappa = kappa_vs(pe);
  r.kappa_m = kappa_vs(majority / n);
  r.kappa_t = kappa_vs(hits / n);
  r.macro_f1 = f1_sum / seen;
  return r;
}

template <std::size_t Window>
void check_window_against_recomputation(std::uint64_t seed) {
  rng r(seed);
  windowed_confusion_matrix<classes, Window, double> w;
  std::size_t mismatches = 0;
  for (std::size_t i = 0; i < stream_length; ++i) {
    // Sticky truth (repeats often, so kappa_t is informative) and a 70%-accurate predictor.
    g_truth[i] = (i > 0 && r.bernoulli(0.6)) ? g_truth[i - 1] : static_cast<class_label>(r.uniform_int(classes));
    g_pred[i] = r.bernoulli(0.7) ? g_truth[i] : static_cast<class_label>(r.uniform_int(classes));
    REQUIRE(w.update(g_truth[i], g_pred[i]) == status::ok);
    const std::size_t first = i + 1 > Window ? i + 1 - Window : 0;
    const reference ref = recompute(g_truth.data(), g_pred.data(), first, i + 1);
    const bool ok = w.samples() == i + 1 - first && close(w.accuracy(), ref.accuracy, 1e-12L, 1e-12L) &&
                    close(w.kappa(), ref.kappa, 1e-9L, 1e-12L) && close(w.kappa_m(), ref.kappa_m, 1e-9L, 1e-12L) &&
                    close(w.kappa_t(), ref.kappa_t, 1e-9L, 1e-12L) && close(w.macro_f1(), ref.macro_f1, 1e-12L, 1e-12L);
    if (!ok) ++mismatches;
  }
  CHECK(mismatches == 0);
}

}  // namespace

TEST_CASE("windowed_confusion_matrix equals a recomputation over the last W samples at every step",
          "[eval][windowed_confusion_matrix]") {
  check_window_against_recomputation<1>(11);
  check_window_against_recomputation<7>(12);
  check_window_against_recomputation<32>(13);
}

TEST_CASE("windowed_confusion_matrix rejects out-of-range labels and stays unchanged",
          "[eval][windowed_confusion_matrix]") {
  windowed_confusion_matrix<3, 4> w;
  for (class_label i = 0; i < 6; ++i) REQUIRE(w.update(static_cast<class_label>(i % 3), 0) == status::ok);
  const auto before = w;
  CHECK(w.update(3, 0) == status::label_out_of_range);
  CHECK(w.update(0, 7) == status::label_out_of_range);
  CHECK(w == before);
  CHECK(w.samples() == 4);
  w.reset();
  CHECK(w.samples() == 0);
  CHECK(w == (windowed_confusion_matrix<3, 4>{}));
}
