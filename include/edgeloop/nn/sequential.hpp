#pragma once
/// sequential<Scalar, InputShape, Layers...>: a feed-forward network. Each layer spec is
/// bound to the output shape of the layer before it at compile time; the network owns
/// ONE parameter block (std::array of param_count scalars) and every layer works on its
/// slice. Nothing else lives in the object: sizeof(sequential) == parameter_bytes.
///
/// Compile-time memory (scalars unless named *_bytes):
///   param_count                       sum of the layers' parameters
///   inference_scratch_size            ping-pong buffers: the outputs of even layers share
///                                     one buffer, those of odd layers the other, so
///                                     max(even outputs) + max(odd outputs); the input is
///                                     read in place
///   inference_bytes                   (param_count + inference_scratch_size) * sizeof(Scalar)
///   saved_size<Batch>                 training: every layer's output and aux (dropout
///                                     mask) for Batch samples, kept for backward
///   gradient_scratch_size<Batch>      training: ping-pong buffers for dL/d(activation)
/// The training memory of a learner (gradients, optimizer state) is published by learner.

#include <array>
#include <cstddef>
#include <cstdint>
#include <tuple>
#include <utility>

#include "../core/assert.hpp"
#include "../core/numeric.hpp"
#include "../core/rng.hpp"
#include "layer.hpp"
#include "shape.hpp"

namespace edgeloop::nn {

namespace detail {

template <class Scalar, class In, class... Layers>
struct layer_chain {
  using bound = std::tuple<>;
  using output_shape = In;
};
template <class Scalar, class In, class First, class... Rest>
struct layer_chain<Scalar, In, First, Rest...> {
  using first = typename First::template bind<Scalar, In>;
  static_assert(bound_layer<first>, "a layer spec does not bind to a bound_layer (see nn/layer.hpp)");
  using rest = layer_chain<Scalar, typename first::output_shape, Rest...>;
  using bound = decltype(std::tuple_cat(std::declval<std::tuple<first>>(), std::declval<typename rest::bound>()));
  using output_shape = typename rest::output_shape;
};

template <std::size_t N>
constexpr std::array<std::size_t, N + 1> prefix_sums(const std::array<std::size_t, N>& v) noexcept {
  std::array<std::size_t, N + 1> out{};
  for (std::size_t i = 0; i < N; ++i) out[i + 1] = out[i] + v[i];
  return out;
}
template <std::size_t N>
constexpr std::size_t parity_max(const std::array<std::size_t, N>& v, std::size_t parity) noexcept {
  std::size_t m = 0;
  for (std::size_t i = parity; i < N; i += 2) m = v[i] > m ? v[i] : m;
  return m;
}

}  // namespace detail

template <scalar Scalar, class InputShape, class... Layers>
class sequential {
  static_assert(sizeof...(Layers) > 0, "sequential needs at least one layer");
  using chain = detail::layer_chain<Scalar, InputShape, Layers...>;

 public:
  using scalar_type = Scalar;
  using layers = typename chain::bound;  ///< std::tuple of the bound layers
  template <std::size_t I>
  using layer = std::tuple_element_t<I, layers>;
  using input_shape = InputShape;
  using output_shape = typename chain::output_shape;
  static constexpr std::size_t layer_count = sizeof...(Layers);
  static constexpr std::size_t input_size = InputShape::size;
  static constexpr std::size_t output_size = output_shape::size;
  using input_type = std::array<Scalar, input_size>;
  using output_type = std::array<Scalar, output_size>;

 private:
  template <std::size_t... I>
  static constexpr std::array<std::size_t, layer_count> params_of(std::index_sequence<I...>) noexcept {
    return {layer<I>::param_count...};
  }
  template <std::size_t... I>
  static constexpr std::array<std::size_t, layer_count> outputs_of(std::index_sequence<I...>) noexcept {
    return {layer<I>::output_shape::size...};
  }
  template <std::size_t... I>
  static constexpr std::array<std::size_t, layer_count> aux_of(std::index_sequence<I...>) noexcept {
    return {layer<I>::aux_count...};
  }
  using indices = std::make_index_sequence<layer_count>;

 public:
  static constexpr std::array<std::size_t, layer_count> layer_params = params_of(indices{});
  static constexpr std::array<std::size_t, layer_count> layer_outputs = outputs_of(indices{});
  static constexpr std::array<std::size_t, layer_count> layer_aux = aux_of(indices{});
  static constexpr std::array<std::size_t, layer_count + 1> param_offsets = detail::prefix_sums(layer_params);
  static constexpr std::array<std::size_t, layer_count + 1> output_offsets = detail::prefix_sums(layer_outputs);
  static constexpr std::array<std::size_t, layer_count + 1> aux_offsets = detail::prefix_sums(layer_aux);

