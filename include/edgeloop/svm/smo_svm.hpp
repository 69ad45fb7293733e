#pragma once
/// smo_svm: batch two-class kernel SVM (C-SVC) trained by sequential minimal optimisation
/// (Platt 1998) with the second-order working-set selection WSS2 of Fan, Chen & Lin (2005),
/// the selection LIBSVM uses, on a bounded buffer of up to MaxSamples samples; and
/// kernel_svm_predictor, the trained model reduced to its support vectors.
///
/// Dual: minimise 1/2 a'Qa - e'a subject to 0 <= a_i <= C, y'a = 0, Q_ij = y_i y_j k(x_i, x_j),
/// y_i = +1 for class 1, -1 for class 0. The gradient G = Qa - e is kept up to date.
/// Each iteration selects
///   i = argmax { -y_t G_t : t in I_up },  I_up = {t : a_t < C, y_t = +1 or a_t > 0, y_t = -1}
///   j = argmin { -b_it^2 / a_it : t in I_low, -y_t G_t < -y_i G_i },
///       b_it = -y_i G_i + y_t G_t, a_it = K_ii + K_tt - 2 K_it (1e-12 when <= 0),
/// solves the two-variable problem analytically with clipping to the box, and stops when
/// max_{I_up} -y G - min_{I_low} -y G < tolerance (LIBSVM's eps, 1e-3 by default) or after
/// max_iterations. The bias is LIBSVM's rho (the mean of y_i G_i over free a_i, else the
/// midpoint of the feasible interval); decision(x) = sum_i y_i a_i k(x_i, x) - rho, class 1
/// when > 0. Kernel rows are computed on the fly (no cache; the two rows of the current
/// iteration are kept and reused when i or j repeat); no shrinking.
///
/// Memory: MaxSamples*(Features + 5)*sizeof(Scalar) + MaxSamples + small; exact value in
/// memory_bytes. Meant for the host (a static object) or for a small MaxSamples on a device.

#include <array>
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <limits>

#include "../core/assert.hpp"
#include "../core/concepts.hpp"
#include "../core/linalg.hpp"
#include "../core/numeric.hpp"
#include "../core/padding.hpp"
#include "../core/status.hpp"
#include "kernels.hpp"

namespace edgeloop {

/// A trained two-class kernel SVM reduced to its support vectors:
/// decision(x) = sum_i coef_i k(x_i, x) - rho, class 1 when > 0.
/// Memory: MaxSupport*(Features + 1)*sizeof(Scalar) + kernel params + 8 bytes.
template <scalar Scalar, std::size_t Features, std::size_t MaxSupport, class Kernel = rbf_kernel<Scalar>>
  requires kernel_policy<Kernel, Scalar>
class kernel_svm_predictor {
  static_assert(Features > 0 && MaxSupport > 0, "kernel_svm_predictor needs features and capacity");

 public:
  using input_type = std::array<Scalar, Features>;
  using output_type = class_label;
  using kernel_params = typename Kernel::params;

  struct state_type {
    std::uint32_t magic;
    std::uint16_t version;
    std::uint16_t reserved;
    kernel_params kernel;
    Scalar rho;
    std::uint32_t count;
    [[no_unique_address]] explicit_padding<padding_to(alignof(Scalar), sizeof(std::uint32_t)), 12> reserved1{};  ///< 0
    std::array<Scalar, MaxSupport * Features> vectors;  ///< unused rows 0
    std::array<Scalar, MaxSupport> coefficients;        ///< y_i a_i; unused 0
  };
  static constexpr std::uint32_t magic = 0x50565356u;  // "VSVP"
  static constexpr std::uint16_t version = 1;
  static const std::size_t memory_bytes;

  kernel_svm_predictor() noexcept { clear(); }

  /// Removes every support vector (decision = 0, class 0).
  void clear() noexcept {
    vectors_.fill(Scalar(0));
    coefficients_.fill(Scalar(0));
    rho_ = 0;
    count_ = 0;
    kernel_ = kernel_params{};
  }

