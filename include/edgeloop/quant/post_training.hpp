#pragma once
/// post_training: post-training quantization of a float nn::sequential made of dense
/// layers, each optionally followed by relu or relu6 (TFLite's int8 scheme, DESIGN §5):
///   calibrator<Net, Layers, Observer>   streams representative samples through the float
///                                       network and observes the range of every quantized
///                                       tensor (the input and each dense block's output,
///                                       after its activation) with a calibration.hpp observer
///   quantized_sequential<Net, Layers>   the int8 twin of the first `Layers` layers: symmetric
///                                       per-channel int8 weights, asymmetric per-tensor int8
///                                       activations, int32 bias (scale s_in * s_w), relu /
///                                       relu6 fused as the output clamp; runs helper kernels
///                                       quant::conv2d (a 1x1 convolution over one pixel is a
///                                       dense layer with per-channel requantization)
/// A twin of a prefix (Layers < layer_count) is the int8 backbone of int8_head_learner.
/// No heap: all storage is std::array sized at compile time.
/// Memory: memory_bytes = sizeof(quantized_sequential) = packed weights (1 byte each) +
/// per output channel (int32 bias, 8-byte multiplier, float weight scale) + per tensor
/// quant_params + per block output_stage; inference scratch on the stack is
/// 2 * max_width bytes.

#include <array>
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <span>
#include <type_traits>

#include "../core/numeric.hpp"
#include "../core/rng.hpp"
#include "../core/status.hpp"
#include "../nn/relu.hpp"
#include "../nn/relu6.hpp"
#include "../nn/sequential.hpp"
#include "calibration.hpp"
#include "conv2d.hpp"
#include "kernel_path.hpp"
#include "requantize.hpp"
#include "weight_packing.hpp"

namespace edgeloop::quant {

namespace detail {

enum class layer_role : std::uint8_t { unsupported, dense, relu, relu6 };

template <class L>
constexpr layer_role role_of() noexcept {
  using S = typename L::scalar_type;
  using In = typename L::input_shape;
  if constexpr (requires {
                  L::units;
                  L::weight_count;
                })
    return layer_role::dense;
  else if constexpr (std::is_same_v<L, nn::detail::elementwise_layer<nn::relu::fn, S, In>>)
    return layer_role::relu;
  else if constexpr (std::is_same_v<L, nn::detail::elementwise_layer<nn::relu6::fn, S, In>>)
    return layer_role::relu6;
  else
    return layer_role::unsupported;
}

/// Dense blocks (dense + optional activation) of the first Layers layers of Net.
template <class Net, std::size_t Layers>
struct block_plan {
  std::size_t blocks = 0;
  bool valid = true;
  std::array<std::size_t, Layers> dense_layer{};  ///< index in Net of block j's dense layer
  std::array<std::size_t, Layers> last_layer{};   ///< index of its last layer (dense or activation)
  std::array<std::size_t, Layers> inputs{}, outputs{};
  std::array<fused_activation, Layers> activation{};
};

template <class Net, std::size_t... I>
constexpr block_plan<Net, sizeof...(I)> make_plan(std::index_sequence<I...>) noexcept {
  constexpr std::size_t n = sizeof...(I);
  const std::array<layer_role, n> roles = {role_of<typename Net::template layer<I>>()...};
  const std::array<std::size_t, n> ins = {Net::template layer<I>::input_shape::size...};
  const std::array<std::size_t, n> outs = {Net::template layer<I>::output_shape::size...};
  block_plan<Net, n> p{};
  for (std::size_t i = 0; i < n; ++i) {
    if (roles[i] == layer_role::dense) {
      p.dense_layer[p.blocks] = i;
      p.last_layer[p.blocks] = i;
      p.inputs[p.blocks] = ins[i];
      p.outputs[p.blocks] = outs[i];
      p.activation[p.blocks] = fused_activation::none;
      ++p.blocks;
    } else if ((roles[i] == layer_role::relu || roles[i] == layer_role::relu6) && p.blocks > 0 &&
               p.last_layer[p.blocks - 1] + 1 == i && p.activation[p.blocks - 1] == fused_activation::none) {
      p.last_layer[p.blocks - 1] = i;
      p.activation[p.blocks - 1] = roles[i] == layer_role::relu ? fused_activation::relu : fused_activation::relu6;
    } else {
      p.valid = false;  // unsupported layer, or an activation not directly after a dense layer
    }
  }
  if (p.blocks == 0) p.valid = false;
  return p;
}

/// round(x / scale) + zero_point clamped to int8 (TFLite's QUANTIZE), in float: the
/// per-sample path stays on the FPU of a Cortex-M4F (a double division is a library call
/// of hundreds of instructions there). NaN gives -128.
inline std::int8_t quantize_to_int8(float x, float scale, std::int32_t zero_point) noexcept {
  const float r = std::round(x / scale) + static_cast<float>(zero_point);
  return static_cast<std::int8_t>(r >= 127.0f ? 127 : (r >= -128.0f ? static_cast<int>(r) : -128));
}

template <std::size_t N>
constexpr std::size_t largest(const std::array<std::size_t, N>& v, std::size_t count, std::size_t start) noexcept {
  std::size_t m = start;
  for (std::size_t i = 0; i < count; ++i) m = v[i] > m ? v[i] : m;
  return m;
}

}  // namespace detail

/// The quantization plan of the first Layers layers of a float sequential Net.
template <class Net, std::size_t Layers = Net::layer_count>
struct quantization_plan {
  static_assert(std::is_same_v<typename Net::scalar_type, float>, "post-training quantization takes a float network");
  static_assert(Layers >= 1 && Layers <= Net::layer_count, "Layers must be in [1, layer_count]");
  static constexpr auto plan = detail::make_plan<Net>(std::make_index_sequence<Layers>{});
  static_assert(plan.valid, "quantizable layers: dense, each optionally followed by relu or relu6");
  static constexpr std::size_t blocks = plan.blocks;
  static constexpr std::size_t tensors = blocks + 1;  ///< input + each block's output
  static constexpr std::size_t input_size = Net::input_size;
  static constexpr std::size_t output_size = plan.outputs[blocks - 1];
  static constexpr std::size_t max_width = detail::largest(plan.outputs, blocks, input_size);
  static constexpr auto weight_offsets = [] {
    std::array<std::size_t, blocks + 1> o{};
    for (std::size_t j = 0; j < blocks; ++j) o[j + 1] = o[j] + plan.inputs[j] * plan.outputs[j];
    return o;
  }();
  static constexpr auto channel_offsets = [] {
    std::array<std::size_t, blocks + 1> o{};
    for (std::size_t j = 0; j < blocks; ++j) o[j + 1] = o[j] + plan.outputs[j];
    return o;
  }();
};

/// Streams calibration samples through the float network and observes each quantized
/// tensor. observe() returns non_finite_input (and observed nothing) for a sample whose
/// input or any activation is not finite.
template <class Net, std::size_t Layers = Net::layer_count, class Observer = minmax_observer>
class calibrator {
  using plan_type = quantization_plan<Net, Layers>;

