#pragma once
/// cart: batch decision-tree training (Breiman, Friedman, Olshen & Stone 1984, CART), the
/// way scikit-learn's DecisionTreeClassifier / DecisionTreeRegressor grow a tree with
/// every feature considered at every node: the exact best binary split `x[f] <= t` over
/// the node's samples sorted by each feature, t the midpoint between two consecutive
/// distinct values (the lower value when the midpoint rounds up to the higher one); the
/// split minimises the weighted impurity of the two children (Gini 1 - sum p_c^2, entropy
/// -sum p_c log2 p_c, or the mean squared error for the regressor). Like scikit-learn a
/// node is a leaf when it is pure, at max_depth, has fewer than min_samples_split samples
/// or fewer than 2*min_samples_leaf, or when no split leaves min_samples_leaf samples on
/// both sides; otherwise it splits even when the decrease of impurity is zero. Ties
/// between splits go to the lowest feature, then the lowest threshold (scikit-learn visits
/// features in a random order, so its ties may go elsewhere). Nodes are grown breadth
/// first; when the node array is full the remaining nodes stay leaves (full()).
///
/// - `cart<Scalar, Features, Classes, MaxNodes, MaxSamples>`: classifier (gini, entropy);
///   leaves hold the class counts (predict = most frequent class, lowest index on ties;
///   predict_proba = counts / samples).
/// - `cart_regressor<Scalar, Features, MaxNodes, MaxSamples>`: mean squared error; leaves
///   hold the mean target.
///
/// Training: fit(xs, ys) over spans of the caller's samples (a data set on the host), or
/// fit(samples) over any indexable container of {x, y} samples of at most MaxSamples (on
/// a device: the last N samples of a `ring_buffer<cart::sample, N>`). The samples are not
/// copied: the tree sorts an index array (a member, MaxSamples entries of 16 bits, 32 when
/// MaxSamples > 65535). Bad data (no samples, more than MaxSamples, non-finite values,
/// labels >= Classes) returns a status and leaves the model unchanged.
///
/// Memory: MaxNodes * ((Outputs + 1) * sizeof(Scalar) + 8) for the nodes (Outputs =
/// Classes, 1 for the regressor) + MaxSamples * sizeof(index) + MaxNodes * 4 bytes of
/// training work arrays + 24 bytes; exact value in memory_bytes. state_type holds the nodes
/// only (no work arrays). Training costs O(Features * n log n) per tree level.

#include <algorithm>
#include <array>
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <limits>
#include <span>
#include <type_traits>

#include "../core/assert.hpp"
#include "../core/concepts.hpp"
#include "../core/numeric.hpp"
#include "../core/status.hpp"

namespace edgeloop {

/// Impurity a CART split minimises.
enum class cart_criterion : std::uint8_t {
  gini = 0,     ///< 1 - sum_c p_c^2 (classifier)
  entropy = 1,  ///< -sum_c p_c log2 p_c (classifier)
  mse = 2,      ///< mean squared error around the node mean (regressor)
};

/// What a CART tree predicts.
enum class cart_task : std::uint8_t { classification = 0, regression = 1 };

/// The CART tree; use the aliases `cart` and `cart_regressor`. Classes is the number of
/// classes (1 for regression).
template <scalar Scalar, std::size_t Features, std::size_t Classes, std::size_t MaxNodes, std::size_t MaxSamples,
          cart_task Task>
class basic_cart {
  static constexpr bool regression = Task == cart_task::regression;
  static_assert(Features >= 1 && Features < 0xFFFF, "cart: 1 to 65534 features");
  static_assert(regression ? Classes == 1 : (Classes >= 2 && Classes <= 0xFFFF), "cart: 2 to 65535 classes");
  static_assert(MaxNodes >= 1 && MaxNodes < 0xFFFF, "cart: node indices are 16-bit");
  static_assert(MaxSamples >= 1 && MaxSamples <= 0xFFFFFFFFu, "cart: 1 to 2^32-1 samples");

  using index_type = std::conditional_t<(MaxSamples <= 0xFFFF), std::uint16_t, std::uint32_t>;

 public:
  static constexpr std::size_t outputs = Classes;
  using input_type = std::array<Scalar, Features>;
  using output_type = std::conditional_t<regression, Scalar, class_label>;
  using target_type = output_type;
  using proba_type = std::array<Scalar, Classes>;

  /// One training sample, for containers of samples (ring_buffer<sample, N>).
  struct sample {
    input_type x;
    target_type y;
  };

