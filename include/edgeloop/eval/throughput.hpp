#pragma once
/// throughput_report: how fast and how big a streaming run was (samples, seconds,
/// samples per second, memory bytes), built from a tick count and the clock's rate.
/// Plain struct, no allocation; printing is left to host code.

#include <cstddef>
#include <cstdint>

namespace edgeloop {

struct throughput_report {
  std::uint64_t samples = 0;
  double seconds = 0;             ///< 0 when no clock was used
  double samples_per_second = 0;  ///< 0 when seconds is 0
  std::size_t memory_bytes = 0;   ///< footprint of what was measured (e.g. the model)
};

/// Report for `samples` processed in `ticks` of a clock running at `ticks_per_second`
/// (0 = unknown: seconds and rate stay 0).
constexpr throughput_report make_throughput_report(std::uint64_t samples, std::uint64_t ticks,
                                                   std::uint64_t ticks_per_second,
                                                   std::size_t memory_bytes) noexcept {
  throughput_report r;
  r.samples = samples;
  r.memory_bytes = memory_bytes;
  if (ticks_per_second > 0) {
    r.seconds = static_cast<double>(ticks) / static_cast<double>(ticks_per_second);
    if (r.seconds > 0) r.samples_per_second = static_cast<double>(samples) / r.seconds;
  }
  return r;
}

}  // namespace edgeloop
