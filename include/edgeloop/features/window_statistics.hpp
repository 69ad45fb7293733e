#pragma once
/// window_statistics: time-domain statistics of the last `Window` samples of a stream,
/// updated in O(1) per sample (amortised; see "Numerical stability").
///
/// Algorithms
/// - Mean and central moments M2, M3, M4 by the single-sample update formulas of Welford
///   (1962) extended to higher moments by Pebay (2008, SAND2008-6212); a sample leaving
///   the window is removed with the exact inverse of the same update. A full window
///   therefore costs one removal and one addition per push.
/// - Minimum and maximum by monotonic deques (Lemire 2006, "Streaming maximum-minimum
///   filter using no more than three comparisons per element"): two fixed rings of window
///   positions, O(1) amortised, no heap.
/// - Least-squares slope from the centred covariance sum(t - t_mean)(x_t - mean), kept in
///   O(1) from the deviations of the entering and leaving samples (no raw sums, so large
///   offsets do not cancel).
/// - Zero crossings: an exact integer count of adjacent pairs of the window whose signs
///   differ, about ZERO (not about the window mean: a mean-referenced count cannot be kept
///   in O(1) because the mean moves). A sample of 0 counts as non-negative. For signals with
///   an offset, remove it upstream (a high-pass filter or a standard_scaler).
///
/// Numerical stability: the removal step subtracts, so rounding errors random-walk and an
/// evicted sample that carried most of the spread cancels catastrophically. Two rules bound
/// this: (1) every `Window` pushes the mean, moments and covariance are recomputed exactly
/// from the window (shifted two-pass, O(Window), i.e. amortised O(1) per push), and
/// (2) a push whose eviction cancels 15/16 or more of M2 (or 255/256 of M4) recomputes at
/// once. Rule (2) makes a push O(Window) in that event; it fires only when the leaving
/// sample dominates the spread (a spike leaving the window, or a transient decaying by 4x
/// or more per sample), so ordinary streams stay at O(1) amortised.
///
/// Conventions: variance is the POPULATION variance M2/n of the samples in the window;
/// skewness is g1 = (M3/n)/(M2/n)^1.5; kurtosis is the EXCESS kurtosis g2 = (M4/n)/(M2/n)^2 - 3
/// (0 for a normal distribution). Both are 0 when the variance is numerically zero
/// (variance <= (16 eps peak)^2, peak = max(|minimum|, |maximum|)). rms = sqrt(mean^2 +
/// variance); crest factor = peak / rms (0 when rms is 0); zero-crossing rate = crossings /
/// (n - 1) per sample pair; slope is per sample (oldest sample at t = 0). Before the window
/// is full every statistic covers the n samples pushed so far; with no sample every
/// statistic is 0.
///
/// Memory: Window*(sizeof(Scalar) + 2*sizeof(index)) + 5*sizeof(Scalar) + 9 size_t counters,
/// index = uint16 for Window <= 65536 (memory_bytes gives the exact figure).

#include <array>
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <limits>
#include <type_traits>

#include "../core/assert.hpp"
#include "../core/concepts.hpp"
#include "../core/numeric.hpp"
#include "../core/ring_buffer.hpp"
#include "../core/status.hpp"
#include "feature_extractor.hpp"

