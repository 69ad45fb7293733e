#pragma once
/// hoeffding_tree_regressor: an incremental regression tree in the style of FIMT-DD
/// (Ikonomovska, Gama & Dzeroski 2011, "Learning model trees from evolving data streams"),
/// with the defaults of River's HoeffdingTreeRegressor.
///
/// - Splits maximise the standard deviation reduction
///     SDR = sd(S) - |S_L|/|S| sd(S_L) - |S_R|/|S| sd(S_R)
///   (sample standard deviations, ddof = 1, as River's VarianceReductionSplitCriterion; a
///   branch with fewer than min_samples_split samples is not a candidate). Every
///   grace_period samples a leaf compares the best split of each attribute: with
///   ratio = SDR_second / SDR_best it splits when SDR_best > 0 and ratio < 1 - eps or
///   eps < tie_threshold, eps = sqrt(ln(1/delta) / 2n) the Hoeffding bound for a range of 1
///   and n the samples the leaf observed (FIMT-DD's test on the SDR ratio).
/// - Numeric attribute observer (bounded, unlike FIMT-DD's E-BST): per attribute Bins
///   equal-width bins, left-open (lo + k w, lo + (k+1) w], each with Welford statistics
///   (count, mean, M2) of the target. The range adapts: the first two distinct values sit
///   at the centres of the first and last bin, and a value outside the range doubles the
///   width (pairs of bins merged exactly with Chan's formula) towards that value. Split
///   candidates are the bin edges; the SDR at an edge is exact for the samples binned so
///   far. Numeric attributes only.
/// - Leaf models: the target mean; a linear model (FIMT-DD's perceptron: inputs and target
///   normalised by the tree's running mean and 3 standard deviations, delta rule with
///   learning rate eta0 / (1 + n * decay), n the samples the leaf learned since it was
///   created, MOA's 0.02 and 0.001; children start from their parent's weights); or adaptive (River's default):
///   each leaf predicts with whichever of the two has the lower exponentially decayed
///   squared error (decay 0.95).
///
/// Memory is fixed at compile time: MaxNodes nodes (16-bit child indices), (MaxNodes+1)/2
/// leaf records (target statistics, two running errors, Features + 1 weights) and
/// MaxActiveLeaves observer slots of Features * (2 + 3*Bins) Scalars. A leaf without a
/// slot keeps learning its mean and linear model but does not split; a slot freed by a
/// split or a leaf reaching max_depth goes to the next inactive leaf that learns a sample.
/// When the node array cannot take two more nodes the tree is full(): the structure
/// freezes, the leaves keep learning and predicting. Bytes, for s = sizeof(Scalar):
///   MaxNodes * (s + 4) + (MaxNodes+1)/2 * ((Features + 7) * s + 8)
///   + MaxActiveLeaves * ((Features * (2 + 3*Bins) + 2) * s + 2) + (2*Features + 8) * s + 28
/// rounded up to a multiple of s (for float; double adds node padding); memory_bytes is
/// the exact sizeof. state_type is the whole model.

#include <array>
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <initializer_list>
#include <limits>

#include "../core/assert.hpp"
#include "../core/concepts.hpp"
#include "../core/numeric.hpp"
#include "../core/status.hpp"

namespace edgeloop {

/// What a leaf of a hoeffding_tree_regressor predicts with.
enum class regression_leaf : std::uint8_t {
  mean = 0,      ///< the mean of the targets the leaf has seen
  linear = 1,    ///< the leaf's perceptron (FIMT-DD)
  adaptive = 2,  ///< whichever of the two has the lower decayed squared error (River)
};

template <scalar Scalar, std::size_t Features, std::size_t MaxNodes, std::size_t MaxActiveLeaves = 8,
          std::size_t Bins = 16>
class hoeffding_tree_regressor {
  static_assert(Features >= 1 && Features < 0xFFFF, "hoeffding_tree_regressor: 1 to 65534 features");
  static_assert(MaxNodes >= 1 && MaxNodes < 0xFFFF && MaxNodes % 2 == 1,
                "hoeffding_tree_regressor: MaxNodes odd and below 65535 (binary splits)");
  static_assert(MaxActiveLeaves >= 1 && MaxActiveLeaves < 0xFFFF, "hoeffding_tree_regressor: 1 to 65534 slots");
  static_assert(Bins >= 2 && Bins % 2 == 0 && Bins <= 1024, "hoeffding_tree_regressor: an even number of bins");

