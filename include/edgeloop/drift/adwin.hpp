#pragma once
/// adwin: ADaptive WINdowing change detector, ADWIN2 (Bifet & Gavaldà 2007, "Learning
/// from time-changing data with adaptive windowing", SIAM SDM), with the cut test and the
/// defaults of MOA / River (delta 0.002, clock 32, min window length 5, grace period 10,
/// 5 buckets per row).
///
/// The window is an exponential histogram: row r holds up to BucketsPerRow buckets of
/// 2^r samples each (their sum and their sum of squared deviations, merged with Chan et
/// al.'s formula). Every `clock` updates, once the window holds more than `grace_period`
/// samples, every boundary between buckets is tried as a cut W0 (older) | W1 (newer);
/// when both sides hold at least `min_window_length` samples and
///   |mean(W0) - mean(W1)| > eps_cut = sqrt(2 m' var ln(2 ln(n)/delta)) + (2/3) m' ln(2 ln(n)/delta),
///   m' = 1/(n0 - L + 1) + 1/(n1 - L + 1)   (L = min_window_length, var = window variance),
/// the oldest bucket is dropped and the test is repeated until no cut fires. Such an
/// update returns drift_state::drift (once, however many buckets were dropped).
///
/// Fixed memory: MaxRows rows, so the window holds at most
/// max_width = BucketsPerRow * (2^MaxRows - 1) samples. When the top row would need to
/// overflow into a row that does not exist, its oldest bucket (2^(MaxRows-1) samples) is
/// dropped instead: beyond max_width ADWIN keeps a sliding window. That forgetting is not
/// a detection.
///
/// Memory: MaxRows * (2 * (BucketsPerRow + 1) * sizeof(Scalar) + 4)
///         + 2 * sizeof(Scalar) + 4 * sizeof(Scalar) (params) + 28 bytes, plus padding;
///         memory_bytes is the exact sizeof. adwin<float, 16, 5>: about 850 bytes.
///
/// Bad input: a non-finite value is ignored (state unchanged, drift_state::none,
/// last_status() == non_finite_input).

#include <array>
#include <cmath>
#include <cstddef>
#include <cstdint>

#include "../core/assert.hpp"
#include "../core/concepts.hpp"
#include "../core/numeric.hpp"
#include "../core/status.hpp"
#include "drift_detector.hpp"

namespace edgeloop {

template <scalar Scalar = float, std::size_t MaxRows = 16, std::size_t BucketsPerRow = 5>
class adwin {
  static_assert(MaxRows >= 1 && MaxRows <= 26, "adwin: MaxRows in [1, 26] (width fits 32 bits)");
  static_assert(BucketsPerRow >= 2 && BucketsPerRow <= 64, "adwin: BucketsPerRow in [2, 64]");
  static constexpr std::size_t slots = BucketsPerRow + 1;  // a row briefly holds M+1 before merging

 public:
  using value_type = Scalar;
  static constexpr std::uint32_t magic = 0x4E574441u;  // "ADWN"
  static constexpr std::uint16_t version = 1;
  static const std::size_t memory_bytes;  ///< sizeof(adwin), defined after the class
  static constexpr std::uint32_t max_width =
      static_cast<std::uint32_t>(BucketsPerRow * ((std::uint64_t{1} << MaxRows) - 1));

  struct params {
    Scalar delta = Scalar(0.002);          ///< confidence, (0, 1)
    std::uint32_t clock = 32;              ///< check for change every `clock` updates, >= 1
    std::uint32_t min_window_length = 5;   ///< minimum samples on each side of a cut, >= 1
    std::uint32_t grace_period = 10;       ///< no check while width() <= grace_period
  };

  struct state_type {
    std::uint32_t magic;
    std::uint16_t version;
    std::uint16_t rows_used;
    params p;
    std::uint32_t width;       ///< samples in the window
    std::uint32_t tick;        ///< updates accepted since the last reset
    std::uint32_t detections;  ///< drifts signalled since construction
    std::uint32_t samples;     ///< values accepted since construction
    Scalar total;              ///< sum of the window
    Scalar m2;                 ///< sum of squared deviations from the window mean
    std::array<std::array<Scalar, slots>, MaxRows> sums;  ///< [row][i], i = 0 oldest
    std::array<std::array<Scalar, slots>, MaxRows> m2s;
    std::array<std::uint32_t, MaxRows> counts;            ///< buckets in each row
  };

  static status validate(const params& p) noexcept {
    if (!is_finite(p.delta) || !(p.delta > Scalar(0)) || !(p.delta < Scalar(1))) return status::invalid_argument;
    if (p.clock == 0 || p.min_window_length == 0) return status::invalid_argument;
    return status::ok;
  }

