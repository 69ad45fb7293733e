#pragma once
/// minibatch_loss: the per-sample part of a training mini-batch, shared by the learners
/// that train a sequential network by mini-batches (nn::learner, quant::qat_learner):
///   batch_result<Scalar>          sums over the samples of a train_minibatch/evaluate call
///   add_loss_gradients<Loss, Outputs>(z, g, data, indices, result)
///                                 the loss gradient of each sample's output; a sample
///                                 whose loss or gradient is not finite is skipped (zero
///                                 gradient, counted) so one overflow cannot spoil a step
/// Memory: none (a struct of four counters and free functions).

#include <cstddef>
#include <cstdint>
#include <span>

#include "../core/numeric.hpp"

namespace edgeloop::nn {

/// Sums over the samples of one train_minibatch or evaluate call.
template <scalar Scalar>
struct batch_result {
  Scalar loss_sum = 0;          ///< sum of the per-sample losses (skipped samples excluded)
  std::uint32_t samples = 0;    ///< samples whose gradient was used (or evaluated)
  std::uint32_t correct = 0;    ///< classifiers: arg max equal to the label
  std::uint32_t skipped = 0;    ///< samples whose loss overflowed (not learned)

  constexpr batch_result& operator+=(const batch_result& other) noexcept {
    loss_sum += other.loss_sum;
    samples += other.samples;
    correct += other.correct;
    skipped += other.skipped;
    return *this;
  }
};

/// Loss gradients of the indices.size() samples whose network outputs are z[k * Outputs ..]
/// (sample k's target: data.target(indices[k])) into g[k * Outputs ..]; their losses,
/// counts and correct predictions are added to result. A sample whose loss or gradient is
/// not finite gets a zero gradient and counts as skipped.
template <class Loss, std::size_t Outputs, scalar Scalar, class Dataset, class Index>
void add_loss_gradients(const Scalar* z, Scalar* g, const Dataset& data, std::span<const Index> indices,
                        batch_result<Scalar>& result) noexcept {
  for (std::size_t k = 0; k < indices.size(); ++k) {
    const auto& y = data.target(static_cast<std::size_t>(indices[k]));
    const Scalar l = Loss::loss_gradient(z + k * Outputs, y, g + k * Outputs);
    if (!is_finite(l) || !all_finite(std::span<const Scalar>(g + k * Outputs, Outputs))) {
      for (std::size_t j = 0; j < Outputs; ++j) g[k * Outputs + j] = Scalar(0);
      ++result.skipped;
      continue;
    }
    result.loss_sum += l;
    ++result.samples;
    if (Loss::correct(z + k * Outputs, y)) ++result.correct;
  }
}

}  // namespace edgeloop::nn
