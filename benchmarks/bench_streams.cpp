// Synthetic data streams: samples per second of next() for each generator, default
// (MOA-like) parameters unless noted. There is no naive baseline for a generator; the
// floor measured in the same run is BM_RngNext, one 32-bit draw of edgeloop::rng (every
// sample costs at least features draws). The counter memory_bytes is the object size.

#include <benchmark/benchmark.h>

#include <cstdint>

#include "edgeloop/core/rng.hpp"
#include "edgeloop/eval/streams/agrawal.hpp"
#include "edgeloop/eval/streams/concept_drift_stream.hpp"
#include "edgeloop/eval/streams/hyperplane.hpp"
#include "edgeloop/eval/streams/led.hpp"
#include "edgeloop/eval/streams/random_rbf_drift.hpp"
#include "edgeloop/eval/streams/random_tree.hpp"
#include "edgeloop/eval/streams/sea.hpp"
#include "edgeloop/eval/streams/sine.hpp"
#include "edgeloop/eval/streams/stagger.hpp"

namespace {

using namespace edgeloop::streams;

template <class S>
void run_stream(benchmark::State& state, S& s) {
  for (auto _ : state) {
    auto v = s.next();
    benchmark::DoNotOptimize(v);
  }
  state.SetItemsProcessed(state.iterations());
  state.counters["memory_bytes"] = static_cast<double>(S::memory_bytes);
  state.counters["features"] = static_cast<double>(S::features);
}

void BM_RngNext(benchmark::State& state) {
  edgeloop::rng r(1);
  for (auto _ : state) benchmark::DoNotOptimize(r.next());
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_RngNext);

void BM_SeaNext(benchmark::State& state) {
  sea<float> s({0, 0.1, false, 1});
  run_stream(state, s);
}
BENCHMARK(BM_SeaNext);

void BM_StaggerNext(benchmark::State& state) {
  stagger<float> s({0, false, 1});
  run_stream(state, s);
}
BENCHMARK(BM_StaggerNext);

void BM_SineNext(benchmark::State& state) {
  sine<float> s({2, false, 1});
  run_stream(state, s);
}
BENCHMARK(BM_SineNext);

void BM_AgrawalNext(benchmark::State& state) {
  agrawal<float> s({6, 0.05, false, 1});
  run_stream(state, s);
}
BENCHMARK(BM_AgrawalNext);

void BM_HyperplaneNext(benchmark::State& state) {  // d = 10, 2 drifting weights
  hyperplane<float, 10> s({2, 0.001, 0.1, 0.05, 1});
  run_stream(state, s);
}
BENCHMARK(BM_HyperplaneNext);

void BM_RandomRbfDriftNext(benchmark::State& state) {  // 50 centroids, d = 10, all drifting
  static random_rbf_drift<float, 10, 2, 50> s({50, 50, 0.001, 1, 1});
  run_stream(state, s);
}
BENCHMARK(BM_RandomRbfDriftNext);

void BM_LedNext(benchmark::State& state) {
  led<float> s({0.1, 0, 1});
  run_stream(state, s);
}
BENCHMARK(BM_LedNext);

void BM_RandomTreeNext(benchmark::State& state) {  // MOA defaults: 5 nominal, 5 numeric, depth 5
  static random_tree<float, 5, 5, 5, 2, 4096> s({5, 3, 0.15, 1, 1});
  run_stream(state, s);
  state.counters["nodes"] = static_cast<double>(s.node_count());
}
BENCHMARK(BM_RandomTreeNext);

void BM_ConceptDriftStreamNext(benchmark::State& state) {  // SEA 0 -> SEA 3, gradual
  concept_drift_stream<sea<float>, sea<float>> s(sea<float>({0, 0.1, false, 1}),
                                                 sea<float>({3, 0.1, false, 2}), {5000, 1000, 3});
  run_stream(state, s);
}
BENCHMARK(BM_ConceptDriftStreamNext);

}  // namespace
