#pragma once
/// log_loss: mean cross-entropy -log p(y | x) of predicted class probabilities.
/// The probability of the true class is clipped to [1e-15, 1 - 1e-15] as scikit-learn's
/// log_loss does (its eps); equal to scikit-learn's value when each probability row
/// sums to 1 (scikit-learn renormalises rows after clipping, this does not).
/// The running mean is updated incrementally (mean += (l - mean) / n).
/// Memory: sizeof(Real) + sizeof(Count) bytes (+ padding).

#include <array>
#include <cmath>
#include <concepts>
#include <cstddef>
#include <cstdint>
#include <limits>

#include "../core/numeric.hpp"
#include "../core/status.hpp"
#include "metric.hpp"

namespace edgeloop {

template <std::size_t Classes, scalar Real = float, std::unsigned_integral Count = std::uint32_t>
class log_loss {
  static_assert(Classes >= 2, "log_loss needs at least two classes");

 public:
  using probabilities = std::array<Real, Classes>;
  static constexpr Real epsilon = Real(1e-15);
  static const std::size_t memory_bytes;

  constexpr log_loss() noexcept = default;

  /// ok; label_out_of_range; non_finite_input (a probability is NaN/inf);
  /// invalid_argument (a probability outside [0, 1]); capacity_exceeded (Count full).
  constexpr status check(class_label y_true, const probabilities& p) const noexcept {
    if (y_true >= Classes) return status::label_out_of_range;
    if (!all_finite(p)) return status::non_finite_input;
    for (const Real v : p)
      if (v < Real(0) || v > Real(1)) return status::invalid_argument;
    if (samples_ == std::numeric_limits<Count>::max()) return status::capacity_exceeded;
    return status::ok;
  }

  status update(class_label y_true, const probabilities& p) noexcept {
    if (const status s = check(y_true, p); s != status::ok) return s;
    Real q = p[y_true];
    if (q < epsilon) q = epsilon;
    if (q > Real(1) - epsilon) q = Real(1) - epsilon;
    const Real loss = -std::log(q);
    ++samples_;
    mean_ += (loss - mean_) / static_cast<Real>(samples_);
    return status::ok;
  }

  constexpr void reset() noexcept { *this = log_loss{}; }
  constexpr Count samples() const noexcept { return samples_; }
  /// Mean loss so far (0 before the first sample).
  constexpr Real value() const noexcept { return mean_; }

  friend constexpr bool operator==(const log_loss&, const log_loss&) = default;

 private:
  Real mean_ = 0;
  Count samples_ = 0;
};

template <std::size_t Classes, scalar Real, std::unsigned_integral Count>
constexpr std::size_t log_loss<Classes, Real, Count>::memory_bytes = sizeof(log_loss<Classes, Real, Count>);

static_assert(streaming_metric<log_loss<3>, class_label, std::array<float, 3>>);

}  // namespace edgeloop
