#pragma once
/// gaussian_detector: "normal" is a multivariate Gaussian whose mean and covariance are
/// learned from the stream; the score is the squared Mahalanobis distance from it.
///
/// Learning: Welford's update generalised to a covariance, with an optional forgetting
/// factor lambda (West 1979, exponentially weighted): with W the total weight,
///     W <- lambda W + 1,  d = x - mean,  mean += d / W,  C <- lambda C + d (x - mean)^T,
/// covariance = C / W (population covariance when lambda = 1, the exact weighted
/// covariance with weights lambda^age otherwise; the memory is about 1 / (1 - lambda)
/// samples, so a slowly drifting "normal" is followed).
///
/// Score: score(x) = (x - mean)^T (covariance + ridge I)^-1 (x - mean) in [0, inf),
/// HIGHER = MORE ANOMALOUS; ridge = ridge_relative * trace / Features + ridge_absolute keeps
/// it defined before the covariance has full rank (fewer samples than features, constant
/// features). For Gaussian "normal" data and many samples the score of inliers follows a
/// chi-squared law with Features degrees of freedom (mean Features): e.g. 4 features,
/// false-alarm rate 0.1% -> threshold 18.47; or use quantile_threshold. score() is 0
/// before two samples were learned.
///
/// learn() keeps a Cholesky factor of the regularised covariance (O(Features^3) per
/// sample), so score() costs O(Features^2). Should the factorisation fail (rounding with a
/// zero ridge), the score uses the diagonal only.
///
/// Memory: (2 Features^2 + Features) sizeof(Scalar) + params + about 24 bytes (the
/// comoment matrix and its Cholesky cache); exact value in memory_bytes.
///
/// Bad input: a non-finite x, or one whose deviation products overflow, is rejected
/// (non_finite_input) and nothing changes.

#include <array>
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <limits>

#include "../core/assert.hpp"
#include "../core/concepts.hpp"
#include "../core/numeric.hpp"
#include "../core/status.hpp"
#include "anomaly_detector.hpp"

namespace edgeloop {

template <scalar Scalar, std::size_t Features>
class gaussian_detector {
  static_assert(Features > 0, "gaussian_detector needs at least one feature");

 public:
  using scalar_type = Scalar;
  using input_type = std::array<Scalar, Features>;
  using output_type = Scalar;
  static constexpr std::uint32_t magic = 0x53554147u;  // "GAUS"
  static constexpr std::uint16_t version = 1;
  static const std::size_t memory_bytes;

  struct params {
    Scalar forgetting = Scalar(1);           ///< lambda in (0, 1]; 1 = every sample weighs the same
    Scalar ridge_relative = Scalar(1e-3);    ///< >= 0, times the mean variance
    Scalar ridge_absolute = Scalar(1e-6);    ///< >= 0; ridge_relative + ridge_absolute > 0
  };

  struct state_type {
    std::uint32_t magic;
    std::uint16_t version;
    std::uint16_t reserved;
    std::uint32_t samples;
    params p;
    Scalar weight;  ///< W
    std::array<Scalar, Features> mean;
    std::array<Scalar, Features * Features> comoment;  ///< C (row-major, symmetric)
  };

  static status validate(const params& p) noexcept {
    if (!is_finite(p.forgetting) || !(p.forgetting > Scalar(0)) || p.forgetting > Scalar(1))
      return status::invalid_argument;
    if (!is_finite(p.ridge_relative) || p.ridge_relative < Scalar(0)) return status::invalid_argument;
    if (!is_finite(p.ridge_absolute) || p.ridge_absolute < Scalar(0)) return status::invalid_argument;
    if (!(p.ridge_relative + p.ridge_absolute > Scalar(0))) return status::invalid_argument;
    return status::ok;
  }

  gaussian_detector() noexcept : gaussian_detector(params{}) {}
  explicit gaussian_detector(const params& p) noexcept {
    EDGELOOP_ASSERT(validate(p) == status::ok, "gaussian_detector: invalid params");
    s_.p = p;
    reset();
  }

  status learn(const input_type& x) noexcept {
    if (!all_finite(x)) return status::non_finite_input;
    const Scalar w = s_.p.forgetting * s_.weight + Scalar(1);
    input_type before{}, after{}, mean{};
    Scalar big_before = 0, big_after = 0;
    for (std::size_t i = 0; i < Features; ++i) {
      before[i] = x[i] - s_.mean[i];
      mean[i] = s_.mean[i] + before[i] / w;
      after[i] = x[i] - mean[i];
      big_before = std::fmax(big_before, std::fabs(before[i]));
      big_after = std::fmax(big_after, std::fabs(after[i]));
    }
    if (!is_finite(big_before * big_after) || !all_finite(mean)) return status::non_finite_input;
    for (std::size_t i = 0; i < Features; ++i)
      for (std::size_t j = 0; j < Features; ++j)
        s_.comoment[i * Features + j] = s_.p.forgetting * s_.comoment[i * Features + j] + before[i] * after[j];
    s_.mean = mean;
    s_.weight = w;
    if (s_.samples != std::numeric_limits<std::uint32_t>::max()) ++s_.samples;
    factorise();
    return status::ok;
  }