namespace edgeloop {

/// Positions of the features in window_statistics::features().
struct window_feature {
  enum index : std::size_t {
    mean = 0,
    variance,            ///< population variance
    std_dev,             ///< sqrt(variance)
    minimum,
    maximum,
    rms,
    peak_to_peak,        ///< maximum - minimum
    skewness,            ///< g1
    kurtosis,            ///< excess kurtosis g2
    crest_factor,        ///< max(|minimum|, |maximum|) / rms
    zero_crossing_rate,  ///< sign changes about zero per adjacent pair
    slope,               ///< least-squares slope per sample
    count                ///< number of features
  };
};

namespace detail {

/// Fixed-capacity double-ended queue of window positions (the monotonic deques).
template <class Index, std::size_t Capacity>
class index_deque {
 public:
  constexpr bool empty() const noexcept { return size_ == 0; }
  constexpr Index front() const noexcept { return data_[head_]; }
  constexpr Index back() const noexcept { return data_[wrap(head_ + size_ - 1)]; }
  constexpr void push_back(Index v) noexcept {
    EDGELOOP_ASSERT(size_ < Capacity, "index_deque: full");
    data_[wrap(head_ + size_)] = v;
    ++size_;
  }
  constexpr void pop_back() noexcept { --size_; }
  constexpr void pop_front() noexcept {
    head_ = wrap(head_ + 1);
    --size_;
  }
  constexpr void clear() noexcept { head_ = size_ = 0; }

 private:
  static constexpr std::size_t wrap(std::size_t i) noexcept { return i >= Capacity ? i - Capacity : i; }
  std::array<Index, Capacity> data_{};
  std::size_t head_ = 0;
  std::size_t size_ = 0;
};

}  // namespace detail

template <scalar Scalar, std::size_t Window>
class window_statistics {
  static_assert(Window >= 2, "window_statistics needs a window of at least 2 samples");
  static_assert(Window <= 0x7FFFFFFFu, "window_statistics: window too large");

 public:
  using input_type = Scalar;
  using output_type = std::array<Scalar, window_feature::count>;
  using index_type = std::conditional_t<(Window <= 65536u), std::uint16_t, std::uint32_t>;

  static constexpr std::uint32_t state_magic = 0x45574E53u;  // "EWNS"
  static constexpr std::uint16_t state_version = 1;

  /// Window contents (oldest first, zero past `size`) plus the running sums and counters,
  /// so a restored object continues bit-identically. No padding for float and double.
  struct state_type {
    std::uint32_t magic;
    std::uint16_t version;
    std::uint16_t reserved;
    std::uint32_t size;             ///< samples in the window
    std::uint32_t since_recompute;  ///< pushes since the last exact recomputation
    std::uint32_t crossings;        ///< zero crossings between adjacent samples
    std::uint32_t reserved2;
    Scalar mean, m2, m3, m4, cov;   ///< running mean, central moment sums, centred covariance
    std::array<Scalar, Window> samples;
  };

  static constexpr std::size_t window() noexcept { return Window; }
  static const std::size_t memory_bytes;  ///< sizeof(window_statistics): all storage is inside

  window_statistics() noexcept = default;

  /// Adds x (evicting the oldest sample when full). Non-finite x, or an x whose powers
  /// overflow the running sums, returns status::non_finite_input and changes nothing.
  status push(Scalar x) noexcept {
    if (!is_finite(x)) return status::non_finite_input;
    const std::size_t n = window_.size();
    const bool full = n == Window;
    moments m = moments_;
    bool cancelled = false;
    if (full) {
      const Scalar evicted = window_[0];
      // Centred covariance with t_mean = (W-1)/2 fixed: every t moves down by one.
      m.cov += Scalar(0.5) * (Scalar(Window + 1) * (evicted - m.mean) +
                              Scalar(Window - 1) * (x - m.mean));
      const Scalar m2_before = m.m2, m4_before = m.m4;
      // Full window: n is constant, so the reciprocals are compile-time constants.
      remove(m, evicted, full_n, full_n - Scalar(1), inv_full_n1, inv_full_n);
      cancelled = m.m2 * Scalar(16) <= m2_before && m2_before > Scalar(0);
      cancelled = cancelled || (m.m4 * Scalar(256) <= m4_before && m4_before > Scalar(0));
      add(m, x, full_n - Scalar(1), full_n, inv_full_n);
    } else {
      m.cov += Scalar(0.5) * Scalar(n) * (x - m.mean);
      add(m, x, Scalar(n), Scalar(n + 1), Scalar(1) / Scalar(n + 1));
    }
    if (!is_finite(m.mean) || !is_finite(m.m2) || !is_finite(m.m3) || !is_finite(m.m4) ||
        !is_finite(m.cov))
      return status::non_finite_input;

    // Commit.
    if (full && crosses(window_[0], window_[1])) --crossings_;
    if (n > 0 && crosses(window_.back(), x)) ++crossings_;
    const auto pos = static_cast<index_type>(next_pos_);
    window_.push(x);
    next_pos_ = next_pos_ + 1 == Window ? 0 : next_pos_ + 1;
    if (full) {
      if (!max_.empty() && max_.front() == pos) max_.pop_front();
      if (!min_.empty() && min_.front() == pos) min_.pop_front();
    }
    while (!max_.empty() && value_at(max_.back()) <= x) max_.pop_back();
    max_.push_back(pos);
    while (!min_.empty() && value_at(min_.back()) >= x) min_.pop_back();
    min_.push_back(pos);
    moments_ = m;
    if (++since_recompute_ >= Window || cancelled) recompute();
    return status::ok;
  }

