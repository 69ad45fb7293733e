#pragma once
/// random_fourier_features: the random Fourier feature map of Rahimi & Recht (2007),
/// z(x) = sqrt(2 / D) cos(W x + b), with W's entries drawn from N(0, 2 gamma) and b from
/// U[0, 2 pi), so that E[<z(x), z(y)>] = exp(-gamma ||x - y||^2) (the RBF kernel) and any
/// linear learner behind it (pipeline<random_fourier_features, pegasos>) becomes an
/// approximate RBF-kernel machine. The error of <z(x), z(y)> falls as 1/sqrt(D).
///
/// The projection is fixed: it is drawn from edgeloop::rng with `seed` at construction
/// and reset(); partial_fit(x) only checks x (nothing is learned). The state holds the
/// params (gamma, seed) only and restore() redraws the same projection (rng::normal goes
/// through the C library's log/sin/cos, so a state restored on another platform may
/// differ in the last bit).
///
/// Memory: (Components*Features + Components)*sizeof(Scalar) + params; exact value in
/// memory_bytes.

#include <array>
#include <cmath>
#include <cstddef>
#include <cstdint>

#include "../core/assert.hpp"
#include "../core/concepts.hpp"
#include "../core/linalg.hpp"
#include "../core/numeric.hpp"
#include "../core/padding.hpp"
#include "../core/rng.hpp"
#include "../core/status.hpp"

namespace edgeloop {

template <scalar Scalar, std::size_t Features, std::size_t Components>
class random_fourier_features {
  static_assert(Features > 0 && Components > 0, "random_fourier_features needs features and components");

 public:
  using input_type = std::array<Scalar, Features>;
  using output_type = std::array<Scalar, Components>;

  struct params {
    Scalar gamma = Scalar(1);      ///< RBF width exp(-gamma ||x - y||^2), > 0
    std::uint64_t seed = 0x52464631u;  ///< seed of the projection
  };
  struct state_type {
    std::uint32_t magic;
    std::uint16_t version;
    std::uint16_t reserved;
    Scalar gamma;
    [[no_unique_address]] explicit_padding<padding_to(8, sizeof(Scalar)), 8> reserved1{};  ///< 0
    std::uint64_t seed;
  };

  static constexpr std::uint32_t magic = 0x31464652u;  // "RFF1"
  static constexpr std::uint16_t version = 1;
  static const std::size_t memory_bytes;

  static constexpr status validate(const params& p) noexcept {
    return is_finite(p.gamma) && p.gamma > Scalar(0) ? status::ok : status::invalid_argument;
  }

  random_fourier_features() noexcept : random_fourier_features(params{}) {}
  explicit random_fourier_features(const params& p) noexcept : params_(p) {
    EDGELOOP_ASSERT(validate(p) == status::ok, "random_fourier_features: invalid params");
    draw();
  }

  /// Nothing to learn: non_finite_input for a non-finite x, else ok.
  status partial_fit(const input_type& x) noexcept { return all_finite(x) ? status::ok : status::non_finite_input; }

  /// z(x) = sqrt(2/D) cos(W x + b).
  output_type transform(const input_type& x) const noexcept {
    output_type z;
    auto zv = as_vector(z);
    zv = as_matrix<static_cast<int>(Components), static_cast<int>(Features)>(w_).lazyProduct(as_vector(x)) + as_vector(b_);
    const Scalar scale = std::sqrt(Scalar(2) / static_cast<Scalar>(Components));
    for (auto& v : z) v = scale * std::cos(v);
    return z;
  }

  /// Redraws the projection from the seed (the same one as at construction).
  void reset() noexcept { draw(); }

  const params& parameters() const noexcept { return params_; }
  /// Projection row c, column j, and phase c.
  Scalar projection(std::size_t c, std::size_t j) const noexcept { return w_[c * Features + j]; }
  Scalar phase(std::size_t c) const noexcept { return b_[c]; }

  state_type state() const noexcept { return {magic, version, 0, params_.gamma, {}, params_.seed}; }
  status restore(const state_type& s) noexcept {
    if (s.magic != magic || s.version != version || s.reserved != 0) return status::invalid_state;
    const params p{s.gamma, s.seed};
    if (validate(p) != status::ok) return status::invalid_state;
    params_ = p;
    draw();
    return status::ok;
  }

 private:
  void draw() noexcept {
    rng r(params_.seed);
    const double sd = std::sqrt(2.0 * static_cast<double>(params_.gamma));
    for (auto& v : w_) v = static_cast<Scalar>(sd * r.normal<double>());
    constexpr double two_pi = 6.283185307179586476925286766559;
    for (auto& v : b_) v = static_cast<Scalar>(two_pi * r.uniform<double>());
  }

  std::array<Scalar, Components * Features> w_;
  std::array<Scalar, Components> b_;
  params params_;
};

template <scalar Scalar, std::size_t Features, std::size_t Components>
constexpr std::size_t random_fourier_features<Scalar, Features, Components>::memory_bytes =
    sizeof(random_fourier_features<Scalar, Features, Components>);

static_assert(online_transformer<random_fourier_features<float, 4, 8>>);
static_assert(persistable<random_fourier_features<float, 4, 8>>);

}  // namespace edgeloop
