#pragma once
/// calibration: the quantization parameters of a tensor from the values it takes on a
/// representative data set. Observers watch float values (a layer's activations, batch
/// after batch) and estimate a range; choose_asymmetric turns the range into an int8
/// scale and zero point as TFLite's ChooseQuantizationParams does (the range is widened
/// to contain 0, scale = (max - min) / 255, the zero point from the end with the smaller
/// error, rounded and clamped to [-128, 127], so 0.0 is exact); choose_symmetric gives
/// the per-channel weight parameters (zero point 0, [-127, 127]).
///   minmax_observer             running minimum and maximum (PyTorch MinMaxObserver)
///   moving_average_observer     per-batch minimum and maximum averaged with constant c
///                               (PyTorch MovingAverageMinMaxObserver, c = 0.01)
///   percentile_observer         the (1 - p) and p quantiles of all values, streaming P2
///                               estimates (Jain & Chlamtac 1985, anomaly/p2_quantile.hpp):
///                               clips rare outliers that would waste int8 levels
/// observe() returns non_finite_input for a batch holding NaN or infinity and then
/// changed nothing; params() returns not_ready before any value.
/// Memory: 12 bytes (minmax), 16 bytes (moving average), 2 P2 estimators (percentile);
/// exact values in memory_bytes.

#include <cmath>
#include <cstddef>
#include <cstdint>

#include "../anomaly/p2_quantile.hpp"
#include "../core/assert.hpp"
#include "../core/numeric.hpp"
#include "../core/status.hpp"

#if defined(__x86_64__) && defined(__SSE2__)
#include <emmintrin.h>
#endif

