#pragma once
/// post_training: post-training quantization of a float nn::sequential (TFLite's int8
/// scheme, DESIGN §5). The network is read as blocks: a dense or conv2d layer, an optional
/// relu or relu6 (fused as the output clamp), then any max_pool2d / avg_pool2d / flatten /
/// dropout layers, which keep the block's output quantization (pooling as TFLite: same
/// scale and zero point; flatten and inference-time dropout are the identity on NHWC bytes).
///   calibrator<Net, Layers, Observer>   streams representative samples through the float
///                                       network (inference forward) and observes the range
///                                       of every quantized tensor (the input and each
///                                       block's dense/conv output after its activation)
///                                       with a calibration.hpp observer
///   quantized_sequential<Net, Layers>   the int8 twin of the first `Layers` layers: symmetric
///                                       per-channel int8 weights, asymmetric per-tensor int8
///                                       activations, int32 bias (scale s_in * s_w); dense and
///                                       conv layers run quant::conv2d (a dense layer is a 1x1
///                                       convolution over one pixel, per-channel
///                                       requantization), pooling quant::max_pool2d /
///                                       average_pool2d
/// A twin of a prefix (Layers < layer_count) is the int8 backbone of int8_head_learner.
/// Batch norm must be folded into the layer before it first (nn fold_batch_norm).
/// No heap: all storage is std::array sized at compile time.
/// Memory: memory_bytes = sizeof(quantized_sequential) = packed weights (1 byte each) +
/// per output channel (int32 bias, 8-byte multiplier, float weight scale) + per tensor
/// quant_params + per block output_stage; inference scratch on the stack is
/// 2 * max_width bytes (the largest dense/conv output or the input).

#include <array>
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <span>
#include <type_traits>

#include "../core/numeric.hpp"
#include "../core/rng.hpp"
#include "../core/status.hpp"
#include "../nn/avg_pool2d.hpp"
#include "../nn/conv2d.hpp"
#include "../nn/flatten.hpp"
#include "../nn/max_pool2d.hpp"
#include "../nn/padding.hpp"
#include "../nn/relu.hpp"
#include "../nn/relu6.hpp"
#include "../nn/sequential.hpp"
#include "calibration.hpp"
#include "conv2d.hpp"
#include "kernel_path.hpp"
#include "pooling.hpp"
#include "requantize.hpp"
#include "weight_packing.hpp"

