#pragma once
/// STAGGER concepts (Schlimmer & Granger 1986, "Incremental learning from noisy data"),
/// as MOA's STAGGERGenerator: three nominal attributes drawn uniformly, size {small,
/// medium, large}, color {red, blue, green}, shape {circle, square, triangle}, encoded 0..2.
/// Class 1 when the concept holds: function 0: size == small && color == red;
/// function 1: color == green || shape == circle; function 2: size == medium || large.
/// Optional class balancing (alternating classes, as MOA). Memory: about 48 bytes.

#include <array>
#include <cstdint>

#include "../../core/assert.hpp"
#include "../../core/rng.hpp"
#include "stream.hpp"

namespace edgeloop::streams {

template <scalar Scalar = float>
class stagger {
 public:
  using scalar_type = Scalar;
  static constexpr std::size_t features = 3;
  static constexpr std::size_t classes = 2;
  static constexpr std::array<std::uint8_t, features> nominal_cardinality{3, 3, 3};
  using sample_type = labelled_sample<Scalar, features>;
  static const std::size_t memory_bytes;  ///< sizeof(*this): all storage is inline

  enum attribute : std::uint8_t { size = 0, color = 1, shape = 2 };
  enum size_value : std::uint8_t { small = 0, medium = 1, large = 2 };
  enum color_value : std::uint8_t { red = 0, blue = 1, green = 2 };
  enum shape_value : std::uint8_t { circle = 0, square = 1, triangle = 2 };

  struct params {
    std::uint8_t function = 0;  ///< 0..2
    bool balance = false;
    std::uint64_t seed = 1;
  };

  static constexpr class_label concept_label(unsigned sz, unsigned col, unsigned shp,
                                             std::uint8_t function) noexcept {
    switch (function) {
      case 0: return (sz == small && col == red) ? 1 : 0;
      case 1: return (col == green || shp == circle) ? 1 : 0;
      default: return (sz == medium || sz == large) ? 1 : 0;
    }
  }

  static constexpr status validate(const params& p) noexcept {
    return p.function <= 2 ? status::ok : status::invalid_argument;
  }

  explicit stagger(const params& p = {}) noexcept : params_(p), rng_(p.seed) {
    EDGELOOP_ASSERT(validate(p) == status::ok, "stagger: invalid params");
  }

  sample_type next() noexcept {
    sample_type s{};
    for (;;) {
      const std::uint32_t sz = rng_.uniform_int(3), col = rng_.uniform_int(3),
                          shp = rng_.uniform_int(3);
      s.x = {static_cast<Scalar>(sz), static_cast<Scalar>(col), static_cast<Scalar>(shp)};
      s.y = concept_label(sz, col, shp, params_.function);
      if (!params_.balance || balancer_.accept(s.y)) break;
    }
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
constexpr std::size_t stagger<Scalar>::memory_bytes = sizeof(stagger<Scalar>);

static_assert(data_stream<stagger<float>>);

}  // namespace edgeloop::streams