namespace edgeloop::quant {

/// real = scale * (q - zero_point)
struct quant_params {
  float scale = 1.0f;
  std::int32_t zero_point = 0;
};

namespace detail {
constexpr double magnitude(double v) noexcept { return v < 0 ? -v : v; }
constexpr double round_half_away(double v) noexcept {
  return v >= 0 ? static_cast<double>(static_cast<std::int64_t>(v + 0.5)) : -static_cast<double>(static_cast<std::int64_t>(-v + 0.5));
}
}  // namespace detail

/// Asymmetric int8 parameters for real values in [lo, hi] (TFLite ChooseQuantizationParams,
/// int8, not narrow). The range [0, 0] gives scale 1. invalid_argument if a bound is not
/// finite or lo > hi; out unchanged then.
constexpr status choose_asymmetric(float lo, float hi, quant_params& out) noexcept {
  if (!is_finite(lo) || !is_finite(hi) || lo > hi) return status::invalid_argument;
  const double rmin = lo < 0.0f ? lo : 0.0, rmax = hi > 0.0f ? hi : 0.0;
  if (rmin == rmax) {
    out = {1.0f, 0};
    return status::ok;
  }
  const double qmin = -128.0, qmax = 127.0;
  const double scale = (rmax - rmin) / (qmax - qmin);
  const double from_min = qmin - rmin / scale, from_max = qmax - rmax / scale;
  const double error_min = detail::magnitude(qmin) + detail::magnitude(rmin / scale);
  const double error_max = detail::magnitude(qmax) + detail::magnitude(rmax / scale);
  const double zero = error_min < error_max ? from_min : from_max;
  const double nudged = zero < qmin ? qmin : (zero > qmax ? qmax : detail::round_half_away(zero));
  out = {static_cast<float>(scale), static_cast<std::int32_t>(nudged)};
  return status::ok;
}

/// Symmetric int8 parameters (zero point 0, levels -127..127) for values in [lo, hi];
/// an all-zero range gives scale 1. invalid_argument as choose_asymmetric.
constexpr status choose_symmetric(float lo, float hi, quant_params& out) noexcept {
  if (!is_finite(lo) || !is_finite(hi) || lo > hi) return status::invalid_argument;
  const double bound = detail::magnitude(lo) > detail::magnitude(hi) ? detail::magnitude(lo) : detail::magnitude(hi);
  out = {bound > 0 ? static_cast<float>(bound / 127.0) : 1.0f, 0};
  return status::ok;
}

/// round(x / scale) + zero_point, clamped to [-128, 127] (TFLite's quantize op).
constexpr std::int8_t quantize_value(float x, const quant_params& p) noexcept {
  const double q = detail::round_half_away(static_cast<double>(x) / static_cast<double>(p.scale)) + p.zero_point;
  return static_cast<std::int8_t>(q < -128.0 ? -128 : (q > 127.0 ? 127 : static_cast<int>(q)));
}
constexpr float dequantize_value(std::int8_t q, const quant_params& p) noexcept {
  return p.scale * static_cast<float>(std::int32_t{q} - p.zero_point);
}

namespace detail {
/// round(x / scale) + zero_point clamped to int8 (TFLite's QUANTIZE), in float: the
/// per-sample path stays on the FPU of a Cortex-M4F (a double division is a library call
/// of hundreds of instructions there). NaN gives -128. Used by the int8 twin for its input
/// and by fake quantization (fake_quant.hpp), so both round alike.
inline std::int8_t quantize_to_int8(float x, float scale, std::int32_t zero_point) noexcept {
  const float r = std::round(x / scale) + static_cast<float>(zero_point);
  return static_cast<std::int8_t>(r >= 127.0f ? 127 : (r >= -128.0f ? static_cast<int>(r) : -128));
}

/// quantize_to_int8 of n values, the same results; on x86-64 hosts 16 at a time with SSE2
/// (no roundf call): the quotient clamped to +-512 (MAXPS/MINPS send NaN to -512; either
/// way the output saturates), truncated (exact there), plus one in magnitude where the
/// dropped fraction is at least one half (round half away from zero), the zero point,
/// and saturating packs to int8.
inline void quantize_to_int8(const float* x, std::size_t n, float scale, std::int32_t zero_point,
                             std::int8_t* q) noexcept {
  std::size_t done = 0;
#if defined(__x86_64__) && defined(__SSE2__)
  const __m128 divisor = _mm_set1_ps(scale), top = _mm_set1_ps(512.0f), bottom = _mm_set1_ps(-512.0f);
  const __m128 half = _mm_set1_ps(0.5f), minus_half = _mm_set1_ps(-0.5f);
  const __m128i zp = _mm_set1_epi32(zero_point);
  auto four = [&](const float* p) {
    const __m128 v = _mm_min_ps(_mm_max_ps(_mm_div_ps(_mm_loadu_ps(p), divisor), bottom), top);
    const __m128i truncated = _mm_cvttps_epi32(v);
    const __m128 fraction = _mm_sub_ps(v, _mm_cvtepi32_ps(truncated));
    // Comparison masks are -1 where true.
    const __m128i up = _mm_castps_si128(_mm_cmpge_ps(fraction, half));
    const __m128i down = _mm_castps_si128(_mm_cmple_ps(fraction, minus_half));
    return _mm_add_epi32(_mm_sub_epi32(_mm_add_epi32(truncated, zp), up), down);
  };
  done = n / 16 * 16;
  for (std::size_t i = 0; i < done; i += 16) {
    const __m128i low = _mm_packs_epi32(four(x + i), four(x + i + 4));
    const __m128i high = _mm_packs_epi32(four(x + i + 8), four(x + i + 12));
    _mm_storeu_si128(reinterpret_cast<__m128i*>(q + i), _mm_packs_epi16(low, high));
  }
#endif
  for (std::size_t i = done; i < n; ++i) q[i] = quantize_to_int8(x[i], scale, zero_point);
}

/// Smallest and largest of n values; false if one is not finite.
constexpr bool batch_range(const float* x, std::size_t n, float& lo, float& hi) noexcept {
  for (std::size_t i = 0; i < n; ++i) {
    if (!is_finite(x[i])) return false;
    if (i == 0 || x[i] < lo) lo = x[i];
    if (i == 0 || x[i] > hi) hi = x[i];
  }
  return true;
}
}  // namespace detail

/// Running minimum and maximum of every value observed.
class minmax_observer {
 public:
  static const std::size_t memory_bytes;

  status observe(const float* x, std::size_t n) noexcept {
    if (n == 0) return status::ok;
    float lo = 0, hi = 0;
    if (!detail::batch_range(x, n, lo, hi)) return status::non_finite_input;
    if (count_ == 0 || lo < lo_) lo_ = lo;
    if (count_ == 0 || hi > hi_) hi_ = hi;
    const std::uint64_t total = std::uint64_t{count_} + n;  // saturates at 2^32 - 1
    count_ = total > UINT32_MAX ? UINT32_MAX : static_cast<std::uint32_t>(total);
    return status::ok;
  }
  float minimum() const noexcept { return lo_; }
  float maximum() const noexcept { return hi_; }
  std::uint32_t count() const noexcept { return count_; }
  status params(quant_params& out, bool symmetric = false) const noexcept {
    if (count_ == 0) return status::not_ready;
    return symmetric ? choose_symmetric(lo_, hi_, out) : choose_asymmetric(lo_, hi_, out);
  }
  void reset() noexcept { *this = {}; }