 public:
  using input_type = std::array<Scalar, Features>;
  using output_type = Scalar;
  using target_type = Scalar;
  static constexpr std::size_t max_leaves = (MaxNodes + 1) / 2;
  static constexpr std::uint16_t none = 0xFFFF;
  /// Scalars per attribute in an observer slot: lo, width, then (count, mean, M2) per bin.
  static constexpr std::size_t observer_stride = 2 + 3 * Bins;

  /// Runtime hyper-parameters (River's HoeffdingTreeRegressor defaults; learning rate and
  /// decay of MOA's FIMT-DD perceptron).
  struct params {
    Scalar split_confidence = Scalar(1e-7);  ///< delta of the Hoeffding bound, in (0, 1)
    Scalar tie_threshold = Scalar(0.05);     ///< tau >= 0
    Scalar learning_rate = Scalar(0.02);     ///< eta0 > 0 of the leaf perceptrons
    Scalar learning_rate_decay = Scalar(0.001);  ///< >= 0; 0 keeps eta0 constant
    Scalar model_selector_decay = Scalar(0.95);  ///< adaptive leaves, in (0, 1]
    std::uint32_t grace_period = 200;        ///< samples between split attempts at a leaf, >= 1
    std::uint32_t min_samples_split = 5;     ///< samples each branch of a candidate needs, >= 1
    std::uint16_t max_depth = 0xFFFF;        ///< leaves at this depth do not split (root: 0)
    regression_leaf leaf = regression_leaf::adaptive;
    std::uint8_t reserved = 0;
  };

  /// One node: a split (feature < Features, index = first child; the second child is
  /// index + 1; x[feature] <= threshold goes to the first) or a leaf (feature == none,
  /// index = its leaf record).
  struct node {
    Scalar threshold;
    std::uint16_t feature;
    std::uint16_t index;
  };

  /// A leaf's learned model.
  struct leaf_record {
    Scalar count;      ///< targets seen (including those its parent's split gave it)
    Scalar mean;       ///< their mean (Welford)
    Scalar m2;         ///< their sum of squared deviations
    Scalar err_mean;   ///< decayed squared error of the mean prediction
    Scalar err_model;  ///< decayed squared error of the linear prediction
    Scalar learned;    ///< samples its perceptron learned since the leaf was created
    std::array<Scalar, Features + 1> weights;  ///< perceptron on normalised inputs; bias last
    std::uint16_t node;   ///< the node it belongs to
    std::uint16_t slot;   ///< observer slot or none
    std::uint16_t depth;  ///< root 0
    std::uint16_t reserved;
  };

  /// An active leaf's attribute observers and split-attempt bookkeeping.
  struct observer_slot {
    std::array<Scalar, Features * observer_stride> data;
    Scalar seen;          ///< samples observed since the slot was given
    Scalar last_attempt;  ///< `seen` at the last split attempt
  };

  /// The whole model.
  struct state_type {
    std::uint32_t magic;
    std::uint16_t version;
    std::uint16_t node_count;
    std::uint16_t leaf_count;
    std::uint16_t reserved;
    std::uint32_t samples;  ///< saturating
    params parameters;
    Scalar n;  ///< samples in the normalisation statistics
    Scalar y_mean, y_m2;
    std::array<Scalar, Features> x_mean, x_m2;
    std::array<node, MaxNodes> nodes;
    std::array<leaf_record, max_leaves> leaves;
    std::array<observer_slot, MaxActiveLeaves> slots;
    std::array<std::uint16_t, MaxActiveLeaves> slot_owner;  ///< leaf record or none
  };

  /// A candidate split of one attribute at one leaf.
  struct split_candidate {
    Scalar merit = -std::numeric_limits<Scalar>::infinity();  ///< SDR; -inf: none
    Scalar threshold = 0;
    Scalar left_count = 0, left_mean = 0, left_m2 = 0;
    Scalar right_count = 0, right_mean = 0, right_m2 = 0;
  };

