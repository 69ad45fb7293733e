#pragma once
/// quantization_aware_training: qat_learner<Net, Loss, Optimizer, Batch> trains a float
/// nn::sequential with fake-quant nodes where its int8 twin (post_training.hpp) quantizes
/// (Jacob et al. 2018; PyTorch's eager-mode QAT):
///  - weights of every dense/conv layer: symmetric per-channel int8 (fake_quant.hpp),
///    refreshed from the float weights before every forward; the weight gradient passes
///    straight through to the float weights;
///  - activations: the network input and each block's output (after its fused relu/relu6)
///    asymmetric per-tensor int8; the ranges are tracked by moving_average_observer (the
///    EMA of each micro-batch's minimum and maximum, c = 0.01 as PyTorch's
///    MovingAverageMinMaxObserver), updated before the batch is fake-quantized; the
///    gradient is the clipped straight-through estimator (zero where a value was clamped);
///  - average pooling re-quantizes its output with the block's parameters (the int8
///    kernel rounds to the grid); max pooling, flatten and dropout keep grid values.
/// The usual recipe: train the float network, then fine-tune it here for 1-3 epochs at a
/// lower learning rate (train_minibatch, so nn::fit works unchanged), then quantize():
/// the int8 twin is built from the same weights and the observers' ranges, so its int8
/// outputs equal the fake-quant forward (fake_quant_forward) up to the rounding of the
/// requantization (1 LSB). Biases stay float (int32 in the twin: its rounding is far
/// below one output step). Batch norm must be folded into the layer before it first
/// (nn fold_batch_norm), as for post-training quantization.
/// Fine-tuning that keeps its best epoch: save_checkpoint after each epoch whose quantized
/// model does best on held-out data, restore_checkpoint at the end (checkpoint_type:
/// weights, ranges, freeze flag).
/// Memory (compile time): fake_quant_bytes = the observers + a fake-quantized copy of the
/// parameters + one STE mask byte per quantized activation of Batch samples; training
/// buffers as nn::learner (gradient, optimizer state, saved activations, gradient
/// scratch, gathered inputs); memory_bytes = sizeof(qat_learner).

#include <array>
#include <cstddef>
#include <cstdint>
#include <span>

#include "../core/assert.hpp"
#include "../core/concepts.hpp"
#include "../core/numeric.hpp"
#include "../core/rng.hpp"
#include "../core/status.hpp"
#include "../nn/adam.hpp"
#include "../nn/dense.hpp"
#include "../nn/learner.hpp"
#include "../nn/lr_schedule.hpp"
#include "../nn/minibatch_loss.hpp"
#include "../nn/relu.hpp"
#include "../nn/sequential.hpp"
#include "../nn/softmax_cross_entropy.hpp"
#include "calibration.hpp"
#include "conv_geometry.hpp"
#include "fake_quant.hpp"
#include "post_training.hpp"

namespace edgeloop::quant {

template <class Net, class Loss = nn::softmax_cross_entropy, class Optimizer = nn::adam, std::size_t Batch = 1>
class qat_learner {
  static_assert(Batch >= 1, "qat_learner needs Batch >= 1");
  using plan_type = quantization_plan<Net>;
  static constexpr auto& plan = plan_type::plan;
  static constexpr std::size_t layer_count = Net::layer_count;

 public:
  using network_type = Net;
  using scalar_type = float;
  using Scalar = float;
  static constexpr std::size_t param_count = Net::param_count;
  static constexpr std::size_t inputs = Net::input_size;
  static constexpr std::size_t outputs = Net::output_size;
  static constexpr std::size_t tensors = plan_type::tensors;  ///< input + each block's output
  using loss_type = typename Loss::template bind<Scalar, outputs>;
  using optimizer_type = typename Optimizer::template bind<Scalar, param_count>;
  using input_type = typename Net::input_type;
  using target_type = typename loss_type::target_type;
  using output_type = typename loss_type::output_type;
  using optimizer_params = typename optimizer_type::params;
  using twin_type = quantized_sequential<Net>;

