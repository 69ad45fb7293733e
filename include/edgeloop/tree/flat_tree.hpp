#pragma once
/// flat_tree: the compiled inference form of a decision tree (the node-array layout of
/// emlearn and of scikit-learn's tree_ arrays): one contiguous array of binary tests
/// `x[feature] <= threshold ? left : right`, where a child >= 0 is a node index and a
/// child < 0 is the leaf ~child whose output is leaves[~child]. Children always have
/// larger indices than their parent (so every walk ends). Prediction is a branch-light
/// loop of one load, one compare and one select per level.
///
/// Built at run time from a trained `hoeffding_tree` or `cart` (assign), or at compile
/// time from arrays (constexpr constructor), so a generated node array can live in flash
/// as `static constexpr` (host/flat_tree_source.hpp prints one).
///
/// - hoeffding_tree: numeric splits map to one node; a multiway nominal split of k values
///   to a chain of k-1 nodes `x <= b - ulp` (value index b-1 vs the rest, the same clamping
///   of out-of-range values as the tree); a binary nominal split `value == v` to one or two
///   nodes (both may lead to the same "rest" subtree). Leaves predict their majority
///   class (lowest index on ties): naive-Bayes leaf predictions are NOT carried over, so
///   the flat tree predicts like the source only when the source uses
///   leaf_prediction::majority_class (or where its leaves happen to agree).
/// - cart: splits map one to one; leaves predict the most frequent class (classifier) or
///   the mean (regressor, Output = Scalar).
///
/// Thresholds are Scalar, or std::int16_t (Threshold = std::int16_t): inputs are then
/// quantized per feature, q = clamp(round_half_up((x - offset_f) / scale_f), -32768,
/// 32767), and a threshold t becomes the largest grid index T with offset_f + T*scale_f
/// <= t. For inputs on the grid (x = offset_f + k*scale_f in Scalar, |k| <= 32767) the
/// int16 tree predicts exactly like the source. An input off the grid goes left when its
/// nearest grid point is <= T (computed as (x - offset - scale/2)/scale < T, so exact
/// midpoints between grid points may go either way): inputs within half a step of a
/// threshold may take the other side than in the source. predict_quantized() takes inputs
/// already on the grid (quantize(), or e.g. raw ADC counts with scale 1, offset 0):
/// integers only, and the same decisions as predict() on the grid.
/// NaN inputs are not supported (they go right at numeric nodes; the source trees differ).
///
/// Memory: MaxNodes * sizeof(node) (8 bytes with int16 thresholds, 8 or 12 with float:
/// threshold, 16-bit feature, two 16-bit children) + (MaxNodes + 1) * sizeof(Output) for
/// the leaves + 4 * Features * sizeof(Scalar) for int16 quantization + 12 bytes; exact value
/// in memory_bytes. assign() uses (2 * MaxNodes + 1) * 2 bytes of stack.

#include <array>
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <limits>
#include <span>
#include <type_traits>

#include "../core/assert.hpp"
#include "../core/concepts.hpp"
#include "../core/numeric.hpp"
#include "../core/status.hpp"
#include "attribute_observer.hpp"
#include "cart.hpp"

namespace edgeloop {

namespace detail {

/// A hoeffding_tree as seen by flat_tree (nodes with kind, feature, threshold,
/// first_child, branches and class counts; nominal cardinalities in its params).
template <class T>
concept flattenable_hoeffding_tree = requires(const T& t, std::size_t i) {
  { t.node_count() } -> std::convertible_to<std::size_t>;
  { t.node_at(i).kind } -> std::convertible_to<split_kind>;
  { t.node_at(i).branches } -> std::convertible_to<std::size_t>;
  { t.node_at(i).first_child } -> std::convertible_to<std::size_t>;
  { t.node_at(i).feature } -> std::convertible_to<std::size_t>;
  t.node_at(i).counts;
  t.node_at(i).threshold;
  t.parameters().nominal_cardinality;
};

}  // namespace detail

template <scalar Scalar, std::size_t Features, std::size_t MaxNodes, class Output = class_label,
          class Threshold = Scalar>
class flat_tree {
  static_assert(Features >= 1 && Features <= 0xFFFF, "flat_tree: 1 to 65535 features");
  static_assert(MaxNodes >= 1 && MaxNodes <= 0x7FFF, "flat_tree: child indices are 16-bit signed");
  static_assert(std::is_same_v<Threshold, Scalar> || std::is_same_v<Threshold, std::int16_t>,
                "flat_tree: Threshold is Scalar or std::int16_t");
  static_assert(std::is_arithmetic_v<Output>, "flat_tree: Output is a class label or a value");

