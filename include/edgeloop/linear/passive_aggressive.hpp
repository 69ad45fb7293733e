#pragma once
/// passive_aggressive_classifier and passive_aggressive_regressor: the online
/// passive-aggressive algorithms PA-I and PA-II of Crammer, Dekel, Keshet, Shalev-Shwartz
/// & Singer (2006), as scikit-learn's PassiveAggressiveClassifier / Regressor (defaults
/// C = 1, PA-I, intercept; regressor epsilon 0.1).
///
/// Classifier (label 1 positive, y in {-1, +1}, score p = w.x + b): loss l = max(0, 1 - y p);
/// when l > 0, tau = min(C, l / ||x||^2) (PA-I; no update when x = 0) or
/// tau = l / (||x||^2 + 1 / (2C)) (PA-II), then w += tau y x, b += tau y. ||x|| excludes
/// the intercept's constant input, as scikit-learn.
/// Regressor: l = max(0, |y - p| - epsilon), the same tau, w += sign(y - p) tau x.
/// An input whose ||x||^2 overflows is refused (non_finite_input).
/// More classes: one_vs_rest<passive_aggressive_classifier<...>, Classes>.
///
/// Memory: (Features + 1)*sizeof(Scalar) + sizeof(params) + 8 bytes (+ padding); exact
/// values in memory_bytes.

#include <array>
#include <cstddef>
#include <cstdint>

#include "../core/assert.hpp"
#include "../core/concepts.hpp"
#include "../core/linalg.hpp"
#include "../core/numeric.hpp"
#include "../core/padding.hpp"
#include "../core/status.hpp"
#include "detail/linear_weights.hpp"

namespace edgeloop {

enum class pa_variant : std::uint8_t { pa1, pa2 };

namespace detail {

/// PA step size for loss l (> 0) and ||x||^2; 0 when PA-I meets x = 0.
template <scalar Scalar>
Scalar pa_tau(pa_variant v, Scalar c, Scalar loss, Scalar sqnorm) noexcept {
  if (v == pa_variant::pa1) {
    if (sqnorm == Scalar(0)) return Scalar(0);
    const Scalar t = loss / sqnorm;
    return t < c ? t : c;
  }
  return loss / (sqnorm + Scalar(0.5) / c);
}

}  // namespace detail

template <scalar Scalar, std::size_t Features>
class passive_aggressive_classifier {
  static_assert(Features > 0, "passive_aggressive_classifier needs at least one feature");

 public:
  using input_type = std::array<Scalar, Features>;
  using output_type = class_label;
  using target_type = class_label;

  struct params {
    Scalar c = Scalar(1);  ///< aggressiveness, > 0
    pa_variant variant = pa_variant::pa1;
    bool fit_intercept = true;
    explicit_padding<sizeof(Scalar) - 2> reserved{};  ///< 0: no undefined bytes in state_type
  };
  struct state_type {
    std::uint32_t magic;
    std::uint16_t version;
    std::uint16_t reserved;
    params p;
    detail::linear_weights<Scalar, Features> m;
  };
  static constexpr std::uint32_t magic = 0x43415041u;  // "APAC"
  static constexpr std::uint16_t version = 1;
  static const std::size_t memory_bytes;

  static constexpr status validate(const params& p) noexcept {
    if (!is_finite(p.c) || !(p.c > Scalar(0))) return status::invalid_argument;
    if (p.variant != pa_variant::pa1 && p.variant != pa_variant::pa2) return status::invalid_argument;
    return status::ok;
  }

  passive_aggressive_classifier() noexcept : passive_aggressive_classifier(params{}) {}
  explicit passive_aggressive_classifier(const params& p) noexcept : params_(p) {
    EDGELOOP_ASSERT(validate(p) == status::ok, "passive_aggressive_classifier: invalid params");
    reset();
  }

  /// non_finite_input (x, or an overflowing update) or label_out_of_range (y > 1); nothing
  /// changed then.
  status partial_fit(const input_type& x, class_label y) noexcept {
    if (!all_finite(x)) return status::non_finite_input;
    if (y > 1) return status::label_out_of_range;
    const Scalar sy = y == 1 ? Scalar(1) : Scalar(-1);
    const Scalar loss = Scalar(1) - sy * m_.score(x);
    if (!(loss > Scalar(0))) return status::ok;
    const Scalar sqnorm = as_vector(x).squaredNorm();
    if (!is_finite(sqnorm)) return status::non_finite_input;
    return m_.add(x, sy * detail::pa_tau(params_.variant, params_.c, loss, sqnorm), params_.fit_intercept);
  }

  Scalar decision_function(const input_type& x) const noexcept { return m_.score(x); }
  class_label predict(const input_type& x) const noexcept {
    return m_.score(x) > Scalar(0) ? class_label{1} : class_label{0};
  }
  void reset() noexcept { m_.reset(); }

  Scalar weight(std::size_t j) const noexcept { return m_.w[j]; }
  Scalar intercept() const noexcept { return m_.b; }
  std::uint32_t updates() const noexcept { return m_.updates; }
  const params& parameters() const noexcept { return params_; }

