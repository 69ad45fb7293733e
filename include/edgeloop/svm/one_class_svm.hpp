#pragma once
/// one_class_svm: online one-class SVM for novelty / anomaly detection (Schölkopf et al.
/// 2001's nu formulation) on random Fourier features (Rahimi & Recht 2007), i.e. an
/// approximate RBF-kernel one-class SVM learned by stochastic sub-gradient steps.
///
/// With z = random_fourier_features(x), the per-sample objective (scikit-learn's
/// SGDOneClassSVM objective multiplied by nu) is
///     nu/2 ||w||^2 + max(0, rho - <w, z>) - nu rho.
/// Step t (from 1), eta_t = 1 / (nu t), v = [<w, z> < rho] (taken before the step):
///     w <- (1 - 1/t) w + eta_t v z,     rho <- rho + eta_t (nu - v).
/// At a fixed point the fraction of training samples with <w, z> < rho is about nu.
///
/// score(x) = rho - <w, z(x)>: HIGHER = MORE ANOMALOUS (the direction shared with the
/// anomaly detectors); predict(x) is true (anomaly) when score(x) > threshold (default 0:
/// the learned boundary). Unsupervised: partial_fit(x) has no target.
///
/// Memory: random_fourier_features<Scalar, Features, Components> + (Components + 3) *
/// sizeof(Scalar) + 4 bytes; exact value in memory_bytes.

#include <array>
#include <cstddef>
#include <cstdint>
#include <limits>

#include "../core/assert.hpp"
#include "../core/concepts.hpp"
#include "../core/linalg.hpp"
#include "../core/numeric.hpp"
#include "../core/padding.hpp"
#include "../core/status.hpp"
#include "random_fourier_features.hpp"

namespace edgeloop {

template <scalar Scalar, std::size_t Features, std::size_t Components = 64>
class one_class_svm {
 public:
  using features_type = random_fourier_features<Scalar, Features, Components>;
  using input_type = std::array<Scalar, Features>;
  using output_type = bool;  ///< true: anomaly

  struct params {
    Scalar nu = Scalar(0.1);         ///< expected fraction of outliers in training, (0, 1]
    Scalar gamma = Scalar(1);        ///< RBF width of the feature map, > 0
    Scalar threshold = Scalar(0);    ///< predict(): anomaly when score > threshold, finite
    std::uint64_t seed = 0x4F435356u;
  };
  struct state_type {
    std::uint32_t magic;
    std::uint16_t version;
    std::uint16_t reserved;
    Scalar nu;
    Scalar gamma;
    Scalar threshold;
    Scalar rho;
    std::uint64_t seed;
    std::uint32_t steps;
    [[no_unique_address]] explicit_padding<padding_to(alignof(Scalar), sizeof(std::uint32_t)), 9> reserved1{};  ///< 0
    std::array<Scalar, Components> weights;
    [[no_unique_address]] explicit_padding<padding_to(8, sizeof(Scalar) * Components + sizeof(std::uint32_t) +
                                                             padding_to(alignof(Scalar), sizeof(std::uint32_t))), 10>
        reserved2{};  ///< 0: up to the 8-byte alignment of seed
  };
  static constexpr std::uint32_t magic = 0x4D56534Fu;  // "OSVM"
  static constexpr std::uint16_t version = 1;
  static const std::size_t memory_bytes;

  static constexpr status validate(const params& p) noexcept {
    if (!is_finite(p.nu) || !(p.nu > Scalar(0)) || p.nu > Scalar(1)) return status::invalid_argument;
    if (!is_finite(p.threshold)) return status::invalid_argument;
    return features_type::validate({p.gamma, p.seed});
  }

  one_class_svm() noexcept : one_class_svm(params{}) {}
  explicit one_class_svm(const params& p) noexcept : params_(p), features_({p.gamma, p.seed}) {
    EDGELOOP_ASSERT(validate(p) == status::ok, "one_class_svm: invalid params");
    reset();
  }

  /// One step; non_finite_input or capacity_exceeded (2^32 - 1 steps) change nothing.
  status partial_fit(const input_type& x) noexcept {
    if (!all_finite(x)) return status::non_finite_input;
    if (steps_ == std::numeric_limits<std::uint32_t>::max()) return status::capacity_exceeded;
    const auto z = features_.transform(x);
    const auto zv = as_vector(z);
    auto wv = as_vector(weights_);
    const bool violated = wv.dot(zv) < rho_;
    const Scalar t = static_cast<Scalar>(steps_ + 1u);
    const Scalar eta = Scalar(1) / (params_.nu * t);
    wv *= Scalar(1) - Scalar(1) / t;
    if (violated) wv += eta * zv;
    rho_ += eta * (params_.nu - (violated ? Scalar(1) : Scalar(0)));
    ++steps_;
    return status::ok;
  }

  /// rho - <w, z(x)>: higher = more anomalous.
  Scalar score(const input_type& x) const noexcept {
    const auto z = features_.transform(x);
    return rho_ - as_vector(weights_).dot(as_vector(z));
  }
  /// True (anomaly) when score(x) > threshold.
  bool predict(const input_type& x) const noexcept { return score(x) > params_.threshold; }

  void reset() noexcept {
    weights_.fill(Scalar(0));
    rho_ = 0;
    steps_ = 0;
  }

  /// Changes the decision threshold only; invalid_argument when not finite.
  status set_threshold(Scalar threshold) noexcept {
    if (!is_finite(threshold)) return status::invalid_argument;
    params_.threshold = threshold;
    return status::ok;
  }
  Scalar rho() const noexcept { return rho_; }
  std::uint32_t samples() const noexcept { return steps_; }
  const params& parameters() const noexcept { return params_; }

  state_type state() const noexcept {
    state_type s{};
    s.magic = magic;
    s.version = version;
    s.reserved = 0;
    s.nu = params_.nu;
    s.gamma = params_.gamma;
    s.threshold = params_.threshold;
    s.rho = rho_;
    s.seed = params_.seed;
    s.steps = steps_;
    s.weights = weights_;
    return s;
  }
  status restore(const state_type& s) noexcept {
    if (s.magic != magic || s.version != version || s.reserved != 0) return status::invalid_state;
    const params p{s.nu, s.gamma, s.threshold, s.seed};
    if (validate(p) != status::ok || !is_finite(s.rho) || !all_finite(s.weights)) return status::invalid_state;
    if (p.gamma != params_.gamma || p.seed != params_.seed) features_ = features_type({p.gamma, p.seed});
    params_ = p;
    rho_ = s.rho;
    steps_ = s.steps;
    weights_ = s.weights;
    return status::ok;
  }

 private:
  params params_;
  features_type features_;
  std::array<Scalar, Components> weights_;
  Scalar rho_ = 0;
  std::uint32_t steps_ = 0;
};

template <scalar Scalar, std::size_t Features, std::size_t Components>
constexpr std::size_t one_class_svm<Scalar, Features, Components>::memory_bytes =
    sizeof(one_class_svm<Scalar, Features, Components>);

static_assert(predictor<one_class_svm<float, 4, 8>>);
static_assert(persistable<one_class_svm<float, 4, 8>>);

}  // namespace edgeloop
