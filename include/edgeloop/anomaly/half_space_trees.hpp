#pragma once
/// half_space_trees: streaming anomaly detection with an ensemble of random half-space
/// trees (Tan, Ting & Liu 2011, "Fast anomaly detection for streaming data", IJCAI).
///
/// Each tree is a complete binary tree of depth Depth (Depth + 1 levels) over a random
/// work space: per feature q with data range [lo_q, hi_q], s_q is uniform in [lo_q, hi_q]
/// and the tree covers s_q +- 2 max(s_q - lo_q, hi_q - s_q). Every internal node splits a
/// random feature at the middle of the node's interval on that feature. Every node keeps
/// two masses (sample counts): r over the reference window and l over the latest one.
/// learn(x) adds x to l along its path in every tree; after every Window samples the
/// latest profile becomes the reference (r := l, l := 0), as the paper does.
///
/// Score (paper): in each tree x descends until a leaf or a node whose reference mass is
/// below size_limit (default 0.1 Window), and the tree contributes r * 2^k (k = that
/// node's depth); low mass = anomalous. Here the sum S is normalised and flipped:
///     score(x) = 1 - S / (Trees * Window * 2^Depth)   in [0, 1],
/// HIGHER = MORE ANOMALOUS; 1 = x falls only into empty regions. Before a reference
/// window exists (ready() false) score() is 0. Typical inliers score well below 1; turn
/// scores into alarms with quantile_threshold rather than a fixed cut.
///
/// Feature ranges: given in params (lower/upper), or, with learn_ranges, taken as the
/// minimum and maximum of the first Window samples (the trees are built at its end, the
/// first reference exists after the second window). A constant feature gets the range
/// lo +- max(1, |lo|) / 2.
///
/// Implementation: a node's split "x_q < middle" is bit (23 - j) of the 24-bit fixed-point
/// position of x_q in the tree's work space, where j counts the earlier splits on q along
/// the path; so a node stores only its feature and 23 - j (2 bytes). A sample is located
/// once in floating point (30-bit positions in the union of the work spaces, Features
/// operations) and mapped into each tree by integer arithmetic, then every tree costs
/// Depth bit tests: no floating point per tree (a Cortex-M0 has no FPU). Nodes are in heap
/// order (children of i: 2i+1, 2i+2); masses live in two banks whose roles swap per window.
///
/// Memory: Trees * ((2^(Depth+1) - 1) * 2 * sizeof(mass_type) + (2^Depth - 1) * 2
/// + Features * (2 sizeof(Scalar) + 8)) + Features * 4 sizeof(Scalar) + params + about 40
/// bytes; mass_type is uint8_t for Window <= 255, uint16_t up to 65535. Exact value in
/// memory_bytes. Example: 10 trees, depth 8, window 250, 4 float features: 16.1 KB; 10
/// trees, depth 6: 4.5 KB.
///
/// Bad input: a non-finite x is rejected by learn() (non_finite_input), nothing changes.

#include <array>
#include <cstddef>
#include <cstdint>
#include <limits>
#include <type_traits>

#include "../core/assert.hpp"
#include "../core/concepts.hpp"
#include "../core/numeric.hpp"
#include "../core/rng.hpp"
#include "../core/status.hpp"
#include "anomaly_detector.hpp"

namespace edgeloop {

template <scalar Scalar, std::size_t Features, std::size_t Trees = 10, std::size_t Depth = 8,
          std::size_t Window = 250>
class half_space_trees {
  static_assert(Features > 0 && Features <= 256, "half_space_trees: 1..256 features");
  static_assert(Trees > 0, "half_space_trees needs at least one tree");
  static_assert(Depth >= 1 && Depth <= 24, "half_space_trees: depth 1..24 (24-bit positions)");
  static_assert(Window > 0 && Window <= 65535, "half_space_trees: window 1..65535");

 public:
  using scalar_type = Scalar;
  using input_type = std::array<Scalar, Features>;
  using output_type = Scalar;
  using mass_type = std::conditional_t<(Window <= 255), std::uint8_t, std::uint16_t>;

