#include "edgeloop/drift/ddm.hpp"

#include <cmath>
#include <cstdint>
#include <limits>

#include "drift/drift_streams.hpp"
#include "edgeloop/core/rng.hpp"
#include "support/test.hpp"

using namespace edgeloop;
using edgeloop::test::close;
using edgeloop::test::same_bytes;

namespace {

#if defined(EDGELOOP_TARGET_TEST)
constexpr int ddm_delay_pre = 600;
constexpr int ddm_delay_seeds = 3;
#else
constexpr int ddm_delay_pre = 2000;
constexpr int ddm_delay_seeds = 16;
#endif

// Noise-free prediction: before the change p_i = p0 and p_i + s_i decreases, so
// (p_min, s_min) = (p0, sqrt(p0 (1 - p0) / pre)); after k changed samples
// p = (pre p0 + k p1) / (pre + k). Returns the first k with p + s > p_min + 3 s_min.
[[maybe_unused]] int predicted_ddm_delay(long double p0, long double p1, int pre) {
  const long double s_min = std::sqrt(p0 * (1 - p0) / pre);
  for (int k = 1; k < 100000; ++k) {
    const long double n = static_cast<long double>(pre + k);
    const long double p = (pre * p0 + k * p1) / n;
    if (p + std::sqrt(p * (1 - p) / n) > p0 + 3 * s_min) return k;
  }
  return 100000;
}

[[maybe_unused]] double ddm_mean_delay(int pre, int seeds, double p1, int& misses) {
  double sum = 0;
  int found = 0;
  misses = 0;
  for (int s = 1; s <= seeds; ++s) {
    rng g(static_cast<std::uint64_t>(1000 + s));
    ddm<double> d;
    int at = -1;
    for (int i = 0; i < pre + 6000; ++i) {
      const bool after = i >= pre;
      if (d.update(g.bernoulli(after ? p1 : 0.2) ? 1.0 : 0.0) == drift_state::drift && after) {
        at = i - pre;
        break;
      }
    }
    if (at < 0) {
      ++misses;
    } else {
      sum += at;
      ++found;
    }
  }
  return found ? sum / found : -1.0;
}

}  // namespace

TEST_CASE("ddm reproduces River's documented example (warning 1084, drift 1334, warning 1492)", "[drift][ddm]") {
  // River's DDM docstring: random.Random(42); choices([0,1], k=1000) then
  // choices([0,1], k=1000, weights=[0.3, 0.7]) (a 1 when random() >= 0.3); it prints the
  // first warning, each drift, and the first warning after each drift:
  // "Warning detected at index 1084", "Change detected at index 1334", "Warning detected at index 1492".
  edgeloop::test::python_random& gen = edgeloop::test::shared_python_random();
  gen.reseed(42u);
  ddm<double> d;
  ddm<float> df;
  int lines[8] = {};
  int kinds[8] = {};  // 1 warning, 2 drift
  int n_lines = 0;
  int drift_f = -1;
  bool print_warning = true;
  for (int i = 0; i < 2000; ++i) {
    const int x = i < 1000 ? gen.choice(0, 2) : (gen.random() >= 0.3 ? 1 : 0);
    const drift_state s = d.update(static_cast<double>(x));
    if (df.update(static_cast<float>(x)) == drift_state::drift && drift_f < 0) drift_f = i;
    if (s == drift_state::warning && print_warning && n_lines < 8) {
      lines[n_lines] = i;
      kinds[n_lines++] = 1;
      print_warning = false;
    }
    if (s == drift_state::drift && n_lines < 8) {
      lines[n_lines] = i;
      kinds[n_lines++] = 2;
      print_warning = true;
    }
  }
  REQUIRE(n_lines == 3);
  CHECK(kinds[0] == 1);
  CHECK(lines[0] == 1084);
  CHECK(kinds[1] == 2);
  CHECK(lines[1] == 1334);
  CHECK(kinds[2] == 1);
  CHECK(lines[2] == 1492);
  CHECK(drift_f == 1334);
}

TEST_CASE("ddm decisions match a naive recomputation from all values", "[drift][ddm]") {
  // For every t: p_t and s_t from the stored prefix (long double), (p_min, s_min) as the
  // argmin of p + s over all earlier t > 30, and the two threshold tests; compared with
  // update()'s answers up to and including the first drift.
  constexpr int n = 500;
  static std::uint8_t xs[n];
  ddm<double> d;
  rng g(21);
  long double best = 0, p_min = 0, s_min = 0;
  bool has = false;
  int mismatches = 0, drifts = 0, warnings = 0;
  for (int t = 0; t < n; ++t) {
    xs[t] = g.bernoulli(t < 250 ? 0.15 : 0.45) ? 1u : 0u;
    const drift_state got = d.update(static_cast<double>(xs[t]));
    long double ones = 0;
    for (int s = 0; s <= t; ++s) ones += xs[s];
    const long double count = t + 1;
    const long double p = ones / count, s = std::sqrt(p * (1 - p) / count);
    drift_state want = drift_state::none;
    if (t + 1 > 30) {
      if (!has || p + s <= best) {
        has = true;
        best = p + s;
        p_min = p;
        s_min = s;
      }
      if (p + s > p_min + 3 * s_min)
        want = drift_state::drift;
      else if (p + s > p_min + 2 * s_min)
        want = drift_state::warning;
    }
    if (got != want) ++mismatches;
    if (want == drift_state::warning) ++warnings;
    if (want == drift_state::drift) {
      ++drifts;
      break;
    }
    if (!close(d.estimation(), p, 1e-12L)) ++mismatches;
  }
  CHECK(mismatches == 0);
  CHECK(drifts == 1);
  CHECK(warnings > 0);
}

