#pragma once
/// batch_norm<Epsilon = 1e-5>: batch normalisation (Ioffe & Szegedy 2015) per feature:
/// per channel of a shape<H, W, C> input (over the samples and the H*W positions), per
/// element of a flat shape<N> (after dense). Parameters, 4 * features scalars in the
/// network's block: gamma (starts at 1), beta (0), then the statistics used at inference,
/// mean (0) and variance (1), which receive no gradient.
///
///  - Training (forward_train/backward over the n samples of one call): batch statistics of
///    those n samples, mean and biased variance, and the exact gradient through them. The
///    learner calls a layer with its micro-batch, so the statistics are those of the
///    micro-batch; with fit's batch_size equal to the learner's Batch (as the fashion_mnist
///    example) that is the whole gradient-accumulated mini-batch. Not with Batch = 1: one
///    sample normalises to beta.
///  - Inference (forward): y = gamma (x - mean) / sqrt(variance + eps) + beta with the stored
///    statistics. Layers are stateless functions of a const parameter block, so no running
///    average is kept during training; the statistics are estimated afterwards over training
///    data with the weights fixed, calibrate_batch_norm() below (the population statistics
///    "precise BatchNorm" computes, Wu & Johnson 2021), Welford's algorithm, no extra memory.
///  - Deployment: fold_batch_norm() folds it into the preceding dense, conv2d, conv1d or
///    depthwise_conv2d: w' = w s, b' = (b - mean) s + beta, s = gamma / sqrt(variance + eps).
/// Memory: 4 * features * sizeof(Scalar); nothing saved for backward (the batch statistics
/// are recomputed from the layer's input).

#include <cmath>
#include <cstddef>
#include <span>
#include <type_traits>

#include "../core/numeric.hpp"
#include "../core/status.hpp"
#include "layer.hpp"
#include "sequential.hpp"

namespace edgeloop::nn {

template <float Epsilon = 1e-5f>
struct batch_norm {
  static_assert(Epsilon > 0.0f, "batch_norm epsilon must be positive");

  template <scalar Scalar, class InputShape>
  struct bind {
    using scalar_type = Scalar;
    using input_shape = InputShape;
    using output_shape = InputShape;
    static constexpr bool is_batch_norm = true;
    static constexpr std::size_t features = is_flat<InputShape> ? InputShape::size : InputShape::channels;
    static constexpr std::size_t positions = InputShape::size / features;
    static constexpr std::size_t param_count = 4 * features;
    static constexpr std::size_t aux_count = 0;
    static constexpr std::size_t gamma_offset = 0, beta_offset = features, mean_offset = 2 * features,
                                 variance_offset = 3 * features;
    static constexpr Scalar epsilon = static_cast<Scalar>(Epsilon);

    static void initialize(Scalar* p, rng&) noexcept {
      for (std::size_t f = 0; f < features; ++f) {
        p[gamma_offset + f] = Scalar(1);
        p[beta_offset + f] = Scalar(0);
        p[mean_offset + f] = Scalar(0);
        p[variance_offset + f] = Scalar(1);
      }
    }

    static void forward(const Scalar* p, const Scalar* x, Scalar* y, std::size_t n) noexcept {
      Scalar scale[features], shift[features];
      for (std::size_t f = 0; f < features; ++f) {
        scale[f] = p[gamma_offset + f] / std::sqrt(p[variance_offset + f] + epsilon);
        shift[f] = p[beta_offset + f] - p[mean_offset + f] * scale[f];
      }
      for (std::size_t i = 0; i < n * positions; ++i)
        for (std::size_t f = 0; f < features; ++f) y[i * features + f] = x[i * features + f] * scale[f] + shift[f];
    }