  static constexpr std::size_t trees = Trees;
  static constexpr std::size_t depth = Depth;
  static constexpr std::size_t window = Window;
  static constexpr std::size_t nodes_per_tree = (std::size_t{2} << Depth) - 1;
  static constexpr std::size_t internal_per_tree = (std::size_t{1} << Depth) - 1;
  static constexpr std::uint32_t magic = 0x54534848u;  // "HHST"
  static constexpr std::uint16_t version = 1;
  static const std::size_t memory_bytes;

  struct params {
    std::array<Scalar, Features> lower{};  ///< feature ranges (ignored with learn_ranges)
    std::array<Scalar, Features> upper = filled(Scalar(1));
    std::uint32_t size_limit = static_cast<std::uint32_t>(Window / 10);  ///< mass below which descent stops
    bool learn_ranges = false;  ///< ranges = min/max of the first window
    std::uint64_t seed = 0x48535431u;
  };

  /// Whole detector (trees, masses, counters); no padding between the fixed-size parts.
  struct state_type {
    std::uint32_t magic;
    std::uint16_t version;
    std::uint8_t phase;     ///< 0 gathering ranges, 1 building the first reference, 2 ready
    std::uint8_t ref_bank;  ///< which mass bank holds r
    std::uint32_t in_window;
    std::uint32_t samples;
    params p;
    std::array<Scalar, Features> seen_lower, seen_upper;  ///< ranges while gathering
    std::array<Scalar, Trees * Features> ws_lower, ws_upper;  ///< work space per tree
    /// Per internal node: split feature << 8 | bit shift (23 - earlier splits on the feature).
    std::array<std::uint16_t, Trees * internal_per_tree> split;
    std::array<mass_type, 2 * Trees * nodes_per_tree> mass;  ///< [bank][tree][node]
  };

  static status validate(const params& p) noexcept {
    if (p.size_limit > Window) return status::invalid_argument;
    if (!p.learn_ranges)
      for (std::size_t q = 0; q < Features; ++q)
        if (!is_finite(p.lower[q]) || !is_finite(p.upper[q]) || !(p.upper[q] > p.lower[q]) ||
            !is_finite(p.upper[q] - p.lower[q]))
          return status::invalid_argument;
    return status::ok;
  }

  half_space_trees() noexcept : half_space_trees(params{}) {}
  explicit half_space_trees(const params& p) noexcept {
    EDGELOOP_ASSERT(validate(p) == status::ok, "half_space_trees: invalid params");
    s_.p = p;
    reset();
  }

  /// Adds x to the latest mass profile; swaps profiles at the end of each window.
  status learn(const input_type& x) noexcept {
    if (!all_finite(x)) return status::non_finite_input;
    if (s_.phase == 0) {
      gather(x);
    } else {
      position_type u;
      locate(x, u);
      for (std::size_t t = 0; t < Trees; ++t) {
        std::array<std::uint32_t, Features> code;
        encode(t, u, code);
        mass_type* l = latest(t);
        std::size_t i = 0;
        for (std::size_t k = 0; k < Depth; ++k) {
          ++l[i];
          i = child(t, i, code);
        }
        ++l[i];
      }
    }
    end_of_sample();
    return status::ok;
  }

  /// 1 - (normalised mass of x's terminal regions): in [0, 1], higher = more anomalous;
  /// 0 before the first reference window.
  Scalar score(const input_type& x) const noexcept {
    if (s_.phase != 2) return Scalar(0);
    position_type u;
    locate(x, u);
    mass_sum_type sum = 0;
    for (std::size_t t = 0; t < Trees; ++t) {
      std::array<std::uint32_t, Features> code;
      encode(t, u, code);
      const mass_type* r = reference(t);
      std::size_t i = 0, k = 0;
      while (k < Depth && r[i] >= s_.p.size_limit) {
        i = child(t, i, code);
        ++k;
      }
      sum += static_cast<mass_sum_type>(static_cast<mass_sum_type>(r[i]) << k);
    }
    return normalise(sum);
  }