  state_type state() const noexcept {
    state_type s{};
    s.magic = magic;
    s.version = version;
    s.p = params_;
    s.m = m_;
    return s;
  }
  status restore(const state_type& s) noexcept {
    if (s.magic != magic || s.version != version || s.reserved != 0) return status::invalid_state;
    if (validate(s.p) != status::ok || !s.m.valid(s.p.fit_intercept)) return status::invalid_state;
    params_ = s.p;
    m_ = s.m;
    return status::ok;
  }

 private:
  detail::linear_weights<Scalar, Features> m_;
  params params_;
};

template <scalar Scalar, std::size_t Features>
class passive_aggressive_regressor {
  static_assert(Features > 0, "passive_aggressive_regressor needs at least one feature");

 public:
  using input_type = std::array<Scalar, Features>;
  using output_type = Scalar;
  using target_type = Scalar;

  struct params {
    Scalar c = Scalar(1);          ///< aggressiveness, > 0
    Scalar epsilon = Scalar(0.1);  ///< insensitive width, >= 0
    pa_variant variant = pa_variant::pa1;
    bool fit_intercept = true;
    explicit_padding<sizeof(Scalar) - 2> reserved{};  ///< 0: no undefined bytes in state_type
  };
  struct state_type {
    std::uint32_t magic;
    std::uint16_t version;
    std::uint16_t reserved;
    params p;
    detail::linear_weights<Scalar, Features> m;
  };
  static constexpr std::uint32_t magic = 0x52415041u;  // "APAR"
  static constexpr std::uint16_t version = 1;
  static const std::size_t memory_bytes;

  static constexpr status validate(const params& p) noexcept {
    if (!is_finite(p.c) || !(p.c > Scalar(0))) return status::invalid_argument;
    if (!is_finite(p.epsilon) || p.epsilon < Scalar(0)) return status::invalid_argument;
    if (p.variant != pa_variant::pa1 && p.variant != pa_variant::pa2) return status::invalid_argument;
    return status::ok;
  }

  passive_aggressive_regressor() noexcept : passive_aggressive_regressor(params{}) {}
  explicit passive_aggressive_regressor(const params& p) noexcept : params_(p) {
    EDGELOOP_ASSERT(validate(p) == status::ok, "passive_aggressive_regressor: invalid params");
    reset();
  }

  /// non_finite_input (x or y, or an overflowing update); nothing changed then.
  status partial_fit(const input_type& x, Scalar y) noexcept {
    if (!all_finite(x) || !is_finite(y)) return status::non_finite_input;
    const Scalar r = y - m_.score(x);
    const Scalar loss = (r < Scalar(0) ? -r : r) - params_.epsilon;
    if (!is_finite(r)) return status::non_finite_input;
    if (!(loss > Scalar(0))) return status::ok;
    const Scalar sqnorm = as_vector(x).squaredNorm();
    if (!is_finite(sqnorm)) return status::non_finite_input;
    const Scalar t = detail::pa_tau(params_.variant, params_.c, loss, sqnorm);
    return m_.add(x, r < Scalar(0) ? -t : t, params_.fit_intercept);
  }

  Scalar predict(const input_type& x) const noexcept { return m_.score(x); }
  void reset() noexcept { m_.reset(); }

  Scalar weight(std::size_t j) const noexcept { return m_.w[j]; }
  Scalar intercept() const noexcept { return m_.b; }
  std::uint32_t updates() const noexcept { return m_.updates; }
  const params& parameters() const noexcept { return params_; }

  state_type state() const noexcept {
    state_type s{};
    s.magic = magic;
    s.version = version;
    s.p = params_;
    s.m = m_;
    return s;
  }
  status restore(const state_type& s) noexcept {
    if (s.magic != magic || s.version != version || s.reserved != 0) return status::invalid_state;
    if (validate(s.p) != status::ok || !s.m.valid(s.p.fit_intercept)) return status::invalid_state;
    params_ = s.p;
    m_ = s.m;
    return status::ok;
  }

 private:
  detail::linear_weights<Scalar, Features> m_;
  params params_;
};

template <scalar Scalar, std::size_t Features>
constexpr std::size_t passive_aggressive_classifier<Scalar, Features>::memory_bytes =
    sizeof(passive_aggressive_classifier<Scalar, Features>);
template <scalar Scalar, std::size_t Features>
constexpr std::size_t passive_aggressive_regressor<Scalar, Features>::memory_bytes =
    sizeof(passive_aggressive_regressor<Scalar, Features>);

static_assert(online_learner<passive_aggressive_classifier<float, 4>>);
static_assert(persistable<passive_aggressive_classifier<float, 4>>);
static_assert(online_learner<passive_aggressive_regressor<float, 4>>);
static_assert(persistable<passive_aggressive_regressor<float, 4>>);
static_assert(has_memory_bytes<passive_aggressive_regressor<float, 4>>);

}  // namespace edgeloop
