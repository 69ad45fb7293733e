#pragma once
/// distillation<Temperature = 4, Alpha = 0.9>: knowledge distillation loss (Hinton, Vinyals
/// & Dean 2015) on the student's logits z, for learner<Net, distillation<...>> and so the
/// same fit() loop. Target: the hard label y and the teacher's logits t.
///   L = Alpha * T^2 * KL(softmax(t / T) || softmax(z / T)) + (1 - Alpha) * CE(z, y)
///   dL/dz = Alpha * T * (softmax(z / T) - softmax(t / T)) + (1 - Alpha) * (softmax(z) - onehot(y))
/// The T^2 factor keeps the soft term's gradient on the scale of the hard one when T
/// changes (Hinton et al. 2015, section 2). KL is computed as sum p (log p - log q) with
/// log-softmax (max subtracted), so it is 0 when z = t and never negative.
/// predict() is the arg max of z, accuracy is against the hard label.

#include <array>
#include <cmath>
#include <cstddef>

#include "../core/numeric.hpp"
#include "../core/status.hpp"

namespace edgeloop::nn {

/// Target of a distillation loss: hard label and the teacher's logits.
template <scalar Scalar, std::size_t N>
struct distillation_target {
  class_label label = 0;
  std::array<Scalar, N> teacher{};
};

template <float Temperature = 4.0f, float Alpha = 0.9f>
struct distillation {
  static_assert(Temperature > 0.0f, "distillation temperature must be positive");
  static_assert(Alpha >= 0.0f && Alpha <= 1.0f, "distillation Alpha must be in [0, 1]");

  template <scalar Scalar, std::size_t N>
  struct bind {
    static_assert(N >= 2, "distillation needs at least two classes");
    using target_type = distillation_target<Scalar, N>;
    using output_type = class_label;
    using proba_type = std::array<Scalar, N>;
    static constexpr bool has_accuracy = true;
    static constexpr Scalar temperature = static_cast<Scalar>(Temperature);
    static constexpr Scalar alpha = static_cast<Scalar>(Alpha);

    static constexpr status check(const target_type& y) noexcept {
      if (y.label >= N) return status::label_out_of_range;
      return all_finite(y.teacher) ? status::ok : status::non_finite_input;
    }

    static Scalar loss(const Scalar* z, const target_type& y) noexcept {
      Scalar g[N];
      return loss_gradient(z, y, g);
    }

    /// Writes dL/dz into g and returns L.
    static Scalar loss_gradient(const Scalar* z, const target_type& y, Scalar* g) noexcept {
      Scalar ls[N], lt[N], lz[N];  // log-softmax of z/T, t/T and z
      log_softmax(z, temperature, ls);
      log_softmax(y.teacher.data(), temperature, lt);
      log_softmax(z, Scalar(1), lz);
      Scalar kl = 0;
      for (std::size_t i = 0; i < N; ++i) {
        const Scalar p = std::exp(lt[i]), q = std::exp(ls[i]);
        kl += p * (lt[i] - ls[i]);
        g[i] = alpha * temperature * (q - p) + (Scalar(1) - alpha) * std::exp(lz[i]);
      }
      g[y.label] -= Scalar(1) - alpha;
      return alpha * temperature * temperature * kl - (Scalar(1) - alpha) * lz[y.label];
    }

    static output_type predict(const Scalar* z) noexcept {
      std::size_t best = 0;
      for (std::size_t i = 1; i < N; ++i)
        if (z[i] > z[best]) best = i;
      return static_cast<output_type>(best);
    }
    static bool correct(const Scalar* z, const target_type& y) noexcept { return predict(z) == y.label; }
    static proba_type proba(const Scalar* z) noexcept {
      Scalar l[N];
      log_softmax(z, Scalar(1), l);
      proba_type p;
      for (std::size_t i = 0; i < N; ++i) p[i] = std::exp(l[i]);
      return p;
    }

   private:
    static void log_softmax(const Scalar* z, Scalar t, Scalar* out) noexcept {
      Scalar top = z[0];
      for (std::size_t i = 1; i < N; ++i) top = z[i] > top ? z[i] : top;
      Scalar sum = 0;
      for (std::size_t i = 0; i < N; ++i) sum += std::exp((z[i] - top) / t);
      const Scalar log_sum = std::log(sum);
      for (std::size_t i = 0; i < N; ++i) out[i] = (z[i] - top) / t - log_sum;
    }
  };
};

}  // namespace edgeloop::nn
