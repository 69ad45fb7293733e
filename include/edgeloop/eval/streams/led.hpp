#pragma once
/// LED display digits (Breiman et al. 1984, "Classification and Regression Trees"), as
/// MOA's LEDGenerator / LEDGeneratorDrift: a digit 0..9 is drawn uniformly (the class),
/// its seven segments (top, upper-left, upper-right, middle, lower-left, lower-right,
/// bottom) are binary attributes, each inverted with probability `noise` (10% by
/// default), followed by 17 irrelevant uniform binary attributes (IrrelevantAttributes).
/// Drift variant: n_drift_attributes = d > 0 swaps segment i with irrelevant attribute
/// 7 + i for i < d (MOA's LEDGeneratorDrift with its fixed offsets 0).
/// All attributes are nominal with 2 values. Memory: about 72 bytes.

#include <array>
#include <cstdint>

#include "../../core/assert.hpp"
#include "../../core/rng.hpp"
#include "stream.hpp"

namespace edgeloop::streams {

template <scalar Scalar = float, bool IrrelevantAttributes = true>
class led {
 public:
  using scalar_type = Scalar;
  static constexpr std::size_t segments = 7;
  static constexpr std::size_t irrelevant = IrrelevantAttributes ? 17 : 0;
  static constexpr std::size_t features = segments + irrelevant;
  static constexpr std::size_t classes = 10;
  static constexpr std::array<std::uint8_t, features> nominal_cardinality = [] {
    std::array<std::uint8_t, features> c{};
    for (auto& v : c) v = 2;
    return c;
  }();
  using sample_type = labelled_sample<Scalar, features>;
  static const std::size_t memory_bytes;  ///< sizeof(*this): all storage is inline

  struct params {
    double noise = 0.1;                   ///< per-segment inversion probability
    std::uint8_t n_drift_attributes = 0;  ///< 0..7; needs IrrelevantAttributes when > 0
    std::uint64_t seed = 1;
  };

  static constexpr status validate(const params& p) noexcept {
    if (!detail::is_probability(p.noise) || p.n_drift_attributes > segments ||
        (!IrrelevantAttributes && p.n_drift_attributes > 0))
      return status::invalid_argument;
    return status::ok;
  }

  explicit led(const params& p = {}) noexcept : params_(p), rng_(p.seed) {
    EDGELOOP_ASSERT(validate(p) == status::ok, "led: invalid params");
    for (std::size_t i = 0; i < features; ++i) position_[i] = static_cast<std::uint8_t>(i);
    for (std::size_t i = 0; i < params_.n_drift_attributes; ++i) {
      position_[i] = static_cast<std::uint8_t>(segments + i);
      position_[segments + i] = static_cast<std::uint8_t>(i);
    }
  }

  sample_type next() noexcept {
    // Bit i of segment_bits[d] is segment i of digit d (order as in the header comment).
    constexpr std::array<std::uint8_t, 10> segment_bits{0x77, 0x24, 0x5D, 0x6D, 0x2E,
                                                        0x6B, 0x7B, 0x25, 0x7F, 0x6F};
    sample_type s{};
    const std::uint32_t digit = rng_.uniform_int(10);
    for (std::size_t i = 0; i < segments; ++i) {
      unsigned bit = (segment_bits[digit] >> i) & 1u;
      if (rng_.bernoulli(params_.noise)) bit ^= 1u;
      s.x[position_[i]] = static_cast<Scalar>(bit);
    }
    for (std::size_t i = segments; i < features; ++i)
      s.x[position_[i]] = static_cast<Scalar>(rng_.uniform_int(2));
    s.y = static_cast<class_label>(digit);
    return s;
  }

  void reset() noexcept { rng_ = rng(params_.seed); }

  const params& parameters() const noexcept { return params_; }

 private:
  params params_;
  rng rng_;
  std::array<std::uint8_t, features> position_{};  ///< where attribute i is written
};

template <scalar Scalar, bool IrrelevantAttributes>
constexpr std::size_t led<Scalar, IrrelevantAttributes>::memory_bytes = sizeof(led<Scalar, IrrelevantAttributes>);

static_assert(data_stream<led<float>>);
static_assert(data_stream<led<float, false>>);

}  // namespace edgeloop::streams
