#pragma once
/// Internals of sgd_classifier / sgd_regressor: Rows weight vectors of Features weights
/// (one per output score) with intercepts, one shared weight scale (lazy L2, as
/// scikit-learn's WeightVector: the true weights are wscale * w), the cumulative L1 state
/// of Tsuruoka et al. (2009) (total penalty u and the applied penalties q) and the AdaGrad
/// accumulators. update() validates before it mutates: small cores (<= 1 KB) are updated
/// on a copy that is adopted only when every new value is finite; larger ones get a dry pass
/// that computes and checks every new value, then a second pass that stores them.
///
/// Memory: (3*Rows*Features + 2*Rows + 2)*sizeof(Scalar) + 8 bytes (+ padding).

#include <array>
#include <cmath>
#include <cstddef>
#include <cstdint>

#include "../../core/linalg.hpp"
#include "../../core/numeric.hpp"
#include "../../core/padding.hpp"
#include "../../core/status.hpp"
#include "../sgd_policies.hpp"

namespace edgeloop::detail {

/// What one update needs from the params (shared by classifier and regressor).
template <scalar Scalar>
struct sgd_step_config {
  sgd_penalty penalty;
  sgd_learning_rate learning_rate;
  Scalar alpha;
  Scalar l1_ratio;
  Scalar eta0;
  Scalar adagrad_epsilon;
  bool fit_intercept;
};

/// Cores up to this size are updated through a copy on the stack (one pass); larger ones
/// with a dry pass that only checks, then a storing pass.
inline constexpr std::size_t small_core_bytes = 1024;

template <scalar Scalar, std::size_t Features, std::size_t Rows>
struct sgd_core {
  using row_vector = Eigen::Matrix<Scalar, static_cast<int>(Features), 1>;
  using row_map = Eigen::Map<row_vector>;
  using const_row_map = Eigen::Map<const row_vector>;

  std::array<Scalar, Rows * Features> w;        ///< scaled weights: true weight = wscale * w
  std::array<Scalar, Rows * Features> q;        ///< L1: penalty applied so far per weight
  std::array<Scalar, Rows * Features> g2;       ///< AdaGrad: sum of squared gradients per weight
  std::array<Scalar, Rows> intercept;
  std::array<Scalar, Rows> g2_intercept;        ///< AdaGrad: for the intercepts
  Scalar wscale;
  Scalar u;                                     ///< L1: total penalty per weight so far
  [[no_unique_address]] explicit_padding<padding_to(8, sizeof(Scalar) * (3 * Rows * Features + 2 * Rows + 2)), 2>
      reserved{};                               ///< 0: no undefined bytes before samples
  std::uint64_t samples;                        ///< updates made (t - 1)

  void reset() noexcept {
    w.fill(Scalar(0));
    q.fill(Scalar(0));
    g2.fill(Scalar(0));
    intercept.fill(Scalar(0));
    g2_intercept.fill(Scalar(0));
    wscale = Scalar(1);
    u = Scalar(0);
    samples = 0;
  }

  const_row_map row(std::size_t r) const noexcept { return const_row_map(w.data() + r * Features); }
  row_map row(std::size_t r) noexcept { return row_map(w.data() + r * Features); }

  /// wscale * w_r . x + intercept_r
  Scalar score(std::size_t r, const std::array<Scalar, Features>& x) const noexcept {
    return wscale * row(r).dot(as_vector(x)) + intercept[r];
  }

  /// True weight j of row r.
  Scalar weight(std::size_t r, std::size_t j) const noexcept { return wscale * w[r * Features + j]; }

