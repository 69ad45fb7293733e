#pragma once
/// pruned_learner<Learner>: an nn learner (nn/learner.hpp) whose network is pruned by
/// magnitude (nn/magnitude_pruning.hpp) and fine-tuned with the masks held fixed between
/// recomputations: after every optimizer step the pruned weights are set back to zero, so
/// they stay zero whatever the optimizer's momentum says (as TensorFlow's pruning wrapper
/// does). The masks are recomputed on the gradual schedule params().schedule (Zhu & Gupta
/// 2017, nn/pruning_schedule.hpp, counted in the learner's updates), or at once by
/// prune(s) (one-shot). The same interface as the learner for fit() (train_minibatch,
/// evaluate) and as an online_learner (partial_fit).
/// Memory: Learner::memory_bytes + magnitude_pruning<Net>::memory_bytes (one bit per
/// prunable weight) + the schedule; state_type = learner state + mask (persistable).

#include <cstddef>
#include <cstdint>
#include <span>

#include "../core/assert.hpp"
#include "../core/concepts.hpp"
#include "../core/padding.hpp"
#include "../core/status.hpp"
#include "dense.hpp"
#include "learner.hpp"
#include "magnitude_pruning.hpp"
#include "pruning_schedule.hpp"

namespace edgeloop::nn {

template <class Learner>
class pruned_learner {
 public:
  using learner_type = Learner;
  using network_type = typename Learner::network_type;
  using scalar_type = typename Learner::scalar_type;
  using Scalar = scalar_type;
  using loss_type = typename Learner::loss_type;
  using input_type = typename Learner::input_type;
  using target_type = typename Learner::target_type;
  using output_type = typename Learner::output_type;
  using pruning_type = magnitude_pruning<network_type>;
  static constexpr std::size_t param_count = Learner::param_count;
  static constexpr std::size_t inference_bytes = Learner::inference_bytes;
  static constexpr std::size_t training_bytes = Learner::training_bytes + pruning_type::memory_bytes;
  static constexpr std::size_t mask_bytes = pruning_type::mask_bytes;

  struct params {
    typename Learner::params learner{};
    pruning_schedule<Scalar> schedule{};  ///< default: never prunes (final_sparsity 0)
    pruning_scope scope = pruning_scope::per_layer;
  };
  struct state_type {
    typename Learner::state_type learner;
    pruning_schedule<Scalar> schedule;
    pruning_scope scope;
    std::uint8_t reserved[3];  ///< 0
    typename pruning_type::state_type mask;
    [[no_unique_address]] explicit_padding<padding_to(alignof(typename Learner::state_type),
                                                      sizeof(pruning_schedule<Scalar>) + 4 + sizeof(typename pruning_type::state_type)), 2>
        tail;  ///< 0 (core/padding.hpp; Id 2: the learner state holds empty paddings of Ids 0 and 1)
  };
  static const std::size_t memory_bytes;

  static constexpr status validate(const params& p) noexcept {
    EDGELOOP_TRY(Learner::validate(p.learner));
    EDGELOOP_TRY(p.schedule.validate());
    return p.scope == pruning_scope::per_layer || p.scope == pruning_scope::global ? status::ok
                                                                                 : status::invalid_argument;
  }

  pruned_learner() noexcept : pruned_learner(params{}) {}
  explicit pruned_learner(const params& p) noexcept : learner_(p.learner), schedule_(p.schedule), scope_(p.scope) {
    EDGELOOP_ASSERT(validate(p) == status::ok, "nn::pruned_learner: invalid params");
  }

  /// The learner reset (nn::learner::reset) and every weight kept again.
  void reset() noexcept {
    learner_.reset();
    mask_.reset();
  }

  /// One-shot pruning now: the masks keep the largest 1 - sparsity of the weights (scope of
  /// params()); invalid_argument for a sparsity outside [0, 1), nothing changed then.
  status prune(Scalar sparsity) noexcept { return mask_.prune(learner_.network(), sparsity, scope_); }

  output_type predict(const input_type& x) const noexcept { return learner_.predict(x); }

