#pragma once
/// likelihood_ensemble: a detector over the raw scores of several other detectors, combined
/// the way Numenta post-processes one (Ahmad, Lavin, Purdy & Agha 2017, Neurocomputing 262):
/// each member's raw score goes through its own anomaly_likelihood (short-window average
/// against a Gaussian of its history), so scores on unrelated scales become comparable tail
/// probabilities; the ensemble reports the LARGEST member likelihood (the smallest tail
/// 1 - L): an alarm as soon as any member finds the recent past improbable, which favours
/// early detections. Then Numenta's filtering of repeated alarms: a "red" likelihood
/// (tail <= red_tail) right after a red one, or within `refractory` steps after the last
/// red alarm that was let through, is lowered to 1 - yellow_tail, so a burst raises one alarm.
///
/// input_type: the members' raw scores (any scale, higher = more anomalous), e.g. from
/// score_then_learn() of each member on the same sample. score(x): the likelihood the next
/// learn(x) would report, in [0, 1], HIGHER = MORE ANOMALOUS, 0.5 during the learning
/// period; log_scale() spreads values near 1 for thresholds (>= 0.5 there: tail <= 1e-5).
/// A non-finite raw score is rejected (non_finite_input), nothing changes.
///
/// Memory: Members anomaly_likelihood<Scalar, ShortWindow> states + params + 24 bytes; exact
/// value in memory_bytes.

#include <array>
#include <cstddef>
#include <cstdint>

#include "../core/assert.hpp"
#include "../core/concepts.hpp"
#include "../core/numeric.hpp"
#include "../core/status.hpp"
#include "anomaly_detector.hpp"
#include "anomaly_likelihood.hpp"

namespace edgeloop {

template <scalar Scalar, std::size_t Members, std::size_t ShortWindow = 10>
class likelihood_ensemble {
  static_assert(Members > 0, "likelihood_ensemble: at least one member");

 public:
  using scalar_type = Scalar;
  using input_type = std::array<Scalar, Members>;
  using output_type = Scalar;
  using likelihood_type = anomaly_likelihood<Scalar, ShortWindow>;
  static constexpr std::uint32_t magic = 0x4E454C41u;  // "ALEN"
  static constexpr std::uint16_t version = 1;
  static const std::size_t memory_bytes;

  struct params {
    typename likelihood_type::params likelihood{};  ///< the same for every member
    Scalar red_tail = Scalar(1e-5);     ///< (0, yellow_tail]: tails at or below are "red" alarms
    Scalar yellow_tail = Scalar(1e-3);  ///< (red_tail, 1): what a repeated red alarm becomes
    bool suppress_repeats = true;       ///< Numenta's filter (off: the plain largest likelihood)
    std::uint32_t refractory = 0;       ///< steps after a red alarm in which red alarms are lowered too
  };

  struct state_type {
    std::uint32_t magic;
    std::uint16_t version;
    std::uint16_t reserved;
    params p;
    std::uint32_t samples;
    std::uint32_t since_red;  ///< steps since the last red alarm let through (saturating)
    Scalar previous_tail;     ///< smallest member tail of the previous step (before filtering)
    std::array<typename likelihood_type::state_type, Members> members;
  };

  static constexpr status validate(const params& p) noexcept {
    if (likelihood_type::validate(p.likelihood) != status::ok) return status::invalid_argument;
    if (!is_finite(p.red_tail) || !is_finite(p.yellow_tail) || !(p.red_tail > Scalar(0)) ||
        !(p.yellow_tail > p.red_tail) || !(p.yellow_tail < Scalar(1)))
      return status::invalid_argument;
    return status::ok;
  }

  likelihood_ensemble() noexcept : likelihood_ensemble(params{}) {}
  explicit likelihood_ensemble(const params& p) noexcept : p_(p) {
    EDGELOOP_ASSERT(validate(p) == status::ok, "likelihood_ensemble: invalid params");
    reset();
  }

  /// The likelihood learn(x) would report now (nothing changes).
  Scalar score(const input_type& x) const noexcept {
    Scalar tail = Scalar(1);
    for (std::size_t m = 0; m < Members; ++m) tail = smaller_tail(tail, members_[m].peek(x[m]));
    return filter(tail).likelihood;
  }

