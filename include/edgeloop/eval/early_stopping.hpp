#pragma once
/// early_stopping: stop an iterative training loop when the monitored value has not
/// improved by more than min_delta for `patience` consecutive evaluations (Prechelt 1998,
/// "Early stopping - but when?"; the rule and parameters of Keras' EarlyStopping).
/// An evaluation improves when value < best - min_delta (mode minimize, a loss) or
/// value > best + min_delta (mode maximize, a score); the first finite value always does.
/// Memory: 2 * sizeof(Real) + 4 * 4 bytes (+ padding).

#include <cstddef>
#include <cstdint>

#include "../core/assert.hpp"
#include "../core/numeric.hpp"
#include "../core/status.hpp"

namespace edgeloop {

enum class stopping_mode : std::uint8_t { minimize, maximize };

template <scalar Real = float>
class early_stopping {
 public:
  struct params {
    std::uint32_t patience = 5;                  ///< evaluations without improvement tolerated
    Real min_delta = Real(0);                    ///< >= 0: smallest change that counts
    stopping_mode mode = stopping_mode::minimize;
  };
  static const std::size_t memory_bytes;

  static constexpr status validate(const params& p) noexcept {
    if (!is_finite(p.min_delta) || p.min_delta < Real(0)) return status::invalid_argument;
    if (p.mode != stopping_mode::minimize && p.mode != stopping_mode::maximize) return status::invalid_argument;
    return status::ok;
  }

  constexpr explicit early_stopping(const params& p = {}) noexcept : params_(p) {
    EDGELOOP_ASSERT(validate(p) == status::ok, "early_stopping: invalid params");
  }

  /// Records one evaluation. non_finite_input leaves everything unchanged.
  constexpr status update(Real value) noexcept {
    if (!is_finite(value)) return status::non_finite_input;
    const bool better = evaluations_ == 0 ||
                        (params_.mode == stopping_mode::minimize ? value < best_ - params_.min_delta
                                                                 : value > best_ + params_.min_delta);
    if (better) {
      best_ = value;
      best_evaluation_ = evaluations_;
      wait_ = 0;
    } else {
      ++wait_;
    }
    improved_ = better;
    ++evaluations_;
    return status::ok;
  }

  constexpr void reset() noexcept { *this = early_stopping{params_}; }

  /// True once `patience` evaluations in a row brought no improvement.
  constexpr bool should_stop() const noexcept { return evaluations_ > 0 && wait_ >= params_.patience; }
  /// True when the last update() improved on the best value (checkpoint the model now).
  constexpr bool improved() const noexcept { return improved_; }
  constexpr Real best() const noexcept { return best_; }
  /// 0-based index of the evaluation that gave best().
  constexpr std::uint32_t best_evaluation() const noexcept { return best_evaluation_; }
  constexpr std::uint32_t evaluations() const noexcept { return evaluations_; }
  /// Evaluations since the last improvement.
  constexpr std::uint32_t wait() const noexcept { return wait_; }
  constexpr const params& parameters() const noexcept { return params_; }

  friend constexpr bool operator==(const early_stopping& a, const early_stopping& b) noexcept {
    return a.params_.patience == b.params_.patience && a.params_.min_delta == b.params_.min_delta &&
           a.params_.mode == b.params_.mode && a.best_ == b.best_ && a.evaluations_ == b.evaluations_ &&
           a.best_evaluation_ == b.best_evaluation_ && a.wait_ == b.wait_ && a.improved_ == b.improved_;
  }

 private:
  params params_;
  Real best_ = Real(0);
  std::uint32_t evaluations_ = 0;
  std::uint32_t best_evaluation_ = 0;
  std::uint32_t wait_ = 0;
  bool improved_ = false;
};

template <scalar Real>
constexpr std::size_t early_stopping<Real>::memory_bytes = sizeof(early_stopping<Real>);

}  // namespace edgeloop