 public:
  static constexpr bool quantized = std::is_same_v<Threshold, std::int16_t>;
  static constexpr std::size_t max_leaves = MaxNodes + 1;
  using input_type = std::array<Scalar, Features>;
  using quantized_input_type = std::array<std::int16_t, Features>;
  using output_type = Output;

  /// x[feature] <= threshold ? left : right; a child c < 0 is leaf ~c.
  struct node {
    Threshold threshold;
    std::uint16_t feature;
    std::int16_t left;
    std::int16_t right;
  };

  /// Per-feature input grid of int16 thresholds: x = offset + q * scale.
  struct quantization {
    std::array<Scalar, Features> scale;
    std::array<Scalar, Features> offset;
  };

  struct state_type {
    std::uint32_t magic;
    std::uint16_t version;
    std::uint16_t node_count;
    std::uint16_t leaf_count;
    std::uint16_t reserved;
    std::array<node, MaxNodes> nodes;
    std::array<Output, max_leaves> leaves;
    std::array<Scalar, quantized ? Features : 0> scale;
    std::array<Scalar, quantized ? Features : 0> inverse_scale;
    std::array<Scalar, quantized ? Features : 0> offset;
    std::array<Scalar, quantized ? Features : 0> midpoint_offset;  ///< offset + scale/2
  };

  static constexpr std::uint32_t magic = 0x54414C46u;  // "FLAT"
  static constexpr std::uint16_t version = 1;
  static const std::size_t memory_bytes;

  /// The grid that maps [lo_f, hi_f] onto [-32767, 32767] (scale (hi-lo)/65534 > 0).
  static constexpr quantization grid_from_range(const std::array<Scalar, Features>& lo,
                                                const std::array<Scalar, Features>& hi) noexcept {
    quantization q{};
    for (std::size_t f = 0; f < Features; ++f) {
      const Scalar span = hi[f] > lo[f] ? hi[f] - lo[f] : Scalar(1);
      q.scale[f] = span / Scalar(65534);
      q.offset[f] = lo[f] + span / Scalar(2);
    }
    return q;
  }

  /// True when the arrays form a valid flat tree: 1..MaxNodes nodes, leaves in
  /// 1..MaxNodes+1, features < Features, children in range and after their parent.
  static constexpr bool valid(std::span<const node> nodes, std::size_t leaf_count) noexcept {
    if (nodes.empty() || nodes.size() > MaxNodes || leaf_count == 0 || leaf_count > max_leaves) return false;
    for (std::size_t i = 0; i < nodes.size(); ++i) {
      const node& n = nodes[i];
      if (n.feature >= Features) return false;
      for (const std::int16_t c : {n.left, n.right}) {
        if (c >= 0 ? (static_cast<std::size_t>(c) <= i || static_cast<std::size_t>(c) >= nodes.size())
                   : static_cast<std::size_t>(~c) >= leaf_count)
          return false;
      }
    }
    return true;
  }

  /// A tree that predicts leaves 0 = Output{} for every input.
  constexpr flat_tree() noexcept : s_{} {
    s_.magic = magic;
    s_.version = version;
    s_.node_count = 1;
    s_.leaf_count = 1;
    s_.nodes[0] = node{Threshold{}, 0, -1, -1};
    if constexpr (quantized)
      for (std::size_t f = 0; f < Features; ++f) set_grid(f, Scalar(1), Scalar(0));
  }

  /// From arrays (constexpr: a tree in flash). The arrays must be valid() (checked by an
  /// assertion; at compile time an invalid array does not compile when asserts are on).
  constexpr flat_tree(std::span<const node> nodes, std::span<const Output> leaves) noexcept
    requires(!quantized)
      : flat_tree() {
    set_arrays(nodes, leaves);
  }
  constexpr flat_tree(std::span<const node> nodes, std::span<const Output> leaves, const quantization& grid) noexcept
    requires(quantized)
      : flat_tree() {
    for (std::size_t f = 0; f < Features; ++f) set_grid(f, grid.scale[f], grid.offset[f]);
    set_arrays(nodes, leaves);
  }

  /// Sets the int16 grid (before assign). invalid_argument (and no change) when a scale
  /// is not positive and finite or an offset not finite.
  status set_quantization(const quantization& grid) noexcept
    requires(quantized)
  {
    for (std::size_t f = 0; f < Features; ++f)
      if (!(grid.scale[f] > Scalar(0)) || !is_finite(grid.scale[f]) || !is_finite(grid.offset[f]) ||
          !is_finite(Scalar(1) / grid.scale[f]))
        return status::invalid_argument;
    for (std::size_t f = 0; f < Features; ++f) set_grid(f, grid.scale[f], grid.offset[f]);
    return status::ok;
  }

