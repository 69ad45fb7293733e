// vibration_monitor: a machine learns its own normal vibration on the device and raises an
// alarm when a bearing fault appears, with nobody labelling data.
//
//   accelerometer samples
//     -> window_statistics<1024> (RMS, kurtosis, crest factor, ...)  \  every hop of 512
//     -> spectral_features<1024, 8> (Hann, band energies, centroid)   /  samples
//     -> standard_scaler<14>: learns "normal" during the baseline, then frozen
//     -> health score = mean squared z-score of the 14 features (about 1 when healthy)
//     -> adwin: a change in the score's mean is the alarm
//
// The sensor is simulated (a 30 Hz shaft with harmonics, gear mesh and noise; from
// --fault-at seconds on, an outer-race defect: impacts at 107 Hz ringing a 3.5 kHz
// resonance), or real recordings: --data FILE... (raw little-endian float64, as the CWRU
// bearing data), concatenated in order, the fault taken to start where the second begins.
//
// Usage: vibration_monitor [--seconds S] [--fault-at S] [--seed N]
//                          [--data FILE]... [--rate HZ] [--baseline S] [--json]

#include <cmath>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <limits>
#include <string>
#include <vector>

#include "edgeloop/edgeloop.hpp"
#include "edgeloop/host/command_line.hpp"
#include "edgeloop/host/timer.hpp"

using namespace edgeloop;

