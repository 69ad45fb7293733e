#pragma once
/// histogram_observer<Bins>: an activation range that minimises the expected squared
/// quantization error, from a histogram of every value observed (the idea of PyTorch's
/// HistogramObserver, its default for post-training activation calibration; TensorRT's
/// and NVIDIA's "MSE calibration" alike). min/max wastes int8 levels on rare large
/// values; this observer clips them when the rounding error saved on all the other values
/// outweighs the clipping error.
///  - observe(): the histogram covers [minimum, maximum] of everything seen in Bins equal
///    bins; when a batch widens the range, the old counts are moved to the new bin that
///    holds their old bin's centre (an approximation of width one old bin).
///  - params(): over all clip ranges [a, b] whose ends are bin edges, the asymmetric int8
///    range (widened to contain 0, as choose_asymmetric) with the least
///      sum_inside count * step^2 / 12 + sum_outside count * (centre - nearest end)^2,
///    step = (b - a) / 255 (rounding error of values spread within a step; clipped values
///    lose their distance to the end). Prefix sums make each candidate O(1): O(Bins) when
///    the values are >= 0 (relu outputs: the low end is 0), else O(Bins^2 / 2).
/// observe() returns non_finite_input for a batch holding NaN or infinity and changed
/// nothing then; params() returns not_ready before any value.
/// Memory: Bins * 4 + 16 bytes (memory_bytes); 2,048 bins (PyTorch's default) = 8 KB;
/// range()/params() use 24 * (Bins + 1) bytes of stack (the prefix sums): pick a small
/// Bins (64-256) to calibrate on a microcontroller.

#include <array>
#include <cstddef>
#include <cstdint>

#include "../core/numeric.hpp"
#include "../core/status.hpp"
#include "calibration.hpp"

namespace edgeloop::quant {

template <std::size_t Bins = 2048>
class histogram_observer {
  static_assert(Bins >= 16, "histogram_observer needs at least 16 bins");

 public:
  static const std::size_t memory_bytes;
  static constexpr std::size_t bins = Bins;

  status observe(const float* x, std::size_t n) noexcept {
    if (n == 0) return status::ok;
    float lo = 0, hi = 0;
    if (!detail::batch_range(x, n, lo, hi)) return status::non_finite_input;
    if (count_ == 0) {
      lo_ = lo, hi_ = hi;
    } else if (lo < lo_ || hi > hi_) {
      rebin(lo < lo_ ? lo : lo_, hi > hi_ ? hi : hi_);
    }
    for (std::size_t i = 0; i < n; ++i) ++counts_[bin_of(x[i])];
    const std::uint64_t total = std::uint64_t{count_} + n;
    count_ = total > UINT32_MAX ? UINT32_MAX : static_cast<std::uint32_t>(total);
    return status::ok;
  }

  float minimum() const noexcept { return lo_; }
  float maximum() const noexcept { return hi_; }
  std::uint32_t count() const noexcept { return count_; }
  std::uint32_t bin_count(std::size_t b) const noexcept { return counts_[b]; }

  /// The clip range with the least expected squared error (see the header comment).
  status range(float& lo, float& hi) const noexcept {
    if (count_ == 0) return status::not_ready;
    if (!(hi_ > lo_)) {
      lo = lo_, hi = hi_;
      return status::ok;
    }
    // Prefix sums over bins of count, count * centre, count * centre^2 (centres relative to lo_).
    std::array<double, Bins + 1> s0{}, s1{}, s2{};
    const double w = width();
    for (std::size_t b = 0; b < Bins; ++b) {
      const double c = (static_cast<double>(b) + 0.5) * w, k = counts_[b];
      s0[b + 1] = s0[b] + k, s1[b + 1] = s1[b] + k * c, s2[b + 1] = s2[b] + k * c * c;
    }
    const double zero = -static_cast<double>(lo_);  // 0.0 relative to lo_
    double best = -1, best_a = 0, best_b = static_cast<double>(Bins) * w;
    const std::size_t first_end = lo_ >= 0.0f ? 1 : Bins;  // values >= 0: the low end stays at 0 anyway
    for (std::size_t i = 0; i < first_end; ++i) {
      for (std::size_t j = i + 1; j <= Bins; ++j) {
        double a = static_cast<double>(i) * w, b = static_cast<double>(j) * w;
        a = a < zero ? a : zero;  // the int8 range contains 0
        b = b > zero ? b : zero;
        const std::size_t below = bins_below(a), above = bins_below(b);  // centres < a; centres < b
        const double step = (b - a) / 255.0;
        const double inside = (s0[above] - s0[below]) * step * step / 12.0;
        const double low = (s2[below] - 2 * a * s1[below] + a * a * s0[below]);
        const double high = (s2[Bins] - s2[above]) - 2 * b * (s1[Bins] - s1[above]) + b * b * (s0[Bins] - s0[above]);
        const double error = inside + low + high;
        if (best < 0 || error < best) best = error, best_a = a, best_b = b;
      }
    }
    lo = static_cast<float>(static_cast<double>(lo_) + best_a);
    hi = static_cast<float>(static_cast<double>(lo_) + best_b);
    if (lo > 0.0f) lo = 0.0f;  // rounding of the sums above
    if (hi < 0.0f) hi = 0.0f;
    return status::ok;
  }

  status params(quant_params& out, bool symmetric = false) const noexcept {
    float lo = 0, hi = 0;
    EDGELOOP_TRY(range(lo, hi));
    return symmetric ? choose_symmetric(lo, hi, out) : choose_asymmetric(lo, hi, out);
  }

  void reset() noexcept { *this = {}; }

 private:
  double width() const noexcept { return (static_cast<double>(hi_) - static_cast<double>(lo_)) / static_cast<double>(Bins); }

  std::size_t bin_of(float v) const noexcept {
    if (!(hi_ > lo_)) return 0;
    const double t = (static_cast<double>(v) - static_cast<double>(lo_)) / width();
    return t <= 0 ? 0 : (t >= static_cast<double>(Bins) ? Bins - 1 : static_cast<std::size_t>(t));
  }

  /// Number of bins whose centre is below x (x relative to lo_).
  std::size_t bins_below(double x) const noexcept {
    const double t = x / width() - 0.5;  // centre b is below x when b < t
    if (t <= 0) return 0;
    const auto k = static_cast<std::size_t>(t);
    const std::size_t below = static_cast<double>(k) < t ? k + 1 : k;
    return below > Bins ? Bins : below;
  }

  /// Widens the histogram to [lo, hi]; each old bin's count goes to the bin of its centre.
  void rebin(float lo, float hi) noexcept {
    std::array<std::uint32_t, Bins> old = counts_;
    const double old_lo = lo_, old_w = width();
    const bool had_width = hi_ > lo_;
    counts_.fill(0);
    lo_ = lo, hi_ = hi;
    for (std::size_t b = 0; b < Bins; ++b) {
      if (old[b] == 0) continue;
      const double centre = had_width ? old_lo + (static_cast<double>(b) + 0.5) * old_w : old_lo;
      counts_[bin_of(static_cast<float>(centre))] += old[b];
    }
  }

  std::array<std::uint32_t, Bins> counts_{};
  float lo_ = 0, hi_ = 0;
  std::uint32_t count_ = 0;
};
template <std::size_t Bins>
constexpr std::size_t histogram_observer<Bins>::memory_bytes = sizeof(histogram_observer<Bins>);

}  // namespace edgeloop::quant
