#pragma once
/// Train/validation splits and k-fold cross-validation without allocation. Splits are
/// described by ranges of positions [begin, end) into an order of the N samples: the
/// time order itself (position i is sample i) or a permutation the caller keeps in its
/// own array, filled by shuffled_indices() with edgeloop::rng (Fisher-Yates).
///
/// - validation_size(n, fraction): ceil(fraction * n), as scikit-learn's train_test_split.
/// - time_ordered_split(n, n_validation, out): train = first positions, validation = last.
/// - shuffled_split(order, n_validation, rng, out): permutes `order`, then the same ranges.
/// - k_fold(n, k): fold f validates on one contiguous range of positions and trains on
///   the rest; the first n % k folds have n / k + 1 positions, the others n / k
///   (scikit-learn's KFold). train_indices() writes a fold's training indices into a
///   caller array; is_validation() answers membership on the fly.

#include <cmath>
#include <concepts>
#include <cstddef>
#include <cstdint>
#include <limits>
#include <span>

#include "../core/assert.hpp"
#include "../core/numeric.hpp"
#include "../core/rng.hpp"
#include "../core/status.hpp"

namespace edgeloop {

/// Positions [begin, end).
struct index_range {
  std::size_t begin = 0;
  std::size_t end = 0;
  constexpr std::size_t size() const noexcept { return end - begin; }
  constexpr bool contains(std::size_t position) const noexcept { return position >= begin && position < end; }
  friend constexpr bool operator==(const index_range&, const index_range&) = default;
};

/// Positions of the training part and of the validation part.
struct split_ranges {
  index_range train;
  index_range validation;
};

/// ceil(fraction * n) computed in Real; 0 when fraction is not finite or outside (0, 1).
template <scalar Real>
std::size_t validation_size(std::size_t n, Real fraction) noexcept {
  if (!is_finite(fraction) || !(fraction > Real(0)) || !(fraction < Real(1))) return 0;
  return static_cast<std::size_t>(std::ceil(fraction * static_cast<Real>(n)));
}

/// Train = positions [0, n - n_validation), validation = [n - n_validation, n).
/// invalid_argument unless 1 <= n_validation < n (`out` then unchanged).
constexpr status time_ordered_split(std::size_t n, std::size_t n_validation, split_ranges& out) noexcept {
  if (n_validation == 0 || n_validation >= n) return status::invalid_argument;
  out.train = {0, n - n_validation};
  out.validation = {n - n_validation, n};
  return status::ok;
}

/// Writes 0, 1, ..., size-1 into `order` and shuffles it (Fisher-Yates with `r`).
/// invalid_argument when the size does not fit Index (nothing written).
template <std::unsigned_integral Index>
constexpr status shuffled_indices(std::span<Index> order, rng& r) noexcept {
  if (!order.empty() && static_cast<std::uintmax_t>(order.size() - 1) > std::uintmax_t{std::numeric_limits<Index>::max()})
    return status::invalid_argument;
  if (static_cast<std::uintmax_t>(order.size()) > std::uintmax_t{std::numeric_limits<std::uint32_t>::max()})
    return status::invalid_argument;
  for (std::size_t i = 0; i < order.size(); ++i) order[i] = static_cast<Index>(i);
  r.shuffle(order);
  return status::ok;
}

/// shuffled_indices(order, r), then the time_ordered_split ranges over `order`:
/// training indices are order[train.begin .. train.end), validation the rest.
/// invalid_argument (order, r and out unchanged) unless 1 <= n_validation < order.size().
template <std::unsigned_integral Index>
constexpr status shuffled_split(std::span<Index> order, std::size_t n_validation, rng& r, split_ranges& out) noexcept {
  split_ranges ranges{};
  EDGELOOP_TRY(time_ordered_split(order.size(), n_validation, ranges));
  EDGELOOP_TRY(shuffled_indices(order, r));
  out = ranges;
  return status::ok;
}

/// k-fold cross-validation over n positions.
class k_fold {
 public:
  /// invalid_argument unless 2 <= k <= n.
  static constexpr status validate(std::size_t n, std::size_t k) noexcept {
    return (k >= 2 && k <= n) ? status::ok : status::invalid_argument;
  }

  constexpr k_fold(std::size_t n, std::size_t k) noexcept : n_(n), k_(k) {
    EDGELOOP_ASSERT(validate(n, k) == status::ok, "k_fold: needs 2 <= k <= n");
  }

  constexpr std::size_t samples() const noexcept { return n_; }
  constexpr std::size_t folds() const noexcept { return k_; }

  /// Validation positions of fold `fold` (< folds()).
  constexpr index_range validation(std::size_t fold) const noexcept {
    EDGELOOP_ASSERT(fold < k_, "k_fold: fold out of range");
    return {start(fold), start(fold + 1)};
  }
  constexpr std::size_t train_size(std::size_t fold) const noexcept { return n_ - validation(fold).size(); }
  constexpr bool is_validation(std::size_t fold, std::size_t position) const noexcept {
    return validation(fold).contains(position);
  }

  /// Writes the training indices of `fold` (order[p] for every position p outside the
  /// validation range, in order) into out[0 .. train_size) and returns train_size.
  /// `order` has samples() elements (pass the identity for time order); out at least
  /// train_size(fold) elements.
  template <class Index>
  constexpr std::size_t train_indices(std::size_t fold, std::span<const Index> order, std::span<Index> out) const noexcept {
    EDGELOOP_ASSERT(order.size() == n_, "k_fold: order must have samples() elements");
    EDGELOOP_ASSERT(out.size() >= train_size(fold), "k_fold: output too small");
    const index_range v = validation(fold);
    std::size_t w = 0;
    for (std::size_t p = 0; p < n_; ++p)
      if (!v.contains(p)) out[w++] = order[p];
    return w;
  }

 private:
  constexpr std::size_t start(std::size_t fold) const noexcept {
    const std::size_t base = n_ / k_, extra = n_ % k_;
    return fold * base + (fold < extra ? fold : extra);
  }

  std::size_t n_;
  std::size_t k_;
};

}  // namespace edgeloop
