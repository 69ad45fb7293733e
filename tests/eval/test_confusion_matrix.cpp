#include <array>
#include <cstddef>
#include <cstdint>

#include "edgeloop/eval/confusion_matrix.hpp"
#include "support/test.hpp"

using namespace edgeloop;
using edgeloop::test::close;

namespace {

// Textbook metrics of a K x K confusion matrix (rows = truth, columns = prediction),
// written out independently of the library, in long double.
template <std::size_t K>
struct textbook {
  long double accuracy, kappa, kappa_m, macro_f1;
  std::array<long double, K> precision, recall, f1;
};

template <std::size_t K>
textbook<K> textbook_metrics(const std::array<std::array<long double, K>, K>& m) {
  textbook<K> r{};
  long double n = 0, diagonal = 0;
  std::array<long double, K> row{}, col{};
  for (std::size_t i = 0; i < K; ++i)
    for (std::size_t j = 0; j < K; ++j) {
      n += m[i][j];
      row[i] += m[i][j];
      col[j] += m[i][j];
      if (i == j) diagonal += m[i][j];
    }
  const long double p0 = diagonal / n;
  long double pe = 0, majority = 0;
  for (std::size_t c = 0; c < K; ++c) {
    pe += (row[c] / n) * (col[c] / n);
    if (row[c] > majority) majority = row[c];
  }
  r.accuracy = p0;
  r.kappa = (p0 - pe) / (1 - pe);
  r.kappa_m = (p0 - majority / n) / (1 - majority / n);
  long double f1_sum = 0;
  std::size_t seen = 0;
  for (std::size_t c = 0; c < K; ++c) {
    const long double tp = m[c][c], fp = col[c] - tp, fn = row[c] - tp;
    r.precision[c] = tp + fp > 0 ? tp / (tp + fp) : 0;
    r.recall[c] = tp + fn > 0 ? tp / (tp + fn) : 0;
    r.f1[c] = r.precision[c] + r.recall[c] > 0 ? 2 * r.precision[c] * r.recall[c] / (r.precision[c] + r.recall[c]) : 0;
    if (row[c] > 0 || col[c] > 0) {
      f1_sum += r.f1[c];
      ++seen;
    }
  }
  r.macro_f1 = f1_sum / static_cast<long double>(seen);
  return r;
}

}  // namespace

TEST_CASE("confusion_matrix metrics equal the textbook formulas on a hand-made matrix", "[eval][confusion_matrix]") {
  // Hand-made 3-class matrix, rows = true label, columns = predicted label.
  const std::array<std::array<int, 3>, 3> m{{{5, 2, 1}, {1, 6, 2}, {0, 3, 4}}};
  std::array<std::array<long double, 3>, 3> ml{};
  // Interleave the cells so the stream order is not sorted by label; record the truth
  // sequence to count the no-change baseline's hits independently.
  std::array<class_label, 24> truth{};
  std::size_t n = 0;
  confusion_matrix<3, double> cm;
  confusion_matrix<3, float> cmf;
  std::array<std::array<int, 3>, 3> left = m;
  bool any = true;
  while (any) {
    any = false;
    for (std::size_t i = 0; i < 3; ++i)
      for (std::size_t j = 0; j < 3; ++j)
        if (left[i][j] > 0) {
          --left[i][j];
          any = true;
          REQUIRE(cm.update(static_cast<class_label>(i), static_cast<class_label>(j)) == status::ok);
          REQUIRE(cmf.update(static_cast<class_label>(i), static_cast<class_label>(j)) == status::ok);
          truth[n++] = static_cast<class_label>(i);
        }
  }
  REQUIRE(n == 24);
  for (std::size_t i = 0; i < 3; ++i)
    for (std::size_t j = 0; j < 3; ++j) {
      ml[i][j] = m[i][j];
      CHECK(cm.count(static_cast<class_label>(i), static_cast<class_label>(j)) == static_cast<std::uint32_t>(m[i][j]));
    }
  const textbook<3> ref = textbook_metrics(ml);
  // No-change classifier: predicts the previous true label; wrong on the first sample.
  long double no_change_hits = 0;
  for (std::size_t i = 1; i < n; ++i)
    if (truth[i] == truth[i - 1]) no_change_hits += 1;
  const long double pt = no_change_hits / 24.0L;
  const long double kappa_t = (ref.accuracy - pt) / (1 - pt);

  CHECK(cm.samples() == 24);
  CHECK(cm.correct() == 15);
  CHECK(cm.no_change_correct() == static_cast<std::uint32_t>(no_change_hits));
  CHECK(close(cm.accuracy(), ref.accuracy, 1e-14L));
  CHECK(close(cm.kappa(), ref.kappa, 1e-13L));
  CHECK(close(cm.kappa_m(), ref.kappa_m, 1e-13L));
  CHECK(close(cm.kappa_t(), kappa_t, 1e-13L));
  CHECK(close(cm.macro_f1(), ref.macro_f1, 1e-13L));
  for (class_label c = 0; c < 3; ++c) {
    CHECK(close(cm.precision(c), ref.precision[c], 1e-14L));
    CHECK(close(cm.recall(c), ref.recall[c], 1e-14L));
    CHECK(close(cm.f1(c), ref.f1[c], 1e-14L));
  }
  CHECK(close(cmf.kappa(), ref.kappa, 1e-5L));
  CHECK(close(cmf.kappa_t(), kappa_t, 1e-5L));
  CHECK(close(cmf.macro_f1(), ref.macro_f1, 1e-5L));
  // Spot values worked by hand: p0 = 15/24; pe = (8*6 + 9*11 + 7*7) / 576 = 196/576.
  CHECK(close(cm.accuracy(), 0.625L, 1e-15L));
  CHECK(close(cm.kappa(), (15.0L / 24 - 196.0L / 576) / (1 - 196.0L / 576), 1e-13L));
}

