#pragma once
/// rfft: real FFT of a compile-time power-of-two size N, O(N log N), no heap.
///
/// Algorithm: the N real samples are packed into an N/2-point complex signal
/// z[n] = x[2n] + i x[2n+1], transformed by an iterative radix-2 decimation-in-time FFT
/// (Cooley & Tukey 1965) in place in the output array, and split into the N/2+1 bins of
/// the real spectrum with X[k] = (Z[k] + conj Z[M-k])/2 - i W^k (Z[k] - conj Z[M-k])/2,
/// W = exp(-2 pi i / N), M = N/2 (the "real FFT via half-size complex FFT" of Brigham,
/// The Fast Fourier Transform, 1974, ch. 10). The N/2 twiddles W^k are computed once at
/// construction (in double) and kept in the object.
///
/// Conventions: X[k] = sum_n x[n] exp(-2 pi i k n / N), unnormalised, k = 0..N/2 (bin k is
/// the frequency k * sample_rate / N). magnitude() is |X[k]|, power() is |X[k]|^2.
/// Non-finite inputs propagate into the output (the transform cannot fail; streaming
/// extractors such as spectral_features reject non-finite samples at push()).
///
/// Memory: rfft holds N/2 complex twiddles, N*sizeof(Scalar) bytes. transform() works in the
/// caller's output array; magnitude()/power() use (N/2+1) complex values of stack.
/// hann_window holds N coefficients.

#include <array>
#include <cmath>
#include <cstddef>

#include "../core/concepts.hpp"
#include "../core/numeric.hpp"

namespace edgeloop {

/// Plain complex value (std::complex drags iostream headers in on some toolchains).
template <scalar Scalar>
struct complex_value {
  Scalar re;
  Scalar im;
};

template <scalar Scalar, std::size_t N>
class rfft {
  static_assert(N >= 4 && (N & (N - 1)) == 0, "rfft: N must be a power of two >= 4");

 public:
  static constexpr std::size_t size = N;
  static constexpr std::size_t bins = N / 2 + 1;
  using complex_type = complex_value<Scalar>;
  using input_type = std::array<Scalar, N>;
  using spectrum_type = std::array<complex_type, bins>;
  using real_spectrum_type = std::array<Scalar, bins>;
  static const std::size_t memory_bytes;

  rfft() noexcept {
    constexpr double two_pi = 6.283185307179586476925286766559;
    for (std::size_t k = 0; k < half; ++k) {
      const double angle = -two_pi * static_cast<double>(k) / static_cast<double>(N);
      twiddle_[k] = {static_cast<Scalar>(std::cos(angle)), static_cast<Scalar>(std::sin(angle))};
    }
  }

  /// X[0..N/2] of x; X[0] and X[N/2] are real.
  void transform(const input_type& x, spectrum_type& out) const noexcept {
    // Pack z[n] = x[2n] + i x[2n+1] in bit-reversed order.
    for (std::size_t n = 0; n < half; ++n) out[bit_reverse(n)] = {x[2 * n], x[2 * n + 1]};
    // Radix-2 DIT butterflies on the M = N/2 point complex signal; the M-point twiddle
    // exp(-2 pi i j / len) is W_N^(j N / len).
    for (std::size_t len = 2; len <= half; len <<= 1) {
      const std::size_t half_len = len / 2, stride = N / len;
      for (std::size_t start = 0; start < half; start += len) {
        for (std::size_t j = 0; j < half_len; ++j) {
          const complex_type w = twiddle_[j * stride];
          complex_type& a = out[start + j];
          complex_type& b = out[start + j + half_len];
          const complex_type t = {w.re * b.re - w.im * b.im, w.re * b.im + w.im * b.re};
          b = {a.re - t.re, a.im - t.im};
          a = {a.re + t.re, a.im + t.im};
        }
      }
    }
    // Split Z into the real spectrum, bins k and M-k together.
    const complex_type z0 = out[0];
    out[0] = {z0.re + z0.im, Scalar(0)};
    out[half] = {z0.re - z0.im, Scalar(0)};
    for (std::size_t k = 1; k <= half / 2; ++k) {
      const complex_type a = out[k], b = out[half - k];
      out[k] = split(a, b, twiddle_[k]);
      if (k != half - k) out[half - k] = split(b, a, twiddle_[half - k]);
    }
  }

