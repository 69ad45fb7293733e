#pragma once
/// confusion_matrix: streaming confusion matrix over Classes labels and the metrics
/// derived from it: accuracy, Cohen's kappa (Cohen 1960), kappa-M against the majority
/// class (Bifet et al. 2015, "Efficient online evaluation of big data stream
/// classifiers", KDD), kappa-temporal against the no-change classifier that repeats the
/// previous true label (Zliobaite, Bifet, Read, Pfahringer & Holmes 2015, "Evaluation
/// methods and decision theory for classification of streaming data with temporal
/// dependence", Machine Learning 98), per-class precision/recall/F1 and macro F1.
///
/// Rows are true labels, columns predicted labels. update() is O(1); kappa and macro F1
/// read-outs are O(Classes). The no-change baseline is tracked here: it is counted as
/// wrong on the first sample (there is no previous label to repeat).
/// Undefined ratios (0/0) read as 0, as scikit-learn's zero_division=0 and River do.
/// Memory: (Classes^2 + 2*Classes + 3) * sizeof(Count) + 4 bytes (+ padding).

#include <array>
#include <concepts>
#include <cstddef>
#include <cstdint>
#include <limits>

#include "../core/assert.hpp"
#include "../core/numeric.hpp"
#include "../core/status.hpp"
#include "metric.hpp"

namespace edgeloop {

template <std::size_t Classes, std::size_t Window, scalar Real, std::unsigned_integral Count>
class windowed_confusion_matrix;

template <std::size_t Classes, scalar Real = float, std::unsigned_integral Count = std::uint32_t>
class confusion_matrix {
  static_assert(Classes >= 2, "confusion_matrix needs at least two classes");
  static_assert(Classes <= std::numeric_limits<class_label>::max(), "too many classes for class_label");

 public:
  using real_type = Real;
  using count_type = Count;
  static constexpr std::size_t classes = Classes;
  static const std::size_t memory_bytes;

  constexpr confusion_matrix() noexcept = default;

  /// ok, label_out_of_range (either label >= Classes) or capacity_exceeded (Count full).
  constexpr status check(class_label y_true, class_label y_pred) const noexcept {
    if (y_true >= Classes || y_pred >= Classes) return status::label_out_of_range;
    if (samples_ == std::numeric_limits<Count>::max()) return status::capacity_exceeded;
    return status::ok;
  }

  /// Adds one (true, predicted) pair; on a non-ok status nothing changed.
  constexpr status update(class_label y_true, class_label y_pred) noexcept {
    if (const status s = check(y_true, y_pred); s != status::ok) return s;
    add(y_true, y_pred, no_change_hit(y_true));
    remember(y_true);
    return status::ok;
  }

  constexpr void reset() noexcept { *this = confusion_matrix{}; }

  // ---- counts ----
  constexpr Count samples() const noexcept { return samples_; }
  constexpr Count count(class_label y_true, class_label y_pred) const noexcept {
    EDGELOOP_ASSERT(y_true < Classes && y_pred < Classes, "confusion_matrix: label out of range");
    return counts_[std::size_t{y_true} * Classes + y_pred];
  }
  /// Samples whose true label is c (row sum).
  constexpr Count true_count(class_label c) const noexcept {
    EDGELOOP_ASSERT(c < Classes, "confusion_matrix: label out of range");
    return row_[c];
  }
  /// Samples predicted as c (column sum).
  constexpr Count predicted_count(class_label c) const noexcept {
    EDGELOOP_ASSERT(c < Classes, "confusion_matrix: label out of range");
    return col_[c];
  }
  /// Trace: correctly classified samples.
  constexpr Count correct() const noexcept { return correct_; }
  /// Samples on which the no-change classifier (previous true label) was right.
  constexpr Count no_change_correct() const noexcept { return no_change_correct_; }

  // ---- metrics ----
  constexpr Real accuracy() const noexcept { return ratio(correct_, samples_); }

  /// Cohen's kappa: (p0 - pe) / (1 - pe), pe = sum_c row_c * col_c / n^2.
  constexpr Real kappa() const noexcept {
    if (samples_ == 0) return Real(0);
    const Real n = static_cast<Real>(samples_);
    Real pe = 0;
    for (std::size_t c = 0; c < Classes; ++c) pe += static_cast<Real>(row_[c]) * static_cast<Real>(col_[c]);
    pe /= n * n;
    return kappa_against(pe);
  }

