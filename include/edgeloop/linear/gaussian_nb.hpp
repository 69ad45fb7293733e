#pragma once
/// gaussian_nb: streaming Gaussian naive Bayes classifier.
///
/// One Gaussian per class and feature, learned with Welford's (1962) running mean and sum
/// of squared deviations M2; the variance is the sample variance M2 / (n - 1) (0 below two
/// samples), as River's naive_bayes.GaussianNB (proba.Gaussian over stats.Var(ddof=1)).
/// Class priors are the class frequencies n_c / n; classes never seen take no part.
/// The joint log-likelihood of class c is
///     log(n_c / n) + sum_j log(pdf_epsilon + N(x_j; mean_cj, var_cj + var_smoothing))
/// where a zero variance gives density 0 (River's convention; pdf_epsilon = 1e-9 is River's
/// additive term). Everything is computed in log space: the sum above uses
/// log(eps + exp(l)) = logaddexp(log eps, l), and predict_proba normalises with log-sum-exp.
/// partial_fit refreshes a per-class cache of log(2 pi var) and 1/(2 var) so that predict
/// costs one exp and one log1p per class and feature.
///
/// Memory: Classes*Features*4*sizeof(Scalar) + Classes*4 + 3*sizeof(Scalar) + 4 bytes (+
/// padding); exact value in memory_bytes. state_type: Classes*Features*2*sizeof(Scalar) +
/// Classes*4 + 2*sizeof(Scalar) + 8 bytes (+ padding).

#include <array>
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <limits>

#include "../core/assert.hpp"
#include "../core/concepts.hpp"
#include "../core/numeric.hpp"
#include "../core/padding.hpp"
#include "../core/status.hpp"

namespace edgeloop {

template <scalar Scalar, std::size_t Features, std::size_t Classes>
class gaussian_nb {
  static_assert(Features > 0, "gaussian_nb needs at least one feature");
  static_assert(Classes >= 2, "gaussian_nb needs at least two classes");
  static_assert(Classes <= std::numeric_limits<class_label>::max(), "too many classes for class_label");

 public:
  using input_type = std::array<Scalar, Features>;
  using output_type = class_label;
  using target_type = class_label;
  using proba_type = std::array<Scalar, Classes>;

  /// Runtime hyper-parameters.
  struct params {
    Scalar var_smoothing = Scalar(0);    ///< added to every variance, >= 0
    Scalar pdf_epsilon = Scalar(1e-9);   ///< added to every density (River: 1e-9), > 0
  };

  /// Persistent state: the learned sufficient statistics and the params.
  struct state_type {
    std::uint32_t magic;
    std::uint16_t version;
    std::uint16_t reserved;  ///< 0
    Scalar var_smoothing;
    Scalar pdf_epsilon;
    std::array<Scalar, Classes * Features> mean;  ///< [class][feature]
    std::array<Scalar, Classes * Features> m2;    ///< [class][feature]
    std::array<std::uint32_t, Classes> counts;
    [[no_unique_address]] explicit_padding<padding_to(alignof(Scalar), sizeof(std::uint32_t) * Classes), 4> reserved2{};  ///< 0
  };

  static constexpr std::uint32_t magic = 0x424E4147u;  // "GANB" little-endian
  static constexpr std::uint16_t version = 1;
  static const std::size_t memory_bytes;

  /// ok, or invalid_argument for a negative/non-finite var_smoothing or a pdf_epsilon that
  /// is not finite and > 0.
  static constexpr status validate(const params& p) noexcept {
    if (!is_finite(p.var_smoothing) || p.var_smoothing < Scalar(0)) return status::invalid_argument;
    if (!is_finite(p.pdf_epsilon) || !(p.pdf_epsilon > Scalar(0))) return status::invalid_argument;
    return status::ok;
  }

  gaussian_nb() noexcept : gaussian_nb(params{}) {}
  explicit gaussian_nb(const params& p) noexcept : params_(p) {
    EDGELOOP_ASSERT(validate(p) == status::ok, "gaussian_nb: invalid params");
    reset();
  }