  /// Sets the kernel and bias (the support vectors are removed); invalid_argument for bad
  /// kernel params or a non-finite rho.
  status assign(const kernel_params& k, Scalar rho) noexcept {
    if (Kernel::validate(k) != status::ok || !is_finite(rho)) return status::invalid_argument;
    clear();
    kernel_ = k;
    rho_ = rho;
    return status::ok;
  }
  /// Appends a support vector; capacity_exceeded or non_finite_input change nothing.
  status add(const input_type& x, Scalar coefficient) noexcept {
    if (count_ == MaxSupport) return status::capacity_exceeded;
    if (!all_finite(x) || !is_finite(coefficient)) return status::non_finite_input;
    for (std::size_t j = 0; j < Features; ++j) vectors_[count_ * Features + j] = x[j];
    coefficients_[count_] = coefficient;
    ++count_;
    return status::ok;
  }

  Scalar decision_function(const input_type& x) const noexcept {
    const auto sv = as_matrix<static_cast<int>(MaxSupport), static_cast<int>(Features)>(vectors_);
    const auto xv = as_vector(x);
    Scalar sum = 0;
    for (std::size_t i = 0; i < count_; ++i)
      sum += coefficients_[i] * Kernel::evaluate(kernel_, sv.row(static_cast<Eigen::Index>(i)).transpose(), xv);
    return sum - rho_;
  }
  class_label predict(const input_type& x) const noexcept {
    return decision_function(x) > Scalar(0) ? class_label{1} : class_label{0};
  }

  std::size_t support_vectors() const noexcept { return count_; }
  Scalar rho() const noexcept { return rho_; }

  state_type state() const noexcept {
    state_type s{};
    s.magic = magic;
    s.version = version;
    s.reserved = 0;
    s.kernel = kernel_;
    s.rho = rho_;
    s.count = count_;
    s.vectors = vectors_;
    s.coefficients = coefficients_;
    return s;
  }
  status restore(const state_type& s) noexcept {
    if (s.magic != magic || s.version != version || s.reserved != 0 || s.count > MaxSupport)
      return status::invalid_state;
    if (Kernel::validate(s.kernel) != status::ok || !is_finite(s.rho)) return status::invalid_state;
    if (!all_finite(s.vectors) || !all_finite(s.coefficients)) return status::invalid_state;
    for (std::size_t i = s.count; i < MaxSupport; ++i) {
      if (s.coefficients[i] != Scalar(0)) return status::invalid_state;
      for (std::size_t j = 0; j < Features; ++j)
        if (s.vectors[i * Features + j] != Scalar(0)) return status::invalid_state;
    }
    kernel_ = s.kernel;
    rho_ = s.rho;
    count_ = s.count;
    vectors_ = s.vectors;
    coefficients_ = s.coefficients;
    return status::ok;
  }

 private:
  std::array<Scalar, MaxSupport * Features> vectors_;
  std::array<Scalar, MaxSupport> coefficients_;
  kernel_params kernel_{};
  Scalar rho_ = 0;
  std::uint32_t count_ = 0;
};

template <scalar Scalar, std::size_t Features, std::size_t MaxSupport, class Kernel>
  requires kernel_policy<Kernel, Scalar>
constexpr std::size_t kernel_svm_predictor<Scalar, Features, MaxSupport, Kernel>::memory_bytes =
    sizeof(kernel_svm_predictor<Scalar, Features, MaxSupport, Kernel>);

template <scalar Scalar, std::size_t Features, std::size_t MaxSamples, class Kernel = rbf_kernel<Scalar>>
  requires kernel_policy<Kernel, Scalar>
class smo_svm {
  static_assert(Features > 0, "smo_svm needs at least one feature");
  static_assert(MaxSamples >= 2 && MaxSamples < 0x7FFFFFFFu, "smo_svm: bad sample capacity");

 public:
  using input_type = std::array<Scalar, Features>;
  using output_type = class_label;
  using target_type = class_label;
  using kernel_type = Kernel;
  using kernel_params = typename Kernel::params;

  struct params {
    Scalar c = Scalar(1);               ///< box constraint C, > 0
    Scalar tolerance = Scalar(1e-3);    ///< stopping tolerance on the maximal violation, > 0
    std::uint32_t max_iterations = 0;   ///< 0: max(10^7, 100 n) as LIBSVM
    kernel_params kernel{};
  };

