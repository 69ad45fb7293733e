#pragma once
/// pruning_schedule: the gradual pruning schedule of Zhu & Gupta 2017 ("To prune, or not
/// to prune"), counted in optimizer updates t:
///   s(t) = 0                                                         t < begin
///   s(t) = s_f + (s_i - s_f) * (1 - (t - begin) / (end - begin))^3   begin <= t <= end
///   s(t) = s_f                                                       t > end
/// The masks are recomputed at the pruning steps begin, begin + frequency, ... and end
/// (pruning fast while many weights are redundant, slower as fewer remain). begin == end
/// is one-shot pruning at that update. final_sparsity 0 never prunes.
/// Only IEEE +, -, *, / (no pow): the same on every platform. Memory: 2 scalars + 12 bytes.

#include <cstdint>

#include "../core/numeric.hpp"
#include "../core/padding.hpp"
#include "../core/status.hpp"

namespace edgeloop::nn {

template <scalar Scalar>
struct pruning_schedule {
  Scalar initial_sparsity = Scalar(0);  ///< s_i at begin, in [0, final_sparsity]
  Scalar final_sparsity = Scalar(0);    ///< s_f, in [0, 1): fraction of weights set to zero
  std::uint32_t begin = 0;              ///< first pruning update
  std::uint32_t end = 0;                ///< last pruning update (>= begin)
  std::uint32_t frequency = 1;          ///< updates between mask recomputations (>= 1)
  // Declared padding (double): persisted in pruned_learner states (core/padding.hpp).
  [[no_unique_address]] explicit_padding<padding_to(alignof(Scalar), 2 * sizeof(Scalar) + 12)> tail{};

  constexpr status validate() const noexcept {
    if (!is_finite(initial_sparsity) || !is_finite(final_sparsity)) return status::invalid_argument;
    if (initial_sparsity < Scalar(0) || !(final_sparsity < Scalar(1)) || initial_sparsity > final_sparsity)
      return status::invalid_argument;
    if (end < begin || frequency == 0) return status::invalid_argument;
    return status::ok;
  }

  /// Target sparsity after t updates.
  constexpr Scalar sparsity_at(std::uint32_t t) const noexcept {
    if (t < begin) return Scalar(0);
    if (t >= end) return final_sparsity;
    if (t == begin) return initial_sparsity;  // exactly, not through rounding
    const Scalar remaining = Scalar(1) - static_cast<Scalar>(t - begin) / static_cast<Scalar>(end - begin);
    return final_sparsity + (initial_sparsity - final_sparsity) * remaining * remaining * remaining;
  }

  /// Whether the masks are recomputed at update t.
  constexpr bool is_pruning_step(std::uint32_t t) const noexcept {
    if (!(final_sparsity > Scalar(0)) || t < begin || t > end) return false;
    return t == end || (t - begin) % frequency == 0;
  }
};

}  // namespace edgeloop::nn
