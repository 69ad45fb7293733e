#pragma once
/// Losses, penalties and learning-rate schedules shared by the SGD linear models
/// (sgd_classifier, sgd_regressor), following scikit-learn's plain SGD (sgd_fast.pyx,
/// version 1.2) so that the same settings give the same weights:
///  - classification losses take a score p and a label y in {-1, +1}; regression losses a
///    prediction p and a target y. dloss is d loss / d p.
///  - penalties: L2 alone is alpha/2 |w|^2, L1 alone alpha |w|_1; l1_ratio mixes only the
///    elastic net (as scikit-learn).
///  - "optimal" learning rate (Bottou): eta_t = 1 / (alpha (t0 + t - 1)), with
///    t0 = 1 / (eta_init alpha), eta_init = typw / max(1, dloss(-typw, 1)),
///    typw = sqrt(1 / sqrt(alpha)); t counts samples from 1.
///  - inverse scaling: eta0 / t^power_t; constant: eta0; AdaGrad (Duchi et al. 2011):
///    per-coordinate eta0 / (sqrt(G_j) + adagrad_epsilon), G_j the sum of squared gradients.
/// No storage: header of enums and free functions.

#include <cmath>
#include <cstdint>

#include "../core/numeric.hpp"

namespace edgeloop {

enum class sgd_loss : std::uint8_t {
  log_loss,        ///< logistic regression: log(1 + exp(-y p))
  hinge,           ///< linear SVM: max(0, 1 - y p)
  modified_huber,  ///< smoothed hinge: max(0, 1 - y p)^2 for y p >= -1, else -4 y p
  perceptron,      ///< max(0, -y p)
  squared,         ///< regression: (p - y)^2 / 2
  huber,           ///< regression: quadratic within epsilon, linear outside
  epsilon_insensitive,  ///< regression: max(0, |y - p| - epsilon)
};

enum class sgd_penalty : std::uint8_t {
  none,
  l2,          ///< alpha/2 ||w||^2, applied lazily through a weight scale
  l1,          ///< alpha ||w||_1, cumulative penalty (Tsuruoka, Tsujii & Ananiadou 2009)
  elastic_net  ///< (1 - l1_ratio) alpha/2 ||w||^2 + l1_ratio alpha ||w||_1
};

enum class sgd_learning_rate : std::uint8_t { constant, optimal, inverse_scaling, adagrad };

/// True for the losses of classifiers.
constexpr bool is_classification_loss(sgd_loss l) noexcept {
  return l == sgd_loss::log_loss || l == sgd_loss::hinge || l == sgd_loss::modified_huber ||
         l == sgd_loss::perceptron;
}

/// Value of loss `l` at score/prediction p and label/target y (epsilon: Huber and
/// epsilon-insensitive width).
template <scalar S>
S sgd_loss_value(sgd_loss l, S p, S y, S epsilon) noexcept {
  switch (l) {
    case sgd_loss::log_loss: {
      const S z = p * y;
      if (z > S(18)) return std::exp(-z);
      if (z < S(-18)) return -z;
      return std::log1p(std::exp(-z));
    }
    case sgd_loss::hinge: return S(1) - p * y > S(0) ? S(1) - p * y : S(0);
    case sgd_loss::modified_huber: {
      const S z = p * y;
      if (z >= S(1)) return S(0);
      if (z >= S(-1)) return (S(1) - z) * (S(1) - z);
      return S(-4) * z;
    }
    case sgd_loss::perceptron: return -p * y > S(0) ? -p * y : S(0);
    case sgd_loss::squared: return S(0.5) * (p - y) * (p - y);
    case sgd_loss::huber: {
      const S r = p - y;
      const S a = r < S(0) ? -r : r;
      return a <= epsilon ? S(0.5) * r * r : epsilon * (a - S(0.5) * epsilon);
    }
    case sgd_loss::epsilon_insensitive: {
      const S a = (y - p) < S(0) ? p - y : y - p;
      return a > epsilon ? a - epsilon : S(0);
    }
  }
  return S(0);
}

/// d loss / d p of loss `l` (scikit-learn's dloss, before its clipping to +-1e12).
template <scalar S>
S sgd_loss_derivative(sgd_loss l, S p, S y, S epsilon) noexcept {
  switch (l) {
    case sgd_loss::log_loss: {
      const S z = p * y;
      if (z > S(18)) return -y * std::exp(-z);
      if (z < S(-18)) return -y;
      return -y / (std::exp(z) + S(1));
    }
    case sgd_loss::hinge: return p * y <= S(1) ? -y : S(0);
    case sgd_loss::modified_huber: {
      const S z = p * y;
      if (z >= S(1)) return S(0);
      if (z >= S(-1)) return S(-2) * (S(1) - z) * y;
      return S(-4) * y;
    }
    case sgd_loss::perceptron: return p * y <= S(0) ? -y : S(0);
    case sgd_loss::squared: return p - y;
    case sgd_loss::huber: {
      const S r = p - y;
      if (r > epsilon) return epsilon;
      if (r < -epsilon) return -epsilon;
      return r;
    }
    case sgd_loss::epsilon_insensitive:
      if (y - p > epsilon) return S(-1);
      if (p - y > epsilon) return S(1);
      return S(0);
  }
  return S(0);
}

/// dloss clipped to +-1e12 as scikit-learn does (numerical safety for huge scores).
template <scalar S>
S sgd_clipped_derivative(sgd_loss l, S p, S y, S epsilon) noexcept {
  constexpr S max_dloss = S(1e12);
  const S d = sgd_loss_derivative(l, p, y, epsilon);
  return d < -max_dloss ? -max_dloss : (d > max_dloss ? max_dloss : d);
}

/// t0 of the "optimal" schedule for loss `l` and penalty strength alpha > 0.
template <scalar S>
S sgd_optimal_t0(sgd_loss l, S alpha, S epsilon) noexcept {
  const S typw = std::sqrt(S(1) / std::sqrt(alpha));
  const S d = sgd_loss_derivative(l, -typw, S(1), epsilon);
  const S eta_init = typw / (d > S(1) ? d : S(1));
  return S(1) / (eta_init * alpha);
}

/// Step size of sample t (t >= 1) for the non-adaptive schedules.
template <scalar S>
S sgd_step_size(sgd_learning_rate r, S eta0, S power_t, S alpha, S t0, S t) noexcept {
  switch (r) {
    case sgd_learning_rate::optimal: return S(1) / (alpha * (t0 + t - S(1)));
    case sgd_learning_rate::inverse_scaling:  // the common exponents without pow()
      if (power_t == S(0.5)) return eta0 / std::sqrt(t);
      if (power_t == S(0.25)) return eta0 / std::sqrt(std::sqrt(t));
      return eta0 / std::pow(t, power_t);
    case sgd_learning_rate::constant:
    case sgd_learning_rate::adagrad: return eta0;
  }
  return eta0;
}

}  // namespace edgeloop