  static constexpr std::uint32_t magic = 0x52544448u;  // "HDTR"
  static constexpr std::uint16_t version = 1;
  static const std::size_t memory_bytes;

  static constexpr status validate(const params& p) noexcept {
    if (!(p.split_confidence > Scalar(0) && p.split_confidence < Scalar(1))) return status::invalid_argument;
    if (!(p.tie_threshold >= Scalar(0)) || !is_finite(p.tie_threshold)) return status::invalid_argument;
    if (!(p.learning_rate > Scalar(0)) || !is_finite(p.learning_rate)) return status::invalid_argument;
    if (!(p.learning_rate_decay >= Scalar(0)) || !is_finite(p.learning_rate_decay)) return status::invalid_argument;
    if (!(p.model_selector_decay > Scalar(0) && p.model_selector_decay <= Scalar(1))) return status::invalid_argument;
    if (p.grace_period == 0 || p.min_samples_split == 0) return status::invalid_argument;
    if (static_cast<std::uint8_t>(p.leaf) > 2) return status::invalid_argument;
    return status::ok;
  }

  hoeffding_tree_regressor() noexcept : hoeffding_tree_regressor(params{}) {}
  explicit hoeffding_tree_regressor(const params& p) noexcept {
    EDGELOOP_ASSERT(validate(p) == status::ok, "hoeffding_tree_regressor: invalid params");
    clear(p);
  }

  /// Learns one sample; non_finite_input (and no change) for a non-finite x or y.
  status partial_fit(const input_type& x, Scalar y) noexcept {
    if (!all_finite(x) || !is_finite(y)) return status::non_finite_input;
    const params& p = s_.parameters;
    if (s_.samples != 0xFFFFFFFFu) ++s_.samples;
    update_normalisation(x, y);

    const std::size_t node_index = find_leaf(x);
    leaf_record& lf = s_.leaves[s_.nodes[node_index].index];
    const Scalar y_norm = normalised_target(y);
    const input_type xn = normalised_inputs(x);
    const Scalar model_norm = dot(lf.weights, xn);
    if (p.leaf == regression_leaf::adaptive) {
      const Scalar em = y - (lf.count > Scalar(0) ? lf.mean : Scalar(0));
      const Scalar el = y - denormalised_target(model_norm);
      lf.err_mean = p.model_selector_decay * lf.err_mean + em * em;
      lf.err_model = p.model_selector_decay * lf.err_model + el * el;
    }
    welford_add(lf.count, lf.mean, lf.m2, y);
    if (p.leaf != regression_leaf::mean) {
      lf.learned += Scalar(1);
      const Scalar eta = p.learning_rate / (Scalar(1) + lf.learned * p.learning_rate_decay);
      const Scalar step = eta * (y_norm - model_norm);
      for (std::size_t f = 0; f < Features; ++f) lf.weights[f] += step * xn[f];
      lf.weights[Features] += step;
    }

    if (full()) return status::ok;
    if (lf.slot == none) {
      if (lf.depth >= p.max_depth) return status::ok;
      const std::size_t free_slot = first_free_slot();
      if (free_slot == MaxActiveLeaves) return status::ok;
      activate(s_.nodes[node_index].index, free_slot);
    }
    observer_slot& os = s_.slots[lf.slot];
    for (std::size_t f = 0; f < Features; ++f) observe(os.data.data() + f * observer_stride, x[f], y);
    os.seen += Scalar(1);
    if (os.seen - os.last_attempt >= static_cast<Scalar>(p.grace_period)) {
      os.last_attempt = os.seen;
      attempt_split(node_index);
    }
    return status::ok;
  }

  /// The prediction of the leaf x reaches (0 before any sample).
  Scalar predict(const input_type& x) const noexcept {
    const leaf_record& lf = s_.leaves[s_.nodes[find_leaf(x)].index];
    switch (s_.parameters.leaf) {
      case regression_leaf::mean:
        return leaf_mean(lf);
      case regression_leaf::linear:
        return linear_prediction(lf, x);
      case regression_leaf::adaptive:
        return lf.err_mean < lf.err_model ? leaf_mean(lf) : linear_prediction(lf, x);
    }
    return leaf_mean(lf);
  }

