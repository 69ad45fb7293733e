#pragma once
/// one_class_svm_detector: the online one-class SVM (svm/one_class_svm.hpp: nu formulation
/// of Schölkopf et al. 2001 on random Fourier features) behind the anomaly_detector
/// interface. learn(x) = one_class_svm::partial_fit(x); score(x) = rho - <w, z(x)>:
/// HIGHER = MORE ANOMALOUS, > 0 outside the learned boundary (about a fraction nu of the
/// training data), within rho +- sqrt(2) ||w|| (the feature map has |z| <= sqrt(2)); the
/// boundary itself is score 0. Inputs should be scaled so that gamma fits them (e.g.
/// standardised: gamma about 1 / Features).
///
/// Memory: one_class_svm<Scalar, Features, Components>::memory_bytes (the adapter adds
/// nothing); exact value in memory_bytes.

#include <array>
#include <cstddef>
#include <cstdint>

#include "../core/concepts.hpp"
#include "../core/status.hpp"
#include "../svm/one_class_svm.hpp"
#include "anomaly_detector.hpp"

namespace edgeloop {

template <scalar Scalar, std::size_t Features, std::size_t Components = 64>
class one_class_svm_detector {
 public:
  using model_type = one_class_svm<Scalar, Features, Components>;
  using scalar_type = Scalar;
  using input_type = typename model_type::input_type;
  using output_type = Scalar;
  using params = typename model_type::params;
  using state_type = typename model_type::state_type;
  static const std::size_t memory_bytes;

  static constexpr status validate(const params& p) noexcept { return model_type::validate(p); }

  one_class_svm_detector() noexcept = default;
  explicit one_class_svm_detector(const params& p) noexcept : model_(p) {}

  /// One stochastic sub-gradient step (non_finite_input or capacity_exceeded: unchanged).
  status learn(const input_type& x) noexcept { return model_.partial_fit(x); }
  /// rho - <w, z(x)>; > 0 outside the learned boundary.
  Scalar score(const input_type& x) const noexcept { return model_.score(x); }
  void reset() noexcept { model_.reset(); }
  std::uint32_t samples() const noexcept { return model_.samples(); }

  const model_type& model() const noexcept { return model_; }
  state_type state() const noexcept { return model_.state(); }
  status restore(const state_type& s) noexcept { return model_.restore(s); }

 private:
  model_type model_;
};

template <scalar Scalar, std::size_t Features, std::size_t Components>
constexpr std::size_t one_class_svm_detector<Scalar, Features, Components>::memory_bytes =
    sizeof(one_class_svm_detector<Scalar, Features, Components>);

static_assert(anomaly_detector<one_class_svm_detector<float, 4, 8>>);

}  // namespace edgeloop
