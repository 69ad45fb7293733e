#pragma once
/// Attribute observers of Hoeffding trees: the per-leaf statistics of one attribute from
/// which split candidates and naive-Bayes likelihoods are computed. They work on a fixed
/// block of `size` Scalars inside the tree's leaf-statistics pool (no pointers, no heap),
/// so the pool stays one trivially copyable array.
///
///  - gaussian_splitter<Splits>: per class a Gaussian estimator (Welford 1962: weight,
///    mean, M2; sample variance M2/(n-1)) and the class's min and max (MOA's
///    GaussianNumericAttributeClassObserver, River's GaussianSplitter). Candidates are the
///    Splits points lo + (hi-lo) i/(Splits+1), i = 1..Splits, strictly inside (lo, hi);
///    the left share of class c is n_c * Phi((t - mean_c)/sigma_c) (all of it when
///    t >= max_c, none when t < min_c). Memory 5*Classes Scalars.
///  - histogram_splitter<Bins, Splits>: per class a streaming histogram of Bins centroids
///    (Ben-Haim & Tom-Tov 2010: insert, then merge the two closest centroids), plus min,
///    max and weight; the left share of a candidate is the histogram's interpolated
///    "sum" procedure. Memory (2*Bins + 4)*Classes Scalars.
///  - nominal observer (values 0..k-1): per value per class weights and per class totals;
///    multiway (one branch per value) or binary (value == v vs the rest) suggestions;
///    likelihood (n_vc + 1)/(n_c + m_c) (Laplace, m_c = 1 + the largest value seen with
///    class c, as MOA). Memory (MaxValues + 1)*Classes Scalars.
///
/// A numeric observer policy is a type with `template <class Scalar, size_t Classes>
/// using observer = ...;` whose observer satisfies numeric_attribute_observer.

#include <array>
#include <cmath>
#include <concepts>
#include <cstddef>
#include <cstdint>
#include <limits>
#include <span>

#include "../core/numeric.hpp"
#include "split_criterion.hpp"

namespace edgeloop {

/// What a split node tests.
enum class split_kind : std::uint8_t {
  leaf = 0,              ///< not a split
  numeric = 1,           ///< x[f] <= threshold -> first child, else second
  nominal_multiway = 2,  ///< child index = x[f]
  nominal_binary = 3,    ///< x[f] == threshold -> first child, else second
};

/// A candidate split of one attribute and the class distributions it produces.
template <scalar Scalar, std::size_t Classes, std::size_t MaxBranches>
struct split_suggestion {
  Scalar merit = -std::numeric_limits<Scalar>::infinity();
  Scalar threshold = 0;
  std::uint16_t branches = 0;
  split_kind kind = split_kind::leaf;
  std::array<Scalar, MaxBranches * Classes> post{};

  std::span<const Scalar> post_span() const noexcept {
    return std::span<const Scalar>(post.data(), std::size_t{branches} * Classes);
  }
};

/// Accumulates a naive-Bayes log-likelihood: linear terms, plus Gaussian terms whose
/// normalisers are kept as a product of precisions 1/var (one log for all of them at the
/// end instead of one per term). value() = linear + 0.5*log(product) - 0.5*k*log(2*pi)
/// for k Gaussian terms.
template <scalar Scalar>
struct log_likelihood_accumulator {
  Scalar linear = 0;
  Scalar precision_product = 1;
  std::uint32_t gaussian_terms = 0;

