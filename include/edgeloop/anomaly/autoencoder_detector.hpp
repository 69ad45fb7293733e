#pragma once
/// autoencoder_detector<Net, Optimizer>: an nn::sequential network trained online to
/// reproduce its input (usually through a narrow middle layer); what it cannot reproduce
/// is unusual. learn(x) is one optimizer step on the mean squared reconstruction error
/// (nn::regressor with nn::mse, target = input); score(x) is that error
///     score(x) = (1/N) sum_i (f(z)_i - z_i)^2   in [0, inf),  HIGHER = MORE ANOMALOUS,
/// where z = x standardised by a streaming standard_scaler (params.standardize, default
/// on; the scaler learns from every sample before the step, so the score is in units of
/// standard deviations squared) or z = x. No fixed threshold fits every network: use
/// quantile_threshold on the scores.
///
/// Memory: nn::regressor's memory (weights, optimizer state, gradient, training scratch:
/// learner_type::memory_bytes) + standard_scaler<Scalar, N> + 8 bytes; exact value in
/// memory_bytes. Bad input: a non-finite x or a step whose loss overflows is rejected
/// (non_finite_input) and nothing changes (scaler included).

#include <array>
#include <cstddef>
#include <cstdint>
#include <limits>

#include "../core/assert.hpp"
#include "../core/concepts.hpp"
#include "../core/numeric.hpp"
#include "../core/status.hpp"
#include "../nn/adam.hpp"
#include "../nn/learner.hpp"
#include "../nn/mse.hpp"
#include "../preprocessing/standard_scaler.hpp"
#include "anomaly_detector.hpp"

namespace edgeloop {

template <class Net, class Optimizer = nn::adam>
class autoencoder_detector {
  static_assert(Net::input_size == Net::output_size, "autoencoder_detector: the network must output its input size");

 public:
  using network_type = Net;
  using learner_type = nn::regressor<Net, nn::mse, Optimizer, 1>;
  using scalar_type = typename Net::scalar_type;
  using Scalar = scalar_type;
  static constexpr std::size_t features = Net::input_size;
  using input_type = std::array<Scalar, features>;
  using output_type = Scalar;
  using scaler_type = standard_scaler<Scalar, features>;
  static constexpr std::uint32_t magic = 0x45444541u;  // "AEDE"
  static constexpr std::uint16_t version = 1;
  static const std::size_t memory_bytes;

  struct params {
    typename learner_type::params learner{};  ///< optimizer (learning rate), schedule, seed
    typename scaler_type::params scaler{};    ///< cumulative by default
    bool standardize = true;
  };

  struct state_type {
    std::uint32_t magic;
    std::uint16_t version;
    std::uint8_t standardize;
    std::uint8_t reserved;
    std::uint32_t samples;
    typename scaler_type::state_type scaler;
    typename learner_type::state_type learner;
  };

  static constexpr status validate(const params& p) noexcept {
    EDGELOOP_TRY(learner_type::validate(p.learner));
    return scaler_type::validate(p.scaler);
  }

  autoencoder_detector() noexcept : autoencoder_detector(params{}) {}
  explicit autoencoder_detector(const params& p) noexcept
      : learner_(p.learner), scaler_(p.scaler), standardize_(p.standardize) {
    EDGELOOP_ASSERT(validate(p) == status::ok, "autoencoder_detector: invalid params");
  }

  /// One reconstruction step on x (after updating the scaler).
  status learn(const input_type& x) noexcept {
    if (!all_finite(x)) return status::non_finite_input;
    scaler_type scaler = scaler_;
    if (standardize_) EDGELOOP_TRY(scaler.partial_fit(x));
    const input_type z = standardize_ ? scaler.transform(x) : x;
    EDGELOOP_TRY(learner_.partial_fit(z, z));
    scaler_ = scaler;
    if (samples_ != std::numeric_limits<std::uint32_t>::max()) ++samples_;
    return status::ok;
  }

  /// Mean squared reconstruction error of the (standardised) x; in [0, inf).
  Scalar score(const input_type& x) const noexcept {
    const input_type z = standardize_ ? scaler_.transform(x) : x;
    return learner_.loss(z, z);
  }

  /// Fresh weights (from the seed), optimizer and scaler.
  void reset() noexcept {
    learner_.reset();
    scaler_.reset();
    samples_ = 0;
  }

  std::uint32_t samples() const noexcept { return samples_; }
  const learner_type& learner() const noexcept { return learner_; }
  const scaler_type& scaler() const noexcept { return scaler_; }
  bool standardizes() const noexcept { return standardize_; }

  state_type state() const noexcept {
    state_type s{};
    s.magic = magic;
    s.version = version;
    s.standardize = standardize_ ? 1 : 0;
    s.reserved = 0;
    s.samples = samples_;
    s.scaler = scaler_.state();
    s.learner = learner_.state();
    return s;
  }
  status restore(const state_type& s) noexcept {
    if (s.magic != magic || s.version != version || s.standardize > 1 || s.reserved != 0) return status::invalid_state;
    scaler_type scaler;
    if (scaler.restore(s.scaler) != status::ok) return status::invalid_state;
    EDGELOOP_TRY(learner_.restore(s.learner));  // validates before it changes anything
    scaler_ = scaler;
    standardize_ = s.standardize == 1;
    samples_ = s.samples;
    return status::ok;
  }

 private:
  learner_type learner_;
  scaler_type scaler_;
  std::uint32_t samples_ = 0;
  bool standardize_ = true;
};

template <class Net, class Optimizer>
constexpr std::size_t autoencoder_detector<Net, Optimizer>::memory_bytes = sizeof(autoencoder_detector<Net, Optimizer>);

}  // namespace edgeloop

#include "../nn/dense.hpp"
#include "../nn/tanh.hpp"
static_assert(edgeloop::anomaly_detector<edgeloop::autoencoder_detector<
                  edgeloop::nn::sequential<float, edgeloop::nn::shape<4>, edgeloop::nn::dense<2>, edgeloop::nn::tanh,
                                           edgeloop::nn::dense<4>>>>);
