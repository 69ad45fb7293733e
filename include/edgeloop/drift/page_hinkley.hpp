#pragma once
/// page_hinkley: the Page-Hinkley test for a change in the mean (Page 1954, "Continuous
/// inspection schemes", Biometrika 41), in the form and with the defaults of MOA / River:
/// min_instances 30, delta 0.005, threshold (lambda) 50, forgetting factor alpha 0.9999.
///
/// With x_bar the mean of all values since the last reset (the current one included):
///   up:   m_t = alpha m_{t-1} + (x_t - x_bar_t - delta),  drift when m_t - min_{s<=t} m_s > lambda
///   down: d_t = alpha d_{t-1} + (x_t - x_bar_t + delta),  drift when max_{s<=t} d_s - d_t > lambda
/// once at least min_instances values were seen. `mode` picks increases (default, as MOA
/// and Page's one-sided test), decreases, or both (River's default). After a drift the
/// detector resets itself, so the next update starts a new reference (River resets at the
/// next update, which gives the same detection indices).
///
/// Memory: 6 * sizeof(Scalar) + params (3 * sizeof(Scalar) + 8) + 20 bytes, plus padding;
/// memory_bytes is the exact sizeof.
///
/// Bad input: a non-finite value is ignored (state unchanged, drift_state::none,
/// last_status() == non_finite_input).

#include <cstdint>

#include "../core/assert.hpp"
#include "../core/concepts.hpp"
#include "../core/numeric.hpp"
#include "../core/status.hpp"
#include "drift_detector.hpp"

namespace edgeloop {

/// Which changes of the mean a page_hinkley detector signals.
enum class ph_mode : std::uint8_t { up, down, both };

template <scalar Scalar = float>
class page_hinkley {
 public:
  using value_type = Scalar;
  static constexpr std::uint32_t magic = 0x504B4850u;  // "PHKP"
  static constexpr std::uint16_t version = 1;
  static const std::size_t memory_bytes;

  struct params {
    std::uint32_t min_instances = 30;     ///< no drift before this many values, >= 1
    Scalar delta = Scalar(0.005);         ///< tolerated change magnitude, >= 0
    Scalar threshold = Scalar(50);        ///< lambda, > 0
    Scalar alpha = Scalar(1) - Scalar(0.0001);  ///< forgetting factor, (0, 1]
    ph_mode mode = ph_mode::up;
  };

  struct state_type {
    std::uint32_t magic;
    std::uint16_t version;
    std::uint16_t reserved;
    params p;
    std::uint32_t n;           ///< values since the last reset
    std::uint32_t detections;
    std::uint32_t samples;
    Scalar mean;
    Scalar sum_up, min_up;     ///< m_t and its running minimum
    Scalar sum_down, max_down; ///< d_t and its running maximum
  };

  static status validate(const params& p) noexcept {
    if (p.min_instances == 0) return status::invalid_argument;
    if (!is_finite(p.delta) || p.delta < Scalar(0)) return status::invalid_argument;
    if (!is_finite(p.threshold) || !(p.threshold > Scalar(0))) return status::invalid_argument;
    if (!is_finite(p.alpha) || !(p.alpha > Scalar(0)) || p.alpha > Scalar(1)) return status::invalid_argument;
    if (p.mode != ph_mode::up && p.mode != ph_mode::down && p.mode != ph_mode::both)
      return status::invalid_argument;
    return status::ok;
  }

  explicit page_hinkley(const params& p = {}) noexcept {
    EDGELOOP_ASSERT(validate(p) == status::ok, "page_hinkley: invalid params");
    s_.p = p;
    reset();
  }

  drift_state update(Scalar value) noexcept {
    drift_state out = drift_state::none;
    (void)update_checked(value, out);
    return out;
  }

  status update_checked(Scalar value, drift_state& out) noexcept {
    if (!is_finite(value)) return last_ = status::non_finite_input;
    last_ = status::ok;
    ++s_.samples;
    ++s_.n;
    s_.mean += (value - s_.mean) / static_cast<Scalar>(s_.n);
    const Scalar dev = value - s_.mean;
    s_.sum_up = s_.p.alpha * s_.sum_up + dev - s_.p.delta;
    s_.sum_down = s_.p.alpha * s_.sum_down + dev + s_.p.delta;
    if (s_.n == 1 || s_.sum_up < s_.min_up) s_.min_up = s_.sum_up;
    if (s_.n == 1 || s_.sum_down > s_.max_down) s_.max_down = s_.sum_down;
    bool drift = false;
    if (s_.n >= s_.p.min_instances) {
      const bool up = s_.sum_up - s_.min_up > s_.p.threshold;
      const bool down = s_.max_down - s_.sum_down > s_.p.threshold;
      drift = (s_.p.mode != ph_mode::down && up) || (s_.p.mode != ph_mode::up && down);
    }
    out = drift ? drift_state::drift : drift_state::none;
    if (drift) {
      ++s_.detections;
      reset();
    }
    return status::ok;
  }

  /// Forgets the reference mean and the sums (params, detections, samples kept).
  void reset() noexcept {
    const params p = s_.p;
    const std::uint32_t detections = s_.detections, samples = s_.samples;
    s_ = state_type{};
    s_.magic = magic;
    s_.version = version;
    s_.p = p;
    s_.detections = detections;
    s_.samples = samples;
  }

  /// Mean since the last reset.
  Scalar estimation() const noexcept { return s_.mean; }
  /// The test statistics: m_t - min m (increase) and max d - d_t (decrease).
  Scalar statistic_up() const noexcept { return s_.n ? s_.sum_up - s_.min_up : Scalar(0); }
  Scalar statistic_down() const noexcept { return s_.n ? s_.max_down - s_.sum_down : Scalar(0); }
  std::uint32_t width() const noexcept { return s_.n; }
  std::uint32_t detections() const noexcept { return s_.detections; }
  std::uint32_t samples() const noexcept { return s_.samples; }
  status last_status() const noexcept { return last_; }
  const params& get_params() const noexcept { return s_.p; }

  state_type state() const noexcept { return s_; }
  status restore(const state_type& s) noexcept {
    if (s.magic != magic || s.version != version || validate(s.p) != status::ok) return status::invalid_state;
    if (!is_finite(s.mean) || !is_finite(s.sum_up) || !is_finite(s.min_up) || !is_finite(s.sum_down) ||
        !is_finite(s.max_down) || s.min_up > s.sum_up || s.max_down < s.sum_down)
      return status::invalid_state;
    s_ = s;
    last_ = status::ok;
    return status::ok;
  }

 private:
  state_type s_{};
  status last_ = status::ok;
};

template <scalar Scalar>
constexpr std::size_t page_hinkley<Scalar>::memory_bytes = sizeof(page_hinkley<Scalar>);

}  // namespace edgeloop

static_assert(edgeloop::drift_detector<edgeloop::page_hinkley<float>>);
static_assert(edgeloop::drift_detector<edgeloop::page_hinkley<double>>);