namespace {

constexpr std::size_t frame_size = 1024;
constexpr std::size_t hop = 512;
constexpr std::size_t bands = 8;
constexpr std::size_t feature_count = 6 + bands;

struct options {
  double seconds = 40;
  double fault_at = 20;
  double rate = 12000;
  double baseline = 5;
  std::uint64_t seed = 1;
  std::vector<std::string> files;
  bool json = false;
};

options parse(int argc, char** argv) {
  options o;
  host::command_line cl("vibration_monitor",
                        "usage: vibration_monitor [--seconds S] [--fault-at S] [--seed N] [--data FILE]... "
                        "[--rate HZ] [--baseline S] [--json]",
                        argc, argv);
  constexpr double unbounded = std::numeric_limits<double>::max();
  while (cl.next()) {
    const std::string a = cl.argument();
    if (a == "--json") o.json = true;
    else if (a == "--seconds") o.seconds = cl.number_value(0, unbounded);
    else if (a == "--fault-at") o.fault_at = cl.number_value(0, unbounded);
    else if (a == "--rate") o.rate = cl.number_value(0, unbounded);
    else if (a == "--baseline") o.baseline = cl.number_value(0, unbounded);
    else if (a == "--seed") o.seed = cl.unsigned_value(0, UINT64_MAX);
    else if (a == "--data") o.files.push_back(cl.value());
    else cl.fail("unknown argument '" + a + "'");
  }
  if (o.rate < 1000) cl.fail("--rate must be at least 1000 Hz");
  return o;
}

/// Real recordings: raw float64 files, concatenated; returns where each file starts.
std::vector<float> read_recordings(const std::vector<std::string>& files, std::vector<std::size_t>& starts) {
  std::vector<float> signal;
  for (const std::string& name : files) {
    std::ifstream in(name, std::ios::binary);
    if (!in) {
      std::fprintf(stderr, "vibration_monitor: cannot open %s\n", name.c_str());
      std::exit(1);
    }
    std::vector<char> bytes((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    if (bytes.empty() || bytes.size() % 8 != 0) {
      std::fprintf(stderr, "vibration_monitor: %s: %zu bytes is not a whole number of float64 samples\n",
                   name.c_str(), bytes.size());
      std::exit(1);
    }
    starts.push_back(signal.size());
    for (std::size_t i = 0; i < bytes.size(); i += 8) {
      double v;
      std::memcpy(&v, bytes.data() + i, 8);
      if (!std::isfinite(v)) {
        std::fprintf(stderr, "vibration_monitor: %s: sample %zu is not finite\n", name.c_str(), i / 8);
        std::exit(1);
      }
      signal.push_back(static_cast<float>(v));
    }
  }
  return signal;
}

/// Simulated accelerometer on a rotating machine (units of g).
class simulated_sensor {
 public:
  simulated_sensor(double rate, double fault_at, std::uint64_t seed) : rate_(rate), fault_at_(fault_at), rng_(seed) {}
  float next() {
    constexpr double two_pi = 6.283185307179586;
    const double t = static_cast<double>(n_++) / rate_;
    double v = 0.30 * std::sin(two_pi * 29.95 * t) + 0.10 * std::sin(two_pi * 59.9 * t + 0.4) +
               0.04 * std::sin(two_pi * 838.6 * t) + 0.05 * rng_.normal<double>();
    if (t >= fault_at_) {  // outer-race defect: an impact every 1/107.3 s rings a resonance
      const double since_impact = std::fmod(t - fault_at_, 1.0 / 107.3);
      v += 0.6 * std::exp(-since_impact / 0.0008) * std::sin(two_pi * 3500.0 * since_impact);
    }
    return static_cast<float>(v);
  }

 private:
  double rate_, fault_at_;
  std::uint64_t n_ = 0;
  rng rng_;
};

}  // namespace

int main(int argc, char** argv) {
  const options opt = parse(argc, argv);

  std::vector<float> recording;
  std::vector<std::size_t> starts;
  std::size_t total = static_cast<std::size_t>(opt.seconds * opt.rate);
  double fault_at = opt.fault_at;
  if (!opt.files.empty()) {
    recording = read_recordings(opt.files, starts);
    total = recording.size();
    fault_at = starts.size() > 1 ? static_cast<double>(starts[1]) / opt.rate : -1.0;
  }
  simulated_sensor sensor(opt.rate, fault_at, opt.seed);

  // The on-device part: fixed memory, no heap.
  static window_statistics<float, frame_size> stats;
  spectral_features<float, frame_size, bands>::params spectral_params;
  spectral_params.sample_rate = static_cast<float>(opt.rate);
  spectral_params.remove_mean = true;
  static spectral_features<float, frame_size, bands> spectrum(spectral_params);
  static standard_scaler<float, feature_count> normal;
  adwin<float>::params change_params;
  change_params.clock = 4;  // check for a change every 4 hops (170 ms at 12 kHz)
  static adwin<float> change(change_params);
  const std::size_t device_bytes = decltype(stats)::memory_bytes + decltype(spectrum)::memory_bytes +
                                   decltype(normal)::memory_bytes + decltype(change)::memory_bytes;

  const auto baseline_hops = static_cast<std::size_t>(opt.baseline * opt.rate / hop);
  std::size_t hops = 0, false_alarms = 0;
  double first_alarm = -1;
  float last_score = 0;

  if (!opt.json)
    std::printf("edgeloop vibration monitor: %s, %.0f Hz, baseline %.1f s, fault %s\n"
                "    t[s]     rms  kurtosis  crest  centroid[Hz]  score  state\n",
                opt.files.empty() ? "simulated sensor" : "recorded data", opt.rate, opt.baseline,
                fault_at >= 0 ? (std::to_string(fault_at) + " s").c_str() : "none");

  host::stopwatch clock;
  for (std::size_t i = 0; i < total; ++i) {
    const float x = opt.files.empty() ? sensor.next() : recording[i];
    if (stats.push(x) != status::ok || spectrum.push(x) != status::ok) continue;  // non-finite: skipped
    if (!stats.ready() || (i + 1) % hop != 0) continue;

    const auto f = spectrum.features();
    std::array<float, feature_count> v{stats.rms(), stats.kurtosis(), stats.crest_factor(), stats.skewness(),
                                       stats.peak_to_peak(), f[f.size() - 2] / 1000.0f};
    for (std::size_t b = 0; b < bands; ++b) v[6 + b] = std::log10(f[b] + 1e-12f);
    const double t = static_cast<double>(i + 1) / opt.rate;

    const char* state = "learning normal";
    if (hops < baseline_hops) {
      static_cast<void>(normal.partial_fit(v));  // the device learns its own normal
    } else {
      const auto z = normal.transform(v);
      float score = 0;
      for (float zi : z) score += zi * zi / static_cast<float>(feature_count);
      last_score = score;
      state = first_alarm >= 0 ? "fault (alarm latched)" : "normal";
      if (change.update(std::log1p(score)) == drift_state::drift) {
        const bool after_fault = fault_at >= 0 && t >= fault_at;
        if (after_fault && first_alarm < 0) first_alarm = t;
        if (!after_fault) ++false_alarms;
        state = after_fault ? "ALARM: vibration changed" : "alarm (false: before the fault)";
        if (!opt.json)
          std::printf("%8.2f %7.3f %9.2f %6.2f %13.0f %6.1f  %s\n", t, v[0], v[1], v[2], v[5] * 1000, score, state);
      }
    }
    if (!opt.json && (hops % static_cast<std::size_t>(opt.rate / hop * 2) == 0))
      std::printf("%8.2f %7.3f %9.2f %6.2f %13.0f %6.1f  %s\n", t, v[0], v[1], v[2], v[5] * 1000, last_score, state);
    ++hops;
  }
  const double seconds = clock.elapsed_seconds();

  const double delay = first_alarm >= 0 ? first_alarm - fault_at : -1;
  if (!opt.json) {
    if (first_alarm >= 0)
      std::printf("fault at %.2f s, first alarm at %.2f s (delay %.2f s), %zu false alarms\n", fault_at, first_alarm,
                  delay, false_alarms);
    else
      std::printf("no alarm after the fault; %zu false alarms\n", false_alarms);
    std::printf("%zu samples, %zu hops in %.3f s (%.1f M samples/s); device memory %zu bytes\n", total, hops, seconds,
                static_cast<double>(total) / seconds / 1e6, device_bytes);
  }
  if (opt.json)
    std::printf("{\"mode\":\"%s\",\"samples\":%zu,\"hops\":%zu,\"fault_at_s\":%.3f,\"first_alarm_s\":%.3f,"
              "\"detection_delay_s\":%.3f,\"false_alarms\":%zu,\"seconds\":%.4f,\"samples_per_second\":%.0f,"
              "\"memory_bytes\":%zu}\n",
              opt.files.empty() ? "simulated" : "recorded", total, hops, fault_at, first_alarm, delay, false_alarms,
              seconds, static_cast<double>(total) / seconds, device_bytes);
  return 0;
}
