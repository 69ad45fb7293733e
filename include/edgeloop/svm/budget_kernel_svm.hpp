#pragma once
/// budget_kernel_svm: kernel SVM trained online by budgeted stochastic gradient descent
/// (BSGD, Wang, Crammer & Vucetic 2012): Pegasos in the kernel's feature space with at
/// most Budget support vectors.
///
/// Model: f_o(x) = sum_i alpha_io k(x_i, x) + b_o over the support vectors (b = 0 unless
/// fit_intercept: then b takes the same step as a weight on a constant feature 1).
/// Step t (from 1), eta_t = 1 / (lambda t): every alpha is scaled by (1 - 1/t); then, if
/// the hinge loss is positive, x becomes a support vector with coefficients eta_t g (and
/// b += eta_t g with fit_intercept; b is scaled by (1 - 1/t) like the alphas):
///  - two classes (one output, s = +1 for class 1, -1 for class 0): loss 1 - s f(x), g = s;
///  - more classes (multi-class hinge of Crammer & Singer, as the paper's multi-class
///    BSGD): r = the best wrong class, loss 1 + f_r(x) - f_y(x), g_y = +1, g_r = -1.
/// When that makes Budget + 1 support vectors, budget maintenance brings it back to Budget
/// (the new vector takes part as a candidate):
///  - removal: the vector with the smallest ||alpha_m|| is dropped;
///  - merging (kernels with k(z, z) = 1 that depend on ||a - b||: the RBF kernel): m as for
///    removal is merged with the partner n that loses the least weight. The merged point
///    is z = h x_m + (1 - h) x_n with alpha_z = alpha_m k(x_m, z) + alpha_n k(x_n, z); for
///    the RBF kernel k(x_m, z) = k_mn^((1-h)^2), k(x_n, z) = k_mn^(h^2), and h in [0, 1]
///    minimises the weight degradation ||alpha_m phi(x_m) + alpha_n phi(x_n) - alpha_z phi(z)||^2
///    (= maximises ||alpha_z||^2; the loss can be bimodal in h, so a grid of 11 points
///    picks the basin and golden-section search refines it to 1e-3), evaluated in a
///    form without cancellation (see merge_loss).
///    With two classes only partners whose alpha has the sign of alpha_m are considered
///    (removal when there is none).
/// Prediction: class 1 when f(x) > 0 (two classes), else the arg max (ties: lowest label).
///
/// Memory: (Budget*(Features + Outputs) + Outputs)*sizeof(Scalar) + params + 8 bytes, Outputs = 1 for
/// two classes, Classes otherwise; exact value in memory_bytes.

#include <array>
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <limits>

#include "../core/assert.hpp"
#include "../core/concepts.hpp"
#include "../core/linalg.hpp"
#include "../core/numeric.hpp"
#include "../core/status.hpp"
#include "kernels.hpp"

namespace edgeloop {

/// How budget_kernel_svm keeps to its budget.
enum class budget_maintenance : std::uint8_t {
  removal = 0,  ///< drop the support vector with the smallest coefficient norm
  merging = 1,  ///< merge it with its best partner (RBF kernel only)
};

template <scalar Scalar, std::size_t Features, std::size_t Budget, class Kernel = rbf_kernel<Scalar>,
          std::size_t Classes = 2>
  requires kernel_policy<Kernel, Scalar>
class budget_kernel_svm {
  static_assert(Features > 0, "budget_kernel_svm needs at least one feature");
  static_assert(Budget >= 2, "budget_kernel_svm needs a budget of at least two support vectors");
  static_assert(Budget < 65535u, "budget too large");
  static_assert(Classes >= 2 && Classes <= std::numeric_limits<class_label>::max(), "bad class count");

 public:
  static constexpr std::size_t outputs = Classes == 2 ? 1 : Classes;
  static constexpr std::size_t budget = Budget;

  using input_type = std::array<Scalar, Features>;
  using output_type = class_label;
  using target_type = class_label;
  using decision_type = std::array<Scalar, outputs>;
  using kernel_type = Kernel;
  using kernel_params = typename Kernel::params;

