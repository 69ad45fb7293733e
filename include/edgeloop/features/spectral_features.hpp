#pragma once
/// spectral_features: frequency-domain features of the last N samples of a stream, for
/// vibration pipelines that call features() once per hop.
///
/// features() copies the window (oldest first; zeros before the first sample while the
/// window is not yet full), optionally subtracts its mean (params::remove_mean; advisable
/// with Hann, whose DC leakage into bin 1 can otherwise hide a weak dominant tone) and
/// applies a periodic Hann window (params::hann), runs rfft<Scalar, N>,
/// and summarises the ONE-SIDED POWER SPECTRUM
///   P[k] = c_k |X[k]|^2 / (N^2 g),  c_0 = c_{N/2} = 1, otherwise 2,
///   g = mean square of the window function (1 without a window, 3/8 for Hann),
/// which is normalised so that sum_k P[k] equals the mean square of the window's samples
/// exactly without a window (Parseval) and, with Hann, for any tone away from DC/Nyquist.
///
/// Output, in this order (indices given as constants of the class):
///   [0, Bands)        band energies: sum of P[k] over the bins of each band
///   total_energy      sum of P[k] over all bins (= mean square; includes DC)
///   centroid          sum f_k P[k] / sum P[k] in Hz (0 for a zero signal)
///   dominant          f_k of the largest P[k] for k >= 1 (DC excluded; lowest k on ties;
///                     no interpolation between bins; 0 for a zero signal)
/// with f_k = k * sample_rate / N.
///
/// Bands: by default Bands equal-width bands over [0, Nyquist]: band b = [b, b+1) * Nyquist/Bands,
/// the last band closed (it holds the Nyquist bin). Or given edges in Hz (params::band_edges_hz,
/// strictly increasing, >= 0): band b = [edge_b, edge_{b+1}), the last closed; bins outside
/// [edge_0, edge_Bands] belong to no band (their power still counts in total_energy).
///
/// Memory: 3*N*sizeof(Scalar) (window, twiddles, Hann coefficients) + 2*(N/2+1) bytes of
/// bin-to-band map + params; features() uses about 2*N*sizeof(Scalar) of stack.

#include <array>
#include <cstddef>
#include <cstdint>

#include "../core/assert.hpp"
#include "../core/concepts.hpp"
#include "../core/numeric.hpp"
#include "../core/ring_buffer.hpp"
#include "../core/status.hpp"
#include "feature_extractor.hpp"
#include "fft.hpp"

namespace edgeloop {

/// One-sided power spectrum of an unnormalised real-FFT spectrum of N = 2*(Bins-1)
/// samples: P[k] = c_k |X[k]|^2 / (N^2 gain) (see spectral_features).
template <scalar Scalar, std::size_t Bins>
void one_sided_power(const std::array<complex_value<Scalar>, Bins>& spectrum, Scalar gain,
                     std::array<Scalar, Bins>& out) noexcept {
  static_assert(Bins >= 2, "one_sided_power: at least DC and Nyquist bins");
  const Scalar n = Scalar(2 * (Bins - 1));
  const Scalar scale = Scalar(1) / (n * n * gain);
  for (std::size_t k = 0; k < Bins; ++k) {
    const Scalar c = (k == 0 || k == Bins - 1) ? Scalar(1) : Scalar(2);
    out[k] = c * scale * (spectrum[k].re * spectrum[k].re + spectrum[k].im * spectrum[k].im);
  }
}

template <scalar Scalar, std::size_t N, std::size_t Bands>
class spectral_features {
 public:
  static constexpr std::size_t bins = N / 2 + 1;
  static_assert(Bands >= 1 && Bands <= N / 2, "spectral_features: 1 <= Bands <= N/2");
  static_assert(bins < 0xFFFFu, "spectral_features: N too large for the bin-to-band map");

  using input_type = Scalar;
  using output_type = std::array<Scalar, Bands + 3>;
  using power_type = std::array<Scalar, bins>;
  static constexpr std::size_t total_energy_index = Bands;
  static constexpr std::size_t centroid_index = Bands + 1;
  static constexpr std::size_t dominant_index = Bands + 2;
  static const std::size_t memory_bytes;

  struct params {
    Scalar sample_rate = 1;  ///< Hz, > 0
    bool hann = true;        ///< apply a periodic Hann window before the FFT
    bool remove_mean = false;  ///< subtract the window mean first (total_energy = variance)
    std::array<Scalar, Bands + 1> band_edges_hz{};  ///< all zero: equal-width bands
  };

  static constexpr std::uint32_t state_magic = 0x45535046u;  // "ESPF"
  static constexpr std::uint16_t state_version = 1;
  struct state_type {
    std::uint32_t magic;
    std::uint16_t version;
    std::uint16_t reserved;
    std::uint32_t size;
    std::uint32_t reserved2;
    std::array<Scalar, N> samples;  ///< oldest first, zero past size
  };

  static status validate(const params& p) noexcept {
    if (!is_finite(p.sample_rate) || !(p.sample_rate > Scalar(0))) return status::invalid_argument;
    if (!uses_edges(p)) return status::ok;
    if (!all_finite(p.band_edges_hz) || p.band_edges_hz[0] < Scalar(0)) return status::invalid_argument;
    for (std::size_t b = 0; b < Bands; ++b)
      if (!(p.band_edges_hz[b] < p.band_edges_hz[b + 1])) return status::invalid_argument;
    return status::ok;
  }

