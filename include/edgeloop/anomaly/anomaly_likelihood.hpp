#pragma once
/// anomaly_likelihood: post-processing of any anomaly score stream into the probability
/// that the recent scores are unusually high, the technique behind Numenta's detectors
/// (Ahmad, Lavin, Purdy & Agha 2017, "Unsupervised real-time anomaly detection for
/// streaming data", Neurocomputing 262): a short window average of the raw scores is
/// compared with a Gaussian fitted to the history of such averages.
///
/// Per raw score s_t: m_t = mean of the last ShortWindow raw scores (fewer at the start);
///     z = (m_t - mu) / max(sigma, min_std),   likelihood = 1 - Q(z) = Phi(z),
/// where mu, sigma^2 are the weighted mean and variance of the earlier averages m_1..m_{t-1}
/// (weights long_forgetting^age, West 1979; about 1 / (1 - long_forgetting) samples of
/// memory), then m_t joins the history. Output in [0, 1], HIGHER = MORE ANOMALOUS, 0.5 =
/// typical; 0.5 during the first learning_period scores. log_scale() spreads the values
/// near 1 as Numenta does (log(1 + 1e-10 - L) / log(1e-10)); thresholds like
/// likelihood >= 0.99999 (log_scale >= 0.5) are typical for rare alarms.
///
/// Memory: (ShortWindow + 4) sizeof(Scalar) + params + 16 bytes; exact value in
/// memory_bytes. A non-finite raw score is ignored (state unchanged, last_status() ==
/// non_finite_input, the last likelihood is returned).

#include <array>
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <limits>

#include "../core/assert.hpp"
#include "../core/concepts.hpp"
#include "../core/numeric.hpp"
#include "../core/status.hpp"

namespace edgeloop {

template <scalar Scalar = float, std::size_t ShortWindow = 10>
class anomaly_likelihood {
  static_assert(ShortWindow > 0, "anomaly_likelihood: short window of at least one score");

 public:
  using value_type = Scalar;
  static constexpr std::uint32_t magic = 0x4B4C4E41u;  // "ANLK"
  static constexpr std::uint16_t version = 1;
  static const std::size_t memory_bytes;

  struct params {
    std::uint32_t learning_period = 300;                    ///< scores answered with 0.5
    Scalar long_forgetting = Scalar(1) - Scalar(1) / Scalar(8640);  ///< (0, 1]; 1 = all history
    Scalar min_std = Scalar(0.01);                          ///< >= 0, floor of sigma (> 0 or used with care)
    friend constexpr bool operator==(const params&, const params&) noexcept = default;
  };

  struct state_type {
    std::uint32_t magic;
    std::uint16_t version;
    std::uint16_t reserved;
    params p;
    std::uint32_t samples;
    std::uint32_t next;  ///< ring position of the next raw score
    Scalar weight, mean, comoment;  ///< West's running weight, mean and sum of squares of the averages
    Scalar last;
    std::array<Scalar, ShortWindow> recent;
  };

  static constexpr status validate(const params& p) noexcept {
    if (!is_finite(p.long_forgetting) || !(p.long_forgetting > Scalar(0)) || p.long_forgetting > Scalar(1))
      return status::invalid_argument;
    if (!is_finite(p.min_std) || p.min_std < Scalar(0)) return status::invalid_argument;
    return status::ok;
  }

  anomaly_likelihood() noexcept : anomaly_likelihood(params{}) {}
  explicit anomaly_likelihood(const params& p) noexcept {
    EDGELOOP_ASSERT(validate(p) == status::ok, "anomaly_likelihood: invalid params");
    s_.p = p;
    reset();
  }

  /// Feeds one raw score, returns the likelihood in [0, 1].
  Scalar update(Scalar raw) noexcept {
    if (!is_finite(raw)) {
      last_ = status::non_finite_input;
      return s_.last;
    }
    const std::uint32_t samples = next_sample_count();
    const Scalar m = window_mean_with(raw, samples);
    const Scalar likelihood = likelihood_of(m, samples);
    s_.recent[s_.next] = raw;
    s_.next = static_cast<std::uint32_t>((s_.next + 1) % ShortWindow);
    s_.samples = samples;
    // West's weighted update of the history of averages.
    const Scalar w = s_.p.long_forgetting * s_.weight + Scalar(1);
    const Scalar d = m - s_.mean;
    s_.mean += d / w;
    s_.comoment = s_.p.long_forgetting * s_.comoment + d * (m - s_.mean);
    s_.weight = w;
    s_.last = likelihood;
    last_ = status::ok;
    return likelihood;
  }

