#pragma once
/// roc_auc: exact area under the ROC curve of a caller-provided buffer of (score, label)
/// pairs: the probability that a random positive scores above a random negative, ties
/// counted as 1/2 (the Mann-Whitney U statistic / (P * N); scikit-learn's roc_auc_score
/// gives the same value, ties included).
/// The buffer is sorted in place by score with a heap sort (Williams 1964): O(n log n)
/// time, O(1) extra memory, no heap allocation. The numerator is accumulated exactly in
/// 64-bit integers (twice the U statistic), so the result is exact up to the final division.

#include <cstddef>
#include <cstdint>
#include <span>

#include "../core/numeric.hpp"
#include "../core/status.hpp"

namespace edgeloop {

/// One scored sample: the classifier's score for the positive class and the truth.
template <scalar Real>
struct scored_label {
  Real score;
  bool positive;
};

namespace detail {

template <class T, class Less>
constexpr void sift_down(std::span<T> a, std::size_t root, std::size_t end, Less less) noexcept {
  while (true) {
    std::size_t child = 2 * root + 1;
    if (child >= end) return;
    if (child + 1 < end && less(a[child], a[child + 1])) ++child;
    if (!less(a[root], a[child])) return;
    const T tmp = a[root];
    a[root] = a[child];
    a[child] = tmp;
    root = child;
  }
}

/// In-place heap sort, ascending by `less` (not stable).
template <class T, class Less>
constexpr void heap_sort(std::span<T> a, Less less) noexcept {
  const std::size_t n = a.size();
  if (n < 2) return;
  for (std::size_t i = n / 2; i-- > 0;) sift_down(a, i, n, less);
  for (std::size_t end = n - 1; end > 0; --end) {
    const T tmp = a[0];
    a[0] = a[end];
    a[end] = tmp;
    sift_down(a, 0, end, less);
  }
}

}  // namespace detail

/// Computes the exact ROC-AUC of `samples` into `auc` and sorts `samples` by score.
/// non_finite_input (a score is NaN/inf) or not_ready (no positive or no negative
/// sample): `auc` and `samples` are left unchanged.
template <scalar Real>
constexpr status roc_auc(std::span<scored_label<Real>> samples, Real& auc) noexcept {
  std::uint64_t positives = 0;
  for (const auto& s : samples) {
    if (!is_finite(s.score)) return status::non_finite_input;
    if (s.positive) ++positives;
  }
  const std::uint64_t negatives = samples.size() - positives;
  if (positives == 0 || negatives == 0) return status::not_ready;

  detail::heap_sort(samples, [](const scored_label<Real>& a, const scored_label<Real>& b) { return a.score < b.score; });

  // Walk groups of equal scores from the lowest: each positive in a group beats every
  // negative below it and ties with the negatives of its own group (1/2 each).
  std::uint64_t twice_u = 0, negatives_below = 0;
  for (std::size_t i = 0; i < samples.size();) {
    std::uint64_t pos_group = 0, neg_group = 0;
    std::size_t j = i;
    for (; j < samples.size() && samples[j].score == samples[i].score; ++j) (samples[j].positive ? pos_group : neg_group) += 1;
    twice_u += pos_group * (2 * negatives_below + neg_group);
    negatives_below += neg_group;
    i = j;
  }
  auc = static_cast<Real>(static_cast<double>(twice_u) /
                          (2.0 * static_cast<double>(positives) * static_cast<double>(negatives)));
  return status::ok;
}

}  // namespace edgeloop
