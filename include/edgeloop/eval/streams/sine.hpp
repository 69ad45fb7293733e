#pragma once
/// Sine concepts (Gama et al. 2004, "Learning with drift detection"), as MOA's
/// SineGenerator / River's Sine: two relevant attributes a, b uniform in [0, 1),
/// function 0 (SINE1): class 0 when b < sin(a), else 1; function 1 (SINE1 reversed):
/// class 0 when b >= sin(a); function 2 (SINE2): class 0 when b < 0.5 + 0.3 sin(3 pi a);
/// function 3 (SINE2 reversed): class 0 when b >= 0.5 + 0.3 sin(3 pi a).
/// IrrelevantAttributes = true appends two irrelevant uniform attributes (MOA's default).
/// Optional class balancing (alternating classes, as MOA). Memory: about 48 bytes.

#include <array>
#include <cmath>
#include <cstdint>

#include "../../core/assert.hpp"
#include "../../core/rng.hpp"
#include "stream.hpp"

namespace edgeloop::streams {

template <scalar Scalar = float, bool IrrelevantAttributes = true>
class sine {
 public:
  using scalar_type = Scalar;
  static constexpr std::size_t features = IrrelevantAttributes ? 4 : 2;
  static constexpr std::size_t classes = 2;
  static constexpr std::array<std::uint8_t, features> nominal_cardinality{};
  using sample_type = labelled_sample<Scalar, features>;
  static const std::size_t memory_bytes;  ///< sizeof(*this): all storage is inline

  struct params {
    std::uint8_t function = 0;  ///< 0: SINE1, 1: SINE1 reversed, 2: SINE2, 3: SINE2 reversed
    bool balance = false;
    std::uint64_t seed = 1;
  };

  /// The concept on the two relevant attributes (computed in double).
  static class_label concept_label(Scalar a, Scalar b, std::uint8_t function) noexcept {
    constexpr double pi = 3.14159265358979323846;
    const double da = static_cast<double>(a), db = static_cast<double>(b);
    const double curve = function < 2 ? std::sin(da) : 0.5 + 0.3 * std::sin(3.0 * pi * da);
    const bool below = db < curve;
    const bool reversed = (function & 1u) != 0;
    return (below != reversed) ? 0 : 1;
  }

  static constexpr status validate(const params& p) noexcept {
    return p.function <= 3 ? status::ok : status::invalid_argument;
  }

  explicit sine(const params& p = {}) noexcept : params_(p), rng_(p.seed) {
    EDGELOOP_ASSERT(validate(p) == status::ok, "sine: invalid params");
  }

  sample_type next() noexcept {
    sample_type s{};
    for (;;) {
      s.x[0] = rng_.uniform<Scalar>();
      s.x[1] = rng_.uniform<Scalar>();
      s.y = concept_label(s.x[0], s.x[1], params_.function);
      if (!params_.balance || balancer_.accept(s.y)) break;
    }
    for (std::size_t j = 2; j < features; ++j) s.x[j] = rng_.uniform<Scalar>();
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

template <scalar Scalar, bool IrrelevantAttributes>
constexpr std::size_t sine<Scalar, IrrelevantAttributes>::memory_bytes = sizeof(sine<Scalar, IrrelevantAttributes>);

static_assert(data_stream<sine<float>>);
static_assert(data_stream<sine<double, false>>);

}  // namespace edgeloop::streams
