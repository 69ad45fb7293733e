#pragma once
/// standard_scaler: streaming standardisation z = (x - mean) / std, per feature.
///
/// Cumulative mode: Welford (1962) running mean and sum of squared deviations M2; the
/// variance is the population variance M2 / n, as scikit-learn's StandardScaler.
/// Exponential mode (slowly drifting sensors): West (1979) weighted incremental mean and
/// variance with normalised weights. The n-th sample enters with weight fraction
/// r_n = max(alpha, 1/n) and all earlier weights are multiplied by 1 - r_n, so the scaler
/// averages cumulatively until n reaches 1/alpha and forgets exponentially (factor
/// 1 - alpha per sample) after that; the first samples therefore do not dominate.
///     d = x - mean;  mean += r_n d;  var = (1 - r_n) (var + r_n d^2)
/// A zero standard deviation gives scale 1, as scikit-learn (the output is then x - mean);
/// so does a variance so small (subnormal) that 1/std would overflow.
/// transform multiplies by a cached 1/std that partial_fit and restore refresh.
///
/// Memory: 3*Features*sizeof(Scalar) + 12 bytes (float) or + 24 bytes (double); exact
/// value in memory_bytes. state_type: 16 + sizeof(Scalar) + 2*Features*sizeof(Scalar) bytes.
/// The sample counter saturates at 2^32 - 1 (then the cumulative mode keeps weighting new
/// samples by 1/(2^32 - 1)).

#include <array>
#include <cmath>
#include <cstddef>
#include <cstdint>

#include "../core/assert.hpp"
#include "../core/concepts.hpp"
#include "../core/numeric.hpp"
#include "../core/status.hpp"
#include "detail/common.hpp"

namespace edgeloop {

/// How standard_scaler weights the samples it has seen.
enum class standard_scaler_mode : std::uint8_t {
  cumulative = 0,   ///< every sample weighs the same (Welford)
  exponential = 1,  ///< recent samples weigh more (West, factor 1 - alpha per sample)
};

template <scalar Scalar, std::size_t Features>
class standard_scaler {
  static_assert(Features > 0, "standard_scaler needs at least one feature");

 public:
  using input_type = std::array<Scalar, Features>;
  using output_type = std::array<Scalar, Features>;
  using mode_type = standard_scaler_mode;

  /// Runtime hyper-parameters. alpha in (0, 1] is always validated (only the exponential
  /// mode uses it).
  struct params {
    standard_scaler_mode mode = standard_scaler_mode::cumulative;
    Scalar alpha = Scalar(0.01);
  };

  /// Persistent state (no padding bytes). m2 holds the weighted sum of squared deviations:
  /// divided by count in cumulative mode, the variance itself in exponential mode.
  struct state_type {
    std::uint32_t magic;
    std::uint16_t version;
    std::uint16_t mode;
    std::uint32_t count;
    std::uint32_t reserved;  ///< 0
    Scalar alpha;
    std::array<Scalar, Features> mean;
    std::array<Scalar, Features> m2;
  };
  static_assert(sizeof(state_type) == 16 + sizeof(Scalar) * (1 + 2 * Features),
                "standard_scaler::state_type must have no padding bytes");

  static constexpr std::uint32_t magic = detail::fourcc('S', 'S', 'C', 'L');
  static constexpr std::uint16_t version = 1;
  static const std::size_t memory_bytes;

  /// ok, or invalid_argument for an unknown mode or alpha outside (0, 1].
  static constexpr status validate(const params& p) noexcept {
    if (p.mode != standard_scaler_mode::cumulative && p.mode != standard_scaler_mode::exponential)
      return status::invalid_argument;
    if (!(p.alpha > Scalar(0) && p.alpha <= Scalar(1))) return status::invalid_argument;  // NaN too
    return status::ok;
  }

  standard_scaler() noexcept : standard_scaler(params{}) {}
  explicit standard_scaler(const params& p) noexcept : params_(p) {
    EDGELOOP_ASSERT(validate(p) == status::ok, "standard_scaler: invalid params");
    reset();
  }

