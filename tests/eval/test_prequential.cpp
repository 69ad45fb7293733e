#include <array>
#include <cstddef>
#include <cstdint>
#include <limits>

#include "edgeloop/core/concepts.hpp"
#include "edgeloop/core/numeric.hpp"
#include "edgeloop/eval/confusion_matrix.hpp"
#include "edgeloop/eval/metric_set.hpp"
#include "edgeloop/eval/prequential.hpp"
#include "edgeloop/eval/regression_metrics.hpp"
#include "edgeloop/eval/windowed_confusion_matrix.hpp"
#include "support/test.hpp"

using namespace edgeloop;
using edgeloop::test::close;

namespace {

// Toy classifier: predicts the last label it was trained on (0 before any), rejects
// labels >= 3 and non-finite features. Counts its partial_fit calls.
struct last_label_learner {
  using input_type = std::array<float, 1>;
  using output_type = class_label;
  using target_type = class_label;
  static constexpr std::size_t memory_bytes = 3;

  class_label last = 0;
  int fits = 0;

  class_label predict(const input_type&) const noexcept { return last; }
  status partial_fit(const input_type& x, const target_type& y) noexcept {
    if (!all_finite(x)) return status::non_finite_input;
    if (y >= 3) return status::label_out_of_range;
    last = y;
    ++fits;
    return status::ok;
  }
  void reset() noexcept { *this = last_label_learner{}; }
};
static_assert(online_learner<last_label_learner>);

// Toy regressor: predicts the mean of the targets seen so far (0 before any).
struct mean_regressor {
  using input_type = std::array<double, 2>;
  using output_type = double;
  using target_type = double;
  double sum = 0;
  int n = 0;
  double predict(const input_type&) const noexcept { return n ? sum / n : 0.0; }
  status partial_fit(const input_type&, const target_type& y) noexcept {
    if (!is_finite(y)) return status::non_finite_input;
    sum += y;
    ++n;
    return status::ok;
  }
  void reset() noexcept { *this = mean_regressor{}; }
};
static_assert(online_learner<mean_regressor>);

// Deterministic clock: every now() advances 10 ticks; 100 ticks per second.
struct stepping_clock {
  std::uint64_t t = 0;
  std::uint64_t now() noexcept { return t += 10; }
  std::uint64_t ticks_per_second() const noexcept { return 100; }
};

}  // namespace

TEST_CASE("prequential_step predicts before it trains", "[eval][prequential]") {
  last_label_learner m;
  const last_label_learner::input_type x{0.5f};
  auto r = prequential_step(m, x, class_label{2});
  CHECK(r.prediction == 0);  // before training on y = 2
  CHECK(r.fit_status == status::ok);
  CHECK(m.last == 2);
  r = prequential_step(m, x, class_label{1});
  CHECK(r.prediction == 2);
  CHECK(m.last == 1);
  r = prequential_step(m, {std::numeric_limits<float>::quiet_NaN()}, class_label{0});
  CHECK(r.prediction == 1);  // the prediction is still reported
  CHECK(r.fit_status == status::non_finite_input);
  CHECK(m.last == 1);
  CHECK(m.fits == 2);
}

TEST_CASE("prequential_evaluator scores a predict-the-last-label learner as worked out by hand",
          "[eval][prequential]") {
  // truth:       0 0 1 1 1 2 0 0
  // predictions: 0 0 0 1 1 1 2 0   (the previous label; 0 first)
  // correct:     1 1 0 1 1 0 0 1  -> 5 / 8
  const std::array<class_label, 8> truth{0, 0, 1, 1, 1, 2, 0, 0};
  last_label_learner m;
  using metrics = metric_set<confusion_matrix<3, double>, windowed_confusion_matrix<3, 4, double>>;
  prequential_evaluator<last_label_learner, metrics> ev(m);
  for (const class_label y : truth) REQUIRE(ev.step({1.0f}, y) == status::ok);
  CHECK(ev.samples() == 8);
  CHECK(ev.rejected() == 0);
  CHECK(ev.metric().get<0>().correct() == 5);
  CHECK(close(ev.metric().get<0>().accuracy(), 5.0L / 8.0L, 1e-15L));
  // Last 4 samples: correct 0 1 0 0 1 ... window = samples 5..8: (1,1) (2,1) (0,2) (0,0) -> 2/4
  CHECK(close(ev.metric().get<1>().accuracy(), 0.5L, 1e-15L));
  // The learner is the no-change classifier from its second step on; on the first it is
  // right (predicts 0, truth 0) while the baseline is wrong by convention. Baseline hits:
  // 4 of 8 -> kappa_t = (5/8 - 4/8) / (1 - 4/8) = 0.25.
  CHECK(ev.metric().get<0>().no_change_correct() == 4);
  CHECK(close(ev.metric().get<0>().kappa_t(), 0.25L, 1e-15L));
  CHECK(ev.last_prediction() == 0);
  CHECK(m.fits == 8);
  const throughput_report r = ev.report();
  CHECK(r.samples == 8);
  CHECK(r.seconds == 0.0);  // null_clock: samples only
  CHECK(r.memory_bytes == 3);
}