 private:
  float lo_ = 0, hi_ = 0;
  std::uint32_t count_ = 0;
};
inline constexpr std::size_t minmax_observer::memory_bytes = sizeof(minmax_observer);

/// Exponential moving average of each batch's minimum and maximum: the first batch sets
/// them, then min += c * (batch_min - min) (and max alike).
class moving_average_observer {
 public:
  static const std::size_t memory_bytes;
  struct params_type {
    float averaging_constant = 0.01f;  ///< c in (0, 1]
  };
  static constexpr status validate(const params_type& p) noexcept {
    return is_finite(p.averaging_constant) && p.averaging_constant > 0.0f && p.averaging_constant <= 1.0f
               ? status::ok
               : status::invalid_argument;
  }
  constexpr moving_average_observer() noexcept = default;
  explicit moving_average_observer(const params_type& p) noexcept : c_(p.averaging_constant) {
    EDGELOOP_ASSERT(validate(p) == status::ok, "moving_average_observer: averaging constant in (0, 1]");
  }

  status observe(const float* x, std::size_t n) noexcept {
    if (n == 0) return status::ok;
    float lo = 0, hi = 0;
    if (!detail::batch_range(x, n, lo, hi)) return status::non_finite_input;
    if (batches_ == 0) {
      lo_ = lo, hi_ = hi;
    } else {
      lo_ += c_ * (lo - lo_);
      hi_ += c_ * (hi - hi_);
    }
    if (batches_ != UINT32_MAX) ++batches_;
    return status::ok;
  }
  float minimum() const noexcept { return lo_; }
  float maximum() const noexcept { return hi_; }
  std::uint32_t batches() const noexcept { return batches_; }
  status params(quant_params& out, bool symmetric = false) const noexcept {
    if (batches_ == 0) return status::not_ready;
    return symmetric ? choose_symmetric(lo_, hi_, out) : choose_asymmetric(lo_, hi_, out);
  }
  void reset() noexcept { lo_ = hi_ = 0, batches_ = 0; }

 private:
  float c_ = 0.01f;
  float lo_ = 0, hi_ = 0;
  std::uint32_t batches_ = 0;
};
inline constexpr std::size_t moving_average_observer::memory_bytes = sizeof(moving_average_observer);

/// Range from the (1 - p) and p quantiles of every value observed (streaming P2).
class percentile_observer {
 public:
  static const std::size_t memory_bytes;
  struct params_type {
    float percentile = 0.999f;  ///< p in (0.5, 1): the upper quantile; the lower is 1 - p
  };
  static constexpr status validate(const params_type& p) noexcept {
    return is_finite(p.percentile) && p.percentile > 0.5f && p.percentile < 1.0f ? status::ok : status::invalid_argument;
  }
  percentile_observer() noexcept : percentile_observer(params_type{}) {}
  explicit percentile_observer(const params_type& p) noexcept : low_(1.0f - p.percentile), high_(p.percentile) {
    EDGELOOP_ASSERT(validate(p) == status::ok, "percentile_observer: percentile in (0.5, 1)");
  }

  status observe(const float* x, std::size_t n) noexcept {
    for (std::size_t i = 0; i < n; ++i)
      if (!is_finite(x[i])) return status::non_finite_input;
    for (std::size_t i = 0; i < n; ++i) {
      (void)low_.add(x[i]);   // finite: cannot fail
      (void)high_.add(x[i]);
    }
    return status::ok;
  }
  float minimum() const noexcept { return low_.estimate(); }
  float maximum() const noexcept { return high_.estimate(); }
  std::uint32_t count() const noexcept { return low_.count(); }
  status params(quant_params& out, bool symmetric = false) const noexcept {
    if (count() == 0) return status::not_ready;
    const float lo = minimum(), hi = maximum();
    return symmetric ? choose_symmetric(lo, hi, out) : choose_asymmetric(lo, hi, out);
  }
  void reset() noexcept {
    low_.reset();
    high_.reset();
  }

 private:
  p2_quantile<float> low_, high_;
};
inline constexpr std::size_t percentile_observer::memory_bytes = sizeof(percentile_observer);

}  // namespace edgeloop::quant
