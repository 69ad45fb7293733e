// An int8 network that keeps learning on the microcontroller. A vibration sensor's windows
// (64 samples -> 16 spectral features) are classified into machine states by an int8
// network 16-32-16-4: its float parameters were trained and its int8 ranges calibrated on
// the host by train_network.cpp (network_parameters.hpp, in flash); the device quantizes it
// (TFLite int8 scheme, quant::quantized_sequential) and never runs it in float. Then, on
// the device:
//
//  1. a new machine state appears (misalignment, the second shaft harmonic): its labelled
//     windows stream in with those of the four known states, and quant::int8_head_learner
//     adds a fifth class to the int8 head and learns it, one SGD step per window, on a
//     float shadow of the head re-quantized after each step (the backbone stays frozen);
//  2. the sensor's gain drops to 0.5 (e.g. a loosened mounting): the head adapts again on
//     a labelled stream of shifted windows.
//
// Accuracy is measured on fixed test windows (the same on every run and board) before and
// after each phase. The program checks itself and exits non-zero unless the new class is
// learned (>= 90% of its test windows, all five classes >= 90%, the known states losing at
// most 5 points) and the gain shift is at least half recovered. It prints the RAM that
// learning adds and the instructions per int8 prediction and per learning step (SysTick
// under QEMU -icount; 0 on the host). Everything is integer or basic float arithmetic on
// the same data, so the host build (int8_adaptation_host) prints the same accuracies.
//
// No heap, no printf: output goes through edgeloop/platform/semihosting.hpp.

#include <array>
#include <cstdint>

#include "edgeloop/platform/cycle_counter.hpp"
#include "edgeloop/platform/semihosting.hpp"
#include "edgeloop/quant/int8_head_learner.hpp"
#include "edgeloop/quant/post_training.hpp"
#include "network.hpp"
#include "network_parameters.hpp"

#ifndef EDGELOOP_BOARD_NAME
#define EDGELOOP_BOARD_NAME "host"
#endif

namespace {

using namespace int8_adaptation;
namespace q = edgeloop::quant;
using counter = edgeloop::platform::cycle_counter;
using twin = q::quantized_sequential<network>;
using backbone = head_learner::backbone_type;

constexpr std::uint64_t test_seed = 12, stream_seed = 13, shift_stream_seed = 14;  // train_network.cpp: 1, 2, 11
constexpr int test_windows = 250;       // per evaluation, the same windows each time
constexpr int new_class_windows = 300;  // labelled windows streamed in phase 1
constexpr int shift_windows = 300;      // and in phase 2
constexpr float shifted_gain = 0.5f;
constexpr float head_learning_rate = 0.05f;

// Everything static: nothing on the heap, nothing big on the stack.
network float_net;
twin int8_net;
backbone frozen_backbone;
head_learner learner(frozen_backbone, head_learner::params{head_learning_rate});
features window_features;

std::uint64_t prediction_instructions = 0, predictions = 0;
std::uint64_t learning_instructions = 0, learning_steps = 0;

struct accuracy_figures {
  int correct = 0, total = 0;          // all classes
  int known_correct = 0, known = 0;    // the four known states
  int new_correct = 0, new_total = 0;  // misalignment
  float all() const noexcept { return percent(correct, total); }
  float kept() const noexcept { return percent(known_correct, known); }
  float learned() const noexcept { return percent(new_correct, new_total); }
  static float percent(int k, int n) noexcept { return n > 0 ? 100.0f * static_cast<float>(k) / static_cast<float>(n) : 0.0f; }
};

/// Accuracy of `predict` on the fixed test windows of the first `states` states at `gain`.
template <class Predict>
accuracy_figures evaluate(std::uint32_t states, float gain, Predict&& predict) noexcept {
  vibration_source source(test_seed, gain);
  accuracy_figures a;
  for (int i = 0; i < test_windows; ++i) {
    const edgeloop::class_label c = source.next_state(states);
    source.window_of(c, window_features);
    const bool right = predict(window_features.features()) == c;
    a.correct += right, ++a.total;
    if (c < known_states) a.known_correct += right, ++a.known;
    else a.new_correct += right, ++a.new_total;
  }
  return a;
}

/// The head learner's int8 prediction, with its instructions counted.
edgeloop::class_label measured_predict(const feature_vector& x) noexcept {
  const std::uint32_t start = counter::now();
  const edgeloop::class_label c = learner.predict(x);
  prediction_instructions += counter::instructions(counter::elapsed(start, counter::now()));
  ++predictions;
  return c;
}

/// Streams `n` labelled windows of all states at `gain` into the head learner.
bool learn_stream(std::uint64_t seed, int n, float gain) noexcept {
  vibration_source source(seed, gain);
  for (int i = 0; i < n; ++i) {
    const edgeloop::class_label c = source.next_state(all_states);
    source.window_of(c, window_features);
    const feature_vector x = window_features.features();  // not measured: the sensor front end
    const std::uint32_t start = counter::now();
    const edgeloop::status s = learner.partial_fit(x, c);
    learning_instructions += counter::instructions(counter::elapsed(start, counter::now()));
    ++learning_steps;
    if (s != edgeloop::status::ok) return false;
  }
  return true;
}

edgeloop::platform::text_writer& figures(const char* name, const accuracy_figures& a) noexcept {
  using edgeloop::platform::console;
  return console().text(",\"").text(name).text("\":{\"all\":").fixed(a.all(), 2).text(",\"known\":").fixed(a.kept(), 2)
      .text(",\"new\":").fixed(a.learned(), 2).text("}");
}

void report_line(const char* what, const accuracy_figures& a) noexcept {
  using edgeloop::platform::console;
  console().text(what).text(": all ").fixed(a.all(), 2).text("%, known states ").fixed(a.kept(), 2);
  console().text("%, misalignment ").fixed(a.learned(), 2).text("%\n");
}

}  // namespace