  /// Learns one sample. non_finite_input (x has NaN/inf, or the statistics would
  /// overflow), label_out_of_range (y >= Classes) or capacity_exceeded (2^32 - 1 samples
  /// seen); on any of them nothing changed.
  status partial_fit(const input_type& x, class_label y) noexcept {
    if (!all_finite(x)) return status::non_finite_input;
    if (y >= Classes) return status::label_out_of_range;
    if (total_ == std::numeric_limits<std::uint32_t>::max()) return status::capacity_exceeded;
    const std::uint32_t n = counts_[y] + 1u;
    const Scalar r = Scalar(1) / static_cast<Scalar>(n);
    input_type mean;
    input_type m2;
    for (std::size_t j = 0; j < Features; ++j) {
      const Scalar old_mean = mean_[at(y, j)];
      const Scalar d = x[j] - old_mean;
      mean[j] = old_mean + d * r;
      m2[j] = m2_[at(y, j)] + d * (x[j] - mean[j]);
    }
    if (!all_finite(mean) || !all_finite(m2)) return status::non_finite_input;
    for (std::size_t j = 0; j < Features; ++j) {
      mean_[at(y, j)] = mean[j];
      m2_[at(y, j)] = m2[j];
    }
    counts_[y] = n;
    ++total_;
    refresh_class(y);
    return status::ok;
  }

  /// The class with the highest joint log-likelihood (ties: the lowest label); 0 before
  /// any sample.
  class_label predict(const input_type& x) const noexcept {
    const proba_type jll = joint_log_likelihood(x);
    class_label best = 0;
    for (std::size_t c = 1; c < Classes; ++c)
      if (jll[c] > jll[best]) best = static_cast<class_label>(c);
    return best;
  }

  /// Posterior probabilities (0 for classes never seen); uniform before any sample.
  proba_type predict_proba(const input_type& x) const noexcept {
    proba_type p;
    if (total_ == 0) {
      p.fill(Scalar(1) / static_cast<Scalar>(Classes));
      return p;
    }
    const proba_type jll = joint_log_likelihood(x);
    Scalar top = -std::numeric_limits<Scalar>::infinity();
    for (std::size_t c = 0; c < Classes; ++c)
      if (counts_[c] > 0 && jll[c] > top) top = jll[c];
    Scalar sum = 0;
    for (std::size_t c = 0; c < Classes; ++c) {
      p[c] = counts_[c] > 0 ? std::exp(jll[c] - top) : Scalar(0);
      sum += p[c];
    }
    for (auto& v : p) v /= sum;
    return p;
  }

  /// log P(c) + sum_j log(eps + pdf_cj(x_j)); -infinity for classes never seen.
  proba_type joint_log_likelihood(const input_type& x) const noexcept {
    proba_type jll;
    const Scalar log_eps = std::log(params_.pdf_epsilon);
    const Scalar log_total = std::log(static_cast<Scalar>(total_));
    for (std::size_t c = 0; c < Classes; ++c) {
      if (counts_[c] == 0) {
        jll[c] = -std::numeric_limits<Scalar>::infinity();
        continue;
      }
      Scalar sum = std::log(static_cast<Scalar>(counts_[c])) - log_total;
      for (std::size_t j = 0; j < Features; ++j) {
        const Scalar inv2v = inv_two_var_[at(c, j)];
        if (inv2v == Scalar(0)) {  // zero variance: density 0
          sum += log_eps;
          continue;
        }
        const Scalar d = x[j] - mean_[at(c, j)];
        const Scalar log_pdf = -half_log_two_pi_var_[at(c, j)] - d * d * inv2v;
        // logaddexp(log_eps, log_pdf)
        sum += log_pdf > log_eps ? log_pdf + std::log1p(std::exp(log_eps - log_pdf))
                                 : log_eps + std::log1p(std::exp(log_pdf - log_eps));
      }
      jll[c] = sum;
    }
    return jll;
  }

  /// Forgets all samples (params stay).
  void reset() noexcept {
    mean_.fill(Scalar(0));
    m2_.fill(Scalar(0));
    half_log_two_pi_var_.fill(Scalar(0));
    inv_two_var_.fill(Scalar(0));
    counts_.fill(0u);
    total_ = 0;
    if (params_.var_smoothing > Scalar(0))
      for (std::size_t c = 0; c < Classes; ++c) refresh_class(c);
  }