TEST_CASE("ddm on a stationary error stream: false alarms come only from the noisy start", "[drift][ddm]") {
  // DDM's 2/3-sigma levels are per-decision confidence levels, but the decisions are not
  // independent: the standardised error rate (p_i - p) / s_i behaves like an
  // Ornstein-Uhlenbeck process in ln(i), so the expected number of false drifts grows with
  // ln(n), not n, and most happen soon after the 30-sample warm-up. Measured (200 seeds,
  // Bernoulli(0.2)): 0.375 drifts per 2,000-sample stream and 0.38 per 100,000 (P(>= 4) =
  // 1.5%). Bound asserted: at most 3 in 100,000 samples.
#if defined(EDGELOOP_TARGET_TEST)
  constexpr int n = 5000;
#else
  constexpr int n = 100000;
#endif
  ddm<float> d;
  rng g(31337);
  for (int i = 0; i < n; ++i) (void)d.update(g.bernoulli(0.2f) ? 1.0f : 0.0f);
  CHECK(d.detections() <= 3u);
  CHECK(d.samples() == static_cast<std::uint32_t>(n));
}

// Host only: with the board's shorter pre-change stream and few seeds the averages are
// too noisy for these bounds.
#if !defined(EDGELOOP_TARGET_TEST)
TEST_CASE("ddm detection delay shrinks with the error increase", "[drift][ddm]") {
  // Noise-free prediction k* (predicted_ddm_delay). In practice (p_min, s_min) is usually
  // set earlier than the change, where s_min is larger, so detection comes later: measured
  // 1.7-1.9 k* over 40 seeds. Asserted: 0.5 k* <= mean delay <= 2.5 k*.
  double last = 1e9;
  int misses = 0;
  for (const double p1 : {0.3, 0.5, 0.8}) {
    const double delay = ddm_mean_delay(ddm_delay_pre, ddm_delay_seeds, p1, misses);
    const int k = predicted_ddm_delay(0.2L, p1, ddm_delay_pre);
    // A small increase can be missed within 6,000 samples (5 of 40 seeds for 0.2 -> 0.3).
    CHECK(misses <= (p1 < 0.35 ? ddm_delay_seeds / 4 : 0));
    CHECK(delay >= 0.5 * k);
    CHECK(delay <= 2.5 * k);
    CHECK(delay < last);
    last = delay;
  }
}

#endif

TEST_CASE("ddm rejects non-finite and out-of-range values without changing", "[drift][ddm]") {
  ddm<float> d;
  rng g(8);
  for (int i = 0; i < 60; ++i) (void)d.update(g.bernoulli(0.3f) ? 1.0f : 0.0f);
  const auto before = d.state();
  drift_state out = drift_state::warning;
  CHECK(d.update(std::numeric_limits<float>::quiet_NaN()) == drift_state::none);
  CHECK(d.last_status() == status::non_finite_input);
  CHECK(d.update_checked(1.5f, out) == status::invalid_argument);
  CHECK(d.update_checked(-0.1f, out) == status::invalid_argument);
  CHECK(d.last_status() == status::invalid_argument);
  CHECK(out == drift_state::warning);
  const auto after = d.state();
  CHECK(same_bytes(before, after));
  CHECK(d.update_checked(0.5f, out) == status::ok);  // a soft error in [0, 1] is accepted
}

TEST_CASE("ddm state round-trips and restore validates", "[drift][ddm]") {
  ddm<double> a;
  rng g(12);
  for (int i = 0; i < 300; ++i) (void)a.update(g.bernoulli(0.2) ? 1.0 : 0.0);
  const auto s = a.state();
  ddm<double> b;
  REQUIRE(b.restore(s) == status::ok);
  const auto sb = b.state();
  CHECK(same_bytes(s, sb));
  bool same = true;
  for (int i = 0; i < 1500; ++i) {
    const double x = g.bernoulli(i > 400 ? 0.6 : 0.2) ? 1.0 : 0.0;
    if (a.update(x) != b.update(x)) same = false;
  }
  CHECK(same);
  CHECK(a.detections() >= 1u);
  auto bad = s;
  bad.magic = 0;
  CHECK(b.restore(bad) == status::invalid_state);
  bad = s;
  bad.p_rate = 1.5;
  CHECK(b.restore(bad) == status::invalid_state);
  bad = s;
  bad.p.drift_level = 1.0;  // below the warning level
  CHECK(b.restore(bad) == status::invalid_state);
  CHECK(ddm<float>::validate({30, 0.0f, 3.0f}) == status::invalid_argument);
  STATIC_REQUIRE(ddm<float>::memory_bytes == sizeof(ddm<float>));
  STATIC_REQUIRE(drift_detector<ddm<double>>);
}
