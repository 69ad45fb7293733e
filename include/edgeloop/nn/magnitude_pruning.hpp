#pragma once
/// magnitude_pruning<Net>: weight masks for unstructured magnitude pruning (Han et al.
/// 2015; Zhu & Gupta 2017) of a sequential network. The prunable weights are the
/// weight_count weights at the start of every layer that publishes weight_count (dense,
/// conv1d, conv2d, depthwise_conv2d); biases and batch_norm parameters are never pruned.
/// prune(net, s, scope) keeps exactly the k = n - round(s * n) weights of largest |w|
///   per_layer  in every prunable layer (n = that layer's weights)
///   global     over all prunable weights at once (n = weight_count)
/// (ties: the lower index is kept) and zeroes the others; apply(net) zeroes them again,
/// call it after every optimizer step so pruned weights stay zero while fine-tuning
/// (nn/pruned_learner.hpp does). The k-th largest |w| is found by bisection on the IEEE
/// bit pattern of |w| (monotone for non-negative values): no sort, no buffer, bits(Scalar)
/// passes over the weights.
/// Memory: one bit per prunable weight, memory_bytes = mask_bytes = ceil(weight_count / 8).

#include <array>
#include <bit>
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <type_traits>
#include <utility>

#include "../core/numeric.hpp"
#include "../core/padding.hpp"
#include "../core/status.hpp"
#include "sequential.hpp"

namespace edgeloop::nn {

enum class pruning_scope : std::uint8_t { per_layer, global };

namespace detail {

template <class Layer>
constexpr std::size_t prunable_weights_of() noexcept {
  if constexpr (requires { Layer::weight_count; })
    return Layer::weight_count;
  else
    return 0;
}

}  // namespace detail

template <class Net>
class magnitude_pruning {
 public:
  using network_type = Net;
  using scalar_type = typename Net::scalar_type;
  using Scalar = scalar_type;
  static constexpr std::size_t layer_count = Net::layer_count;

 private:
  template <std::size_t... I>
  static constexpr std::array<std::size_t, layer_count> weights_of(std::index_sequence<I...>) noexcept {
    return {detail::prunable_weights_of<typename Net::template layer<I>>()...};
  }
  using bits_type = std::conditional_t<sizeof(Scalar) == 8, std::uint64_t, std::uint32_t>;
  static_assert(sizeof(bits_type) == sizeof(Scalar), "magnitude_pruning needs float or double");

 public:
  /// Prunable weights of each layer (0: not pruned) and where they start in the mask.
  static constexpr std::array<std::size_t, layer_count> layer_weights = weights_of(std::make_index_sequence<layer_count>{});
  static constexpr std::array<std::size_t, layer_count + 1> mask_offsets = detail::prefix_sums(layer_weights);
  static constexpr std::size_t weight_count = mask_offsets[layer_count];
  static constexpr std::size_t mask_bytes = (weight_count + 7) / 8;
  static_assert(weight_count > 0, "magnitude_pruning: the network has no dense or convolution weights");

  struct state_type {
    std::uint32_t magic;
    std::uint16_t version;
    std::uint16_t reserved;  ///< 0
    std::array<std::uint8_t, mask_bytes> bits;  ///< bit i set: prunable weight i kept
    [[no_unique_address]] explicit_padding<padding_to(4, mask_bytes)> tail;  ///< 0 (core/padding.hpp)
  };
  static constexpr std::uint32_t magic = 0x4D504C45u;  // "ELPM" little-endian
  static constexpr std::uint16_t version = 1;
  static const std::size_t memory_bytes;

  /// Sparsity in [0, 1) and finite.
  static constexpr status validate_sparsity(Scalar sparsity) noexcept {
    return is_finite(sparsity) && sparsity >= Scalar(0) && sparsity < Scalar(1) ? status::ok : status::invalid_argument;
  }
  /// Weights pruned out of n at this sparsity: round(s * n).
  static constexpr std::size_t pruned_of(std::size_t n, Scalar sparsity) noexcept {
    const auto p = static_cast<std::size_t>(sparsity * static_cast<Scalar>(n) + Scalar(0.5));
    return p < n ? p : n;
  }

  /// Every weight kept.
  magnitude_pruning() noexcept { reset(); }

  void reset() noexcept {
    bits_.fill(0xFF);
    if constexpr (weight_count % 8 != 0) bits_[mask_bytes - 1] = static_cast<std::uint8_t>((1u << (weight_count % 8)) - 1u);
  }

  /// Recomputes the masks from the magnitudes of net's weights and zeroes the pruned ones.
  /// invalid_argument for a sparsity outside [0, 1), non_finite_input when a weight is not
  /// finite: then neither the masks nor net changed.
  status prune(Net& net, Scalar sparsity, pruning_scope scope = pruning_scope::per_layer) noexcept {
    EDGELOOP_TRY(validate_sparsity(sparsity));
    if (!all_finite(net.parameters())) return status::non_finite_input;
    const Scalar* p = net.parameters().data();
    if (scope == pruning_scope::global) {
      select(p, 0, layer_count, weight_count - pruned_of(weight_count, sparsity));
    } else {
      for (std::size_t l = 0; l < layer_count; ++l)
        if (layer_weights[l] > 0) select(p, l, l + 1, layer_weights[l] - pruned_of(layer_weights[l], sparsity));
    }
    apply(net);
    return status::ok;
  }

