// Feature extraction on the boards (float).
// - window_statistics, Window 64: one item = one push() into a full window (sliding
//   mean/M2/M3/M4 removal + addition, slope covariance, zero crossings, two monotonic
//   deques); 256 pushes, so the four exact recomputations (one per 64 pushes) are included.
// - rfft, N 64: one item = one 64-point real FFT (32-point complex radix-2 + split) into
//   the 33-bin spectrum.
#include <array>
#include <cstdint>

#include "edgeloop/core/rng.hpp"
#include "edgeloop/features/fft.hpp"
#include "edgeloop/features/window_statistics.hpp"
#include "target_bench.hpp"

TARGET_BENCH("window_statistics", "window_64_push") {
  constexpr std::uint32_t samples = 256;
  static edgeloop::window_statistics<float, 64> stats;
  static std::array<float, samples> data;
  edgeloop::rng r(1);
  for (auto& v : data) v = 1.5f * r.uniform<float>(-1.0f, 1.0f) + 0.25f;
  for (std::uint32_t i = 0; i < 64; ++i) edgeloop::bench::do_not_optimize(stats.push(data[i]));  // fill
  const std::uint64_t instructions = edgeloop::bench::measure([] {
    for (float v : data) edgeloop::bench::do_not_optimize(stats.push(v));
  });
  edgeloop::bench::do_not_optimize(stats.features());
  edgeloop::bench::report(state, instructions, "sample", samples, sizeof stats);
}

TARGET_BENCH("rfft", "n_64") {
  constexpr std::uint32_t transforms = 8;
  static edgeloop::rfft<float, 64> fft;
  static edgeloop::rfft<float, 64>::input_type frame;
  static edgeloop::rfft<float, 64>::spectrum_type spectrum;
  edgeloop::rng r(2);
  for (auto& v : frame) v = r.uniform<float>(-1.0f, 1.0f);
  const std::uint64_t instructions = edgeloop::bench::measure([] {
    for (std::uint32_t t = 0; t < transforms; ++t) {
      fft.transform(frame, spectrum);
      edgeloop::bench::clobber_memory();
    }
  });
  edgeloop::bench::do_not_optimize(spectrum[1].re);
  edgeloop::bench::report(state, instructions, "transform", transforms, sizeof fft);
}
