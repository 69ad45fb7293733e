#pragma once
/// Split criteria of Hoeffding trees (Domingos & Hulten 2000), as MOA and River define
/// them, and the Hoeffding bound.
///
///  - info_gain_criterion: merit = H(pre) - sum_b (w_b / W) H(post_b), entropy in bits;
///    range of the merit log2(max(Classes, 2)).
///  - gini_criterion: merit = 1 - sum_b (w_b / W) gini(post_b), gini(d) = 1 - sum (d_c/w)^2;
///    range 1.
/// Both return -infinity when fewer than two branches hold more than `min_branch_fraction`
/// of the weight (MOA's minBranchFrac, default 0.01), so such splits are never chosen.
/// Distributions are spans of class weights; `post` holds the branches one after another
/// (branches x classes, row-major). No state, no memory.

#include <cmath>
#include <concepts>
#include <cstddef>
#include <limits>
#include <span>

#include "../core/numeric.hpp"

namespace edgeloop {

/// epsilon = sqrt(R^2 ln(1/delta) / (2 n)): with probability 1 - delta the true mean of a
/// variable with range R lies within epsilon of the mean of n independent observations.
template <scalar Scalar>
Scalar hoeffding_bound(Scalar range, Scalar delta, Scalar n) noexcept {
  return std::sqrt(range * range * std::log(Scalar(1) / delta) / (Scalar(2) * n));
}

/// A split criterion policy: C::merit(pre, post, min_branch_fraction) and C::range(classes).
template <class C, class Scalar>
concept split_criterion = requires(std::span<const Scalar> pre, std::span<const Scalar> post,
                                   Scalar fraction, std::size_t classes) {
  { C::merit(pre, post, fraction) } noexcept -> std::same_as<Scalar>;
  { C::template range<Scalar>(classes) } noexcept -> std::same_as<Scalar>;
};

namespace detail {

/// Number of branches whose weight is more than `fraction` of the total.
template <scalar Scalar>
std::size_t branches_above(std::span<const Scalar> post, std::size_t classes, Scalar fraction) noexcept {
  const std::size_t branches = post.size() / classes;
  Scalar total = 0;
  for (const Scalar w : post) total += w;
  if (!(total > Scalar(0))) return 0;
  std::size_t above = 0;
  for (std::size_t b = 0; b < branches; ++b) {
    Scalar w = 0;
    for (std::size_t c = 0; c < classes; ++c) w += post[b * classes + c];
    if (w / total > fraction) ++above;
  }
  return above;
}

}  // namespace detail

/// Information gain (entropy in bits).
struct info_gain_criterion {
  /// Entropy of a class distribution (0 when empty).
  template <scalar Scalar>
  static Scalar entropy(std::span<const Scalar> dist) noexcept {
    Scalar h = 0, sum = 0;
    for (const Scalar d : dist) {
      if (d > Scalar(0)) {
        h -= d * std::log2(d);
        sum += d;
      }
    }
    return sum > Scalar(0) ? (h + sum * std::log2(sum)) / sum : Scalar(0);
  }

  template <scalar Scalar>
  static Scalar merit(std::span<const Scalar> pre, std::span<const Scalar> post,
                      Scalar min_branch_fraction) noexcept {
    const std::size_t classes = pre.size();
    if (detail::branches_above(post, classes, min_branch_fraction) < 2)
      return -std::numeric_limits<Scalar>::infinity();
    const std::size_t branches = post.size() / classes;
    Scalar total = 0, weighted = 0;
    for (std::size_t b = 0; b < branches; ++b) {
      const auto branch = post.subspan(b * classes, classes);
      Scalar w = 0;
      for (const Scalar d : branch) w += d;
      total += w;
      if (w > Scalar(0)) weighted += w * entropy(branch);
    }
    return entropy(pre) - weighted / total;
  }

  template <scalar Scalar>
  static Scalar range(std::size_t classes) noexcept {
    return std::log2(static_cast<Scalar>(classes > 2 ? classes : 2));
  }
};

/// Gini impurity.
struct gini_criterion {
  /// 1 - sum_c (d_c / w)^2 for a distribution of weight w (1 when w == 0).
  template <scalar Scalar>
  static Scalar gini(std::span<const Scalar> dist) noexcept {
    Scalar w = 0;
    for (const Scalar d : dist) w += d;
    Scalar g = 1;
    if (w != Scalar(0))
      for (const Scalar d : dist) g -= (d / w) * (d / w);
    return g;
  }

  template <scalar Scalar>
  static Scalar merit(std::span<const Scalar> pre, std::span<const Scalar> post,
                      Scalar min_branch_fraction) noexcept {
    const std::size_t classes = pre.size();
    if (detail::branches_above(post, classes, min_branch_fraction) < 2)
      return -std::numeric_limits<Scalar>::infinity();
    const std::size_t branches = post.size() / classes;
    Scalar total = 0;
    for (const Scalar d : post) total += d;
    Scalar weighted = 0;
    for (std::size_t b = 0; b < branches; ++b) {
      const auto branch = post.subspan(b * classes, classes);
      Scalar w = 0;
      for (const Scalar d : branch) w += d;
      weighted += (w / total) * gini(branch);
    }
    return Scalar(1) - weighted;
  }

  template <scalar Scalar>
  static Scalar range(std::size_t) noexcept {
    return Scalar(1);
  }
};

static_assert(split_criterion<info_gain_criterion, float>);
static_assert(split_criterion<gini_criterion, double>);

}  // namespace edgeloop
