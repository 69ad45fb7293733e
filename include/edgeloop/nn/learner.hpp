#pragma once
/// learner<Net, Loss, Optimizer, Batch>: a sequential network that learns in place, one
/// sample at a time (partial_fit, an online_learner) or one mini-batch at a time
/// (train_minibatch, used by fit()). Mini-batches are gradient accumulation: the gradient
/// of up to Batch samples is computed at once (Batch = 1: matrix-vector products, the
/// smallest memory; a larger Batch lets the host use matrix-matrix products) and summed
/// into one gradient block; the optimizer steps on the mean after batch_size samples, so
/// no buffer ever scales with the mini-batch size.
///   classifier<Net, Optimizer, Batch>   softmax_cross_entropy: predict -> class_label,
///                                       predict_proba -> probabilities
///   regressor<Net, Loss, Optimizer, Batch>  mse or huber: predict -> output vector
///
/// Memory (compile time, bytes):
///   Net::parameter_bytes                       weights (the inference model)
///   training_bytes = sizeof(Scalar) * (P gradient + optimizer state
///                    + Net::saved_size<Batch> + Net::gradient_scratch_size<Batch>
///                    + (Batch > 1 ? Batch * inputs : 0) gathered inputs)
///   memory_bytes = sizeof(learner) = both + the hyper-parameters and counters
/// state_type (persistable): hyper-parameters, counters, rng, weights, optimizer state and
/// the pending (accumulated, not yet applied) gradient; a round trip is exact.

#include <array>
#include <cstddef>
#include <cstdint>
#include <span>

#include "../core/assert.hpp"
#include "../core/concepts.hpp"
#include "../core/numeric.hpp"
#include "../core/padding.hpp"
#include "../core/rng.hpp"
#include "../core/status.hpp"
#include "adam.hpp"
#include "lr_schedule.hpp"
#include "minibatch_loss.hpp"
#include "sequential.hpp"
#include "softmax_cross_entropy.hpp"

namespace edgeloop::nn {

template <class Net, class Loss = softmax_cross_entropy, class Optimizer = adam, std::size_t Batch = 1>
class learner {
  static_assert(Batch >= 1, "learner needs Batch >= 1");

 public:
  using network_type = Net;
  using scalar_type = typename Net::scalar_type;
  using Scalar = scalar_type;
  static constexpr std::size_t param_count = Net::param_count;
  static constexpr std::size_t inputs = Net::input_size;
  static constexpr std::size_t outputs = Net::output_size;
  using loss_type = typename Loss::template bind<Scalar, outputs>;
  using optimizer_type = typename Optimizer::template bind<Scalar, param_count>;
  using input_type = typename Net::input_type;
  using target_type = typename loss_type::target_type;
  using output_type = typename loss_type::output_type;
  using optimizer_params = typename optimizer_type::params;
  static constexpr std::size_t micro_batch = Batch;

  struct params {
    optimizer_params optimizer{};
    lr_schedule<Scalar> schedule{};
    std::uint32_t batch_size = 1;  ///< samples per optimizer step in partial_fit (>= 1)
    // Declared padding (double): params are persisted in state_type (core/padding.hpp).
    [[no_unique_address]] explicit_padding<padding_to(alignof(std::uint64_t),
                                                      sizeof(optimizer_params) + sizeof(lr_schedule<Scalar>) + 4)>
        reserved{};
    std::uint64_t seed = 1;        ///< weight initialisation and dropout
  };

  struct state_type {
    std::uint32_t magic;
    std::uint16_t version;
    std::uint16_t reserved;  ///< 0
    params hyper;
    std::uint32_t updates;   ///< optimizer steps made
    std::uint32_t pending;   ///< samples accumulated in `gradient`, < batch_size
    rng::state_type random;
    std::array<Scalar, param_count> weights;
    std::array<Scalar, optimizer_type::state_size> optimizer;
    std::array<Scalar, param_count> gradient;
    [[no_unique_address]] explicit_padding<padding_to(alignof(std::uint64_t),
                                                      16 + sizeof(params) + sizeof(rng::state_type) +
                                                          (2 * param_count + optimizer_type::state_size) * sizeof(Scalar)),
                                       1>
        tail;  ///< 0
  };