  struct params {
    cart_criterion criterion = regression ? cart_criterion::mse : cart_criterion::gini;
    std::uint8_t reserved = 0;
    std::uint16_t max_depth = 0xFFFF;     ///< the root has depth 0; 0xFFFF: no limit
    std::uint32_t min_samples_split = 2;  ///< >= 2
    std::uint32_t min_samples_leaf = 1;   ///< >= 1
  };

  /// One node: a split `x[feature] <= threshold` goes to first_child, else first_child + 1;
  /// a leaf has first_child == 0. value: class counts (classifier) or mean target
  /// (regressor) of the node's training samples.
  struct node {
    std::array<Scalar, Classes> value;
    Scalar threshold;
    std::uint32_t samples;
    std::uint16_t feature;
    std::uint16_t first_child;
    bool is_leaf() const noexcept { return first_child == 0; }
  };

  struct state_type {
    std::uint32_t magic;
    std::uint16_t version;
    std::uint16_t node_count;
    params parameters;
    std::array<node, MaxNodes> nodes;
  };

  static constexpr std::uint32_t magic = regression ? 0x54524352u : 0x54524343u;  // "CRCT" / "RCRT"
  static constexpr std::uint16_t version = 1;
  static const std::size_t memory_bytes;

  static constexpr status validate(const params& p) noexcept {
    if (regression ? p.criterion != cart_criterion::mse
                   : (p.criterion != cart_criterion::gini && p.criterion != cart_criterion::entropy))
      return status::invalid_argument;
    if (p.min_samples_split < 2 || p.min_samples_leaf < 1) return status::invalid_argument;
    return status::ok;
  }

  basic_cart() noexcept : basic_cart(params{}) {}
  explicit basic_cart(const params& p) noexcept {
    EDGELOOP_ASSERT(validate(p) == status::ok, "cart: invalid params");
    clear(p);
  }

  /// Trains a new tree on xs[i], ys[i] (replacing the current one). invalid_argument for
  /// no samples or spans of different sizes, capacity_exceeded for more than MaxSamples,
  /// non_finite_input, label_out_of_range; then nothing changed.
  status fit(std::span<const input_type> xs, std::span<const target_type> ys) noexcept {
    if (xs.size() != ys.size()) return status::invalid_argument;
    return fit_impl(xs.size(), [&](std::size_t i) -> const input_type& { return xs[i]; },
                    [&](std::size_t i) { return ys[i]; });
  }

  /// Trains on samples[0 .. samples.size()) of any container with size() and operator[]
  /// giving `sample`s (a ring_buffer<sample, N>, a span, an array). Errors as above.
  template <class Samples>
    requires requires(const Samples& s, std::size_t i) {
      { s.size() } -> std::convertible_to<std::size_t>;
      requires std::is_lvalue_reference_v<decltype(s[i])>;  // samples stay where they are
      { s[i].x } -> std::convertible_to<const input_type&>;
      { s[i].y } -> std::convertible_to<target_type>;
    }
  status fit(const Samples& samples) noexcept {
    return fit_impl(static_cast<std::size_t>(samples.size()),
                    [&](std::size_t i) -> const input_type& { return samples[i].x; },
                    [&](std::size_t i) { return static_cast<target_type>(samples[i].y); });
  }

  /// The class of the leaf x reaches (most frequent training class, lowest index on
  /// ties; 0 before training), or its mean target (regressor; 0 before training).
  output_type predict(const input_type& x) const noexcept {
    const node& n = s_.nodes[leaf_index(x)];
    if constexpr (regression)
      return n.value[0];
    else
      return argmax(n.value);
  }

  /// Class frequencies of the training samples at the leaf x reaches (uniform before
  /// training).
  proba_type predict_proba(const input_type& x) const noexcept
    requires(!regression)
  {
    const node& n = s_.nodes[leaf_index(x)];
    proba_type out{};
    for (std::size_t c = 0; c < Classes; ++c)
      out[c] = n.samples > 0 ? n.value[c] / static_cast<Scalar>(n.samples) : Scalar(1) / Scalar(Classes);
    return out;
  }

  /// Impurity of a distribution of class counts: Gini 1 - sum p_c^2 or entropy
  /// -sum p_c log2 p_c (0 for an empty distribution).
  static Scalar impurity(const std::array<Scalar, Classes>& counts, cart_criterion criterion) noexcept
    requires(!regression)
  {
    Scalar w = 0;
    for (const Scalar c : counts) w += c;
    if (!(w > Scalar(0))) return Scalar(0);
    Scalar out = criterion == cart_criterion::gini ? Scalar(1) : Scalar(0);
    for (const Scalar c : counts) {
      const Scalar q = c / w;
      if (criterion == cart_criterion::gini)
        out -= q * q;
      else if (q > Scalar(0))
        out -= q * std::log2(q);
    }
    return out;
  }