  /// Learns one sample. non_finite_input (and no change) when x has a NaN or infinity or
  /// when the statistics would overflow.
  status partial_fit(const input_type& x) noexcept {
    if (!all_finite(x)) return status::non_finite_input;
    const std::uint32_t n = detail::saturating_increment(count_);
    input_type mean = mean_;
    input_type m2 = m2_;
    if (params_.mode == standard_scaler_mode::cumulative) {
      const Scalar r = Scalar(1) / static_cast<Scalar>(n);
      for (std::size_t i = 0; i < Features; ++i) {
        const Scalar d = x[i] - mean[i];
        mean[i] += d * r;
        m2[i] += d * (x[i] - mean[i]);
      }
    } else {
      const Scalar r = rate(n);
      const Scalar keep = Scalar(1) - r;
      for (std::size_t i = 0; i < Features; ++i) {
        const Scalar d = x[i] - mean[i];
        mean[i] += r * d;
        m2[i] = keep * (m2[i] + r * d * d);
      }
    }
    if (!all_finite(mean) || !all_finite(m2))
      return status::non_finite_input;
    mean_ = mean;
    m2_ = m2;
    count_ = n;
    refresh_scale();
    return status::ok;
  }

  /// (x - mean) / std per feature; std == 0 counts as 1.
  output_type transform(const input_type& x) const noexcept {
    output_type y;
    for (std::size_t i = 0; i < Features; ++i) y[i] = (x[i] - mean_[i]) * inv_scale_[i];
    return y;
  }

  /// Forgets all samples (params stay).
  void reset() noexcept {
    count_ = 0;
    mean_ = detail::filled<Scalar, Features>(Scalar(0));
    m2_ = mean_;
    inv_scale_ = detail::filled<Scalar, Features>(Scalar(1));
  }

  const input_type& mean() const noexcept { return mean_; }
  /// Population variance per feature (weighted in exponential mode); 0 before any sample.
  input_type variance() const noexcept {
    if (params_.mode == standard_scaler_mode::exponential || count_ == 0) return m2_;
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
    s.reserved = 0;
    s.alpha = params_.alpha;
    s.mean = mean_;
    s.m2 = m2_;
    return s;
  }

  /// Adopts `s` (including its params) or returns invalid_state and changes nothing.
  status restore(const state_type& s) noexcept {
    if (s.magic != magic || s.version != version || s.reserved != 0 || s.mode > 1)
      return status::invalid_state;
    const params p{static_cast<standard_scaler_mode>(s.mode), s.alpha};
    if (validate(p) != status::ok) return status::invalid_state;
    if (!all_finite(s.mean) || !detail::all_finite_nonnegative(s.m2)) return status::invalid_state;
    if (s.count == 0 && !(detail::all_zero(s.mean) && detail::all_zero(s.m2)))
      return status::invalid_state;
    if (s.count == 1 && !detail::all_zero(s.m2)) return status::invalid_state;
    params_ = p;
    count_ = s.count;
    mean_ = s.mean;
    m2_ = s.m2;
    refresh_scale();
    return status::ok;
  }

 private:
  /// Weight fraction of the n-th sample in exponential mode: max(alpha, 1/n).
  Scalar rate(std::uint32_t n) const noexcept {
    const auto nf = static_cast<Scalar>(n);
    return nf * params_.alpha >= Scalar(1) ? params_.alpha : Scalar(1) / nf;
  }

  /// inv_scale = sqrt(w / m2) with total weight w (count, or 1 in exponential mode);
  /// two loops so that the divisions vectorise even where sqrt cannot (math errno).
  void refresh_scale() noexcept {
    const Scalar w = params_.mode == standard_scaler_mode::cumulative
                         ? static_cast<Scalar>(count_)
                         : Scalar(1);
    input_type q;
    for (std::size_t i = 0; i < Features; ++i) {
      const Scalar d = m2_[i] > Scalar(0) ? m2_[i] : w;
      const Scalar qi = w / d;
      q[i] = is_finite(qi) ? qi : Scalar(1);  // 1/std would overflow: treat std as 0
    }
    for (std::size_t i = 0; i < Features; ++i) inv_scale_[i] = std::sqrt(q[i]);
  }

  input_type mean_;
  input_type m2_;
  input_type inv_scale_;  ///< derived: 1 / std, or 1 where std == 0
  params params_;
  std::uint32_t count_ = 0;
};

template <scalar Scalar, std::size_t Features>
constexpr std::size_t standard_scaler<Scalar, Features>::memory_bytes =
    sizeof(standard_scaler<Scalar, Features>);

static_assert(online_transformer<standard_scaler<float, 4>>);
static_assert(persistable<standard_scaler<float, 4>>);
static_assert(has_memory_bytes<standard_scaler<float, 4>>);

}  // namespace edgeloop