  /// Compiles a trained hoeffding_tree (majority-class leaves). capacity_exceeded (and no
  /// change) when it needs more than MaxNodes nodes or MaxNodes + 1 leaves.
  template <detail::flattenable_hoeffding_tree Tree>
  status assign(const Tree& t) noexcept {
    const auto& card = t.parameters().nominal_cardinality;
    const std::size_t count = t.node_count();
    std::size_t nodes_needed = 0, leaves_needed = 0;
    for (std::size_t i = 0; i < count; ++i) {
      const auto& n = t.node_at(i);
      if (n.kind == split_kind::leaf) {
        ++leaves_needed;
      } else if (n.kind == split_kind::numeric) {
        ++nodes_needed;
      } else if (n.kind == split_kind::nominal_multiway) {
        nodes_needed += std::size_t{n.branches} - 1;
      } else {
        nodes_needed += binary_nominal_nodes(static_cast<std::size_t>(n.threshold), card[n.feature]);
      }
    }
    if (nodes_needed == 0) nodes_needed = 1;  // a single leaf: one node leading to it
    if (nodes_needed > MaxNodes || leaves_needed > max_leaves || count > 2 * MaxNodes + 1)
      return status::capacity_exceeded;

    // flat index of each source node: node index (>= 0) for splits, ~leaf for leaves.
    std::array<std::int16_t, 2 * MaxNodes + 1> where{};
    std::size_t next_node = 0, next_leaf = 0;
    for (std::size_t i = 0; i < count; ++i) {
      const auto& n = t.node_at(i);
      if (n.kind == split_kind::leaf) {
        where[i] = static_cast<std::int16_t>(~static_cast<int>(next_leaf++));
        continue;
      }
      where[i] = static_cast<std::int16_t>(next_node);
      next_node += n.kind == split_kind::numeric            ? 1
                   : n.kind == split_kind::nominal_multiway ? std::size_t{n.branches} - 1
                                                            : binary_nominal_nodes(static_cast<std::size_t>(n.threshold), card[n.feature]);
    }
    s_.node_count = static_cast<std::uint16_t>(nodes_needed);
    s_.leaf_count = static_cast<std::uint16_t>(leaves_needed);
    if (count == 1) s_.nodes[0] = node{Threshold{}, 0, -1, -1};
    for (std::size_t i = 0; i < count; ++i) {
      const auto& n = t.node_at(i);
      if (n.kind == split_kind::leaf) {
        s_.leaves[static_cast<std::size_t>(~where[i])] = static_cast<Output>(majority(n.counts));
        continue;
      }
      const auto first = static_cast<std::size_t>(where[i]);
      const std::size_t f = n.feature;
      auto child = [&](std::size_t b) { return where[n.first_child + b]; };
      if (n.kind == split_kind::numeric) {
        emit(first, f, at_most(n.threshold, f), child(0), child(1));
      } else if (n.kind == split_kind::nominal_multiway) {
        // value index b for x < b + 1 (b < k - 1), the last for the rest.
        const std::size_t k = n.branches;
        for (std::size_t b = 0; b + 1 < k; ++b) {
          const std::int16_t rest = b + 2 < k ? static_cast<std::int16_t>(first + b + 1) : child(k - 1);
          emit(first + b, f, below(static_cast<Scalar>(b + 1), f), child(b), rest);
        }
      } else {
        // value index v (left) against the rest (right); values clamp to 0 .. k-1.
        const auto v = static_cast<std::size_t>(n.threshold);
        const std::size_t k = card[f];
        if (v == 0) {
          emit(first, f, below(Scalar(1), f), child(0), child(1));
        } else if (v + 1 >= k) {
          emit(first, f, below(static_cast<Scalar>(v), f), child(1), child(0));
        } else {
          emit(first, f, below(static_cast<Scalar>(v), f), child(1), static_cast<std::int16_t>(first + 1));
          emit(first + 1, f, below(static_cast<Scalar>(v + 1), f), child(0), child(1));
        }
      }
    }
    return status::ok;
  }

