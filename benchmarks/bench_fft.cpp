// rfft + magnitude against a naive O(N^2) DFT + magnitude (float, cos/sin from a
// precomputed table indexed by k*n mod N, so the baseline pays no trigonometry per term).
// Items are transforms.
#include <benchmark/benchmark.h>

#include <array>
#include <cmath>
#include <cstddef>

#include "edgeloop/core/rng.hpp"
#include "edgeloop/features/fft.hpp"

namespace {

template <std::size_t N>
std::array<float, N> random_frame() {
  std::array<float, N> x{};
  edgeloop::rng r(3);
  for (auto& v : x) v = r.uniform<float>(-1.0f, 1.0f);
  return x;
}

template <std::size_t N>
void BM_RfftMagnitude(benchmark::State& state) {
  static const edgeloop::rfft<float, N> fft;
  auto x = random_frame<N>();
  std::array<float, N / 2 + 1> mag{};
  for (auto _ : state) {
    benchmark::DoNotOptimize(x.data());
    fft.magnitude(x, mag);
    benchmark::DoNotOptimize(mag.data());
    benchmark::ClobberMemory();
  }
  state.SetItemsProcessed(static_cast<std::int64_t>(state.iterations()));
  state.counters["memory_bytes"] = static_cast<double>(edgeloop::rfft<float, N>::memory_bytes);
}

template <std::size_t N>
struct dft_table {
  std::array<float, N> c{}, s{};
  dft_table() {
    for (std::size_t i = 0; i < N; ++i) {
      const double a = -6.283185307179586 * static_cast<double>(i) / static_cast<double>(N);
      c[i] = static_cast<float>(std::cos(a));
      s[i] = static_cast<float>(std::sin(a));
    }
  }
};

template <std::size_t N>
void BM_NaiveDft(benchmark::State& state) {
  static const dft_table<N> table;
  auto x = random_frame<N>();
  std::array<float, N / 2 + 1> mag{};
  for (auto _ : state) {
    benchmark::DoNotOptimize(x.data());
    for (std::size_t k = 0; k <= N / 2; ++k) {
      float re = 0, im = 0;
      std::size_t idx = 0;
      for (std::size_t n = 0; n < N; ++n) {
        re += x[n] * table.c[idx];
        im += x[n] * table.s[idx];
        idx += k;
        if (idx >= N) idx -= N;
      }
      mag[k] = std::sqrt(re * re + im * im);
    }
    benchmark::DoNotOptimize(mag.data());
    benchmark::ClobberMemory();
  }
  state.SetItemsProcessed(static_cast<std::int64_t>(state.iterations()));
  state.counters["memory_bytes"] = static_cast<double>(sizeof(dft_table<N>));
}

}  // namespace

BENCHMARK_TEMPLATE(BM_RfftMagnitude, 64);
BENCHMARK_TEMPLATE(BM_NaiveDft, 64);
BENCHMARK_TEMPLATE(BM_RfftMagnitude, 256);
BENCHMARK_TEMPLATE(BM_NaiveDft, 256);
BENCHMARK_TEMPLATE(BM_RfftMagnitude, 1024);
BENCHMARK_TEMPLATE(BM_NaiveDft, 1024);
