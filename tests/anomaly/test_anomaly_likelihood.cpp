#include <array>
#include <cmath>
#include <cstdint>

#include "edgeloop/anomaly/anomaly_likelihood.hpp"
#include "edgeloop/core/rng.hpp"
#include "support/test.hpp"

using namespace edgeloop;
using edgeloop::test::close;
using edgeloop::test::same_bytes;

namespace {
constexpr int count = 300;
std::array<float, count> raw;
std::array<long double, count> averages;

// Straightforward recomputation: window average over the raw scores, two-pass weighted
// mean/variance of all earlier averages, Gaussian CDF in long double.
long double expected_likelihood(int t, std::size_t window, std::uint32_t learning, long double lambda,
                                long double min_std) {
  const int first = t + 1 - static_cast<int>(window) < 0 ? 0 : t + 1 - static_cast<int>(window);
  long double sum = 0;
  for (int i = first; i <= t; ++i) sum += raw[static_cast<std::size_t>(i)];
  averages[static_cast<std::size_t>(t)] = sum / (t + 1 - first);
  if (t + 1 <= static_cast<int>(learning) || t == 0) return 0.5L;
  long double w = 0, mean = 0, var = 0;
  for (int i = 0; i < t; ++i) {
    const long double wi = std::pow(lambda, static_cast<long double>(t - 1 - i));
    w += wi;
    mean += wi * averages[static_cast<std::size_t>(i)];
  }
  mean /= w;
  for (int i = 0; i < t; ++i) {
    const long double wi = std::pow(lambda, static_cast<long double>(t - 1 - i));
    var += wi * (averages[static_cast<std::size_t>(i)] - mean) * (averages[static_cast<std::size_t>(i)] - mean);
  }
  long double sd = std::sqrt(var / w);
  if (sd < min_std) sd = min_std;
  const long double z = (averages[static_cast<std::size_t>(t)] - mean) / sd;
  return 0.5L * std::erfc(-z / std::sqrt(2.0L));
}
}  // namespace

TEST_CASE("anomaly_likelihood equals a two-pass recomputation", "[anomaly][anomaly_likelihood]") {
  rng g(8);
  for (int i = 0; i < count; ++i)
    raw[static_cast<std::size_t>(i)] = g.uniform(0.0f, 0.3f) + (i >= 250 && i < 260 ? 0.6f : 0.0f);
  for (const float lambda : {1.0f, 0.99f}) {
    anomaly_likelihood<float, 5> a({50, lambda, 0.01f});
    for (int t = 0; t < count; ++t) {
      const float l = a.update(raw[static_cast<std::size_t>(t)]);
      const long double e = expected_likelihood(t, 5, 50, lambda, 0.01L);
      CHECK(close(l, e, 1e-3L, 1e-5L));
      CHECK(l >= 0.0f);
      CHECK(l <= 1.0f);
    }
  }
  // The burst at 250..259 is very unlikely under the history: likelihood near 1.
  anomaly_likelihood<float, 5> a({50, 1.0f, 0.01f});
  float peak = 0;
  for (int t = 0; t < count; ++t) {
    const float l = a.update(raw[static_cast<std::size_t>(t)]);
    if (t >= 250 && t < 262) peak = l > peak ? l : peak;
  }
  CHECK(peak > 0.9999f);
  CHECK(anomaly_likelihood<float, 5>::log_scale(peak) > 0.4f);
  CHECK(close(anomaly_likelihood<float, 5>::log_scale(0.5f), std::log(0.5L) / std::log(1e-10L), 1e-5L));
}

TEST_CASE("anomaly_likelihood: learning period, bad input, round trip", "[anomaly][anomaly_likelihood]") {
  anomaly_likelihood<float, 4> a({20, 0.999f, 0.0f}), b;
  rng g(9);
  for (int i = 0; i < 20; ++i) CHECK(a.update(g.uniform(0.0f, 1.0f)) == 0.5f);
  for (int i = 0; i < 30; ++i) (void)a.update(g.uniform(0.0f, 1.0f));
  const auto before = a.state();
  const float last = a.likelihood();
  CHECK(a.update(std::nanf("")) == last);
  CHECK(a.last_status() == status::non_finite_input);
  CHECK(same_bytes(before, a.state()));
  REQUIRE(b.restore(before) == status::ok);
  CHECK(same_bytes(before, b.state()));
  for (int i = 0; i < 20; ++i) {
    const float s = g.uniform(0.0f, 1.0f);
    CHECK(a.update(s) == b.update(s));
  }
  auto bad = a.state();
  bad.next = 4;
  CHECK(b.restore(bad) == status::invalid_state);
  bad = a.state();
  bad.comoment = -1.0f;
  CHECK(b.restore(bad) == status::invalid_state);
  CHECK(anomaly_likelihood<float, 4>::validate({1, 0.0f, 0.0f}) == status::invalid_argument);
  a.reset();
  CHECK(a.samples() == 0u);
  CHECK(a.likelihood() == 0.5f);
}

TEST_CASE("anomaly_likelihood: peek(raw) is what update(raw) returns, and changes nothing", "[anomaly][anomaly_likelihood]") {
  anomaly_likelihood<float, 4> a({10, 0.99f, 0.01f});
  rng g(10);
  for (int t = 0; t < 60; ++t) {  // through the learning period, the window filling up and wrapping
    const float s = g.uniform(0.0f, 1.0f) + (t >= 40 && t < 44 ? 3.0f : 0.0f);
    const auto before = a.state();
    const float peeked = a.peek(s);
    CHECK(same_bytes(before, a.state()));
    CHECK(a.peek(std::nanf("")) == a.likelihood());
    CHECK(a.update(s) == peeked);
  }
}