 public:
  static constexpr std::size_t tensors = plan_type::tensors;
  using input_type = typename Net::input_type;

  explicit calibrator(const Observer& prototype = Observer{}) noexcept {
    for (auto& o : observers_) o = prototype;
  }

  status observe(const Net& net, const input_type& x) noexcept {
    if (!all_finite(x)) return status::non_finite_input;
    std::array<float, Net::template saved_size<1>> saved;
    rng unused(1);  // forward_train's rng: no quantizable layer draws from it
    (void)net.template forward_train<1>(x.data(), saved.data(), 1, unused);
    for (std::size_t j = 0; j < plan_type::blocks; ++j) {
      const float* y = saved.data() + Net::output_offsets[plan_type::plan.last_layer[j]];
      for (std::size_t k = 0; k < plan_type::plan.outputs[j]; ++k)
        if (!is_finite(y[k])) return status::non_finite_input;
    }
    (void)observers_[0].observe(x.data(), x.size());  // finite: cannot fail
    for (std::size_t j = 0; j < plan_type::blocks; ++j)
      (void)observers_[j + 1].observe(saved.data() + Net::output_offsets[plan_type::plan.last_layer[j]],
                                      plan_type::plan.outputs[j]);
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
  std::array<Observer, tensors> observers_{};
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
      const float* p = net.parameters().data() + Net::param_offsets[plan.dense_layer[j]];
      for (std::size_t i = 0; i < plan.inputs[j] * plan.outputs[j] + plan.outputs[j]; ++i)
        if (!is_finite(p[i])) return status::non_finite_input;
      // The requantization multipliers must be representable before anything changes.
      for (std::size_t o = 0; o < plan.outputs[j]; ++o) {
        const double m = static_cast<double>(tensor_params[j].scale) * row_scale(p + o * plan.inputs[j], plan.inputs[j]) /
                         static_cast<double>(tensor_params[j + 1].scale);
        if (check_multiplier(m) != status::ok) return status::invalid_argument;
      }
    }
    for (std::size_t t = 0; t < tensors; ++t) tensors_[t] = tensor_params[t];
    for (std::size_t j = 0; j < blocks; ++j) {
      const float* p = net.parameters().data() + Net::param_offsets[plan.dense_layer[j]];
      const std::size_t in = plan.inputs[j], out = plan.outputs[j];
      const std::size_t c0 = plan_type::channel_offsets[j];
      std::int8_t* packed = weights_.data() + plan_type::weight_offsets[j];
      for (std::size_t o = 0; o < out; ++o) {
        const float s_w = row_scale(p + o * in, in);
        weight_scales_[c0 + o] = s_w;
        for (std::size_t k = 0; k < in; ++k)
          packed[packed_index(out, in, o, k)] = quantize_value(p[o * in + k], quant_params{s_w, 0});
        const double bias_scale = static_cast<double>(tensors_[j].scale) * s_w;
        bias_[c0 + o] = round_to_int32(static_cast<double>(p[in * out + o]) / bias_scale);
        multipliers_[c0 + o] = quantize_multiplier(bias_scale / static_cast<double>(tensors_[j + 1].scale));
      }
      stages_[j] = make_output_stage(plan.activation[j], tensors_[j + 1].scale, tensors_[j + 1].zero_point);
    }
    return status::ok;
  }

