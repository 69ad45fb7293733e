#pragma once
/// sgd_classifier: linear classifier trained by stochastic gradient descent, one sample at
/// a time, with scikit-learn's SGDClassifier update rules (sgd_fast.pyx, version 1.2;
/// Bottou 2010 for the "optimal" schedule, Tsuruoka, Tsujii & Ananiadou 2009 for the
/// cumulative L1 penalty, Duchi, Hazan & Singer 2011 for AdaGrad). With the default
/// params (hinge loss, L2, alpha 1e-4, "optimal" rate, intercept) one partial_fit per
/// sample gives scikit-learn's SGDClassifier().partial_fit weights.
///
/// Classes == 2: one weight vector, label 1 is the positive class (y = +1), label 0 is
/// y = -1, score s = w.x + b, predicted class 1 when s > 0.
/// Classes > 2: one weight vector per class. With log loss the rows are trained jointly
/// as multinomial (softmax) logistic regression, gradient p_c - [c == y] per row; with
/// the other losses each row is a one-vs-rest binary classifier (y_c = +1 for its class,
/// -1 otherwise), as scikit-learn's OvR. Prediction: the highest score (ties: lowest label).
///
/// Differences from scikit-learn: L1 keeps its cumulative state (u, q) across partial_fit
/// calls, as Tsuruoka et al. intend (scikit-learn restarts it at each partial_fit call);
/// AdaGrad is not in scikit-learn.
///
/// Memory: Rows = (Classes == 2 ? 1 : Classes); (3*Rows*Features + 2*Rows + 2)*sizeof(Scalar)
/// + 8 + sizeof(params) bytes (+ padding); exact value in memory_bytes.

#include <array>
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <limits>

#include "../core/assert.hpp"
#include "../core/concepts.hpp"
#include "../core/numeric.hpp"
#include "../core/padding.hpp"
#include "../core/status.hpp"
#include "detail/sgd_core.hpp"
#include "sgd_policies.hpp"

namespace edgeloop {

template <scalar Scalar, std::size_t Features, std::size_t Classes = 2>
class sgd_classifier {
  static_assert(Features > 0, "sgd_classifier needs at least one feature");
  static_assert(Classes >= 2, "sgd_classifier needs at least two classes");
  static_assert(Classes <= std::numeric_limits<class_label>::max(), "too many classes for class_label");

 public:
  static constexpr std::size_t rows = Classes == 2 ? 1 : Classes;
  using input_type = std::array<Scalar, Features>;
  using output_type = class_label;
  using target_type = class_label;
  using proba_type = std::array<Scalar, Classes>;
  using score_type = std::array<Scalar, rows>;

  /// Runtime hyper-parameters; defaults are scikit-learn's SGDClassifier defaults (except
  /// eta0, 0 there, which only the non-"optimal" schedules use).
  struct params {
    sgd_loss loss = sgd_loss::hinge;           ///< log_loss, hinge, modified_huber or perceptron
    sgd_penalty penalty = sgd_penalty::l2;
    sgd_learning_rate learning_rate = sgd_learning_rate::optimal;
    explicit_padding<sizeof(Scalar) - 3> reserved0{};  ///< 0: no undefined bytes in state_type
    Scalar alpha = Scalar(1e-4);               ///< penalty strength, >= 0 (> 0 for "optimal")
    Scalar l1_ratio = Scalar(0.15);            ///< elastic-net mixing, in [0, 1]
    Scalar eta0 = Scalar(0.01);                ///< constant / inverse scaling / AdaGrad step, > 0
    Scalar power_t = Scalar(0.5);              ///< inverse scaling exponent
    Scalar adagrad_epsilon = Scalar(1e-8);     ///< AdaGrad denominator guard, > 0
    bool fit_intercept = true;
    explicit_padding<sizeof(Scalar) - 1> reserved1{};  ///< 0
  };

  struct state_type {
    std::uint32_t magic;
    std::uint16_t version;
    std::uint16_t reserved;
    params p;
    [[no_unique_address]] explicit_padding<padding_to(8, 8 + sizeof(params)), 6> reserved_core{};  ///< 0: core is 8-aligned
    detail::sgd_core<Scalar, Features, rows> core;
  };

  static constexpr std::uint32_t magic = 0x43444753u;  // "SGDC"
  static constexpr std::uint16_t version = 1;
  static const std::size_t memory_bytes;

  static constexpr bool finite_nonneg(Scalar v) noexcept { return is_finite(v) && v >= Scalar(0); }

  /// ok, or invalid_argument (a regression loss, alpha < 0 or alpha == 0 with "optimal",
  /// l1_ratio outside [0, 1], eta0 <= 0 for the other schedules, non-finite values).
  static constexpr status validate(const params& p) noexcept {
    if (!is_classification_loss(p.loss)) return status::invalid_argument;
    if (static_cast<unsigned>(p.penalty) > static_cast<unsigned>(sgd_penalty::elastic_net) ||
        static_cast<unsigned>(p.learning_rate) > static_cast<unsigned>(sgd_learning_rate::adagrad))
      return status::invalid_argument;
    if (!finite_nonneg(p.alpha) || !finite_nonneg(p.l1_ratio) || p.l1_ratio > Scalar(1)) return status::invalid_argument;
    if (!is_finite(p.power_t) || !is_finite(p.eta0) || !is_finite(p.adagrad_epsilon)) return status::invalid_argument;
    if (!(p.adagrad_epsilon > Scalar(0))) return status::invalid_argument;
    if (p.learning_rate == sgd_learning_rate::optimal) {
      if (!(p.alpha > Scalar(0))) return status::invalid_argument;
    } else if (!(p.eta0 > Scalar(0))) {
      return status::invalid_argument;
    }
    return status::ok;
  }