  struct params {
    optimizer_params optimizer{};
    nn::lr_schedule<Scalar> schedule{};
    float averaging_constant = 0.01f;  ///< the range observers' EMA constant, in (0, 1]
    std::uint64_t seed = 1;            ///< initial weights (without a trained net) and dropout
  };

 private:
  /// tensor_of[I]: the tensor layer I's output is fake-quantized as (1 + block), 0: none.
  /// requantized[I]: an average pooling layer whose output is re-quantized (1 + block).
  static constexpr auto tensor_of = [] {
    std::array<std::size_t, layer_count> t{};
    for (std::size_t j = 0; j < plan_type::blocks; ++j) t[plan.block[j].observed_layer] = j + 1;
    return t;
  }();
  static constexpr auto requantized = [] {
    std::array<std::size_t, layer_count> t{};
    for (std::size_t j = 0; j < plan_type::blocks; ++j)
      for (std::size_t k = 0; k < plan.block[j].post_ops; ++k)
        if (plan.block[j].post[k].role == detail::layer_role::avg_pool) t[plan.block[j].observed_layer + 1 + k] = j + 1;
    return t;
  }();
  /// Offsets of each block's STE mask (per sample; Batch samples each).
  static constexpr auto mask_offsets = [] {
    std::array<std::size_t, plan_type::blocks + 1> o{};
    for (std::size_t j = 0; j < plan_type::blocks; ++j) o[j + 1] = o[j] + plan.block[j].conv_out;
    return o;
  }();

 public:
  static constexpr std::size_t mask_size = Batch * mask_offsets[plan_type::blocks];
  static constexpr std::size_t saved_size = Net::template saved_size<Batch>;
  static constexpr std::size_t gradient_scratch_size = Net::template gradient_scratch_size<Batch>;
  static constexpr std::size_t fake_quant_bytes =
      tensors * sizeof(moving_average_observer) + param_count * sizeof(Scalar) + mask_size;
  static constexpr std::size_t training_bytes =
      sizeof(Scalar) * (param_count + optimizer_type::state_size + saved_size + gradient_scratch_size + Batch * inputs);
  static const std::size_t memory_bytes;

  static constexpr status validate(const params& p) noexcept {
    EDGELOOP_TRY(optimizer_type::validate(p.optimizer));
    EDGELOOP_TRY(p.schedule.validate());
    return moving_average_observer::validate({p.averaging_constant});
  }

  qat_learner() noexcept : qat_learner(params{}) {}
  explicit qat_learner(const params& p) noexcept : params_(p), net_(p.seed) {
    EDGELOOP_ASSERT(validate(p) == status::ok, "qat_learner: invalid params");
    reset_training();
  }
  /// Fine-tunes a trained float network (its weights are copied).
  qat_learner(const Net& trained, const params& p) noexcept : qat_learner(p) { net_ = trained; }

  /// Observers, optimizer state and counters cleared; the weights are kept.
  void reset_training() noexcept {
    for (auto& o : observers_) o = moving_average_observer({params_.averaging_constant});
    optimizer_type::reset_state(optimizer_.data());
    gradient_.fill(Scalar(0));
    updates_ = 0;
    frozen_ = false;
    random_.seed(params_.seed ^ 0x51A7u);
  }
  /// Weights from params().seed too (an online_learner's reset).
  void reset() noexcept {
    net_ = Net(params_.seed);
    reset_training();
  }

  /// Stops (or resumes) updating the activation ranges in training (PyTorch's
  /// disable_observer): the last epochs then train against the ranges the twin will use.
  void freeze_ranges(bool frozen = true) noexcept { frozen_ = frozen; }
  bool ranges_frozen() const noexcept { return frozen_; }