  /// One SGD step with dloss/dscore g[r] per row and step size eta (ignored by AdaGrad).
  /// non_finite_input (and nothing changed) when any new value would not be finite.
  status update(const std::array<Scalar, Features>& x, const std::array<Scalar, Rows>& g, Scalar eta,
                const sgd_step_config<Scalar>& c) noexcept {
    if (!all_finite(g) || !is_finite(eta)) return status::non_finite_input;
    const bool adaptive = c.learning_rate == sgd_learning_rate::adagrad;
    if constexpr (sizeof(sgd_core) <= small_core_bytes) {
      // Small models: update a copy in one pass and adopt it when every value is finite.
      sgd_core next = *this;
      if (!(adaptive ? next.template adagrad<true>(x, g, c) : next.template plain<true>(x, g, eta, c)))
        return status::non_finite_input;
      *this = next;
    } else if (adaptive) {
      if (!adagrad<false>(x, g, c)) return status::non_finite_input;
      static_cast<void>(adagrad<true>(x, g, c));
    } else {
      if (!plain<false>(x, g, eta, c)) return status::non_finite_input;
      static_cast<void>(plain<true>(x, g, eta, c));
    }
    ++samples;
    return status::ok;
  }

  /// The update of sample samples + 1 with the step size and penalty of params P (the
  /// params of sgd_classifier or sgd_regressor) and the "optimal" schedule's t0.
  template <class Params>
  status step(const std::array<Scalar, Features>& x, const std::array<Scalar, Rows>& g, const Params& p,
              Scalar t0) noexcept {
    const Scalar t = static_cast<Scalar>(samples + 1u);
    const Scalar eta = sgd_step_size(p.learning_rate, p.eta0, p.power_t, p.alpha, t0, t);
    const sgd_step_config<Scalar> c{p.penalty, p.learning_rate, p.alpha, p.l1_ratio,
                                    p.eta0,    p.adagrad_epsilon, p.fit_intercept};
    return update(x, g, eta, c);
  }

  /// Folds the scale into the weights (exact up to rounding; done when it gets tiny).
  void fold_scale() noexcept {
    as_vector(w) *= wscale;
    wscale = Scalar(1);
  }

  /// Checks a restored core: everything finite, wscale in (0, 1], g2 >= 0.
  bool valid() const noexcept {
    if (!all_finite(w) || !all_finite(q) || !all_finite(g2) || !all_finite(intercept) ||
        !all_finite(g2_intercept) || !is_finite(u) || !is_finite(wscale))
      return false;
    if (!(wscale > Scalar(0)) || wscale > Scalar(1) || u < Scalar(0)) return false;
    for (const Scalar v : g2)
      if (v < Scalar(0)) return false;
    for (const Scalar v : g2_intercept)
      if (v < Scalar(0)) return false;
    return true;
  }

 private:
  /// Strengths of the two penalty parts (scikit-learn: l1_ratio counts only for elastic-net;
  /// L2 alone is alpha/2 ||w||^2, L1 alone alpha ||w||_1).
  static Scalar l2_strength(const sgd_step_config<Scalar>& c) noexcept {
    if (c.penalty == sgd_penalty::l2) return c.alpha;
    return c.penalty == sgd_penalty::elastic_net ? (Scalar(1) - c.l1_ratio) * c.alpha : Scalar(0);
  }
  static Scalar l1_strength(const sgd_step_config<Scalar>& c) noexcept {
    if (c.penalty == sgd_penalty::l1) return c.alpha;
    return c.penalty == sgd_penalty::elastic_net ? c.l1_ratio * c.alpha : Scalar(0);
  }

