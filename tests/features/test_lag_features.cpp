#include <array>
#include <cstddef>
#include <limits>

#include "edgeloop/features/lag_features.hpp"
#include "support/test.hpp"

using namespace edgeloop;
using edgeloop::test::same_bytes;

namespace {
using lags3 = lag_features<float, 2, 3>;
/// Vector t of the test stream: (10 t, t * t), exact in float.
lags3::input_type vec(int t) { return {10.0f * static_cast<float>(t), static_cast<float>(t * t)}; }
}  // namespace

TEST_CASE("lag_features layout: current, delta, lags 1..Lags", "[features][lag_features]") {
  lags3 lf;
  STATIC_REQUIRE(lags3::output_type{}.size() == 2 * 5);
  const auto empty = lf.features();
  for (float v : empty) CHECK(v == 0.0f);
  for (int t = 0; t < 9; ++t) {
    REQUIRE(lf.push(vec(t)) == status::ok);
    CHECK(lf.ready() == (t >= 3));
    const auto f = lf.features();
    // Hand-written layout, with edge replication of vector 0 before the history is full.
    auto at = [&](int lag) { return vec(t - lag >= 0 ? t - lag : 0); };
    const std::array<float, 10> expected = {
        at(0)[0], at(0)[1],                        // x_t
        at(0)[0] - at(1)[0], at(0)[1] - at(1)[1],  // x_t - x_{t-1}
        at(1)[0], at(1)[1],                        // x_{t-1}
        at(2)[0], at(2)[1],                        // x_{t-2}
        at(3)[0], at(3)[1]};                       // x_{t-3}
    CHECK(f == expected);
  }
  CHECK(lf.features()[lags3::delta_offset + 1] == 64.0f - 49.0f);
  CHECK(lags3::lag_offset(3) == 8);

  // Lags = 0: current and delta only, still needs one previous vector.
  lag_features<double, 1, 0> d;
  REQUIRE(d.push({2.0}) == status::ok);
  CHECK_FALSE(d.ready());
  CHECK(d.features() == std::array<double, 2>{2.0, 0.0});
  REQUIRE(d.push({5.5}) == status::ok);
  CHECK(d.ready());
  CHECK(d.features() == std::array<double, 2>{5.5, 3.5});
}

TEST_CASE("lag_features: non-finite push and state round trip", "[features][lag_features]") {
  lags3 a, b;
  for (int t = 0; t < 6; ++t) REQUIRE(a.push(vec(t)) == status::ok);
  const lags3::state_type s = a.state();
  CHECK(a.push({1.0f, std::numeric_limits<float>::quiet_NaN()}) == status::non_finite_input);
  CHECK(a.push({std::numeric_limits<float>::infinity(), 0.0f}) == status::non_finite_input);
  CHECK(same_bytes(s, a.state()));
  REQUIRE(b.restore(s) == status::ok);
  CHECK(same_bytes(s, b.state()));
  CHECK(a.features() == b.features());
  REQUIRE(a.push(vec(7)) == status::ok);
  REQUIRE(b.push(vec(7)) == status::ok);
  CHECK(a.features() == b.features());

  lags3::state_type bad = s;
  bad.magic = 0;
  CHECK(b.restore(bad) == status::invalid_state);
  bad = s;
  bad.size = 5;
  CHECK(b.restore(bad) == status::invalid_state);
  bad = s;
  bad.vectors[1][0] = std::numeric_limits<float>::quiet_NaN();
  CHECK(b.restore(bad) == status::invalid_state);
  CHECK(same_bytes(a.state(), b.state()));
  b.reset();
  CHECK(b.size() == 0);
  STATIC_REQUIRE(lags3::memory_bytes == sizeof(lags3));
  STATIC_REQUIRE(lags3::memory_bytes <= 4 * 2 * sizeof(float) + 2 * sizeof(std::size_t));
}
