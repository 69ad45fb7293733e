// Learn a stream that changes, in fixed memory: scaler + Hoeffding tree + drift detector.
#include <cstdio>

#include "edgeloop/edgeloop.hpp"

int main() {
  using namespace edgeloop;
  auto model = make_pipeline(standard_scaler<float, 3>{}, hoeffding_tree<float, 3, 2, 63>{});
  adwin<float> error_rate;  // watches the model's errors for concept drift
  streams::stagger<float> before({.function = 0}), after({.function = 2, .seed = 2});
  int correct = 0, drift_at = -1;
  for (int t = 0; t < 20000; ++t) {
    const auto s = t < 10000 ? before.next() : after.next();  // the concept changes at 10000
    const bool hit = model.predict(s.x) == s.y;                 // test, then train
    correct += hit;
    if (model.partial_fit(s.x, s.y) != status::ok) return 1;
    if (error_rate.update(hit ? 0.0f : 1.0f) == drift_state::drift && drift_at < 0) drift_at = t;
  }
  std::printf("drift detected at %d, accuracy %.3f, model %zu bytes\n", drift_at, correct / 20000.0,
              decltype(model)::memory_bytes);
  return drift_at >= 10000 && drift_at < 10100 ? 0 : 1;
}
