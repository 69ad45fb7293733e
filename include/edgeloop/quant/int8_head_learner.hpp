#pragma once
/// int8_head_learner<Net, MaxClasses>: on-device learning for an int8 network (TinyOL,
/// Ren et al. 2021; float shadow re-quantized in place). The frozen int8 backbone is the
/// post-training twin of all but the last layer of Net (quantized_sequential<Net,
/// layer_count - 1>, kept by reference: it may live in flash); the trainable head is a
/// dense layer of MaxClasses rows over the backbone's features, of which the first
/// active_classes() are in use.
///   predict(x)      int8 end to end: backbone, then the int8 head (quant::conv2d kernel,
///                   per-row weight scales), arg max over the active classes
///   partial_fit(x, y)  one SGD step on softmax cross-entropy over the active classes,
///                   computed on the float shadow of the head from the dequantized int8
///                   features f:  z = W f + b, p = softmax(z), W -= lr (p - e_y) f^T,
///                   b -= lr (p - e_y); then the active rows are re-quantized (per-row
///                   symmetric int8, int32 bias). A label >= active_classes() adds classes
///                   up to it (new rows start at zero); labels >= MaxClasses are refused.
/// The head's int8 output scale comes from the logit range: the calibrated one, widened
/// by every logit the shadow computes while learning.
/// Memory (compile time): memory_bytes = sizeof(int8_head_learner); of it, learning adds
/// learning_bytes = the float shadow (MaxClasses * (Features + 1) * 4 bytes) + the
/// hyper-parameters, counters and logit range; the int8 head (MaxClasses * Features
/// bytes + 12 bytes per row) is what inference alone would also need. partial_fit uses
/// MaxClasses * 4 + Features * 5 + input bytes of stack.

#include <array>
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <type_traits>

#include "../core/numeric.hpp"
#include "../core/status.hpp"
#include "calibration.hpp"
#include "conv2d.hpp"
#include "post_training.hpp"
#include "requantize.hpp"
#include "weight_packing.hpp"

namespace edgeloop::quant {

template <class Net, std::size_t MaxClasses>
class int8_head_learner {
  static_assert(MaxClasses >= 2, "int8_head_learner needs at least two classes");
  using head_layer = typename Net::template layer<Net::layer_count - 1>;
  static_assert(requires { head_layer::units; }, "the last layer of Net must be dense (the head)");

 public:
  using backbone_type = quantized_sequential<Net, Net::layer_count - 1>;
  static constexpr std::size_t features = backbone_type::output_size;
  static constexpr std::size_t input_size = backbone_type::input_size;
  static constexpr std::size_t max_classes = MaxClasses;
  static_assert(head_layer::inputs == features, "head input must be the backbone output");
  using input_type = typename Net::input_type;

  struct params {
    float learning_rate = 0.01f;  ///< SGD step, > 0
  };
  static constexpr status validate(const params& p) noexcept {
    return is_finite(p.learning_rate) && p.learning_rate > 0.0f ? status::ok : status::invalid_argument;
  }

  struct state_type {
    std::uint32_t magic;
    std::uint16_t version;
    std::uint16_t reserved;  ///< 0
    params hyper;
    std::uint32_t active;    ///< active classes, in [1, MaxClasses]
    std::uint32_t updates;   ///< SGD steps made
    float logit_lo, logit_hi;
    std::array<float, MaxClasses * features> w;  ///< float shadow, row-major; inactive rows 0
    std::array<float, MaxClasses> b;
  };
  static constexpr std::uint32_t magic = 0x4c483845u;  // "E8HL"
  static constexpr std::uint16_t version = 1;

  static const std::size_t memory_bytes;
  static constexpr std::size_t learning_bytes =
      sizeof(float) * (MaxClasses * features + MaxClasses) + sizeof(params) + 4 * sizeof(std::uint32_t);

  /// The head starts as the first `classes` rows of Net's last dense layer; `logits` is
  /// the calibrated range of its output (calibrator's last tensor). Asserts on a bad
  /// argument; use init() for a status.
  int8_head_learner(const backbone_type& backbone, const params& p = {}) noexcept : backbone_(&backbone), p_(p) {
    EDGELOOP_ASSERT(validate(p) == status::ok, "int8_head_learner: learning_rate must be > 0");
  }

