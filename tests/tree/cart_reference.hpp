#pragma once
// Brute-force check of a trained cart / cart_regressor against its definition: for every
// node, the training samples that reach it are gathered by walking each sample from the
// root; a split node must have the smallest weighted child impurity (long double, every
// partition x[f] <= v for every distinct value v of every feature, at least
// min_samples_leaf samples per side), a threshold between the two values it separates
// (their midpoint up to rounding), and children that hold exactly its samples; a leaf
// must be one the stopping rules allow. Returns the number of violations (0 = the tree
// is what CART defines). Small data only: O(nodes * samples * (depth + features * samples)).

#include <cmath>
#include <cstddef>
#include <cstdint>

namespace edgeloop::test {

template <bool Regression, class Y>
long double side_cost(const Y* ys, const bool* in, const bool* left, bool want_left, std::size_t n, std::size_t classes,
                      int criterion /* 0 gini, 1 entropy, 2 mse */) {
  long double w = 0, sum = 0;
  long double counts[16] = {};
  for (std::size_t i = 0; i < n; ++i) {
    if (!in[i] || left[i] != want_left) continue;
    w += 1;
    if constexpr (Regression)
      sum += static_cast<long double>(ys[i]);
    else
      counts[static_cast<std::size_t>(ys[i])] += 1;
  }
  if (w == 0) return 0;
  if constexpr (Regression) {
    const long double mean = sum / w;
    long double sse = 0;
    for (std::size_t i = 0; i < n; ++i)
      if (in[i] && left[i] == want_left) sse += (static_cast<long double>(ys[i]) - mean) * (static_cast<long double>(ys[i]) - mean);
    static_cast<void>(criterion);
    static_cast<void>(classes);
    return sse;
  } else {
    long double imp = criterion == 0 ? 1.0L : 0.0L;
    for (std::size_t c = 0; c < classes; ++c) {
      const long double p = counts[c] / w;
      if (criterion == 0)
        imp -= p * p;
      else if (p > 0)
        imp -= p * std::log2(p);
    }
    return w * imp;
  }
}

/// Violations of the CART definition by `tree` trained on xs[0..n), ys[0..n) with its
/// current parameters (n <= 256).
template <bool Regression, class Tree, class X, class Y>
std::size_t cart_violations(const Tree& tree, const X* xs, const Y* ys, std::size_t n, std::size_t features,
                            std::size_t classes, bool allow_full = false) {
  constexpr std::size_t cap = 256;
  if (n > cap) return 1;
  const auto& p = tree.parameters();
  const int criterion = static_cast<int>(p.criterion);
  std::size_t violations = 0;
  bool in[cap], left[cap];
  for (std::size_t node = 0; node < tree.node_count(); ++node) {
    // Samples reaching `node`, and its depth.
    std::size_t size = 0, depth = 0;
    for (std::size_t i = 0; i < n; ++i) {
      std::size_t at = 0, d = 0;
      in[i] = false;
      for (;;) {
        if (at == node) {
          in[i] = true;
          depth = d;
          break;
        }
        const auto& nd = tree.node_at(at);
        if (nd.first_child == 0) break;
        at = nd.first_child + (xs[i][nd.feature] <= nd.threshold ? 0u : 1u);
        ++d;
      }
      size += in[i] ? 1 : 0;
    }
    const auto& nd = tree.node_at(node);
    if (nd.samples != size) ++violations;
    if (size == 0) {
      ++violations;
      continue;
    }
    // Its value: class counts, or the mean target.
    if constexpr (Regression) {
      long double sum = 0;
      for (std::size_t i = 0; i < n; ++i) sum += in[i] ? static_cast<long double>(ys[i]) : 0.0L;
      if (!close(nd.value[0], sum / static_cast<long double>(size), 1e-5L, 1e-6L)) ++violations;
    } else {
      for (std::size_t c = 0; c < classes; ++c) {
        std::size_t k = 0;
        for (std::size_t i = 0; i < n; ++i) k += in[i] && static_cast<std::size_t>(ys[i]) == c ? 1 : 0;
        if (nd.value[c] != static_cast<decltype(nd.value[c] + 0)>(k)) ++violations;
      }
    }
    bool pure = true;
    for (std::size_t i = 0, first = n; i < n; ++i) {
      if (!in[i]) continue;
      if (first == n) first = i;
      if (!(ys[i] == ys[first])) pure = false;
    }
    // The best partition by brute force.
    long double best = INFINITY;
    for (std::size_t f = 0; f < features; ++f) {
      for (std::size_t j = 0; j < n; ++j) {
        if (!in[j]) continue;
        std::size_t n_left = 0;
        for (std::size_t i = 0; i < n; ++i) {
          left[i] = in[i] && xs[i][f] <= xs[j][f];
          n_left += left[i] ? 1 : 0;
        }
        if (n_left < p.min_samples_leaf || size - n_left < p.min_samples_leaf) continue;
        const long double cost = side_cost<Regression>(ys, in, left, true, n, classes, criterion) +
                                 side_cost<Regression>(ys, in, left, false, n, classes, criterion);
        if (cost < best) best = cost;
      }
    }
    const bool may_stop = pure || depth >= p.max_depth || size < p.min_samples_split ||
                          size < 2 * std::size_t{p.min_samples_leaf} || best == INFINITY;
    if (nd.first_child == 0) {
      if (!may_stop && !allow_full) ++violations;
      continue;
    }
    if (may_stop) ++violations;  // CART would have stopped here
    // The chosen split: cost, side sizes, threshold between two neighbouring values.
    std::size_t n_left = 0;
    long double lo = -INFINITY, hi = INFINITY;
    for (std::size_t i = 0; i < n; ++i) {
      left[i] = in[i] && xs[i][nd.feature] <= nd.threshold;
      n_left += left[i] ? 1 : 0;
      if (!in[i]) continue;
      const long double v = xs[i][nd.feature];
      if (left[i] && v > lo) lo = v;
      if (!left[i] && v < hi) hi = v;
    }
    if (n_left < p.min_samples_leaf || size - n_left < p.min_samples_leaf) ++violations;
    const long double cost = side_cost<Regression>(ys, in, left, true, n, classes, criterion) +
                             side_cost<Regression>(ys, in, left, false, n, classes, criterion);
    if (!close(cost, best, 1e-5L, 1e-9L)) ++violations;
    if (!(lo <= nd.threshold && nd.threshold < hi) || !close(nd.threshold, (lo + hi) / 2, 1e-6L, 1e-30L)) ++violations;
    // Children hold the node's samples split by the test.
    if (tree.node_at(nd.first_child).samples != n_left || tree.node_at(nd.first_child + 1u).samples != size - n_left)
      ++violations;
  }
  return violations;
}

}  // namespace edgeloop::test