  void add_log(Scalar v) noexcept { linear += v; }
  /// Adds log N(dx; 0, 1/precision).
  void add_gaussian(Scalar dx, Scalar precision) noexcept {
    linear -= Scalar(0.5) * dx * dx * precision;
    precision_product *= precision;
    ++gaussian_terms;
    constexpr Scalar big = Scalar(1e15), small = Scalar(1e-15);
    if (precision_product > big || precision_product < small) {
      linear += Scalar(0.5) * std::log(precision_product);
      precision_product = 1;
    }
  }
  Scalar value() const noexcept {
    constexpr Scalar log_two_pi = Scalar(1.8378770664093454835606594728112);
    return linear + Scalar(0.5) * (std::log(precision_product) - static_cast<Scalar>(gaussian_terms) * log_two_pi);
  }
};

/// Requirements on a numeric attribute observer O for Scalar and Classes.
template <class O, class Scalar, std::size_t Classes>
concept numeric_attribute_observer =
    requires(Scalar* d, const Scalar* cd, Scalar x, std::size_t c,
             std::span<const Scalar, Classes> pre, split_suggestion<Scalar, Classes, 2>& out,
             log_likelihood_accumulator<Scalar>& acc) {
      { O::size } -> std::convertible_to<std::size_t>;
      { O::reset(d) } noexcept;
      { O::update(d, x, c) } noexcept;
      { O::template best_split<info_gain_criterion>(cd, pre, x, out) } noexcept;
      { O::add_log_likelihood(cd, x, c, acc) } noexcept;
    };

namespace detail {

/// Gaussian estimators per class: n[C], mean[C], m2[C], lo[C], hi[C].
template <scalar Scalar, std::size_t Classes, std::size_t Splits>
struct gaussian_observer {
  static constexpr std::size_t size = 5 * Classes;
  static constexpr std::size_t n_ = 0, mean_ = Classes, m2_ = 2 * Classes, lo_ = 3 * Classes,
                               hi_ = 4 * Classes;

  static void reset(Scalar* d) noexcept {
    for (std::size_t i = 0; i < size; ++i) d[i] = Scalar(0);
  }
  static void update(Scalar* d, Scalar x, std::size_t c) noexcept {
    const Scalar n = d[n_ + c] + Scalar(1);
    const Scalar delta = x - d[mean_ + c];
    d[mean_ + c] += delta / n;
    d[m2_ + c] += delta * (x - d[mean_ + c]);
    if (n == Scalar(1)) {
      d[lo_ + c] = x;
      d[hi_ + c] = x;
    } else {
      if (x < d[lo_ + c]) d[lo_ + c] = x;
      if (x > d[hi_ + c]) d[hi_ + c] = x;
    }
    d[n_ + c] = n;
  }
  /// Sample variance (0 for fewer than two observations).
  static Scalar variance(const Scalar* d, std::size_t c) noexcept {
    const Scalar n = d[n_ + c];
    return n > Scalar(1) ? d[m2_ + c] / (n - Scalar(1)) : Scalar(0);
  }
  static Scalar cdf(const Scalar* d, std::size_t c, Scalar t) noexcept {
    const Scalar sigma = std::sqrt(variance(d, c));
    if (!(sigma > Scalar(0))) return Scalar(0);
    return Scalar(0.5) * (Scalar(1) + std::erf((t - d[mean_ + c]) / (sigma * Scalar(1.4142135623730951))));
  }

  template <class Criterion, std::size_t MaxBranches>
  static void best_split(const Scalar* d, std::span<const Scalar, Classes> pre, Scalar min_fraction,
                         split_suggestion<Scalar, Classes, MaxBranches>& out) noexcept {
    static_assert(MaxBranches >= 2);
    out.merit = -std::numeric_limits<Scalar>::infinity();
    Scalar lo = std::numeric_limits<Scalar>::infinity(), hi = -lo;
    for (std::size_t c = 0; c < Classes; ++c) {
      if (d[n_ + c] > Scalar(0)) {
        if (d[lo_ + c] < lo) lo = d[lo_ + c];
        if (d[hi_ + c] > hi) hi = d[hi_ + c];
      }
    }
    if (!(lo < hi)) return;
    const Scalar bin = (hi - lo) / static_cast<Scalar>(Splits + 1);
    std::array<Scalar, 2 * Classes> post{};
    for (std::size_t i = 0; i < Splits; ++i) {
      const Scalar t = lo + bin * static_cast<Scalar>(i + 1);
      if (!(lo < t && t < hi)) continue;
      for (std::size_t c = 0; c < Classes; ++c) {
        const Scalar n = d[n_ + c];
        Scalar left = 0;
        if (n > Scalar(0)) {
          if (t < d[lo_ + c])
            left = 0;
          else if (t >= d[hi_ + c])
            left = n;
          else
            left = cdf(d, c, t) * n;
        }
        post[c] = left;
        post[Classes + c] = n - left;
      }
      const Scalar m = Criterion::merit(std::span<const Scalar>(pre.data(), Classes),
                                        std::span<const Scalar>(post.data(), 2 * Classes), min_fraction);
      if (m > out.merit) {
        out.merit = m;
        out.threshold = t;
        out.branches = 2;
        out.kind = split_kind::numeric;
        for (std::size_t k = 0; k < 2 * Classes; ++k) out.post[k] = post[k];
      }
    }
  }