    static void forward_train(const Scalar* p, const Scalar* x, Scalar* y, Scalar*, std::size_t n, rng&) noexcept {
      Scalar mean[features], inv_std[features];
      batch_statistics(x, n, mean, inv_std);
      for (std::size_t i = 0; i < n * positions; ++i)
        for (std::size_t f = 0; f < features; ++f) {
          const Scalar xhat = (x[i * features + f] - mean[f]) * inv_std[f];
          y[i * features + f] = p[gamma_offset + f] * xhat + p[beta_offset + f];
        }
    }

    /// gx = inv_std (g - mean(g) - xhat mean(g xhat)) with g = gamma gy (per feature, over
    /// the n * positions values); dgamma = sum gy xhat, dbeta = sum gy.
    static void backward(const Scalar* p, const Scalar* x, const Scalar*, const Scalar*, const Scalar* gy, Scalar* gx,
                         Scalar* gp, std::size_t n) noexcept {
      Scalar mean[features], inv_std[features], sum_g[features] = {}, sum_gx[features] = {};
      batch_statistics(x, n, mean, inv_std);
      for (std::size_t i = 0; i < n * positions; ++i)
        for (std::size_t f = 0; f < features; ++f) {
          const Scalar xhat = (x[i * features + f] - mean[f]) * inv_std[f];
          sum_g[f] += gy[i * features + f];
          sum_gx[f] += gy[i * features + f] * xhat;
        }
      for (std::size_t f = 0; f < features; ++f) {
        gp[gamma_offset + f] += sum_gx[f];
        gp[beta_offset + f] += sum_g[f];
      }
      if (gx == nullptr) return;
      const Scalar inv_m = Scalar(1) / static_cast<Scalar>(n * positions);
      for (std::size_t i = 0; i < n * positions; ++i)
        for (std::size_t f = 0; f < features; ++f) {
          const Scalar gamma = p[gamma_offset + f];
          const Scalar xhat = (x[i * features + f] - mean[f]) * inv_std[f];
          gx[i * features + f] =
              gamma * inv_std[f] * (gy[i * features + f] - sum_g[f] * inv_m - xhat * sum_gx[f] * inv_m);
        }
    }

