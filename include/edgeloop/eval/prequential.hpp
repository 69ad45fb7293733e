#pragma once
/// Prequential ("test-then-train") evaluation (Dawid 1984; Gama, Sebastiao & Rodrigues
/// 2013, "On evaluating stream learning algorithms", Machine Learning 90): each sample is
/// first used to test the model (predict), then to train it (partial_fit).
///
/// - prequential_step(model, x, y): one test-then-train step on any online_learner;
///   returns the prediction made before training and partial_fit's status.
/// - prequential_evaluator<Model, Metric, Clock>: drives a model through a stream,
///   feeds (y, prediction) to Metric (any streaming_metric, e.g. a metric_set), counts
///   accepted and rejected samples, and accumulates the ticks spent in predict and
///   partial_fit when given a tick_clock (null_clock: samples only, no timing).
///   Memory: sizeof(Metric) + sizeof(Clock) + sizeof(output_type) + 3 * 8 bytes + a
///   pointer to the model (the model is not owned).

#include <cstddef>
#include <cstdint>

#include "../core/concepts.hpp"
#include "../core/status.hpp"
#include "clock.hpp"
#include "metric.hpp"
#include "throughput.hpp"

namespace edgeloop {

/// What one prequential step produced.
template <online_learner Model>
struct prequential_outcome {
  typename Model::output_type prediction;  ///< made before the model saw y
  status fit_status;                       ///< what partial_fit(x, y) returned
};

/// Test-then-train: predicts x, then trains on (x, y). The prediction is returned even
/// when partial_fit rejects the sample (and then left the model unchanged).
template <online_learner Model>
prequential_outcome<Model> prequential_step(Model& model, const typename Model::input_type& x,
                                            const typename Model::target_type& y) noexcept {
  const typename Model::output_type prediction = model.predict(x);
  const status fit_status = model.partial_fit(x, y);
  return {prediction, fit_status};
}

template <online_learner Model, class Metric, tick_clock Clock = null_clock>
  requires streaming_metric<Metric, typename Model::target_type, typename Model::output_type>
class prequential_evaluator {
 public:
  using model_type = Model;
  using metric_type = Metric;
  using input_type = typename Model::input_type;
  using target_type = typename Model::target_type;
  using output_type = typename Model::output_type;

  /// Evaluates `model` (kept by reference: it must outlive the evaluator).
  constexpr explicit prequential_evaluator(Model& model, const Clock& clock = Clock{}) noexcept
      : model_(&model), clock_(clock) {}

  /// One test-then-train step. The sample is scored only when both the metric accepts
  /// (y, prediction) and partial_fit accepts (x, y); otherwise the first failure's status
  /// is returned, the sample is counted in rejected(), and model and metric are
  /// unchanged (the metric is checked before the model trains).
  status step(const input_type& x, const target_type& y) noexcept {
    const std::uint64_t t0 = clock_.now();
    const output_type prediction = model_->predict(x);
    const std::uint64_t t1 = clock_.now();
    last_prediction_ = prediction;
    if (const status s = metric_.check(y, prediction); s != status::ok) {
      ++rejected_;
      ticks_ += t1 - t0;
      return s;
    }
    const std::uint64_t t2 = clock_.now();
    const status fit = model_->partial_fit(x, y);
    const std::uint64_t t3 = clock_.now();
    ticks_ += (t1 - t0) + (t3 - t2);
    if (fit != status::ok) {
      ++rejected_;
      return fit;
    }
    static_cast<void>(metric_.update(y, prediction));  // checked above: cannot fail
    ++samples_;
    return status::ok;
  }

  /// Clears the metric and the counters; the model is left as it is.
  constexpr void reset() noexcept {
    metric_.reset();
    samples_ = rejected_ = ticks_ = 0;
  }

  constexpr const Metric& metric() const noexcept { return metric_; }
  constexpr Model& model() noexcept { return *model_; }
  constexpr const Model& model() const noexcept { return *model_; }
  /// Samples scored and trained on.
  constexpr std::uint64_t samples() const noexcept { return samples_; }
  /// Samples refused by the metric or by partial_fit.
  constexpr std::uint64_t rejected() const noexcept { return rejected_; }
  /// Clock ticks spent in predict and partial_fit (0 with null_clock).
  constexpr std::uint64_t ticks() const noexcept { return ticks_; }
  /// Prediction of the most recent step (also of a rejected one).
  constexpr const output_type& last_prediction() const noexcept { return last_prediction_; }

  /// Samples, seconds in the model, samples per second and the model's memory_bytes
  /// (sizeof(Model) when it does not publish memory_bytes).
  throughput_report report() const noexcept {
    std::size_t bytes = sizeof(Model);
    if constexpr (has_memory_bytes<Model>) bytes = Model::memory_bytes;
    return make_throughput_report(samples_ + rejected_, ticks_, clock_.ticks_per_second(), bytes);
  }

 private:
  Model* model_;
  Metric metric_{};
  Clock clock_;
  output_type last_prediction_{};
  std::uint64_t samples_ = 0;
  std::uint64_t rejected_ = 0;
  std::uint64_t ticks_ = 0;
};

}  // namespace edgeloop
