// window_statistics (O(1) sliding updates) against the naive baseline that recomputes every
// statistic over the window, both for float samples. The streaming case pushes every
// sample and asks for features() every 32 samples, as a pipeline with a hop of 32 would;
// BM_NaiveWindowStatistics recomputes at every sample (what "features at every step"
// costs naively) and BM_NaiveWindowStatisticsHop32 recomputes only every 32 samples (the
// cheapest naive way to serve the same pipeline). Items are samples.
#include <benchmark/benchmark.h>

#include <array>
#include <cmath>
#include <cstddef>

#include "edgeloop/core/rng.hpp"
#include "edgeloop/features/window_statistics.hpp"

namespace {

constexpr std::size_t stream_length = 4096;
constexpr std::size_t hop = 32;

const std::array<float, stream_length>& stream() {
  static const std::array<float, stream_length> data = [] {
    std::array<float, stream_length> d{};
    edgeloop::rng r(1);
    for (std::size_t i = 0; i < stream_length; ++i)
      d[i] = 2.0f * std::sin(0.05f * static_cast<float>(i)) + r.normal<float>();
    return d;
  }();
  return data;
}

/// Everything window_statistics computes, recomputed over the window (two-pass, float).
template <std::size_t W>
std::array<float, edgeloop::window_feature::count> naive_features(const std::array<float, W>& ring,
                                                                 std::size_t head) {
  float sum = 0, lo = ring[head], hi = ring[head];
  for (float v : ring) {
    sum += v;
    lo = v < lo ? v : lo;
    hi = v > hi ? v : hi;
  }
  const float n = static_cast<float>(W);
  const float mean = sum / n;
  float m2 = 0, m3 = 0, m4 = 0, cov = 0;
  std::size_t crossings = 0;
  const float t_mean = 0.5f * (n - 1.0f);
  for (std::size_t i = 0; i < W; ++i) {
    const std::size_t at = head + i < W ? head + i : head + i - W;  // oldest first
    const float d = ring[at] - mean;
    m2 += d * d;
    m3 += d * d * d;
    m4 += d * d * d * d;
    cov += (static_cast<float>(i) - t_mean) * d;
    if (i > 0) {
      const std::size_t prev = at == 0 ? W - 1 : at - 1;
      crossings += (ring[prev] < 0.0f) != (ring[at] < 0.0f);
    }
  }
  const float var = m2 / n;
  const float rms = std::sqrt(mean * mean + var);
  const float peak = std::fabs(lo) > std::fabs(hi) ? std::fabs(lo) : std::fabs(hi);
  return {mean, var, std::sqrt(var), lo, hi, rms, hi - lo,
          var > 0 ? m3 / n / (var * std::sqrt(var)) : 0.0f,
          var > 0 ? m4 / n / (var * var) - 3.0f : 0.0f,
          rms > 0 ? peak / rms : 0.0f,
          static_cast<float>(crossings) / (n - 1.0f),
          cov / (n * (n * n - 1.0f) / 12.0f)};
}

template <std::size_t W>
void BM_WindowStatisticsPush(benchmark::State& state) {
  const auto& data = stream();
  edgeloop::window_statistics<float, W> stats;
  std::size_t i = 0;
  for (auto _ : state) {
    benchmark::DoNotOptimize(stats.push(data[i & (stream_length - 1)]));
    if ((++i & (hop - 1)) == 0) benchmark::DoNotOptimize(stats.features());
  }
  state.SetItemsProcessed(static_cast<std::int64_t>(state.iterations()));
  state.counters["memory_bytes"] = static_cast<double>(edgeloop::window_statistics<float, W>::memory_bytes);
}

template <std::size_t W, std::size_t Every>
void naive(benchmark::State& state) {
  const auto& data = stream();
  std::array<float, W> ring{};
  std::size_t head = 0, i = 0;
  for (auto _ : state) {
    ring[head] = data[i & (stream_length - 1)];
    head = head + 1 == W ? 0 : head + 1;
    if ((++i % Every) == 0) benchmark::DoNotOptimize(naive_features<W>(ring, head));
    benchmark::ClobberMemory();
  }
  state.SetItemsProcessed(static_cast<std::int64_t>(state.iterations()));
  state.counters["memory_bytes"] = static_cast<double>(sizeof(ring));
}

template <std::size_t W>
void BM_NaiveWindowStatistics(benchmark::State& state) { naive<W, 1>(state); }
template <std::size_t W>
void BM_NaiveWindowStatisticsHop32(benchmark::State& state) { naive<W, hop>(state); }

}  // namespace

BENCHMARK_TEMPLATE(BM_WindowStatisticsPush, 64);
BENCHMARK_TEMPLATE(BM_NaiveWindowStatistics, 64);
BENCHMARK_TEMPLATE(BM_NaiveWindowStatisticsHop32, 64);
BENCHMARK_TEMPLATE(BM_WindowStatisticsPush, 256);
BENCHMARK_TEMPLATE(BM_NaiveWindowStatistics, 256);
BENCHMARK_TEMPLATE(BM_NaiveWindowStatisticsHop32, 256);