  /// log N(x; mean_c, var_c), as MOA's GaussianEstimator: a class this observer has not
  /// seen has likelihood 0 (log -inf), and a class without spread (one value, or all
  /// equal) is a point mass: likelihood 1 at its mean, 0 elsewhere. (Skipping such classes
  /// instead, as before, favours a class seen once or never at a young leaf over those
  /// with real densities whenever densities are below 1: Elec2 78.90%, against 79.19% with
  /// this rule, as streamDM-C++.)
  static void add_log_likelihood(const Scalar* d, Scalar x, std::size_t c,
                                 log_likelihood_accumulator<Scalar>& acc) noexcept {
    const Scalar n = d[n_ + c], m2 = d[m2_ + c];
    if (!(n > Scalar(1)) || !(m2 > Scalar(0))) {
      if (!(n > Scalar(0)) || x != d[mean_ + c]) acc.add_log(-std::numeric_limits<Scalar>::infinity());
      return;
    }
    acc.add_gaussian(x - d[mean_ + c], (n - Scalar(1)) / m2);
  }
};

/// Streaming histograms per class: n[C], lo[C], hi[C], used[C], centroid[C][Bins], count[C][Bins].
template <scalar Scalar, std::size_t Classes, std::size_t Bins, std::size_t Splits>
struct histogram_observer {
  static_assert(Bins >= 2, "histogram_splitter needs at least two bins");
  static constexpr std::size_t size = (4 + 2 * Bins) * Classes;
  static constexpr std::size_t n_ = 0, lo_ = Classes, hi_ = 2 * Classes, used_ = 3 * Classes,
                               p_ = 4 * Classes, m_ = 4 * Classes + Bins * Classes;

  static void reset(Scalar* d) noexcept {
    for (std::size_t i = 0; i < size; ++i) d[i] = Scalar(0);
  }
  static void update(Scalar* d, Scalar x, std::size_t c) noexcept {
    Scalar* p = d + p_ + c * Bins;
    Scalar* m = d + m_ + c * Bins;
    auto used = static_cast<std::size_t>(d[used_ + c]);
    const Scalar n = d[n_ + c] + Scalar(1);
    if (n == Scalar(1)) {
      d[lo_ + c] = x;
      d[hi_ + c] = x;
    } else {
      if (x < d[lo_ + c]) d[lo_ + c] = x;
      if (x > d[hi_ + c]) d[hi_ + c] = x;
    }
    d[n_ + c] = n;
    std::size_t pos = 0;
    while (pos < used && p[pos] < x) ++pos;
    if (pos < used && p[pos] == x) {
      m[pos] += Scalar(1);
      return;
    }
    // Insert at pos into a scratch copy of Bins + 1 centroids, then merge if over capacity.
    std::array<Scalar, Bins + 1> sp{}, sm{};
    for (std::size_t i = 0, j = 0; i <= used; ++i) {
      if (i == pos) {
        sp[i] = x;
        sm[i] = Scalar(1);
      } else {
        sp[i] = p[j];
        sm[i] = m[j];
        ++j;
      }
    }
    ++used;
    if (used > Bins) {
      std::size_t best = 0;
      Scalar gap = sp[1] - sp[0];
      for (std::size_t i = 1; i + 1 < used; ++i) {
        if (sp[i + 1] - sp[i] < gap) {
          gap = sp[i + 1] - sp[i];
          best = i;
        }
      }
      const Scalar w = sm[best] + sm[best + 1];
      sp[best] = (sp[best] * sm[best] + sp[best + 1] * sm[best + 1]) / w;
      sm[best] = w;
      for (std::size_t i = best + 1; i + 1 < used; ++i) {
        sp[i] = sp[i + 1];
        sm[i] = sm[i + 1];
      }
      --used;
    }
    for (std::size_t i = 0; i < used; ++i) {
      p[i] = sp[i];
      m[i] = sm[i];
    }
    d[used_ + c] = static_cast<Scalar>(used);
  }