  /// Compiles a trained cart (classifier: Output is a class label; regressor: Output is a
  /// floating-point value). capacity_exceeded (and no change) when it does not fit.
  template <std::size_t Classes, std::size_t CartNodes, std::size_t CartSamples, cart_task Task>
  status assign(const basic_cart<Scalar, Features, Classes, CartNodes, CartSamples, Task>& t) noexcept {
    static_assert(Task == cart_task::classification || std::is_floating_point_v<Output>,
                  "flat_tree: a regressor's leaves need a floating-point Output");
    const std::size_t count = t.node_count();
    const std::size_t splits = (count - 1) / 2;
    if ((splits > 0 ? splits : 1) > MaxNodes || splits + 1 > max_leaves) return status::capacity_exceeded;
    std::array<std::int16_t, 2 * MaxNodes + 1> where{};
    std::size_t next_node = 0, next_leaf = 0;
    for (std::size_t i = 0; i < count; ++i)
      where[i] = t.node_at(i).is_leaf() ? static_cast<std::int16_t>(~static_cast<int>(next_leaf++))
                                        : static_cast<std::int16_t>(next_node++);
    s_.node_count = static_cast<std::uint16_t>(splits > 0 ? splits : 1);
    s_.leaf_count = static_cast<std::uint16_t>(next_leaf);
    if (count == 1) s_.nodes[0] = node{Threshold{}, 0, -1, -1};
    for (std::size_t i = 0; i < count; ++i) {
      const auto& n = t.node_at(i);
      if (n.is_leaf()) {
        if constexpr (Task == cart_task::regression)
          s_.leaves[static_cast<std::size_t>(~where[i])] = static_cast<Output>(n.value[0]);
        else
          s_.leaves[static_cast<std::size_t>(~where[i])] = static_cast<Output>(majority(n.value));
        continue;
      }
      emit(static_cast<std::size_t>(where[i]), n.feature, at_most(n.threshold, n.feature), where[n.first_child],
           where[n.first_child + 1u]);
    }
    return status::ok;
  }

  /// The output of the leaf x reaches.
  constexpr Output predict(const input_type& x) const noexcept {
    const node* n = s_.nodes.data();
    for (;;) {
      std::int_fast32_t c;
      if constexpr (quantized)  // grid position (x - offset)/scale - 1/2 < T: nearest grid point <= T
        c = (x[n->feature] - s_.midpoint_offset[n->feature]) * s_.inverse_scale[n->feature] <
                    static_cast<Scalar>(n->threshold)
                ? n->left
                : n->right;
      else
        c = x[n->feature] <= n->threshold ? n->left : n->right;
      if (c < 0) return s_.leaves[static_cast<std::size_t>(~c)];
      n = s_.nodes.data() + c;
    }
  }

  /// The output for an input already on the int16 grid (no floating point).
  constexpr Output predict_quantized(const quantized_input_type& q) const noexcept
    requires(quantized)
  {
    const node* n = s_.nodes.data();
    for (;;) {
      const std::int_fast32_t c = q[n->feature] <= n->threshold ? n->left : n->right;
      if (c < 0) return s_.leaves[static_cast<std::size_t>(~c)];
      n = s_.nodes.data() + c;
    }
  }

  /// Grid index of x for feature f (round half up, clamped to int16).
  constexpr std::int16_t quantize(Scalar x, std::size_t f) const noexcept
    requires(quantized)
  {
    Scalar r = (x - s_.offset[f]) * s_.inverse_scale[f] + Scalar(0.5);
    if (!(r > Scalar(-32768))) return -32768;  // NaN too
    if (r >= Scalar(32767)) return 32767;
    auto q = static_cast<std::int32_t>(r);  // toward zero
    if (static_cast<Scalar>(q) > r) --q;    // floor
    return static_cast<std::int16_t>(q);
  }
  /// The input value of grid index q for feature f: offset + q * scale.
  constexpr Scalar dequantize(std::int32_t q, std::size_t f) const noexcept
    requires(quantized)
  {
    return s_.offset[f] + static_cast<Scalar>(q) * s_.scale[f];
  }

  constexpr std::size_t node_count() const noexcept { return s_.node_count; }
  constexpr std::size_t leaf_count() const noexcept { return s_.leaf_count; }
  constexpr const node& node_at(std::size_t i) const noexcept { return s_.nodes[i]; }
  constexpr const Output& leaf_at(std::size_t i) const noexcept { return s_.leaves[i]; }
  constexpr std::span<const node> nodes() const noexcept { return {s_.nodes.data(), s_.node_count}; }
  constexpr std::span<const Output> leaves() const noexcept { return {s_.leaves.data(), s_.leaf_count}; }
  constexpr quantization grid() const noexcept
    requires(quantized)
  {
    return quantization{s_.scale, s_.offset};
  }

  state_type state() const noexcept { return s_; }

