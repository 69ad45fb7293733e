#pragma once
/// Internals of perceptron and the passive-aggressive models: one weight vector w, an
/// intercept b and a saturating count of the updates made, with the additive step
/// w += step x, b += step (when fit_intercept) that checks every new value before storing.
///
/// Memory: (Features + 1)*sizeof(Scalar) + 4 bytes (+ padding).

#include <array>
#include <cstddef>
#include <cstdint>

#include "../../core/linalg.hpp"
#include "../../core/numeric.hpp"
#include "../../core/padding.hpp"
#include "../../core/status.hpp"

namespace edgeloop::detail {

template <scalar Scalar, std::size_t Features>
struct linear_weights {
  std::array<Scalar, Features> w;
  Scalar b;
  std::uint32_t updates;  ///< saturates at 2^32 - 1
  [[no_unique_address]] explicit_padding<padding_to(alignof(Scalar), sizeof(std::uint32_t)), 1> reserved{};  ///< 0

  void reset() noexcept {
    w.fill(Scalar(0));
    b = Scalar(0);
    updates = 0;
  }

  /// w.x + b
  Scalar score(const std::array<Scalar, Features>& x) const noexcept { return as_vector(w).dot(as_vector(x)) + b; }

  /// w += step x, b += step (when fit_intercept); step 0 changes nothing. non_finite_input
  /// and no change when step or a new value is not finite.
  status add(const std::array<Scalar, Features>& x, Scalar step, bool fit_intercept) noexcept {
    if (step == Scalar(0)) return status::ok;
    const vector<Scalar, static_cast<int>(Features)> nw = as_vector(w) + step * as_vector(x);
    const Scalar nb = fit_intercept ? b + step : b;
    if (!is_finite(step) || !nw.allFinite() || !is_finite(nb)) return status::non_finite_input;
    as_vector(w) = nw;
    b = nb;
    if (updates != UINT32_MAX) ++updates;
    return status::ok;
  }

  /// Checks restored values: finite, and b == 0 without an intercept.
  static bool valid(const std::array<Scalar, Features>& w_in, Scalar b_in, bool fit_intercept) noexcept {
    return all_finite(w_in) && is_finite(b_in) && (fit_intercept || b_in == Scalar(0));
  }
  bool valid(bool fit_intercept) const noexcept { return valid(w, b, fit_intercept); }
};

}  // namespace edgeloop::detail
