#include <array>
#include <cmath>
#include <cstdint>

#include "edgeloop/anomaly/half_space_trees.hpp"
#include "edgeloop/anomaly/univariate_features.hpp"
#include "edgeloop/core/rng.hpp"
#include "support/test.hpp"

using namespace edgeloop;
using edgeloop::test::close;
using edgeloop::test::same_bytes;

namespace {
constexpr std::size_t window = 8;
constexpr int count = 60;
std::array<float, count> values;

// Mean and population std of values[first, last) in long double, two passes.
void batch_stats(int first, int last, long double& mean, long double& sd) {
  if (first < 0) first = 0;
  long double sum = 0;
  for (int i = first; i < last; ++i) sum += values[static_cast<std::size_t>(i)];
  mean = sum / (last - first);
  long double sq = 0;
  for (int i = first; i < last; ++i)
    sq += (values[static_cast<std::size_t>(i)] - mean) * (values[static_cast<std::size_t>(i)] - mean);
  sd = std::sqrt(sq / (last - first));
}
}  // namespace

TEST_CASE("univariate_features equal a recomputation from the history", "[anomaly][univariate_features]") {
  using front = univariate_features<float, window, time_encoding::day_and_week>;
  STATIC_REQUIRE(front::size == 9);
  front f({1e-3f});
  rng g(5);
  const std::int64_t start = 1700000000;  // 2023-11-14 22:13:20 UTC, a Tuesday
  for (int t = 0; t < count; ++t) {
    values[static_cast<std::size_t>(t)] = 20.0f + 3.0f * std::sin(0.3f * static_cast<float>(t)) + g.normal(0.0f, 0.5f);
    const std::int64_t seconds = start + 300 * t;
    front::output_type out{};
    REQUIRE(f.transform(values[static_cast<std::size_t>(t)], seconds, out) == status::ok);
    long double mean, sd;
    batch_stats(t + 1 - static_cast<int>(window), t + 1, mean, sd);
    CHECK(out[front::value] == values[static_cast<std::size_t>(t)]);
    CHECK(close(out[front::delta], t == 0 ? 0.0L : values[static_cast<std::size_t>(t)] - values[static_cast<std::size_t>(t - 1)], 1e-6L, 1e-6L));
    CHECK(close(out[front::rolling_mean], mean, 1e-5L));
    CHECK(close(out[front::rolling_std], sd, 1e-4L, 1e-5L));
    if (t >= 1) {
      long double bm, bs;
      batch_stats(t - static_cast<int>(window), t, bm, bs);
      CHECK(close(out[front::deviation], (values[static_cast<std::size_t>(t)] - bm) / (bs + 1e-3L), 1e-4L, 1e-5L));
    } else {
      CHECK(out[front::deviation] == 0.0f);
    }
    const long double two_pi = 6.283185307179586476925286766559L;
    const long double day = static_cast<long double>(seconds % 86400) / 86400.0L;
    const long double week = static_cast<long double>(seconds % 604800) / 604800.0L;
    CHECK(close(out[front::day_sin], std::sin(two_pi * day), 0.0L, 1e-6L));
    CHECK(close(out[front::day_cos], std::cos(two_pi * day), 0.0L, 1e-6L));
    CHECK(close(out[front::week_sin], std::sin(two_pi * week), 0.0L, 1e-6L));
    CHECK(close(out[front::week_cos], std::cos(two_pi * week), 0.0L, 1e-6L));
    CHECK(f.ready() == (t + 1 >= static_cast<int>(window)));
  }
  // 06:00 UTC is a quarter of the day: sin 1, cos 0.
  univariate_features<float, 4, time_encoding::day> d;
  REQUIRE(d.push(1.0f, 6 * 3600 - 86400 * 3) == status::ok);  // negative timestamps wrap too
  CHECK(close(d.features()[5], 1.0L, 0.0L, 1e-6L));
  CHECK(close(d.features()[6], 0.0L, 0.0L, 1e-6L));
}

TEST_CASE("univariate_features: bad input, round trip, feeding a detector", "[anomaly][univariate_features]") {
  using front = univariate_features<float, window>;
  front f, other;
  for (int i = 0; i < 20; ++i) REQUIRE(f.push(static_cast<float>(i % 5)) == status::ok);
  const auto before = f.state();
  CHECK(f.push(NAN) == status::non_finite_input);
  CHECK(f.push(INFINITY, 7) == status::non_finite_input);
  CHECK(same_bytes(before, f.state()));
  REQUIRE(other.restore(before) == status::ok);
  CHECK(same_bytes(before, other.state()));
  CHECK(other.features() == f.features());
  auto bad = before;
  bad.before_std = -1.0f;
  CHECK(other.restore(bad) == status::invalid_state);
  f.reset();
  CHECK(f.count() == 0u);
  CHECK(f.features() == front::output_type{});

  // A level shift in a periodic signal: the half-space trees score it above the normal values.
  front fe;
  half_space_trees<float, front::size, 8, 5, 64>::params p;
  p.learn_ranges = true;
  static half_space_trees<float, front::size, 8, 5, 64> d(p);
  float normal_max = 0, shifted = 0;
  for (int t = 0; t < 700; ++t) {
    const float x = (t % 10 < 5 ? 1.0f : 2.0f) + (t == 650 ? 6.0f : 0.0f);
    front::output_type v{};
    REQUIRE(fe.transform(x, t, v) == status::ok);
    float s = 0;
    REQUIRE(score_then_learn(d, v, s) == status::ok);
    if (t >= 300 && t < 640) normal_max = s > normal_max ? s : normal_max;
    if (t == 650) shifted = s;
  }
  CHECK(shifted > normal_max);
}