int main() {
  using edgeloop::platform::console;
  counter::enable();
  console().text("int8_adaptation on ").text(EDGELOOP_BOARD_NAME).text(": int8 network 16-32-16-4, head learning on the device\n");

  // Quantize on the device: float parameters and calibrated ranges from flash.
  float_net.parameters() = network_parameters;
  if (int8_net.build(float_net, tensor_ranges) != edgeloop::status::ok ||
      frozen_backbone.build(float_net, tensor_ranges) != edgeloop::status::ok ||
      learner.init(float_net, known_states, tensor_ranges[twin::tensors - 1]) != edgeloop::status::ok)
    return 1;
  const accuracy_figures int8_known = evaluate(known_states, 1.0f, [](const feature_vector& x) { return int8_net.predict(x); });
  console().text("known states: float (host) ").fixed(float_accuracy_known, 2).text("%, int8 ").fixed(int8_known.all(), 2).text("%\n");

  // 1. A new class: misalignment.
  const accuracy_figures new_before = evaluate(all_states, 1.0f, measured_predict);
  report_line("new state, before learning", new_before);
  if (!learn_stream(stream_seed, new_class_windows, 1.0f)) return 1;
  const accuracy_figures new_after = evaluate(all_states, 1.0f, measured_predict);
  report_line("new state, after learning", new_after);

  // 2. The sensor's gain halves.
  const accuracy_figures shift_before = evaluate(all_states, shifted_gain, measured_predict);
  report_line("gain 0.5, before adapting", shift_before);
  if (!learn_stream(shift_stream_seed, shift_windows, shifted_gain)) return 1;
  const accuracy_figures shift_after = evaluate(all_states, shifted_gain, measured_predict);
  const accuracy_figures clean_after = evaluate(all_states, 1.0f, measured_predict);
  report_line("gain 0.5, after adapting", shift_after);
  report_line("gain 1, after adapting to 0.5", clean_after);

  const float lost = new_after.all() - shift_before.all();
  const float recovered = lost > 0 ? (shift_after.all() - shift_before.all()) / lost : 1.0f;
  const bool ok = new_after.learned() >= 90.0f && new_after.all() >= 90.0f &&
                  new_after.kept() >= new_before.kept() - 5.0f && recovered >= 0.5f;

  console().text("{\"example\":\"int8_adaptation\",\"board\":\"").text(EDGELOOP_BOARD_NAME).text("\"");
  console().text(",\"float_accuracy_known\":").fixed(float_accuracy_known, 2).text(",\"int8_accuracy_known\":").fixed(int8_known.all(), 2);
  figures("new_class_before", new_before);
  figures("new_class_after", new_after);
  figures("gain_shift_before", shift_before);
  figures("gain_shift_after", shift_after);
  figures("unshifted_after", clean_after);
  console().text(",\"recovered_fraction\":").fixed(recovered, 3);
  console().text(",\"learning_steps\":").integer(learning_steps);
  // QEMU -icount instructions (0 on the host): int8 prediction = quantize input, backbone,
  // int8 head, arg max; learning step = partial_fit (backbone, float SGD, re-quantization).
  console().text(",\"instructions_per_prediction\":").integer(predictions ? prediction_instructions / predictions : 0);
  console().text(",\"instructions_per_learning_step\":").integer(learning_steps ? learning_instructions / learning_steps : 0);
  console().text(",\"learning_ram_bytes\":").integer(head_learner::learning_bytes);
  console().text(",\"head_learner_bytes\":").integer(head_learner::memory_bytes);
  console().text(",\"int8_backbone_bytes\":").integer(backbone::memory_bytes);
  console().text(",\"ok\":").text(ok ? "true" : "false").text("}\n");
  return ok ? 0 : 1;
}