  explicit adwin(const params& p = {}) noexcept {
    EDGELOOP_ASSERT(validate(p) == status::ok, "adwin: invalid params");
    s_.p = p;
    reset();
  }

  /// Adds one value; drift_state::drift when the window was cut at this update.
  drift_state update(Scalar value) noexcept {
    drift_state out = drift_state::none;
    (void)update_checked(value, out);
    return out;
  }

  status update_checked(Scalar value, drift_state& out) noexcept {
    if (!is_finite(value)) return last_ = status::non_finite_input;
    last_ = status::ok;
    insert(value);
    ++s_.samples;
    ++s_.tick;
    bool cut = false;
    if (s_.tick % s_.p.clock == 0 && s_.width > s_.p.grace_period) cut = shrink();
    if (cut) ++s_.detections;
    out = cut ? drift_state::drift : drift_state::none;
    return status::ok;
  }

  /// Empties the window (params, detections and samples are kept).
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

  std::uint32_t width() const noexcept { return s_.width; }
  /// Mean of the window (0 when empty).
  Scalar estimation() const noexcept { return s_.width ? s_.total / static_cast<Scalar>(s_.width) : Scalar(0); }
  /// Population variance of the window (0 when empty).
  Scalar variance() const noexcept { return s_.width ? s_.m2 / static_cast<Scalar>(s_.width) : Scalar(0); }
  Scalar total() const noexcept { return s_.total; }
  std::uint32_t detections() const noexcept { return s_.detections; }
  std::uint32_t samples() const noexcept { return s_.samples; }
  std::size_t rows_used() const noexcept { return s_.rows_used; }
  std::size_t buckets() const noexcept {
    std::size_t n = 0;
    for (std::size_t r = 0; r < s_.rows_used; ++r) n += s_.counts[r];
    return n;
  }
  status last_status() const noexcept { return last_; }
  const params& get_params() const noexcept { return s_.p; }

  state_type state() const noexcept { return s_; }
  status restore(const state_type& s) noexcept {
    if (s.magic != magic || s.version != version) return status::invalid_state;
    if (validate(s.p) != status::ok || s.rows_used > MaxRows) return status::invalid_state;
    std::uint64_t width = 0;
    for (std::size_t r = 0; r < MaxRows; ++r) {
      const std::uint32_t c = s.counts[r];
      if (r < s.rows_used ? c > BucketsPerRow : c != 0) return status::invalid_state;
      for (std::size_t i = 0; i < c; ++i)
        if (!is_finite(s.sums[r][i]) || !is_finite(s.m2s[r][i]) || s.m2s[r][i] < Scalar(0))
          return status::invalid_state;
      width += std::uint64_t{c} << r;
    }
    if (s.rows_used > 0 && s.counts[s.rows_used - 1u] == 0) return status::invalid_state;
    if (width != s.width || !is_finite(s.total) || !is_finite(s.m2) || s.m2 < Scalar(0))
      return status::invalid_state;
    s_ = s;
    last_ = status::ok;
    return status::ok;
  }

 private:
  static Scalar row_size(std::size_t r) noexcept { return static_cast<Scalar>(std::uint32_t{1} << r); }

  // Appends a 1-sample bucket to row 0 and cascades merges up the rows.
  void insert(Scalar value) noexcept {
    // Window statistics: Welford step for one new sample.
    const std::uint32_t w = s_.width + 1;
    if (w > 1) {
      const Scalar d = value - s_.total / static_cast<Scalar>(w - 1);
      s_.m2 += d * d * static_cast<Scalar>(w - 1) / static_cast<Scalar>(w);
    }
    s_.total += value;
    s_.width = w;
    if (s_.rows_used == 0) s_.rows_used = 1;
    push(0, value, Scalar(0));
    for (std::size_t r = 0; r < s_.rows_used && s_.counts[r] > BucketsPerRow; ++r) {
      if (r + 1 == MaxRows) {
        drop_oldest();  // no row above: forget the oldest bucket of the top row
        break;
      }
      // Merge the two oldest buckets of row r into the newest slot of row r + 1.
      const Scalar n = row_size(r);
      const Scalar a = s_.sums[r][0], b = s_.sums[r][1];
      const Scalar diff = a / n - b / n;
      const Scalar m2 = s_.m2s[r][0] + s_.m2s[r][1] + diff * diff * n / Scalar(2);
      shift(r, 2);
      if (r + 1 == s_.rows_used) ++s_.rows_used;
      push(r + 1, a + b, m2);
    }
  }