  /// int8 inference: x (input_size, quantized with input_params()) -> y (output_size).
  template <kernel_path Path = default_path>
  void forward(const std::int8_t* x, std::int8_t* y) const noexcept {
    std::array<std::int8_t, 2 * max_width> scratch;
    const std::int8_t* in = x;
    for (std::size_t j = 0; j < blocks; ++j) {
      std::int8_t* out = j + 1 == blocks ? y : scratch.data() + (j % 2) * max_width;
      conv2d<Path>(layer(j), in, out);
      in = out;
    }
  }

  /// Quantizes a float input with input_params() (float arithmetic, detail::quantize_to_int8).
  void quantize_input(const input_type& x, std::int8_t* q) const noexcept {
    const float scale = tensors_[0].scale;
    const std::int32_t zero_point = tensors_[0].zero_point;
    for (std::size_t i = 0; i < input_size; ++i) q[i] = detail::quantize_to_int8(x[i], scale, zero_point);
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
  static constexpr std::size_t block_inputs(std::size_t j) noexcept { return plan.inputs[j]; }
  static constexpr std::size_t block_outputs(std::size_t j) noexcept { return plan.outputs[j]; }
  static constexpr fused_activation block_activation(std::size_t j) noexcept { return plan.activation[j]; }
  std::int8_t weight(std::size_t j, std::size_t o, std::size_t k) const noexcept {
    return weights_[plan_type::weight_offsets[j] + packed_index(plan.outputs[j], plan.inputs[j], o, k)];
  }
  float weight_scale(std::size_t j, std::size_t o) const noexcept { return weight_scales_[plan_type::channel_offsets[j] + o]; }
  std::int32_t bias(std::size_t j, std::size_t o) const noexcept { return bias_[plan_type::channel_offsets[j] + o]; }
  quantized_multiplier multiplier(std::size_t j, std::size_t o) const noexcept {
    return multipliers_[plan_type::channel_offsets[j] + o];
  }
  const output_stage& stage(std::size_t j) const noexcept { return stages_[j]; }

  /// The kernel parameters of block j (a 1x1 convolution over one pixel).
  conv2d_layer layer(std::size_t j) const noexcept {
    conv2d_layer l;
    l.in_h = l.in_w = 1;
    l.in_channels = plan.inputs[j];
    l.out_channels = plan.outputs[j];
    l.weights = weights_.data() + plan_type::weight_offsets[j];
    l.bias = bias_.data() + plan_type::channel_offsets[j];
    l.multipliers = multipliers_.data() + plan_type::channel_offsets[j];
    l.input_zero_point = tensors_[j].zero_point;
    l.output = stages_[j];
    return l;
  }

 private:
  /// Symmetric per-channel scale of one weight row: max |w| / 127 (1 for an all-zero row).
  static float row_scale(const float* w, std::size_t n) noexcept {
    float m = 0;
    for (std::size_t k = 0; k < n; ++k) m = w[k] > m ? w[k] : (-w[k] > m ? -w[k] : m);
    quant_params q;
    (void)choose_symmetric(-m, m, q);  // finite (checked): cannot fail
    return q.scale;
  }
  static std::int32_t round_to_int32(double v) noexcept {
    const double r = detail::round_half_away(v);
    return r < -2147483648.0 ? INT32_MIN : (r > 2147483647.0 ? INT32_MAX : static_cast<std::int32_t>(r));
  }

  std::array<std::int8_t, weight_count> weights_{};  ///< packed per block (weight_packing.hpp)
  std::array<std::int32_t, channel_count> bias_{};
  std::array<quantized_multiplier, channel_count> multipliers_{};
  std::array<float, channel_count> weight_scales_{};
  std::array<quant_params, tensors> tensors_{};
  std::array<output_stage, blocks> stages_{};
};
template <class Net, std::size_t Layers>
constexpr std::size_t quantized_sequential<Net, Layers>::memory_bytes = sizeof(quantized_sequential<Net, Layers>);

}  // namespace edgeloop::quant
