#pragma once
/// univariate_features: the front end that turns one sensor value per time step into a
/// fixed-size feature vector for any anomaly detector (the NAB series, a temperature, a
/// current). push(value, unix_seconds) then features():
///
///   0  value                x_t
///   1  delta                x_t - x_{t-1}                       (0 for the first value)
///   2  rolling mean         mean of the last Window values (x_t included)
///   3  rolling std          population standard deviation of the same values
///   4  deviation            (x_t - rolling mean of the Window values BEFORE x_t) /
///                           (their std + deviation_floor); 0 until a previous value exists
///   then, by time_encoding (period P = 86,400 s for a day, 604,800 s for a week, from
///   the timestamp, phase = (unix_seconds mod P) / P):
///   day:           sin(2 pi phase_day), cos(2 pi phase_day)
///   day_and_week:  the day pair, then sin(2 pi phase_week), cos(2 pi phase_week)
///   (UTC; the week phase counts from Thursday 00:00, the Unix epoch: add an offset to the
///   timestamps for local time).
///
/// Rolling statistics come from features/window_statistics (Welford/Pebay, O(1) per value).
/// Before Window values the statistics cover the values so far (ready() is false).
/// The features are in the sensor's units (value, delta, mean, std) or unitless
/// (deviation, sin/cos): detectors that need common scales (half_space_trees with learned
/// ranges, gaussian_detector) handle that themselves, autoencoder_detector standardises.
///
/// Memory: window_statistics<Scalar, Window> + 5 sizeof(Scalar) + 16 bytes; exact value in
/// memory_bytes. Bad input: a non-finite value is rejected (non_finite_input), nothing
/// changes.

#include <array>
#include <cmath>
#include <cstddef>
#include <cstdint>

#include "../core/assert.hpp"
#include "../core/concepts.hpp"
#include "../core/numeric.hpp"
#include "../core/status.hpp"
#include "../features/window_statistics.hpp"

namespace edgeloop {

/// Which calendar encodings univariate_features appends.
enum class time_encoding : std::uint8_t {
  none = 0,         ///< no timestamp features
  day = 1,          ///< sin/cos of the time of day
  day_and_week = 2, ///< and sin/cos of the time of week
};

template <scalar Scalar, std::size_t Window = 32, time_encoding Time = time_encoding::none>
class univariate_features {
  static_assert(Window >= 2, "univariate_features: rolling window of at least 2 values");

 public:
  static constexpr std::size_t size = 5 + (Time == time_encoding::none ? 0 : Time == time_encoding::day ? 2 : 4);
  using output_type = std::array<Scalar, size>;
  using statistics_type = window_statistics<Scalar, Window>;
  static constexpr std::uint32_t magic = 0x46564E55u;  // "UNVF"
  static constexpr std::uint16_t version = 1;
  static const std::size_t memory_bytes;

  /// Positions in features().
  enum index : std::size_t { value = 0, delta, rolling_mean, rolling_std, deviation, day_sin, day_cos, week_sin, week_cos };

  struct params {
    Scalar deviation_floor = Scalar(1e-6);  ///< > 0, keeps the deviation finite on flat signals
  };

  struct state_type {
    std::uint32_t magic;
    std::uint16_t version;
    std::uint16_t reserved;
    std::int64_t seconds;  ///< timestamp of the last value
    std::uint32_t count;   ///< values pushed (saturating)
    Scalar deviation_floor;
    Scalar previous;       ///< x_{t-1}
    Scalar last;           ///< x_t
    Scalar before_mean;    ///< rolling mean and std of the values before x_t
    Scalar before_std;
    typename statistics_type::state_type statistics;
  };

  static constexpr status validate(const params& p) noexcept {
    return is_finite(p.deviation_floor) && p.deviation_floor > Scalar(0) ? status::ok : status::invalid_argument;
  }

  univariate_features() noexcept : univariate_features(params{}) {}
  explicit univariate_features(const params& p) noexcept : floor_(p.deviation_floor) {
    EDGELOOP_ASSERT(validate(p) == status::ok, "univariate_features: invalid params");
  }