  /// Kappa-M: kappa against the classifier that always predicts the majority true class.
  constexpr Real kappa_m() const noexcept {
    Count majority = 0;
    for (std::size_t c = 0; c < Classes; ++c)
      if (row_[c] > majority) majority = row_[c];
    return kappa_against(ratio(majority, samples_));
  }

  /// Kappa-temporal: kappa against the no-change classifier.
  constexpr Real kappa_t() const noexcept { return kappa_against(ratio(no_change_correct_, samples_)); }

  /// Precision of class c: tp / (tp + fp).
  constexpr Real precision(class_label c) const noexcept { return ratio(count(c, c), predicted_count(c)); }
  /// Recall of class c: tp / (tp + fn).
  constexpr Real recall(class_label c) const noexcept { return ratio(count(c, c), true_count(c)); }
  /// F1 of class c: 2 tp / (2 tp + fp + fn), the harmonic mean of precision and recall.
  constexpr Real f1(class_label c) const noexcept {
    EDGELOOP_ASSERT(c < Classes, "confusion_matrix: label out of range");
    const Count tp = count(c, c);
    const Real denom = static_cast<Real>(row_[c]) + static_cast<Real>(col_[c]);
    return denom > Real(0) ? Real(2) * static_cast<Real>(tp) / denom : Real(0);
  }
  /// Macro F1: unweighted mean of f1(c) over the classes seen so far (as true or
  /// predicted label), like scikit-learn's f1_score(average="macro") without `labels`.
  constexpr Real macro_f1() const noexcept {
    Real sum = 0;
    std::size_t seen = 0;
    for (std::size_t c = 0; c < Classes; ++c) {
      if (row_[c] == 0 && col_[c] == 0) continue;
      sum += f1(static_cast<class_label>(c));
      ++seen;
    }
    return seen ? sum / static_cast<Real>(seen) : Real(0);
  }

  friend constexpr bool operator==(const confusion_matrix&, const confusion_matrix&) = default;

 private:
  template <std::size_t C, std::size_t W, scalar R, std::unsigned_integral N>
  friend class windowed_confusion_matrix;

  static constexpr Real ratio(Count a, Count b) noexcept {
    return b ? static_cast<Real>(a) / static_cast<Real>(b) : Real(0);
  }
  constexpr Real kappa_against(Real baseline) const noexcept {
    if (samples_ == 0) return Real(0);
    const Real denom = Real(1) - baseline;
    return denom != Real(0) ? (accuracy() - baseline) / denom : Real(0);
  }
  constexpr bool no_change_hit(class_label y_true) const noexcept { return has_last_ && last_true_ == y_true; }
  constexpr void remember(class_label y_true) noexcept {
    last_true_ = y_true;
    has_last_ = true;
  }
  constexpr void add(class_label y_true, class_label y_pred, bool hit) noexcept {
    ++counts_[std::size_t{y_true} * Classes + y_pred];
    ++row_[y_true];
    ++col_[y_pred];
    ++samples_;
    if (y_true == y_pred) ++correct_;
    if (hit) ++no_change_correct_;
  }
  constexpr void remove(class_label y_true, class_label y_pred, bool hit) noexcept {
    --counts_[std::size_t{y_true} * Classes + y_pred];
    --row_[y_true];
    --col_[y_pred];
    --samples_;
    if (y_true == y_pred) --correct_;
    if (hit) --no_change_correct_;
  }

  std::array<Count, Classes * Classes> counts_{};
  std::array<Count, Classes> row_{};
  std::array<Count, Classes> col_{};
  Count samples_ = 0;
  Count correct_ = 0;
  Count no_change_correct_ = 0;
  class_label last_true_ = 0;
  bool has_last_ = false;
};

template <std::size_t Classes, scalar Real, std::unsigned_integral Count>
constexpr std::size_t confusion_matrix<Classes, Real, Count>::memory_bytes =
    sizeof(confusion_matrix<Classes, Real, Count>);

static_assert(streaming_metric<confusion_matrix<3>, class_label, class_label>);

}  // namespace edgeloop