  static constexpr std::uint32_t magic = 0x4E4E4C45u;  // "ELNN" little-endian
  static constexpr std::uint16_t version = 1;
  static constexpr std::size_t saved_size = Net::template saved_size<Batch>;
  static constexpr std::size_t gradient_scratch_size = Net::template gradient_scratch_size<Batch>;
  static constexpr std::size_t gather_size = Batch > 1 ? Batch * inputs : 0;
  static constexpr std::size_t inference_bytes = Net::inference_bytes;
  static constexpr std::size_t training_bytes =
      sizeof(Scalar) * (param_count + optimizer_type::state_size + saved_size + gradient_scratch_size + gather_size);
  static const std::size_t memory_bytes;

  static constexpr status validate(const params& p) noexcept {
    EDGELOOP_TRY(optimizer_type::validate(p.optimizer));
    EDGELOOP_TRY(p.schedule.validate());
    return p.batch_size >= 1 ? status::ok : status::invalid_argument;
  }

  learner() noexcept : learner(params{}) {}
  explicit learner(const params& p) noexcept : params_(p), net_(p.seed) {
    EDGELOOP_ASSERT(validate(p) == status::ok, "nn::learner: invalid params");
    reset();
  }

  /// Weights from params().seed, optimizer state and counters cleared.
  void reset() noexcept {
    net_ = Net(params_.seed);
    optimizer_type::reset_state(optimizer_.data());
    gradient_.fill(Scalar(0));
    updates_ = 0;
    pending_ = 0;
    random_.seed(params_.seed ^ 0xD50F0A7Eu);
  }

  /// Prediction for one sample (class label or output vector); scratch on the stack.
  output_type predict(const input_type& x) const noexcept {
    const auto z = net_.forward(x);
    return loss_type::predict(z.data());
  }
  /// Class probabilities (softmax of the logits), classifiers only.
  auto predict_proba(const input_type& x) const noexcept
    requires requires(const Scalar* z) { loss_type::proba(z); }
  {
    const auto z = net_.forward(x);
    return loss_type::proba(z.data());
  }
  /// The network's raw output (logits for classifiers).
  typename Net::output_type outputs_of(const input_type& x) const noexcept { return net_.forward(x); }
  /// Loss of one sample (inference mode: dropout off).
  Scalar loss(const input_type& x, const target_type& y) const noexcept {
    const auto z = net_.forward(x);
    return loss_type::loss(z.data(), y);
  }

  /// Learns one sample: its gradient is accumulated and the optimizer steps once
  /// batch_size samples are pending (batch_size 1: each layer is updated as soon as its
  /// gradient is known, sequential::backward_apply). non_finite_input (x not finite, or the loss
  /// overflowed) or label_out_of_range / non_finite_input for a bad target: nothing changed.
  status partial_fit(const input_type& x, const target_type& y) noexcept {
    if (!all_finite(x)) return status::non_finite_input;
    EDGELOOP_TRY(loss_type::check(y));
    rng r = random_;
    const Scalar* z = net_.template forward_train<Batch>(x.data(), saved_.data(), 1, r);
    Scalar* g = Net::template output_gradient<Batch>(gradient_scratch_.data());
    const Scalar l = loss_type::loss_gradient(z, y, g);
    if (!is_finite(l) || !all_finite(std::span<const Scalar>(g, outputs))) return status::non_finite_input;
    random_ = r;
    last_loss_ = l;
    if (params_.batch_size == 1) {
      // The step follows at once (pending_ is 0): each layer's gradient goes straight into
      // the optimizer, never into gradient_ (the same values and arithmetic as below).
      const auto c = optimizer_type::begin_step(optimizer_.data(), learning_rate(), params_.optimizer);
      Scalar* w = net_.parameters().data();
      net_.template backward_apply<Batch>(x.data(), saved_.data(), gradient_scratch_.data(), gradient_.data(),
                                          [&](std::size_t first, const Scalar* values, Scalar scale, std::size_t count) {
                                            optimizer_type::update(w + first, values, scale, count, optimizer_.data(),
                                                                   first, c, params_.optimizer);
                                          });
      ++updates_;
      return status::ok;
    }
    net_.template backward<Batch>(x.data(), saved_.data(), gradient_scratch_.data(), gradient_.data(), 1);
    if (++pending_ >= params_.batch_size) apply_update();
    return status::ok;
  }

