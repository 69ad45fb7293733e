#pragma once
/// Random tree concept, as MOA's RandomTreeGenerator (Domingos & Hulten 2000 used it to
/// evaluate VFDT). At the tree seed a tree is grown depth first: a node at depth
/// >= max_depth is a leaf, and from depth first_leaf_level on a node is a leaf with
/// probability leaf_fraction; a leaf gets a class uniform in 0..Classes-1. An inner node
/// splits on an attribute chosen uniformly among the nominal attributes not yet used on
/// its path and all numeric attributes: a nominal split has ValuesPerNominal children, a
/// numeric split a threshold uniform within the attribute's current interval on the path
/// (initially [0, 1)) and two children (x < threshold goes left). Samples: nominal
/// attributes first, uniform over 0..ValuesPerNominal-1, then numeric ones uniform in
/// [0, 1); the label is the leaf the sample reaches.
/// Fixed capacity: the nodes live in an array of MaxNodes; a node whose children would not
/// fit in what is left becomes a leaf instead (node_pool_exhausted() tells). A node left
/// without candidate attributes (no numerics, nominals used up) is a leaf too.
/// Memory: MaxNodes * (sizeof(Scalar) + 8) rounded up + Numerics * 2 * sizeof(Scalar) + ~64.

#include <array>
#include <cstdint>

#include "../../core/assert.hpp"
#include "../../core/rng.hpp"
#include "stream.hpp"

namespace edgeloop::streams {

template <scalar Scalar = float, std::size_t Nominals = 5, std::size_t Numerics = 5,
          std::size_t ValuesPerNominal = 5, std::size_t Classes = 2, std::size_t MaxNodes = 256>
class random_tree {
  static_assert(Nominals + Numerics >= 1, "random_tree needs at least one attribute");
  static_assert(Nominals <= 32, "nominal candidates are kept in a 32-bit mask");
  static_assert(Nominals + Numerics <= 255);
  static_assert(Nominals == 0 || (ValuesPerNominal >= 2 && ValuesPerNominal <= 255));
  static_assert(Classes >= 2 && Classes <= 65535);
  static_assert(MaxNodes >= 1 && MaxNodes <= 65535, "child indices are 16-bit");

 public:
  using scalar_type = Scalar;
  static constexpr std::size_t features = Nominals + Numerics;
  static constexpr std::size_t classes = Classes;
  static constexpr std::array<std::uint8_t, features> nominal_cardinality = [] {
    std::array<std::uint8_t, features> c{};
    for (std::size_t i = 0; i < Nominals; ++i) c[i] = static_cast<std::uint8_t>(ValuesPerNominal);
    return c;
  }();
  using sample_type = labelled_sample<Scalar, features>;
  static const std::size_t memory_bytes;  ///< sizeof(*this): all storage is inline
  /// The tree is grown recursively (at construction and reset()): at most max_depth + 1
  /// nested frames of a few dozen bytes each, so the limit keeps board stacks safe.
  static constexpr std::size_t max_depth_limit = 16;

  /// A node: a leaf when first_child == 0 (the root is never a child). The children of an
  /// inner node are first_child .. first_child + k - 1, k = ValuesPerNominal for a nominal
  /// attribute (< Nominals), 2 for a numeric one.
  struct node {
    Scalar threshold;
    std::uint16_t first_child;
    class_label label;
    std::uint8_t attribute;
  };

  struct params {
    std::uint32_t max_depth = 5;         ///< 0..max_depth_limit
    std::uint32_t first_leaf_level = 3;  ///< depth from which leaves may appear early
    double leaf_fraction = 0.15;         ///< in [0, 1]
    std::uint64_t tree_seed = 1;
    std::uint64_t seed = 1;
  };

  static constexpr status validate(const params& p) noexcept {
    if (p.max_depth > max_depth_limit || !detail::is_probability(p.leaf_fraction))
      return status::invalid_argument;
    return status::ok;
  }

  explicit random_tree(const params& p = {}) noexcept : params_(p) {
    EDGELOOP_ASSERT(validate(p) == status::ok, "random_tree: invalid params");
    reset();
  }

  sample_type next() noexcept {
    sample_type s{};
    for (std::size_t i = 0; i < Nominals; ++i)
      s.x[i] = static_cast<Scalar>(rng_.uniform_int(static_cast<std::uint32_t>(ValuesPerNominal)));
    for (std::size_t i = Nominals; i < features; ++i) s.x[i] = rng_.uniform<Scalar>();
    s.y = classify(s.x);
    return s;
  }

  /// The class the tree gives to x (nominal values must be in range).
  class_label classify(const std::array<Scalar, features>& x) const noexcept {
    std::size_t at = 0;
    while (nodes_[at].first_child != 0) {
      const node& n = nodes_[at];
      std::size_t branch;
      if (n.attribute < Nominals) {
        branch = static_cast<std::size_t>(x[n.attribute]);
        EDGELOOP_ASSERT(branch < ValuesPerNominal, "random_tree: nominal value out of range");
      } else {
        branch = x[n.attribute] < n.threshold ? 0 : 1;
      }
      at = n.first_child + branch;
    }
    return nodes_[at].label;
  }

