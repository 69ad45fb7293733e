#pragma once
/// regression_metrics: MAE, MSE, RMSE and R^2 of a stream of (target, prediction) pairs.
/// Running means for |e| and e^2; the target's mean and sum of squared deviations use
/// Welford's algorithm (Welford 1962), so R^2 = 1 - SSE / SST never needs a second pass.
/// R^2 of a constant target is 1 when every prediction was exact and 0 otherwise
/// (scikit-learn's r2_score with force_finite=True). Memory: 5 * sizeof(Scalar) +
/// sizeof(Count) bytes (+ padding).

#include <cmath>
#include <concepts>
#include <cstddef>
#include <cstdint>
#include <limits>

#include "../core/numeric.hpp"
#include "../core/status.hpp"
#include "metric.hpp"

namespace edgeloop {

template <scalar Scalar, std::unsigned_integral Count = std::uint32_t>
class regression_metrics {
 public:
  using scalar_type = Scalar;
  static const std::size_t memory_bytes;

  constexpr regression_metrics() noexcept = default;

  /// ok, non_finite_input or capacity_exceeded (Count full).
  constexpr status check(Scalar y_true, Scalar y_pred) const noexcept {
    if (!is_finite(y_true) || !is_finite(y_pred) || !is_finite(y_true - y_pred)) return status::non_finite_input;
    if (samples_ == std::numeric_limits<Count>::max()) return status::capacity_exceeded;
    return status::ok;
  }

  constexpr status update(Scalar y_true, Scalar y_pred) noexcept {
    if (const status s = check(y_true, y_pred); s != status::ok) return s;
    const Scalar e = y_true - y_pred;
    ++samples_;
    const Scalar n = static_cast<Scalar>(samples_);
    mean_abs_ += ((e < Scalar(0) ? -e : e) - mean_abs_) / n;
    mean_sq_ += (e * e - mean_sq_) / n;
    const Scalar delta = y_true - mean_y_;
    mean_y_ += delta / n;
    m2_y_ += delta * (y_true - mean_y_);
    return status::ok;
  }

  constexpr void reset() noexcept { *this = regression_metrics{}; }

  constexpr Count samples() const noexcept { return samples_; }
  constexpr Scalar mae() const noexcept { return mean_abs_; }
  constexpr Scalar mse() const noexcept { return mean_sq_; }
  Scalar rmse() const noexcept { return std::sqrt(mean_sq_); }
  /// Coefficient of determination 1 - SSE / SST (0 before the first sample).
  constexpr Scalar r2() const noexcept {
    if (samples_ == 0) return Scalar(0);
    const Scalar sse = mean_sq_ * static_cast<Scalar>(samples_);
    if (m2_y_ <= Scalar(0)) return sse == Scalar(0) ? Scalar(1) : Scalar(0);
    return Scalar(1) - sse / m2_y_;
  }
  /// Mean and population variance of the target (Welford).
  constexpr Scalar target_mean() const noexcept { return mean_y_; }
  constexpr Scalar target_variance() const noexcept {
    return samples_ ? m2_y_ / static_cast<Scalar>(samples_) : Scalar(0);
  }

  friend constexpr bool operator==(const regression_metrics&, const regression_metrics&) = default;

 private:
  Scalar mean_abs_ = 0;
  Scalar mean_sq_ = 0;
  Scalar mean_y_ = 0;
  Scalar m2_y_ = 0;
  Count samples_ = 0;
};

template <scalar Scalar, std::unsigned_integral Count>
constexpr std::size_t regression_metrics<Scalar, Count>::memory_bytes = sizeof(regression_metrics<Scalar, Count>);

static_assert(streaming_metric<regression_metrics<float>, float, float>);

}  // namespace edgeloop