  /// Estimated weight of class c at or below t (Ben-Haim & Tom-Tov's "sum").
  static Scalar weight_below(const Scalar* d, std::size_t c, Scalar t) noexcept {
    const Scalar n = d[n_ + c];
    if (!(n > Scalar(0)) || t < d[lo_ + c]) return Scalar(0);
    if (t >= d[hi_ + c]) return n;
    const Scalar* p = d + p_ + c * Bins;
    const Scalar* m = d + m_ + c * Bins;
    const auto used = static_cast<std::size_t>(d[used_ + c]);
    if (t < p[0]) {  // between the minimum and the first centroid: linear in half its mass
      const Scalar span = p[0] - d[lo_ + c];
      return span > Scalar(0) ? Scalar(0.5) * m[0] * (t - d[lo_ + c]) / span : Scalar(0);
    }
    Scalar s = 0;
    std::size_t i = 0;
    while (i + 1 < used && p[i + 1] <= t) {
      s += m[i];
      ++i;
    }
    if (i + 1 >= used) {  // beyond the last centroid
      const Scalar span = d[hi_ + c] - p[i];
      const Scalar frac = span > Scalar(0) ? (t - p[i]) / span : Scalar(1);
      s += Scalar(0.5) * m[i] + Scalar(0.5) * m[i] * frac;
    } else {
      const Scalar f = (t - p[i]) / (p[i + 1] - p[i]);
      const Scalar mb = m[i] + (m[i + 1] - m[i]) * f;
      s += Scalar(0.5) * m[i] + Scalar(0.5) * (m[i] + mb) * f;
    }
    return s < n ? s : n;
  }

  template <class Criterion, std::size_t MaxBranches>
  static void best_split(const Scalar* d, std::span<const Scalar, Classes> pre, Scalar min_fraction,
                         split_suggestion<Scalar, Classes, MaxBranches>& out) noexcept {
    out.merit = -std::numeric_limits<Scalar>::infinity();
    Scalar lo = std::numeric_limits<Scalar>::infinity(), hi = -lo;
    for (std::size_t c = 0; c < Classes; ++c) {
      if (d[n_ + c] > Scalar(0)) {
        if (d[lo_ + c] < lo) lo = d[lo_ + c];
        if (d[hi_ + c] > hi) hi = d[hi_ + c];
      }
    }
    if (!(lo < hi)) return;
    const Scalar bin = (hi - lo) / static_cast<Scalar>(Splits + 1);
    std::array<Scalar, 2 * Classes> post{};
    for (std::size_t i = 0; i < Splits; ++i) {
      const Scalar t = lo + bin * static_cast<Scalar>(i + 1);
      if (!(lo < t && t < hi)) continue;
      for (std::size_t c = 0; c < Classes; ++c) {
        const Scalar left = weight_below(d, c, t);
        post[c] = left;
        post[Classes + c] = d[n_ + c] - left;
      }
      const Scalar merit = Criterion::merit(std::span<const Scalar>(pre.data(), Classes),
                                            std::span<const Scalar>(post.data(), 2 * Classes), min_fraction);
      if (merit > out.merit) {
        out.merit = merit;
        out.threshold = t;
        out.branches = 2;
        out.kind = split_kind::numeric;
        for (std::size_t k = 0; k < 2 * Classes; ++k) out.post[k] = post[k];
      }
    }
  }

  /// log of the histogram density of class c around x (over one bin width); nothing when
  /// the density is 0.
  static void add_log_likelihood(const Scalar* d, Scalar x, std::size_t c,
                                 log_likelihood_accumulator<Scalar>& acc) noexcept {
    const Scalar n = d[n_ + c];
    const Scalar h = (d[hi_ + c] - d[lo_ + c]) / static_cast<Scalar>(Bins);
    if (!(n > Scalar(1)) || !(h > Scalar(0))) return;
    const Scalar mass = weight_below(d, c, x + h) - weight_below(d, c, x - h);
    if (mass > Scalar(0)) acc.add_log(std::log(mass / (Scalar(2) * h * n)));
  }
};

/// Per value per class weights: count[v][C] for v < MaxValues, then total[C].
template <scalar Scalar, std::size_t Classes, std::size_t MaxValues>
struct nominal_observer {
  static constexpr std::size_t size = (MaxValues + 1) * Classes;
  static constexpr std::size_t total_ = MaxValues * Classes;

