#pragma once
/// min_max_scaler: streaming min-max scaling of each feature into [lower, upper]
/// (scikit-learn's MinMaxScaler with running data_min/data_max per feature):
///     y = lower + (x - data_min) / (data_max - data_min) * (upper - lower)
/// A feature whose data_min == data_max (a constant feature, or nothing seen yet) maps to
/// `lower`. With params.clip, outputs are clamped into [lower, upper] (inputs outside the
/// range seen so far would otherwise map outside it). The difference is formed from halved
/// values, so data spanning the whole float range does not overflow; a range too small to
/// invert (subnormal) counts as constant.
///
/// Memory: 3*Features*sizeof(Scalar) + 16 bytes (float) or + 32 bytes (double); exact value
/// in memory_bytes. state_type: 16 + (2 + 2*Features)*sizeof(Scalar) bytes.

#include <array>
#include <cstddef>
#include <cstdint>

#include "../core/assert.hpp"
#include "../core/concepts.hpp"
#include "../core/numeric.hpp"
#include "../core/status.hpp"
#include "detail/common.hpp"

namespace edgeloop {

template <scalar Scalar, std::size_t Features>
class min_max_scaler {
  static_assert(Features > 0, "min_max_scaler needs at least one feature");

 public:
  using input_type = std::array<Scalar, Features>;
  using output_type = std::array<Scalar, Features>;

  /// Output range [lower, upper] (finite, lower < upper) and whether to clamp into it.
  struct params {
    Scalar lower = Scalar(0);
    Scalar upper = Scalar(1);
    bool clip = false;
  };

  /// Persistent state (no padding bytes); data_min/data_max are 0 while count == 0.
  struct state_type {
    std::uint32_t magic;
    std::uint16_t version;
    std::uint16_t clip;  ///< 0 or 1
    std::uint32_t count;
    std::uint32_t reserved;  ///< 0
    Scalar lower;
    Scalar upper;
    std::array<Scalar, Features> data_min;
    std::array<Scalar, Features> data_max;
  };
  static_assert(sizeof(state_type) == 16 + sizeof(Scalar) * (2 + 2 * Features),
                "min_max_scaler::state_type must have no padding bytes");

  static constexpr std::uint32_t magic = detail::fourcc('M', 'M', 'S', 'C');
  static constexpr std::uint16_t version = 1;
  static const std::size_t memory_bytes;

  /// ok, or invalid_argument unless lower < upper, both finite and upper - lower finite.
  static constexpr status validate(const params& p) noexcept {
    if (!is_finite(p.lower) || !is_finite(p.upper) || !(p.lower < p.upper) ||
        !is_finite(p.upper - p.lower))
      return status::invalid_argument;
    return status::ok;
  }

  min_max_scaler() noexcept : min_max_scaler(params{}) {}
  explicit min_max_scaler(const params& p) noexcept : params_(p) {
    EDGELOOP_ASSERT(validate(p) == status::ok, "min_max_scaler: invalid params");
    reset();
  }

  /// Widens the running range with x; non_finite_input (and no change) on NaN/infinity.
  status partial_fit(const input_type& x) noexcept {
    if (!all_finite(x)) return status::non_finite_input;
    if (count_ == 0) {
      data_min_ = x;
      data_max_ = x;
      for (std::size_t i = 0; i < Features; ++i) refresh(i);
    } else {
      for (std::size_t i = 0; i < Features; ++i) {
        bool changed = false;
        if (x[i] < data_min_[i]) {
          data_min_[i] = x[i];
          changed = true;
        }
        if (x[i] > data_max_[i]) {
          data_max_[i] = x[i];
          changed = true;
        }
        if (changed) refresh(i);
      }
    }
    count_ = detail::saturating_increment(count_);
    return status::ok;
  }

  output_type transform(const input_type& x) const noexcept {
    const Scalar half = Scalar(0.5);
    const Scalar span = params_.upper - params_.lower;
    output_type y;
    for (std::size_t i = 0; i < Features; ++i) {
      const Scalar t = (x[i] * half - data_min_[i] * half) * inv_half_range_[i];
      Scalar v = params_.lower + t * span;
      if (params_.clip) v = v < params_.lower ? params_.lower : (v > params_.upper ? params_.upper : v);
      y[i] = v;
    }
    return y;
  }

  void reset() noexcept {
    count_ = 0;
    data_min_ = detail::filled<Scalar, Features>(Scalar(0));
    data_max_ = data_min_;
    inv_half_range_ = data_min_;
  }

  const input_type& data_min() const noexcept { return data_min_; }
  const input_type& data_max() const noexcept { return data_max_; }
  std::uint32_t count() const noexcept { return count_; }
  const params& parameters() const noexcept { return params_; }

  state_type state() const noexcept {
    state_type s{};
    s.magic = magic;
    s.version = version;
    s.clip = params_.clip ? 1 : 0;
    s.count = count_;
    s.reserved = 0;
    s.lower = params_.lower;
    s.upper = params_.upper;
    s.data_min = data_min_;
    s.data_max = data_max_;
    return s;
  }

  /// Adopts `s` (including its params) or returns invalid_state and changes nothing.
  status restore(const state_type& s) noexcept {
    if (s.magic != magic || s.version != version || s.reserved != 0 || s.clip > 1)
      return status::invalid_state;
    const params p{s.lower, s.upper, s.clip == 1};
    if (validate(p) != status::ok) return status::invalid_state;
    if (!all_finite(s.data_min) || !all_finite(s.data_max)) return status::invalid_state;
    if (s.count == 0 && !(detail::all_zero(s.data_min) && detail::all_zero(s.data_max)))
      return status::invalid_state;
    for (std::size_t i = 0; i < Features; ++i)
      if (!(s.data_min[i] <= s.data_max[i])) return status::invalid_state;
    params_ = p;
    count_ = s.count;
    data_min_ = s.data_min;
    data_max_ = s.data_max;
    for (std::size_t i = 0; i < Features; ++i) refresh(i);
    return status::ok;
  }

 private:
  void refresh(std::size_t i) noexcept {
    const Scalar half_range = data_max_[i] * Scalar(0.5) - data_min_[i] * Scalar(0.5);
    const Scalar inv = half_range > Scalar(0) ? Scalar(1) / half_range : Scalar(0);
    inv_half_range_[i] = is_finite(inv) ? inv : Scalar(0);  // a subnormal range counts as constant
  }

  input_type data_min_;
  input_type data_max_;
  input_type inv_half_range_;  ///< derived: 2 / (data_max - data_min), or 0 when equal
  params params_;
  std::uint32_t count_ = 0;
};

template <scalar Scalar, std::size_t Features>
constexpr std::size_t min_max_scaler<Scalar, Features>::memory_bytes =
    sizeof(min_max_scaler<Scalar, Features>);

static_assert(online_transformer<min_max_scaler<float, 4>>);
static_assert(persistable<min_max_scaler<float, 4>>);
static_assert(has_memory_bytes<min_max_scaler<float, 4>>);

}  // namespace edgeloop
