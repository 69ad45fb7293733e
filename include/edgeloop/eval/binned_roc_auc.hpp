#pragma once
/// binned_roc_auc: streaming ROC-AUC approximation in fixed memory. Scores are counted
/// in Bins equal-width bins over [params.lo, params.hi] (scores outside are clamped into
/// the edge bins), one positive and one negative counter per bin. The area is computed
/// like the exact Mann-Whitney statistic with every pair inside one bin counted as a
/// tie (1/2).
///
/// Error bound (exact, not probabilistic): pairs in different bins are ordered exactly
/// as their scores are, so only same-bin pairs can be wrong, each by at most 1/2:
///   |value() - exact AUC| <= error_bound() = sum_b pos_b * neg_b / (2 * P * N).
/// For scores spread over the range this is about 1 / (2 * Bins) or less; it is larger
/// when many scores fall in one bin (e.g. a classifier whose scores are all near 1).
/// The same binning underlies TensorFlow's tf.keras.metrics.AUC (num_thresholds).
/// Memory: 2 * Bins * sizeof(Count) + 2 * sizeof(Real) + 2 * sizeof(Count) bytes.

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

template <std::size_t Bins, scalar Real = float, std::unsigned_integral Count = std::uint32_t>
class binned_roc_auc {
  static_assert(Bins >= 1, "binned_roc_auc needs at least one bin");

 public:
  struct params {
    Real lo = Real(0);  ///< lower edge of the first bin
    Real hi = Real(1);  ///< upper edge of the last bin
  };
  static const std::size_t memory_bytes;

  static constexpr status validate(const params& p) noexcept {
    if (!is_finite(p.lo) || !is_finite(p.hi) || !is_finite(p.hi - p.lo)) return status::invalid_argument;
    return p.lo < p.hi ? status::ok : status::invalid_argument;
  }

  constexpr explicit binned_roc_auc(const params& p = {}) noexcept : params_(p) {
    EDGELOOP_ASSERT(validate(p) == status::ok, "binned_roc_auc: invalid params");
  }

  /// ok, non_finite_input (score NaN/inf) or capacity_exceeded (Count full).
  constexpr status check(bool positive, Real score) const noexcept {
    if (!is_finite(score)) return status::non_finite_input;
    if ((positive ? positives_ : negatives_) == std::numeric_limits<Count>::max()) return status::capacity_exceeded;
    return status::ok;
  }

  constexpr status update(bool positive, Real score) noexcept {
    if (const status s = check(positive, score); s != status::ok) return s;
    const std::size_t b = bin_of(score);
    if (positive) {
      ++pos_[b];
      ++positives_;
    } else {
      ++neg_[b];
      ++negatives_;
    }
    return status::ok;
  }

  constexpr void reset() noexcept {
    pos_ = {};
    neg_ = {};
    positives_ = negatives_ = 0;
  }

  constexpr Count positives() const noexcept { return positives_; }
  constexpr Count negatives() const noexcept { return negatives_; }
  /// True once at least one positive and one negative were seen.
  constexpr bool defined() const noexcept { return positives_ > 0 && negatives_ > 0; }

  /// Approximate AUC (0.5 while undefined). O(Bins).
  constexpr Real value() const noexcept {
    if (!defined()) return Real(0.5);
    double twice_u = 0, negatives_below = 0;
    for (std::size_t b = 0; b < Bins; ++b) {
      twice_u += static_cast<double>(pos_[b]) * (2.0 * negatives_below + static_cast<double>(neg_[b]));
      negatives_below += static_cast<double>(neg_[b]);
    }
    return static_cast<Real>(twice_u / (2.0 * pairs()));
  }

  /// Guaranteed bound on |value() - exact AUC| for the samples seen (0 while undefined).
  constexpr Real error_bound() const noexcept {
    if (!defined()) return Real(0);
    double same_bin = 0;
    for (std::size_t b = 0; b < Bins; ++b) same_bin += static_cast<double>(pos_[b]) * static_cast<double>(neg_[b]);
    return static_cast<Real>(same_bin / (2.0 * pairs()));
  }

  /// Bin of a finite score (clamped into [0, Bins)).
  constexpr std::size_t bin_of(Real score) const noexcept {
    if (!(score > params_.lo)) return 0;
    const Real t = (score - params_.lo) / (params_.hi - params_.lo) * static_cast<Real>(Bins);
    if (!(t < static_cast<Real>(Bins))) return Bins - 1;
    const auto b = static_cast<std::size_t>(t);
    return b < Bins ? b : Bins - 1;
  }

  friend constexpr bool operator==(const binned_roc_auc& a, const binned_roc_auc& b) noexcept {
    return a.pos_ == b.pos_ && a.neg_ == b.neg_ && a.positives_ == b.positives_ && a.negatives_ == b.negatives_ &&
           a.params_.lo == b.params_.lo && a.params_.hi == b.params_.hi;
  }

 private:
  constexpr double pairs() const noexcept { return static_cast<double>(positives_) * static_cast<double>(negatives_); }

  params params_;
  std::array<Count, Bins> pos_{};
  std::array<Count, Bins> neg_{};
  Count positives_ = 0;
  Count negatives_ = 0;
};

template <std::size_t Bins, scalar Real, std::unsigned_integral Count>
constexpr std::size_t binned_roc_auc<Bins, Real, Count>::memory_bytes = sizeof(binned_roc_auc<Bins, Real, Count>);

static_assert(streaming_metric<binned_roc_auc<16>, bool, float>);

}  // namespace edgeloop