namespace edgeloop::quant {

namespace detail {

enum class layer_role : std::uint8_t { unsupported, dense, conv, relu, relu6, max_pool, avg_pool, passthrough };

template <class L>
struct conv_traits {
  static constexpr bool is_conv = false;
};
template <class S, class In, std::size_t F, std::size_t KH, std::size_t KW, std::size_t SH, std::size_t SW,
          nn::padding P, nn::initializer I>
struct conv_traits<nn::detail::conv2d_layer<S, In, F, KH, KW, SH, SW, P, I>> {
  static constexpr bool is_conv = true;
  static constexpr std::size_t kernel_h = KH, kernel_w = KW, stride_h = SH, stride_w = SW;
  static constexpr nn::padding pad = P;
};
template <class G>
struct window_traits {
  static constexpr bool is_window = false;
};
template <std::size_t In, std::size_t K, std::size_t S, nn::padding P>
struct window_traits<nn::window_geometry<In, K, S, P>> {
  static constexpr bool is_window = true;
  static constexpr std::size_t kernel = K, stride = S;
  static constexpr nn::padding pad = P;
};

template <class L>
constexpr layer_role role_of() noexcept {
  using S = typename L::scalar_type;
  using In = typename L::input_shape;
  if constexpr (conv_traits<L>::is_conv) {
    return layer_role::conv;
  } else if constexpr (requires {
                         L::units;
                         L::weight_count;
                       }) {
    return layer_role::dense;
  } else if constexpr (std::is_same_v<L, nn::detail::elementwise_layer<nn::relu::fn, S, In>>) {
    return layer_role::relu;
  } else if constexpr (std::is_same_v<L, nn::detail::elementwise_layer<nn::relu6::fn, S, In>>) {
    return layer_role::relu6;
  } else if constexpr (std::is_same_v<L, typename nn::flatten::template bind<S, In>>) {
    return layer_role::passthrough;
  } else if constexpr (requires { typename L::rows; typename L::cols; }) {
    using r = window_traits<typename L::rows>;
    using c = window_traits<typename L::cols>;
    if constexpr (r::is_window && c::is_window && r::kernel == c::kernel && r::stride == c::stride &&
                  r::pad == c::pad && L::param_count == 0) {
      if constexpr (std::is_same_v<L, typename nn::max_pool2d<r::kernel, r::stride, r::pad>::template bind<S, In>>)
        return layer_role::max_pool;
      else if constexpr (std::is_same_v<L, typename nn::avg_pool2d<r::kernel, r::stride, r::pad>::template bind<S, In>>)
        return layer_role::avg_pool;
      else
        return layer_role::unsupported;
    } else {
      return layer_role::unsupported;
    }
  } else if constexpr (L::param_count == 0 && L::aux_count == In::size &&
                       std::is_same_v<typename L::output_shape, In> && requires { L::forward; }) {
    // dropout: parameter-free, same shape, a mask for training; the identity in inference
    return layer_role::passthrough;
  } else {
    return layer_role::unsupported;
  }
}

/// A quantized layer geometry: what role_of found plus the shapes, for the plan.
struct layer_info {
  layer_role role = layer_role::unsupported;
  std::size_t in_h = 1, in_w = 1, in_c = 1, out_size = 0, out_c = 1;
  std::size_t kernel_h = 1, kernel_w = 1, stride_h = 1, stride_w = 1;
  padding pad = padding::valid;
};

template <class L>
constexpr layer_info info_of() noexcept {
  layer_info i;
  i.role = role_of<L>();
  using In = typename L::input_shape;
  i.in_h = In::height, i.in_w = In::width, i.in_c = In::channels;
  i.out_size = L::output_shape::size;
  i.out_c = L::output_shape::channels;
  if constexpr (conv_traits<L>::is_conv) {
    using t = conv_traits<L>;
    i.kernel_h = t::kernel_h, i.kernel_w = t::kernel_w, i.stride_h = t::stride_h, i.stride_w = t::stride_w;
    i.pad = t::pad == nn::padding::same ? padding::same : padding::valid;
  } else if constexpr (requires { typename L::rows; }) {
    if constexpr (window_traits<typename L::rows>::is_window) {
      using t = window_traits<typename L::rows>;
      i.kernel_h = i.kernel_w = t::kernel;
      i.stride_h = i.stride_w = t::stride;
      i.pad = t::pad == nn::padding::same ? padding::same : padding::valid;
    }
  }
  return i;
}

/// Up to this many pooling / pass-through layers may follow a block's activation.
inline constexpr std::size_t max_post_ops = 3;

/// One block: a dense or conv layer, its optional relu/relu6 (fused), then pooling,
/// flatten or dropout layers that keep its output quantization.
struct block_info {
  bool conv = false;
  std::size_t weighted_layer = 0;  ///< index in Net of the dense/conv layer
  std::size_t observed_layer = 0;  ///< its last layer before any pooling (what calibration watches)
  std::size_t in_h = 1, in_w = 1, in_c = 1, out_c = 1;
  std::size_t kernel_h = 1, kernel_w = 1, stride_h = 1, stride_w = 1;
  padding pad = padding::valid;
  fused_activation activation = fused_activation::none;
  std::size_t post_ops = 0;
  std::array<layer_info, max_post_ops> post{};
  std::size_t conv_out = 0;  ///< outputs of the dense/conv layer itself
  std::size_t out_size = 0;  ///< outputs of the whole block
  constexpr std::size_t inputs() const noexcept { return in_h * in_w * in_c; }
  constexpr std::size_t depth() const noexcept { return kernel_h * kernel_w * in_c; }
};

/// Blocks of the first Layers layers of Net.
template <std::size_t Layers>
struct block_plan {
  std::size_t blocks = 0;
  bool valid = true;
  std::array<block_info, Layers> block{};
};

template <class Net, std::size_t... I>
constexpr block_plan<sizeof...(I)> make_plan(std::index_sequence<I...>) noexcept {
  constexpr std::size_t n = sizeof...(I);
  const std::array<layer_info, n> layers = {info_of<typename Net::template layer<I>>()...};
  block_plan<n> p{};
  for (std::size_t i = 0; i < n; ++i) {
    const layer_info& l = layers[i];
    block_info* last = p.blocks > 0 ? &p.block[p.blocks - 1] : nullptr;
    if (l.role == layer_role::dense || l.role == layer_role::conv) {
      block_info& b = p.block[p.blocks++];
      b.conv = l.role == layer_role::conv;
      b.weighted_layer = b.observed_layer = i;
      if (b.conv) {
        b.in_h = l.in_h, b.in_w = l.in_w, b.in_c = l.in_c, b.out_c = l.out_c;
        b.kernel_h = l.kernel_h, b.kernel_w = l.kernel_w, b.stride_h = l.stride_h, b.stride_w = l.stride_w;
        b.pad = l.pad;
      } else {
        b.in_h = b.in_w = 1, b.in_c = l.in_h * l.in_w * l.in_c, b.out_c = l.out_size;
      }
      b.conv_out = b.out_size = l.out_size;
    } else if ((l.role == layer_role::relu || l.role == layer_role::relu6) && last != nullptr &&
               last->observed_layer + 1 == i && last->post_ops == 0 && last->activation == fused_activation::none) {
      last->observed_layer = i;
      last->activation = l.role == layer_role::relu ? fused_activation::relu : fused_activation::relu6;
    } else if ((l.role == layer_role::max_pool || l.role == layer_role::avg_pool || l.role == layer_role::passthrough) &&
               last != nullptr && last->post_ops < max_post_ops) {
      last->post[last->post_ops++] = l;
      last->out_size = l.out_size;
    } else {
      p.valid = false;  // unsupported layer, or not in a dense/conv block
    }
  }
  if (p.blocks == 0) p.valid = false;
  return p;
}

}  // namespace detail

/// The quantization plan of the first Layers layers of a float sequential Net.
template <class Net, std::size_t Layers = Net::layer_count>
struct quantization_plan {
  static_assert(std::is_same_v<typename Net::scalar_type, float>, "post-training quantization takes a float network");
  static_assert(Layers >= 1 && Layers <= Net::layer_count, "Layers must be in [1, layer_count]");
  static constexpr auto plan = detail::make_plan<Net>(std::make_index_sequence<Layers>{});
  static_assert(plan.valid,
                "quantizable: blocks of dense or conv2d, optional relu/relu6, then max_pool2d, avg_pool2d, flatten, "
                "dropout");
  static constexpr std::size_t blocks = plan.blocks;
  static constexpr std::size_t tensors = blocks + 1;  ///< input + each block's output
  static constexpr std::size_t input_size = Net::input_size;
  static constexpr std::size_t output_size = plan.block[blocks - 1].out_size;
  static constexpr std::size_t max_width = [] {
    std::size_t m = input_size;
    for (std::size_t j = 0; j < blocks; ++j) m = plan.block[j].conv_out > m ? plan.block[j].conv_out : m;
    return m;
  }();
  static constexpr auto weight_offsets = [] {
    std::array<std::size_t, blocks + 1> o{};
    for (std::size_t j = 0; j < blocks; ++j) o[j + 1] = o[j] + plan.block[j].depth() * plan.block[j].out_c;
    return o;
  }();
  static constexpr auto channel_offsets = [] {
    std::array<std::size_t, blocks + 1> o{};
    for (std::size_t j = 0; j < blocks; ++j) o[j + 1] = o[j] + plan.block[j].out_c;
    return o;
  }();
};

/// Streams calibration samples through the float network (inference forward) and
/// observes each quantized tensor. observe() returns non_finite_input (and observed
/// nothing) for a sample whose input or any observed activation is not finite.
/// Memory: the observers and one float buffer of every layer's output up to the last block.
template <class Net, std::size_t Layers = Net::layer_count, class Observer = minmax_observer>
class calibrator {
  using plan_type = quantization_plan<Net, Layers>;
  static constexpr auto& plan = plan_type::plan;

