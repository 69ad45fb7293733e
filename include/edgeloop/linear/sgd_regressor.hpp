#pragma once
/// sgd_regressor: linear regression trained by stochastic gradient descent, one sample at
/// a time, with scikit-learn's SGDRegressor update rules (sgd_fast.pyx, version 1.2):
/// squared, Huber and epsilon-insensitive losses, the penalties and schedules of
/// sgd_policies.hpp. Prediction w.x + b. Defaults are scikit-learn's SGDRegressor
/// defaults (squared loss, L2, alpha 1e-4, inverse scaling with eta0 0.01, power_t 0.25,
/// epsilon 0.1).
///
/// Memory: (3*Features + 4)*sizeof(Scalar) + 8 + sizeof(params) bytes (+ padding); exact
/// value in memory_bytes.

#include <array>
#include <cstddef>
#include <cstdint>

#include "../core/assert.hpp"
#include "../core/concepts.hpp"
#include "../core/numeric.hpp"
#include "../core/padding.hpp"
#include "../core/status.hpp"
#include "detail/sgd_core.hpp"
#include "sgd_policies.hpp"

namespace edgeloop {

template <scalar Scalar, std::size_t Features>
class sgd_regressor {
  static_assert(Features > 0, "sgd_regressor needs at least one feature");

 public:
  using input_type = std::array<Scalar, Features>;
  using output_type = Scalar;
  using target_type = Scalar;

  struct params {
    sgd_loss loss = sgd_loss::squared;  ///< squared, huber or epsilon_insensitive
    sgd_penalty penalty = sgd_penalty::l2;
    sgd_learning_rate learning_rate = sgd_learning_rate::inverse_scaling;
    explicit_padding<sizeof(Scalar) - 3> reserved0{};  ///< 0: no undefined bytes in state_type
    Scalar alpha = Scalar(1e-4);
    Scalar l1_ratio = Scalar(0.15);
    Scalar eta0 = Scalar(0.01);
    Scalar power_t = Scalar(0.25);
    Scalar epsilon = Scalar(0.1);  ///< Huber / epsilon-insensitive width, >= 0
    Scalar adagrad_epsilon = Scalar(1e-8);
    bool fit_intercept = true;
    explicit_padding<sizeof(Scalar) - 1> reserved1{};  ///< 0
  };

  struct state_type {
    std::uint32_t magic;
    std::uint16_t version;
    std::uint16_t reserved;
    params p;
    [[no_unique_address]] explicit_padding<padding_to(8, 8 + sizeof(params)), 5> reserved_core{};  ///< 0: core is 8-aligned
    detail::sgd_core<Scalar, Features, 1> core;
  };

  static constexpr std::uint32_t magic = 0x52444753u;  // "SGDR"
  static constexpr std::uint16_t version = 1;
  static const std::size_t memory_bytes;

  static constexpr status validate(const params& p) noexcept {
    if (p.loss != sgd_loss::squared && p.loss != sgd_loss::huber && p.loss != sgd_loss::epsilon_insensitive)
      return status::invalid_argument;
    if (static_cast<unsigned>(p.penalty) > static_cast<unsigned>(sgd_penalty::elastic_net) ||
        static_cast<unsigned>(p.learning_rate) > static_cast<unsigned>(sgd_learning_rate::adagrad))
      return status::invalid_argument;
    if (!is_finite(p.alpha) || p.alpha < Scalar(0) || !is_finite(p.l1_ratio) || p.l1_ratio < Scalar(0) ||
        p.l1_ratio > Scalar(1))
      return status::invalid_argument;
    if (!is_finite(p.epsilon) || p.epsilon < Scalar(0) || !is_finite(p.power_t) || !is_finite(p.eta0) ||
        !is_finite(p.adagrad_epsilon) || !(p.adagrad_epsilon > Scalar(0)))
      return status::invalid_argument;
    if (p.learning_rate == sgd_learning_rate::optimal) {
      if (!(p.alpha > Scalar(0))) return status::invalid_argument;
    } else if (!(p.eta0 > Scalar(0))) {
      return status::invalid_argument;
    }
    return status::ok;
  }

  sgd_regressor() noexcept : sgd_regressor(params{}) {}
  explicit sgd_regressor(const params& p) noexcept : params_(p) {
    EDGELOOP_ASSERT(validate(p) == status::ok, "sgd_regressor: invalid params");
    refresh();
    reset();
  }

  /// Learns one sample: non_finite_input (x or y not finite, or an overflowing update) and
  /// then nothing changed.
  status partial_fit(const input_type& x, Scalar y) noexcept {
    if (!all_finite(x) || !is_finite(y)) return status::non_finite_input;
    const Scalar p = predict(x);
    const std::array<Scalar, 1> g{sgd_clipped_derivative(params_.loss, p, y, params_.epsilon)};
    return core_.step(x, g, params_, t0_);
  }

  Scalar predict(const input_type& x) const noexcept { return core_.score(0, x); }

  void reset() noexcept { core_.reset(); }

  Scalar weight(std::size_t j) const noexcept { return core_.weight(0, j); }
  Scalar intercept() const noexcept { return core_.intercept[0]; }
  std::uint64_t samples() const noexcept { return core_.samples; }
  const params& parameters() const noexcept { return params_; }

  state_type state() const noexcept {
    state_type s{};
    s.magic = magic;
    s.version = version;
    s.p = params_;
    s.core = core_;
    return s;
  }

  status restore(const state_type& s) noexcept {
    if (s.magic != magic || s.version != version || s.reserved != 0) return status::invalid_state;
    if (validate(s.p) != status::ok || !s.core.valid()) return status::invalid_state;
    params_ = s.p;
    core_ = s.core;
    refresh();
    return status::ok;
  }

 private:
  void refresh() noexcept {
    t0_ = params_.learning_rate == sgd_learning_rate::optimal
              ? sgd_optimal_t0(params_.loss, params_.alpha, params_.epsilon)
              : Scalar(1);
  }

  detail::sgd_core<Scalar, Features, 1> core_;
  params params_;
  Scalar t0_ = 1;
};

template <scalar Scalar, std::size_t Features>
constexpr std::size_t sgd_regressor<Scalar, Features>::memory_bytes = sizeof(sgd_regressor<Scalar, Features>);

static_assert(online_learner<sgd_regressor<float, 4>>);
static_assert(persistable<sgd_regressor<float, 4>>);
static_assert(has_memory_bytes<sgd_regressor<float, 4>>);

}  // namespace edgeloop
