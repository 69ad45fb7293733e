// hoeffding_tree: one prequential step (predict, then partial_fit) per iteration on an
// in-memory synthetic stream of 65,536 samples (8 features uniform in [0, 1), 2 classes:
// y = (x0 + x1 > 1) xor (x2 > 0.7), 10% label noise), cycled. Default parameters (grace
// period 200, delta 1e-7, tau 0.05, info gain, Gaussian observers with 10 candidates,
// naive-Bayes-adaptive leaves), float, 255 nodes and 128 leaf slots; once the node array
// is full the leaves keep learning, so long runs measure the steady state of a grown tree.
//
// Baselines in the same run:
// - BM_NaiveHoeffdingTreeLearnPredict: the same tree with grace period 1, i.e. split
//   merits of every attribute recomputed at every sample (what the grace period saves);
// - BM_MajorityClassLearnPredict: a majority-class counter (the floor: no features read);
// - BM_HoeffdingTreeMajorityLeavesLearnPredict: the tree with majority-class leaves (no
//   naive Bayes at the leaves).
// BM_HoeffdingAdaptiveTreeLearnPredict: the adaptive tree (same capacities, 128 ADWINs) on
// the same synthetic stream.
//
// Elec2 (45,312 samples, 8 features, 2 classes), read once from the ARFF file named by the
// environment variable EDGELOOP_ELEC2 and held in memory (the cases skip with a message
// when it is not set or unreadable): one iteration is one whole prequential pass (predict,
// then learn, every sample in file order) from a fresh model, as edgeloop-eval does, with
// the capacities edgeloop-eval uses (2047 nodes, 1024 leaf slots / ADWINs); items = samples.
// Baseline in the same run: BM_Elec2MajorityClassLearnPredict (a majority-class counter
// over the same in-memory samples). Counters: memory_bytes and the pass's accuracy.

#include <benchmark/benchmark.h>

#include <array>
#include <cstddef>
#include <vector>

#include <cstdlib>
#include <memory>
#include <string>

#include "edgeloop/core/rng.hpp"
#include "edgeloop/tree/hoeffding_adaptive_tree.hpp"
#include "edgeloop/tree/hoeffding_tree.hpp"
#if defined(__cpp_exceptions)
#include "edgeloop/host/arff_reader.hpp"
#endif