 public:
  static constexpr std::size_t tensors = plan_type::tensors;
  using input_type = typename Net::input_type;

  explicit calibrator(const Observer& prototype = Observer{}) noexcept {
    for (auto& o : observers_) o = prototype;
  }

  status observe(const Net& net, const input_type& x) noexcept {
    if (!all_finite(x)) return status::non_finite_input;
    run(net, x.data(), std::make_index_sequence<Layers>{});
    for (std::size_t j = 0; j < plan_type::blocks; ++j) {
      const float* y = outputs_.data() + Net::output_offsets[plan.block[j].observed_layer];
      for (std::size_t k = 0; k < plan.block[j].conv_out; ++k)
        if (!is_finite(y[k])) return status::non_finite_input;
    }
    (void)observers_[0].observe(x.data(), x.size());  // finite: cannot fail
    for (std::size_t j = 0; j < plan_type::blocks; ++j)
      (void)observers_[j + 1].observe(outputs_.data() + Net::output_offsets[plan.block[j].observed_layer],
                                      plan.block[j].conv_out);
    return status::ok;
  }

  /// Every sample of a data set (size(), input(i)); stops at the first bad sample.
  template <class Samples>
  status observe_all(const Net& net, const Samples& samples) noexcept {
    for (std::size_t i = 0; i < samples.size(); ++i) EDGELOOP_TRY(observe(net, samples.input(i)));
    return status::ok;
  }