TEST_CASE("prequential_evaluator rejects a sample when the metric or the model refuses it", "[eval][prequential]") {
  last_label_learner m;
  prequential_evaluator<last_label_learner, confusion_matrix<3>> ev(m);
  REQUIRE(ev.step({1.0f}, 2) == status::ok);
  const confusion_matrix<3> metric_before = ev.metric();
  // Label 5: the metric refuses it before the model trains.
  CHECK(ev.step({1.0f}, 5) == status::label_out_of_range);
  CHECK(m.last == 2);
  CHECK(m.fits == 1);
  // Non-finite feature: the metric would accept (2, 2) but partial_fit refuses.
  CHECK(ev.step({std::numeric_limits<float>::infinity()}, 1) == status::non_finite_input);
  CHECK(m.last == 2);
  CHECK(ev.metric() == metric_before);
  CHECK(ev.samples() == 1);
  CHECK(ev.rejected() == 2);
  ev.reset();
  CHECK(ev.samples() == 0);
  CHECK(ev.metric().samples() == 0);
  CHECK(m.last == 2);  // reset() leaves the model alone
}

TEST_CASE("prequential_evaluator on a regressor with a stepping clock", "[eval][prequential]") {
  // y: 2, 4, 6 -> predictions 0, 2, 3 -> errors 2, 2, 3: MAE 7/3, MSE 17/3.
  mean_regressor m;
  prequential_evaluator<mean_regressor, regression_metrics<double>, stepping_clock> ev(m);
  const double ys[] = {2.0, 4.0, 6.0};
  for (const double y : ys) REQUIRE(ev.step({0.0, 0.0}, y) == status::ok);
  CHECK(close(ev.metric().mae(), 7.0L / 3.0L, 1e-15L));
  CHECK(close(ev.metric().mse(), 17.0L / 3.0L, 1e-15L));
  CHECK(ev.step({0.0, 0.0}, std::numeric_limits<double>::quiet_NaN()) == status::non_finite_input);
  CHECK(ev.metric().samples() == 3);
  // Accepted steps time predict (10 ticks) and partial_fit (10 ticks); the rejected one
  // only predict (10 ticks): 3 * 20 + 10 = 70 ticks = 0.7 s at 100 ticks/s for 4 samples.
  CHECK(ev.ticks() == 70);
  const throughput_report r = ev.report();
  CHECK(r.samples == 4);
  CHECK(close(r.seconds, 0.7L, 1e-15L));
  CHECK(close(r.samples_per_second, 4.0L / 0.7L, 1e-14L));
  CHECK(r.memory_bytes == sizeof(mean_regressor));
}

TEST_CASE("make_throughput_report derives seconds and rate from ticks", "[eval][throughput]") {
  const throughput_report r = make_throughput_report(1000, 25000000, 25000000, 512);
  CHECK(r.samples == 1000);
  CHECK(r.seconds == 1.0);
  CHECK(r.samples_per_second == 1000.0);
  CHECK(r.memory_bytes == 512);
  const throughput_report unknown = make_throughput_report(10, 5, 0, 0);
  CHECK(unknown.seconds == 0.0);
  CHECK(unknown.samples_per_second == 0.0);
}