  spectrum_type transform(const input_type& x) const noexcept {
    spectrum_type out;
    transform(x, out);
    return out;
  }

  /// |X[k]|, k = 0..N/2.
  void magnitude(const input_type& x, real_spectrum_type& out) const noexcept {
    spectrum_type spectrum;
    transform(x, spectrum);
    for (std::size_t k = 0; k < bins; ++k)
      out[k] = std::sqrt(spectrum[k].re * spectrum[k].re + spectrum[k].im * spectrum[k].im);
  }

  /// |X[k]|^2, k = 0..N/2.
  void power(const input_type& x, real_spectrum_type& out) const noexcept {
    spectrum_type spectrum;
    transform(x, spectrum);
    for (std::size_t k = 0; k < bins; ++k)
      out[k] = spectrum[k].re * spectrum[k].re + spectrum[k].im * spectrum[k].im;
  }

 private:
  static constexpr std::size_t half = N / 2;

  static constexpr std::size_t log2_half() noexcept {
    std::size_t bits = 0;
    while ((std::size_t{1} << bits) < half) ++bits;
    return bits;
  }

  static constexpr std::size_t bit_reverse(std::size_t n) noexcept {
    std::size_t r = 0;
    for (std::size_t b = 0; b < log2_half(); ++b) {
      r = (r << 1) | (n & 1u);
      n >>= 1;
    }
    return r;
  }

  /// X[k] from a = Z[k], b = Z[M-k], w = W^k.
  static complex_type split(const complex_type& a, const complex_type& b, const complex_type& w) noexcept {
    const complex_type even = {Scalar(0.5) * (a.re + b.re), Scalar(0.5) * (a.im - b.im)};
    // odd = -i/2 (a - conj b)
    const complex_type odd = {Scalar(0.5) * (a.im + b.im), Scalar(-0.5) * (a.re - b.re)};
    return {even.re + w.re * odd.re - w.im * odd.im, even.im + w.re * odd.im + w.im * odd.re};
  }

  std::array<complex_type, half> twiddle_{};
};

template <scalar Scalar, std::size_t N>
constexpr std::size_t rfft<Scalar, N>::memory_bytes = sizeof(rfft<Scalar, N>);

/// Periodic ("DFT-even") Hann window w[n] = 0.5 - 0.5 cos(2 pi n / N), computed once.
/// Windowing scales the power of a tone by mean_square() = 3/8; divide by it to keep
/// energies comparable with the unwindowed signal. Memory: N*sizeof(Scalar).
template <scalar Scalar, std::size_t N>
class hann_window {
 public:
  static const std::size_t memory_bytes;

  hann_window() noexcept {
    constexpr double two_pi = 6.283185307179586476925286766559;
    double sum_sq = 0;
    for (std::size_t n = 0; n < N; ++n) {
      const double w = 0.5 - 0.5 * std::cos(two_pi * static_cast<double>(n) / static_cast<double>(N));
      coefficients_[n] = static_cast<Scalar>(w);
      sum_sq += w * w;
    }
    mean_square_ = static_cast<Scalar>(sum_sq / static_cast<double>(N));
  }

  /// x[n] *= w[n].
  void apply(std::array<Scalar, N>& x) const noexcept {
    for (std::size_t n = 0; n < N; ++n) x[n] *= coefficients_[n];
  }
  Scalar operator[](std::size_t n) const noexcept { return coefficients_[n]; }
  /// Mean of w[n]^2 (the power gain of the window).
  Scalar mean_square() const noexcept { return mean_square_; }

 private:
  std::array<Scalar, N> coefficients_{};
  Scalar mean_square_ = 0;
};

template <scalar Scalar, std::size_t N>
constexpr std::size_t hann_window<Scalar, N>::memory_bytes = sizeof(hann_window<Scalar, N>);

static_assert(rfft<float, 64>::memory_bytes == 32 * sizeof(complex_value<float>));

}  // namespace edgeloop