  const Observer& observer(std::size_t tensor) const noexcept { return observers_[tensor]; }

  /// Asymmetric int8 parameters of every tensor (not_ready before the first sample).
  status ranges(std::array<quant_params, tensors>& out) const noexcept {
    std::array<quant_params, tensors> r{};
    for (std::size_t t = 0; t < tensors; ++t) EDGELOOP_TRY(observers_[t].params(r[t]));
    out = r;
    return status::ok;
  }

 private:
  template <std::size_t... I>
  void run(const Net& net, const float* x, std::index_sequence<I...>) noexcept {
    const float* in = x;
    ((Net::template layer<I>::forward(net.parameters().data() + Net::param_offsets[I], in,
                                      outputs_.data() + Net::output_offsets[I], 1),
      in = outputs_.data() + Net::output_offsets[I]),
     ...);
  }

  std::array<Observer, tensors> observers_{};
  std::array<float, Net::output_offsets[Layers]> outputs_{};
};

/// The int8 twin of the first Layers layers of Net.
template <class Net, std::size_t Layers = Net::layer_count>
class quantized_sequential {
  using plan_type = quantization_plan<Net, Layers>;
  static constexpr auto& plan = plan_type::plan;

 public:
  static constexpr std::size_t blocks = plan_type::blocks;
  static constexpr std::size_t tensors = plan_type::tensors;
  static constexpr std::size_t input_size = plan_type::input_size;
  static constexpr std::size_t output_size = plan_type::output_size;
  static constexpr std::size_t max_width = plan_type::max_width;
  static constexpr std::size_t weight_count = plan_type::weight_offsets[blocks];
  static constexpr std::size_t channel_count = plan_type::channel_offsets[blocks];
  static constexpr std::size_t inference_scratch_bytes = 2 * max_width;
  static const std::size_t memory_bytes;
  using input_type = typename Net::input_type;
  using output_type = std::array<float, output_size>;

