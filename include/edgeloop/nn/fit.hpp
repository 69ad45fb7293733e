#pragma once
/// fit(model, data, order, params, on_epoch): the batch training loop for nn learners.
///  - validation split: ceil(validation_fraction * n) samples held out (eval/split.hpp;
///    shuffled with edgeloop::rng(seed) when shuffle, else the last ones in time order);
///  - every epoch the training part of `order` is reshuffled (Fisher-Yates, same rng) and
///    cut into mini-batches of batch_size, each one learner::train_minibatch (gradient
///    accumulation, one optimizer step per mini-batch);
///  - after every epoch the validation loss/accuracy are computed and on_epoch(metrics)
///    is called (return false from it to stop);
///  - early stopping on the validation loss with patience (eval/early_stopping.hpp), and
///    a convergence criterion: stop when the training loss has not improved by more than
///    tolerance for `patience` epochs (tolerance > 0);
///  - split_seed (non-zero): the split is drawn from rng(split_seed) and the epochs are
///    shuffled from rng(seed), so runs with different seeds hold out the same samples;
///  - best_parameters (caller storage of network().parameters().size() values, needs a
///    validation split): the weights after the epoch of the best validation loss are
///    kept there and put back at the end (fit_result::restored). The optimizer state and
///    the update counter stay those of the last epoch.
/// `order` is caller storage for the index permutation (data.size() entries); the
/// overload fit<Capacity>(...) keeps it in a std::array<Index, Capacity> on the stack.
/// All samples are checked before anything is learned (bad data: that status, model
/// unchanged). Memory: early_stopping (two) and the rng, nothing proportional to n.

#include <array>
#include <concepts>
#include <cstddef>
#include <cstdint>
#include <span>
#include <type_traits>

#include "../core/numeric.hpp"
#include "../core/rng.hpp"
#include "../core/status.hpp"
#include "../eval/early_stopping.hpp"
#include "../eval/split.hpp"
#include "learner.hpp"

namespace edgeloop::nn {

template <scalar Scalar>
struct fit_params {
  std::uint32_t epochs = 10;              ///< >= 1
  std::uint32_t batch_size = 32;          ///< samples per optimizer step, >= 1
  Scalar validation_fraction = Scalar(0.1);  ///< in [0, 1); 0: no validation
  bool shuffle = true;                    ///< shuffle the split and every epoch
  std::uint64_t seed = 42;                ///< the split/shuffle rng
  std::uint32_t patience = 0;             ///< early stopping (0: off)
  Scalar min_delta = Scalar(0);           ///< improvement that counts for early stopping
  Scalar tolerance = Scalar(0);           ///< convergence on the training loss (0: off)
  std::uint64_t split_seed = 0;           ///< 0: the split comes from seed's rng too
  std::span<Scalar> best_parameters{};    ///< empty: keep the last epoch's weights

