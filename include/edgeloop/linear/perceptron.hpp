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
#include "../core/status.hpp"

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
  };

  struct state_type {
    std::uint32_t magic;
    std::uint16_t version;
    std::uint16_t reserved;
    params p;
    std::array<Scalar, Features> w;
    Scalar b;
    std::uint32_t mistakes;
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
    const Scalar step = params_.eta0 * sy;
    const vector<Scalar, static_cast<int>(Features)> w = as_vector(w_) + step * as_vector(x);
    const Scalar b = params_.fit_intercept ? b_ + step : b_;
    if (!w.allFinite() || !is_finite(b)) return status::non_finite_input;
    as_vector(w_) = w;
    b_ = b;
    if (mistakes_ != UINT32_MAX) ++mistakes_;
    return status::ok;
  }

  Scalar decision_function(const input_type& x) const noexcept { return as_vector(w_).dot(as_vector(x)) + b_; }
  class_label predict(const input_type& x) const noexcept {
    return decision_function(x) > Scalar(0) ? class_label{1} : class_label{0};
  }

  void reset() noexcept {
    w_.fill(Scalar(0));
    b_ = Scalar(0);
    mistakes_ = 0;
  }

  Scalar weight(std::size_t j) const noexcept { return w_[j]; }
  Scalar intercept() const noexcept { return b_; }
  /// Updates made (mistakes, counting y (w.x + b) == 0); saturates at 2^32 - 1.
  std::uint32_t mistakes() const noexcept { return mistakes_; }
  const params& parameters() const noexcept { return params_; }

  state_type state() const noexcept {
    state_type s{};
    s.magic = magic;
    s.version = version;
    s.p = params_;
    s.w = w_;
    s.b = b_;
    s.mistakes = mistakes_;
    return s;
  }
  status restore(const state_type& s) noexcept {
    if (s.magic != magic || s.version != version || s.reserved != 0) return status::invalid_state;
    if (validate(s.p) != status::ok || !all_finite(s.w) || !is_finite(s.b)) return status::invalid_state;
    if (!s.p.fit_intercept && s.b != Scalar(0)) return status::invalid_state;
    params_ = s.p;
    w_ = s.w;
    b_ = s.b;
    mistakes_ = s.mistakes;
    return status::ok;
  }

 private:
  std::array<Scalar, Features> w_;
  Scalar b_ = 0;
  std::uint32_t mistakes_ = 0;
  params params_;
};

template <scalar Scalar, std::size_t Features>
constexpr std::size_t perceptron<Scalar, Features>::memory_bytes = sizeof(perceptron<Scalar, Features>);

static_assert(online_learner<perceptron<float, 4>>);
static_assert(persistable<perceptron<float, 4>>);
static_assert(has_memory_bytes<perceptron<float, 4>>);

}  // namespace edgeloop
