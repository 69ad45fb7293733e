#pragma once
/// lr_schedule: learning-rate multiplier as a function of the number t of optimizer
/// updates already made (so the same on every platform: only IEEE +, *, /).
///   constant      1
///   step          gamma^floor(t / period)          (PyTorch StepLR, counted in updates)
///   inverse_time  1 / (1 + gamma * t / period)     (Keras InverseTimeDecay)
/// gamma^k is computed by binary powering, exact operations in a fixed order.

#include <cstdint>

#include "../core/numeric.hpp"
#include "../core/padding.hpp"
#include "../core/status.hpp"

namespace edgeloop::nn {

enum class schedule_kind : std::uint8_t { constant, step, inverse_time };

template <scalar Scalar>
struct lr_schedule {
  schedule_kind kind = schedule_kind::constant;
  // Declared padding: learner states persist the schedule (core/padding.hpp).
  [[no_unique_address]] explicit_padding<padding_to(alignof(Scalar), 1), 0> reserved{};
  Scalar gamma = Scalar(0.1);  ///< step: factor in (0, 1]; inverse_time: rate >= 0
  std::uint32_t period = 1;    ///< updates per step (> 0)
  [[no_unique_address]] explicit_padding<padding_to(alignof(Scalar), sizeof(Scalar) + 4), 1> tail{};

  constexpr status validate() const noexcept {
    if (period == 0 || !is_finite(gamma)) return status::invalid_argument;
    switch (kind) {
      case schedule_kind::constant: return status::ok;
      case schedule_kind::step: return gamma > Scalar(0) && gamma <= Scalar(1) ? status::ok : status::invalid_argument;
      case schedule_kind::inverse_time: return gamma >= Scalar(0) ? status::ok : status::invalid_argument;
    }
    return status::invalid_argument;
  }

  /// Multiplier of the base learning rate after t updates.
  constexpr Scalar factor(std::uint32_t t) const noexcept {
    switch (kind) {
      case schedule_kind::constant: return Scalar(1);
      case schedule_kind::step: {
        std::uint32_t k = t / period;
        Scalar result = Scalar(1), base = gamma;
        while (k != 0) {
          if (k & 1u) result *= base;
          base *= base;
          k >>= 1;
        }
        return result;
      }
      case schedule_kind::inverse_time:
        return Scalar(1) / (Scalar(1) + gamma * (static_cast<Scalar>(t) / static_cast<Scalar>(period)));
    }
    return Scalar(1);
  }
};

}  // namespace edgeloop::nn
