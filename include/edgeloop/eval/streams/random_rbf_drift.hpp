#pragma once
/// Random radial basis functions with moving centroids, as MOA's RandomRBFGeneratorDrift
/// (after Bifet et al. 2009, "New ensemble methods for evolving data streams").
/// At the model seed, n_centroids centroids get a centre uniform in [0, 1)^d, a class
/// uniform in 0..Classes-1, a standard deviation and a weight uniform in [0, 1), and the
/// first n_drift_centroids a unit speed vector with components uniform in [0, 1) before
/// normalisation. Each next() first moves the drifting centres by change_speed * speed,
/// clamping to [0, 1] and reversing the speed component at a wall, then picks a centroid
/// with probability proportional to its weight and returns centre + u * r, u a random
/// direction (uniform(-1, 1) components, normalised) and r ~ N(0, std_dev), labelled with
/// the centroid's class. Differences from MOA: the speeds continue the model random
/// sequence (MOA restarts it, which correlates speeds with centres), and reset() also
/// restores the centroids. N(0, 1) goes through the C library's log/sin/cos (see rng).
/// Memory: MaxCentroids * ((2 * Features + 2) * sizeof(Scalar) + 4) + about 100 bytes.

#include <array>
#include <cmath>
#include <cstdint>

#include "../../core/assert.hpp"
#include "../../core/rng.hpp"
#include "stream.hpp"

namespace edgeloop::streams {

template <scalar Scalar = float, std::size_t Features = 10, std::size_t Classes = 2,
          std::size_t MaxCentroids = 50>
class random_rbf_drift {
  static_assert(Features >= 1 && Classes >= 2 && MaxCentroids >= 1);
  static_assert(Classes <= 65535);

 public:
  using scalar_type = Scalar;
  static constexpr std::size_t features = Features;
  static constexpr std::size_t classes = Classes;
  static constexpr std::array<std::uint8_t, features> nominal_cardinality{};
  using sample_type = labelled_sample<Scalar, features>;
  static const std::size_t memory_bytes;  ///< sizeof(*this): all storage is inline

  struct centroid {
    std::array<Scalar, Features> centre;
    std::array<Scalar, Features> speed;  ///< unit vector (drifting centroids) or zeros
    Scalar std_dev;
    Scalar weight;
    class_label label;
  };

  struct params {
    std::size_t n_centroids = MaxCentroids;  ///< 1..MaxCentroids
    std::size_t n_drift_centroids = MaxCentroids;  ///< 0..n_centroids
    double change_speed = 0.0;               ///< >= 0 and finite
    std::uint64_t model_seed = 1;
    std::uint64_t seed = 1;
  };

  static constexpr status validate(const params& p) noexcept {
    if (p.n_centroids < 1 || p.n_centroids > MaxCentroids ||
        p.n_drift_centroids > p.n_centroids || !(p.change_speed >= 0.0) ||
        !is_finite(p.change_speed))
      return status::invalid_argument;
    return status::ok;
  }

  explicit random_rbf_drift(const params& p = {}) noexcept : params_(p) {
    EDGELOOP_ASSERT(validate(p) == status::ok, "random_rbf_drift: invalid params");
    reset();
  }

  sample_type next() noexcept {
    const auto speed = static_cast<Scalar>(params_.change_speed);
    for (std::size_t j = 0; j < params_.n_drift_centroids; ++j) {
      centroid& c = centroids_[j];
      for (std::size_t i = 0; i < Features; ++i) {
        c.centre[i] += c.speed[i] * speed;
        if (c.centre[i] > Scalar(1)) {
          c.centre[i] = Scalar(1);
          c.speed[i] = -c.speed[i];
        }
        if (c.centre[i] < Scalar(0)) {
          c.centre[i] = Scalar(0);
          c.speed[i] = -c.speed[i];
        }
      }
    }
    const centroid& c = centroids_[pick()];
    sample_type s{};
    double magnitude2 = 0.0;
    std::array<double, Features> u{};
    do {  // a zero direction has probability 0 but would divide by zero
      magnitude2 = 0.0;
      for (auto& v : u) {
        v = 2.0 * rng_.uniform<double>() - 1.0;
        magnitude2 += v * v;
      }
    } while (magnitude2 == 0.0);
    const double scale = rng_.normal<double>() * static_cast<double>(c.std_dev) / std::sqrt(magnitude2);
    for (std::size_t i = 0; i < Features; ++i)
      s.x[i] = static_cast<Scalar>(static_cast<double>(c.centre[i]) + u[i] * scale);
    s.y = c.label;
    return s;
  }

  void reset() noexcept {
    rng model(params_.model_seed);
    total_weight_ = 0.0;
    for (std::size_t j = 0; j < params_.n_centroids; ++j) {
      centroid& c = centroids_[j];
      for (auto& v : c.centre) v = model.uniform<Scalar>();
      c.label = static_cast<class_label>(model.uniform_int(static_cast<std::uint32_t>(Classes)));
      c.std_dev = model.uniform<Scalar>();
      c.weight = model.uniform<Scalar>();
      c.speed = {};
      total_weight_ += static_cast<double>(c.weight);
    }
    for (std::size_t j = 0; j < params_.n_drift_centroids; ++j) {
      centroid& c = centroids_[j];
      double norm2 = 0.0;
      std::array<double, Features> v{};
      do {
        norm2 = 0.0;
        for (auto& e : v) {
          e = model.uniform<double>();
          norm2 += e * e;
        }
      } while (norm2 == 0.0);
      const double inv = 1.0 / std::sqrt(norm2);
      for (std::size_t i = 0; i < Features; ++i) c.speed[i] = static_cast<Scalar>(v[i] * inv);
    }
    rng_ = rng(params_.seed);
  }

  std::size_t size() const noexcept { return params_.n_centroids; }
  const centroid& centroid_at(std::size_t j) const noexcept {
    EDGELOOP_ASSERT(j < params_.n_centroids, "random_rbf_drift: centroid index out of range");
    return centroids_[j];
  }
  const params& parameters() const noexcept { return params_; }

 private:
  std::size_t pick() noexcept {
    const double target = rng_.uniform<double>() * total_weight_;
    double cumulative = 0.0;
    for (std::size_t j = 0; j < params_.n_centroids; ++j) {
      cumulative += static_cast<double>(centroids_[j].weight);
      if (target < cumulative) return j;
    }
    return params_.n_centroids - 1;  // rounding, or all weights zero
  }

  params params_;
  rng rng_{};
  double total_weight_ = 0.0;
  std::array<centroid, MaxCentroids> centroids_{};
};

template <scalar Scalar, std::size_t Features, std::size_t Classes, std::size_t MaxCentroids>
constexpr std::size_t random_rbf_drift<Scalar, Features, Classes, MaxCentroids>::memory_bytes = sizeof(random_rbf_drift<Scalar, Features, Classes, MaxCentroids>);

static_assert(data_stream<random_rbf_drift<float, 4, 3, 8>>);

}  // namespace edgeloop::streams