  /// Quantizes the network with tensor parameters from a calibrator (at least `tensors`
  /// entries: the input, then each block's output). invalid_argument if a parameter is
  /// not usable (scale not positive and finite, zero point outside int8, a requantization
  /// multiplier out of range), non_finite_input for non-finite weights; *this unchanged then.
  status build(const Net& net, std::span<const quant_params> tensor_params) noexcept {
    if (tensor_params.size() < tensors) return status::invalid_argument;
    for (std::size_t t = 0; t < tensors; ++t) {
      const quant_params& q = tensor_params[t];
      if (!is_finite(q.scale) || !(q.scale > 0.0f) || q.zero_point < -128 || q.zero_point > 127)
        return status::invalid_argument;
    }
    for (std::size_t j = 0; j < blocks; ++j) {
      const detail::block_info& b = plan.block[j];
      const float* p = net.parameters().data() + Net::param_offsets[b.weighted_layer];
      for (std::size_t i = 0; i < (b.depth() + 1) * b.out_c; ++i)
        if (!is_finite(p[i])) return status::non_finite_input;
      // The requantization multipliers must be representable before anything changes.
      for (std::size_t o = 0; o < b.out_c; ++o) {
        const double m = static_cast<double>(tensor_params[j].scale) * row_scale(b, p, o) /
                         static_cast<double>(tensor_params[j + 1].scale);
        if (check_multiplier(m) != status::ok) return status::invalid_argument;
      }
    }
    for (std::size_t t = 0; t < tensors; ++t) tensors_[t] = tensor_params[t];
    for (std::size_t j = 0; j < blocks; ++j) {
      const detail::block_info& b = plan.block[j];
      const float* p = net.parameters().data() + Net::param_offsets[b.weighted_layer];
      const std::size_t depth = b.depth(), out = b.out_c;
      const std::size_t c0 = plan_type::channel_offsets[j];
      std::int8_t* packed = weights_.data() + plan_type::weight_offsets[j];
      for (std::size_t o = 0; o < out; ++o) {
        const float s_w = row_scale(b, p, o);
        weight_scales_[c0 + o] = s_w;
        for (std::size_t k = 0; k < depth; ++k)
          packed[packed_index(out, depth, o, k)] = quantize_value(float_weight(b, p, o, k), quant_params{s_w, 0});
        const double bias_scale = static_cast<double>(tensors_[j].scale) * s_w;
        bias_[c0 + o] = round_to_int32(static_cast<double>(p[depth * out + o]) / bias_scale);
        multipliers_[c0 + o] = quantize_multiplier(bias_scale / static_cast<double>(tensors_[j + 1].scale));
      }
      stages_[j] = make_output_stage(b.activation, tensors_[j + 1].scale, tensors_[j + 1].zero_point);
    }
    return status::ok;
  }

  /// int8 inference: x (input_size, quantized with input_params()) -> y (output_size).
  template <kernel_path Path = default_path>
  void forward(const std::int8_t* x, std::int8_t* y) const noexcept {
    std::array<std::int8_t, 2 * max_width> scratch;
    std::int8_t* const buffers[2] = {scratch.data(), scratch.data() + max_width};
    const std::int8_t* in = x;
    for (std::size_t j = 0; j < blocks; ++j) {
      std::int8_t* out = in == buffers[0] ? buffers[1] : buffers[0];
      conv2d<Path>(layer(j), in, out);
      in = out;
      const detail::block_info& b = plan.block[j];
      for (std::size_t k = 0; k < b.post_ops; ++k) {
        const detail::layer_info& op = b.post[k];
        if (op.role == detail::layer_role::passthrough) continue;  // flatten, dropout: same bytes
        std::int8_t* pooled = in == buffers[0] ? buffers[1] : buffers[0];
        const pool2d_layer pl{op.in_h, op.in_w, op.in_c, op.kernel_h, op.kernel_w, op.stride_h, op.stride_w, op.pad,
                              stages_[j].activation_min, stages_[j].activation_max};
        if (op.role == detail::layer_role::max_pool) max_pool2d(pl, in, pooled);
        else average_pool2d(pl, in, pooled);
        in = pooled;
      }
    }
    for (std::size_t o = 0; o < output_size; ++o) y[o] = in[o];
  }

  /// Quantizes a float input with input_params() (float arithmetic, detail::quantize_to_int8).
  void quantize_input(const input_type& x, std::int8_t* q) const noexcept {
    detail::quantize_to_int8(x.data(), input_size, tensors_[0].scale, tensors_[0].zero_point, q);
  }

  /// Float in, dequantized float out (the int8 network in between).
  output_type predict_dequantized(const input_type& x) const noexcept {
    std::array<std::int8_t, input_size> q;
    std::array<std::int8_t, output_size> y;
    quantize_input(x, q.data());
    forward(q.data(), y.data());
    output_type r;
    for (std::size_t o = 0; o < output_size; ++o) r[o] = dequantize_value(y[o], tensors_[blocks]);
    return r;
  }

  /// Arg max of the int8 output (ties: the lowest index).
  class_label predict(const input_type& x) const noexcept {
    std::array<std::int8_t, input_size> q;
    std::array<std::int8_t, output_size> y;
    quantize_input(x, q.data());
    forward(q.data(), y.data());
    std::size_t best = 0;
    for (std::size_t o = 1; o < output_size; ++o) best = y[o] > y[best] ? o : best;
    return static_cast<class_label>(best);
  }

