#pragma once
/// imputer: replaces non-finite components (NaN, +inf, -inf) of a sample, per feature, by
///  - strategy mean: the running mean of the finite values seen for that feature
///    (incremental mean, Welford 1962), or
///  - strategy last: the last finite value seen for that feature,
/// and by params.fill_value for a feature that has not had a finite value yet. Finite
/// components pass through unchanged. partial_fit accepts non-finite components (they are
/// what the imputer is for) and learns from the finite ones only, so it always returns ok.
///
/// Memory: Features*(sizeof(Scalar) + 4) + 2*sizeof(Scalar) bytes, rounded up to the
/// alignment of Scalar (float: 8*Features + 8); exact value in memory_bytes.
/// state_type: 16 + (1 + Features)*sizeof(Scalar) + 4*round_up(Features, 4) bytes.
/// Per-feature counters saturate at 2^32 - 1.

#include <array>
#include <cstddef>
#include <cstdint>

#include "../core/assert.hpp"
#include "../core/concepts.hpp"
#include "../core/numeric.hpp"
#include "../core/status.hpp"
#include "detail/common.hpp"

namespace edgeloop {

/// What imputer puts in place of a non-finite component.
enum class imputer_strategy : std::uint8_t {
  mean = 0,  ///< running mean of the finite values of that feature
  last = 1,  ///< last finite value of that feature
};

template <scalar Scalar, std::size_t Features>
class imputer {
  static_assert(Features > 0, "imputer needs at least one feature");
  static constexpr std::size_t padded_features = (Features + 3) / 4 * 4;

 public:
  using input_type = std::array<Scalar, Features>;
  using output_type = std::array<Scalar, Features>;

  /// fill_value (finite) stands in until a feature has had a finite value.
  struct params {
    imputer_strategy strategy = imputer_strategy::mean;
    Scalar fill_value = Scalar(0);
  };

  /// Persistent state (no padding bytes). value is the running mean (strategy mean) or
  /// the last finite value (strategy last), 0 where seen is 0. seen has Features entries
  /// followed by zeros up to a multiple of 4.
  struct state_type {
    std::uint32_t magic;
    std::uint16_t version;
    std::uint16_t strategy;
    std::array<std::uint32_t, 2> reserved;  ///< 0
    Scalar fill_value;
    std::array<Scalar, Features> value;
    std::array<std::uint32_t, padded_features> seen;
  };
  static_assert(sizeof(state_type) ==
                    16 + sizeof(Scalar) * (1 + Features) + 4 * padded_features,
                "imputer::state_type must have no padding bytes");

  static constexpr std::uint32_t magic = detail::fourcc('I', 'M', 'P', 'T');
  static constexpr std::uint16_t version = 1;
  static const std::size_t memory_bytes;

  /// ok, or invalid_argument for an unknown strategy or a non-finite fill_value.
  static constexpr status validate(const params& p) noexcept {
    if (p.strategy != imputer_strategy::mean && p.strategy != imputer_strategy::last)
      return status::invalid_argument;
    if (!is_finite(p.fill_value)) return status::invalid_argument;
    return status::ok;
  }

  imputer() noexcept : imputer(params{}) {}
  explicit imputer(const params& p) noexcept : params_(p) {
    EDGELOOP_ASSERT(validate(p) == status::ok, "imputer: invalid params");
    reset();
  }

  /// Learns from the finite components of x; always ok.
  status partial_fit(const input_type& x) noexcept {
    for (std::size_t i = 0; i < Features; ++i) {
      const Scalar v = x[i];
      if (!is_finite(v)) continue;
      const std::uint32_t n = detail::saturating_increment(seen_[i]);
      if (params_.strategy == imputer_strategy::last || n == 1) {
        value_[i] = v;
      } else {
        const Scalar r = Scalar(1) / static_cast<Scalar>(n);
        const Scalar d = v - value_[i];
        // d overflows only for values of opposite sign near the type's limit; the convex
        // combination below cannot overflow.
        value_[i] = is_finite(d) ? value_[i] + d * r : value_[i] * (Scalar(1) - r) + v * r;
      }
      seen_[i] = n;
    }
    return status::ok;
  }

  /// x with every non-finite component replaced.
  output_type transform(const input_type& x) const noexcept {
    output_type y;
    for (std::size_t i = 0; i < Features; ++i)
      y[i] = is_finite(x[i]) ? x[i] : (seen_[i] > 0 ? value_[i] : params_.fill_value);
    return y;
  }

  void reset() noexcept {
    value_ = detail::filled<Scalar, Features>(Scalar(0));
    seen_ = detail::filled<std::uint32_t, Features>(0u);
  }

  /// The replacement learned per feature (meaningful where seen(i) > 0).
  const input_type& values() const noexcept { return value_; }
  /// Number of finite values seen per feature.
  std::uint32_t seen(std::size_t feature) const noexcept {
    EDGELOOP_ASSERT(feature < Features, "imputer::seen: feature out of range");
    return seen_[feature];
  }
  const params& parameters() const noexcept { return params_; }

  state_type state() const noexcept {
    state_type s{};
    s.magic = magic;
    s.version = version;
    s.strategy = static_cast<std::uint16_t>(params_.strategy);
    s.reserved = {0u, 0u};
    s.fill_value = params_.fill_value;
    s.value = value_;
    s.seen = detail::filled<std::uint32_t, padded_features>(0u);
    for (std::size_t i = 0; i < Features; ++i) s.seen[i] = seen_[i];
    return s;
  }

  /// Adopts `s` (including its params) or returns invalid_state and changes nothing.
  status restore(const state_type& s) noexcept {
    if (s.magic != magic || s.version != version || s.reserved[0] != 0 || s.reserved[1] != 0 ||
        s.strategy > 1)
      return status::invalid_state;
    const params p{static_cast<imputer_strategy>(s.strategy), s.fill_value};
    if (validate(p) != status::ok) return status::invalid_state;
    if (!all_finite(s.value)) return status::invalid_state;
    for (std::size_t i = 0; i < Features; ++i)
      if (s.seen[i] == 0 && s.value[i] != Scalar(0)) return status::invalid_state;
    for (std::size_t i = Features; i < padded_features; ++i)
      if (s.seen[i] != 0) return status::invalid_state;
    params_ = p;
    value_ = s.value;
    for (std::size_t i = 0; i < Features; ++i) seen_[i] = s.seen[i];
    return status::ok;
  }

 private:
  input_type value_;
  std::array<std::uint32_t, Features> seen_;
  params params_;
};

template <scalar Scalar, std::size_t Features>
constexpr std::size_t imputer<Scalar, Features>::memory_bytes = sizeof(imputer<Scalar, Features>);

static_assert(online_transformer<imputer<float, 4>>);
static_assert(persistable<imputer<float, 4>>);
static_assert(has_memory_bytes<imputer<float, 4>>);

}  // namespace edgeloop
