#pragma once
/// windowed_regression_metrics: MAE, MSE, RMSE and R^2 over the last Window pairs.
/// A ring buffer holds the pairs; sums of |e| and e^2 and the target's Welford mean/M2
/// are updated by adding the new pair and removing the evicted one (Welford's update run
/// backwards). To stop rounding error from accumulating, every Window evictions the
/// statistics are recomputed from the buffer (O(Window) once per Window updates, so
/// O(1) amortised). Memory: Window * 2 * sizeof(Scalar) + 4 * sizeof(Scalar) +
/// 3 * sizeof(size_t) bytes.

#include <cmath>
#include <cstddef>

#include "../core/numeric.hpp"
#include "../core/ring_buffer.hpp"
#include "../core/status.hpp"
#include "metric.hpp"

namespace edgeloop {

template <scalar Scalar, std::size_t Window>
class windowed_regression_metrics {
  static_assert(Window >= 1, "windowed_regression_metrics needs a window of at least 1");

 public:
  using scalar_type = Scalar;
  static constexpr std::size_t window = Window;
  static const std::size_t memory_bytes;

  constexpr windowed_regression_metrics() noexcept = default;

  /// ok or non_finite_input.
  constexpr status check(Scalar y_true, Scalar y_pred) const noexcept {
    if (!is_finite(y_true) || !is_finite(y_pred) || !is_finite(y_true - y_pred)) return status::non_finite_input;
    return status::ok;
  }

  constexpr status update(Scalar y_true, Scalar y_pred) noexcept {
    if (const status s = check(y_true, y_pred); s != status::ok) return s;
    pair evicted{};
    if (buffer_.push(pair{y_true, y_pred}, &evicted)) {
      if (++evictions_ >= Window) {
        evictions_ = 0;
        recompute();
        return status::ok;
      }
      remove(evicted);
    }
    add(pair{y_true, y_pred});
    return status::ok;
  }

  constexpr void reset() noexcept { *this = windowed_regression_metrics{}; }

  constexpr std::size_t samples() const noexcept { return buffer_.size(); }
  constexpr Scalar mae() const noexcept { return mean_of(sum_abs_); }
  constexpr Scalar mse() const noexcept { return mean_of(sum_sq_); }
  Scalar rmse() const noexcept { return std::sqrt(mse()); }
  constexpr Scalar r2() const noexcept {
    if (buffer_.empty()) return Scalar(0);
    if (m2_y_ <= Scalar(0)) return sum_sq_ == Scalar(0) ? Scalar(1) : Scalar(0);
    return Scalar(1) - sum_sq_ / m2_y_;
  }

  friend constexpr bool operator==(const windowed_regression_metrics& a,
                                   const windowed_regression_metrics& b) noexcept {
    if (a.sum_abs_ != b.sum_abs_ || a.sum_sq_ != b.sum_sq_ || a.mean_y_ != b.mean_y_ || a.m2_y_ != b.m2_y_ ||
        a.evictions_ != b.evictions_ || a.buffer_.size() != b.buffer_.size())
      return false;
    for (std::size_t i = 0; i < a.buffer_.size(); ++i)
      if (a.buffer_[i].y_true != b.buffer_[i].y_true || a.buffer_[i].y_pred != b.buffer_[i].y_pred) return false;
    return true;
  }

 private:
  struct pair {
    Scalar y_true;
    Scalar y_pred;
  };

  constexpr Scalar mean_of(Scalar sum) const noexcept {
    return buffer_.empty() ? Scalar(0) : sum / static_cast<Scalar>(buffer_.size());
  }
  static constexpr Scalar absolute(Scalar v) noexcept { return v < Scalar(0) ? -v : v; }

  // Called after the buffer has grown to n = size() elements.
  constexpr void add(const pair& p) noexcept {
    const Scalar e = p.y_true - p.y_pred;
    sum_abs_ += absolute(e);
    sum_sq_ += e * e;
    const Scalar n = static_cast<Scalar>(buffer_.size());
    const Scalar delta = p.y_true - mean_y_;
    mean_y_ += delta / n;
    m2_y_ += delta * (p.y_true - mean_y_);
  }
  // Called with the buffer still holding size() elements, one of which is `p` (already
  // overwritten in storage): the statistics go from size() to size() - 1 elements.
  constexpr void remove(const pair& p) noexcept {
    const Scalar e = p.y_true - p.y_pred;
    sum_abs_ -= absolute(e);
    sum_sq_ -= e * e;
    if (sum_abs_ < Scalar(0)) sum_abs_ = Scalar(0);
    if (sum_sq_ < Scalar(0)) sum_sq_ = Scalar(0);
    const Scalar n1 = static_cast<Scalar>(buffer_.size() - 1);
    if (n1 <= Scalar(0)) {
      mean_y_ = m2_y_ = Scalar(0);
      return;
    }
    const Scalar delta = p.y_true - mean_y_;
    mean_y_ -= delta / n1;
    m2_y_ -= delta * (p.y_true - mean_y_);
    if (m2_y_ < Scalar(0)) m2_y_ = Scalar(0);
  }
  constexpr void recompute() noexcept {
    sum_abs_ = sum_sq_ = mean_y_ = m2_y_ = Scalar(0);
    for (std::size_t i = 0; i < buffer_.size(); ++i) {
      const pair& p = buffer_[i];
      const Scalar e = p.y_true - p.y_pred;
      sum_abs_ += absolute(e);
      sum_sq_ += e * e;
      const Scalar delta = p.y_true - mean_y_;
      mean_y_ += delta / static_cast<Scalar>(i + 1);
      m2_y_ += delta * (p.y_true - mean_y_);
    }
  }

  ring_buffer<pair, Window> buffer_{};
  Scalar sum_abs_ = 0;
  Scalar sum_sq_ = 0;
  Scalar mean_y_ = 0;
  Scalar m2_y_ = 0;
  std::size_t evictions_ = 0;
};

template <scalar Scalar, std::size_t Window>
constexpr std::size_t windowed_regression_metrics<Scalar, Window>::memory_bytes =
    sizeof(windowed_regression_metrics<Scalar, Window>);

static_assert(streaming_metric<windowed_regression_metrics<float, 8>, float, float>);

}  // namespace edgeloop
