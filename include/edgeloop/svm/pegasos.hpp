#pragma once
/// pegasos: linear support vector machine trained by Pegasos, the primal estimated
/// sub-gradient solver of Shalev-Shwartz, Singer & Srebro (2007), one sample per step.
///
/// Objective (per output): lambda/2 ||w||^2 + mean_t max(0, 1 - s_t <w, x_t'>), where
/// x' = (x, 1) when fit_intercept (the bias is a weight on a constant feature and is
/// regularised like the others, as in the paper's augmented-feature variant) and
/// s_t = +1 / -1. Step t (t counts from 1), learning rate eta_t = 1 / (lambda t):
///     w <- (1 - eta_t lambda) w + [s_t <w, x_t'> < 1] eta_t s_t x_t'
/// then, when `projection` is on, w is scaled onto the ball ||w|| <= 1/sqrt(lambda).
/// The margin is taken with the weights before the step (as in the paper).
/// Two classes: one weight vector, s = +1 for class 1, -1 for class 0; decision > 0
/// predicts class 1. More classes: one-vs-rest, one weight vector per class (s = +1 for
/// its class, -1 otherwise), the class with the largest decision value wins (ties: the
/// lowest label).
///
/// Memory: Outputs*(Features+1)*sizeof(Scalar) + params + 8 bytes, Outputs = 1 for two
/// classes, Classes otherwise; exact value in memory_bytes.

#include <array>
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <limits>

#include "../core/assert.hpp"
#include "../core/concepts.hpp"
#include "../core/linalg.hpp"
#include "../core/numeric.hpp"
#include "../core/padding.hpp"
#include "../core/status.hpp"

namespace edgeloop {

template <scalar Scalar, std::size_t Features, std::size_t Classes = 2>
class pegasos {
  static_assert(Features > 0, "pegasos needs at least one feature");
  static_assert(Classes >= 2, "pegasos needs at least two classes");
  static_assert(Classes <= std::numeric_limits<class_label>::max(), "too many classes for class_label");

 public:
  static constexpr std::size_t outputs = Classes == 2 ? 1 : Classes;
  static constexpr std::size_t width = Features + 1;  ///< weights per output (last: bias)

  using input_type = std::array<Scalar, Features>;
  using output_type = class_label;
  using target_type = class_label;
  using decision_type = std::array<Scalar, outputs>;

  struct params {
    Scalar lambda = Scalar(1e-4);  ///< regularisation strength, > 0 and finite
    bool fit_intercept = true;     ///< learn a (regularised) bias on a constant 1 feature
    bool projection = false;       ///< project onto the ball of radius 1/sqrt(lambda)
  };

  struct state_type {
    std::uint32_t magic;
    std::uint16_t version;
    std::uint8_t fit_intercept;
    std::uint8_t projection;
    Scalar lambda;
    std::uint32_t steps;
    [[no_unique_address]] explicit_padding<padding_to(alignof(Scalar), sizeof(std::uint32_t)), 11> reserved{};  ///< 0
    std::array<Scalar, outputs * width> weights;  ///< [output][feature], bias last
  };

  static constexpr std::uint32_t magic = 0x53474550u;  // "PEGS"
  static constexpr std::uint16_t version = 1;
  static const std::size_t memory_bytes;

  /// ok, or invalid_argument when lambda is not finite and > 0.
  static constexpr status validate(const params& p) noexcept {
    return is_finite(p.lambda) && p.lambda > Scalar(0) ? status::ok : status::invalid_argument;
  }

  pegasos() noexcept : pegasos(params{}) {}
  explicit pegasos(const params& p) noexcept : params_(p) {
    EDGELOOP_ASSERT(validate(p) == status::ok, "pegasos: invalid params");
    reset();
  }

