#pragma once
/// clipper: clamps each feature into bounds, to tame outliers and sensor glitches.
///  - mode fixed: per-feature bounds params.lower[i] <= params.upper[i] (a sensor's
///    physical or datasheet range; every feature usually has its own). same_bounds(lo, hi)
///    builds params with one pair for all features. partial_fit only checks its input.
///  - mode learned: bounds mean[i] -/+ k * std[i] from Welford (1962) running statistics
///    (population std), applied once `warmup` samples have been seen; the fixed bounds
///    still apply on top (they default to the whole range of Scalar, i.e. no limit), so
///    the output always lies in [lower[i], upper[i]].
/// partial_fit rejects non-finite input (non_finite_input, no change). transform lets NaN
/// through unchanged and clamps infinities to the bounds.
///
/// Memory: 6*Features*sizeof(Scalar) + 16 bytes (float) or + 32 bytes (double); exact value
/// in memory_bytes.
/// state_type: 16 + (1 + 4*Features)*sizeof(Scalar) bytes.

#include <array>
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <limits>

#include "../core/assert.hpp"
#include "../core/concepts.hpp"
#include "../core/numeric.hpp"
#include "../core/status.hpp"
#include "detail/common.hpp"

namespace edgeloop {

/// Where clipper's bounds come from.
enum class clipper_mode : std::uint8_t {
  fixed = 0,    ///< params.lower / params.upper only
  learned = 1,  ///< mean -/+ k std after warmup, within params.lower / params.upper
};

template <scalar Scalar, std::size_t Features>
class clipper {
  static_assert(Features > 0, "clipper needs at least one feature");

 public:
  using input_type = std::array<Scalar, Features>;
  using output_type = std::array<Scalar, Features>;

  /// lower/upper: finite, lower[i] <= upper[i]; k: finite, > 0; warmup >= 1.
  struct params {
    clipper_mode mode = clipper_mode::fixed;
    std::array<Scalar, Features> lower =
        detail::filled<Scalar, Features>(std::numeric_limits<Scalar>::lowest());
    std::array<Scalar, Features> upper =
        detail::filled<Scalar, Features>(std::numeric_limits<Scalar>::max());
    Scalar k = Scalar(3);
    std::uint32_t warmup = 10;
  };

  /// Persistent state (no padding bytes). mean/m2 are Welford's running mean and sum of
  /// squared deviations (all zero in fixed mode, where count stays 0).
  struct state_type {
    std::uint32_t magic;
    std::uint16_t version;
    std::uint16_t mode;
    std::uint32_t count;
    std::uint32_t warmup;
    Scalar k;
    std::array<Scalar, Features> lower;
    std::array<Scalar, Features> upper;
    std::array<Scalar, Features> mean;
    std::array<Scalar, Features> m2;
  };
  static_assert(sizeof(state_type) == 16 + sizeof(Scalar) * (1 + 4 * Features),
                "clipper::state_type must have no padding bytes");

  static constexpr std::uint32_t magic = detail::fourcc('C', 'L', 'I', 'P');
  static constexpr std::uint16_t version = 1;
  static const std::size_t memory_bytes;

  /// Fixed-mode params with the same bounds for every feature.
  static constexpr params same_bounds(Scalar lower, Scalar upper) noexcept {
    params p{};
    p.lower = detail::filled<Scalar, Features>(lower);
    p.upper = detail::filled<Scalar, Features>(upper);
    return p;
  }

  static constexpr status validate(const params& p) noexcept {
    if (p.mode != clipper_mode::fixed && p.mode != clipper_mode::learned)
      return status::invalid_argument;
    for (std::size_t i = 0; i < Features; ++i)
      if (!is_finite(p.lower[i]) || !is_finite(p.upper[i]) || !(p.lower[i] <= p.upper[i]))
        return status::invalid_argument;
    if (!is_finite(p.k) || !(p.k > Scalar(0)) || p.warmup < 1) return status::invalid_argument;
    return status::ok;
  }

  clipper() noexcept : clipper(params{}) {}
  explicit clipper(const params& p) noexcept : params_(p) {
    EDGELOOP_ASSERT(validate(p) == status::ok, "clipper: invalid params");
    reset();
  }

