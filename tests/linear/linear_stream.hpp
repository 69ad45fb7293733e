#pragma once
// A small deterministic stream for the linear-model tests, generated identically by the
// Python scripts that produced the scikit-learn reference weights (integer arithmetic
// only):
//   N=40; F=3
//   X[i][j] = ((i*7919 + j*104729) % 1000)/500.0 - 1.0
//   noise[i] = ((i*31) % 7)/3.0 - 1.0
//   s = X[:,0] - 0.5*X[:,1] + 0.25*X[:,2] + 0.3*noise
//   Y = (s > 0); Y3 = 2 if s > 0.3 else (1 if s > -0.3 else 0)
//   T = 2*X[:,0] - X[:,1] + 0.5*X[:,2] + 0.1*noise + 0.5       (regression target)
// and the models see it 5 times in order, one partial_fit per sample.

#include <array>
#include <cstddef>
#include <cstdint>

#include "edgeloop/core/numeric.hpp"

namespace edgeloop::test::linear {

inline constexpr std::size_t stream_size = 40;
inline constexpr std::size_t stream_features = 3;
inline constexpr std::size_t stream_passes = 5;

inline std::array<double, stream_features> stream_x(std::size_t i) {
  std::array<double, stream_features> x{};
  for (std::size_t j = 0; j < stream_features; ++j)
    x[j] = static_cast<double>((i * 7919u + j * 104729u) % 1000u) / 500.0 - 1.0;
  return x;
}
inline double stream_noise(std::size_t i) { return static_cast<double>((i * 31u) % 7u) / 3.0 - 1.0; }
inline double stream_score(std::size_t i) {
  const auto x = stream_x(i);
  return x[0] - 0.5 * x[1] + 0.25 * x[2] + 0.3 * stream_noise(i);
}
inline class_label stream_label(std::size_t i) { return stream_score(i) > 0 ? 1 : 0; }
inline class_label stream_label3(std::size_t i) {
  const double s = stream_score(i);
  return s > 0.3 ? 2 : (s > -0.3 ? 1 : 0);
}
inline double stream_target(std::size_t i) {
  const auto x = stream_x(i);
  return 2 * x[0] - x[1] + 0.5 * x[2] + 0.1 * stream_noise(i) + 0.5;
}

/// Feeds the stream (stream_passes times) to a classifier; false if a sample was refused.
template <class Model, class Label>
bool feed(Model& m, Label label) {
  for (std::size_t p = 0; p < stream_passes; ++p)
    for (std::size_t i = 0; i < stream_size; ++i)
      if (m.partial_fit(stream_x(i), label(i)) != status::ok) return false;
  return true;
}

}  // namespace edgeloop::test::linear