  struct params {
    Scalar lambda = Scalar(1e-4);  ///< regularisation, > 0 (lambda = 1 / (C n) for an SVM with C)
    budget_maintenance maintenance = Kernel::mergeable ? budget_maintenance::merging : budget_maintenance::removal;
    kernel_params kernel{};
    bool fit_intercept = false;  ///< learn a bias b (regularised, as a constant 1 feature)
  };

  struct state_type {
    std::uint32_t magic;
    std::uint16_t version;
    std::uint8_t maintenance;
    std::uint8_t fit_intercept;
    Scalar lambda;
    kernel_params kernel;
    std::uint32_t steps;
    std::uint32_t count;
    std::array<Scalar, outputs> bias;               ///< 0 without fit_intercept
    std::array<Scalar, Budget * Features> vectors;  ///< [support vector][feature], unused rows 0
    std::array<Scalar, Budget * outputs> alphas;    ///< [support vector][output], unused rows 0
  };

  static constexpr std::uint32_t magic = 0x44475342u;  // "BSGD"
  static constexpr std::uint16_t version = 1;
  static const std::size_t memory_bytes;

  /// ok, or invalid_argument: lambda not finite and > 0, bad kernel params, or merging with a
  /// kernel that does not allow it.
  static constexpr status validate(const params& p) noexcept {
    if (!is_finite(p.lambda) || !(p.lambda > Scalar(0))) return status::invalid_argument;
    if (p.maintenance != budget_maintenance::removal && p.maintenance != budget_maintenance::merging)
      return status::invalid_argument;
    if (p.maintenance == budget_maintenance::merging && !Kernel::mergeable) return status::invalid_argument;
    return Kernel::validate(p.kernel);
  }

  budget_kernel_svm() noexcept : budget_kernel_svm(params{}) {}
  explicit budget_kernel_svm(const params& p) noexcept : params_(p) {
    EDGELOOP_ASSERT(validate(p) == status::ok, "budget_kernel_svm: invalid params");
    reset();
  }

  /// One BSGD step. non_finite_input (x not finite, or a non-finite decision value),
  /// label_out_of_range, capacity_exceeded (2^32 - 1 steps); then nothing changed.
  status partial_fit(const input_type& x, class_label y) noexcept {
    if (!all_finite(x)) return status::non_finite_input;
    if (y >= Classes) return status::label_out_of_range;
    if (steps_ == std::numeric_limits<std::uint32_t>::max()) return status::capacity_exceeded;
    const decision_type f = decision_function(x);
    if (!all_finite(f)) return status::non_finite_input;

    const Scalar t = static_cast<Scalar>(steps_ + 1u);
    const Scalar eta = Scalar(1) / (params_.lambda * t);
    decision_type g{};
    bool violated = false;
    if constexpr (outputs == 1) {
      const Scalar s = y == 1 ? Scalar(1) : Scalar(-1);
      violated = s * f[0] < Scalar(1);
      g[0] = eta * s;
    } else {
      std::size_t r = y == 0 ? 1 : 0;
      for (std::size_t o = 0; o < outputs; ++o)
        if (o != y && f[o] > f[r]) r = o;
      violated = Scalar(1) + f[r] - f[y] > Scalar(0);
      g[y] = eta;
      g[r] = -eta;
    }
    if (violated && !all_finite(g)) return status::non_finite_input;

    as_vector(alphas_) *= Scalar(1) - Scalar(1) / t;
    as_vector(bias_) *= Scalar(1) - Scalar(1) / t;
    ++steps_;
    if (!violated) return status::ok;
    if (params_.fit_intercept) as_vector(bias_) += as_vector(g);
    if (count_ < Budget) {
      append(x, g);
      return status::ok;
    }
    maintain(x, g);
    return status::ok;
  }

  /// f_o(x) = sum_i alpha_io k(x_i, x).
  decision_type decision_function(const input_type& x) const noexcept {
    std::array<Scalar, Budget> k{};
    const auto xv = as_vector(x);
    const auto sv = as_matrix<static_cast<int>(Budget), static_cast<int>(Features)>(vectors_);
    for (std::size_t i = 0; i < count_; ++i)
      k[i] = Kernel::evaluate(params_.kernel, sv.row(static_cast<Eigen::Index>(i)).transpose(), xv);
    decision_type f;
    as_vector(f) = as_matrix<static_cast<int>(Budget), static_cast<int>(outputs)>(alphas_).transpose().lazyProduct(as_vector(k)) +
                   as_vector(bias_);
    return f;
  }

