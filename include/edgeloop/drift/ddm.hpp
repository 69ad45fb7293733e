#pragma once
/// ddm: Drift Detection Method (Gama, Medas, Castillo & Rodrigues 2004, "Learning with
/// drift detection", SBIA) on a stream of errors (1 = wrong prediction, 0 = right; any
/// value in [0, 1] is accepted as an error probability).
///
/// p_i is the error rate since the last reset and s_i = sqrt(p_i (1 - p_i) / i). Once more
/// than min_instances (30) values were seen, (p_min, s_min) is the pair with the smallest
/// p_i + s_i so far and
///   p_i + s_i > p_min + warning_level * s_min  (2)  -> drift_state::warning
///   p_i + s_i > p_min + drift_level   * s_min  (3)  -> drift_state::drift, then reset.
/// The comparisons are strict as in River (the paper writes >=): they differ only at
/// equality, and strictness keeps an all-correct start (p_min = s_min = 0) from signalling
/// drift on every later sample. River resets at the update after a drift; this resets at
/// once, which gives the same indices.
///
/// Memory: 4 * sizeof(Scalar) + params (2 * sizeof(Scalar) + 4) + 20 bytes, plus padding;
/// memory_bytes is the exact sizeof.
///
/// Bad input: a non-finite value (non_finite_input) or one outside [0, 1]
/// (invalid_argument) is ignored: state unchanged, drift_state::none.

#include <cmath>
#include <cstdint>

#include "../core/assert.hpp"
#include "../core/concepts.hpp"
#include "../core/numeric.hpp"
#include "../core/status.hpp"
#include "drift_detector.hpp"

namespace edgeloop {

template <scalar Scalar = float>
class ddm {
 public:
  using value_type = Scalar;
  static constexpr std::uint32_t magic = 0x4D4D4444u;  // "DDMM"
  static constexpr std::uint16_t version = 1;
  static const std::size_t memory_bytes;

  struct params {
    std::uint32_t min_instances = 30;  ///< warm-up: no decision while n <= min_instances
    Scalar warning_level = Scalar(2);  ///< > 0
    Scalar drift_level = Scalar(3);    ///< >= warning_level
  };

  struct state_type {
    std::uint32_t magic;
    std::uint16_t version;
    std::uint16_t reserved;
    params p;
    std::uint32_t n;  ///< values since the last reset
    std::uint32_t detections;
    std::uint32_t samples;
    std::uint32_t has_min;  ///< 1 once (p_min, s_min) was set
    Scalar p_rate;          ///< p_i
    Scalar p_min, s_min, ps_min;
  };

  static status validate(const params& p) noexcept {
    if (!is_finite(p.warning_level) || !is_finite(p.drift_level)) return status::invalid_argument;
    if (!(p.warning_level > Scalar(0)) || p.drift_level < p.warning_level) return status::invalid_argument;
    return status::ok;
  }

  explicit ddm(const params& p = {}) noexcept {
    EDGELOOP_ASSERT(validate(p) == status::ok, "ddm: invalid params");
    s_.p = p;
    reset();
  }

  drift_state update(Scalar error) noexcept {
    drift_state out = drift_state::none;
    (void)update_checked(error, out);
    return out;
  }

  status update_checked(Scalar error, drift_state& out) noexcept {
    if (!is_finite(error)) return last_ = status::non_finite_input;
    if (error < Scalar(0) || error > Scalar(1)) return last_ = status::invalid_argument;
    last_ = status::ok;
    ++s_.samples;
    ++s_.n;
    s_.p_rate += (error - s_.p_rate) / static_cast<Scalar>(s_.n);
    out = drift_state::none;
    if (s_.n <= s_.p.min_instances) return status::ok;
    const Scalar s = std::sqrt(s_.p_rate * (Scalar(1) - s_.p_rate) / static_cast<Scalar>(s_.n));
    const Scalar ps = s_.p_rate + s;
    if (!s_.has_min || ps <= s_.ps_min) {
      s_.has_min = 1;
      s_.p_min = s_.p_rate;
      s_.s_min = s;
      s_.ps_min = ps;
    }
    if (ps > s_.p_min + s_.p.drift_level * s_.s_min) {
      out = drift_state::drift;
      ++s_.detections;
      reset();
    } else if (ps > s_.p_min + s_.p.warning_level * s_.s_min) {
      out = drift_state::warning;
    }
    return status::ok;
  }

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

  /// Error rate since the last reset.
  Scalar estimation() const noexcept { return s_.p_rate; }
  Scalar p_min() const noexcept { return s_.p_min; }
  Scalar s_min() const noexcept { return s_.s_min; }
  std::uint32_t width() const noexcept { return s_.n; }
  std::uint32_t detections() const noexcept { return s_.detections; }
  std::uint32_t samples() const noexcept { return s_.samples; }
  status last_status() const noexcept { return last_; }
  const params& get_params() const noexcept { return s_.p; }

  state_type state() const noexcept { return s_; }
  status restore(const state_type& s) noexcept {
    if (s.magic != magic || s.version != version || validate(s.p) != status::ok) return status::invalid_state;
    if (s.has_min > 1 || !is_finite(s.p_rate) || s.p_rate < Scalar(0) || s.p_rate > Scalar(1) ||
        !is_finite(s.p_min) || !is_finite(s.s_min) || !is_finite(s.ps_min) || s.s_min < Scalar(0))
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
constexpr std::size_t ddm<Scalar>::memory_bytes = sizeof(ddm<Scalar>);

}  // namespace edgeloop

static_assert(edgeloop::drift_detector<edgeloop::ddm<float>>);
static_assert(edgeloop::drift_detector<edgeloop::ddm<double>>);