  struct state_type {
    std::uint32_t magic;
    std::uint16_t version;
    std::uint8_t fitted;
    std::uint8_t reserved;
    Scalar c;
    Scalar tolerance;
    std::uint32_t max_iterations;
    [[no_unique_address]] explicit_padding<padding_to(alignof(Scalar), sizeof(std::uint32_t)), 13> reserved1{};  ///< 0
    kernel_params kernel;
    Scalar rho;
    std::uint32_t count;
    [[no_unique_address]] explicit_padding<padding_to(alignof(Scalar), sizeof(std::uint32_t)), 14> reserved2{};  ///< 0
    std::array<Scalar, MaxSamples * Features> samples;  ///< unused rows 0
    std::array<std::int8_t, MaxSamples> labels;         ///< +1 / -1, unused 0
    [[no_unique_address]] explicit_padding<padding_to(alignof(Scalar), MaxSamples), 15> reserved3{};  ///< 0
    std::array<Scalar, MaxSamples> alphas;              ///< unused 0
  };

  static constexpr std::uint32_t magic = 0x534F4D53u;  // "SMOS"
  static constexpr std::uint16_t version = 1;
  static const std::size_t memory_bytes;

  static constexpr status validate(const params& p) noexcept {
    if (!is_finite(p.c) || !(p.c > Scalar(0))) return status::invalid_argument;
    if (!is_finite(p.tolerance) || !(p.tolerance > Scalar(0))) return status::invalid_argument;
    return Kernel::validate(p.kernel);
  }

  smo_svm() noexcept : smo_svm(params{}) {}
  explicit smo_svm(const params& p) noexcept : params_(p) {
    EDGELOOP_ASSERT(validate(p) == status::ok, "smo_svm: invalid params");
    clear();
  }

  /// Adds a sample to the training buffer (the model is not changed until fit()).
  /// non_finite_input, label_out_of_range (y > 1), capacity_exceeded: nothing changed.
  status add(const input_type& x, class_label y) noexcept {
    if (!all_finite(x)) return status::non_finite_input;
    if (y > 1) return status::label_out_of_range;
    if (count_ == MaxSamples) return status::capacity_exceeded;
    for (std::size_t j = 0; j < Features; ++j) x_[count_ * Features + j] = x[j];
    y_[count_] = y == 1 ? std::int8_t{1} : std::int8_t{-1};
    alpha_[count_] = 0;
    ++count_;
    return status::ok;
  }

  /// Trains on the buffered samples from a = 0. not_ready when the buffer does not hold
  /// both classes (nothing changed); otherwise ok, also when max_iterations stopped it
  /// (see converged()).
  status fit() noexcept {
    bool pos = false, neg = false;
    for (std::size_t i = 0; i < count_; ++i) (y_[i] > 0 ? pos : neg) = true;
    if (!pos || !neg) return status::not_ready;
    solve();
    fitted_ = true;
    return status::ok;
  }

  /// Forgets the samples and the model (params stay).
  void clear() noexcept {
    x_.fill(Scalar(0));
    y_.fill(0);
    alpha_.fill(Scalar(0));
    count_ = 0;
    rho_ = 0;
    fitted_ = false;
    iterations_ = 0;
    converged_ = false;
  }

  /// sum_i y_i a_i k(x_i, x) - rho over the support vectors (0 before fit()).
  Scalar decision_function(const input_type& x) const noexcept {
    if (!fitted_) return Scalar(0);
    const auto xs = samples();
    const auto xv = as_vector(x);
    Scalar sum = 0;
    for (std::size_t i = 0; i < count_; ++i)
      if (alpha_[i] > Scalar(0))
        sum += static_cast<Scalar>(y_[i]) * alpha_[i] *
               Kernel::evaluate(params_.kernel, xs.row(static_cast<Eigen::Index>(i)).transpose(), xv);
    return sum - rho_;
  }
  class_label predict(const input_type& x) const noexcept {
    return decision_function(x) > Scalar(0) ? class_label{1} : class_label{0};
  }