  /// The mean and the linear prediction of the leaf x reaches, whatever the leaf mode.
  Scalar predict_mean(const input_type& x) const noexcept { return leaf_mean(s_.leaves[s_.nodes[find_leaf(x)].index]); }
  Scalar predict_linear(const input_type& x) const noexcept {
    return linear_prediction(s_.leaves[s_.nodes[find_leaf(x)].index], x);
  }

  /// Forgets everything learned (params stay).
  void reset() noexcept {
    const params p = s_.parameters;
    clear(p);
  }

  /// True when the node array cannot take another split: the structure is frozen.
  bool full() const noexcept { return std::size_t{s_.node_count} + 2 > MaxNodes; }
  std::size_t node_count() const noexcept { return s_.node_count; }
  std::size_t leaf_count() const noexcept { return s_.leaf_count; }
  std::size_t active_leaf_count() const noexcept {
    std::size_t k = 0;
    for (const std::uint16_t o : s_.slot_owner) k += o != none ? 1 : 0;
    return k;
  }
  std::uint32_t samples_seen() const noexcept { return s_.samples; }
  const params& parameters() const noexcept { return s_.parameters; }
  /// Node i (0 is the root), i < node_count().
  const node& node_at(std::size_t i) const noexcept {
    EDGELOOP_ASSERT(i < s_.node_count, "hoeffding_tree_regressor: node index out of range");
    return s_.nodes[i];
  }
  /// Depth of the leaf x reaches (root 0).
  std::size_t depth(const input_type& x) const noexcept { return s_.leaves[s_.nodes[find_leaf(x)].index].depth; }

  /// The best split of `feature` at the leaf x reaches, from the samples its observer has
  /// seen (merit -inf when the leaf has no observer or no candidate).
  split_candidate best_split(const input_type& x, std::size_t feature) const noexcept {
    EDGELOOP_ASSERT(feature < Features, "hoeffding_tree_regressor: feature out of range");
    const leaf_record& lf = s_.leaves[s_.nodes[find_leaf(x)].index];
    if (lf.slot == none) return split_candidate{};
    return best_split_of(s_.slots[lf.slot].data.data() + feature * observer_stride);
  }

  state_type state() const noexcept { return s_; }

  /// invalid_state (and no change) for a wrong magic/version, invalid params, non-finite
  /// values or an inconsistent structure.
  status restore(const state_type& s) noexcept {
    if (s.magic != magic || s.version != version) return status::invalid_state;
    if (validate(s.parameters) != status::ok) return status::invalid_state;
    if (s.node_count == 0 || s.node_count > MaxNodes || s.node_count % 2 == 0) return status::invalid_state;
    if (std::size_t{s.leaf_count} * 2 != std::size_t{s.node_count} + 1) return status::invalid_state;
    if (!is_finite(s.n) || s.n < Scalar(0) || !is_finite(s.y_mean) || !is_finite(s.y_m2) || s.y_m2 < Scalar(0) ||
        !all_finite(s.x_mean) || !all_finite(s.x_m2))
      return status::invalid_state;
    for (const Scalar v : s.x_m2)
      if (v < Scalar(0)) return status::invalid_state;
    for (std::size_t i = 0; i < s.node_count; ++i) {
      const node& n = s.nodes[i];
      if (!is_finite(n.threshold)) return status::invalid_state;
      if (n.feature == none) {
        if (n.index >= s.leaf_count || s.leaves[n.index].node != i) return status::invalid_state;
        continue;
      }
      if (n.feature >= Features || n.index <= i || std::size_t{n.index} + 1 >= s.node_count || n.index % 2 == 0)
        return status::invalid_state;
      for (std::size_t j = 0; j < i; ++j)  // every pair of children has one parent
        if (s.nodes[j].feature != none && s.nodes[j].index == n.index) return status::invalid_state;
    }
    for (std::size_t l = 0; l < s.leaf_count; ++l) {
      const leaf_record& lf = s.leaves[l];
      if (lf.node >= s.node_count || s.nodes[lf.node].feature != none || s.nodes[lf.node].index != l)
        return status::invalid_state;
      if (!is_finite(lf.count) || lf.count < Scalar(0) || !is_finite(lf.mean) || !is_finite(lf.m2) ||
          lf.m2 < Scalar(0) || !is_finite(lf.err_mean) || !is_finite(lf.err_model) || !is_finite(lf.learned) || !all_finite(lf.weights))
        return status::invalid_state;
      if (lf.slot != none && (lf.slot >= MaxActiveLeaves || s.slot_owner[lf.slot] != l)) return status::invalid_state;
    }
    for (std::size_t j = 0; j < MaxActiveLeaves; ++j) {
      const std::uint16_t owner = s.slot_owner[j];
      if (owner == none) continue;
      if (owner >= s.leaf_count || s.leaves[owner].slot != j) return status::invalid_state;
      const observer_slot& os = s.slots[j];
      if (!all_finite(os.data) || !is_finite(os.seen) || !is_finite(os.last_attempt)) return status::invalid_state;
      for (std::size_t f = 0; f < Features; ++f) {
        const Scalar* d = os.data.data() + f * observer_stride;
        if (!(d[1] >= Scalar(0))) return status::invalid_state;
        for (std::size_t b = 0; b < Bins; ++b)
          if (d[2 + 3 * b] < Scalar(0) || d[4 + 3 * b] < Scalar(0)) return status::invalid_state;
      }
    }
    s_ = s;
    return status::ok;
  }

