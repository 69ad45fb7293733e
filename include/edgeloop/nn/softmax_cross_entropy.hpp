#pragma once
/// softmax_cross_entropy: the classification loss on logits z (the network's last layer,
/// no softmax layer): L = log sum_j exp(z_j) - z_y, computed with the max subtracted;
/// dL/dz = softmax(z) - onehot(y). Target: a class label < N. predict() is the arg max
/// (ties: lowest label), predict_proba() the softmax.

#include <array>
#include <cmath>
#include <cstddef>

#include "../core/numeric.hpp"
#include "../core/status.hpp"

namespace edgeloop::nn {

struct softmax_cross_entropy {
  template <scalar Scalar, std::size_t N>
  struct bind {
    static_assert(N >= 2, "softmax_cross_entropy needs at least two classes");
    using target_type = class_label;
    using output_type = class_label;
    using proba_type = std::array<Scalar, N>;
    static constexpr bool has_accuracy = true;

    static constexpr status check(const target_type& y) noexcept {
      return y < N ? status::ok : status::label_out_of_range;
    }
    static Scalar loss(const Scalar* z, const target_type& y) noexcept {
      const Scalar top = top_of(z);
      Scalar sum = 0;
      for (std::size_t i = 0; i < N; ++i) sum += std::exp(z[i] - top);
      return std::log(sum) + top - z[y];
    }
    /// Writes dL/dz into g and returns L.
    static Scalar loss_gradient(const Scalar* z, const target_type& y, Scalar* g) noexcept {
      const Scalar top = top_of(z);
      Scalar sum = 0;
      for (std::size_t i = 0; i < N; ++i) sum += (g[i] = std::exp(z[i] - top));
      const Scalar inv = Scalar(1) / sum;
      for (std::size_t i = 0; i < N; ++i) g[i] *= inv;
      g[y] -= Scalar(1);
      return std::log(sum) + top - z[y];
    }
    static output_type predict(const Scalar* z) noexcept {
      std::size_t best = 0;
      for (std::size_t i = 1; i < N; ++i)
        if (z[i] > z[best]) best = i;
      return static_cast<output_type>(best);
    }
    static bool correct(const Scalar* z, const target_type& y) noexcept { return predict(z) == y; }
    static proba_type proba(const Scalar* z) noexcept {
      proba_type p;
      const Scalar top = top_of(z);
      Scalar sum = 0;
      for (std::size_t i = 0; i < N; ++i) sum += (p[i] = std::exp(z[i] - top));
      for (auto& v : p) v /= sum;
      return p;
    }

   private:
    static Scalar top_of(const Scalar* z) noexcept {
      Scalar top = z[0];
      for (std::size_t i = 1; i < N; ++i) top = z[i] > top ? z[i] : top;
      return top;
    }
  };
};

}  // namespace edgeloop::nn