  /// Zeroes the pruned weights of net (after every optimizer step while fine-tuning).
  void apply(Net& net) const noexcept { apply(net.parameters().data()); }
  void apply(Scalar* params) const noexcept {
    for (std::size_t l = 0; l < layer_count; ++l) {
      if (layer_weights[l] == 0) continue;
      Scalar* w = params + Net::param_offsets[l];
      for (std::size_t j = 0; j < layer_weights[l]; ++j)
        if (!kept(mask_offsets[l] + j)) w[j] = Scalar(0);
    }
  }

  /// Whether prunable weight i (0 .. weight_count-1, layer by layer) is kept.
  bool kept(std::size_t i) const noexcept { return (bits_[i / 8] >> (i % 8)) & 1u; }
  /// Whether weight j of layer l is kept (always true for parameters that are not pruned).
  bool kept(std::size_t l, std::size_t j) const noexcept { return j >= layer_weights[l] || kept(mask_offsets[l] + j); }
  /// Kept weights (of weight_count), overall and in layer l.
  std::size_t kept_count() const noexcept { return count_kept(0, weight_count); }
  std::size_t kept_count(std::size_t l) const noexcept { return count_kept(mask_offsets[l], mask_offsets[l + 1]); }
  /// Fraction of the prunable weights that are pruned.
  Scalar sparsity() const noexcept {
    return static_cast<Scalar>(weight_count - kept_count()) / static_cast<Scalar>(weight_count);
  }

  state_type state() const noexcept {
    state_type s{};
    s.magic = magic;
    s.version = version;
    s.reserved = 0;
    s.bits = bits_;
    return s;
  }
  /// invalid_state (nothing changed) for a wrong magic/version or bits set past weight_count.
  status restore(const state_type& s) noexcept {
    EDGELOOP_TRY(check(s));
    bits_ = s.bits;
    return status::ok;
  }
  static constexpr status check(const state_type& s) noexcept {
    if (s.magic != magic || s.version != version || s.reserved != 0) return status::invalid_state;
    if constexpr (weight_count % 8 != 0)
      if ((s.bits[mask_bytes - 1] >> (weight_count % 8)) != 0) return status::invalid_state;
    return status::ok;
  }

  friend bool operator==(const magnitude_pruning& a, const magnitude_pruning& b) noexcept { return a.bits_ == b.bits_; }

 private:
  static bits_type key(Scalar w) noexcept { return std::bit_cast<bits_type>(std::fabs(w)); }

  template <class Fn>
  static void for_each_weight(const Scalar* p, std::size_t first_layer, std::size_t last_layer, Fn&& fn) noexcept {
    for (std::size_t l = first_layer; l < last_layer; ++l) {
      const Scalar* w = p + Net::param_offsets[l];
      for (std::size_t j = 0; j < layer_weights[l]; ++j) fn(mask_offsets[l] + j, key(w[j]));
    }
  }
  static std::size_t count_at_least(const Scalar* p, std::size_t first, std::size_t last, bits_type t) noexcept {
    std::size_t c = 0;
    for_each_weight(p, first, last, [&](std::size_t, bits_type k) { c += k >= t ? 1u : 0u; });
    return c;
  }

  /// Keeps exactly `keep` of the weights of layers [first, last): the largest |w|.
  void select(const Scalar* p, std::size_t first, std::size_t last, std::size_t keep) noexcept {
    // Largest t with at least `keep` keys >= t (count(>= 0) is all of them).
    bits_type lo = 0, hi = 0;
    for_each_weight(p, first, last, [&](std::size_t, bits_type k) { hi = k > hi ? k : hi; });
    if (keep == 0) {
      lo = hi;  // unused below: nothing is kept
    } else {
      while (lo < hi) {  // invariant: count(>= lo) >= keep; the answer is in [lo, hi]
        const bits_type mid = lo + (hi - lo) / 2 + 1;
        if (count_at_least(p, first, last, mid) >= keep)
          lo = mid;
        else
          hi = mid - 1;
      }
    }
    std::size_t ties = keep == 0 ? 0 : keep - count_above(p, first, last, lo);  // kept at |w| == t
    for_each_weight(p, first, last, [&](std::size_t i, bits_type k) {
      bool keep_it = keep > 0 && k > lo;
      if (keep > 0 && k == lo && ties > 0) {
        keep_it = true;
        --ties;
      }
      set(i, keep_it);
    });
  }
  static std::size_t count_above(const Scalar* p, std::size_t first, std::size_t last, bits_type t) noexcept {
    std::size_t c = 0;
    for_each_weight(p, first, last, [&](std::size_t, bits_type k) { c += k > t ? 1u : 0u; });
    return c;
  }
  void set(std::size_t i, bool on) noexcept {
    const auto bit = static_cast<std::uint8_t>(1u << (i % 8));
    bits_[i / 8] = static_cast<std::uint8_t>(on ? bits_[i / 8] | bit : bits_[i / 8] & ~bit);
  }
  std::size_t count_kept(std::size_t begin, std::size_t end) const noexcept {
    std::size_t c = 0;
    for (std::size_t i = begin; i < end; ++i) c += kept(i) ? 1u : 0u;
    return c;
  }

  std::array<std::uint8_t, mask_bytes> bits_;
};

template <class Net>
constexpr std::size_t magnitude_pruning<Net>::memory_bytes = sizeof(magnitude_pruning<Net>);

}  // namespace edgeloop::nn