  /// Index of the leaf x reaches.
  std::size_t leaf_index(const input_type& x) const noexcept {
    std::size_t i = 0;
    while (s_.nodes[i].first_child != 0) {
      const node& n = s_.nodes[i];
      i = n.first_child + (x[n.feature] <= n.threshold ? 0u : 1u);
    }
    return i;
  }

  /// Back to a single empty leaf (params stay).
  void reset() noexcept {
    const params p = s_.parameters;
    clear(p);
  }

  /// Sets new params (invalid_argument and no change when invalid); takes effect at the
  /// next fit.
  status set_parameters(const params& p) noexcept {
    EDGELOOP_TRY(validate(p));
    s_.parameters = p;
    return status::ok;
  }
  const params& parameters() const noexcept { return s_.parameters; }

  std::size_t node_count() const noexcept { return s_.node_count; }
  std::size_t leaf_count() const noexcept {
    std::size_t k = 0;
    for (std::size_t i = 0; i < s_.node_count; ++i) k += s_.nodes[i].is_leaf() ? 1 : 0;
    return k;
  }
  /// Depth of the deepest leaf (0 for a single leaf).
  std::size_t depth() const noexcept {
    std::size_t deepest = 0;
    for (std::size_t i = 0; i < s_.node_count; ++i) {
      if (!s_.nodes[i].is_leaf()) continue;
      std::size_t d = 0;
      for (std::size_t j = i; j != 0; j = parent(j)) ++d;
      deepest = d > deepest ? d : deepest;
    }
    return deepest;
  }
  /// True when the last fit stopped growing because the node array was full.
  bool full() const noexcept { return full_; }
  /// Node i (0 is the root), i < node_count().
  const node& node_at(std::size_t i) const noexcept {
    EDGELOOP_ASSERT(i < s_.node_count, "cart: node index out of range");
    return s_.nodes[i];
  }

  state_type state() const noexcept { return s_; }

  /// invalid_state (and no change) for a wrong magic/version, invalid params or an
  /// inconsistent structure.
  status restore(const state_type& s) noexcept {
    if (s.magic != magic || s.version != version) return status::invalid_state;
    if (validate(s.parameters) != status::ok) return status::invalid_state;
    if (s.node_count == 0 || s.node_count > MaxNodes) return status::invalid_state;
    std::size_t children = 0;
    for (std::size_t i = 0; i < s.node_count; ++i) {
      const node& n = s.nodes[i];
      if (!all_finite(n.value) || !is_finite(n.threshold)) return status::invalid_state;
      if constexpr (!regression)
        for (const Scalar c : n.value)
          if (c < Scalar(0)) return status::invalid_state;
      if (n.first_child == 0) continue;
      if (n.feature >= Features || n.first_child <= i || std::size_t{n.first_child} + 2 > s.node_count)
        return status::invalid_state;
      children += 2;
    }
    if (children + 1 != s.node_count) return status::invalid_state;
    s_ = s;
    full_ = false;
    return status::ok;
  }

 private:
  /// Per-side statistics of a split scan: class counts, or the sum of the targets for the
  /// regressor.
  using stats = std::array<Scalar, regression ? 1 : Classes>;

  static class_label argmax(const std::array<Scalar, Classes>& v) noexcept {
    std::size_t best = 0;
    for (std::size_t c = 1; c < Classes; ++c)
      if (v[c] > v[best]) best = c;
    return static_cast<class_label>(best);
  }

  std::size_t parent(std::size_t child) const noexcept {
    for (std::size_t i = 0; i < child; ++i)
      if (s_.nodes[i].first_child != 0 && (s_.nodes[i].first_child == child || s_.nodes[i].first_child + 1u == child))
        return i;
    return 0;
  }

  template <class GetX, class GetY>
  status fit_impl(std::size_t n, GetX get_x, GetY get_y) noexcept {
    if (n == 0) return status::invalid_argument;
    if (n > MaxSamples) return status::capacity_exceeded;
    for (std::size_t i = 0; i < n; ++i) {
      if (!all_finite(get_x(i))) return status::non_finite_input;
      if constexpr (regression) {
        if (!is_finite(get_y(i))) return status::non_finite_input;
      } else {
        if (get_y(i) >= Classes) return status::label_out_of_range;
      }
    }
    build(n, get_x, get_y);
    return status::ok;
  }