  /// One mini-batch: the samples data[indices[k]] are checked first (any non-finite input
  /// or bad target: that status and nothing changed), then their gradients are accumulated
  /// Batch at a time and the optimizer steps once on the mean (with any samples still
  /// pending from partial_fit). A sample whose loss overflows is skipped and counted.
  /// Dataset: size(), input(i) -> const input_type&, target(i) -> target_type.
  template <class Dataset, class Index>
  status train_minibatch(const Dataset& data, std::span<const Index> indices, batch_result<Scalar>& out) noexcept {
    for (const Index i : indices) {
      if (static_cast<std::size_t>(i) >= data.size()) return status::invalid_argument;
      if (!all_finite(data.input(static_cast<std::size_t>(i)))) return status::non_finite_input;
      EDGELOOP_TRY(loss_type::check(data.target(static_cast<std::size_t>(i))));
    }
    batch_result<Scalar> result{};
    for (std::size_t start = 0; start < indices.size(); start += Batch) {
      const std::size_t n = indices.size() - start < Batch ? indices.size() - start : Batch;
      const Scalar* x = gather(data, indices.subspan(start, n));
      const Scalar* z = net_.template forward_train<Batch>(x, saved_.data(), n, random_);
      Scalar* g = Net::template output_gradient<Batch>(gradient_scratch_.data());
      add_loss_gradients<loss_type, outputs>(z, g, data, indices.subspan(start, n), result);
      net_.template backward<Batch>(x, saved_.data(), gradient_scratch_.data(), gradient_.data(), n);
    }
    pending_ += result.samples;
    apply_update();
    out += result;
    return status::ok;
  }

  /// Loss and accuracy over data[indices[k]] in inference mode (uses the training
  /// scratch, changes nothing learned). Samples that are not finite are skipped.
  template <class Dataset, class Index>
  batch_result<Scalar> evaluate(const Dataset& data, std::span<const Index> indices) noexcept {
    static_assert(saved_size >= Batch * Net::inference_scratch_size, "scratch too small");
    batch_result<Scalar> result{};
    for (std::size_t start = 0; start < indices.size(); start += Batch) {
      const std::size_t n = indices.size() - start < Batch ? indices.size() - start : Batch;
      const Scalar* x = gather(data, indices.subspan(start, n));
      Scalar* z = gradient_scratch_.data();
      net_.forward(x, z, n, saved_.data());
      for (std::size_t k = 0; k < n; ++k) {
        const std::size_t i = static_cast<std::size_t>(indices[start + k]);
        if (!all_finite(data.input(i)) || loss_type::check(data.target(i)) != status::ok) {
          ++result.skipped;
          continue;
        }
        const Scalar l = loss_type::loss(z + k * outputs, data.target(i));
        if (!is_finite(l)) {
          ++result.skipped;
          continue;
        }
        result.loss_sum += l;
        ++result.samples;
        if (loss_type::correct(z + k * outputs, data.target(i))) ++result.correct;
      }
    }
    return result;
  }

  /// Applies the pending gradient now (mean over the pending samples); no-op when none.
  void apply_update() noexcept {
    if (pending_ == 0) return;
    const Scalar lr = params_.optimizer.learning_rate * params_.schedule.factor(updates_);
    optimizer_type::step(net_.parameters().data(), gradient_.data(), Scalar(1) / static_cast<Scalar>(pending_),
                         optimizer_.data(), lr, params_.optimizer);
    gradient_.fill(Scalar(0));
    pending_ = 0;
    ++updates_;
  }