  /// All features in the order of window_feature.
  output_type features() const noexcept {
    output_type f{};
    f[window_feature::mean] = mean();
    f[window_feature::variance] = variance();
    f[window_feature::std_dev] = std_dev();
    f[window_feature::minimum] = minimum();
    f[window_feature::maximum] = maximum();
    f[window_feature::rms] = rms();
    f[window_feature::peak_to_peak] = peak_to_peak();
    f[window_feature::skewness] = skewness();
    f[window_feature::kurtosis] = kurtosis();
    f[window_feature::crest_factor] = crest_factor();
    f[window_feature::zero_crossing_rate] = zero_crossing_rate();
    f[window_feature::slope] = slope();
    return f;
  }

  void reset() noexcept {
    window_.clear();
    max_.clear();
    min_.clear();
    moments_ = {};
    next_pos_ = 0;
    since_recompute_ = 0;
    crossings_ = 0;
  }

  /// True once the window is full.
  bool ready() const noexcept { return window_.full(); }
  std::size_t size() const noexcept { return window_.size(); }
  /// Sample i of the window, 0 = oldest.
  Scalar operator[](std::size_t i) const noexcept { return window_[i]; }

  Scalar mean() const noexcept { return window_.empty() ? Scalar(0) : moments_.mean; }
  Scalar variance() const noexcept {
    return window_.empty() ? Scalar(0) : moments_.m2 / Scalar(window_.size());
  }
  Scalar std_dev() const noexcept { return std::sqrt(variance()); }
  Scalar minimum() const noexcept { return window_.empty() ? Scalar(0) : value_at(min_.front()); }
  Scalar maximum() const noexcept { return window_.empty() ? Scalar(0) : value_at(max_.front()); }
  Scalar peak_to_peak() const noexcept { return maximum() - minimum(); }
  Scalar rms() const noexcept {
    const Scalar mu = mean();
    return std::sqrt(mu * mu + variance());
  }
  Scalar crest_factor() const noexcept {
    const Scalar r = rms();
    return r > Scalar(0) ? peak() / r : Scalar(0);
  }
  Scalar skewness() const noexcept {
    const Scalar var = variance();
    if (!spread_resolved(var)) return Scalar(0);
    return moments_.m3 / Scalar(window_.size()) / (var * std::sqrt(var));
  }
  Scalar kurtosis() const noexcept {
    const Scalar var = variance();
    if (!spread_resolved(var)) return Scalar(0);
    return moments_.m4 / Scalar(window_.size()) / (var * var) - Scalar(3);
  }
  Scalar zero_crossing_rate() const noexcept {
    const std::size_t n = window_.size();
    return n < 2 ? Scalar(0) : Scalar(crossings_) / Scalar(n - 1);
  }
  Scalar slope() const noexcept {
    const std::size_t n = window_.size();
    if (n < 2) return Scalar(0);
    const Scalar nn = Scalar(n);
    return moments_.cov / (nn * (nn * nn - Scalar(1)) / Scalar(12));
  }