  /// Value/statistics of the samples order_[begin, end).
  template <class GetY>
  void accumulate(std::size_t begin, std::size_t end, GetY& get_y, stats& out) const noexcept {
    out.fill(Scalar(0));
    for (std::size_t k = begin; k < end; ++k) add(out, get_y(order_[k]));
  }
  static void add(stats& s, target_type y) noexcept {
    if constexpr (regression) {
      s[0] += y;
    } else {
      s[y] += Scalar(1);
    }
  }
  static void remove(stats& s, target_type y) noexcept {
    if constexpr (regression) {
      s[0] -= y;
    } else {
      s[y] -= Scalar(1);
    }
  }

  /// Impurity of a side of w samples times w, up to a term that is the same for every
  /// split of a node (what the split minimises, summed over both sides): w*gini,
  /// w*entropy, or for the MSE -sum^2/w (the sum of squared deviations from the mean less
  /// the node's sum of squares).
  Scalar weighted_impurity(const stats& s, Scalar w) const noexcept {
    if constexpr (regression) {
      return -s[0] * s[0] / w;
    } else if (s_.parameters.criterion == cart_criterion::gini) {
      Scalar sq = 0;
      for (const Scalar c : s) sq += c * c;
      return w - sq / w;
    } else {
      Scalar h = 0;
      for (const Scalar c : s)
        if (c > Scalar(0)) h -= c * std::log2(c / w);
      return h;
    }
  }

  template <class GetY>
  bool pure(std::size_t begin, std::size_t end, GetY& get_y) const noexcept {
    const target_type first = get_y(order_[begin]);
    for (std::size_t k = begin + 1; k < end; ++k)
      if (!(get_y(order_[k]) == first)) return false;
    return true;
  }

  template <class GetX, class GetY>
  void build(std::size_t n, GetX& get_x, GetY& get_y) noexcept {
    const params p = s_.parameters;
    clear(p);
    for (std::size_t i = 0; i < n; ++i) order_[i] = static_cast<index_type>(i);
    begin_[0] = 0;
    depth_[0] = 0;
    set_value(0, 0, n, get_y);
    std::size_t count = 1;
    for (std::size_t i = 0; i < count; ++i) {
      const std::size_t begin = begin_[i], end = begin + s_.nodes[i].samples, size = end - begin;
      if (depth_[i] >= p.max_depth || size < p.min_samples_split || size < 2 * std::size_t{p.min_samples_leaf} ||
          pure(begin, end, get_y))
        continue;
      if (count + 2 > MaxNodes) {
        full_ = true;
        continue;
      }
      std::size_t feature = 0;
      Scalar threshold = 0;
      if (!best_split(begin, end, get_x, get_y, feature, threshold)) continue;
      // Partition order_[begin, end): left side first.
      std::size_t left_end = begin;
      for (std::size_t k = begin; k < end; ++k)
        if (get_x(order_[k])[feature] <= threshold) std::swap(order_[k], order_[left_end++]);
      node& nd = s_.nodes[i];
      nd.feature = static_cast<std::uint16_t>(feature);
      nd.threshold = threshold;
      nd.first_child = static_cast<std::uint16_t>(count);
      for (std::size_t b = 0; b < 2; ++b) {
        const std::size_t child = count + b;
        begin_[child] = static_cast<std::uint32_t>(b == 0 ? begin : left_end);
        depth_[child] = static_cast<std::uint16_t>(depth_[i] + 1);
        set_value(child, b == 0 ? begin : left_end, b == 0 ? left_end : end, get_y);
      }
      count += 2;
    }
    s_.node_count = static_cast<std::uint16_t>(count);
  }

  template <class GetY>
  void set_value(std::size_t i, std::size_t begin, std::size_t end, GetY& get_y) noexcept {
    node& nd = s_.nodes[i];
    nd.samples = static_cast<std::uint32_t>(end - begin);
    if constexpr (regression) {
      // Mean, refined by the mean of the residuals (a second pass).
      Scalar sum = 0;
      for (std::size_t k = begin; k < end; ++k) sum += get_y(order_[k]);
      const Scalar mean = sum / static_cast<Scalar>(end - begin);
      Scalar correction = 0;
      for (std::size_t k = begin; k < end; ++k) correction += get_y(order_[k]) - mean;
      nd.value[0] = mean + correction / static_cast<Scalar>(end - begin);
    } else {
      nd.value.fill(Scalar(0));
      for (std::size_t k = begin; k < end; ++k) nd.value[get_y(order_[k])] += Scalar(1);
    }
  }