  state_type state() const noexcept {
    state_type s{};
    s.magic = magic;
    s.version = version;
    s.reserved = 0;
    s.hyper = params_;
    s.updates = updates_;
    s.pending = pending_;
    s.random = random_.state();
    s.weights = net_.parameters();
    s.optimizer = optimizer_;
    s.gradient = gradient_;
    return s;
  }

  /// invalid_state (nothing changed) for a wrong magic/version, invalid hyper-parameters,
  /// pending >= batch_size, non-finite values or an impossible optimizer state.
  status restore(const state_type& s) noexcept {
    if (s.magic != magic || s.version != version || s.reserved != 0) return status::invalid_state;
    if (validate(s.hyper) != status::ok) return status::invalid_state;
    if (s.pending >= s.hyper.batch_size) return status::invalid_state;
    if ((s.random.words[0] | s.random.words[1] | s.random.words[2] | s.random.words[3]) == 0) return status::invalid_state;
    if (!all_finite(s.weights) || !all_finite(s.gradient)) return status::invalid_state;
    if (!optimizer_type::valid_state(s.optimizer.data())) return status::invalid_state;
    params_ = s.hyper;
    updates_ = s.updates;
    pending_ = s.pending;
    (void)random_.restore(s.random);
    net_.parameters() = s.weights;
    optimizer_ = s.optimizer;
    gradient_ = s.gradient;
    return status::ok;
  }

  const Net& network() const noexcept { return net_; }
  Net& network() noexcept { return net_; }
  const params& parameters() const noexcept { return params_; }
  std::uint32_t updates() const noexcept { return updates_; }
  std::uint32_t pending() const noexcept { return pending_; }
  /// Loss of the last sample learned by partial_fit (training mode).
  Scalar last_loss() const noexcept { return last_loss_; }
  /// Learning rate of the next update.
  Scalar learning_rate() const noexcept { return params_.optimizer.learning_rate * params_.schedule.factor(updates_); }

 private:
  template <class Dataset, class Index>
  const Scalar* gather(const Dataset& data, std::span<const Index> idx) noexcept {
    if constexpr (Batch == 1) {
      return data.input(static_cast<std::size_t>(idx[0])).data();
    } else {
      for (std::size_t k = 0; k < idx.size(); ++k) {
        const auto& x = data.input(static_cast<std::size_t>(idx[k]));
        for (std::size_t j = 0; j < inputs; ++j) gather_[k * inputs + j] = x[j];
      }
      return gather_.data();
    }
  }

  params params_;
  Net net_;
  std::array<Scalar, optimizer_type::state_size> optimizer_;
  std::array<Scalar, param_count> gradient_;
  std::uint32_t updates_ = 0;
  std::uint32_t pending_ = 0;
  Scalar last_loss_ = 0;
  rng random_;
  std::array<Scalar, saved_size> saved_;
  std::array<Scalar, gradient_scratch_size> gradient_scratch_;
  std::array<Scalar, gather_size> gather_;
};

template <class Net, class Loss, class Optimizer, std::size_t Batch>
constexpr std::size_t learner<Net, Loss, Optimizer, Batch>::memory_bytes = sizeof(learner<Net, Loss, Optimizer, Batch>);

/// A network classifier (softmax cross-entropy on the last layer's logits).
template <class Net, class Optimizer = adam, std::size_t Batch = 1>
using classifier = learner<Net, softmax_cross_entropy, Optimizer, Batch>;

/// A network regressor (Loss: mse or huber<Delta>).
template <class Net, class Loss, class Optimizer = adam, std::size_t Batch = 1>
using regressor = learner<Net, Loss, Optimizer, Batch>;

/// Dataset view over caller arrays: inputs[i], targets[i] (for fit / train_minibatch).
template <class Input, class Target>
struct span_dataset {
  std::span<const Input> inputs;
  std::span<const Target> targets;
  std::size_t size() const noexcept { return inputs.size(); }
  const Input& input(std::size_t i) const noexcept { return inputs[i]; }
  const Target& target(std::size_t i) const noexcept { return targets[i]; }
};

}  // namespace edgeloop::nn