  /// Regrows the tree from the tree seed and restarts the samples from the seed.
  void reset() noexcept {
    rng tree_rng(params_.tree_seed);
    count_ = 1;
    exhausted_ = false;
    for (std::size_t i = 0; i < Numerics; ++i) {
      lo_[i] = Scalar(0);
      hi_[i] = Scalar(1);
    }
    const std::uint32_t all_nominals =
        Nominals == 32 ? 0xFFFFFFFFu : static_cast<std::uint32_t>((std::uint64_t{1} << Nominals) - 1u);
    grow(0, 0, all_nominals, tree_rng);
    rng_ = rng(params_.seed);
  }

  std::size_t node_count() const noexcept { return count_; }
  const node& node_at(std::size_t i) const noexcept {
    EDGELOOP_ASSERT(i < count_, "random_tree: node index out of range");
    return nodes_[i];
  }
  /// True when some node became a leaf because the node array was full.
  bool node_pool_exhausted() const noexcept { return exhausted_; }
  const params& parameters() const noexcept { return params_; }

 private:
  static unsigned popcount(std::uint32_t v) noexcept {
    unsigned c = 0;
    for (; v != 0; v &= v - 1u) ++c;
    return c;
  }

  void make_leaf(std::size_t at, rng& r) noexcept {
    nodes_[at] = node{Scalar(0), 0, static_cast<class_label>(r.uniform_int(static_cast<std::uint32_t>(Classes))), 0};
  }

  void grow(std::size_t at, std::uint32_t depth, std::uint32_t nominal_mask, rng& r) noexcept {
    if (depth >= params_.max_depth ||
        (depth >= params_.first_leaf_level && params_.leaf_fraction >= 1.0 - r.uniform<double>())) {
      make_leaf(at, r);
      return;
    }
    const unsigned candidates = popcount(nominal_mask);
    if (candidates + Numerics == 0) {
      make_leaf(at, r);
      return;
    }
    const std::uint32_t chosen = r.uniform_int(static_cast<std::uint32_t>(candidates + Numerics));
    const bool nominal = chosen < candidates;
    const std::size_t k = nominal ? ValuesPerNominal : 2;
    if (count_ + k > MaxNodes) {
      exhausted_ = true;
      make_leaf(at, r);
      return;
    }
    const std::size_t first = count_;
    count_ += k;
    if (nominal) {
      std::uint32_t rest = nominal_mask;  // find the chosen-th candidate (ascending order)
      for (std::uint32_t skip = chosen; skip > 0; --skip) rest &= rest - 1u;
      const unsigned attribute = lowest_bit(rest);
      nodes_[at] = node{Scalar(0), static_cast<std::uint16_t>(first), 0, static_cast<std::uint8_t>(attribute)};
      const std::uint32_t child_mask = nominal_mask & ~(std::uint32_t{1} << attribute);
      for (std::size_t c = 0; c < k; ++c) grow(first + c, depth + 1, child_mask, r);
    } else {
      const std::size_t j = chosen - candidates;
      const Scalar lo = lo_[j], hi = hi_[j];
      const Scalar threshold = static_cast<Scalar>(
          static_cast<double>(hi - lo) * r.uniform<double>() + static_cast<double>(lo));
      nodes_[at] = node{threshold, static_cast<std::uint16_t>(first), 0,
                        static_cast<std::uint8_t>(Nominals + j)};
      hi_[j] = threshold;
      grow(first, depth + 1, nominal_mask, r);
      hi_[j] = hi;
      lo_[j] = threshold;
      grow(first + 1, depth + 1, nominal_mask, r);
      lo_[j] = lo;
    }
  }

  static unsigned lowest_bit(std::uint32_t v) noexcept {
    unsigned i = 0;
    while ((v & 1u) == 0) {
      v >>= 1;
      ++i;
    }
    return i;
  }

  params params_;
  rng rng_{};
  std::size_t count_ = 1;
  bool exhausted_ = false;
  std::array<Scalar, Numerics> lo_{}, hi_{};
  std::array<node, MaxNodes> nodes_{};
};

template <scalar Scalar, std::size_t Nominals, std::size_t Numerics, std::size_t ValuesPerNominal, std::size_t Classes, std::size_t MaxNodes>
constexpr std::size_t random_tree<Scalar, Nominals, Numerics, ValuesPerNominal, Classes, MaxNodes>::memory_bytes = sizeof(random_tree<Scalar, Nominals, Numerics, ValuesPerNominal, Classes, MaxNodes>);

static_assert(data_stream<random_tree<float, 2, 2, 3, 3, 32>>);

}  // namespace edgeloop::streams