 private:
  // ---- running statistics -------------------------------------------------------------
  static void welford_add(Scalar& n, Scalar& mean, Scalar& m2, Scalar v) noexcept {
    n += Scalar(1);
    const Scalar delta = v - mean;
    mean += delta / n;
    m2 += delta * (v - mean);
  }
  /// Chan et al.'s combination of (n, mean, M2) b into a.
  static void merge(Scalar& na, Scalar& ma, Scalar& m2a, Scalar nb, Scalar mb, Scalar m2b) noexcept {
    if (!(nb > Scalar(0))) return;
    if (!(na > Scalar(0))) {
      na = nb;
      ma = mb;
      m2a = m2b;
      return;
    }
    const Scalar n = na + nb;
    const Scalar delta = mb - ma;
    ma += delta * nb / n;
    m2a += m2b + delta * delta * na * nb / n;
    na = n;
  }
  static Scalar sample_sd(Scalar n, Scalar m2) noexcept {
    return n > Scalar(1) && m2 > Scalar(0) ? std::sqrt(m2 / (n - Scalar(1))) : Scalar(0);
  }

  void update_normalisation(const input_type& x, Scalar y) noexcept {
    s_.n += Scalar(1);
    const Scalar inv = Scalar(1) / s_.n;
    for (std::size_t f = 0; f < Features; ++f) {
      const Scalar delta = x[f] - s_.x_mean[f];
      s_.x_mean[f] += delta * inv;
      s_.x_m2[f] += delta * (x[f] - s_.x_mean[f]);
    }
    const Scalar delta = y - s_.y_mean;
    s_.y_mean += delta * inv;
    s_.y_m2 += delta * (y - s_.y_mean);
  }
  /// 3 sample standard deviations (FIMT-DD's normaliser); 0 when there is no spread.
  Scalar spread(Scalar m2) const noexcept { return Scalar(3) * sample_sd(s_.n, m2); }
  input_type normalised_inputs(const input_type& x) const noexcept {
    input_type out;
    for (std::size_t f = 0; f < Features; ++f) {
      const Scalar sd3 = spread(s_.x_m2[f]);
      out[f] = sd3 > Scalar(0) ? (x[f] - s_.x_mean[f]) / sd3 : Scalar(0);
    }
    return out;
  }
  Scalar normalised_target(Scalar y) const noexcept {
    const Scalar sd3 = spread(s_.y_m2);
    return sd3 > Scalar(0) ? (y - s_.y_mean) / sd3 : Scalar(0);
  }
  Scalar denormalised_target(Scalar v) const noexcept { return s_.y_mean + v * spread(s_.y_m2); }
  static Scalar dot(const std::array<Scalar, Features + 1>& w, const input_type& xn) noexcept {
    Scalar acc = w[Features];
    for (std::size_t f = 0; f < Features; ++f) acc += w[f] * xn[f];
    return acc;
  }
  static Scalar leaf_mean(const leaf_record& lf) noexcept { return lf.count > Scalar(0) ? lf.mean : Scalar(0); }
  Scalar linear_prediction(const leaf_record& lf, const input_type& x) const noexcept {
    if (!(s_.n > Scalar(1))) return leaf_mean(lf);
    return denormalised_target(dot(lf.weights, normalised_inputs(x)));
  }