  /// Copies the support vectors into `p`; capacity_exceeded (p cleared) when they do not fit,
  /// not_ready (p unchanged) before fit().
  template <std::size_t MaxSupport>
  status export_to(kernel_svm_predictor<Scalar, Features, MaxSupport, Kernel>& p) const noexcept {
    if (!fitted_) return status::not_ready;
    EDGELOOP_TRY(p.assign(params_.kernel, rho_));
    input_type row;
    for (std::size_t i = 0; i < count_; ++i) {
      if (!(alpha_[i] > Scalar(0))) continue;
      for (std::size_t j = 0; j < Features; ++j) row[j] = x_[i * Features + j];
      if (const status s = p.add(row, static_cast<Scalar>(y_[i]) * alpha_[i]); s != status::ok) {
        p.clear();
        return s;
      }
    }
    return status::ok;
  }

  std::size_t size() const noexcept { return count_; }
  std::size_t support_vectors() const noexcept {
    std::size_t n = 0;
    for (std::size_t i = 0; i < count_; ++i) n += alpha_[i] > Scalar(0) ? 1u : 0u;
    return n;
  }
  std::size_t bounded_support_vectors() const noexcept {
    std::size_t n = 0;
    for (std::size_t i = 0; i < count_; ++i) n += alpha_[i] >= params_.c ? 1u : 0u;
    return n;
  }
  bool fitted() const noexcept { return fitted_; }
  bool converged() const noexcept { return converged_; }
  std::uint32_t iterations() const noexcept { return iterations_; }
  Scalar rho() const noexcept { return rho_; }
  Scalar alpha(std::size_t i) const noexcept { return alpha_[i]; }
  /// The final gradient G_i = (Q a)_i - 1 (valid after fit()).
  Scalar gradient(std::size_t i) const noexcept { return grad_[i]; }
  /// Dual objective 1/2 a'Qa - e'a = 1/2 sum_i a_i (G_i - 1) (valid after fit()).
  Scalar dual_objective() const noexcept {
    Scalar s = 0;
    for (std::size_t i = 0; i < count_; ++i) s += alpha_[i] * (grad_[i] - Scalar(1));
    return s / Scalar(2);
  }
  const params& parameters() const noexcept { return params_; }

  state_type state() const noexcept {
    state_type s{};
    s.magic = magic;
    s.version = version;
    s.fitted = fitted_ ? 1 : 0;
    s.reserved = 0;
    s.c = params_.c;
    s.tolerance = params_.tolerance;
    s.max_iterations = params_.max_iterations;
    s.kernel = params_.kernel;
    s.rho = rho_;
    s.count = count_;
    s.samples = x_;
    s.labels = y_;
    s.alphas = alpha_;
    return s;
  }

  /// Adopts `s` (with its params); invalid_state changes nothing. The gradient is not part
  /// of the state (gradient() is valid again after the next fit()).
  status restore(const state_type& s) noexcept {
    if (s.magic != magic || s.version != version || s.reserved != 0 || s.fitted > 1 || s.count > MaxSamples)
      return status::invalid_state;
    const params p{s.c, s.tolerance, s.max_iterations, s.kernel};
    if (validate(p) != status::ok || !is_finite(s.rho)) return status::invalid_state;
    if (!all_finite(s.samples) || !all_finite(s.alphas)) return status::invalid_state;
    for (std::size_t i = 0; i < MaxSamples; ++i) {
      const bool used = i < s.count;
      if (used && s.labels[i] != 1 && s.labels[i] != -1) return status::invalid_state;
      if (used && (s.alphas[i] < Scalar(0) || s.alphas[i] > s.c)) return status::invalid_state;
      if (!used && (s.labels[i] != 0 || s.alphas[i] != Scalar(0))) return status::invalid_state;
    }
    params_ = p;
    fitted_ = s.fitted == 1;
    rho_ = s.rho;
    count_ = s.count;
    x_ = s.samples;
    y_ = s.labels;
    alpha_ = s.alphas;
    grad_.fill(Scalar(0));
    iterations_ = 0;
    converged_ = false;
    return status::ok;
  }

 private:
  static constexpr Scalar tau = Scalar(1e-12);
  static constexpr std::size_t none = std::numeric_limits<std::size_t>::max();

  auto samples() const noexcept { return as_matrix<static_cast<int>(MaxSamples), static_cast<int>(Features)>(x_); }