  /// invalid_state (and no change) for a wrong magic/version or invalid arrays.
  status restore(const state_type& s) noexcept {
    if (s.magic != magic || s.version != version) return status::invalid_state;
    if (s.node_count == 0 || s.node_count > MaxNodes) return status::invalid_state;
    if (!valid(std::span<const node>(s.nodes.data(), s.node_count), s.leaf_count)) return status::invalid_state;
    for (std::size_t i = 0; i < s.node_count; ++i)
      if constexpr (!quantized)
        if (!is_finite(s.nodes[i].threshold)) return status::invalid_state;
    if constexpr (std::is_floating_point_v<Output>)
      for (std::size_t i = 0; i < s.leaf_count; ++i)
        if (!is_finite(s.leaves[i])) return status::invalid_state;
    if constexpr (quantized)
      for (std::size_t f = 0; f < Features; ++f)
        if (!(s.scale[f] > Scalar(0)) || !is_finite(s.scale[f]) || !is_finite(s.offset[f]) ||
            !(s.inverse_scale[f] == Scalar(1) / s.scale[f]) || !(s.midpoint_offset[f] == s.offset[f] + s.scale[f] / Scalar(2)))
          return status::invalid_state;
    s_ = s;
    return status::ok;
  }

 private:
  static std::size_t binary_nominal_nodes(std::size_t v, std::size_t k) noexcept { return (v == 0 || v + 1 >= k) ? 1 : 2; }

  template <class Counts>
  static std::size_t majority(const Counts& counts) noexcept {
    std::size_t best = 0;
    for (std::size_t c = 1; c < counts.size(); ++c)
      if (counts[c] > counts[best]) best = c;
    return best;
  }

  constexpr void set_grid(std::size_t f, Scalar scale, Scalar offset) noexcept
    requires(quantized)
  {
    s_.scale[f] = scale;
    s_.offset[f] = offset;
    s_.inverse_scale[f] = Scalar(1) / scale;
    s_.midpoint_offset[f] = offset + scale / Scalar(2);
  }

  constexpr void set_arrays(std::span<const node> nodes, std::span<const Output> leaves) noexcept {
    EDGELOOP_ASSERT(valid(nodes, leaves.size()), "flat_tree: invalid node array");
    s_.node_count = static_cast<std::uint16_t>(nodes.size());
    s_.leaf_count = static_cast<std::uint16_t>(leaves.size());
    for (std::size_t i = 0; i < nodes.size(); ++i) s_.nodes[i] = nodes[i];
    for (std::size_t i = 0; i < leaves.size(); ++i) s_.leaves[i] = leaves[i];
  }

  /// A threshold: either a value (Scalar) or "nothing is <= it" (int16: below the grid).
  struct compiled_threshold {
    Threshold value;
    bool always_right;
  };

  /// The test x <= t.
  compiled_threshold at_most(Scalar t, std::size_t f) const noexcept {
    if constexpr (quantized) {
      // Largest grid index T with dequantize(T) <= t (binary search: dequantize is monotonic).
      if (!(dequantize(-32768, f) <= t)) return {0, true};
      std::int32_t lo = -32768, hi = 32767;
      if (dequantize(hi, f) <= t) return {static_cast<std::int16_t>(hi), false};
      while (hi - lo > 1) {  // dequantize(lo) <= t < dequantize(hi)
        const std::int32_t mid = lo + (hi - lo) / 2;
        if (dequantize(mid, f) <= t)
          lo = mid;
        else
          hi = mid;
      }
      return {static_cast<std::int16_t>(lo), false};
    } else {
      return {t, false};
    }
  }
  /// The test x < b.
  compiled_threshold below(Scalar b, std::size_t f) const noexcept {
    return at_most(std::nextafter(b, -std::numeric_limits<Scalar>::infinity()), f);
  }

  void emit(std::size_t at, std::size_t f, compiled_threshold t, std::int16_t left, std::int16_t right) noexcept {
    s_.nodes[at] = node{t.value, static_cast<std::uint16_t>(f), t.always_right ? right : left, right};
  }

  state_type s_;
};

template <scalar Scalar, std::size_t Features, std::size_t MaxNodes, class Output, class Threshold>
constexpr std::size_t flat_tree<Scalar, Features, MaxNodes, Output, Threshold>::memory_bytes =
    sizeof(flat_tree<Scalar, Features, MaxNodes, Output, Threshold>);

static_assert(predictor<flat_tree<float, 4, 15>>);
static_assert(persistable<flat_tree<float, 4, 15>>);
static_assert(has_memory_bytes<flat_tree<float, 4, 15>>);
static_assert(predictor<flat_tree<float, 4, 15, class_label, std::int16_t>>);
static_assert(persistable<flat_tree<float, 4, 15, float, std::int16_t>>);

}  // namespace edgeloop