  /// What returning to an earlier point of the fine-tuning needs (keeping the epoch with
  /// the best validation figures, as checkpointing does in PyTorch/Keras): the float
  /// weights, the activation observers and whether they were frozen. The optimizer state
  /// and the update count are not kept (they belong to the last step). Caller storage:
  /// checkpoint_bytes = sizeof(checkpoint_type).
  struct checkpoint_type {
    std::array<Scalar, param_count> weights;
    std::array<moving_average_observer, tensors> observers;
    bool frozen;
  };
  static constexpr std::size_t checkpoint_bytes = sizeof(checkpoint_type);

  void save_checkpoint(checkpoint_type& out) const noexcept {
    out.weights = net_.parameters();
    out.observers = observers_;
    out.frozen = frozen_;
  }
  /// Weights, ranges and the freeze flag of the checkpoint; invalid_state (nothing
  /// changed) when a weight or a range is not finite.
  status restore_checkpoint(const checkpoint_type& c) noexcept {
    if (!all_finite(c.weights)) return status::invalid_state;
    for (const moving_average_observer& o : c.observers)
      if (!is_finite(o.minimum()) || !is_finite(o.maximum()) || o.minimum() > o.maximum()) return status::invalid_state;
    net_.parameters() = c.weights;
    observers_ = c.observers;
    frozen_ = c.frozen;
    return status::ok;
  }

  /// The activation parameters of every tensor (not_ready before the first training batch).
  status ranges(std::array<quant_params, tensors>& out) const noexcept {
    std::array<quant_params, tensors> r{};
    for (std::size_t t = 0; t < tensors; ++t) EDGELOOP_TRY(observers_[t].params(r[t]));
    out = r;
    return status::ok;
  }
  const moving_average_observer& observer(std::size_t tensor) const noexcept { return observers_[tensor]; }

  /// Builds the int8 twin from the float weights and the learned ranges (its int8 outputs
  /// equal fake_quant_forward's within one step). not_ready before any training.
  status quantize(twin_type& out) const noexcept {
    std::array<quant_params, tensors> r{};
    EDGELOOP_TRY(ranges(r));
    return out.build(net_, r);
  }

  /// The fake-quant network's output for one sample (inference: dropout off, ranges as
  /// learned). Before any training the activations are not quantized (no ranges yet).
  /// Scratch on the stack: every layer's output of one sample.
  typename Net::output_type fake_quant_forward(const input_type& x) const noexcept {
    std::array<Scalar, param_count> p;
    fake_quantize_parameters(p.data());
    std::array<Scalar, Net::output_offsets[layer_count]> outs;
    std::array<Scalar, inputs> in = x;
    quantize_tensor(0, in.data(), nullptr, inputs);
    infer_layers<0>(p.data(), in.data(), outs.data());
    typename Net::output_type y;
    for (std::size_t o = 0; o < outputs; ++o) y[o] = outs[Net::output_offsets[layer_count - 1] + o];
    return y;
  }
  output_type predict(const input_type& x) const noexcept {
    const auto z = fake_quant_forward(x);
    return loss_type::predict(z.data());
  }

  /// One sample: forward with fake quantization (observers updated), backward with the
  /// STE, one optimizer step. non_finite_input / label_out_of_range: nothing changed.
  status partial_fit(const input_type& x, const target_type& y) noexcept {
    if (!all_finite(x)) return status::non_finite_input;
    EDGELOOP_TRY(loss_type::check(y));
    const auto observers = observers_;
    const rng r = random_;
    for (std::size_t j = 0; j < inputs; ++j) gather_[j] = x[j];
    fake_quantize_parameters(fq_params_.data());
    const Scalar* z = train_forward(1);
    Scalar* g = gradient_buffer<layer_count - 1>(gradient_scratch_.data());
    const Scalar l = loss_type::loss_gradient(z, y, g);
    if (!is_finite(l) || !all_finite(std::span<const Scalar>(g, outputs))) {
      observers_ = observers;
      random_ = r;
      return status::non_finite_input;
    }
    backward_layers<layer_count - 1>(1);
    apply_update(1);
    return status::ok;
  }