  // ---- structure ----------------------------------------------------------------------
  std::size_t find_leaf(const input_type& x) const noexcept {
    std::size_t i = 0;
    while (s_.nodes[i].feature != none) {
      const node& n = s_.nodes[i];
      i = std::size_t{n.index} + (x[n.feature] <= n.threshold ? 0u : 1u);
    }
    return i;
  }
  std::size_t first_free_slot() const noexcept {
    for (std::size_t j = 0; j < MaxActiveLeaves; ++j)
      if (s_.slot_owner[j] == none) return j;
    return MaxActiveLeaves;
  }
  void activate(std::size_t leaf, std::size_t slot) noexcept {
    observer_slot& os = s_.slots[slot];
    for (auto& v : os.data) v = Scalar(0);
    os.seen = 0;
    os.last_attempt = 0;
    s_.leaves[leaf].slot = static_cast<std::uint16_t>(slot);
    s_.slot_owner[slot] = static_cast<std::uint16_t>(leaf);
  }
  void release(std::size_t leaf) noexcept {
    leaf_record& lf = s_.leaves[leaf];
    if (lf.slot == none) return;
    s_.slot_owner[lf.slot] = none;
    lf.slot = none;
  }

  // ---- attribute observer -------------------------------------------------------------
  // d[0] = lo, d[1] = width (0: not ranged yet; then every sample equals lo and sits in
  // bin 0), d[2 + 3b .. 4 + 3b] = count, mean, M2 of the targets in bin b.
  static void observe(Scalar* d, Scalar x, Scalar y) noexcept {
    Scalar* bins = d + 2;
    if (d[1] == Scalar(0)) {
      if (bins[0] == Scalar(0) || x == d[0]) {
        d[0] = x;
        welford_add(bins[0], bins[1], bins[2], y);
        return;
      }
      const Scalar a = x < d[0] ? x : d[0], b = x < d[0] ? d[0] : x;
      const Scalar w = (b - a) / static_cast<Scalar>(Bins - 1);
      const Scalar lo = a - w / Scalar(2);
      if (!(w > Scalar(0)) || !is_finite(w) || !is_finite(lo)) {  // too close or too far apart: one point
        welford_add(bins[0], bins[1], bins[2], y);
        return;
      }
      const Scalar pn = bins[0], pm = bins[1], pm2 = bins[2];
      bins[0] = bins[1] = bins[2] = 0;
      const std::size_t k = x < d[0] ? Bins - 1 : 0;  // the old point's bin
      d[0] = lo;
      d[1] = w;
      bins[3 * k] = pn;
      bins[3 * k + 1] = pm;
      bins[3 * k + 2] = pm2;
      const std::size_t j = Bins - 1 - k;
      welford_add(bins[3 * j], bins[3 * j + 1], bins[3 * j + 2], y);
      return;
    }
    const std::size_t k = bin_of(d, x);
    welford_add(bins[3 * k], bins[3 * k + 1], bins[3 * k + 2], y);
  }