  static void reset(Scalar* d) noexcept {
    for (std::size_t i = 0; i < size; ++i) d[i] = Scalar(0);
  }
  static void update(Scalar* d, std::size_t value, std::size_t c) noexcept {
    d[value * Classes + c] += Scalar(1);
    d[total_ + c] += Scalar(1);
  }
  template <class Criterion, std::size_t MaxBranches>
  static void best_split(const Scalar* d, std::size_t cardinality, bool binary,
                         std::span<const Scalar, Classes> pre, Scalar min_fraction,
                         split_suggestion<Scalar, Classes, MaxBranches>& out) noexcept {
    static_assert(MaxBranches >= MaxValues && MaxBranches >= 2);
    out.merit = -std::numeric_limits<Scalar>::infinity();
    const std::span<const Scalar> pre_span(pre.data(), Classes);
    if (!binary) {
      for (std::size_t k = 0; k < cardinality * Classes; ++k) out.post[k] = d[k];
      out.merit = Criterion::merit(pre_span, std::span<const Scalar>(out.post.data(), cardinality * Classes),
                                   min_fraction);
      out.branches = static_cast<std::uint16_t>(cardinality);
      out.kind = split_kind::nominal_multiway;
      out.threshold = 0;
      return;
    }
    std::array<Scalar, 2 * Classes> post{};
    for (std::size_t v = 0; v < cardinality; ++v) {
      for (std::size_t c = 0; c < Classes; ++c) {
        post[c] = d[v * Classes + c];
        post[Classes + c] = d[total_ + c] - post[c];
      }
      const Scalar merit = Criterion::merit(pre_span, std::span<const Scalar>(post.data(), 2 * Classes), min_fraction);
      if (merit > out.merit) {
        out.merit = merit;
        out.threshold = static_cast<Scalar>(v);
        out.branches = 2;
        out.kind = split_kind::nominal_binary;
        for (std::size_t k = 0; k < 2 * Classes; ++k) out.post[k] = post[k];
      }
    }
  }
  /// Laplace likelihood as MOA's NominalAttributeClassObserver: (n_vc + 1) / (n_c + m_c),
  /// m_c = 1 + the largest value seen with class c; 0 (log -inf) for a class not seen.
  static void add_log_likelihood(const Scalar* d, std::size_t value, std::size_t cardinality, std::size_t c,
                                 log_likelihood_accumulator<Scalar>& acc) noexcept {
    if (!(d[total_ + c] > Scalar(0))) {
      acc.add_log(-std::numeric_limits<Scalar>::infinity());
      return;
    }
    std::size_t values = 0;
    for (std::size_t v = cardinality; v > 0; --v) {
      if (d[(v - 1) * Classes + c] > Scalar(0)) {
        values = v;
        break;
      }
    }
    acc.add_log(std::log((d[value * Classes + c] + Scalar(1)) / (d[total_ + c] + static_cast<Scalar>(values))));
  }
};

}  // namespace detail

/// Numeric observer policy: Gaussian estimators per class, `Splits` candidate thresholds
/// (MOA/River default 10).
template <std::size_t Splits = 10>
struct gaussian_splitter {
  static_assert(Splits >= 1);
  template <scalar Scalar, std::size_t Classes>
  using observer = detail::gaussian_observer<Scalar, Classes, Splits>;
};

/// Numeric observer policy: streaming histograms of `Bins` centroids per class, `Splits`
/// candidate thresholds.
template <std::size_t Bins = 16, std::size_t Splits = 10>
struct histogram_splitter {
  static_assert(Splits >= 1);
  template <scalar Scalar, std::size_t Classes>
  using observer = detail::histogram_observer<Scalar, Classes, Bins, Splits>;
};

static_assert(numeric_attribute_observer<gaussian_splitter<>::observer<float, 2>, float, 2>);
static_assert(numeric_attribute_observer<histogram_splitter<>::observer<double, 3>, double, 3>);

}  // namespace edgeloop