  /// learner::partial_fit, then the masks (recomputed on a pruning step) are applied if the
  /// optimizer stepped. A bad sample: its status and nothing changed.
  status partial_fit(const input_type& x, const target_type& y) noexcept {
    const std::uint32_t before = learner_.updates();
    EDGELOOP_TRY(learner_.partial_fit(x, y));
    after_update(before);
    return status::ok;
  }

  /// learner::train_minibatch (one optimizer step), then the masks as in partial_fit.
  template <class Dataset, class Index>
  status train_minibatch(const Dataset& data, std::span<const Index> indices, batch_result<Scalar>& out) noexcept {
    const std::uint32_t before = learner_.updates();
    EDGELOOP_TRY(learner_.train_minibatch(data, indices, out));
    after_update(before);
    return status::ok;
  }

  template <class Dataset, class Index>
  batch_result<Scalar> evaluate(const Dataset& data, std::span<const Index> indices) noexcept {
    return learner_.evaluate(data, indices);
  }

  state_type state() const noexcept {
    state_type s{};
    s.learner = learner_.state();
    s.schedule = schedule_;
    s.scope = scope_;
    s.mask = mask_.state();
    return s;
  }

  /// invalid_state (nothing changed) when the learner or mask state is invalid, the
  /// schedule is invalid, or a pruned weight is not zero in the stored weights.
  status restore(const state_type& s) noexcept {
    if (pruning_type::check(s.mask) != status::ok || s.schedule.validate() != status::ok) return status::invalid_state;
    if (s.scope != pruning_scope::per_layer && s.scope != pruning_scope::global) return status::invalid_state;
    if ((s.reserved[0] | s.reserved[1] | s.reserved[2]) != 0) return status::invalid_state;
    pruning_type m;
    (void)m.restore(s.mask);
    for (std::size_t l = 0; l < network_type::layer_count; ++l)
      for (std::size_t j = 0; j < pruning_type::layer_weights[l]; ++j)
        if (!m.kept(l, j) && s.learner.weights[network_type::param_offsets[l] + j] != Scalar(0))
          return status::invalid_state;
    EDGELOOP_TRY(learner_.restore(s.learner));
    schedule_ = s.schedule;
    scope_ = s.scope;
    mask_ = m;
    return status::ok;
  }

  const Learner& learner() const noexcept { return learner_; }
  Learner& learner() noexcept { return learner_; }
  const network_type& network() const noexcept { return learner_.network(); }
  const pruning_type& mask() const noexcept { return mask_; }
  const pruning_schedule<Scalar>& schedule() const noexcept { return schedule_; }
  /// Replaces the schedule (e.g. to start gradual pruning from the current update);
  /// invalid_argument for an invalid one, nothing changed then.
  status set_schedule(const pruning_schedule<Scalar>& s) noexcept {
    EDGELOOP_TRY(s.validate());
    schedule_ = s;
    return status::ok;
  }
  std::uint32_t updates() const noexcept { return learner_.updates(); }

 private:
  void after_update(std::uint32_t before) noexcept {
    const std::uint32_t now = learner_.updates();
    if (now == before) return;
    // A pruning step recomputes the masks (and applies them); weights stay finite in a
    // learner, so prune() cannot fail here.
    if (schedule_.is_pruning_step(now) && mask_.prune(learner_.network(), schedule_.sparsity_at(now), scope_) == status::ok)
      return;
    mask_.apply(learner_.network());
  }

  Learner learner_;
  pruning_schedule<Scalar> schedule_;
  pruning_scope scope_;
  pruning_type mask_;
};

template <class Learner>
constexpr std::size_t pruned_learner<Learner>::memory_bytes = sizeof(pruned_learner<Learner>);

static_assert(edgeloop::online_learner<
              pruned_learner<learner<sequential<float, shape<4>, dense<3>>, softmax_cross_entropy, adam, 1>>>);
static_assert(edgeloop::persistable<
              pruned_learner<learner<sequential<float, shape<4>, dense<3>>, softmax_cross_entropy, adam, 1>>>);

}  // namespace edgeloop::nn