  /// Squared Mahalanobis distance to the learned Gaussian, in [0, inf); 0 before 2 samples.
  Scalar score(const input_type& x) const noexcept {
    if (s_.samples < 2) return Scalar(0);
    input_type d{};
    for (std::size_t i = 0; i < Features; ++i) d[i] = x[i] - s_.mean[i];
    Scalar sum = 0;
    if (!factor_ok_) {
      for (std::size_t i = 0; i < Features; ++i) sum += d[i] * d[i] / factor_[i * Features + i];
      return sum;
    }
    // Forward substitution L y = d; the distance is |y|^2.
    for (std::size_t i = 0; i < Features; ++i) {
      Scalar v = d[i];
      for (std::size_t k = 0; k < i; ++k) v -= factor_[i * Features + k] * d[k];
      d[i] = v / factor_[i * Features + i];
      sum += d[i] * d[i];
    }
    return sum;
  }

  void reset() noexcept {
    const params p = s_.p;
    s_ = state_type{};
    s_.magic = magic;
    s_.version = version;
    s_.p = p;
    factorise();
  }

  std::uint32_t samples() const noexcept { return s_.samples; }
  const params& parameters() const noexcept { return s_.p; }
  /// Total weight W (= samples when forgetting is 1).
  Scalar weight() const noexcept { return s_.weight; }
  const input_type& mean() const noexcept { return s_.mean; }
  /// Learned (unregularised) covariance C / W; 0 before the first sample.
  Scalar covariance(std::size_t i, std::size_t j) const noexcept {
    return s_.weight > Scalar(0) ? s_.comoment[i * Features + j] / s_.weight : Scalar(0);
  }
  /// The ridge added to the diagonal for scoring.
  Scalar ridge() const noexcept {
    Scalar trace = 0;
    for (std::size_t i = 0; i < Features; ++i) trace += covariance(i, i);
    return s_.p.ridge_relative * trace / static_cast<Scalar>(Features) + s_.p.ridge_absolute;
  }

  state_type state() const noexcept { return s_; }
  status restore(const state_type& s) noexcept {
    if (s.magic != magic || s.version != version || validate(s.p) != status::ok) return status::invalid_state;
    if (!is_finite(s.weight) || s.weight < Scalar(0) || !all_finite(s.mean) || !all_finite(s.comoment))
      return status::invalid_state;
    if ((s.samples == 0) != (s.weight == Scalar(0))) return status::invalid_state;
    for (std::size_t i = 0; i < Features; ++i)
      if (s.comoment[i * Features + i] < Scalar(0)) return status::invalid_state;
    s_ = s;
    factorise();
    return status::ok;
  }

 private:
  /// Cholesky factor (lower triangle of factor_) of covariance + ridge I.
  void factorise() noexcept {
    const Scalar r = ridge();
    factor_ok_ = true;
    for (std::size_t j = 0; j < Features && factor_ok_; ++j) {
      for (std::size_t i = j; i < Features; ++i) {
        Scalar v = covariance(i, j) + (i == j ? r : Scalar(0));
        for (std::size_t k = 0; k < j; ++k) v -= factor_[i * Features + k] * factor_[j * Features + k];
        if (i == j) {
          if (!(v > Scalar(0)) || !is_finite(v)) {
            factor_ok_ = false;
            break;
          }
          factor_[j * Features + j] = std::sqrt(v);
        } else {
          factor_[i * Features + j] = v / factor_[j * Features + j];
        }
      }
    }
    if (!factor_ok_)  // diagonal fallback: variances + ridge, kept positive
      for (std::size_t i = 0; i < Features; ++i) {
        const Scalar v = covariance(i, i) + r;
        factor_[i * Features + i] = v > Scalar(0) ? v : std::numeric_limits<Scalar>::min();
      }
  }

  state_type s_{};
  std::array<Scalar, Features * Features> factor_{};  ///< cache, rebuilt by learn/restore/reset
  bool factor_ok_ = false;
};

template <scalar Scalar, std::size_t Features>
constexpr std::size_t gaussian_detector<Scalar, Features>::memory_bytes = sizeof(gaussian_detector<Scalar, Features>);

static_assert(anomaly_detector<gaussian_detector<float, 3>>);

}  // namespace edgeloop