  /// Learned mode: updates the running statistics. non_finite_input (and no change) when
  /// x has a NaN or infinity or the statistics would overflow.
  status partial_fit(const input_type& x) noexcept {
    if (!all_finite(x)) return status::non_finite_input;
    if (params_.mode == clipper_mode::fixed) return status::ok;
    const std::uint32_t n = detail::saturating_increment(count_);
    const Scalar r = Scalar(1) / static_cast<Scalar>(n);
    input_type mean = mean_;
    input_type m2 = m2_;
    for (std::size_t i = 0; i < Features; ++i) {
      const Scalar d = x[i] - mean[i];
      mean[i] += d * r;
      m2[i] += d * (x[i] - mean[i]);
    }
    if (!all_finite(mean) || !all_finite(m2))
      return status::non_finite_input;
    mean_ = mean;
    m2_ = m2;
    count_ = n;
    refresh_bounds();
    return status::ok;
  }

  output_type transform(const input_type& x) const noexcept {
    output_type y;
    for (std::size_t i = 0; i < Features; ++i) {
      Scalar v = x[i];
      v = v < lo_[i] ? lo_[i] : (v > hi_[i] ? hi_[i] : v);
      y[i] = v;
    }
    return y;
  }

  void reset() noexcept {
    count_ = 0;
    mean_ = detail::filled<Scalar, Features>(Scalar(0));
    m2_ = mean_;
    refresh_bounds();
  }

  /// The bounds transform applies now.
  const input_type& lower_bounds() const noexcept { return lo_; }
  const input_type& upper_bounds() const noexcept { return hi_; }
  const input_type& mean() const noexcept { return mean_; }
  /// Population variance per feature (learned mode; 0 before any sample and in fixed mode).
  input_type variance() const noexcept {
    if (count_ == 0) return m2_;
    input_type v;
    const auto n = static_cast<Scalar>(count_);
    for (std::size_t i = 0; i < Features; ++i) v[i] = m2_[i] / n;
    return v;
  }
  std::uint32_t count() const noexcept { return count_; }
  const params& parameters() const noexcept { return params_; }

  state_type state() const noexcept {
    state_type s{};
    s.magic = magic;
    s.version = version;
    s.mode = static_cast<std::uint16_t>(params_.mode);
    s.count = count_;
    s.warmup = params_.warmup;
    s.k = params_.k;
    s.lower = params_.lower;
    s.upper = params_.upper;
    s.mean = mean_;
    s.m2 = m2_;
    return s;
  }

  /// Adopts `s` (including its params) or returns invalid_state and changes nothing.
  status restore(const state_type& s) noexcept {
    if (s.magic != magic || s.version != version || s.mode > 1) return status::invalid_state;
    params p{};
    p.mode = static_cast<clipper_mode>(s.mode);
    p.lower = s.lower;
    p.upper = s.upper;
    p.k = s.k;
    p.warmup = s.warmup;
    if (validate(p) != status::ok) return status::invalid_state;
    if (!all_finite(s.mean) || !detail::all_finite_nonnegative(s.m2)) return status::invalid_state;
    const bool empty = s.count == 0;
    if ((empty || p.mode == clipper_mode::fixed) &&
        !(empty && detail::all_zero(s.mean) && detail::all_zero(s.m2)))
      return status::invalid_state;
    if (s.count == 1 && !detail::all_zero(s.m2)) return status::invalid_state;
    params_ = p;
    count_ = s.count;
    mean_ = s.mean;
    m2_ = s.m2;
    refresh_bounds();
    return status::ok;
  }

 private:
  void refresh_bounds() noexcept {
    lo_ = params_.lower;
    hi_ = params_.upper;
    if (params_.mode != clipper_mode::learned || count_ < params_.warmup) return;
    const Scalar inv_n = Scalar(1) / static_cast<Scalar>(count_);
    input_type w;
    for (std::size_t i = 0; i < Features; ++i) w[i] = m2_[i] * inv_n;
    for (std::size_t i = 0; i < Features; ++i) w[i] = params_.k * std::sqrt(w[i]);  // inf: no limit
    for (std::size_t i = 0; i < Features; ++i) {
      const Scalar a = mean_[i] - w[i], b = mean_[i] + w[i];
      // Learned bounds within the fixed ones; if they miss each other the fixed bound wins.
      if (a > lo_[i]) lo_[i] = a < hi_[i] ? a : hi_[i];
      if (b < hi_[i]) hi_[i] = b > lo_[i] ? b : lo_[i];
    }
  }

  input_type mean_;
  input_type m2_;
  input_type lo_;  ///< derived: bounds in effect
  input_type hi_;
  params params_;
  std::uint32_t count_ = 0;
};

template <scalar Scalar, std::size_t Features>
constexpr std::size_t clipper<Scalar, Features>::memory_bytes = sizeof(clipper<Scalar, Features>);

static_assert(online_transformer<clipper<float, 4>>);
static_assert(persistable<clipper<float, 4>>);
static_assert(has_memory_bytes<clipper<float, 4>>);

}  // namespace edgeloop