  static constexpr std::size_t param_count = param_offsets[layer_count];
  static constexpr std::size_t parameter_bytes = param_count * sizeof(Scalar);
  static constexpr std::size_t even_buffer = detail::parity_max(layer_outputs, 0);
  static constexpr std::size_t odd_buffer = detail::parity_max(layer_outputs, 1);
  static constexpr std::size_t inference_scratch_size = even_buffer + odd_buffer;
  static constexpr std::size_t inference_bytes = (param_count + inference_scratch_size) * sizeof(Scalar);
  /// Scalars kept between forward_train and backward for Batch samples.
  template <std::size_t Batch>
  static constexpr std::size_t saved_size = Batch * (output_offsets[layer_count] + aux_offsets[layer_count]);
  /// Scalars of the gradient ping-pong buffers for Batch samples.
  template <std::size_t Batch>
  static constexpr std::size_t gradient_scratch_size = Batch * inference_scratch_size;
  /// Multiply-accumulates of one forward pass are not tracked here; see the layers.

  static_assert(param_count > 0, "sequential needs at least one trainable parameter");

  /// Parameters initialised with rng(seed) (each layer's initialiser, in layer order).
  explicit sequential(std::uint64_t seed = 1) noexcept {
    rng r(seed);
    initialize(r);
  }

  void initialize(rng& r) noexcept { init_layers(r, indices{}); }

  std::array<Scalar, param_count>& parameters() noexcept { return params_; }
  const std::array<Scalar, param_count>& parameters() const noexcept { return params_; }

  /// Output of one sample (scratch on the stack: inference_scratch_size scalars).
  output_type forward(const input_type& x) const noexcept {
    std::array<Scalar, inference_scratch_size> scratch;
    output_type y;
    forward(x.data(), y.data(), 1, scratch.data());
    return y;
  }

  /// Inference for n samples (stored one after the other) into y (n * output_size);
  /// scratch holds n * inference_scratch_size scalars.
  void forward(const Scalar* x, Scalar* y, std::size_t n, Scalar* scratch) const noexcept {
    Scalar* buffers[2] = {scratch, scratch + n * even_buffer};
    forward_layers<0>(x, y, n, buffers);
  }

  /// Training forward for n <= Batch samples: every layer's output and aux go to `saved`
  /// (saved_size<Batch> scalars). Returns the network output (inside `saved`).
  template <std::size_t Batch>
  const Scalar* forward_train(const Scalar* x, Scalar* saved, std::size_t n, rng& r) const noexcept {
    EDGELOOP_ASSERT(n >= 1 && n <= Batch, "sequential::forward_train: n must be in [1, Batch]");
    forward_train_layers<0, Batch>(x, saved, n, r);
    return output_of<layer_count - 1, Batch>(saved);
  }

  /// Where forward_train<Batch> left layer I's output in `saved`.
  template <std::size_t I, std::size_t Batch>
  static Scalar* output_of(Scalar* saved) noexcept { return saved + Batch * output_offsets[I]; }
  template <std::size_t I, std::size_t Batch>
  static const Scalar* output_of(const Scalar* saved) noexcept { return saved + Batch * output_offsets[I]; }

  /// Buffer that must receive dL/d(output) (n * output_size scalars) before backward.
  template <std::size_t Batch>
  static Scalar* output_gradient(Scalar* gradient_scratch) noexcept {
    return gradient_buffer<layer_count - 1, Batch>(gradient_scratch);
  }

  /// Backward for the n samples of the last forward_train<Batch>: grad += dL/dparams.
  /// x is the same input; gradient_scratch (gradient_scratch_size<Batch>) holds dL/d(output)
  /// at output_gradient(). The gradient with respect to x itself is not computed.
  template <std::size_t Batch>
  void backward(const Scalar* x, const Scalar* saved, Scalar* gradient_scratch, Scalar* grad,
                std::size_t n) const noexcept {
    backward_layers<layer_count - 1, Batch>(x, saved, gradient_scratch, grad, n);
  }

