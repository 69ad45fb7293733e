// Footprint of ADWIN on a firmware image: the detector watches a 0/1 error signal whose
// error rate steps from 10% to 50% at sample 2000, as a deployed model's would after a
// concept change. The image holds only startup code, this loop and the detector, so its
// size minus the empty image's is what ADWIN costs in flash and static RAM
// (scripts/bench-target prints it). Exit 0 when the change was detected after it happened
// and no alarm came before it (QEMU runs it as a CTest).
#include <cstdint>

#include "edgeloop/core/rng.hpp"
#include "edgeloop/drift/adwin.hpp"

int main() {
  static edgeloop::adwin<float> detector;
  edgeloop::rng random(11);
  constexpr std::uint32_t change_at = 2000, samples = 4000;
  std::uint32_t detected_at = 0;
  for (std::uint32_t i = 0; i < samples && detected_at == 0; ++i) {
    const float error = random.bernoulli(i < change_at ? 0.1f : 0.5f) ? 1.0f : 0.0f;
    if (detector.update(error) == edgeloop::drift_state::drift) detected_at = i + 1;
  }
  return detected_at > change_at ? 0 : 1;
}
