#include <array>
#include <cmath>
#include <cstddef>
#include <limits>

#include "edgeloop/core/rng.hpp"
#include "edgeloop/features/spectral_features.hpp"
#include "support/test.hpp"

using namespace edgeloop;
using edgeloop::test::close;
using edgeloop::test::same_bytes;

namespace {

constexpr long double pi_l = 3.141592653589793238462643383279502884L;
constexpr std::size_t n = 64;
constexpr double fs = 1000.0;  // bin spacing 15.625 Hz

using spectral = spectral_features<double, n, 4>;

spectral::params make_params(bool hann) {
  spectral::params p;
  p.sample_rate = fs;
  p.hann = hann;
  p.remove_mean = hann;  // Hann leaks DC into bin 1: remove it first
  return p;
}

/// One static object for all cases (a 16 KB board cannot hold one per case).
spectral& shared(const spectral::params& p) {
  static spectral s;
  s = spectral(p);
  return s;
}

double tone(double amplitude, double bin, std::size_t t, double phase = 0.0) {
  return amplitude * std::sin(2.0 * 3.141592653589793 * bin * static_cast<double>(t) / n + phase);
}

}  // namespace

TEST_CASE("spectral band energies satisfy Parseval and match a naive DFT",
          "[features][spectral_features]") {
  spectral& sf = shared(make_params(false));
  std::array<double, n> w{};  // the last n samples pushed: the current window
  rng r(21);
  for (std::size_t t = 0; t < 3 * n + 5; ++t) {
    const double v = 0.7 + r.normal<double>();
    REQUIRE(sf.push(v) == status::ok);
    for (std::size_t i = 1; i < n; ++i) w[i - 1] = w[i];
    w[n - 1] = v;
  }
  REQUIRE(sf.ready());

  // Mean square of the window, directly (time domain).
  long double mean_square = 0;
  for (std::size_t i = 0; i < n; ++i) mean_square += static_cast<long double>(w[i]) * w[i];
  mean_square /= n;

  // Band energies from a naive long-double DFT, bands of N/8 bins (Nyquist bin in the last).
  std::array<long double, 4> band{};
  for (std::size_t k = 0; k <= n / 2; ++k) {
    long double re = 0, im = 0;
    for (std::size_t i = 0; i < n; ++i) {
      const long double a = -2 * pi_l * static_cast<long double>((k * i) % n) / n;
      re += w[i] * std::cos(a);
      im += w[i] * std::sin(a);
    }
    const long double c = (k == 0 || k == n / 2) ? 1 : 2;
    const std::size_t b = k / (n / 8) < 4 ? k / (n / 8) : 3;
    band[b] += c * (re * re + im * im) / (static_cast<long double>(n) * n);
  }
  const auto f = sf.features();
  long double band_sum = 0;
  for (std::size_t b = 0; b < 4; ++b) {
    CHECK(close(f[b], band[b], 1e-12, 1e-15));
    band_sum += f[b];
  }
  CHECK(close(f[spectral::total_energy_index], mean_square, 1e-12));
  CHECK(close(band_sum, mean_square, 1e-12));
  CHECK(sf.band_of_bin(0) == 0);
  CHECK(sf.band_of_bin(7) == 0);
  CHECK(sf.band_of_bin(8) == 1);
  CHECK(sf.band_of_bin(n / 2) == 3);
}

TEST_CASE("dominant frequency and centroid of tones", "[features][spectral_features]") {
  for (bool hann : {false, true}) {
    spectral& sf = shared(make_params(hann));
    // A sine at bin 5 (78.125 Hz) on a DC offset: DC is excluded from the dominant bin
    // (without Hann) or removed with the mean (with Hann).
    for (std::size_t t = 0; t < n + 9; ++t) REQUIRE(sf.push(3.0 + tone(1.0, 5.0, t, 0.4)) == status::ok);
    const auto f = sf.features();
    CHECK(f[spectral::dominant_index] == 5.0 * fs / n);
    CHECK(close(f[spectral::total_energy_index], hann ? 0.5 : 9.5, 1e-12));

    // A pure tone: total energy = A^2/2, with and without Hann (closed form); the centroid
    // is the tone frequency (Hann leaks equally into bins 4 and 6).
    sf.reset();
    for (std::size_t t = 0; t < n; ++t) REQUIRE(sf.push(tone(2.0, 9.0, t, 1.1)) == status::ok);
    const auto g = sf.features();
    CHECK(close(g[spectral::total_energy_index], 2.0, 1e-12));
    CHECK(close(g[spectral::centroid_index], 9.0 * fs / n, 1e-12));
    CHECK(g[spectral::dominant_index] == 9.0 * fs / n);
  }
  // Two tones without a window: centroid = (a^2 f1 + b^2 f2) / (a^2 + b^2).
  spectral& plain = shared(make_params(false));
  for (std::size_t t = 0; t < n; ++t) REQUIRE(plain.push(tone(1.0, 3.0, t) + tone(3.0, 20.0, t, 0.2)) == status::ok);
  const auto h = plain.features();
  const double expected = (1.0 * 3.0 + 9.0 * 20.0) / 10.0 * fs / n;
  CHECK(close(h[spectral::centroid_index], expected, 1e-12));
  CHECK(h[spectral::dominant_index] == 20.0 * fs / n);
  CHECK(close(h[spectral::total_energy_index], 0.5 + 4.5, 1e-12));
  CHECK(close(h[0], 0.5, 1e-12));  // bin 3 in band 0 (bins 0..7)
  CHECK(close(h[2], 4.5, 1e-12));  // bin 20 in band 2 (bins 16..23)
  CHECK(h[1] < 1e-20);
  CHECK(h[3] < 1e-20);
}