  /// The split of order_[begin, end) with the smallest weighted child impurity and at
  /// least min_samples_leaf samples per side; false when there is none.
  template <class GetX, class GetY>
  bool best_split(std::size_t begin, std::size_t end, GetX& get_x, GetY& get_y, std::size_t& best_feature,
                  Scalar& best_threshold) noexcept {
    const std::size_t size = end - begin, leaf = s_.parameters.min_samples_leaf;
    stats total{};
    accumulate(begin, end, get_y, total);
    Scalar best = std::numeric_limits<Scalar>::infinity();
    bool found = false;
    for (std::size_t f = 0; f < Features; ++f) {
      index_type* first = order_.data() + begin;
      std::sort(first, order_.data() + end,
                [&](index_type a, index_type b) { return get_x(a)[f] < get_x(b)[f]; });
      if (!(get_x(first[0])[f] < get_x(first[size - 1])[f])) continue;  // constant
      stats left{};
      stats right = total;
      for (std::size_t k = 0; k + 1 < size; ++k) {
        const target_type y = get_y(first[k]);
        add(left, y);
        remove(right, y);
        const std::size_t n_left = k + 1;
        if (n_left < leaf) continue;
        if (size - n_left < leaf) break;
        const Scalar lo = get_x(first[k])[f], hi = get_x(first[k + 1])[f];
        if (!(lo < hi)) continue;
        const Scalar score = weighted_impurity(left, static_cast<Scalar>(n_left)) +
                             weighted_impurity(right, static_cast<Scalar>(size - n_left));
        if (score < best) {
          best = score;
          best_feature = f;
          best_threshold = midpoint(lo, hi);
          found = true;
        }
      }
    }
    return found;
  }

  /// A threshold t with lo <= t < hi, the midpoint when it is representable.
  static Scalar midpoint(Scalar lo, Scalar hi) noexcept {
    Scalar t = (lo + hi) / Scalar(2);
    if (!is_finite(t)) t = lo / Scalar(2) + hi / Scalar(2);
    if (!(t >= lo && t < hi)) t = lo;
    return t;
  }

  void clear(const params& p) noexcept {
    std::memset(static_cast<void*>(&s_), 0, sizeof(s_));
    s_.magic = magic;
    s_.version = version;
    s_.node_count = 1;
    s_.parameters.criterion = p.criterion;
    s_.parameters.max_depth = p.max_depth;
    s_.parameters.min_samples_split = p.min_samples_split;
    s_.parameters.min_samples_leaf = p.min_samples_leaf;
    full_ = false;
  }

  state_type s_;
  bool full_ = false;
  std::array<index_type, MaxSamples> order_{};  ///< training work array: sample indices
  std::array<std::uint32_t, MaxNodes> begin_{};  ///< training work array: first sample of a node
  std::array<std::uint16_t, MaxNodes> depth_{};  ///< training work array: node depths
};

template <scalar Scalar, std::size_t Features, std::size_t Classes, std::size_t MaxNodes, std::size_t MaxSamples,
          cart_task Task>
constexpr std::size_t basic_cart<Scalar, Features, Classes, MaxNodes, MaxSamples, Task>::memory_bytes =
    sizeof(basic_cart<Scalar, Features, Classes, MaxNodes, MaxSamples, Task>);

/// CART classifier (gini or entropy).
template <scalar Scalar, std::size_t Features, std::size_t Classes, std::size_t MaxNodes, std::size_t MaxSamples>
using cart = basic_cart<Scalar, Features, Classes, MaxNodes, MaxSamples, cart_task::classification>;

/// CART regressor (mean squared error).
template <scalar Scalar, std::size_t Features, std::size_t MaxNodes, std::size_t MaxSamples>
using cart_regressor = basic_cart<Scalar, Features, 1, MaxNodes, MaxSamples, cart_task::regression>;

static_assert(predictor<cart<float, 4, 2, 15, 32>>);
static_assert(persistable<cart<float, 4, 2, 15, 32>>);
static_assert(has_memory_bytes<cart<float, 4, 2, 15, 32>>);
static_assert(predictor<cart_regressor<float, 4, 15, 32>>);
static_assert(persistable<cart_regressor<float, 4, 15, 32>>);

}  // namespace edgeloop