  Scalar kernel(std::size_t i, std::size_t j) const noexcept {
    const auto xs = samples();
    return Kernel::evaluate(params_.kernel, xs.row(static_cast<Eigen::Index>(i)).transpose(),
                            xs.row(static_cast<Eigen::Index>(j)).transpose());
  }
  /// out[t] = y_i y_t k(x_i, x_t) for every buffered t.
  void q_row(std::size_t i, std::array<Scalar, MaxSamples>& out) const noexcept {
    const auto xs = samples();
    const auto xi = xs.row(static_cast<Eigen::Index>(i)).transpose();
    const Scalar yi = static_cast<Scalar>(y_[i]);
    for (std::size_t t = 0; t < count_; ++t)
      out[t] = yi * static_cast<Scalar>(y_[t]) *
               Kernel::evaluate(params_.kernel, xs.row(static_cast<Eigen::Index>(t)).transpose(), xi);
  }
  const std::array<Scalar, MaxSamples>& row(std::size_t i) noexcept {
    // Two slots, least recently used replaced: the row asked for just before stays valid.
    std::size_t slot = row_index_[0] == i ? 0u : row_index_[1] == i ? 1u : none;
    if (slot == none) {
      slot = last_slot_ ^ 1u;
      q_row(i, rows_[slot]);
      row_index_[slot] = i;
    }
    last_slot_ = slot;
    return rows_[slot];
  }

  bool in_up(std::size_t t) const noexcept { return y_[t] > 0 ? alpha_[t] < params_.c : alpha_[t] > Scalar(0); }
  bool in_low(std::size_t t) const noexcept { return y_[t] > 0 ? alpha_[t] > Scalar(0) : alpha_[t] < params_.c; }

  /// WSS2; false when optimal within tolerance.
  bool select(std::size_t& out_i, std::size_t& out_j) noexcept {
    Scalar g_max = -std::numeric_limits<Scalar>::infinity();
    std::size_t i = none;
    for (std::size_t t = 0; t < count_; ++t) {
      if (!in_up(t)) continue;
      const Scalar v = -static_cast<Scalar>(y_[t]) * grad_[t];
      if (v >= g_max) {
        g_max = v;
        i = t;
      }
    }
    if (i == none) return false;
    const std::array<Scalar, MaxSamples>& qi = row(i);
    const Scalar yi = static_cast<Scalar>(y_[i]);
    Scalar g_max2 = -std::numeric_limits<Scalar>::infinity();  // -min_{I_low} -y G
    Scalar best = std::numeric_limits<Scalar>::infinity();
    std::size_t j = none;
    for (std::size_t t = 0; t < count_; ++t) {
      if (!in_low(t)) continue;
      const Scalar yt = static_cast<Scalar>(y_[t]);
      const Scalar v = yt * grad_[t];  // = -(-y_t G_t)
      if (v >= g_max2) g_max2 = v;
      const Scalar b = g_max + v;
      if (b > Scalar(0)) {
        Scalar a = diag_[i] + diag_[t] - Scalar(2) * yi * yt * qi[t];
        if (a <= Scalar(0)) a = tau;
        const Scalar obj = -(b * b) / a;
        if (obj <= best) {
          best = obj;
          j = t;
        }
      }
    }
    if (g_max + g_max2 < params_.tolerance || j == none) return false;
    out_i = i;
    out_j = j;
    return true;
  }