  /// The bin of x, doubling the range towards x while x is outside (at most 64 times per
  /// call; beyond that, or when the range would overflow, x goes to the edge bin).
  static std::size_t bin_of(Scalar* d, Scalar x) noexcept {
    constexpr Scalar bins = static_cast<Scalar>(Bins);
    for (int round = 0; round < 64; ++round) {
      const Scalar t = (x - d[0]) / d[1];
      if (t > Scalar(0) && t <= bins) {
        const Scalar c = std::ceil(t);
        const std::size_t k = c >= bins ? Bins - 1 : static_cast<std::size_t>(c) - 1;
        return k;
      }
      const bool left = !(t > Scalar(0));
      const Scalar new_lo = left ? d[0] - bins * d[1] : d[0];
      const Scalar new_w = Scalar(2) * d[1];
      if (!is_finite(new_lo) || !is_finite(new_w) || !is_finite(new_lo + bins * new_w)) break;
      Scalar* b = d + 2;
      std::array<Scalar, 3 * Bins> merged{};
      for (std::size_t i = 0; i < Bins; ++i) {
        const std::size_t to = left ? (Bins + i) / 2 : i / 2;
        merge(merged[3 * to], merged[3 * to + 1], merged[3 * to + 2], b[3 * i], b[3 * i + 1], b[3 * i + 2]);
      }
      for (std::size_t i = 0; i < 3 * Bins; ++i) b[i] = merged[i];
      d[0] = new_lo;
      d[1] = new_w;
    }
    return x <= d[0] ? 0 : Bins - 1;
  }

  /// Best SDR split over the bin edges of one attribute's observer. Candidates are the
  /// partitions after each non-empty bin; the threshold is the middle edge of the gap of
  /// empty bins that follows it.
  split_candidate best_split_of(const Scalar* d) const noexcept {
    split_candidate best;
    if (!(d[1] > Scalar(0))) return best;
    const Scalar* b = d + 2;
    std::array<Scalar, 3 * (Bins + 1)> suffix{};  // suffix[k]: bins k .. Bins-1
    for (std::size_t k = Bins; k-- > 0;) {
      suffix[3 * k] = suffix[3 * k + 3];
      suffix[3 * k + 1] = suffix[3 * k + 4];
      suffix[3 * k + 2] = suffix[3 * k + 5];
      merge(suffix[3 * k], suffix[3 * k + 1], suffix[3 * k + 2], b[3 * k], b[3 * k + 1], b[3 * k + 2]);
    }
    const Scalar total = suffix[0];
    const Scalar sd_all = sample_sd(total, suffix[2]);
    const auto mss = static_cast<Scalar>(s_.parameters.min_samples_split);
    Scalar ln = 0, lm = 0, lm2 = 0;
    for (std::size_t k = 1; k < Bins; ++k) {
      merge(ln, lm, lm2, b[3 * (k - 1)], b[3 * (k - 1) + 1], b[3 * (k - 1) + 2]);
      if (!(b[3 * (k - 1)] > Scalar(0))) continue;
      const Scalar rn = suffix[3 * k];
      if (ln < mss || rn < mss) continue;
      const Scalar merit = sd_all - ln / total * sample_sd(ln, lm2) - rn / total * sample_sd(rn, suffix[3 * k + 2]);
      if (merit > best.merit) {
        std::size_t next = k;
        while (next < Bins && !(b[3 * next] > Scalar(0))) ++next;
        best.merit = merit;
        best.threshold = d[0] + d[1] * static_cast<Scalar>(k + (next - k) / 2);
        best.left_count = ln;
        best.left_mean = lm;
        best.left_m2 = lm2;
        best.right_count = rn;
        best.right_mean = suffix[3 * k + 1];
        best.right_m2 = suffix[3 * k + 2];
      }
    }
    return best;
  }

  // ---- growth -------------------------------------------------------------------------
  void attempt_split(std::size_t node_index) noexcept {
    const params& p = s_.parameters;
    const std::size_t leaf = s_.nodes[node_index].index;
    const leaf_record& lf = s_.leaves[leaf];
    if (lf.depth >= p.max_depth) {
      release(leaf);
      return;
    }
    const observer_slot& os = s_.slots[lf.slot];
    split_candidate first;
    Scalar second = -std::numeric_limits<Scalar>::infinity();
    std::size_t first_feature = 0;
    for (std::size_t f = 0; f < Features; ++f) {
      const split_candidate c = best_split_of(os.data.data() + f * observer_stride);
      if (c.merit > first.merit) {
        second = first.merit;
        first = c;
        first_feature = f;
      } else if (c.merit > second) {
        second = c.merit;
      }
    }
    if (!(first.merit > Scalar(0)) || !is_finite(first.merit)) return;
    const Scalar eps = std::sqrt(std::log(Scalar(1) / p.split_confidence) / (Scalar(2) * os.seen));
    const Scalar ratio = second > Scalar(0) ? second / first.merit : Scalar(0);
    if (!(ratio < Scalar(1) - eps || eps < p.tie_threshold)) return;
    split(node_index, first_feature, first);
  }