    /// Mean and 1 / sqrt(biased variance + eps) per feature over n samples (two passes).
    static void batch_statistics(const Scalar* x, std::size_t n, Scalar* mean, Scalar* inv_std) noexcept {
      const std::size_t m = n * positions;
      Scalar var[features] = {};
      for (std::size_t f = 0; f < features; ++f) mean[f] = Scalar(0);
      for (std::size_t i = 0; i < m; ++i)
        for (std::size_t f = 0; f < features; ++f) mean[f] += x[i * features + f];
      for (std::size_t f = 0; f < features; ++f) mean[f] /= static_cast<Scalar>(m);
      for (std::size_t i = 0; i < m; ++i)
        for (std::size_t f = 0; f < features; ++f) {
          const Scalar d = x[i * features + f] - mean[f];
          var[f] += d * d;
        }
      for (std::size_t f = 0; f < features; ++f)
        inv_std[f] = Scalar(1) / std::sqrt(var[f] / static_cast<Scalar>(m) + epsilon);
    }
  };
};

namespace detail {
template <class L>
concept batch_norm_layer = requires { requires L::is_batch_norm; };

template <class Net, std::size_t J, std::size_t End>
const typename Net::scalar_type* forward_prefix(const Net& net, const typename Net::scalar_type* x,
                                                typename Net::scalar_type* const* buffers) noexcept {
  typename Net::scalar_type* out = buffers[J % 2];
  Net::template layer<J>::forward(net.parameters().data() + Net::param_offsets[J], x, out, 1);
  if constexpr (J + 1 < End) return forward_prefix<Net, J + 1, End>(net, out, buffers);
  return out;
}
template <class Net, std::size_t I, class Dataset>
void calibrate_layer(Net& net, const Dataset& data, typename Net::scalar_type* scratch) noexcept {
  using Scalar = typename Net::scalar_type;
  using bn = typename Net::template layer<I>;
  if constexpr (batch_norm_layer<bn>) {
    constexpr std::size_t F = bn::features;
    Scalar* p = net.parameters().data() + Net::param_offsets[I];
    Scalar* mean = p + bn::mean_offset;
    Scalar* m2 = p + bn::variance_offset;
    for (std::size_t f = 0; f < F; ++f) mean[f] = m2[f] = Scalar(0);
    Scalar* buffers[2] = {scratch, scratch + Net::even_buffer};
    std::size_t count = 0;
    for (std::size_t s = 0; s < data.size(); ++s) {
      // Inference through layers 0 .. I-1 (earlier batch_norm layers with their new statistics).
      const Scalar* in = data.input(s).data();
      if constexpr (I > 0) in = forward_prefix<Net, 0, I>(net, in, buffers);
      for (std::size_t j = 0; j < bn::positions; ++j) {
        ++count;
        const Scalar inv = Scalar(1) / static_cast<Scalar>(count);
        for (std::size_t f = 0; f < F; ++f) {  // Welford
          const Scalar v = in[j * F + f];
          const Scalar d = v - mean[f];
          mean[f] += d * inv;
          m2[f] += d * (v - mean[f]);
        }
      }
    }
    for (std::size_t f = 0; f < F; ++f) m2[f] /= static_cast<Scalar>(count);  // biased, as training
  }
  if constexpr (I + 1 < Net::layer_count) calibrate_layer<Net, I + 1>(net, data, scratch);
}

}  // namespace detail

/// Sets the inference statistics (mean, biased variance) of every batch_norm layer of net
/// to those of its input over data (Dataset: size(), input(i) -> input_type), layer after
/// layer in inference mode. scratch: Net::inference_scratch_size scalars. invalid_argument
/// for an empty dataset or a short scratch, non_finite_input when an input is not finite
/// (the network unchanged in both cases).
template <class Net, class Dataset>
status calibrate_batch_norm(Net& net, const Dataset& data, std::span<typename Net::scalar_type> scratch) noexcept {
  if (data.size() == 0 || scratch.size() < Net::inference_scratch_size) return status::invalid_argument;
  for (std::size_t s = 0; s < data.size(); ++s)
    if (!all_finite(data.input(s))) return status::non_finite_input;
  detail::calibrate_layer<Net, 0>(net, data, scratch.data());
  return status::ok;
}

/// Folds batch_norm layer Norm into the layer Prev before it (a bound dense, conv2d, conv1d
/// or depthwise_conv2d): out (Prev::param_count scalars) are Prev's parameters such that
/// Prev alone computes Norm(Prev(x)) at inference. prev and out may be the same array.
template <class Prev, class Norm>
void fold_batch_norm(const typename Prev::scalar_type* prev, const typename Prev::scalar_type* norm,
                     typename Prev::scalar_type* out) noexcept {
  using Scalar = typename Prev::scalar_type;
  static_assert(detail::batch_norm_layer<Norm>, "fold_batch_norm: the second layer must be a batch_norm");
  static_assert(std::is_same_v<typename Prev::output_shape, typename Norm::input_shape>,
                "fold_batch_norm: batch_norm must follow the layer directly");
  constexpr std::size_t F = Norm::features;
  constexpr std::size_t weights = Prev::param_count - F;  // biases last, one per output channel
  Scalar scale[F];
  for (std::size_t f = 0; f < F; ++f)
    scale[f] = norm[Norm::gamma_offset + f] / std::sqrt(norm[Norm::variance_offset + f] + Norm::epsilon);
  for (std::size_t i = 0; i < weights; ++i) {
    std::size_t f;
    if constexpr (requires { Prev::units; })
      f = i / Prev::inputs;  // dense: row-major Units x In
    else
      f = i % F;  // convolutions: output channel fastest
    out[i] = prev[i] * scale[f];
  }
  for (std::size_t f = 0; f < F; ++f)
    out[weights + f] =
        (prev[weights + f] - norm[Norm::mean_offset + f]) * scale[f] + norm[Norm::beta_offset + f];
}

}  // namespace edgeloop::nn