  /// score(x) then learn(x) in one descent per tree (what score_then_learn() calls).
  status score_then_learn(const input_type& x, Scalar& out) noexcept {
    if (!all_finite(x)) return status::non_finite_input;
    if (s_.phase != 2) {
      out = Scalar(0);
      return learn(x);
    }
    position_type u;
    locate(x, u);
    mass_sum_type sum = 0;
    for (std::size_t t = 0; t < Trees; ++t) {
      std::array<std::uint32_t, Features> code;
      encode(t, u, code);
      const mass_type* r = reference(t);
      mass_type* l = latest(t);
      std::size_t i = 0, k = 0;
      bool scored = false;
      for (; k < Depth; ++k) {
        if (!scored && r[i] < s_.p.size_limit) {
          sum += static_cast<mass_sum_type>(static_cast<mass_sum_type>(r[i]) << k);
          scored = true;
        }
        ++l[i];
        i = child(t, i, code);
      }
      if (!scored) sum += static_cast<mass_sum_type>(static_cast<mass_sum_type>(r[i]) << k);
      ++l[i];
    }
    out = normalise(sum);
    end_of_sample();
    return status::ok;
  }

  /// Forgets masses (and learned ranges); with given ranges the trees stay as built.
  void reset() noexcept {
    const params p = s_.p;
    s_ = state_type{};
    s_.magic = magic;
    s_.version = version;
    s_.p = p;
    if (p.learn_ranges) {
      s_.phase = 0;
    } else {
      build(p.lower, p.upper);
      s_.phase = 1;
    }
  }

  bool ready() const noexcept { return s_.phase == 2; }
  std::uint32_t samples() const noexcept { return s_.samples; }
  /// Samples in the current window so far.
  std::uint32_t window_position() const noexcept { return s_.in_window; }
  const params& parameters() const noexcept { return s_.p; }

  // Introspection (tests, naive references). t < Trees, q < Features, i < nodes_per_tree.
  Scalar workspace_lower(std::size_t t, std::size_t q) const noexcept { return s_.ws_lower[t * Features + q]; }
  Scalar workspace_upper(std::size_t t, std::size_t q) const noexcept { return s_.ws_upper[t * Features + q]; }
  /// Feature split at internal node i (i < internal_per_tree) of tree t.
  std::size_t split_feature(std::size_t t, std::size_t i) const noexcept {
    return s_.split[t * internal_per_tree + i] >> 8;
  }
  std::uint32_t reference_mass(std::size_t t, std::size_t i) const noexcept { return reference(t)[i]; }
  std::uint32_t latest_mass(std::size_t t, std::size_t i) const noexcept { return latest(t)[i]; }

  state_type state() const noexcept { return s_; }
  status restore(const state_type& s) noexcept {
    if (s.magic != magic || s.version != version || s.phase > 2 || s.ref_bank > 1 ||
        s.in_window >= Window || validate(s.p) != status::ok)
      return status::invalid_state;
    if (s.phase > 0) {
      for (std::size_t j = 0; j < Trees * Features; ++j)
        if (!is_finite(s.ws_lower[j]) || !is_finite(s.ws_upper[j]) || !(s.ws_upper[j] > s.ws_lower[j]))
          return status::invalid_state;
      for (std::size_t j = 0; j < Trees * internal_per_tree; ++j)
        if ((s.split[j] >> 8) >= Features || (s.split[j] & 0xFFu) > 23u || (s.split[j] & 0xFFu) + Depth < 24u)
          return status::invalid_state;
      for (const mass_type m : s.mass)
        if (m > Window) return status::invalid_state;
    } else if (s.in_window > 0 && (!all_finite(s.seen_lower) || !all_finite(s.seen_upper))) {
      return status::invalid_state;
    }
    s_ = s;
    if (s_.phase > 0) refresh_scale();  // phase 0: no trees yet
    return status::ok;
  }

