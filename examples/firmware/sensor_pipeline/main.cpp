// Streaming vibration monitoring on a microcontroller: a simulated 3-axis accelerometer
// on a rotating machine, standardised online (standard_scaler), summarised per window
// (window_statistics) and transformed (64-point rfft of a Hann-windowed frame). A bearing
// fault starts at frame 24: impacts raise the kurtosis and crest factor and a defect
// tone appears in the spectrum. The firmware learns a healthy baseline on the first
// frames and raises an alert on the fault; it checks itself and exits non-zero if it
// alerted on healthy data or missed the fault.
//
// No heap, no printf: output goes through edgeloop/platform/semihosting.hpp.

#include <array>
#include <cmath>
#include <cstdint>

#include "edgeloop/core/rng.hpp"
#include "edgeloop/features/fft.hpp"
#include "edgeloop/features/window_statistics.hpp"
#include "edgeloop/platform/cycle_counter.hpp"
#include "edgeloop/platform/semihosting.hpp"
#include "edgeloop/preprocessing/standard_scaler.hpp"

#ifndef EDGELOOP_BOARD_NAME
#define EDGELOOP_BOARD_NAME "host"
#endif

namespace {

constexpr std::size_t frame_size = 64;
constexpr float sample_rate = 1000.0f;                    // Hz
constexpr float bin_hz = sample_rate / frame_size;        // 15.625 Hz per FFT bin
constexpr float shaft_hz = 3 * bin_hz;                    // running speed, 46.9 Hz
constexpr float defect_hz = 9 * bin_hz;                   // bearing defect tone, 140.6 Hz
constexpr int frames = 40;
constexpr int fault_frame = 24;                           // the fault starts here
constexpr int baseline_frames = 8;                        // healthy frames that set the baseline
constexpr float two_pi = 6.2831853f;

// Simulated accelerometer (m/s^2): gravity on z, shaft imbalance on x and y, sensor
// noise, and after the fault a defect tone plus decaying impacts every 23 samples.
struct vibration_source {
  edgeloop::rng noise{2024};
  std::uint32_t n = 0;

  std::array<float, 3> next(bool faulty) noexcept {
    const float t = static_cast<float>(n) / sample_rate;
    const float shaft = std::sin(two_pi * shaft_hz * t);
    const float shaft_quadrature = std::cos(two_pi * shaft_hz * t);
    float radial = 0.8f * shaft;
    if (faulty) {
      radial += 0.35f * std::sin(two_pi * defect_hz * t);
      const std::uint32_t since_impact = n % 23u;
      radial += 3.0f * std::exp(-0.9f * static_cast<float>(since_impact)) * (since_impact % 2u == 0 ? 1.0f : -1.0f);
    }
    ++n;
    return {0.3f + radial + 0.1f * noise.uniform(-1.0f, 1.0f),
            -0.1f + 0.8f * shaft_quadrature + 0.1f * noise.uniform(-1.0f, 1.0f),
            9.81f + 0.05f * noise.uniform(-1.0f, 1.0f)};
  }
};

// The pipeline's state: everything static, nothing on the heap.
edgeloop::standard_scaler<float, 3> scaler;
edgeloop::window_statistics<float, frame_size> statistics;
edgeloop::rfft<float, frame_size> fft;
edgeloop::hann_window<float, frame_size> hann;
std::array<std::array<float, 3>, frame_size> raw_frame;  // the sensor's samples of one frame
std::array<float, frame_size> frame;
edgeloop::rfft<float, frame_size>::real_spectrum_type power;
vibration_source sensor;

struct frame_summary {
  float rms, kurtosis, crest, peak_hz, high_band_share;
};

// One frame: push 64 samples through scaler and window statistics, then the spectrum.
frame_summary process_frame() noexcept {
  for (std::size_t i = 0; i < frame_size; ++i) {
    const std::array<float, 3>& raw = raw_frame[i];
    (void)scaler.partial_fit(raw);  // finite by construction
    const std::array<float, 3> z = scaler.transform(raw);
    (void)statistics.push(z[0]);   // radial axis, standardised
    frame[i] = z[0];
  }
  hann.apply(frame);
  fft.power(frame, power);
  std::size_t peak = 1;
  float total = 0, high = 0;
  for (std::size_t k = 1; k < power.size(); ++k) {  // skip DC
    total += power[k];
    if (k >= 6) high += power[k];                   // above 2x running speed
    if (power[k] > power[peak]) peak = k;
  }
  return {statistics.rms(), statistics.kurtosis(), statistics.crest_factor(),
          static_cast<float>(peak) * bin_hz, total > 0 ? high / total : 0.0f};
}

}  // namespace

int main() {
  using edgeloop::platform::console;
  using counter = edgeloop::platform::cycle_counter;
  counter::enable();

  float base_kurtosis = 0, base_crest = 0, base_high = 0;
  int first_alert = -1, false_alerts = 0;
  std::uint64_t instructions = 0;
  console().text("sensor_pipeline on ").text(EDGELOOP_BOARD_NAME).text(": 3-axis at 1 kHz, 64-sample frames\n");
  for (int f = 0; f < frames; ++f) {
    const bool faulty = f >= fault_frame;
    for (auto& sample : raw_frame) sample = sensor.next(faulty);  // not measured
    const std::uint32_t start = counter::now();
    const frame_summary s = process_frame();
    instructions += counter::instructions(counter::elapsed(start, counter::now()));

    bool alert = false;
    if (f < baseline_frames) {  // learn the healthy baseline (mean of the first frames)
      base_kurtosis += s.kurtosis / baseline_frames;
      base_crest += s.crest / baseline_frames;
      base_high += s.high_band_share / baseline_frames;
    } else {
      alert = s.kurtosis > base_kurtosis + 2.0f || s.crest > 1.5f * base_crest ||
              s.high_band_share > base_high + 0.25f;
      if (alert && !faulty) ++false_alerts;
      if (alert && faulty && first_alert < 0) first_alert = f;
    }
    console().text("frame ").integer(f).text(": rms ").fixed(s.rms, 2).text(" kurtosis ").fixed(s.kurtosis, 2);
    console().text(" crest ").fixed(s.crest, 2).text(" peak ").fixed(s.peak_hz, 1).text(" Hz high-band ");
    console().fixed(100.0f * s.high_band_share, 1).text("%").text(alert ? "  ALERT\n" : "\n");
  }

  const bool ok = false_alerts == 0 && first_alert >= fault_frame && first_alert <= fault_frame + 2;
  const std::uint64_t samples = std::uint64_t{frames} * frame_size;
  console().text("{\"example\":\"sensor_pipeline\",\"board\":\"").text(EDGELOOP_BOARD_NAME);
  console().text("\",\"frames\":").integer(frames).text(",\"fault_frame\":").integer(fault_frame);
  console().text(",\"first_alert_frame\":").integer(first_alert).text(",\"false_alerts\":").integer(false_alerts);
  // Instructions of the pipeline alone (scaler, statistics, window, FFT, band sums), not of
  // the simulated sensor; QEMU -icount instructions on the boards, 0 on the host.
  console().text(",\"instructions\":").integer(instructions).text(",\"samples\":").integer(samples);
  console().text(",\"instructions_per_sample\":").fixed(static_cast<float>(instructions) / static_cast<float>(samples), 1);
  console().text(",\"ram_bytes\":").integer(sizeof scaler + sizeof statistics + sizeof fft + sizeof hann + sizeof frame + sizeof power + sizeof raw_frame);
  console().text(",\"ok\":").text(ok ? "true" : "false").text("}\n");
  return ok ? 0 : 1;
}