namespace {

constexpr std::size_t features = 8;
constexpr std::size_t stream_length = 65536;
using sample = std::array<float, features>;

struct stream {
  std::vector<sample> x;
  std::vector<edgeloop::class_label> y;
};

const stream& synthetic_stream() {
  static const stream s = [] {
    stream out;
    out.x.resize(stream_length);
    out.y.resize(stream_length);
    edgeloop::rng g(2024);
    for (std::size_t i = 0; i < stream_length; ++i) {
      for (auto& v : out.x[i]) v = g.uniform<float>();
      bool label = (out.x[i][0] + out.x[i][1] > 1.0f) != (out.x[i][2] > 0.7f);
      if (g.bernoulli(0.1f)) label = !label;
      out.y[i] = label ? 1 : 0;
    }
    return out;
  }();
  return s;
}

using tree = edgeloop::hoeffding_tree<float, features, 2, 255, 128>;

void run_tree(benchmark::State& state, const tree::params& p) {
  const stream& s = synthetic_stream();
  static tree t;
  t = tree(p);
  std::size_t i = 0, correct = 0;
  for (auto _ : state) {
    correct += t.predict(s.x[i]) == s.y[i] ? 1 : 0;
    benchmark::DoNotOptimize(t.partial_fit(s.x[i], s.y[i]));
    if (++i == stream_length) i = 0;
  }
  state.SetItemsProcessed(static_cast<std::int64_t>(state.iterations()));
  state.counters["memory_bytes"] = static_cast<double>(tree::memory_bytes);
  state.counters["nodes"] = static_cast<double>(t.node_count());
  state.counters["accuracy"] = static_cast<double>(correct) / static_cast<double>(state.iterations());
}

void BM_HoeffdingTreeLearnPredict(benchmark::State& state) { run_tree(state, tree::params{}); }
BENCHMARK(BM_HoeffdingTreeLearnPredict);

using adaptive_tree = edgeloop::hoeffding_adaptive_tree<float, features, 2, 255, 128, 128>;

void BM_HoeffdingAdaptiveTreeLearnPredict(benchmark::State& state) {
  const stream& s = synthetic_stream();
  static adaptive_tree t;
  t = adaptive_tree();
  std::size_t i = 0, correct = 0;
  for (auto _ : state) {
    correct += t.predict(s.x[i]) == s.y[i] ? 1 : 0;
    benchmark::DoNotOptimize(t.partial_fit(s.x[i], s.y[i]));
    if (++i == stream_length) i = 0;
  }
  state.SetItemsProcessed(static_cast<std::int64_t>(state.iterations()));
  state.counters["memory_bytes"] = static_cast<double>(adaptive_tree::memory_bytes);
  state.counters["nodes"] = static_cast<double>(t.node_count());
  state.counters["accuracy"] = static_cast<double>(correct) / static_cast<double>(state.iterations());
}
BENCHMARK(BM_HoeffdingAdaptiveTreeLearnPredict);

// ---- Elec2 held in memory ----------------------------------------------------------------

struct elec2_data {
  std::vector<sample> x;
  std::vector<edgeloop::class_label> y;
  std::string error;
};

const elec2_data& elec2() {
  static const elec2_data d = [] {
    elec2_data out;
    const char* path = std::getenv("EDGELOOP_ELEC2");
    if (path == nullptr || *path == '\0') {
      out.error = "set EDGELOOP_ELEC2 to the path of elecNormNew.arff";
      return out;
    }
#if defined(__cpp_exceptions)
    try {
      const auto data = edgeloop::host::read_arff(path);
      if (data.feature_count() != features || data.class_count() != 2) {
        out.error = std::string(path) + ": not Elec2 (8 features, 2 classes)";
        return out;
      }
      out.x.resize(data.size());
      out.y.resize(data.size());
      for (std::size_t i = 0; i < data.size(); ++i) {
        for (std::size_t j = 0; j < features; ++j) out.x[i][j] = data.rows[i][j];
        out.y[i] = data.label(i);
      }
    } catch (const std::exception& e) {
      out.error = e.what();
    }
#else
    out.error = "built without exceptions: the ARFF reader is not available";
#endif
    return out;
  }();
  return d;
}

template <class Model>
void run_elec2(benchmark::State& state) {
  const elec2_data& d = elec2();
  if (!d.error.empty()) {
    state.SkipWithError(d.error.c_str());
    return;
  }
  auto model = std::make_unique<Model>();
  std::size_t correct = 0;
  for (auto _ : state) {
    state.PauseTiming();
    model->reset();
    correct = 0;
    state.ResumeTiming();
    for (std::size_t i = 0; i < d.x.size(); ++i) {
      correct += model->predict(d.x[i]) == d.y[i] ? 1 : 0;
      benchmark::DoNotOptimize(model->partial_fit(d.x[i], d.y[i]));
    }
  }
  state.SetItemsProcessed(static_cast<std::int64_t>(state.iterations() * d.x.size()));
  state.counters["memory_bytes"] = static_cast<double>(Model::memory_bytes);
  state.counters["accuracy"] = static_cast<double>(correct) / static_cast<double>(d.x.size());
}

using elec2_tree = edgeloop::hoeffding_tree<float, features, 2, 2047, 1024>;
using elec2_adaptive_tree = edgeloop::hoeffding_adaptive_tree<float, features, 2, 2047, 1024, 1024>;

void BM_Elec2HoeffdingTreeLearnPredict(benchmark::State& state) { run_elec2<elec2_tree>(state); }
BENCHMARK(BM_Elec2HoeffdingTreeLearnPredict)->Unit(benchmark::kMillisecond);
void BM_Elec2HoeffdingAdaptiveTreeLearnPredict(benchmark::State& state) { run_elec2<elec2_adaptive_tree>(state); }
BENCHMARK(BM_Elec2HoeffdingAdaptiveTreeLearnPredict)->Unit(benchmark::kMillisecond);

void BM_Elec2MajorityClassLearnPredict(benchmark::State& state) {
  const elec2_data& d = elec2();
  if (!d.error.empty()) {
    state.SkipWithError(d.error.c_str());
    return;
  }
  std::size_t correct = 0;
  for (auto _ : state) {
    std::array<std::size_t, 2> counts{};
    correct = 0;
    for (std::size_t i = 0; i < d.x.size(); ++i) {
      const edgeloop::class_label guess = counts[1] > counts[0] ? 1 : 0;
      correct += guess == d.y[i] ? 1 : 0;
      ++counts[d.y[i]];
      benchmark::DoNotOptimize(counts);
    }
  }
  state.SetItemsProcessed(static_cast<std::int64_t>(state.iterations() * d.x.size()));
  state.counters["memory_bytes"] = 16;
  state.counters["accuracy"] = static_cast<double>(correct) / static_cast<double>(d.x.size());
}
BENCHMARK(BM_Elec2MajorityClassLearnPredict)->Unit(benchmark::kMillisecond);

void BM_HoeffdingTreeMajorityLeavesLearnPredict(benchmark::State& state) {
  tree::params p;
  p.leaf = edgeloop::leaf_prediction::majority_class;
  run_tree(state, p);
}
BENCHMARK(BM_HoeffdingTreeMajorityLeavesLearnPredict);

void BM_NaiveHoeffdingTreeLearnPredict(benchmark::State& state) {
  tree::params p;
  p.grace_period = 1;
  run_tree(state, p);
}
BENCHMARK(BM_NaiveHoeffdingTreeLearnPredict);

void BM_MajorityClassLearnPredict(benchmark::State& state) {
  const stream& s = synthetic_stream();
  std::array<std::size_t, 2> counts{};
  std::size_t i = 0, correct = 0;
  for (auto _ : state) {
    const edgeloop::class_label guess = counts[1] > counts[0] ? 1 : 0;
    correct += guess == s.y[i] ? 1 : 0;
    ++counts[s.y[i]];
    benchmark::DoNotOptimize(counts);
    if (++i == stream_length) i = 0;
  }
  state.SetItemsProcessed(static_cast<std::int64_t>(state.iterations()));
  state.counters["memory_bytes"] = static_cast<double>(sizeof(counts));
  state.counters["accuracy"] = static_cast<double>(correct) / static_cast<double>(state.iterations());
}
BENCHMARK(BM_MajorityClassLearnPredict);

}  // namespace
