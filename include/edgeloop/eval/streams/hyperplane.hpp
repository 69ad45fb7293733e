#pragma once
/// Rotating hyperplane (Hulten, Spencer & Domingos 2001, "Mining time-changing data
/// streams"), as MOA's HyperplaneGenerator: x uniform in [0, 1)^d, weights w drawn
/// uniform in [0, 1) at the seed; class 1 when sum w_i x_i >= 0.5 sum w_i, else 0; each
/// label flipped with probability `noise`. After each sample the first n_drift_features
/// weights move by direction_i * mag_change (direction_i starts at +1) and each direction
/// reverses with probability `sigma`. Weights are not bounded (as MOA).
/// The label is computed in double from the stored x and the weights before the move.
/// Memory: Features * 9 bytes + about 64.

#include <array>
#include <cstdint>

#include "../../core/assert.hpp"
#include "../../core/rng.hpp"
#include "stream.hpp"

namespace edgeloop::streams {

template <scalar Scalar = float, std::size_t Features = 10>
class hyperplane {
  static_assert(Features >= 1, "hyperplane needs at least one feature");

 public:
  using scalar_type = Scalar;
  static constexpr std::size_t features = Features;
  static constexpr std::size_t classes = 2;
  static constexpr std::array<std::uint8_t, features> nominal_cardinality{};
  using sample_type = labelled_sample<Scalar, features>;
  static const std::size_t memory_bytes;  ///< sizeof(*this): all storage is inline

  struct params {
    std::size_t n_drift_features = 2;  ///< 0..Features
    double mag_change = 0.0;           ///< weight change per sample, in [0, 1]
    double sigma = 0.1;                ///< probability that a direction reverses, in [0, 1]
    double noise = 0.05;               ///< label noise probability, in [0, 1]
    std::uint64_t seed = 1;
  };

  static constexpr status validate(const params& p) noexcept {
    if (p.n_drift_features > Features || !detail::is_probability(p.mag_change) ||
        !detail::is_probability(p.sigma) || !detail::is_probability(p.noise))
      return status::invalid_argument;
    return status::ok;
  }

  explicit hyperplane(const params& p = {}) noexcept : params_(p) {
    EDGELOOP_ASSERT(validate(p) == status::ok, "hyperplane: invalid params");
    reset();
  }

  sample_type next() noexcept {
    sample_type s{};
    double sum = 0.0, sum_weights = 0.0;
    for (std::size_t i = 0; i < Features; ++i) {
      s.x[i] = rng_.uniform<Scalar>();
      sum += weights_[i] * static_cast<double>(s.x[i]);
      sum_weights += weights_[i];
    }
    s.y = sum >= 0.5 * sum_weights ? 1 : 0;
    if (rng_.bernoulli(params_.noise)) s.y = static_cast<class_label>(1 - s.y);
    for (std::size_t i = 0; i < params_.n_drift_features; ++i) {
      weights_[i] += static_cast<double>(direction_[i]) * params_.mag_change;
      if (rng_.bernoulli(params_.sigma)) direction_[i] = static_cast<std::int8_t>(-direction_[i]);
    }
    return s;
  }

  void reset() noexcept {
    rng_ = rng(params_.seed);
    for (std::size_t i = 0; i < Features; ++i) {
      weights_[i] = rng_.uniform<double>();
      direction_[i] = static_cast<std::int8_t>(i < params_.n_drift_features ? 1 : 0);
    }
  }

  /// The current weights (those that label the next sample).
  const std::array<double, Features>& weights() const noexcept { return weights_; }
  /// The current direction of change of each weight (+1, -1, 0 for non-drifting ones).
  const std::array<std::int8_t, Features>& directions() const noexcept { return direction_; }
  const params& parameters() const noexcept { return params_; }

 private:
  params params_;
  rng rng_{};
  std::array<double, Features> weights_{};
  std::array<std::int8_t, Features> direction_{};
};

template <scalar Scalar, std::size_t Features>
constexpr std::size_t hyperplane<Scalar, Features>::memory_bytes = sizeof(hyperplane<Scalar, Features>);

static_assert(data_stream<hyperplane<float, 10>>);

}  // namespace edgeloop::streams