  sgd_classifier() noexcept : sgd_classifier(params{}) {}
  explicit sgd_classifier(const params& p) noexcept : params_(p) {
    EDGELOOP_ASSERT(validate(p) == status::ok, "sgd_classifier: invalid params");
    refresh();
    reset();
  }

  /// Learns one sample: non_finite_input (x not finite, or an update that would overflow)
  /// or label_out_of_range; on either nothing changed.
  status partial_fit(const input_type& x, class_label y) noexcept {
    if (!all_finite(x)) return status::non_finite_input;
    if (y >= Classes) return status::label_out_of_range;
    const score_type s = decision_function(x);
    score_type g;
    const Scalar eps = Scalar(0);
    if constexpr (rows == 1) {
      g[0] = sgd_clipped_derivative(params_.loss, s[0], y == 1 ? Scalar(1) : Scalar(-1), eps);
    } else if (params_.loss == sgd_loss::log_loss) {
      const proba_type p = softmax(s);
      for (std::size_t c = 0; c < rows; ++c) g[c] = p[c] - (c == y ? Scalar(1) : Scalar(0));
    } else {
      for (std::size_t c = 0; c < rows; ++c)
        g[c] = sgd_clipped_derivative(params_.loss, s[c], c == y ? Scalar(1) : Scalar(-1), eps);
    }
    return core_.step(x, g, params_, t0_);
  }

  /// Scores (one for two classes: > 0 means class 1).
  score_type decision_function(const input_type& x) const noexcept {
    score_type s;
    for (std::size_t r = 0; r < rows; ++r) s[r] = core_.score(r, x);
    return s;
  }

  class_label predict(const input_type& x) const noexcept {
    const score_type s = decision_function(x);
    if constexpr (rows == 1) {
      return s[0] > Scalar(0) ? class_label{1} : class_label{0};
    } else {
      class_label best = 0;
      for (std::size_t c = 1; c < rows; ++c)
        if (s[c] > s[best]) best = static_cast<class_label>(c);
      return best;
    }
  }

  /// Class probabilities. Log loss: sigmoid (binary) or softmax. Modified Huber:
  /// (clip(s, -1, 1) + 1) / 2 per score, normalised over classes (scikit-learn; uniform when
  /// all are 0). Hinge and perceptron have no probability model: 1 for the predicted class.
  proba_type predict_proba(const input_type& x) const noexcept {
    const score_type s = decision_function(x);
    proba_type p{};
    if (params_.loss == sgd_loss::log_loss) {
      if constexpr (rows == 1) {
        p[1] = sigmoid(s[0]);
        p[0] = Scalar(1) - p[1];
      } else {
        p = softmax(s);
      }
    } else if (params_.loss == sgd_loss::modified_huber) {
      if constexpr (rows == 1) {
        p[1] = (clip1(s[0]) + Scalar(1)) / Scalar(2);
        p[0] = Scalar(1) - p[1];
      } else {
        Scalar sum = 0;
        for (std::size_t c = 0; c < rows; ++c) sum += p[c] = (clip1(s[c]) + Scalar(1)) / Scalar(2);
        if (sum > Scalar(0)) for (auto& v : p) v /= sum;
        else p.fill(Scalar(1) / static_cast<Scalar>(Classes));
      }
    } else {
      p[predict(x)] = Scalar(1);
    }
    return p;
  }

  void reset() noexcept { core_.reset(); }

  /// True weight j of row r (r = 0 for two classes) and the intercepts.
  Scalar weight(std::size_t r, std::size_t j) const noexcept { return core_.weight(r, j); }
  Scalar intercept(std::size_t r) const noexcept { return core_.intercept[r]; }
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
  static Scalar sigmoid(Scalar z) noexcept {
    return z >= Scalar(0) ? Scalar(1) / (Scalar(1) + std::exp(-z)) : std::exp(z) / (Scalar(1) + std::exp(z));
  }
  static Scalar clip1(Scalar v) noexcept { return v > Scalar(1) ? Scalar(1) : (v < Scalar(-1) ? Scalar(-1) : v); }
  static proba_type softmax(const score_type& s) noexcept {
    proba_type p{};
    Scalar top = s[0];
    for (const Scalar v : s) top = v > top ? v : top;
    Scalar sum = 0;
    for (std::size_t c = 0; c < rows; ++c) sum += p[c] = std::exp(s[c] - top);
    for (auto& v : p) v /= sum;
    return p;
  }

  void refresh() noexcept {
    t0_ = params_.learning_rate == sgd_learning_rate::optimal
              ? sgd_optimal_t0(params_.loss, params_.alpha, Scalar(0))
              : Scalar(1);
  }

  detail::sgd_core<Scalar, Features, rows> core_;
  params params_;
  Scalar t0_ = 1;  ///< derived: t0 of the "optimal" schedule
};

template <scalar Scalar, std::size_t Features, std::size_t Classes>
constexpr std::size_t sgd_classifier<Scalar, Features, Classes>::memory_bytes =
    sizeof(sgd_classifier<Scalar, Features, Classes>);

static_assert(online_learner<sgd_classifier<float, 4, 2>>);
static_assert(online_learner<sgd_classifier<float, 4, 3>>);
static_assert(persistable<sgd_classifier<float, 4, 3>>);
static_assert(has_memory_bytes<sgd_classifier<float, 4, 3>>);

}  // namespace edgeloop