  void push(std::size_t r, Scalar sum, Scalar m2) noexcept {
    const std::uint32_t c = s_.counts[r];
    s_.sums[r][c] = sum;
    s_.m2s[r][c] = m2;
    s_.counts[r] = c + 1;
  }

  // Removes the k oldest buckets of row r.
  void shift(std::size_t r, std::uint32_t k) noexcept {
    const std::uint32_t c = s_.counts[r];
    for (std::uint32_t i = k; i < c; ++i) {
      s_.sums[r][i - k] = s_.sums[r][i];
      s_.m2s[r][i - k] = s_.m2s[r][i];
    }
    for (std::uint32_t i = c - k; i < c; ++i) s_.sums[r][i] = s_.m2s[r][i] = Scalar(0);
    s_.counts[r] = c - k;
  }

  // Removes the oldest bucket of the window (row rows_used - 1, slot 0).
  void drop_oldest() noexcept {
    const std::size_t r = s_.rows_used - 1u;
    const std::uint32_t nb = std::uint32_t{1} << r;
    const Scalar n = row_size(r);
    const Scalar u = s_.sums[r][0], v = s_.m2s[r][0];
    shift(r, 1);
    if (s_.counts[r] == 0) --s_.rows_used;
    s_.width -= nb;
    if (s_.width == 0) {
      s_.total = s_.m2 = Scalar(0);
      return;
    }
    const Scalar rest = static_cast<Scalar>(s_.width);
    s_.total -= u;
    const Scalar diff = u / n - s_.total / rest;
    s_.m2 -= v + n * rest * diff * diff / (n + rest);
    if (s_.m2 < Scalar(0)) s_.m2 = Scalar(0);
  }

  // Recomputes total and m2 from the buckets (no drift of the running sums).
  void resync() noexcept {
    Scalar n = 0, total = 0, m2 = 0;
    for (std::size_t r = s_.rows_used; r-- > 0;) {
      const Scalar nb = row_size(r);
      for (std::uint32_t i = 0; i < s_.counts[r]; ++i) {
        const Scalar u = s_.sums[r][i];
        if (n > Scalar(0)) {
          const Scalar diff = total / n - u / nb;
          m2 += s_.m2s[r][i] + diff * diff * n * nb / (n + nb);
        } else {
          m2 += s_.m2s[r][i];
        }
        total += u;
        n += nb;
      }
    }
    s_.total = total;
    s_.m2 = m2;
  }

  // The ADWIN cut test; drops oldest buckets while some cut is significant.
  bool shrink() noexcept {
    bool any = false;
    resync();
    for (;;) {
      if (s_.width < 2) break;
      const Scalar n = static_cast<Scalar>(s_.width);
      const Scalar var = s_.m2 / n;
      const Scalar dd = std::log(Scalar(2) * std::log(n) / s_.p.delta);
      const Scalar lmin = static_cast<Scalar>(s_.p.min_window_length);
      Scalar n0 = 0, u0 = 0;
      bool cut = false;
      std::uint32_t seen = 0;
      const std::size_t total_buckets = buckets();
      for (std::size_t r = s_.rows_used; r-- > 0 && !cut;) {
        const Scalar nb = row_size(r);
        for (std::uint32_t i = 0; i < s_.counts[r]; ++i) {
          if (++seen == total_buckets) break;  // W1 must not be empty
          n0 += nb;
          u0 += s_.sums[r][i];
          const Scalar n1 = n - n0;
          if (n0 < lmin || n1 < lmin) continue;
          const Scalar u1 = s_.total - u0;
          const Scalar m_recip = Scalar(1) / (n0 - lmin + Scalar(1)) + Scalar(1) / (n1 - lmin + Scalar(1));
          const Scalar eps = std::sqrt(Scalar(2) * m_recip * var * dd) + Scalar(2) / Scalar(3) * dd * m_recip;
          const Scalar gap = u0 / n0 - u1 / n1;
          if ((gap < Scalar(0) ? -gap : gap) > eps) {
            cut = true;
            break;
          }
        }
      }
      if (!cut) break;
      any = true;
      drop_oldest();
    }
    return any;
  }

  state_type s_{};
  status last_ = status::ok;
};

template <scalar Scalar, std::size_t MaxRows, std::size_t BucketsPerRow>
constexpr std::size_t adwin<Scalar, MaxRows, BucketsPerRow>::memory_bytes =
    sizeof(adwin<Scalar, MaxRows, BucketsPerRow>);

}  // namespace edgeloop

static_assert(edgeloop::drift_detector<edgeloop::adwin<float>>);
static_assert(edgeloop::drift_detector<edgeloop::adwin<double, 8, 3>>);
static_assert(edgeloop::persistable<edgeloop::adwin<float>>);
