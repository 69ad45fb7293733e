// Streaming classification metrics: cost per sample of confusion_matrix updates (with and
// without a kappa read-out after each) and of windowed_confusion_matrix against the
// naive baseline that recomputes kappa over the last W samples from scratch each step.
#include <benchmark/benchmark.h>

#include <array>
#include <cstddef>
#include <cstdint>

#include "edgeloop/core/ring_buffer.hpp"
#include "edgeloop/core/rng.hpp"
#include "edgeloop/eval/confusion_matrix.hpp"
#include "edgeloop/eval/windowed_confusion_matrix.hpp"

namespace {

constexpr std::size_t stream = 4096;  // pre-generated (truth, prediction) pairs, reused cyclically

template <std::size_t Classes>
struct label_stream {
  std::array<edgeloop::class_label, stream> truth{}, pred{};
  label_stream() {
    edgeloop::rng r(42);
    for (std::size_t i = 0; i < stream; ++i) {
      truth[i] = static_cast<edgeloop::class_label>(r.uniform_int(Classes));
      pred[i] = r.bernoulli(0.7f) ? truth[i] : static_cast<edgeloop::class_label>(r.uniform_int(Classes));
    }
  }
};

template <std::size_t Classes>
const label_stream<Classes>& labels() {
  static const label_stream<Classes> s;
  return s;
}

template <std::size_t Classes>
void BM_ConfusionMatrixUpdate(benchmark::State& state) {
  const auto& s = labels<Classes>();
  edgeloop::confusion_matrix<Classes> cm;
  std::size_t i = 0;
  for (auto _ : state) {
    benchmark::DoNotOptimize(cm.update(s.truth[i], s.pred[i]));
    i = (i + 1) & (stream - 1);
    if (cm.samples() == 0xFFFFFFFFu) cm.reset();
  }
  benchmark::DoNotOptimize(cm.accuracy());
  state.SetItemsProcessed(state.iterations());
  state.counters["memory_bytes"] = static_cast<double>(edgeloop::confusion_matrix<Classes>::memory_bytes);
}

template <std::size_t Classes>
void BM_ConfusionMatrixUpdateKappa(benchmark::State& state) {
  const auto& s = labels<Classes>();
  edgeloop::confusion_matrix<Classes> cm;
  std::size_t i = 0;
  for (auto _ : state) {
    benchmark::DoNotOptimize(cm.update(s.truth[i], s.pred[i]));
    benchmark::DoNotOptimize(cm.kappa());
    i = (i + 1) & (stream - 1);
    if (cm.samples() == 0xFFFFFFFFu) cm.reset();
  }
  state.SetItemsProcessed(state.iterations());
  state.counters["memory_bytes"] = static_cast<double>(edgeloop::confusion_matrix<Classes>::memory_bytes);
}

template <std::size_t Classes, std::size_t Window>
void BM_WindowedConfusionMatrixUpdateKappa(benchmark::State& state) {
  const auto& s = labels<Classes>();
  static edgeloop::windowed_confusion_matrix<Classes, Window> w;
  w.reset();
  std::size_t i = 0;
  for (auto _ : state) {
    benchmark::DoNotOptimize(w.update(s.truth[i], s.pred[i]));
    benchmark::DoNotOptimize(w.kappa());
    i = (i + 1) & (stream - 1);
  }
  state.SetItemsProcessed(state.iterations());
  state.counters["memory_bytes"] =
      static_cast<double>(edgeloop::windowed_confusion_matrix<Classes, Window>::memory_bytes);
}

// Baseline: keep the last Window pairs and recompute the confusion matrix and kappa from
// scratch after every sample (O(Window + Classes^2) per sample).
template <std::size_t Classes, std::size_t Window>
void BM_NaiveWindowedKappa(benchmark::State& state) {
  struct pair {
    edgeloop::class_label t, p;
  };
  const auto& s = labels<Classes>();
  static edgeloop::ring_buffer<pair, Window> window;
  window.clear();
  std::size_t i = 0;
  for (auto _ : state) {
    window.push(pair{s.truth[i], s.pred[i]});
    std::array<std::uint32_t, Classes * Classes> counts{};
    for (std::size_t k = 0; k < window.size(); ++k) ++counts[window[k].t * Classes + window[k].p];
    float n = static_cast<float>(window.size()), diagonal = 0, pe = 0;
    for (std::size_t c = 0; c < Classes; ++c) {
      float row = 0, col = 0;
      for (std::size_t k = 0; k < Classes; ++k) {
        row += static_cast<float>(counts[c * Classes + k]);
        col += static_cast<float>(counts[k * Classes + c]);
      }
      diagonal += static_cast<float>(counts[c * Classes + c]);
      pe += row * col;
    }
    pe /= n * n;
    const float p0 = diagonal / n;
    float kappa = pe < 1.0f ? (p0 - pe) / (1.0f - pe) : 0.0f;
    benchmark::DoNotOptimize(kappa);
    i = (i + 1) & (stream - 1);
  }
  state.SetItemsProcessed(state.iterations());
  state.counters["memory_bytes"] = static_cast<double>(sizeof(window));
}

}  // namespace

BENCHMARK_TEMPLATE(BM_ConfusionMatrixUpdate, 2);
BENCHMARK_TEMPLATE(BM_ConfusionMatrixUpdate, 10);
BENCHMARK_TEMPLATE(BM_ConfusionMatrixUpdateKappa, 2);
BENCHMARK_TEMPLATE(BM_ConfusionMatrixUpdateKappa, 10);
BENCHMARK_TEMPLATE(BM_WindowedConfusionMatrixUpdateKappa, 3, 100);
BENCHMARK_TEMPLATE(BM_NaiveWindowedKappa, 3, 100);
BENCHMARK_TEMPLATE(BM_WindowedConfusionMatrixUpdateKappa, 3, 1000);
BENCHMARK_TEMPLATE(BM_NaiveWindowedKappa, 3, 1000);
