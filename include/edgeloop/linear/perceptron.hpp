#pragma once
/// perceptron: Rosenblatt's (1958) binary perceptron, as scikit-learn's Perceptron with its
/// defaults (no penalty, eta0 1, intercept): when y (w.x + b) <= 0 with y in {-1, +1},
/// w += eta0 y x and b += eta0 y. Label 1 is the positive class; predicts 1 when
/// w.x + b > 0. More classes: one_vs_rest<perceptron<...>, Classes> (scikit-learn's OvR).
/// A perceptron with a penalty is sgd_classifier with sgd_loss::perceptron.
///
/// Memory: (Features + 1)*sizeof(Scalar) + 8 + sizeof(params) bytes (+ padding); exact
/// value in memory_bytes.

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

template <scalar Scalar, std::size_t Features>
class perceptron {
  static_assert(Features > 0, "perceptron needs at least one feature");

 public:
  using input_type = std::array<Scalar, Features>;
  using output_type = class_label;
  using target_type = class_label;

  struct params {
    Scalar eta0 = Scalar(1);  ///< step size, > 0
    bool fit_intercept = true;
    explicit_padding<sizeof(Scalar) - 1> reserved{};  ///< 0: no undefined bytes in state_type
  };

  struct state_type {
    std::uint32_t magic;
    std::uint16_t version;
    std::uint16_t reserved;
    params p;
    std::array<Scalar, Features> w;
    Scalar b;
    std::uint32_t mistakes;
    [[no_unique_address]] explicit_padding<padding_to(alignof(Scalar), sizeof(std::uint32_t)), 7> reserved2{};  ///< 0
  };

  static constexpr std::uint32_t magic = 0x50524345u;  // "ECRP"
  static constexpr std::uint16_t version = 1;
  static const std::size_t memory_bytes;

  static constexpr status validate(const params& p) noexcept {
    return is_finite(p.eta0) && p.eta0 > Scalar(0) ? status::ok : status::invalid_argument;
  }

  perceptron() noexcept : perceptron(params{}) {}
  explicit perceptron(const params& p) noexcept : params_(p) {
    EDGELOOP_ASSERT(validate(p) == status::ok, "perceptron: invalid params");
    reset();
  }

  /// non_finite_input (x, or an update that overflows) or label_out_of_range (y > 1);
  /// nothing changed then.
  status partial_fit(const input_type& x, class_label y) noexcept {
    if (!all_finite(x)) return status::non_finite_input;
    if (y > 1) return status::label_out_of_range;
    const Scalar sy = y == 1 ? Scalar(1) : Scalar(-1);
    if (sy * decision_function(x) > Scalar(0)) return status::ok;
    return m_.add(x, params_.eta0 * sy, params_.fit_intercept);
  }

  Scalar decision_function(const input_type& x) const noexcept { return m_.score(x); }
  class_label predict(const input_type& x) const noexcept {
    return decision_function(x) > Scalar(0) ? class_label{1} : class_label{0};
  }

  void reset() noexcept { m_.reset(); }

  Scalar weight(std::size_t j) const noexcept { return m_.w[j]; }
  Scalar intercept() const noexcept { return m_.b; }
  /// Updates made (mistakes, counting y (w.x + b) == 0); saturates at 2^32 - 1.
  std::uint32_t mistakes() const noexcept { return m_.updates; }
  const params& parameters() const noexcept { return params_; }

  state_type state() const noexcept {
    state_type s{};
    s.magic = magic;
    s.version = version;
    s.p = params_;
    s.w = m_.w;
    s.b = m_.b;
    s.mistakes = m_.updates;
    return s;
  }
  status restore(const state_type& s) noexcept {
    if (s.magic != magic || s.version != version || s.reserved != 0) return status::invalid_state;
    if (validate(s.p) != status::ok || !m_.valid(s.w, s.b, s.p.fit_intercept)) return status::invalid_state;
    params_ = s.p;
    m_.w = s.w;
    m_.b = s.b;
    m_.updates = s.mistakes;
    return status::ok;
  }

 private:
  detail::linear_weights<Scalar, Features> m_;  ///< w, b and the mistake count
  params params_;
};

template <scalar Scalar, std::size_t Features>
constexpr std::size_t perceptron<Scalar, Features>::memory_bytes = sizeof(perceptron<Scalar, Features>);

static_assert(online_learner<perceptron<float, 4>>);
static_assert(persistable<perceptron<float, 4>>);
static_assert(has_memory_bytes<perceptron<float, 4>>);

}  // namespace edgeloop