  /// Takes the head from the float network: rows [0, classes) of its last dense layer.
  /// invalid_argument for classes outside [1, min(MaxClasses, units)] or a bad logit
  /// range, non_finite_input for non-finite weights; unchanged then.
  status init(const Net& net, std::size_t classes, const quant_params& logits) noexcept {
    if (classes < 1 || classes > MaxClasses || classes > head_layer::units) return status::invalid_argument;
    if (!is_finite(logits.scale) || !(logits.scale > 0.0f)) return status::invalid_argument;
    const float* p = net.parameters().data() + Net::param_offsets[Net::layer_count - 1];
    for (std::size_t i = 0; i < head_layer::param_count; ++i)
      if (!is_finite(p[i])) return status::non_finite_input;
    w_.fill(0.0f);
    b_.fill(0.0f);
    for (std::size_t o = 0; o < classes; ++o) {
      for (std::size_t k = 0; k < features; ++k) w_[o * features + k] = p[o * features + k];
      b_[o] = p[head_layer::weight_count + o];
    }
    active_ = static_cast<std::uint32_t>(classes);
    updates_ = 0;
    logit_lo_ = logits.scale * static_cast<float>(-128 - logits.zero_point);
    logit_hi_ = logits.scale * static_cast<float>(127 - logits.zero_point);
    requantize_head();
    return status::ok;
  }

  std::size_t active_classes() const noexcept { return active_; }
  std::uint32_t updates() const noexcept { return updates_; }
  const params& hyper_parameters() const noexcept { return p_; }
  const backbone_type& backbone() const noexcept { return *backbone_; }
  const quant_params& logit_params() const noexcept { return out_; }
  float shadow_weight(std::size_t o, std::size_t k) const noexcept { return w_[o * features + k]; }
  float shadow_bias(std::size_t o) const noexcept { return b_[o]; }
  std::int8_t head_weight(std::size_t o, std::size_t k) const noexcept {
    return head_w_[packed_index(MaxClasses, features, o, k)];
  }
  float head_weight_scale(std::size_t o) const noexcept { return head_scale_[o]; }
  std::int32_t head_bias(std::size_t o) const noexcept { return head_b_[o]; }
  quantized_multiplier head_multiplier(std::size_t o) const noexcept { return head_m_[o]; }

  /// The backbone's int8 features of x and their dequantized values.
  void features_of(const input_type& x, std::int8_t* q, float* f) const noexcept {
    std::array<std::int8_t, input_size> xq;
    backbone_->quantize_input(x, xq.data());
    backbone_->forward(xq.data(), q);
    for (std::size_t k = 0; k < features; ++k) f[k] = dequantize_value(q[k], backbone_->output_params());
  }

  /// int8 logits of all MaxClasses rows (inactive rows give the logit zero point's value).
  template <kernel_path Path = default_path>
  void logits_int8(const input_type& x, std::int8_t* z) const noexcept {
    std::array<std::int8_t, input_size> xq;
    std::array<std::int8_t, features> q;
    backbone_->quantize_input(x, xq.data());
    backbone_->forward(xq.data(), q.data());
    conv2d<Path>(head_layer_params(), q.data(), z);
  }

  class_label predict(const input_type& x) const noexcept {
    std::array<std::int8_t, MaxClasses> z;
    logits_int8(x, z.data());
    std::size_t best = 0;
    for (std::size_t o = 1; o < active_; ++o) best = z[o] > z[best] ? o : best;
    return static_cast<class_label>(best);
  }

  /// One SGD step on (x, y); non_finite_input / label_out_of_range leave it unchanged.
  status partial_fit(const input_type& x, class_label y) noexcept {
    if (!all_finite(x)) return status::non_finite_input;
    if (y >= MaxClasses) return status::label_out_of_range;
    std::array<std::int8_t, features> q;
    std::array<float, features> f;
    features_of(x, q.data(), f.data());
    const std::size_t classes = y >= active_ ? std::size_t{y} + 1 : active_;
    std::array<float, MaxClasses> z{};
    float top = 0;
    for (std::size_t o = 0; o < classes; ++o) {
      float s = b_[o];
      const float* row = w_.data() + o * features;
      for (std::size_t k = 0; k < features; ++k) s += row[k] * f[k];
      z[o] = s;
      top = o == 0 || s > top ? s : top;
    }
    float sum = 0;
    std::array<float, MaxClasses> g{};
    for (std::size_t o = 0; o < classes; ++o) sum += (g[o] = std::exp(z[o] - top));
    if (!is_finite(top) || !is_finite(sum)) return status::non_finite_input;  // shadow overflow: refuse the step
    float lo = logit_lo_, hi = logit_hi_;
    for (std::size_t o = 0; o < classes; ++o) {
      lo = z[o] < lo ? z[o] : lo;
      hi = z[o] > hi ? z[o] : hi;
      g[o] = g[o] / sum - (o == y ? 1.0f : 0.0f);
    }
    const float lr = p_.learning_rate;
    for (std::size_t o = 0; o < classes; ++o) {
      float* row = w_.data() + o * features;
      const float step = lr * g[o];
      for (std::size_t k = 0; k < features; ++k) row[k] -= step * f[k];
      b_[o] -= step;
    }
    active_ = static_cast<std::uint32_t>(classes);
    logit_lo_ = lo, logit_hi_ = hi;
    if (updates_ != UINT32_MAX) ++updates_;
    requantize_head();
    return status::ok;
  }