  class_label predict(const input_type& x) const noexcept {
    const decision_type f = decision_function(x);
    if constexpr (outputs == 1) {
      return f[0] > Scalar(0) ? class_label{1} : class_label{0};
    } else {
      std::size_t best = 0;
      for (std::size_t o = 1; o < outputs; ++o)
        if (f[o] > f[best]) best = o;
      return static_cast<class_label>(best);
    }
  }

  void reset() noexcept {
    vectors_.fill(Scalar(0));
    alphas_.fill(Scalar(0));
    bias_.fill(Scalar(0));
    count_ = 0;
    steps_ = 0;
  }

  std::size_t support_vectors() const noexcept { return count_; }
  std::uint32_t samples() const noexcept { return steps_; }
  Scalar vector(std::size_t i, std::size_t j) const noexcept { return vectors_[i * Features + j]; }
  Scalar alpha(std::size_t i, std::size_t o = 0) const noexcept { return alphas_[i * outputs + o]; }
  const params& parameters() const noexcept { return params_; }

  state_type state() const noexcept {
    state_type s{};
    s.magic = magic;
    s.version = version;
    s.maintenance = static_cast<std::uint8_t>(params_.maintenance);
    s.fit_intercept = params_.fit_intercept ? 1 : 0;
    s.lambda = params_.lambda;
    s.kernel = params_.kernel;
    s.steps = steps_;
    s.count = count_;
    s.bias = bias_;
    s.vectors = vectors_;
    s.alphas = alphas_;
    return s;
  }

  /// Adopts `s` (with its params) or returns invalid_state and changes nothing.
  status restore(const state_type& s) noexcept {
    if (s.magic != magic || s.version != version || s.fit_intercept > 1 || s.maintenance > 1)
      return status::invalid_state;
    const params p{s.lambda, static_cast<budget_maintenance>(s.maintenance), s.kernel, s.fit_intercept == 1};
    if (validate(p) != status::ok || s.count > Budget) return status::invalid_state;
    if (!all_finite(s.vectors) || !all_finite(s.alphas) || !all_finite(s.bias)) return status::invalid_state;
    if (!p.fit_intercept)
      for (const Scalar b : s.bias)
        if (b != Scalar(0)) return status::invalid_state;
    for (std::size_t i = s.count; i < Budget; ++i) {
      for (std::size_t j = 0; j < Features; ++j)
        if (s.vectors[i * Features + j] != Scalar(0)) return status::invalid_state;
      for (std::size_t o = 0; o < outputs; ++o)
        if (s.alphas[i * outputs + o] != Scalar(0)) return status::invalid_state;
    }
    params_ = p;
    steps_ = s.steps;
    count_ = s.count;
    bias_ = s.bias;
    vectors_ = s.vectors;
    alphas_ = s.alphas;
    return status::ok;
  }

 private:
  static constexpr std::size_t candidate = Budget;  ///< index of the incoming vector

  void store(std::size_t i, const input_type& x, const decision_type& a) noexcept {
    for (std::size_t j = 0; j < Features; ++j) vectors_[i * Features + j] = x[j];
    for (std::size_t o = 0; o < outputs; ++o) alphas_[i * outputs + o] = a[o];
  }

  /// Row i of the support vectors, or the incoming x for i == candidate.
  const Scalar* row_of(std::size_t i, const input_type& x) const noexcept {
    return i == candidate ? x.data() : vectors_.data() + i * Features;
  }
  const Scalar* alpha_of(std::size_t i, const decision_type& a) const noexcept {
    return i == candidate ? a.data() : alphas_.data() + i * outputs;
  }
  static Scalar squared_norm(const Scalar* a) noexcept {
    Scalar s = 0;
    for (std::size_t o = 0; o < outputs; ++o) s += a[o] * a[o];
    return s;
  }

