// Anomaly monitoring on a microcontroller with nobody labelling data: a simulated motor
// current (a load cycle every 200 samples plus noise) goes through the univariate front end
// (value, delta, deviation from the rolling mean in rolling standard deviations), half-space
// trees learn what normal looks like (ranges from the first window; 10 trees of depth 6,
// window 250), and a streaming quantile turns the scores into alarms at a 1% false-alarm
// rate. At sample 2500 a current spike happens; from sample 2700 the machine vibrates
// (noise x4). The firmware checks itself: at most 3% alarms on normal data (after the
// warm-up, outside the anomalies), an alarm within 2 samples of the spike and within 10 of
// the vibration's start; otherwise it exits non-zero.
//
// No heap, no printf: output goes through edgeloop/platform/semihosting.hpp.

#include <array>
#include <cmath>
#include <cstdint>

#include "edgeloop/anomaly/half_space_trees.hpp"
#include "edgeloop/anomaly/quantile_threshold.hpp"
#include "edgeloop/anomaly/univariate_features.hpp"
#include "edgeloop/core/rng.hpp"
#include "edgeloop/platform/cycle_counter.hpp"
#include "edgeloop/platform/semihosting.hpp"

#ifndef EDGELOOP_BOARD_NAME
#define EDGELOOP_BOARD_NAME "host"
#endif

namespace {

constexpr int samples = 2800;
constexpr int spike_at = 2500;
constexpr int vibration_from = 2700;
constexpr int judged_from = 600;  // normal data judged after the warm-up (two windows + threshold warm-up)
constexpr float two_pi = 6.2831853f;

using front_end = edgeloop::univariate_features<float, 16>;
// The detector sees value, delta and deviation (the rolling mean and std only shape the
// deviation here): fewer features, so more of each tree's splits isolate unusual values.
using detector = edgeloop::half_space_trees<float, 3, 10, 6, 250>;

detector::params detector_params() {
  detector::params p;
  p.learn_ranges = true;
  return p;
}

// Everything static: nothing on the heap, nothing big on the stack.
front_end features;
detector trees(detector_params());
edgeloop::quantile_threshold<float> alarm_at({0.01f, 2000, 100});
edgeloop::rng noise(7);

float motor_current(int t) noexcept {
  const float load = 5.0f + 1.5f * std::sin(two_pi * static_cast<float>(t) / 200.0f);
  const float sd = t >= vibration_from ? 0.4f : 0.1f;
  return load + noise.normal(0.0f, sd) + (t == spike_at ? 3.0f : 0.0f);
}

}  // namespace

int main() {
  using edgeloop::platform::console;
  using counter = edgeloop::platform::cycle_counter;
  counter::enable();

  int normal_judged = 0, false_alarms = 0, spike_alarm = -1, vibration_alarm = -1;
  std::uint64_t instructions = 0;
  console().text("anomaly_monitor on ").text(EDGELOOP_BOARD_NAME).text(": half_space_trees + 1% quantile threshold\n");
  for (int t = 0; t < samples; ++t) {
    const float current = motor_current(t);  // not measured
    const std::uint32_t start = counter::now();
    front_end::output_type f{};
    float score = 0;
    bool alarm = false;
    if (features.transform(current, 0, f) == edgeloop::status::ok &&
        edgeloop::score_then_learn(trees, {f[front_end::value], f[front_end::delta], f[front_end::deviation]}, score) ==
            edgeloop::status::ok &&
        trees.ready())
      alarm = alarm_at.update(score);
    instructions += counter::instructions(counter::elapsed(start, counter::now()));

    const bool normal = t >= judged_from && t < vibration_from && (t < spike_at || t > spike_at + 2);
    if (normal) {
      ++normal_judged;
      false_alarms += alarm ? 1 : 0;
    }
    if (alarm && t >= spike_at && t < vibration_from && spike_alarm < 0) spike_alarm = t;
    if (alarm && t >= vibration_from && vibration_alarm < 0) vibration_alarm = t;
    if (alarm && !normal && t >= spike_at) {
      console().text("sample ").integer(t).text(": current ").fixed(current, 2).text(" score ").fixed(score, 3);
      console().text(" threshold ").fixed(alarm_at.threshold(), 3).text("  ALARM\n");
    }
  }

  const float false_rate = static_cast<float>(false_alarms) / static_cast<float>(normal_judged);
  const bool ok = false_rate <= 0.03f && spike_alarm >= spike_at && spike_alarm <= spike_at + 2 &&
                  vibration_alarm >= vibration_from && vibration_alarm <= vibration_from + 10;
  console().text("{\"example\":\"anomaly_monitor\",\"board\":\"").text(EDGELOOP_BOARD_NAME);
  console().text("\",\"samples\":").integer(samples).text(",\"false_alarm_rate\":").fixed(false_rate, 4);
  console().text(",\"spike_at\":").integer(spike_at).text(",\"spike_alarm\":").integer(spike_alarm);
  console().text(",\"vibration_from\":").integer(vibration_from).text(",\"vibration_alarm\":").integer(vibration_alarm);
  // Instructions of front end + detector + threshold per sample (QEMU -icount on boards, 0 on the host).
  console().text(",\"instructions\":").integer(instructions);
  console().text(",\"instructions_per_sample\":").fixed(static_cast<float>(instructions) / static_cast<float>(samples), 1);
  console().text(",\"ram_bytes\":").integer(sizeof features + sizeof trees + sizeof alarm_at);
  console().text(",\"ok\":").text(ok ? "true" : "false").text("}\n");
  return ok ? 0 : 1;
}
