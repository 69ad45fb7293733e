#pragma once
// The two-class benchmark stream shared by bench_gaussian_nb and bench_svm: Batch samples
// of Features float features, label 1 with probability 0.4, feature i of class 1 shifted by
// 0.5 * (i % 3), from edgeloop::rng seed 7 (the same samples on every run and platform).

#include <array>
#include <cstddef>
#include <vector>

#include "edgeloop/core/rng.hpp"

namespace edgeloop_bench {

template <std::size_t Features>
struct labelled {
  std::array<float, Features> x;
  edgeloop::class_label y;
};

template <std::size_t Features, std::size_t Batch>
const std::vector<labelled<Features>>& two_class_data() {
  static const std::vector<labelled<Features>> d = [] {
    std::vector<labelled<Features>> v(Batch);
    edgeloop::rng g(7);
    for (auto& s : v) {
      s.y = static_cast<edgeloop::class_label>(g.uniform<double>() < 0.4 ? 1 : 0);
      for (std::size_t i = 0; i < Features; ++i)
        s.x[i] = static_cast<float>(g.normal<double>() + (s.y ? 0.5 * static_cast<double>(i % 3) : 0.0));
    }
    return v;
  }();
  return d;
}

}  // namespace edgeloop_bench
