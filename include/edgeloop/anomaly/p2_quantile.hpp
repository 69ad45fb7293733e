#pragma once
/// p2_quantile: streaming estimate of one quantile with five markers and no stored
/// samples, the P-square algorithm (Jain & Chlamtac 1985, "The P2 algorithm for dynamic
/// calculation of quantiles and histograms without storing observations", CACM 28(10)).
///
/// Markers 0..4 hold the minimum, estimates of the p/2, p and (1+p)/2 quantiles and the
/// maximum, at integer positions n_i; desired positions move by 0, p/2, p, (1+p)/2, 1 per
/// observation, and a middle marker that drifts by one or more from its desired position
/// moves one step with the piecewise-parabolic (P2) formula, or linearly when the parabola
/// would leave the neighbouring heights. estimate() is marker 2. Up to 5 observations the
/// estimate is the exact sample quantile (lower order statistic at rank ceil(p n)).
///
/// The estimate converges to the p-quantile for continuous distributions; the paper's
/// experiments show errors of a fraction of a percent of the range after some thousands of
/// observations for the median and wider ones in the extreme tails (p close to 0 or 1).
///
/// Memory: 15 * sizeof(Scalar) + 8 bytes (plus the state's magic/version); exact value in
/// memory_bytes. Bad input: add() ignores a non-finite value (non_finite_input).

#include <array>
#include <cstddef>
#include <cstdint>
#include <limits>

#include "../core/assert.hpp"
#include "../core/concepts.hpp"
#include "../core/numeric.hpp"
#include "../core/status.hpp"

namespace edgeloop {

template <scalar Scalar>
class p2_quantile {
 public:
  static constexpr std::uint32_t magic = 0x51325050u;  // "PP2Q"
  static constexpr std::uint16_t version = 1;
  static const std::size_t memory_bytes;

  struct state_type {
    std::uint32_t magic;
    std::uint16_t version;
    std::uint16_t reserved;
    std::uint32_t count;                 ///< observations (saturates at 2^32 - 1)
    Scalar p;                            ///< the quantile, in (0, 1)
    std::array<Scalar, 5> height;        ///< q_i
    std::array<Scalar, 5> position;      ///< n_i (integers, kept as Scalar)
    std::array<Scalar, 5> desired;       ///< n'_i
  };

  static constexpr status validate(Scalar p) noexcept {
    return is_finite(p) && p > Scalar(0) && p < Scalar(1) ? status::ok : status::invalid_argument;
  }

  p2_quantile() noexcept : p2_quantile(Scalar(0.5)) {}
  explicit p2_quantile(Scalar p) noexcept {
    EDGELOOP_ASSERT(validate(p) == status::ok, "p2_quantile: p must be in (0, 1)");
    s_.p = p;
    reset();
  }

  status add(Scalar x) noexcept {
    if (!is_finite(x)) return status::non_finite_input;
    if (s_.count < 5) {
      // Insertion into the sorted first observations.
      std::size_t i = s_.count;
      while (i > 0 && s_.height[i - 1] > x) {
        s_.height[i] = s_.height[i - 1];
        --i;
      }
      s_.height[i] = x;
      if (++s_.count == 5) initialise_markers();
      return status::ok;
    }
    std::size_t k;
    if (x < s_.height[0]) {
      s_.height[0] = x;
      k = 0;
    } else if (x >= s_.height[4]) {
      s_.height[4] = x;
      k = 3;
    } else {
      k = 0;
      while (k < 3 && x >= s_.height[k + 1]) ++k;
    }
    for (std::size_t i = k + 1; i < 5; ++i) s_.position[i] += Scalar(1);
    const std::array<Scalar, 5> step{Scalar(0), s_.p / Scalar(2), s_.p, (Scalar(1) + s_.p) / Scalar(2), Scalar(1)};
    for (std::size_t i = 0; i < 5; ++i) s_.desired[i] += step[i];
    for (std::size_t i = 1; i < 4; ++i) {
      const Scalar d = s_.desired[i] - s_.position[i];
      if ((d >= Scalar(1) && s_.position[i + 1] - s_.position[i] > Scalar(1)) ||
          (d <= Scalar(-1) && s_.position[i - 1] - s_.position[i] < Scalar(-1))) {
        const Scalar sign = d > Scalar(0) ? Scalar(1) : Scalar(-1);
        const Scalar candidate = parabolic(i, sign);
        if (s_.height[i - 1] < candidate && candidate < s_.height[i + 1])
          s_.height[i] = candidate;
        else
          s_.height[i] = linear(i, sign);
        s_.position[i] += sign;
      }
    }
    if (s_.count != std::numeric_limits<std::uint32_t>::max()) ++s_.count;
    return status::ok;
  }