  state_type state() const noexcept {
    state_type s{};
    s.magic = magic;
    s.version = version;
    s.hyper = p_;
    s.active = active_;
    s.updates = updates_;
    s.logit_lo = logit_lo_;
    s.logit_hi = logit_hi_;
    s.w = w_;
    s.b = b_;
    return s;
  }

  status restore(const state_type& s) noexcept {
    if (s.magic != magic || s.version != version || s.reserved != 0) return status::invalid_state;
    if (validate(s.hyper) != status::ok || s.active < 1 || s.active > MaxClasses) return status::invalid_state;
    if (!all_finite(s.w) || !all_finite(s.b) || !is_finite(s.logit_lo) || !is_finite(s.logit_hi) ||
        s.logit_lo > s.logit_hi)
      return status::invalid_state;
    for (std::size_t o = s.active; o < MaxClasses; ++o) {
      if (s.b[o] != 0.0f) return status::invalid_state;
      for (std::size_t k = 0; k < features; ++k)
        if (s.w[o * features + k] != 0.0f) return status::invalid_state;
    }
    p_ = s.hyper;
    active_ = s.active;
    updates_ = s.updates;
    logit_lo_ = s.logit_lo;
    logit_hi_ = s.logit_hi;
    w_ = s.w;
    b_ = s.b;
    requantize_head();
    return status::ok;
  }

  /// The int8 head's kernel parameters (1x1 convolution over one pixel, all MaxClasses rows).
  conv2d_layer head_layer_params() const noexcept {
    conv2d_layer l;
    l.in_h = l.in_w = 1;
    l.in_channels = features;
    l.out_channels = MaxClasses;
    l.weights = head_w_.data();
    l.bias = head_b_.data();
    l.multipliers = head_m_.data();
    l.input_zero_point = backbone_->output_params().zero_point;
    l.output = output_stage{out_.zero_point, -128, 127};
    return l;
  }

 private:
  /// Re-quantizes every row from the shadow: output scale from the logit range, per-row
  /// symmetric weights, int32 bias with scale s_features * s_row, multiplier
  /// s_features * s_row / s_logits (clamped to the kernels' range; it is < 2^30 for any
  /// sensible scale).
  void requantize_head() noexcept {
    (void)choose_asymmetric(logit_lo_, logit_hi_, out_);  // finite, lo <= hi: cannot fail
    const double s_in = backbone_->output_params().scale;
    for (std::size_t o = 0; o < MaxClasses; ++o) {
      const float* row = w_.data() + o * features;
      float m = 0;
      for (std::size_t k = 0; k < features; ++k) m = row[k] > m ? row[k] : (-row[k] > m ? -row[k] : m);
      quant_params rq;
      (void)choose_symmetric(-m, m, rq);
      head_scale_[o] = rq.scale;
      for (std::size_t k = 0; k < features; ++k)
        head_w_[packed_index(MaxClasses, features, o, k)] = detail::quantize_to_int8(row[k], rq.scale, 0);
      const double bias_scale = s_in * rq.scale;
      const double bq = detail::round_half_away(static_cast<double>(b_[o]) / bias_scale);
      head_b_[o] = bq < -2147483648.0 ? INT32_MIN : (bq > 2147483647.0 ? INT32_MAX : static_cast<std::int32_t>(bq));
      double mult = bias_scale / static_cast<double>(out_.scale);
      if (check_multiplier(mult) != status::ok) mult = 1073741823.0;
      head_m_[o] = quantize_multiplier(mult);
    }
  }

  const backbone_type* backbone_;
  params p_;
  std::uint32_t active_ = 0;
  std::uint32_t updates_ = 0;
  float logit_lo_ = 0, logit_hi_ = 0;
  std::array<float, MaxClasses * features> w_{};
  std::array<float, MaxClasses> b_{};
  // The int8 head (what inference alone also needs).
  quant_params out_{};
  std::array<std::int8_t, MaxClasses * features> head_w_{};  ///< packed (weight_packing.hpp)
  std::array<std::int32_t, MaxClasses> head_b_{};
  std::array<quantized_multiplier, MaxClasses> head_m_{};
  std::array<float, MaxClasses> head_scale_{};
};
template <class Net, std::size_t MaxClasses>
constexpr std::size_t int8_head_learner<Net, MaxClasses>::memory_bytes = sizeof(int8_head_learner<Net, MaxClasses>);

}  // namespace edgeloop::quant