  /// Adds one value observed at unix_seconds (ignored without time features).
  status push(Scalar x, std::int64_t unix_seconds = 0) noexcept {
    const Scalar mean = statistics_.mean(), sd = statistics_.std_dev();
    EDGELOOP_TRY(statistics_.push(x));  // validates (finite, no overflow) before it changes anything
    before_mean_ = mean;
    before_std_ = sd;
    previous_ = count_ > 0 ? last_ : x;
    last_ = x;
    seconds_ = unix_seconds;
    if (count_ != 0xFFFFFFFFu) ++count_;
    return status::ok;
  }

  /// The feature vector of the last value pushed (all 0 before the first).
  output_type features() const noexcept {
    output_type f{};
    if (count_ == 0) return f;
    f[value] = last_;
    f[delta] = last_ - previous_;
    f[rolling_mean] = statistics_.mean();
    f[rolling_std] = statistics_.std_dev();
    if (count_ >= 2) f[deviation] = (last_ - before_mean_) / (before_std_ + floor_);
    if constexpr (Time != time_encoding::none) {
      constexpr double two_pi = 6.283185307179586476925286766559;
      const double day = phase(seconds_, 86400);
      f[day_sin] = static_cast<Scalar>(std::sin(two_pi * day));
      f[day_cos] = static_cast<Scalar>(std::cos(two_pi * day));
      if constexpr (Time == time_encoding::day_and_week) {
        const double week = phase(seconds_, 604800);
        f[week_sin] = static_cast<Scalar>(std::sin(two_pi * week));
        f[week_cos] = static_cast<Scalar>(std::cos(two_pi * week));
      }
    }
    return f;
  }

  /// push() then features(): the usual step in front of a detector.
  status transform(Scalar x, std::int64_t unix_seconds, output_type& out) noexcept {
    EDGELOOP_TRY(push(x, unix_seconds));
    out = features();
    return status::ok;
  }

  bool ready() const noexcept { return statistics_.ready(); }
  std::uint32_t count() const noexcept { return count_; }

  void reset() noexcept {
    statistics_.reset();
    previous_ = last_ = before_mean_ = before_std_ = Scalar(0);
    seconds_ = 0;
    count_ = 0;
  }

  state_type state() const noexcept {
    state_type s{};
    s.magic = magic;
    s.version = version;
    s.seconds = seconds_;
    s.count = count_;
    s.deviation_floor = floor_;
    s.previous = previous_;
    s.last = last_;
    s.before_mean = before_mean_;
    s.before_std = before_std_;
    s.statistics = statistics_.state();
    return s;
  }
  status restore(const state_type& s) noexcept {
    if (s.magic != magic || s.version != version || validate({s.deviation_floor}) != status::ok)
      return status::invalid_state;
    if (!is_finite(s.previous) || !is_finite(s.last) || !is_finite(s.before_mean) || !is_finite(s.before_std) ||
        s.before_std < Scalar(0))
      return status::invalid_state;
    statistics_type stats;
    if (stats.restore(s.statistics) != status::ok) return status::invalid_state;
    statistics_ = stats;
    seconds_ = s.seconds;
    count_ = s.count;
    floor_ = s.deviation_floor;
    previous_ = s.previous;
    last_ = s.last;
    before_mean_ = s.before_mean;
    before_std_ = s.before_std;
    return status::ok;
  }

 private:
  static double phase(std::int64_t seconds, std::int64_t period) noexcept {
    std::int64_t r = seconds % period;
    if (r < 0) r += period;
    return static_cast<double>(r) / static_cast<double>(period);
  }

  statistics_type statistics_;
  std::int64_t seconds_ = 0;
  std::uint32_t count_ = 0;
  Scalar floor_;
  Scalar previous_ = 0;
  Scalar last_ = 0;
  Scalar before_mean_ = 0;
  Scalar before_std_ = 0;
};

template <scalar Scalar, std::size_t Window, time_encoding Time>
constexpr std::size_t univariate_features<Scalar, Window, Time>::memory_bytes =
    sizeof(univariate_features<Scalar, Window, Time>);

static_assert(persistable<univariate_features<float, 8>>);

}  // namespace edgeloop