  state_type state() const noexcept {
    state_type s{};
    s.magic = state_magic;
    s.version = state_version;
    s.reserved = 0;
    s.size = static_cast<std::uint32_t>(window_.size());
    s.since_recompute = static_cast<std::uint32_t>(since_recompute_);
    s.crossings = static_cast<std::uint32_t>(crossings_);
    s.reserved2 = 0;
    s.mean = moments_.mean;
    s.m2 = moments_.m2;
    s.m3 = moments_.m3;
    s.m4 = moments_.m4;
    s.cov = moments_.cov;
    for (std::size_t i = 0; i < Window; ++i) s.samples[i] = i < window_.size() ? window_[i] : Scalar(0);
    return s;
  }

  /// Validates magic, version, counters, finiteness and the crossing count, then applies.
  status restore(const state_type& s) noexcept {
    if (s.magic != state_magic || s.version != state_version) return status::invalid_state;
    if (s.size > Window || s.since_recompute >= Window) return status::invalid_state;
    if (!is_finite(s.mean) || !is_finite(s.m2) || !is_finite(s.m3) || !is_finite(s.m4) ||
        !is_finite(s.cov) || s.m2 < Scalar(0) || s.m4 < Scalar(0))
      return status::invalid_state;
    std::size_t crossings = 0;
    for (std::size_t i = 0; i < s.size; ++i) {
      if (!is_finite(s.samples[i])) return status::invalid_state;
      if (i > 0 && crosses(s.samples[i - 1], s.samples[i])) ++crossings;
    }
    if (crossings != s.crossings) return status::invalid_state;

    reset();
    for (std::size_t i = 0; i < s.size; ++i) {
      const Scalar x = s.samples[i];
      const auto pos = static_cast<index_type>(next_pos_);
      window_.push(x);
      next_pos_ = next_pos_ + 1 == Window ? 0 : next_pos_ + 1;
      while (!max_.empty() && value_at(max_.back()) <= x) max_.pop_back();
      max_.push_back(pos);
      while (!min_.empty() && value_at(min_.back()) >= x) min_.pop_back();
      min_.push_back(pos);
    }
    crossings_ = crossings;
    since_recompute_ = s.since_recompute;
    moments_ = {s.mean, s.m2, s.m3, s.m4, s.cov};
    return status::ok;
  }

 private:
  struct moments {
    Scalar mean = 0, m2 = 0, m3 = 0, m4 = 0, cov = 0;
  };

  static constexpr bool crosses(Scalar a, Scalar b) noexcept { return (a < Scalar(0)) != (b < Scalar(0)); }

  static constexpr Scalar full_n = Scalar(Window);
  static constexpr Scalar inv_full_n = Scalar(1) / Scalar(Window);
  static constexpr Scalar inv_full_n1 = Scalar(1) / Scalar(Window - 1);

  /// Adds x to the moments of n1 samples; nn = n1 + 1, inv_nn = 1/nn (Pebay 2008, eq. 2.1-2.3
  /// with one new sample).
  static void add(moments& m, Scalar x, Scalar n1, Scalar nn, Scalar inv_nn) noexcept {
    const Scalar delta = x - m.mean;
    const Scalar delta_n = delta * inv_nn;
    const Scalar delta_n2 = delta_n * delta_n;
    const Scalar term1 = delta * delta_n * n1;
    m.mean += delta_n;
    m.m4 += term1 * delta_n2 * (nn * nn - Scalar(3) * nn + Scalar(3)) + Scalar(6) * delta_n2 * m.m2 -
            Scalar(4) * delta_n * m.m3;
    m.m3 += term1 * delta_n * (nn - Scalar(2)) - Scalar(3) * delta_n * m.m2;
    m.m2 += term1;
  }