  /// The current estimate of the p-quantile; 0 before the first observation.
  Scalar estimate() const noexcept {
    if (s_.count == 0) return Scalar(0);
    if (s_.count <= 5) {
      // Exact lower order statistic at rank ceil(p n) among the sorted first observations.
      const Scalar r = s_.p * static_cast<Scalar>(s_.count);
      auto rank = static_cast<std::size_t>(r);
      if (static_cast<Scalar>(rank) < r) ++rank;
      if (rank == 0) rank = 1;
      return s_.height[rank - 1];
    }
    return s_.height[2];
  }

  void reset() noexcept {
    const Scalar p = s_.p;
    s_ = state_type{};
    s_.magic = magic;
    s_.version = version;
    s_.p = p;
  }

  std::uint32_t count() const noexcept { return s_.count; }
  Scalar p() const noexcept { return s_.p; }
  /// Marker heights (minimum, p/2, p, (1+p)/2 quantile estimates, maximum) after 5 values.
  const std::array<Scalar, 5>& markers() const noexcept { return s_.height; }

  state_type state() const noexcept { return s_; }
  status restore(const state_type& s) noexcept {
    if (s.magic != magic || s.version != version || validate(s.p) != status::ok) return status::invalid_state;
    if (!all_finite(s.height) || !all_finite(s.position) || !all_finite(s.desired)) return status::invalid_state;
    for (std::size_t i = 1; i < (s.count < 5 ? s.count : 5); ++i)
      if (s.height[i] < s.height[i - 1]) return status::invalid_state;
    if (s.count > 5)
      for (std::size_t i = 1; i < 5; ++i)
        if (!(s.position[i] > s.position[i - 1])) return status::invalid_state;
    s_ = s;
    return status::ok;
  }

 private:
  // Markers are set when the fifth observation arrives (heights are already sorted).
  void initialise_markers() noexcept {
    const Scalar p = s_.p;
    s_.position = {Scalar(1), Scalar(2), Scalar(3), Scalar(4), Scalar(5)};
    s_.desired = {Scalar(1), Scalar(1) + Scalar(2) * p, Scalar(1) + Scalar(4) * p, Scalar(3) + Scalar(2) * p,
                  Scalar(5)};
  }

  Scalar parabolic(std::size_t i, Scalar d) const noexcept {
    const auto& q = s_.height;
    const auto& n = s_.position;
    return q[i] + d / (n[i + 1] - n[i - 1]) *
                      ((n[i] - n[i - 1] + d) * (q[i + 1] - q[i]) / (n[i + 1] - n[i]) +
                       (n[i + 1] - n[i] - d) * (q[i] - q[i - 1]) / (n[i] - n[i - 1]));
  }
  Scalar linear(std::size_t i, Scalar d) const noexcept {
    const std::size_t j = d > Scalar(0) ? i + 1 : i - 1;
    return s_.height[i] + d * (s_.height[j] - s_.height[i]) / (s_.position[j] - s_.position[i]);
  }

  state_type s_{};
};

template <scalar Scalar>
constexpr std::size_t p2_quantile<Scalar>::memory_bytes = sizeof(p2_quantile<Scalar>);

static_assert(persistable<p2_quantile<float>>);

}  // namespace edgeloop