  explicit spectral_features(const params& p = {}) noexcept : params_(p) {
    EDGELOOP_ASSERT(validate(p) == status::ok, "spectral_features: invalid params");
    const bool edges = uses_edges(p);
    for (std::size_t k = 0; k < bins; ++k) {
      if (!edges) {
        const std::size_t b = k * 2 * Bands / N;
        band_of_bin_[k] = static_cast<std::uint16_t>(b < Bands ? b : Bands - 1);
        continue;
      }
      band_of_bin_[k] = no_band;
      const Scalar f = bin_frequency(k);
      for (std::size_t b = 0; b < Bands; ++b) {
        const bool last = b + 1 == Bands;
        if (f >= p.band_edges_hz[b] && (f < p.band_edges_hz[b + 1] || (last && f <= p.band_edges_hz[b + 1]))) {
          band_of_bin_[k] = static_cast<std::uint16_t>(b);
          break;
        }
      }
    }
  }

  /// Adds one sample (evicting the oldest when full); non-finite -> non_finite_input, unchanged.
  status push(Scalar x) noexcept {
    if (!is_finite(x)) return status::non_finite_input;
    window_.push(x);
    return status::ok;
  }

  /// True once N samples have been pushed.
  bool ready() const noexcept { return window_.full(); }
  std::size_t size() const noexcept { return window_.size(); }
  void reset() noexcept { window_.clear(); }

  output_type features() const noexcept {
    std::array<Scalar, N> x{};
    const std::size_t pad = N - window_.size();
    for (std::size_t i = 0; i < window_.size(); ++i) x[pad + i] = window_[i];
    if (params_.remove_mean) {
      // Shifted by the oldest sample so that large offsets do not cancel.
      const Scalar shift = x[0];
      Scalar sum = 0;
      for (Scalar v : x) sum += v - shift;
      const Scalar mean = shift + sum / Scalar(N);
      for (Scalar& v : x) v -= mean;
    }
    if (params_.hann) hann_.apply(x);
    typename rfft<Scalar, N>::spectrum_type spectrum;
    fft_.transform(x, spectrum);
    power_type power;
    one_sided_power(spectrum, params_.hann ? hann_.mean_square() : Scalar(1), power);
    return summarize(power);
  }

  /// The features of a given one-sided power spectrum (what features() returns after the FFT).
  output_type summarize(const power_type& power) const noexcept {
    output_type out{};
    Scalar total = 0, weighted = 0, best = 0;
    std::size_t best_k = 0;
    for (std::size_t k = 0; k < bins; ++k) {
      const Scalar p = power[k];
      if (band_of_bin_[k] != no_band) out[band_of_bin_[k]] += p;
      total += p;
      weighted += bin_frequency(k) * p;
      if (k >= 1 && p > best) {
        best = p;
        best_k = k;
      }
    }
    out[total_energy_index] = total;
    out[centroid_index] = total > Scalar(0) ? weighted / total : Scalar(0);
    out[dominant_index] = bin_frequency(best_k);
    return out;
  }

  /// f_k = k * sample_rate / N.
  Scalar bin_frequency(std::size_t k) const noexcept {
    return Scalar(k) * params_.sample_rate / Scalar(N);
  }
  /// Band of bin k, or Bands when the bin lies outside every band.
  std::size_t band_of_bin(std::size_t k) const noexcept {
    return band_of_bin_[k] == no_band ? Bands : band_of_bin_[k];
  }
  const params& parameters() const noexcept { return params_; }

  state_type state() const noexcept {
    state_type s{};
    s.magic = state_magic;
    s.version = state_version;
    s.reserved = 0;
    s.size = static_cast<std::uint32_t>(window_.size());
    s.reserved2 = 0;
    for (std::size_t i = 0; i < N; ++i) s.samples[i] = i < window_.size() ? window_[i] : Scalar(0);
    return s;
  }

  status restore(const state_type& s) noexcept {
    if (s.magic != state_magic || s.version != state_version || s.size > N) return status::invalid_state;
    for (std::size_t i = 0; i < s.size; ++i)
      if (!is_finite(s.samples[i])) return status::invalid_state;
    window_.clear();
    for (std::size_t i = 0; i < s.size; ++i) window_.push(s.samples[i]);
    return status::ok;
  }

 private:
  static constexpr std::uint16_t no_band = 0xFFFFu;

  static bool uses_edges(const params& p) noexcept {
    for (Scalar e : p.band_edges_hz)
      if (e != Scalar(0)) return true;
    return false;
  }

  params params_;
  ring_buffer<Scalar, N> window_;
  rfft<Scalar, N> fft_;
  hann_window<Scalar, N> hann_;
  std::array<std::uint16_t, bins> band_of_bin_{};
};

template <scalar Scalar, std::size_t N, std::size_t Bands>
constexpr std::size_t spectral_features<Scalar, N, Bands>::memory_bytes =
    sizeof(spectral_features<Scalar, N, Bands>);

static_assert(feature_extractor<spectral_features<float, 64, 4>>);
static_assert(persistable<spectral_features<float, 64, 4>>);
static_assert(sizeof(spectral_features<float, 64, 4>::state_type) == 16 + 64 * sizeof(float),
              "spectral_features::state_type must have no padding");

}  // namespace edgeloop