  /// One Pegasos step. non_finite_input (x not finite, or the step would overflow),
  /// label_out_of_range (y >= Classes), capacity_exceeded (2^32 - 1 steps); then nothing
  /// changed.
  status partial_fit(const input_type& x, class_label y) noexcept {
    if (!all_finite(x)) return status::non_finite_input;
    if (y >= Classes) return status::label_out_of_range;
    if (steps_ == std::numeric_limits<std::uint32_t>::max()) return status::capacity_exceeded;
    const Scalar t = static_cast<Scalar>(steps_ + 1u);
    const Scalar eta = Scalar(1) / (params_.lambda * t);
    const auto xv = as_vector(x);
    const Scalar x_peak = xv.cwiseAbs().maxCoeff();
    const auto w = as_matrix<static_cast<int>(outputs), static_cast<int>(width)>(weights_);
    const Scalar w_peak = w.cwiseAbs().maxCoeff();
    // |new w| <= |w| + eta |x'|: refuse steps whose result could overflow.
    const Scalar bound = w_peak + eta * (x_peak > Scalar(1) ? x_peak : Scalar(1));
    if (!is_finite(bound) || bound > std::numeric_limits<Scalar>::max() / Scalar(4)) return status::non_finite_input;
    const decision_type d = decision_function(x);
    for (const Scalar v : d)
      if (!is_finite(v)) return status::non_finite_input;

    auto wm = as_matrix<static_cast<int>(outputs), static_cast<int>(width)>(weights_);
    const Scalar shrink = Scalar(1) - Scalar(1) / t;  // 1 - eta lambda
    const Scalar radius = Scalar(1) / std::sqrt(params_.lambda);
    for (std::size_t o = 0; o < outputs; ++o) {
      const auto row = static_cast<Eigen::Index>(o);
      const Scalar s = sign_of(o, y);
      wm.row(row) *= shrink;
      if (s * d[o] < Scalar(1)) {
        wm.row(row).template head<static_cast<int>(Features)>() += (eta * s) * xv.transpose();
        if (params_.fit_intercept) wm(row, static_cast<Eigen::Index>(Features)) += eta * s;
      }
      if (params_.projection) {
        // Overflow-safe norm (Eigen's stableNorm keeps a 4096-element buffer on the stack).
        const Scalar peak = wm.row(row).cwiseAbs().maxCoeff();
        const Scalar norm = peak > Scalar(0) ? peak * (wm.row(row) / peak).norm() : Scalar(0);
        if (norm > radius) wm.row(row) *= radius / norm;
      }
    }
    ++steps_;
    return status::ok;
  }

  /// Decision values <w_o, x'> (one for two classes: > 0 means class 1).
  decision_type decision_function(const input_type& x) const noexcept {
    const auto w = as_matrix<static_cast<int>(outputs), static_cast<int>(width)>(weights_);
    decision_type d;
    as_vector(d) = w.template leftCols<static_cast<int>(Features)>().lazyProduct(as_vector(x)) +
                   w.col(static_cast<Eigen::Index>(Features));
    return d;
  }

  /// Class 1 when the decision value is > 0 (two classes); otherwise the arg max.
  class_label predict(const input_type& x) const noexcept {
    const decision_type d = decision_function(x);
    if constexpr (outputs == 1) {
      return d[0] > Scalar(0) ? class_label{1} : class_label{0};
    } else {
      std::size_t best = 0;
      for (std::size_t o = 1; o < outputs; ++o)
        if (d[o] > d[best]) best = o;
      return static_cast<class_label>(best);
    }
  }

  void reset() noexcept {
    weights_.fill(Scalar(0));
    steps_ = 0;
  }

  std::uint32_t samples() const noexcept { return steps_; }
  /// Weight j of output o (j == Features: the bias).
  Scalar weight(std::size_t o, std::size_t j) const noexcept { return weights_[o * width + j]; }
  const params& parameters() const noexcept { return params_; }

  state_type state() const noexcept {
    state_type s{};
    s.magic = magic;
    s.version = version;
    s.fit_intercept = params_.fit_intercept ? 1 : 0;
    s.projection = params_.projection ? 1 : 0;
    s.lambda = params_.lambda;
    s.steps = steps_;
    s.weights = weights_;
    return s;
  }

  /// Adopts `s` (with its params) or returns invalid_state and changes nothing.
  status restore(const state_type& s) noexcept {
    if (s.magic != magic || s.version != version || s.fit_intercept > 1 || s.projection > 1)
      return status::invalid_state;
    const params p{s.lambda, s.fit_intercept == 1, s.projection == 1};
    if (validate(p) != status::ok || !all_finite(s.weights)) return status::invalid_state;
    if (!p.fit_intercept)
      for (std::size_t o = 0; o < outputs; ++o)
        if (s.weights[o * width + Features] != Scalar(0)) return status::invalid_state;
    params_ = p;
    steps_ = s.steps;
    weights_ = s.weights;
    return status::ok;
  }

 private:
  static constexpr Scalar sign_of(std::size_t o, class_label y) noexcept {
    if constexpr (outputs == 1) return y == 1 ? Scalar(1) : Scalar(-1);
    else return o == y ? Scalar(1) : Scalar(-1);
  }

  std::array<Scalar, outputs * width> weights_;
  params params_;
  std::uint32_t steps_ = 0;
};

template <scalar Scalar, std::size_t Features, std::size_t Classes>
constexpr std::size_t pegasos<Scalar, Features, Classes>::memory_bytes = sizeof(pegasos<Scalar, Features, Classes>);

static_assert(online_learner<pegasos<float, 4>>);
static_assert(persistable<pegasos<float, 4, 3>>);
static_assert(has_memory_bytes<pegasos<float, 4>>);

}  // namespace edgeloop