  void split(std::size_t node_index, std::size_t feature, const split_candidate& c) noexcept {
    const std::size_t first = s_.node_count;
    const std::size_t left_leaf = s_.nodes[node_index].index;
    const std::size_t right_leaf = s_.leaf_count;
    leaf_record& parent = s_.leaves[left_leaf];
    const std::uint16_t slot = parent.slot;
    const auto child_depth = static_cast<std::uint16_t>(parent.depth + 1u);
    s_.slot_owner[slot] = none;
    parent.slot = none;

    node& n = s_.nodes[node_index];
    n.feature = static_cast<std::uint16_t>(feature);
    n.threshold = c.threshold;
    n.index = static_cast<std::uint16_t>(first);

    leaf_record& right = s_.leaves[right_leaf];
    right = parent;  // weights copied from the parent (FIMT-DD)
    for (leaf_record* child : {&parent, &right}) {
      child->err_mean = 0;
      child->err_model = 0;
      child->learned = 0;
      child->depth = child_depth;
      child->slot = none;
      child->reserved = 0;
    }
    parent.count = c.left_count;
    parent.mean = c.left_mean;
    parent.m2 = c.left_m2;
    parent.node = static_cast<std::uint16_t>(first);
    right.count = c.right_count;
    right.mean = c.right_mean;
    right.m2 = c.right_m2;
    right.node = static_cast<std::uint16_t>(first + 1);
    s_.nodes[first] = node{Scalar(0), none, static_cast<std::uint16_t>(left_leaf)};
    s_.nodes[first + 1] = node{Scalar(0), none, static_cast<std::uint16_t>(right_leaf)};
    s_.node_count = static_cast<std::uint16_t>(first + 2);
    s_.leaf_count = static_cast<std::uint16_t>(right_leaf + 1);
    if (full() || child_depth >= s_.parameters.max_depth) return;
    // The parent's slot goes to the heavier child, a free slot (if any) to the other.
    const bool left_heavier = c.left_count >= c.right_count;
    activate(left_heavier ? left_leaf : right_leaf, slot);
    const std::size_t other = first_free_slot();
    if (other != MaxActiveLeaves) activate(left_heavier ? right_leaf : left_leaf, other);
  }

  void clear(const params& p) noexcept {
    std::memset(static_cast<void*>(&s_), 0, sizeof(s_));
    s_.magic = magic;
    s_.version = version;
    s_.node_count = 1;
    s_.leaf_count = 1;
    auto& q = s_.parameters;
    q.split_confidence = p.split_confidence;
    q.tie_threshold = p.tie_threshold;
    q.learning_rate = p.learning_rate;
    q.learning_rate_decay = p.learning_rate_decay;
    q.model_selector_decay = p.model_selector_decay;
    q.grace_period = p.grace_period;
    q.min_samples_split = p.min_samples_split;
    q.max_depth = p.max_depth;
    q.leaf = p.leaf;
    q.reserved = 0;
    for (auto& o : s_.slot_owner) o = none;
    for (auto& lf : s_.leaves) lf.slot = none;
    s_.nodes[0] = node{Scalar(0), none, 0};
    s_.leaves[0].node = 0;
    if (p.max_depth > 0) activate(0, 0);
  }

  state_type s_;
};

template <scalar Scalar, std::size_t Features, std::size_t MaxNodes, std::size_t MaxActiveLeaves, std::size_t Bins>
constexpr std::size_t hoeffding_tree_regressor<Scalar, Features, MaxNodes, MaxActiveLeaves, Bins>::memory_bytes =
    sizeof(hoeffding_tree_regressor<Scalar, Features, MaxNodes, MaxActiveLeaves, Bins>);

static_assert(online_learner<hoeffding_tree_regressor<float, 4, 15>>);
static_assert(persistable<hoeffding_tree_regressor<float, 4, 15>>);
static_assert(has_memory_bytes<hoeffding_tree_regressor<float, 4, 15>>);

}  // namespace edgeloop
