#pragma once
// The simulated sensor of the int8_adaptation example, shared by the firmware and the host
// program that trains its network (train_network.cpp): one window of 64 accelerometer
// samples per machine state, summarised by spectral_features (13 band energies, total
// energy, centroid, dominant frequency = 16 features, sample rate 1: frequencies in
// cycles per sample).
//
// Only integer random numbers (edgeloop::rng::uniform), a sine table computed at compile
// time and float + - * go into a window, so the samples are bit-identical on the host
// and on every board (a C library's sinf/logf may differ in the last bit).

#include <array>
#include <cstddef>
#include <cstdint>

#include "edgeloop/core/rng.hpp"
#include "edgeloop/features/spectral_features.hpp"

namespace int8_adaptation {

constexpr std::size_t window = 64, bands = 13;
using features = edgeloop::spectral_features<float, window, bands>;
using feature_vector = features::output_type;
constexpr std::size_t feature_count = bands + 3;

/// Machine states: the network is trained on the first four; misalignment appears on the
/// device (the class the int8 head learns at run time).
enum machine_state : edgeloop::class_label { normal, imbalance, bearing_fault, looseness, misalignment };
constexpr std::uint32_t known_states = 4, all_states = 5;

/// sin(2 pi i / 64) by its Taylor series, evaluated by the compiler.
constexpr std::array<float, window> sine_table = [] {
  std::array<float, window> t{};
  constexpr double two_pi = 6.283185307179586476925286766559;
  for (std::size_t i = 0; i < window; ++i) {
    double a = two_pi * static_cast<double>(i) / static_cast<double>(window);
    if (a > two_pi / 2) a -= two_pi;  // |a| <= pi: the series converges quickly
    double term = a, sum = a;
    for (int k = 1; k < 30; ++k) {
      term *= -a * a / static_cast<double>((2 * k) * (2 * k + 1));
      sum += term;
    }
    t[i] = static_cast<float>(sum);
  }
  return t;
}();

/// A rotating machine seen by an accelerometer with gain `gain`: shaft tone at bin 5
/// (amplitude 1, x2 with imbalance), bearing-fault tone at bin 19, looseness adds broadband
/// noise, misalignment the second shaft harmonic (bin 10); amplitudes jitter +-20%
/// from window to window, sensor noise sd 0.3. Tones have whole periods per window and a
/// random phase of whole samples (so the table suffices).
class vibration_source {
 public:
  explicit vibration_source(std::uint64_t seed, float gain = 1.0f) noexcept : random_(seed), gain_(gain) {}

  void set_gain(float gain) noexcept { gain_ = gain; }
  float gain() const noexcept { return gain_; }

  /// A random state among the first `states`.
  edgeloop::class_label next_state(std::uint32_t states) noexcept {
    return static_cast<edgeloop::class_label>(random_.uniform_int(states));
  }

  /// Pushes one window of state c into f (which then holds exactly this window).
  void window_of(edgeloop::class_label c, features& f) noexcept {
    const std::uint32_t phase = random_.uniform_int(window);
    const float shaft = (c == imbalance ? 2.0f : 1.0f) * jitter();
    const float bearing = c == bearing_fault ? 0.5f * jitter() : 0.0f;
    const float harmonic = c == misalignment ? 0.6f * jitter() : 0.0f;
    for (std::size_t i = 0; i < window; ++i) {
      float v = shaft * tone(5, i, phase) + bearing * tone(19, i, 3 * phase) + harmonic * tone(10, i, 2 * phase);
      if (c == looseness) v += noise();
      v += 0.3f * noise();
      (void)f.push(gain_ * v);  // finite by construction
    }
  }

 private:
  static float tone(std::size_t bin, std::size_t i, std::uint32_t phase) noexcept {
    return sine_table[(bin * i + phase) % window];
  }
  float jitter() noexcept { return random_.uniform(0.8f, 1.2f); }
  /// Zero mean, unit variance (the sum of three uniforms on [-1, 1), each of variance 1/3).
  float noise() noexcept {
    return random_.uniform(-1.0f, 1.0f) + random_.uniform(-1.0f, 1.0f) + random_.uniform(-1.0f, 1.0f);
  }

  edgeloop::rng random_;
  float gain_;
};

}  // namespace int8_adaptation
