#include <array>
#include <cstdint>

#include "edgeloop/core/concepts.hpp"
#include "edgeloop/eval/confusion_matrix.hpp"
#include "edgeloop/eval/prequential.hpp"
#include "edgeloop/host/timer.hpp"
#include "support/test.hpp"

using namespace edgeloop;

namespace {
struct busy_learner {
  using input_type = std::array<float, 1>;
  using output_type = class_label;
  using target_type = class_label;
  volatile std::uint32_t sink = 0;
  class_label predict(const input_type&) const noexcept { return 0; }
  status partial_fit(const input_type&, const target_type&) noexcept {
    for (std::uint32_t i = 0; i < 20000; ++i) sink = sink + i;  // measurable work
    return status::ok;
  }
  void reset() noexcept {}
};
}  // namespace

TEST_CASE("host steady_tick_clock times a prequential run", "[eval][throughput][host]") {
  host::steady_tick_clock c;
  const std::uint64_t a = c.now();
  const std::uint64_t b = c.now();
  CHECK(b >= a);
  busy_learner m;
  prequential_evaluator<busy_learner, confusion_matrix<2>, host::steady_tick_clock> ev(m);
  host::stopwatch watch;
  for (int i = 0; i < 50; ++i) REQUIRE(ev.step({0.0f}, 0) == status::ok);
  const double wall = watch.elapsed_seconds();
  const throughput_report r = ev.report();
  CHECK(r.samples == 50);
  CHECK(r.seconds > 0.0);
  CHECK(r.seconds <= wall);  // the model's time is part of the wall time
  CHECK(r.samples_per_second > 0.0);
}