  constexpr status validate() const noexcept {
    if (epochs == 0 || batch_size == 0) return status::invalid_argument;
    if (!is_finite(validation_fraction) || validation_fraction < Scalar(0) || !(validation_fraction < Scalar(1)))
      return status::invalid_argument;
    if (!is_finite(min_delta) || min_delta < Scalar(0) || !is_finite(tolerance) || tolerance < Scalar(0))
      return status::invalid_argument;
    if (tolerance > Scalar(0) && patience == 0) return status::invalid_argument;
    return status::ok;
  }
};

/// What on_epoch receives after each epoch.
template <scalar Scalar>
struct epoch_metrics {
  std::uint32_t epoch = 0;   ///< 1-based
  std::uint32_t epochs = 0;  ///< planned
  Scalar train_loss = 0;     ///< mean over the epoch's samples (training mode, while learning)
  Scalar train_accuracy = 0; ///< classifiers
  Scalar validation_loss = 0;
  Scalar validation_accuracy = 0;
  bool has_validation = false;
  bool has_accuracy = false;
  bool improved = false;     ///< best validation loss so far
  std::uint32_t updates = 0; ///< optimizer steps so far
  std::uint32_t skipped = 0; ///< samples skipped in this epoch (overflow)
  std::uint32_t train_samples = 0;
  std::uint32_t validation_samples = 0;
};

template <scalar Scalar>
struct fit_result {
  std::uint32_t epochs_run = 0;
  bool stopped_early = false;  ///< early stopping, convergence or the callback
  std::uint32_t best_epoch = 0;  ///< 1-based epoch of the best validation loss (0: none)
  Scalar best_validation_loss = 0;
  bool restored = false;  ///< the weights of best_epoch were put back (best_parameters)
  epoch_metrics<Scalar> last{};
};

template <class Learner, class Dataset, std::unsigned_integral Index, class Callback>
status fit(Learner& model, const Dataset& data, std::span<Index> order,
           const fit_params<typename Learner::scalar_type>& p, Callback&& on_epoch,
           fit_result<typename Learner::scalar_type>* result = nullptr) noexcept {
  using Scalar = typename Learner::scalar_type;
  using loss_type = typename Learner::loss_type;
  EDGELOOP_TRY(p.validate());
  const std::size_t n = data.size();
  if (n == 0 || order.size() != n) return status::invalid_argument;
  if (static_cast<std::uintmax_t>(n - 1) > std::uintmax_t{static_cast<Index>(~Index{0})}) return status::invalid_argument;
  for (std::size_t i = 0; i < n; ++i) {
    if (!all_finite(data.input(i))) return status::non_finite_input;
    EDGELOOP_TRY(loss_type::check(data.target(i)));
  }
  const std::size_t n_validation = p.validation_fraction > Scalar(0) ? validation_size(n, p.validation_fraction) : 0;
  if (n_validation >= n) return status::invalid_argument;
  Scalar* weights = nullptr;
  if (!p.best_parameters.empty()) {
    // Learners that hand out their weights (nn::learner; not pruned_learner, whose masks
    // own them).
    if constexpr (requires { { model.network().parameters().data() } -> std::convertible_to<Scalar*>; }) {
      if (n_validation == 0 || p.best_parameters.size() != model.network().parameters().size())
        return status::invalid_argument;
      weights = model.network().parameters().data();
    } else {
      return status::invalid_argument;
    }
  }

  rng r(p.seed);
  split_ranges ranges{{0, n}, {n, n}};
  for (std::size_t i = 0; i < n; ++i) order[i] = static_cast<Index>(i);
  if (n_validation > 0) {
    rng split_rng(p.split_seed);
    if (p.shuffle)
      EDGELOOP_TRY(shuffled_split(order, n_validation, p.split_seed != 0 ? split_rng : r, ranges));
    else
      EDGELOOP_TRY(time_ordered_split(n, n_validation, ranges));
  }
  const std::span<Index> train = order.subspan(ranges.train.begin, ranges.train.size());
  const std::span<const Index> validation{order.data() + ranges.validation.begin, ranges.validation.size()};

  early_stopping<Scalar> on_validation{{p.patience == 0 ? 1u : p.patience, p.min_delta, stopping_mode::minimize}};
  early_stopping<Scalar> on_train{{p.patience == 0 ? 1u : p.patience, p.tolerance, stopping_mode::minimize}};
  fit_result<Scalar> res{};
  for (std::uint32_t epoch = 1; epoch <= p.epochs; ++epoch) {
    if (p.shuffle) r.shuffle(train);
    batch_result<Scalar> tr{};
    for (std::size_t start = 0; start < train.size(); start += p.batch_size) {
      const std::size_t m = train.size() - start < p.batch_size ? train.size() - start : p.batch_size;
      const std::span<const Index> batch{train.data() + start, m};
      EDGELOOP_TRY(model.train_minibatch(data, batch, tr));  // cannot fail: data checked above
    }
    epoch_metrics<Scalar> m{};
    m.epoch = epoch;
    m.epochs = p.epochs;
    m.has_accuracy = loss_type::has_accuracy;
    m.train_samples = tr.samples;
    m.skipped = tr.skipped;
    m.updates = model.updates();
    if (tr.samples > 0) {
      m.train_loss = tr.loss_sum / static_cast<Scalar>(tr.samples);
      m.train_accuracy = static_cast<Scalar>(tr.correct) / static_cast<Scalar>(tr.samples);
    }
    bool stop = false;
    if (!validation.empty()) {
      const batch_result<Scalar> va = model.evaluate(data, validation);
      m.has_validation = va.samples > 0;
      m.validation_samples = va.samples;
      if (va.samples > 0) {
        m.validation_loss = va.loss_sum / static_cast<Scalar>(va.samples);
        m.validation_accuracy = static_cast<Scalar>(va.correct) / static_cast<Scalar>(va.samples);
        if (on_validation.update(m.validation_loss) == status::ok) {
          m.improved = on_validation.improved();
          if (m.improved) {
            res.best_epoch = epoch;
            res.best_validation_loss = m.validation_loss;
            if (weights != nullptr)
              for (std::size_t i = 0; i < p.best_parameters.size(); ++i) p.best_parameters[i] = weights[i];
          }
          if (p.patience > 0 && on_validation.should_stop()) stop = true;
        }
      }
    }
    if (p.tolerance > Scalar(0) && tr.samples > 0 && on_train.update(m.train_loss) == status::ok &&
        on_train.should_stop())
      stop = true;
    res.epochs_run = epoch;
    res.last = m;
    if constexpr (std::is_same_v<decltype(on_epoch(m)), bool>) {
      if (!on_epoch(m)) stop = true;
    } else {
      on_epoch(m);
    }
    if (stop) {
      res.stopped_early = epoch < p.epochs;
      break;
    }
  }
  if (weights != nullptr && res.best_epoch != 0 && res.best_epoch != res.epochs_run) {
    for (std::size_t i = 0; i < p.best_parameters.size(); ++i) weights[i] = p.best_parameters[i];
    res.restored = true;
  }
  if (result != nullptr) *result = res;
  return status::ok;
}

/// fit() with the index permutation in a std::array<Index, Capacity> on the stack;
/// capacity_exceeded when data.size() > Capacity.
template <std::size_t Capacity, class Index = std::uint16_t, class Learner, class Dataset, class Callback>
status fit(Learner& model, const Dataset& data, const fit_params<typename Learner::scalar_type>& p, Callback&& on_epoch,
           fit_result<typename Learner::scalar_type>* result = nullptr) noexcept {
  if (data.size() > Capacity) return status::capacity_exceeded;
  std::array<Index, Capacity> order;
  return fit(model, data, std::span<Index>(order.data(), data.size()), p, on_epoch, result);
}

}  // namespace edgeloop::nn
