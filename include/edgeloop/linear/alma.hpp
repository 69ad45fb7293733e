#pragma once
/// alma: Approximate Large Margin Algorithm (Gentile 2001, "A new approximate maximal
/// margin classification algorithm", JMLR 2), binary, as River's ALMAClassifier (defaults
/// p = 2, alpha = 0.9, B = 1/alpha, C = sqrt(2); no intercept; label 1 positive, y in
/// {-1, +1}). With k the number of updates so far plus one:
///     gamma_k = B sqrt(p - 1) / sqrt(k)
///     if y w.x < (1 - alpha) gamma_k:
///         w += C / (sqrt(p - 1) sqrt(k)) y x;   w /= max(1, ||w||_p);   k += 1
/// Prediction: 1 when w.x > 0; probability sigmoid(w.x) (River). More classes:
/// one_vs_rest<alma<...>, Classes>.
///
/// Memory: (Features + 2)*sizeof(Scalar) + 4 + sizeof(params) bytes (+ padding); exact value in
/// memory_bytes.

#include <array>
#include <cmath>
#include <cstddef>
#include <cstdint>

#include "../core/assert.hpp"
#include "../core/concepts.hpp"
#include "../core/linalg.hpp"
#include "../core/numeric.hpp"
#include "../core/padding.hpp"
#include "../core/status.hpp"

namespace edgeloop {

template <scalar Scalar, std::size_t Features>
class alma {
  static_assert(Features > 0, "alma needs at least one feature");

 public:
  using input_type = std::array<Scalar, Features>;
  using output_type = class_label;
  using target_type = class_label;
  using proba_type = std::array<Scalar, 2>;

  struct params {
    Scalar p = Scalar(2);                          ///< norm order, >= 2 (p - 1 > 0)
    Scalar alpha = Scalar(0.9);                    ///< margin fraction, in (0, 1]
    Scalar b = Scalar(1) / Scalar(0.9);            ///< margin scale B, > 0
    Scalar c = Scalar(1.4142135623730950488L);     ///< step scale C, > 0
  };
  struct state_type {
    std::uint32_t magic;
    std::uint16_t version;
    std::uint16_t reserved;
    params p;
    std::array<Scalar, Features> w;
    std::uint32_t k;
    [[no_unique_address]] explicit_padding<padding_to(alignof(Scalar), sizeof(std::uint32_t)), 3> reserved2{};  ///< 0
  };
  static constexpr std::uint32_t magic = 0x414D4C41u;  // "ALMA"
  static constexpr std::uint16_t version = 1;
  static const std::size_t memory_bytes;

  static constexpr status validate(const params& p) noexcept {
    if (!is_finite(p.p) || !(p.p >= Scalar(2))) return status::invalid_argument;
    if (!is_finite(p.alpha) || !(p.alpha > Scalar(0)) || p.alpha > Scalar(1)) return status::invalid_argument;
    if (!is_finite(p.b) || !(p.b > Scalar(0)) || !is_finite(p.c) || !(p.c > Scalar(0)))
      return status::invalid_argument;
    return status::ok;
  }

  alma() noexcept : alma(params{}) {}
  explicit alma(const params& p) noexcept : params_(p) {
    EDGELOOP_ASSERT(validate(p) == status::ok, "alma: invalid params");
    refresh();
    reset();
  }

  /// non_finite_input (x, or an overflowing update), label_out_of_range (y > 1) or
  /// capacity_exceeded (2^32 - 1 updates); nothing changed then.
  status partial_fit(const input_type& x, class_label y) noexcept {
    if (!all_finite(x)) return status::non_finite_input;
    if (y > 1) return status::label_out_of_range;
    const Scalar sy = y == 1 ? Scalar(1) : Scalar(-1);
    const Scalar inv_sqrt_k = inv_sqrt_k_;
    const Scalar gamma = params_.b * sqrt_p1_ * inv_sqrt_k;
    if (!(sy * decision_function(x) < (Scalar(1) - params_.alpha) * gamma)) return status::ok;
    if (k_ == UINT32_MAX) return status::capacity_exceeded;
    const Scalar eta = params_.c / sqrt_p1_ * inv_sqrt_k;
    vector<Scalar, static_cast<int>(Features)> w = as_vector(w_) + (eta * sy) * as_vector(x);
    Scalar norm;
    if (params_.p == Scalar(2)) {
      norm = w.norm();
    } else {
      norm = w.array().abs().pow(params_.p).sum();
      norm = std::pow(norm, Scalar(1) / params_.p);
    }
    if (!w.allFinite() || !is_finite(norm)) return status::non_finite_input;
    if (norm > Scalar(1)) w /= norm;
    as_vector(w_) = w;
    ++k_;
    refresh();
    return status::ok;
  }

  Scalar decision_function(const input_type& x) const noexcept { return as_vector(w_).dot(as_vector(x)); }
  class_label predict(const input_type& x) const noexcept {
    return decision_function(x) > Scalar(0) ? class_label{1} : class_label{0};
  }
  /// {P(0), P(1)} = {1 - sigmoid(w.x), sigmoid(w.x)} (River's convention, not calibrated).
  proba_type predict_proba(const input_type& x) const noexcept {
    const Scalar z = decision_function(x);
    const Scalar p1 = z >= Scalar(0) ? Scalar(1) / (Scalar(1) + std::exp(-z)) : std::exp(z) / (Scalar(1) + std::exp(z));
    return {Scalar(1) - p1, p1};
  }

  void reset() noexcept {
    w_.fill(Scalar(0));
    k_ = 1;
    refresh();
  }

  Scalar weight(std::size_t j) const noexcept { return w_[j]; }
  /// k: updates made plus one.
  std::uint32_t k() const noexcept { return k_; }
  const params& parameters() const noexcept { return params_; }

  state_type state() const noexcept {
    state_type s{};
    s.magic = magic;
    s.version = version;
    s.p = params_;
    s.w = w_;
    s.k = k_;
    return s;
  }
  status restore(const state_type& s) noexcept {
    if (s.magic != magic || s.version != version || s.reserved != 0) return status::invalid_state;
    if (validate(s.p) != status::ok || !all_finite(s.w) || s.k == 0) return status::invalid_state;
    params_ = s.p;
    w_ = s.w;
    k_ = s.k;
    refresh();
    return status::ok;
  }

 private:
  void refresh() noexcept {
    sqrt_p1_ = std::sqrt(params_.p - Scalar(1));
    inv_sqrt_k_ = Scalar(1) / std::sqrt(static_cast<Scalar>(k_));
  }

  std::array<Scalar, Features> w_;
  std::uint32_t k_ = 1;
  params params_;
  Scalar sqrt_p1_ = 1;     ///< derived: sqrt(p - 1)
  Scalar inv_sqrt_k_ = 1;  ///< derived: 1 / sqrt(k), refreshed when k changes
};

template <scalar Scalar, std::size_t Features>
constexpr std::size_t alma<Scalar, Features>::memory_bytes = sizeof(alma<Scalar, Features>);

static_assert(online_learner<alma<float, 4>>);
static_assert(persistable<alma<float, 4>>);
static_assert(has_memory_bytes<alma<float, 4>>);

}  // namespace edgeloop