  /// Removes y from the moments of nn >= 2 samples (n1 = nn - 1, inv_n1 = 1/n1,
  /// inv_nn = 1/nn): the exact inverse of add().
  static void remove(moments& m, Scalar y, Scalar nn, Scalar n1, Scalar inv_n1, Scalar inv_nn) noexcept {
    const Scalar mean_rest = m.mean - (y - m.mean) * inv_n1;
    const Scalar delta = y - mean_rest;
    const Scalar delta_n = delta * inv_nn;
    const Scalar delta_n2 = delta_n * delta_n;
    const Scalar term1 = delta * delta_n * n1;
    Scalar m2 = m.m2 - term1;
    if (m2 < Scalar(0)) m2 = Scalar(0);
    const Scalar m3 = m.m3 - term1 * delta_n * (nn - Scalar(2)) + Scalar(3) * delta_n * m2;
    Scalar m4 = m.m4 - term1 * delta_n2 * (nn * nn - Scalar(3) * nn + Scalar(3)) -
                Scalar(6) * delta_n2 * m2 + Scalar(4) * delta_n * m3;
    if (m4 < Scalar(0)) m4 = Scalar(0);
    m.mean = mean_rest;
    m.m2 = m2;
    m.m3 = m3;
    m.m4 = m4;
  }

  /// Exact recomputation over the window: shifted two-pass (shift = oldest sample).
  void recompute() noexcept {
    since_recompute_ = 0;
    const std::size_t n = window_.size();
    if (n == 0) return;
    const Scalar shift = window_[0];
    Scalar sum = 0;
    for (std::size_t i = 0; i < n; ++i) sum += window_[i] - shift;
    moments m;
    m.mean = shift + sum / Scalar(n);
    const Scalar t_mean = Scalar(0.5) * Scalar(n - 1);
    for (std::size_t i = 0; i < n; ++i) {
      const Scalar d = window_[i] - m.mean;
      const Scalar d2 = d * d;
      m.m2 += d2;
      m.m3 += d2 * d;
      m.m4 += d2 * d2;
      m.cov += (Scalar(i) - t_mean) * d;
    }
    moments_ = m;
  }

  Scalar value_at(std::size_t pos) const noexcept {
    const std::size_t n = window_.size();
    const std::size_t oldest = next_pos_ >= n ? next_pos_ - n : next_pos_ + Window - n;
    return window_[pos >= oldest ? pos - oldest : pos + Window - oldest];
  }

  Scalar peak() const noexcept {
    const Scalar lo = minimum(), hi = maximum();
    const Scalar a = lo < Scalar(0) ? -lo : lo, b = hi < Scalar(0) ? -hi : hi;
    return a > b ? a : b;
  }

  /// False when the variance is below what the samples' precision can resolve.
  bool spread_resolved(Scalar var) const noexcept {
    if (window_.size() < 2) return false;
    const Scalar resolution = Scalar(16) * std::numeric_limits<Scalar>::epsilon() * peak();
    return var > resolution * resolution;
  }

  ring_buffer<Scalar, Window> window_;
  detail::index_deque<index_type, Window> max_;
  detail::index_deque<index_type, Window> min_;
  moments moments_{};
  std::size_t next_pos_ = 0;  ///< position (mod Window) the next sample takes
  std::size_t since_recompute_ = 0;
  std::size_t crossings_ = 0;
};

template <scalar Scalar, std::size_t Window>
constexpr std::size_t window_statistics<Scalar, Window>::memory_bytes =
    sizeof(window_statistics<Scalar, Window>);

static_assert(feature_extractor<window_statistics<float, 64>>);
static_assert(feature_extractor<window_statistics<double, 256>>);
static_assert(persistable<window_statistics<float, 64>>);
static_assert(persistable<window_statistics<double, 100000>>);
static_assert(sizeof(window_statistics<float, 64>::state_type) == 24 + 69 * sizeof(float),
              "window_statistics::state_type must have no padding");
static_assert(sizeof(window_statistics<double, 3>::state_type) == 24 + 8 * sizeof(double),
              "window_statistics::state_type must have no padding");

}  // namespace edgeloop