  void solve() noexcept {
    for (std::size_t t = 0; t < count_; ++t) {
      alpha_[t] = 0;
      grad_[t] = Scalar(-1);
      diag_[t] = kernel(t, t);
    }
    row_index_ = {none, none};
    last_slot_ = 0;
    const Scalar c = params_.c;
    std::uint64_t limit = params_.max_iterations;
    if (limit == 0) {
      limit = 100u * static_cast<std::uint64_t>(count_);
      if (limit < 10000000u) limit = 10000000u;
    }
    iterations_ = 0;
    converged_ = false;
    std::size_t i = 0, j = 0;
    while (true) {
      if (!select(i, j)) {
        converged_ = true;
        break;
      }
      if (iterations_ >= limit) break;
      ++iterations_;
      const std::array<Scalar, MaxSamples>& qi = row(i);  // row(i) is cached by select()
      const std::array<Scalar, MaxSamples>& qj = row(j);
      const Scalar ai_old = alpha_[i], aj_old = alpha_[j];
      Scalar ai = ai_old, aj = aj_old;
      if (y_[i] != y_[j]) {
        Scalar quad = diag_[i] + diag_[j] + Scalar(2) * qi[j];
        if (quad <= Scalar(0)) quad = tau;
        const Scalar delta = (-grad_[i] - grad_[j]) / quad;
        const Scalar diff = ai - aj;
        ai += delta;
        aj += delta;
        if (diff > Scalar(0)) {
          if (aj < Scalar(0)) {
            aj = 0;
            ai = diff;
          }
        } else if (ai < Scalar(0)) {
          ai = 0;
          aj = -diff;
        }
        if (diff > Scalar(0)) {
          if (ai > c) {
            ai = c;
            aj = c - diff;
          }
        } else if (aj > c) {
          aj = c;
          ai = c + diff;
        }
      } else {
        Scalar quad = diag_[i] + diag_[j] - Scalar(2) * qi[j];
        if (quad <= Scalar(0)) quad = tau;
        const Scalar delta = (grad_[i] - grad_[j]) / quad;
        const Scalar sum = ai + aj;
        ai -= delta;
        aj += delta;
        if (sum > c) {
          if (ai > c) {
            ai = c;
            aj = sum - c;
          }
        } else if (aj < Scalar(0)) {
          aj = 0;
          ai = sum;
        }
        if (sum > c) {
          if (aj > c) {
            aj = c;
            ai = sum - c;
          }
        } else if (ai < Scalar(0)) {
          ai = 0;
          aj = sum;
        }
      }
      alpha_[i] = ai;
      alpha_[j] = aj;
      const Scalar di = ai - ai_old, dj = aj - aj_old;
      for (std::size_t t = 0; t < count_; ++t) grad_[t] += qi[t] * di + qj[t] * dj;
    }
    // rho (LIBSVM's calculate_rho)
    Scalar ub = std::numeric_limits<Scalar>::infinity(), lb = -std::numeric_limits<Scalar>::infinity();
    Scalar sum_free = 0;
    std::size_t free = 0;
    for (std::size_t t = 0; t < count_; ++t) {
      const Scalar yg = static_cast<Scalar>(y_[t]) * grad_[t];
      if (alpha_[t] >= c) {
        if (y_[t] < 0) ub = ub < yg ? ub : yg;
        else lb = lb > yg ? lb : yg;
      } else if (alpha_[t] <= Scalar(0)) {
        if (y_[t] > 0) ub = ub < yg ? ub : yg;
        else lb = lb > yg ? lb : yg;
      } else {
        ++free;
        sum_free += yg;
      }
    }
    rho_ = free > 0 ? sum_free / static_cast<Scalar>(free) : (ub + lb) / Scalar(2);
  }

  std::array<Scalar, MaxSamples * Features> x_;
  std::array<std::int8_t, MaxSamples> y_;
  std::array<Scalar, MaxSamples> alpha_;
  std::array<Scalar, MaxSamples> grad_{};
  std::array<Scalar, MaxSamples> diag_{};
  std::array<std::array<Scalar, MaxSamples>, 2> rows_{};
  std::array<std::size_t, 2> row_index_{none, none};
  params params_;
  Scalar rho_ = 0;
  std::uint32_t count_ = 0;
  std::uint32_t iterations_ = 0;
  std::size_t last_slot_ = 0;
  bool fitted_ = false;
  bool converged_ = false;
};

template <scalar Scalar, std::size_t Features, std::size_t MaxSamples, class Kernel>
  requires kernel_policy<Kernel, Scalar>
constexpr std::size_t smo_svm<Scalar, Features, MaxSamples, Kernel>::memory_bytes =
    sizeof(smo_svm<Scalar, Features, MaxSamples, Kernel>);

static_assert(predictor<smo_svm<float, 2, 8>>);
static_assert(persistable<smo_svm<float, 2, 8>>);
static_assert(predictor<kernel_svm_predictor<float, 2, 8>>);
static_assert(persistable<kernel_svm_predictor<float, 2, 8>>);

}  // namespace edgeloop