TEST_CASE("confusion_matrix kappa reproduces Wikipedia's worked example (kappa = 0.4)", "[eval][confusion_matrix]") {
  // Wikipedia, "Cohen's kappa", simple example: 50 grant proposals read by readers A and
  // B. Both yes: 20; A yes, B no: 5; A no, B yes: 10; both no: 15. p0 = 0.7, pe = 0.5,
  // kappa = 0.4. Reader A is taken as the truth, B as the prediction (yes = 1, no = 0).
  confusion_matrix<2, double> cm;
  auto add = [&](class_label a, class_label b, int times) {
    for (int i = 0; i < times; ++i) REQUIRE(cm.update(a, b) == status::ok);
  };
  add(1, 1, 20);
  add(1, 0, 5);
  add(0, 1, 10);
  add(0, 0, 15);
  CHECK(close(cm.accuracy(), 0.7L, 1e-15L));
  CHECK(close(cm.kappa(), 0.4L, 1e-14L));
}

TEST_CASE("confusion_matrix kappa_t of the no-change classifier itself is 0", "[eval][confusion_matrix]") {
  // A model that predicts the previous true label (and class 0 first) ties the baseline
  // everywhere except possibly the first sample, where the baseline is wrong by
  // convention: start with truth 1 so the model is wrong there too.
  const std::array<class_label, 12> truth{1, 1, 0, 0, 0, 2, 2, 1, 1, 1, 0, 2};
  confusion_matrix<3, double> cm;
  class_label previous = 0;
  for (const class_label y : truth) {
    REQUIRE(cm.update(y, previous) == status::ok);
    previous = y;
  }
  CHECK(cm.correct() == cm.no_change_correct());
  CHECK(cm.kappa_t() == 0.0);
  CHECK(cm.accuracy() > 0.0);  // 6 repeats in 12 samples: the statistic is not trivially 0
}

TEST_CASE("confusion_matrix rejects out-of-range labels and stays unchanged", "[eval][confusion_matrix]") {
  confusion_matrix<3> cm;
  REQUIRE(cm.update(0, 1) == status::ok);
  REQUIRE(cm.update(2, 2) == status::ok);
  const confusion_matrix<3> before = cm;
  CHECK(cm.update(3, 0) == status::label_out_of_range);
  CHECK(cm.update(0, 3) == status::label_out_of_range);
  CHECK(cm.update(65535, 65535) == status::label_out_of_range);
  CHECK(cm.check(1, 3) == status::label_out_of_range);
  CHECK(cm == before);
  // A rejected label does not become the no-change baseline's "previous label".
  REQUIRE(cm.update(2, 0) == status::ok);
  CHECK(cm.no_change_correct() == 1);
}

TEST_CASE("confusion_matrix with a small Count reports capacity_exceeded when full", "[eval][confusion_matrix]") {
  confusion_matrix<2, float, std::uint8_t> cm;
  for (int i = 0; i < 255; ++i) REQUIRE(cm.update(static_cast<class_label>(i & 1), 0) == status::ok);
  const auto before = cm;
  CHECK(cm.update(0, 0) == status::capacity_exceeded);
  CHECK(cm == before);
  CHECK(cm.samples() == 255);
}

TEST_CASE("confusion_matrix read-outs of degenerate streams are 0, not NaN", "[eval][confusion_matrix]") {
  confusion_matrix<3> cm;
  CHECK(cm.accuracy() == 0.0f);
  CHECK(cm.kappa() == 0.0f);
  CHECK(cm.kappa_t() == 0.0f);
  CHECK(cm.kappa_m() == 0.0f);
  CHECK(cm.macro_f1() == 0.0f);
  for (int i = 0; i < 5; ++i) REQUIRE(cm.update(1, 1) == status::ok);  // one class, always right: pe = 1
  CHECK(cm.accuracy() == 1.0f);
  CHECK(cm.kappa() == 0.0f);
  CHECK(cm.kappa_m() == 0.0f);
  CHECK(cm.precision(0) == 0.0f);
  CHECK(cm.macro_f1() == 1.0f);  // only class 1 was seen
  cm.reset();
  CHECK(cm == confusion_matrix<3>{});
  STATIC_REQUIRE(confusion_matrix<3>::memory_bytes == sizeof(confusion_matrix<3>));
}
