#pragma once
/// quantile_threshold: turns any anomaly score stream into alarms at a chosen false-alarm
/// rate. The threshold is the streaming (1 - rate)-quantile of the scores seen so far,
/// estimated by P2 (p2_quantile, Jain & Chlamtac 1985); a score raises an alarm when it is
/// ABOVE the threshold learned from the scores before it. When "normal" is stationary,
/// about `rate` of normal samples raise alarms.
///
/// Adapting: with adaptation_window W > 0 two P2 estimators run staggered by W/2 and each
/// restarts every W scores; the threshold comes from the one with more scores, so it
/// reflects the last W/2 .. W scores and follows a drifting normal. W = 0 keeps one
/// cumulative estimator.
///
/// update(score) -> bool (true = alarm); no alarm during the first `warmup` scores.
/// A non-finite score is ignored (no alarm, state unchanged, last_status() ==
/// non_finite_input). Memory: 2 p2_quantile states + params + 8 bytes; exact value in
/// memory_bytes.

#include <cstddef>
#include <cstdint>
#include <limits>

#include "../core/assert.hpp"
#include "../core/concepts.hpp"
#include "../core/numeric.hpp"
#include "../core/status.hpp"
#include "p2_quantile.hpp"

namespace edgeloop {

template <scalar Scalar = float>
class quantile_threshold {
 public:
  using value_type = Scalar;
  using estimator_type = p2_quantile<Scalar>;
  static constexpr std::uint32_t magic = 0x48545151u;  // "QQTH"
  static constexpr std::uint16_t version = 1;
  static const std::size_t memory_bytes;

  struct params {
    Scalar false_alarm_rate = Scalar(0.01);  ///< in (0, 1); the threshold is the (1 - rate)-quantile
    std::uint32_t adaptation_window = 0;     ///< 0 (cumulative) or >= 10 scores
    std::uint32_t warmup = 100;              ///< scores before the first possible alarm
  };

  struct state_type {
    std::uint32_t magic;
    std::uint16_t version;
    std::uint16_t reserved;
    params p;
    std::uint32_t samples;
    std::uint32_t alarms;
    typename estimator_type::state_type first, second;
  };

  static constexpr status validate(const params& p) noexcept {
    if (!is_finite(p.false_alarm_rate) || !(p.false_alarm_rate > Scalar(0)) || !(p.false_alarm_rate < Scalar(1)))
      return status::invalid_argument;
    if (p.adaptation_window != 0 && p.adaptation_window < 10) return status::invalid_argument;
    return status::ok;
  }

  quantile_threshold() noexcept : quantile_threshold(params{}) {}
  explicit quantile_threshold(const params& p) noexcept
      : p_(p), first_(Scalar(1) - p.false_alarm_rate), second_(Scalar(1) - p.false_alarm_rate) {
    EDGELOOP_ASSERT(validate(p) == status::ok, "quantile_threshold: invalid params");
  }

  /// Feeds one score; true when it is an alarm (see the header comment).
  bool update(Scalar score) noexcept {
    bool alarm = false;
    (void)observe(score, alarm);
    return alarm;
  }

  /// The same step with a status; `alarm` is written only when the score was accepted.
  status observe(Scalar score, bool& alarm) noexcept {
    if (!is_finite(score)) return last_ = status::non_finite_input;
    alarm = samples_ >= p_.warmup && samples_ > 0 && score > threshold();
    if (alarm) ++alarms_;
    const std::uint32_t w = p_.adaptation_window;
    if (w != 0 && samples_ > 0) {
      if (samples_ % w == 0) first_.reset();
      if (samples_ % w == w / 2) second_.reset();
    }
    (void)first_.add(score);
    if (w != 0) (void)second_.add(score);
    if (samples_ != std::numeric_limits<std::uint32_t>::max()) ++samples_;
    return last_ = status::ok;
  }

  /// Current alarm threshold (the (1 - rate)-quantile estimate); 0 before any score.
  Scalar threshold() const noexcept {
    return second_.count() > first_.count() ? second_.estimate() : first_.estimate();
  }

  void reset() noexcept {
    first_.reset();
    second_.reset();
    samples_ = 0;
    alarms_ = 0;
    last_ = status::ok;
  }

  std::uint32_t samples() const noexcept { return samples_; }
  std::uint32_t alarms() const noexcept { return alarms_; }
  status last_status() const noexcept { return last_; }
  const params& parameters() const noexcept { return p_; }

  state_type state() const noexcept {
    state_type s{};
    s.magic = magic;
    s.version = version;
    s.p = p_;
    s.samples = samples_;
    s.alarms = alarms_;
    s.first = first_.state();
    s.second = second_.state();
    return s;
  }
  status restore(const state_type& s) noexcept {
    if (s.magic != magic || s.version != version || validate(s.p) != status::ok) return status::invalid_state;
    estimator_type a(Scalar(1) - s.p.false_alarm_rate), b(Scalar(1) - s.p.false_alarm_rate);
    if (a.restore(s.first) != status::ok || b.restore(s.second) != status::ok) return status::invalid_state;
    if (a.p() != Scalar(1) - s.p.false_alarm_rate || b.p() != a.p()) return status::invalid_state;
    p_ = s.p;
    samples_ = s.samples;
    alarms_ = s.alarms;
    first_ = a;
    second_ = b;
    last_ = status::ok;
    return status::ok;
  }

 private:
  params p_;
  estimator_type first_, second_;
  std::uint32_t samples_ = 0;
  std::uint32_t alarms_ = 0;
  status last_ = status::ok;
};

template <scalar Scalar>
constexpr std::size_t quantile_threshold<Scalar>::memory_bytes = sizeof(quantile_threshold<Scalar>);

static_assert(persistable<quantile_threshold<float>>);

}  // namespace edgeloop