  /// Budget + 1 vectors (the stored ones, oldest first, and the candidate x with
  /// coefficients a) -> Budget. m is the smallest ||alpha||; near-ties (within a relative
  /// 1e-4, common since Pegasos gives all new vectors the same magnitude) go to the oldest.
  void maintain(const input_type& x, const decision_type& a) noexcept {
    std::size_t m = 0;
    Scalar m_norm = squared_norm(alpha_of(0, a));
    for (std::size_t i = 1; i <= Budget; ++i) {
      const Scalar v = squared_norm(alpha_of(i, a));
      if (v < m_norm * Scalar(0.9999)) {
        m_norm = v;
        m = i;
      }
    }
    if constexpr (Kernel::mergeable) {
      if (params_.maintenance == budget_maintenance::merging && merge(m, x, a)) return;
    }
    // Removal: m goes, the candidate (unless it is m) is appended.
    if (m != candidate) {
      erase(m);
      append(x, a);
    }
  }

  void erase(std::size_t i) noexcept {
    for (std::size_t k = i + 1; k < count_; ++k) {
      for (std::size_t j = 0; j < Features; ++j) vectors_[(k - 1) * Features + j] = vectors_[k * Features + j];
      for (std::size_t o = 0; o < outputs; ++o) alphas_[(k - 1) * outputs + o] = alphas_[k * outputs + o];
    }
    --count_;
    for (std::size_t j = 0; j < Features; ++j) vectors_[count_ * Features + j] = Scalar(0);
    for (std::size_t o = 0; o < outputs; ++o) alphas_[count_ * outputs + o] = Scalar(0);
  }
  void append(const input_type& x, const decision_type& a) noexcept {
    store(count_, x, a);
    ++count_;
  }

  /// Merges m with its best partner; false when there is no admissible partner.
  bool merge(std::size_t m, const input_type& x, const decision_type& a) noexcept {
    using vec = Eigen::Matrix<Scalar, static_cast<int>(Features), 1>;
    using out = Eigen::Matrix<Scalar, static_cast<int>(outputs), 1>;
    const Eigen::Map<const vec> xm(row_of(m, x));
    const Eigen::Map<const out> am(alpha_of(m, a));
    std::size_t best = candidate + 1;
    Scalar best_loss = std::numeric_limits<Scalar>::infinity();
    Scalar best_h = 0;
    for (std::size_t n = 0; n <= Budget; ++n) {
      if (n == m) continue;
      const Eigen::Map<const out> an(alpha_of(n, a));
      if constexpr (outputs == 1) {
        if (am(0) * an(0) <= Scalar(0)) continue;  // same sign only
      }
      const Eigen::Map<const vec> xn(row_of(n, x));
      const Scalar d2 = (xm - xn).squaredNorm();
      Scalar h = 0;
      const Scalar loss = merge_loss(am, an, d2, h);
      if (loss < best_loss) {
        best_loss = loss;
        best = n;
        best_h = h;
      }
    }
    if (best > candidate) return false;
    const Eigen::Map<const vec> xn(row_of(best, x));
    const Eigen::Map<const out> an(alpha_of(best, a));
    const Scalar d2 = (xm - xn).squaredNorm();
    const Scalar hm = Scalar(1) - best_h;
    input_type zx;
    decision_type za;
    as_vector(zx) = best_h * xm + hm * xn;
    as_vector(za) = am * Kernel::from_squared_distance(params_.kernel, hm * hm * d2) +
                    an * Kernel::from_squared_distance(params_.kernel, best_h * best_h * d2);
    // Erase the stored ones of {m, partner} (higher index first), append z, then the
    // candidate if it was neither.
    const std::size_t hi = m > best ? m : best, lo = m > best ? best : m;
    if (hi != candidate) erase(hi);
    erase(lo);
    append(zx, za);
    if (hi != candidate) append(x, a);
    return true;
  }

