#pragma once
/// SEA concepts (Street & Kim 2001, "A streaming ensemble algorithm (SEA) for large-scale
/// classification"), as MOA's SEAGenerator: three attributes uniform in [0, 10), only the
/// first two relevant; class 0 when x0 + x1 <= theta, else 1, with theta = 8, 9, 7, 9.5
/// for functions 0..3. Optional class balancing (alternating classes, as MOA) and label
/// noise (each label flipped with probability `noise`, after balancing).
/// Memory: 16 (rng) + 24 (rng cache) + sizeof(params) + a few bytes.

#include <array>
#include <cstdint>

#include "../../core/assert.hpp"
#include "../../core/rng.hpp"
#include "stream.hpp"

namespace edgeloop::streams {

template <scalar Scalar = float>
class sea {
 public:
  using scalar_type = Scalar;
  static constexpr std::size_t features = 3;
  static constexpr std::size_t classes = 2;
  static constexpr std::array<std::uint8_t, features> nominal_cardinality{0, 0, 0};
  using sample_type = labelled_sample<Scalar, features>;
  static const std::size_t memory_bytes;  ///< sizeof(*this): all storage is inline

  struct params {
    std::uint8_t function = 0;  ///< 0..3: theta = 8, 9, 7, 9.5
    double noise = 0.1;         ///< probability that a label is flipped (MOA default 10%)
    bool balance = false;       ///< alternate the classes 1, 0, 1, ...
    std::uint64_t seed = 1;
  };

  static constexpr double threshold(std::uint8_t function) noexcept {
    constexpr std::array<double, 4> thetas{8.0, 9.0, 7.0, 9.5};
    return thetas[function & 3u];
  }
  /// The noise-free concept: 0 when x0 + x1 <= theta(function), else 1.
  static constexpr class_label concept_label(const std::array<Scalar, features>& x,
                                             std::uint8_t function) noexcept {
    return static_cast<double>(x[0]) + static_cast<double>(x[1]) <= threshold(function) ? 0 : 1;
  }

  static constexpr status validate(const params& p) noexcept {
    if (p.function > 3 || !detail::is_probability(p.noise)) return status::invalid_argument;
    return status::ok;
  }

  explicit sea(const params& p = {}) noexcept : params_(p), rng_(p.seed) {
    EDGELOOP_ASSERT(validate(p) == status::ok, "sea: invalid params");
  }

  sample_type next() noexcept {
    sample_type s{};
    for (;;) {
      for (auto& v : s.x) v = rng_.uniform<Scalar>(Scalar(0), Scalar(10));
      s.y = concept_label(s.x, params_.function);
      if (!params_.balance || balancer_.accept(s.y)) break;
    }
    if (rng_.bernoulli(params_.noise)) s.y = static_cast<class_label>(1 - s.y);
    return s;
  }

  void reset() noexcept {
    rng_ = rng(params_.seed);
    balancer_ = {};
  }

  const params& parameters() const noexcept { return params_; }

 private:
  params params_;
  rng rng_;
  detail::class_balancer balancer_{};
};

template <scalar Scalar>
constexpr std::size_t sea<Scalar>::memory_bytes = sizeof(sea<Scalar>);

static_assert(data_stream<sea<float>>);
static_assert(data_stream<sea<double>>);

}  // namespace edgeloop::streams