 private:
  static constexpr std::uint64_t max_sum =
      std::uint64_t{Trees} * std::uint64_t{Window} * (std::uint64_t{1} << Depth);
  using mass_sum_type = std::conditional_t<(max_sum < (std::uint64_t{1} << 32)), std::uint32_t, std::uint64_t>;
  static constexpr std::uint32_t positions = std::uint32_t{1} << 24;
  static constexpr std::uint32_t frame_positions = std::uint32_t{1} << 30;
  using position_type = std::array<std::int32_t, Features>;

  static constexpr std::array<Scalar, Features> filled(Scalar v) noexcept {
    std::array<Scalar, Features> a{};
    for (auto& e : a) e = v;
    return a;
  }

  static Scalar normalise(mass_sum_type sum) noexcept {
    return Scalar(1) - static_cast<Scalar>(sum) / static_cast<Scalar>(max_sum);
  }

  mass_type* latest(std::size_t t) noexcept {
    return s_.mass.data() + (std::size_t{1} - s_.ref_bank) * Trees * nodes_per_tree + t * nodes_per_tree;
  }
  const mass_type* latest(std::size_t t) const noexcept {
    return s_.mass.data() + (std::size_t{1} - s_.ref_bank) * Trees * nodes_per_tree + t * nodes_per_tree;
  }
  const mass_type* reference(std::size_t t) const noexcept {
    return s_.mass.data() + std::size_t{s_.ref_bank} * Trees * nodes_per_tree + t * nodes_per_tree;
  }

  /// 30-bit fixed-point position of every feature in the union of the work spaces
  /// (clamped): the only floating-point work per sample (Features operations).
  void locate(const input_type& x, position_type& u) const noexcept {
    for (std::size_t q = 0; q < Features; ++q) {
      const Scalar v = (x[q] - frame_lower_[q]) * frame_scale_[q];
      if (!(v > Scalar(0)))
        u[q] = 0;
      else if (v >= static_cast<Scalar>(frame_positions))
        u[q] = static_cast<std::int32_t>(frame_positions - 1);
      else
        u[q] = static_cast<std::int32_t>(v);
    }
  }

  /// 24-bit position of every feature in tree t's work space (clamped), by an integer
  /// affine map of the frame positions: (u - offset) * multiplier / 2^32.
  void encode(std::size_t t, const position_type& u, std::array<std::uint32_t, Features>& code) const noexcept {
    for (std::size_t q = 0; q < Features; ++q) {
      const std::int64_t c =
          (static_cast<std::int64_t>(u[q] - offset_[t * Features + q]) * multiplier_[t * Features + q]) >> 32;
      code[q] = c < 0 ? 0u : (c >= positions ? positions - 1 : static_cast<std::uint32_t>(c));
    }
  }

  std::size_t child(std::size_t t, std::size_t i, const std::array<std::uint32_t, Features>& code) const noexcept {
    const std::uint32_t split = s_.split[t * internal_per_tree + i];
    const std::uint32_t bit = (code[split >> 8] >> (split & 0xFFu)) & 1u;
    return 2 * i + 1 + bit;
  }

  void gather(const input_type& x) noexcept {
    for (std::size_t q = 0; q < Features; ++q) {
      if (s_.in_window == 0 || x[q] < s_.seen_lower[q]) s_.seen_lower[q] = x[q];
      if (s_.in_window == 0 || x[q] > s_.seen_upper[q]) s_.seen_upper[q] = x[q];
    }
  }

  void end_of_sample() noexcept {
    if (s_.samples != std::numeric_limits<std::uint32_t>::max()) ++s_.samples;
    if (++s_.in_window < Window) return;
    s_.in_window = 0;
    if (s_.phase == 0) {
      std::array<Scalar, Features> lo = s_.seen_lower, hi = s_.seen_upper;
      for (std::size_t q = 0; q < Features; ++q) {
        if (!(hi[q] - lo[q] > Scalar(0)) || !is_finite(hi[q] - lo[q])) {
          const Scalar a = lo[q] < Scalar(0) ? -lo[q] : lo[q];
          const Scalar half = (a > Scalar(1) ? a : Scalar(1)) / Scalar(2);
          hi[q] = lo[q] + half;
          lo[q] = lo[q] - half;
        }
      }
      build(lo, hi);
      s_.phase = 1;
      return;
    }
    // The latest profile becomes the reference; the old reference bank is cleared.
    s_.ref_bank = static_cast<std::uint8_t>(1u - s_.ref_bank);
    mass_type* l = latest(0);
    for (std::size_t j = 0; j < Trees * nodes_per_tree; ++j) l[j] = 0;
    s_.phase = 2;
  }