TEST_CASE("spectral bands with given edges", "[features][spectral_features]") {
  spectral::params p = make_params(false);
  p.band_edges_hz = {50.0, 100.0, 200.0, 300.0, 400.0};
  REQUIRE(spectral::validate(p) == status::ok);
  spectral& sf = shared(p);
  CHECK(sf.band_of_bin(3) == 4);   // 46.875 Hz: below the first edge, no band
  CHECK(sf.band_of_bin(4) == 0);   // 62.5 Hz
  CHECK(sf.band_of_bin(7) == 1);   // 109.375 Hz
  CHECK(sf.band_of_bin(13) == 2);  // 203.125 Hz
  CHECK(sf.band_of_bin(25) == 3);  // 390.625 Hz
  CHECK(sf.band_of_bin(26) == 4);  // 406.25 Hz: above the last edge
  for (std::size_t t = 0; t < n; ++t) REQUIRE(sf.push(tone(1.0, 5.0, t) + tone(2.0, 30.0, t)) == status::ok);
  const auto f = sf.features();
  CHECK(close(f[0], 0.5, 1e-12));                               // 78.125 Hz
  CHECK(f[1] < 1e-20);
  CHECK(f[2] < 1e-20);
  CHECK(f[3] < 1e-20);
  CHECK(close(f[spectral::total_energy_index], 2.5, 1e-12));     // 468.75 Hz is in no band

  spectral::params bad = make_params(false);
  bad.sample_rate = 0.0;
  CHECK(spectral::validate(bad) == status::invalid_argument);
  bad = p;
  bad.band_edges_hz[2] = 90.0;  // not increasing
  CHECK(spectral::validate(bad) == status::invalid_argument);
  bad = p;
  bad.band_edges_hz[0] = -1.0;
  CHECK(spectral::validate(bad) == status::invalid_argument);
}

TEST_CASE("spectral_features: non-finite push and state round trip", "[features][spectral_features]") {
  using small = spectral_features<float, 32, 2>;
  static small a, b;
  a.reset();
  rng r(4);
  for (int i = 0; i < 40; ++i) REQUIRE(a.push(r.normal<float>()) == status::ok);
  const small::state_type s = a.state();
  CHECK(a.push(std::numeric_limits<float>::quiet_NaN()) == status::non_finite_input);
  CHECK(a.push(-std::numeric_limits<float>::infinity()) == status::non_finite_input);
  CHECK(same_bytes(s, a.state()));
  REQUIRE(b.restore(s) == status::ok);
  CHECK(same_bytes(s, b.state()));
  CHECK(same_bytes(a.features(), b.features()));
  small::state_type bad = s;
  bad.size = 33;
  CHECK(b.restore(bad) == status::invalid_state);
  bad = s;
  bad.samples[0] = std::numeric_limits<float>::infinity();
  CHECK(b.restore(bad) == status::invalid_state);
  bad = s;
  bad.version = 2;
  CHECK(b.restore(bad) == status::invalid_state);
  CHECK(same_bytes(s, b.state()));
  STATIC_REQUIRE(small::memory_bytes == sizeof(small));
  // Window, twiddles and Hann coefficients: 3 * N floats, plus the bin map and params.
  STATIC_REQUIRE(small::memory_bytes <= 3 * 32 * sizeof(float) + 2 * 17 + 64);
  STATIC_REQUIRE(feature_extractor<small>);
}