  /// Takes one step of raw scores (non_finite_input: unchanged).
  status learn(const input_type& x) noexcept {
    Scalar out = 0;
    return score_then_learn(x, out);
  }

  /// score(x) then learn(x) in one pass.
  status score_then_learn(const input_type& x, Scalar& out) noexcept {
    if (!all_finite(x)) return status::non_finite_input;
    Scalar tail = Scalar(1);
    for (std::size_t m = 0; m < Members; ++m) tail = smaller_tail(tail, members_[m].update(x[m]));
    const step s = filter(tail);
    previous_tail_ = s.smallest_tail;
    since_red_ = s.red ? 0u : (since_red_ == 0xFFFFFFFFu ? since_red_ : since_red_ + 1u);
    if (samples_ != 0xFFFFFFFFu) ++samples_;
    out = s.likelihood;
    return status::ok;
  }

  /// Numenta's log scaling (anomaly_likelihood::log_scale), about [0, 1].
  static Scalar log_scale(Scalar likelihood) noexcept { return likelihood_type::log_scale(likelihood); }

  void reset() noexcept {
    for (auto& m : members_) m = likelihood_type(p_.likelihood);
    samples_ = 0;
    since_red_ = 0xFFFFFFFFu;
    previous_tail_ = Scalar(1);
  }

  std::uint32_t samples() const noexcept { return samples_; }
  const params& parameters() const noexcept { return p_; }
  /// Member m's likelihood after the last step.
  Scalar member_likelihood(std::size_t m) const noexcept { return members_[m].likelihood(); }

  state_type state() const noexcept {
    state_type s{};
    s.magic = magic;
    s.version = version;
    s.p = p_;
    s.samples = samples_;
    s.since_red = since_red_;
    s.previous_tail = previous_tail_;
    for (std::size_t m = 0; m < Members; ++m) s.members[m] = members_[m].state();
    return s;
  }
  status restore(const state_type& s) noexcept {
    if (s.magic != magic || s.version != version || validate(s.p) != status::ok) return status::invalid_state;
    if (!is_finite(s.previous_tail) || s.previous_tail < Scalar(0) || s.previous_tail > Scalar(1))
      return status::invalid_state;
    std::array<likelihood_type, Members> members{};
    for (std::size_t m = 0; m < Members; ++m) {
      // Members share the ensemble's likelihood params.
      if (!(s.members[m].p == s.p.likelihood) || members[m].restore(s.members[m]) != status::ok)
        return status::invalid_state;
    }
    p_ = s.p;
    members_ = members;
    samples_ = s.samples;
    since_red_ = s.since_red;
    previous_tail_ = s.previous_tail;
    return status::ok;
  }

 private:
  struct step {
    Scalar likelihood;
    Scalar smallest_tail;
    bool red;  ///< a red alarm let through
  };

  static Scalar smaller_tail(Scalar tail, Scalar member_likelihood) noexcept {
    const Scalar t = Scalar(1) - member_likelihood;
    return t < tail ? t : tail;
  }

  /// Numenta's filter of repeated red alarms over the smallest member tail of this step.
  step filter(Scalar tail) const noexcept {
    step s{Scalar(1) - tail, tail, false};
    if (tail <= p_.red_tail) {
      const bool repeat = p_.suppress_repeats && (previous_tail_ <= p_.red_tail || since_red_ < p_.refractory);
      if (repeat) s.likelihood = Scalar(1) - p_.yellow_tail;
      else s.red = true;
    }
    return s;
  }

  params p_;
  std::array<likelihood_type, Members> members_{};
  std::uint32_t samples_ = 0;
  std::uint32_t since_red_ = 0xFFFFFFFFu;
  Scalar previous_tail_ = Scalar(1);
};

template <scalar Scalar, std::size_t Members, std::size_t ShortWindow>
constexpr std::size_t likelihood_ensemble<Scalar, Members, ShortWindow>::memory_bytes =
    sizeof(likelihood_ensemble<Scalar, Members, ShortWindow>);

static_assert(anomaly_detector<likelihood_ensemble<float, 2>>);

}  // namespace edgeloop