  /// Random work spaces and split features (deterministic in the seed).
  void build(const std::array<Scalar, Features>& lo, const std::array<Scalar, Features>& hi) noexcept {
    rng gen(s_.p.seed);
    for (std::size_t t = 0; t < Trees; ++t) {
      for (std::size_t q = 0; q < Features; ++q) {
        const Scalar s = lo[q] + (hi[q] - lo[q]) * gen.uniform<Scalar>();
        const Scalar a = s - lo[q], b = hi[q] - s;
        const Scalar half = Scalar(2) * (a > b ? a : b);
        s_.ws_lower[t * Features + q] = s - half;
        s_.ws_upper[t * Features + q] = s + half;
      }
      for (std::size_t i = 0; i < internal_per_tree; ++i) {
        const std::uint32_t q = gen.uniform_int(static_cast<std::uint32_t>(Features));
        std::uint32_t level = 0;
        for (std::size_t a = i; a > 0;) {  // earlier splits on q along the path to i
          a = (a - 1) / 2;
          if ((s_.split[t * internal_per_tree + a] >> 8) == q) ++level;
        }
        s_.split[t * internal_per_tree + i] = static_cast<std::uint16_t>(q << 8 | (23u - level));
      }
    }
    refresh_scale();
  }

  /// The frame (union of the work spaces per feature) and each tree's integer map into it,
  /// computed in double from the Scalar-rounded frame so that they agree with locate().
  void refresh_scale() noexcept {
    for (std::size_t q = 0; q < Features; ++q) {
      Scalar lo = s_.ws_lower[q], hi = s_.ws_upper[q];
      for (std::size_t t = 1; t < Trees; ++t) {
        if (s_.ws_lower[t * Features + q] < lo) lo = s_.ws_lower[t * Features + q];
        if (s_.ws_upper[t * Features + q] > hi) hi = s_.ws_upper[t * Features + q];
      }
      frame_lower_[q] = lo;
      frame_scale_[q] = static_cast<Scalar>(static_cast<double>(frame_positions) /
                                            (static_cast<double>(hi) - static_cast<double>(lo)));
      const double scale = static_cast<double>(frame_scale_[q]);
      for (std::size_t t = 0; t < Trees; ++t) {
        const std::size_t j = t * Features + q;
        const double off = (static_cast<double>(s_.ws_lower[j]) - static_cast<double>(lo)) * scale;
        const double width = (static_cast<double>(s_.ws_upper[j]) - static_cast<double>(s_.ws_lower[j])) * scale;
        offset_[j] = static_cast<std::int32_t>(off + 0.5);
        // 2^56 / width: width >= 2/7 of the frame (each work space holds the data range and is
        // at most 4 times as wide), so the multiplier is below 2^28 and products below 2^58.
        multiplier_[j] = static_cast<std::uint32_t>(72057594037927936.0 / width + 0.5);
      }
    }
  }

  state_type s_{};
  // Caches rebuilt by build() and restore() (not part of the state).
  std::array<Scalar, Features> frame_lower_{}, frame_scale_{};
  std::array<std::int32_t, Trees * Features> offset_{};
  std::array<std::uint32_t, Trees * Features> multiplier_{};
};

template <scalar Scalar, std::size_t Features, std::size_t Trees, std::size_t Depth, std::size_t Window>
constexpr std::size_t half_space_trees<Scalar, Features, Trees, Depth, Window>::memory_bytes =
    sizeof(half_space_trees<Scalar, Features, Trees, Depth, Window>);

static_assert(anomaly_detector<half_space_trees<float, 4, 2, 3, 16>>);

}  // namespace edgeloop