  /// One mini-batch (as nn::learner::train_minibatch, for nn::fit): checked first, then
  /// gradients of Batch samples at a time with fake quantization, one optimizer step on
  /// the mean. A sample whose loss overflows is skipped and counted.
  template <class Dataset, class Index>
  status train_minibatch(const Dataset& data, std::span<const Index> indices, nn::batch_result<Scalar>& out) noexcept {
    for (const Index i : indices) {
      if (static_cast<std::size_t>(i) >= data.size()) return status::invalid_argument;
      if (!all_finite(data.input(static_cast<std::size_t>(i)))) return status::non_finite_input;
      EDGELOOP_TRY(loss_type::check(data.target(static_cast<std::size_t>(i))));
    }
    fake_quantize_parameters(fq_params_.data());
    nn::batch_result<Scalar> result{};
    for (std::size_t start = 0; start < indices.size(); start += Batch) {
      const std::size_t n = indices.size() - start < Batch ? indices.size() - start : Batch;
      gather(data, indices.subspan(start, n));
      const Scalar* z = train_forward(n);
      Scalar* g = gradient_buffer<layer_count - 1>(gradient_scratch_.data());
      nn::add_loss_gradients<loss_type, outputs>(z, g, data, indices.subspan(start, n), result);
      backward_layers<layer_count - 1>(n);
    }
    apply_update(result.samples);
    out += result;
    return status::ok;
  }

  /// Loss and accuracy of the fake-quant network (inference) over data[indices[k]].
  template <class Dataset, class Index>
  nn::batch_result<Scalar> evaluate(const Dataset& data, std::span<const Index> indices) noexcept {
    fake_quantize_parameters(fq_params_.data());
    nn::batch_result<Scalar> result{};
    for (const Index idx : indices) {
      const std::size_t i = static_cast<std::size_t>(idx);
      if (!all_finite(data.input(i)) || loss_type::check(data.target(i)) != status::ok) {
        ++result.skipped;
        continue;
      }
      for (std::size_t j = 0; j < inputs; ++j) gather_[j] = data.input(i)[j];
      quantize_tensor(0, gather_.data(), nullptr, inputs);
      infer_layers<0>(fq_params_.data(), gather_.data(), saved_.data());
      const Scalar* z = saved_.data() + Net::output_offsets[layer_count - 1];
      const Scalar l = loss_type::loss(z, data.target(i));
      if (!is_finite(l)) {
        ++result.skipped;
        continue;
      }
      result.loss_sum += l;
      ++result.samples;
      if (loss_type::correct(z, data.target(i))) ++result.correct;
    }
    return result;
  }

  const Net& network() const noexcept { return net_; }
  Net& network() noexcept { return net_; }
  const params& parameters() const noexcept { return params_; }
  std::uint32_t updates() const noexcept { return updates_; }
  Scalar learning_rate() const noexcept { return params_.optimizer.learning_rate * params_.schedule.factor(updates_); }

 private:
  /// The parameters with every dense/conv weight fake-quantized per output channel.
  void fake_quantize_parameters(Scalar* out) const noexcept {
    const Scalar* p = net_.parameters().data();
    for (std::size_t i = 0; i < param_count; ++i) out[i] = p[i];
    for (std::size_t j = 0; j < plan_type::blocks; ++j) {
      const detail::block_info& b = plan.block[j];
      const std::size_t off = Net::param_offsets[b.weighted_layer];
      if (b.conv)  // HWIO: channel o's weights at k * out_c + o
        fake_quantize_weights(p + off, out + off, b.out_c, b.depth(), 1, b.out_c);
      else  // [out][in]
        fake_quantize_weights(p + off, out + off, b.out_c, b.depth(), b.depth(), 1);
    }
  }