  // The quantized parameters, for inspection and the tests' reference computation.
  const quant_params& input_params() const noexcept { return tensors_[0]; }
  const quant_params& output_params() const noexcept { return tensors_[blocks]; }
  const quant_params& tensor_params(std::size_t t) const noexcept { return tensors_[t]; }
  /// Weights per output channel of block j (kernel_h * kernel_w * in_channels; dense: inputs).
  static constexpr std::size_t block_inputs(std::size_t j) noexcept { return plan.block[j].depth(); }
  /// Output channels of block j's dense/conv layer.
  static constexpr std::size_t block_outputs(std::size_t j) noexcept { return plan.block[j].out_c; }
  static constexpr fused_activation block_activation(std::size_t j) noexcept { return plan.block[j].activation; }
  /// Weight k (OHWI order within a row) of output channel o of block j.
  std::int8_t weight(std::size_t j, std::size_t o, std::size_t k) const noexcept {
    return weights_[plan_type::weight_offsets[j] + packed_index(plan.block[j].out_c, plan.block[j].depth(), o, k)];
  }
  float weight_scale(std::size_t j, std::size_t o) const noexcept { return weight_scales_[plan_type::channel_offsets[j] + o]; }
  std::int32_t bias(std::size_t j, std::size_t o) const noexcept { return bias_[plan_type::channel_offsets[j] + o]; }
  quantized_multiplier multiplier(std::size_t j, std::size_t o) const noexcept {
    return multipliers_[plan_type::channel_offsets[j] + o];
  }
  const output_stage& stage(std::size_t j) const noexcept { return stages_[j]; }

  /// The kernel parameters of block j's dense/conv layer (dense: a 1x1 convolution over one pixel).
  conv2d_layer layer(std::size_t j) const noexcept {
    const detail::block_info& b = plan.block[j];
    conv2d_layer l;
    l.in_h = b.in_h, l.in_w = b.in_w, l.in_channels = b.in_c, l.out_channels = b.out_c;
    l.kernel_h = b.kernel_h, l.kernel_w = b.kernel_w, l.stride_h = b.stride_h, l.stride_w = b.stride_w;
    l.pad = b.pad;
    l.weights = weights_.data() + plan_type::weight_offsets[j];
    l.bias = bias_.data() + plan_type::channel_offsets[j];
    l.multipliers = multipliers_.data() + plan_type::channel_offsets[j];
    l.input_zero_point = tensors_[j].zero_point;
    l.output = stages_[j];
    return l;
  }

 private:
  /// Float weight k (OHWI order) of output o: dense stores [out][in], conv HWIO [k][out].
  static float float_weight(const detail::block_info& b, const float* p, std::size_t o, std::size_t k) noexcept {
    return b.conv ? p[k * b.out_c + o] : p[o * b.depth() + k];
  }
  /// Symmetric per-channel scale of one output channel: max |w| / 127 (1 for all zeros).
  static float row_scale(const detail::block_info& b, const float* p, std::size_t o) noexcept {
    float m = 0;
    for (std::size_t k = 0; k < b.depth(); ++k) {
      const float w = float_weight(b, p, o, k);
      m = w > m ? w : (-w > m ? -w : m);
    }
    quant_params q;
    (void)choose_symmetric(-m, m, q);  // finite (checked): cannot fail
    return q.scale;
  }
  static std::int32_t round_to_int32(double v) noexcept {
    const double r = detail::round_half_away(v);
    return r < -2147483648.0 ? INT32_MIN : (r > 2147483647.0 ? INT32_MAX : static_cast<std::int32_t>(r));
  }

  std::array<std::int8_t, weight_count> weights_{};  ///< packed OHWI per block (weight_packing.hpp)
  std::array<std::int32_t, channel_count> bias_{};
  std::array<quantized_multiplier, channel_count> multipliers_{};
  std::array<float, channel_count> weight_scales_{};
  std::array<quant_params, tensors> tensors_{};
  std::array<output_stage, blocks> stages_{};
};
template <class Net, std::size_t Layers>
constexpr std::size_t quantized_sequential<Net, Layers>::memory_bytes = sizeof(quantized_sequential<Net, Layers>);

}  // namespace edgeloop::quant