  /// Backward for the one sample of the last forward_train<Batch> that hands each layer's
  /// parameter gradient to apply(first, g, scale, count) as soon as it is known: the
  /// gradient of parameters first..first+count of the block is scale * g[0..count), so that an optimizer updates right away: layer I's input gradient is
  /// computed before its parameters change, so every gradient is the one backward() gives.
  /// Layers with backward_apply (dense) never store theirs; the others write it into
  /// `grad` (param_count scalars, all zero on entry and on return).
  template <std::size_t Batch, class Apply>
  void backward_apply(const Scalar* x, const Scalar* saved, Scalar* gradient_scratch, Scalar* grad,
                      Apply&& apply) noexcept {
    backward_apply_layers<layer_count - 1, Batch>(x, saved, gradient_scratch, grad, apply);
  }

  friend bool operator==(const sequential& a, const sequential& b) noexcept { return a.params_ == b.params_; }

 private:
  template <std::size_t... I>
  void init_layers(rng& r, std::index_sequence<I...>) noexcept {
    (layer<I>::initialize(params_.data() + param_offsets[I], r), ...);
  }

  template <std::size_t I>
  void forward_layers(const Scalar* x, Scalar* y, std::size_t n, Scalar* const* buffers) const noexcept {
    Scalar* out = I + 1 == layer_count ? y : buffers[I % 2];
    layer<I>::forward(params_.data() + param_offsets[I], x, out, n);
    if constexpr (I + 1 < layer_count) forward_layers<I + 1>(out, y, n, buffers);
  }

  template <std::size_t I, std::size_t Batch>
  void forward_train_layers(const Scalar* x, Scalar* saved, std::size_t n, rng& r) const noexcept {
    Scalar* out = output_of<I, Batch>(saved);
    Scalar* aux = saved + Batch * (output_offsets[layer_count] + aux_offsets[I]);
    layer<I>::forward_train(params_.data() + param_offsets[I], x, out, aux, n, r);
    if constexpr (I + 1 < layer_count) forward_train_layers<I + 1, Batch>(out, saved, n, r);
  }

  template <std::size_t I, std::size_t Batch>
  static Scalar* gradient_buffer(Scalar* scratch) noexcept {
    return I % 2 == 0 ? scratch : scratch + Batch * even_buffer;
  }

  template <std::size_t I, std::size_t Batch>
  void backward_layers(const Scalar* x, const Scalar* saved, Scalar* scratch, Scalar* grad, std::size_t n) const noexcept {
    const Scalar* in = I == 0 ? x : saved + Batch * output_offsets[I == 0 ? 0 : I - 1];
    const Scalar* out = output_of<I, Batch>(saved);
    const Scalar* aux = saved + Batch * (output_offsets[layer_count] + aux_offsets[I]);
    Scalar* gin = I == 0 ? nullptr : gradient_buffer<(I == 0 ? 0 : I - 1), Batch>(scratch);
    layer<I>::backward(params_.data() + param_offsets[I], in, out, aux, gradient_buffer<I, Batch>(scratch), gin,
                       grad + param_offsets[I], n);
    if constexpr (I > 0) backward_layers<I - 1, Batch>(x, saved, scratch, grad, n);
  }

  template <std::size_t I, std::size_t Batch, class Apply>
  void backward_apply_layers(const Scalar* x, const Scalar* saved, Scalar* scratch, Scalar* grad,
                             Apply& apply) noexcept {
    using L = layer<I>;
    const Scalar* in = I == 0 ? x : saved + Batch * output_offsets[I == 0 ? 0 : I - 1];
    const Scalar* out = output_of<I, Batch>(saved);
    const Scalar* aux = saved + Batch * (output_offsets[layer_count] + aux_offsets[I]);
    Scalar* gin = I == 0 ? nullptr : gradient_buffer<(I == 0 ? 0 : I - 1), Batch>(scratch);
    const Scalar* gout = gradient_buffer<I, Batch>(scratch);
    Scalar* p = params_.data() + param_offsets[I];
    if constexpr (requires { L::has_backward_apply; }) {
      L::backward_apply(p, in, gout, gin, [&](std::size_t offset, const Scalar* g, Scalar scale, std::size_t count) {
        apply(param_offsets[I] + offset, g, scale, count);
      });
    } else {
      Scalar* gp = grad + param_offsets[I];
      L::backward(p, in, out, aux, gout, gin, gp, 1);
      if constexpr (L::param_count > 0) {
        apply(param_offsets[I], static_cast<const Scalar*>(gp), Scalar(1), L::param_count);
        for (std::size_t i = 0; i < L::param_count; ++i) gp[i] = Scalar(0);
      }
    }
    if constexpr (I > 0) backward_apply_layers<I - 1, Batch>(x, saved, scratch, grad, apply);
  }

  std::array<Scalar, param_count> params_;
};

}  // namespace edgeloop::nn