  /// Fake-quantizes tensor t (n values) with its observer's parameters; unchanged while
  /// the observer has seen nothing (inference before training).
  void quantize_tensor(std::size_t t, Scalar* x, std::uint8_t* mask, std::size_t n) const noexcept {
    quant_params q;
    if (observers_[t].params(q) != status::ok) {
      if (mask != nullptr)
        for (std::size_t i = 0; i < n; ++i) mask[i] = 1;
      return;
    }
    fake_quantize_activations(x, mask, n, q);
  }
  /// Average pooling layer I's output (n samples) rounded as the int8 kernel rounds it:
  /// each output's tap count (valid taps only, as quant::average_pool2d) is needed.
  template <std::size_t I>
  void requantize_average(Scalar* out, std::size_t n) const noexcept {
    constexpr detail::layer_info l = detail::info_of<typename Net::template layer<I>>();
    quant_params qp;
    if (observers_[requantized[I]].params(qp) != status::ok) return;
    const std::size_t oh = output_size(l.in_h, l.kernel_h, l.stride_h, l.pad);
    const std::size_t ow = output_size(l.in_w, l.kernel_w, l.stride_w, l.pad);
    const long top = static_cast<long>(padding_before(l.in_h, l.kernel_h, l.stride_h, l.pad));
    const long left = static_cast<long>(padding_before(l.in_w, l.kernel_w, l.stride_w, l.pad));
    for (std::size_t s = 0; s < n; ++s)
      for (std::size_t y = 0; y < oh; ++y) {
        const tap_range rows = valid_taps(static_cast<long>(y * l.stride_h) - top, l.kernel_h, l.in_h);
        for (std::size_t x = 0; x < ow; ++x) {
          const tap_range cols = valid_taps(static_cast<long>(x * l.stride_w) - left, l.kernel_w, l.in_w);
          const auto count = static_cast<std::int32_t>((rows.end - rows.begin) * (cols.end - cols.begin));
          Scalar* v = out + s * l.out_size + (y * ow + x) * l.in_c;
          for (std::size_t c = 0; c < l.in_c; ++c) v[c] = count > 0 ? fake_quantize_average(v[c], count, qp) : v[c];
        }
      }
  }

  /// Training: the observer sees the values first (unless frozen), then they are fake-quantized.
  void observe_and_quantize(std::size_t t, Scalar* x, std::uint8_t* mask, std::size_t n) noexcept {
    if (!frozen_) (void)observers_[t].observe(x, n);  // non-finite: range kept, the loss skips the sample
    quantize_tensor(t, x, mask, n);
  }

  /// Training forward of the n gathered samples (gather_), fake-quantized input; returns the output.
  const Scalar* train_forward(std::size_t n) noexcept {
    observe_and_quantize(0, gather_.data(), nullptr, n * inputs);
    train_layers<0>(gather_.data(), n);
    return Net::template output_of<layer_count - 1, Batch>(saved_.data());
  }

  template <std::size_t I>
  void train_layers(const Scalar* x, std::size_t n) noexcept {
    using L = typename Net::template layer<I>;
    Scalar* out = Net::template output_of<I, Batch>(saved_.data());
    Scalar* aux = saved_.data() + Batch * (Net::output_offsets[layer_count] + Net::aux_offsets[I]);
    L::forward_train(fq_params_.data() + Net::param_offsets[I], x, out, aux, n, random_);
    constexpr std::size_t size = L::output_shape::size;
    if constexpr (tensor_of[I] != 0) {
      constexpr std::size_t j = tensor_of[I] - 1;
      static_assert(size == plan.block[j].conv_out);
      observe_and_quantize(j + 1, out, masks_.data() + Batch * mask_offsets[j], n * size);
    } else if constexpr (requantized[I] != 0) {
      requantize_average<I>(out, n);
    }
    if constexpr (I + 1 < layer_count) train_layers<I + 1>(out, n);
  }

