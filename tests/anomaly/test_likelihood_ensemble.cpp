#include <array>
#include <cmath>
#include <cstddef>
#include <cstdint>

#include "edgeloop/anomaly/likelihood_ensemble.hpp"
#include "edgeloop/core/rng.hpp"
#include "support/test.hpp"

using namespace edgeloop;
using edgeloop::test::close;
using edgeloop::test::same_bytes;

namespace {
constexpr int count = 200;
constexpr std::size_t members = 2;
constexpr std::size_t window = 5;
constexpr std::uint32_t learning = 40;
using ensemble = likelihood_ensemble<double, members, window>;
std::array<std::array<double, members>, count> raw;
std::array<std::array<long double, count>, members> averages;  // window averages of each member

// Two members on unrelated scales: member 0 in [0, 0.3] with a burst at 150..159, member 1
// in [0, 30] with bursts at 100..104 and 170..172.
void make_raw() {
  rng g(21);
  for (int t = 0; t < count; ++t) {
    auto& r = raw[static_cast<std::size_t>(t)];
    r[0] = g.uniform(0.0, 0.3) + (t >= 150 && t < 160 ? 0.6 : 0.0);
    r[1] = g.uniform(0.0, 30.0) + ((t >= 100 && t < 105) || (t >= 170 && t < 173) ? 60.0 : 0.0);
  }
  for (std::size_t m = 0; m < members; ++m)
    for (int s = 0; s < count; ++s) {
      const int first = s + 1 - static_cast<int>(window) < 0 ? 0 : s + 1 - static_cast<int>(window);
      long double sum = 0;
      for (int i = first; i <= s; ++i) sum += raw[static_cast<std::size_t>(i)][m];
      averages[m][static_cast<std::size_t>(s)] = sum / (s + 1 - first);
    }
}

// Member m's likelihood at step t, recomputed from the definition: window average of the raw
// scores, weighted two-pass mean/variance of all earlier averages, Gaussian CDF.
long double member_likelihood(std::size_t m, int t, long double lambda, long double min_std) {
  const auto& avg = averages[m];
  if (t + 1 <= static_cast<int>(learning) || t == 0) return 0.5L;
  long double w = 0, mean = 0, var = 0, wi = 1;
  for (int i = t - 1; i >= 0; --i, wi *= lambda) {
    w += wi;
    mean += wi * avg[static_cast<std::size_t>(i)];
  }
  mean /= w;
  wi = 1;
  for (int i = t - 1; i >= 0; --i, wi *= lambda) {
    const long double d = avg[static_cast<std::size_t>(i)] - mean;
    var += wi * d * d;
  }
  long double sd = std::sqrt(var / w);
  if (sd < min_std) sd = min_std;
  const long double z = (avg[static_cast<std::size_t>(t)] - mean) / sd;
  return 0.5L * std::erfc(-z / std::sqrt(2.0L));
}

ensemble::params make_params(double lambda, bool suppress, std::uint32_t refractory) {
  ensemble::params p;
  p.likelihood = {learning, lambda, 0.01};
  p.suppress_repeats = suppress;
  p.refractory = refractory;
  return p;
}
}  // namespace

TEST_CASE("likelihood_ensemble equals the largest recomputed member likelihood, then Numenta's filter",
          "[anomaly][likelihood_ensemble]") {
  make_raw();
  for (const double lambda : {1.0, 0.99}) {
    for (const bool suppress : {false, true}) {
      for (const std::uint32_t refractory : {0u, 8u}) {
        ensemble e(make_params(lambda, suppress, refractory));
        long double previous_tail = 1;
        int last_red = -1000;
        int reds = 0, lowered = 0;
        for (int t = 0; t < count; ++t) {
          long double tail = 1;
          for (std::size_t m = 0; m < members; ++m) {
            const long double l = member_likelihood(m, t, lambda, 0.01L);
            tail = l < 1 - tail ? tail : 1 - l;
          }
          long double expected = 1 - tail;
          if (tail <= 1e-5L) {
            if (suppress && (previous_tail <= 1e-5L || t - last_red <= static_cast<int>(refractory))) {
              expected = 1 - 1e-3L;
              ++lowered;
            } else {
              last_red = t;
              ++reds;
            }
          }
          previous_tail = tail;
          const auto& x = raw[static_cast<std::size_t>(t)];
          const double peek = e.score(x);
          double got = -1;
          REQUIRE(e.score_then_learn(x, got) == status::ok);
          CHECK(peek == got);
          CHECK(close(got, expected, 1e-9L, 1e-12L));
        }
        // The bursts raise red alarms; with the filter some later ones are lowered.
        CHECK(reds >= 2);
        CHECK((suppress ? lowered > 0 : lowered == 0));
        CHECK(e.samples() == static_cast<std::uint32_t>(count));
      }
    }
  }
}

TEST_CASE("likelihood_ensemble: score changes nothing, bad input, round trip, params",
          "[anomaly][likelihood_ensemble]") {
  make_raw();
  ensemble a(make_params(0.999, true, 3));
  static ensemble b;
  for (int t = 0; t < 120; ++t) CHECK(a.learn(raw[static_cast<std::size_t>(t)]) == status::ok);
  const auto before = a.state();
  static_cast<void>(a.score(raw[120]));
  CHECK(same_bytes(before, a.state()));
  CHECK(a.learn({0.1, std::nan("")}) == status::non_finite_input);
  double out = 7;
  CHECK(a.score_then_learn({INFINITY, 0.1}, out) == status::non_finite_input);
  CHECK(out == 7);
  CHECK(same_bytes(before, a.state()));

  REQUIRE(b.restore(before) == status::ok);
  CHECK(same_bytes(before, b.state()));
  for (int t = 120; t < count; ++t) {
    double x = 0, y = 0;
    REQUIRE(a.score_then_learn(raw[static_cast<std::size_t>(t)], x) == status::ok);
    REQUIRE(b.score_then_learn(raw[static_cast<std::size_t>(t)], y) == status::ok);
    CHECK(x == y);
  }
  const auto after = b.state();
  auto bad = before;
  bad.magic = 0;
  CHECK(b.restore(bad) == status::invalid_state);
  bad = before;
  bad.members[1].p.learning_period = learning + 1;  // members must share the ensemble's params
  CHECK(b.restore(bad) == status::invalid_state);
  bad = before;
  bad.members[0].comoment = -1;
  CHECK(b.restore(bad) == status::invalid_state);
  bad = before;
  bad.previous_tail = 2;
  CHECK(b.restore(bad) == status::invalid_state);
  CHECK(same_bytes(after, b.state()));

  auto p = make_params(1.0, true, 0);
  p.red_tail = 1e-2;  // above yellow_tail
  CHECK(ensemble::validate(p) == status::invalid_argument);
  p = make_params(1.0, true, 0);
  p.likelihood.long_forgetting = 0;
  CHECK(ensemble::validate(p) == status::invalid_argument);
  CHECK(ensemble::validate(make_params(1.0, true, 0)) == status::ok);
  a.reset();
  CHECK(a.samples() == 0u);
  CHECK(a.score({0.1, 1.0}) == 0.5);  // learning period
  CHECK(ensemble::memory_bytes == sizeof(ensemble));
}