  /// Samples seen of class c.
  std::uint32_t count(class_label c) const noexcept { return c < Classes ? counts_[c] : 0u; }
  std::uint32_t samples() const noexcept { return total_; }
  Scalar mean(class_label c, std::size_t j) const noexcept { return mean_[at(c, j)]; }
  /// Sample variance (ddof 1) of feature j in class c, without var_smoothing.
  Scalar variance(class_label c, std::size_t j) const noexcept {
    return counts_[c] > 1 ? m2_[at(c, j)] / static_cast<Scalar>(counts_[c] - 1u) : Scalar(0);
  }
  const params& parameters() const noexcept { return params_; }

  state_type state() const noexcept {
    state_type s{};
    s.magic = magic;
    s.version = version;
    s.reserved = 0;
    s.var_smoothing = params_.var_smoothing;
    s.pdf_epsilon = params_.pdf_epsilon;
    s.mean = mean_;
    s.m2 = m2_;
    s.counts = counts_;
    return s;
  }

  /// Adopts `s` (including its params) or returns invalid_state and changes nothing.
  status restore(const state_type& s) noexcept {
    if (s.magic != magic || s.version != version || s.reserved != 0) return status::invalid_state;
    const params p{s.var_smoothing, s.pdf_epsilon};
    if (validate(p) != status::ok) return status::invalid_state;
    std::uint64_t total = 0;
    for (std::size_t c = 0; c < Classes; ++c) {
      total += s.counts[c];
      for (std::size_t j = 0; j < Features; ++j) {
        const Scalar m = s.mean[at(c, j)];
        const Scalar q = s.m2[at(c, j)];
        if (!is_finite(m) || !is_finite(q) || q < Scalar(0)) return status::invalid_state;
        if (s.counts[c] == 0 && (m != Scalar(0) || q != Scalar(0))) return status::invalid_state;
        if (s.counts[c] == 1 && q != Scalar(0)) return status::invalid_state;
      }
    }
    if (total > std::numeric_limits<std::uint32_t>::max()) return status::invalid_state;
    params_ = p;
    mean_ = s.mean;
    m2_ = s.m2;
    counts_ = s.counts;
    total_ = static_cast<std::uint32_t>(total);
    for (std::size_t c = 0; c < Classes; ++c) refresh_class(c);
    return status::ok;
  }

 private:
  static constexpr std::size_t at(std::size_t c, std::size_t j) noexcept { return c * Features + j; }

  /// Recomputes the density cache of class c from its statistics.
  void refresh_class(std::size_t c) noexcept {
    constexpr Scalar two_pi = Scalar(6.283185307179586476925286766559L);
    for (std::size_t j = 0; j < Features; ++j) {
      const Scalar v =
          (counts_[c] > 1 ? m2_[at(c, j)] / static_cast<Scalar>(counts_[c] - 1u) : Scalar(0)) +
          params_.var_smoothing;
      if (v > Scalar(0) && is_finite(Scalar(1) / v)) {
        half_log_two_pi_var_[at(c, j)] = Scalar(0.5) * std::log(two_pi * v);
        inv_two_var_[at(c, j)] = Scalar(0.5) / v;
      } else {
        half_log_two_pi_var_[at(c, j)] = Scalar(0);
        inv_two_var_[at(c, j)] = Scalar(0);
      }
    }
  }

  std::array<Scalar, Classes * Features> mean_;
  std::array<Scalar, Classes * Features> m2_;
  std::array<Scalar, Classes * Features> half_log_two_pi_var_;  ///< derived: 0.5 log(2 pi var)
  std::array<Scalar, Classes * Features> inv_two_var_;          ///< derived: 1/(2 var), 0 if var == 0
  std::array<std::uint32_t, Classes> counts_;
  params params_;
  std::uint32_t total_ = 0;
};

template <scalar Scalar, std::size_t Features, std::size_t Classes>
constexpr std::size_t gaussian_nb<Scalar, Features, Classes>::memory_bytes =
    sizeof(gaussian_nb<Scalar, Features, Classes>);

static_assert(online_learner<gaussian_nb<float, 4, 3>>);
static_assert(persistable<gaussian_nb<float, 4, 3>>);
static_assert(has_memory_bytes<gaussian_nb<float, 4, 3>>);

}  // namespace edgeloop