  /// Inference of one sample: layer I's output at outs + output_offsets[I].
  template <std::size_t I>
  void infer_layers(const Scalar* p, const Scalar* x, Scalar* outs) const noexcept {
    using L = typename Net::template layer<I>;
    Scalar* out = outs + Net::output_offsets[I];
    L::forward(p + Net::param_offsets[I], x, out, 1);
    constexpr std::size_t size = L::output_shape::size;
    if constexpr (tensor_of[I] != 0) quantize_tensor(tensor_of[I], out, nullptr, size);
    else if constexpr (requantized[I] != 0) requantize_average<I>(out, 1);
    if constexpr (I + 1 < layer_count) infer_layers<I + 1>(p, out, outs);
  }

  template <std::size_t I>
  static Scalar* gradient_buffer(Scalar* scratch) noexcept {
    return I % 2 == 0 ? scratch : scratch + Batch * Net::even_buffer;
  }

  /// Backward through layer I and below: the STE mask is applied to the gradient of every
  /// fake-quantized activation before the layer that produced it; weight gradients (taken
  /// at the fake-quantized weights) go straight to the float weights.
  template <std::size_t I>
  void backward_layers(std::size_t n) noexcept {
    using L = typename Net::template layer<I>;
    Scalar* gy = gradient_buffer<I>(gradient_scratch_.data());
    if constexpr (tensor_of[I] != 0) {
      constexpr std::size_t j = tensor_of[I] - 1;
      straight_through(gy, masks_.data() + Batch * mask_offsets[j], n * L::output_shape::size);
    }
    const Scalar* in = I == 0 ? gather_.data() : saved_.data() + Batch * Net::output_offsets[I == 0 ? 0 : I - 1];
    const Scalar* out = Net::template output_of<I, Batch>(saved_.data());
    const Scalar* aux = saved_.data() + Batch * (Net::output_offsets[layer_count] + Net::aux_offsets[I]);
    Scalar* gx = I == 0 ? nullptr : gradient_buffer<(I == 0 ? 0 : I - 1)>(gradient_scratch_.data());
    L::backward(fq_params_.data() + Net::param_offsets[I], in, out, aux, gy, gx, gradient_.data() + Net::param_offsets[I],
                n);
    if constexpr (I > 0) backward_layers<I - 1>(n);
  }

  void apply_update(std::uint32_t samples) noexcept {
    if (samples == 0) {
      gradient_.fill(Scalar(0));
      return;
    }
    const Scalar lr = params_.optimizer.learning_rate * params_.schedule.factor(updates_);
    optimizer_type::step(net_.parameters().data(), gradient_.data(), Scalar(1) / static_cast<Scalar>(samples),
                         optimizer_.data(), lr, params_.optimizer);
    gradient_.fill(Scalar(0));
    ++updates_;
  }

  template <class Dataset, class Index>
  void gather(const Dataset& data, std::span<const Index> idx) noexcept {
    for (std::size_t k = 0; k < idx.size(); ++k) {
      const auto& x = data.input(static_cast<std::size_t>(idx[k]));
      for (std::size_t j = 0; j < inputs; ++j) gather_[k * inputs + j] = x[j];
    }
  }

  params params_;
  Net net_;
  std::array<moving_average_observer, tensors> observers_{};
  std::array<Scalar, param_count> fq_params_{};
  std::array<std::uint8_t, mask_size> masks_{};
  std::array<Scalar, optimizer_type::state_size> optimizer_{};
  std::array<Scalar, param_count> gradient_{};
  std::uint32_t updates_ = 0;
  bool frozen_ = false;
  rng random_;
  std::array<Scalar, saved_size> saved_{};
  std::array<Scalar, gradient_scratch_size> gradient_scratch_{};
  std::array<Scalar, Batch * inputs> gather_{};
};

template <class Net, class Loss, class Optimizer, std::size_t Batch>
constexpr std::size_t qat_learner<Net, Loss, Optimizer, Batch>::memory_bytes = sizeof(qat_learner<Net, Loss, Optimizer, Batch>);

static_assert(edgeloop::online_learner<
              qat_learner<nn::sequential<float, nn::shape<4>, nn::dense<3>, nn::relu, nn::dense<2>>>>);

}  // namespace edgeloop::quant
