#include <array>
#include <cmath>
#include <cstddef>
#include <limits>

#include "edgeloop/core/rng.hpp"
#include "edgeloop/features/fft.hpp"
#include "support/test.hpp"

using namespace edgeloop;
using edgeloop::test::close;

namespace {

constexpr long double pi_l = 3.141592653589793238462643383279502884L;

/// Naive O(N^2) DFT in long double: X[k] = sum_n x[n] exp(-2 pi i k n / N), k = 0..N/2.
template <class S, std::size_t N>
void naive_dft(const std::array<S, N>& x, std::array<long double, N / 2 + 1>& re,
               std::array<long double, N / 2 + 1>& im) {
  for (std::size_t k = 0; k <= N / 2; ++k) {
    long double sr = 0, si = 0;
    for (std::size_t n = 0; n < N; ++n) {
      const std::size_t kn = (k * n) % N;  // exact angle reduction
      const long double angle = -2 * pi_l * static_cast<long double>(kn) / static_cast<long double>(N);
      sr += static_cast<long double>(x[n]) * std::cos(angle);
      si += static_cast<long double>(x[n]) * std::sin(angle);
    }
    re[k] = sr;
    im[k] = si;
  }
}

/// ||rfft(x) - dft(x)||_2 <= c * eps * log2(N) * ||dft(x)||_2 (the standard FFT error
/// bound), plus magnitude() and power() bin by bin against the same reference.
template <class S, std::size_t N>
bool matches_dft(const std::array<S, N>& x) {
  const rfft<S, N> fft;  // locals (stack), so boards do not keep one static set per size
  typename rfft<S, N>::spectrum_type out;
  std::array<long double, N / 2 + 1> re, im;
  typename rfft<S, N>::real_spectrum_type mag, pow2;
  fft.transform(x, out);
  naive_dft(x, re, im);
  long double err2 = 0, norm2 = 0;
  for (std::size_t k = 0; k <= N / 2; ++k) {
    const long double dr = static_cast<long double>(out[k].re) - re[k];
    const long double di = static_cast<long double>(out[k].im) - im[k];
    err2 += dr * dr + di * di;
    norm2 += re[k] * re[k] + im[k] * im[k];
  }
  long double log2n = 0;
  for (std::size_t m = N; m > 1; m >>= 1) log2n += 1;
  const long double eps = std::numeric_limits<S>::epsilon();
  const long double bound = 4 * eps * log2n * std::sqrt(norm2);
  bool ok = std::sqrt(err2) <= bound;
  ok = ok && out[0].im == S(0) && out[N / 2].im == S(0);
  fft.magnitude(x, mag);
  fft.power(x, pow2);
  for (std::size_t k = 0; k <= N / 2; ++k) {
    const long double m2 = re[k] * re[k] + im[k] * im[k];
    ok = ok && close(mag[k], std::sqrt(m2), 0, 2 * bound);
    ok = ok && close(pow2[k], m2, 0, 4 * bound * std::sqrt(norm2));
  }
  return ok;
}

template <class S, std::size_t N>
bool random_and_tones_match(std::uint64_t seed) {
  std::array<S, N> x;
  rng r(seed);
  bool ok = true;
  for (int trial = 0; trial < 3; ++trial) {
    for (auto& v : x) v = r.uniform<S>(S(-1), S(1)) + S(trial * 10);  // includes a DC offset
    ok = ok && matches_dft(x);
  }
  // Pure tones at a bin frequency, between bins, at DC-adjacent and Nyquist bins.
  const double bins[] = {1.0, 3.0, static_cast<double>(N / 4) + 0.5, static_cast<double>(N / 2)};
  for (double b : bins) {
    for (std::size_t n = 0; n < N; ++n)
      x[n] = static_cast<S>(std::cos(6.283185307179586 * b * static_cast<double>(n) / static_cast<double>(N) + 0.3));
    ok = ok && matches_dft(x);
  }
  return ok;
}

}  // namespace

TEST_CASE("rfft matches a naive long-double DFT", "[features][fft]") {
  CHECK(random_and_tones_match<float, 8>(1));
  CHECK(random_and_tones_match<float, 16>(2));
  CHECK(random_and_tones_match<double, 8>(3));
  CHECK(random_and_tones_match<double, 32>(4));
#if !defined(EDGELOOP_TARGET_TEST)
  CHECK(random_and_tones_match<float, 4>(5));
  CHECK(random_and_tones_match<float, 64>(6));
  CHECK(random_and_tones_match<float, 128>(7));
  CHECK(random_and_tones_match<float, 256>(8));
  CHECK(random_and_tones_match<double, 64>(9));
  CHECK(random_and_tones_match<double, 256>(10));
#endif
}

TEST_CASE("rfft of a pure tone at a bin frequency has one non-zero bin", "[features][fft]") {
  constexpr std::size_t n = 32;
  static rfft<double, n> fft;
  std::array<double, n> x{};
  for (std::size_t i = 0; i < n; ++i) x[i] = 3.0 * std::sin(6.283185307179586 * 5.0 * static_cast<double>(i) / n);
  std::array<double, n / 2 + 1> mag{};
  fft.magnitude(x, mag);
  for (std::size_t k = 0; k <= n / 2; ++k) {
    if (k == 5)
      CHECK(close(mag[k], 3.0 * n / 2, 1e-12));  // amplitude * N / 2
    else
      CHECK(mag[k] < 1e-12);
  }
}

TEST_CASE("hann_window coefficients and power gain", "[features][fft]") {
  constexpr std::size_t n = 16;
  static hann_window<double, n> w;
  CHECK(w[0] == 0.0);
  CHECK(close(w[n / 2], 1.0, 1e-15));
  CHECK(close(w[n / 4], 0.5, 1e-15));
  CHECK(close(w[1], w[n - 1], 0, 1e-15));  // periodic: symmetric about n/2
  CHECK(close(w.mean_square(), 3.0 / 8.0, 1e-15));
  std::array<double, n> x{};
  for (auto& v : x) v = 2.0;
  w.apply(x);
  for (std::size_t i = 0; i < n; ++i) CHECK(close(x[i], 2.0 * w[i], 1e-15));
  STATIC_REQUIRE(rfft<float, 64>::memory_bytes == 64 * sizeof(float));
  STATIC_REQUIRE(hann_window<float, 64>::memory_bytes == 65 * sizeof(float));
}
