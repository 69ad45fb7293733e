#pragma once
// Shared helpers for the preprocessing tests (host and boards): sample sizes, a
// deterministic sensor-like data generator and the state checks every component gets.

#include <array>
#include <cstddef>
#include <cstdint>
#include <limits>

#include "edgeloop/core/rng.hpp"
#include "edgeloop/core/status.hpp"
#include "support/test.hpp"

namespace edgeloop::test::pre {

#if defined(EDGELOOP_TARGET_TEST)
inline constexpr std::size_t samples = 200;
#else
inline constexpr std::size_t samples = 5000;
#endif

template <class S>
constexpr S nan_v() { return std::numeric_limits<S>::quiet_NaN(); }
template <class S>
constexpr S inf_v() { return std::numeric_limits<S>::infinity(); }

/// Four sensor-like features: a large offset with unit noise (1e6 + N(0,1)), a small
/// negative reading, a uniform reading and a slowly drifting one (k = sample index).
template <class S>
std::array<S, 4> sensor_sample(rng& g, std::size_t k) {
  return {static_cast<S>(1.0e6 + g.normal<double>()),
          static_cast<S>(-3.0 + 0.5 * g.normal<double>()),
          static_cast<S>(g.uniform<double>(0.0, 100.0)),
          static_cast<S>(0.01 * static_cast<double>(k) + 0.2 * g.normal<double>())};
}

/// Every way to make a sample non-finite: NaN, +inf, -inf in each position.
template <class Model, class Sample>
void check_non_finite_refused(Model& m, const Sample& good, status expected) {
  using S = typename Sample::value_type;
  const S bad_values[3] = {nan_v<S>(), inf_v<S>(), -inf_v<S>()};
  for (std::size_t i = 0; i < good.size(); ++i) {
    for (const S b : bad_values) {
      Sample x = good;
      x[i] = b;
      const auto before = m.state();
      CHECK(m.partial_fit(x) == expected);
      CHECK(same_bytes(before, m.state()));
    }
  }
}

/// restore(corrupt) must return invalid_state and leave the state byte-identical.
template <class Model>
void check_restore_refused(Model& m, const typename Model::state_type& corrupt) {
  const auto before = m.state();
  CHECK(m.restore(corrupt) == status::invalid_state);
  CHECK(same_bytes(before, m.state()));
}

/// a's state restored into b (constructed differently) reproduces it exactly, and both
/// then behave identically on `more` further samples.
template <class Model, class Gen>
void check_round_trip(Model& a, Model& b, Gen next_sample, std::size_t more) {
  const auto s = a.state();
  REQUIRE(b.restore(s) == status::ok);
  CHECK(same_bytes(s, b.state()));
  for (std::size_t k = 0; k < more; ++k) {
    const auto x = next_sample(k);
    CHECK(a.partial_fit(x) == b.partial_fit(x));
    const auto ya = a.transform(x);
    const auto yb = b.transform(x);
    CHECK(same_bytes(ya, yb));
  }
  CHECK(same_bytes(a.state(), b.state()));
}

}  // namespace edgeloop::test::pre