  /// scikit-learn's plain SGD step: shrink the scale (L2), add -eta g_r x to each row and
  /// -eta g_r to its intercept, then the cumulative L1 penalty. Commit=false only checks.
  template <bool Commit>
  bool plain(const std::array<Scalar, Features>& x, const std::array<Scalar, Rows>& g, Scalar eta,
             const sgd_step_config<Scalar>& c) noexcept {
    Scalar scale = wscale;
    bool zero_all = false;
    if (c.penalty == sgd_penalty::l2 || c.penalty == sgd_penalty::elastic_net) {
      const Scalar shrink = Scalar(1) - l2_strength(c) * eta;
      if (shrink > Scalar(0)) scale *= shrink;
      else zero_all = true;  // a step so large that it would flip the weights: they become 0
    }
    if (zero_all) scale = Scalar(1);
    const bool tiny = scale < Scalar(1e-9);
    const bool l1 = c.penalty == sgd_penalty::l1 || c.penalty == sgd_penalty::elastic_net;
    const Scalar new_u = l1 ? u + l1_strength(c) * eta : u;
    for (std::size_t r = 0; r < Rows; ++r) {
      const Scalar upd = -eta * g[r];
      const Scalar coef = upd / scale;
      if (!is_finite(coef)) return false;
      if (c.fit_intercept) {
        const Scalar b = intercept[r] + upd;
        if (!is_finite(b)) return false;
        if constexpr (Commit) intercept[r] = b;
      }
      if (!l1 && upd == Scalar(0) && !zero_all) continue;
      for (std::size_t j = 0; j < Features; ++j) {
        const std::size_t k = r * Features + j;
        Scalar v = zero_all ? Scalar(0) : w[k];
        v += coef * x[j];
        Scalar qk = q[k];
        if (l1) {  // Tsuruoka et al. 2009: clip towards 0 by the penalty not yet applied
          const Scalar z = v;
          if (z > Scalar(0)) {
            const Scalar t = v - (new_u + qk) / scale;
            v = t > Scalar(0) ? t : Scalar(0);
          } else if (z < Scalar(0)) {
            const Scalar t = v + (new_u - qk) / scale;
            v = t < Scalar(0) ? t : Scalar(0);
          }
          qk += scale * (v - z);
          if (!is_finite(qk)) return false;
        }
        if (!is_finite(v) || !is_finite(v * scale)) return false;
        if constexpr (Commit) {
          w[k] = v;
          q[k] = qk;
        }
      }
    }
    if (!is_finite(new_u)) return false;
    if constexpr (Commit) {
      wscale = scale;
      u = new_u;
      if (tiny) fold_scale();
    }
    return true;
  }

  /// AdaGrad step on the true weights (wscale stays 1): gradient g_r x_j plus the L2 part
  /// L2 strength times w, per-coordinate step eta0 / (sqrt(G) + epsilon); the L1 part
  /// is a proximal clip towards 0 by that step times the L1 strength.
  template <bool Commit>
  bool adagrad(const std::array<Scalar, Features>& x, const std::array<Scalar, Rows>& g,
               const sgd_step_config<Scalar>& c) noexcept {
    const Scalar l2 = l2_strength(c);
    const Scalar l1 = l1_strength(c);
    for (std::size_t r = 0; r < Rows; ++r) {
      if (c.fit_intercept) {
        const Scalar acc = g2_intercept[r] + g[r] * g[r];
        const Scalar b = intercept[r] - c.eta0 / (std::sqrt(acc) + c.adagrad_epsilon) * g[r];
        if (!is_finite(acc) || !is_finite(b)) return false;
        if constexpr (Commit) {
          g2_intercept[r] = acc;
          intercept[r] = b;
        }
      }
      for (std::size_t j = 0; j < Features; ++j) {
        const std::size_t k = r * Features + j;
        const Scalar grad = g[r] * x[j] + l2 * w[k];
        const Scalar acc = g2[k] + grad * grad;
        const Scalar step = c.eta0 / (std::sqrt(acc) + c.adagrad_epsilon);
        Scalar v = w[k] - step * grad;
        if (l1 > Scalar(0)) {
          const Scalar cut = step * l1;
          v = v > cut ? v - cut : (v < -cut ? v + cut : Scalar(0));
        }
        if (!is_finite(acc) || !is_finite(v)) return false;
        if constexpr (Commit) {
          g2[k] = acc;
          w[k] = v;
        }
      }
    }
    return true;
  }
};

}  // namespace edgeloop::detail