  /// The likelihood update(raw) would return, without changing anything (the same
  /// arithmetic, so the same bits); for a non-finite raw score the last likelihood.
  Scalar peek(Scalar raw) const noexcept {
    if (!is_finite(raw)) return s_.last;
    const std::uint32_t samples = next_sample_count();
    return likelihood_of(window_mean_with(raw, samples), samples);
  }

  /// Numenta's log scaling of a likelihood: log(1 + 1e-10 - L) / log(1e-10), about [0, 1].
  static Scalar log_scale(Scalar likelihood) noexcept {
    return static_cast<Scalar>(std::log(1.0000000001 - static_cast<double>(likelihood)) / -23.02585084720009);
  }

  void reset() noexcept {
    const params p = s_.p;
    s_ = state_type{};
    s_.magic = magic;
    s_.version = version;
    s_.p = p;
    s_.last = Scalar(0.5);
    last_ = status::ok;
  }

  Scalar likelihood() const noexcept { return s_.last; }
  std::uint32_t samples() const noexcept { return s_.samples; }
  /// Mean and standard deviation of the history of short-window averages.
  Scalar history_mean() const noexcept { return s_.mean; }
  Scalar history_std() const noexcept {
    return s_.weight > Scalar(0) && s_.comoment > Scalar(0) ? std::sqrt(s_.comoment / s_.weight) : Scalar(0);
  }
  status last_status() const noexcept { return last_; }
  const params& parameters() const noexcept { return s_.p; }

  state_type state() const noexcept { return s_; }
  status restore(const state_type& s) noexcept {
    if (s.magic != magic || s.version != version || validate(s.p) != status::ok || s.next >= ShortWindow)
      return status::invalid_state;
    if (!is_finite(s.weight) || s.weight < Scalar(0) || !is_finite(s.mean) || !is_finite(s.comoment) ||
        s.comoment < Scalar(0) || !is_finite(s.last) || s.last < Scalar(0) || s.last > Scalar(1) ||
        !all_finite(s.recent))
      return status::invalid_state;
    s_ = s;
    last_ = status::ok;
    return status::ok;
  }

 private:
  std::uint32_t next_sample_count() const noexcept {
    return s_.samples == std::numeric_limits<std::uint32_t>::max() ? s_.samples : s_.samples + 1;
  }

  /// Mean of the short window once raw is stored at s_.next (`samples` counting raw). The
  /// window fills slots 0, 1, ... first, so the first n slots are the filled ones.
  Scalar window_mean_with(Scalar raw, std::uint32_t samples) const noexcept {
    const std::size_t n = samples < ShortWindow ? samples : ShortWindow;
    Scalar sum = 0;
    for (std::size_t i = 0; i < n; ++i) sum += i == s_.next ? raw : s_.recent[i];
    return sum / static_cast<Scalar>(n);
  }

  /// Phi((m - mu) / max(sigma, min_std)) against the history before m; 0.5 while learning.
  Scalar likelihood_of(Scalar m, std::uint32_t samples) const noexcept {
    if (samples <= s_.p.learning_period || !(s_.weight > Scalar(0))) return Scalar(0.5);
    const Scalar var = s_.comoment / s_.weight;
    Scalar sd = var > Scalar(0) ? std::sqrt(var) : Scalar(0);
    if (sd < s_.p.min_std) sd = s_.p.min_std;
    if (sd > Scalar(0)) {
      const double z = static_cast<double>((m - s_.mean) / sd);
      return static_cast<Scalar>(0.5 * std::erfc(-z * 0.70710678118654752440));
    }
    return m > s_.mean ? Scalar(1) : (m < s_.mean ? Scalar(0) : Scalar(0.5));
  }

  state_type s_{};
  status last_ = status::ok;
};

template <scalar Scalar, std::size_t ShortWindow>
constexpr std::size_t anomaly_likelihood<Scalar, ShortWindow>::memory_bytes =
    sizeof(anomaly_likelihood<Scalar, ShortWindow>);

static_assert(persistable<anomaly_likelihood<float, 10>>);

}  // namespace edgeloop