  /// Weight degradation of merging (m, n) into z_h = h x_m + (1 - h) x_n,
  ///   ||alpha_m phi_m + alpha_n phi_n - alpha_z phi_z||^2
  ///   = |a_m|^2 (1 - k_m^2) + |a_n|^2 (1 - k_n^2) - 2 <a_m, a_n> (k_m k_n - k_mn)
  /// with k_m = k(x_m, z), k_n = k(x_n, z), k_m k_n - k_mn = k_m k_n (1 - exp(-2 gamma h (1-h) d2))
  /// (each factor without cancellation: float merges of heavy and light vectors stay
  /// exact), minimised over h in [0, 1]: grid of 11 points, then golden section (1e-3).
  template <class Am, class An>
  Scalar merge_loss(const Am& am, const An& an, Scalar d2, Scalar& h_out) const noexcept {
    const Scalar mm = am.squaredNorm(), nn = an.squaredNorm(), mn = am.dot(an);
    auto loss = [&](Scalar h) {
      const Scalar dm = (Scalar(1) - h) * (Scalar(1) - h) * d2, dn = h * h * d2;
      const Scalar km = Kernel::from_squared_distance(params_.kernel, dm);
      const Scalar kn = Kernel::from_squared_distance(params_.kernel, dn);
      const Scalar cm = Kernel::complement_from_squared_distance(params_.kernel, Scalar(2) * dm);  // 1 - km^2
      const Scalar cn = Kernel::complement_from_squared_distance(params_.kernel, Scalar(2) * dn);  // 1 - kn^2
      const Scalar cross = km * kn * Kernel::complement_from_squared_distance(params_.kernel, Scalar(2) * h * (Scalar(1) - h) * d2);
      return mm * cm + nn * cn - Scalar(2) * mn * cross;
    };
    // The loss is bimodal in h when the two points are far apart (z near x_m or near x_n):
    // a grid of 11 points picks the right basin, golden section refines inside it.
    std::size_t best_k = 0;
    Scalar best_grid = loss(Scalar(0));
    for (std::size_t k = 1; k <= 10; ++k) {
      const Scalar v = loss(static_cast<Scalar>(k) / Scalar(10));
      if (v < best_grid) {
        best_grid = v;
        best_k = k;
      }
    }
    constexpr Scalar ratio = Scalar(0.6180339887498949);
    Scalar lo = best_k > 0 ? static_cast<Scalar>(best_k - 1) / Scalar(10) : Scalar(0);
    Scalar hi = best_k < 10 ? static_cast<Scalar>(best_k + 1) / Scalar(10) : Scalar(1);
    Scalar c = hi - ratio * (hi - lo), d = lo + ratio * (hi - lo);
    Scalar fc = loss(c), fd = loss(d);
    while (hi - lo > Scalar(1e-3)) {
      if (fc < fd) {
        hi = d;
        d = c;
        fd = fc;
        c = hi - ratio * (hi - lo);
        fc = loss(c);
      } else {
        lo = c;
        c = d;
        fc = fd;
        d = lo + ratio * (hi - lo);
        fd = loss(d);
      }
    }
    h_out = (lo + hi) / Scalar(2);
    const Scalar refined = loss(h_out);
    if (best_grid < refined) {  // the grid point itself (e.g. an end point) is better
      h_out = static_cast<Scalar>(best_k) / Scalar(10);
      return best_grid;
    }
    return refined;
  }

  std::array<Scalar, Budget * Features> vectors_;
  std::array<Scalar, Budget * outputs> alphas_;
  std::array<Scalar, outputs> bias_;
  params params_;
  std::uint32_t steps_ = 0;
  std::uint32_t count_ = 0;
};

template <scalar Scalar, std::size_t Features, std::size_t Budget, class Kernel, std::size_t Classes>
  requires kernel_policy<Kernel, Scalar>
constexpr std::size_t budget_kernel_svm<Scalar, Features, Budget, Kernel, Classes>::memory_bytes =
    sizeof(budget_kernel_svm<Scalar, Features, Budget, Kernel, Classes>);

static_assert(online_learner<budget_kernel_svm<float, 4, 8>>);
static_assert(persistable<budget_kernel_svm<float, 4, 8>>);
static_assert(online_learner<budget_kernel_svm<float, 4, 8, polynomial_kernel<float>, 3>>);

}  // namespace edgeloop
