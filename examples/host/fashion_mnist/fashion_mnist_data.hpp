#pragma once
// Fashion-MNIST as the examples read it (fashion_mnist, fashion_mnist_int8): the IDX gzip
// files of Debian's dataset-fashion-mnist, pixels scaled to [0, 1]. Host only (throws).

#include <array>
#include <cstddef>
#include <stdexcept>
#include <string>
#include <vector>

#include "edgeloop/host/idx_reader.hpp"
#include "models.hpp"

namespace fashion_mnist {

using image = std::array<float, pixels>;

/// Images and labels; the dataset interface of nn::fit (size, input, target).
struct image_set {
  std::vector<image> x;
  std::vector<edgeloop::class_label> y;
  std::size_t size() const noexcept { return x.size(); }
  const image& input(std::size_t i) const noexcept { return x[i]; }
  edgeloop::class_label target(std::size_t i) const noexcept { return y[i]; }
};

/// Reads DIR/PREFIX-images-idx3-ubyte.gz and DIR/PREFIX-labels-idx1-ubyte.gz (PREFIX: train
/// or t10k); std::runtime_error with the file named when they are not 28x28 images with one
/// label in 0..9 each.
inline image_set load(const std::string& dir, const std::string& prefix) {
  const edgeloop::host::idx_array images = edgeloop::host::read_idx(dir + "/" + prefix + "-images-idx3-ubyte.gz");
  const edgeloop::host::idx_array labels = edgeloop::host::read_idx(dir + "/" + prefix + "-labels-idx1-ubyte.gz");
  const std::size_t n = images.shape.empty() ? 0 : images.shape[0];
  if (images.shape.size() != 3 || images.shape[1] * images.shape[2] != pixels || labels.shape.size() != 1 ||
      labels.shape[0] != n)
    throw std::runtime_error(dir + ": " + prefix + " files are not 28x28 images with one label each");
  image_set s;
  s.x.resize(n);
  s.y.resize(n);
  for (std::size_t i = 0; i < n; ++i) {
    for (std::size_t j = 0; j < pixels; ++j) s.x[i][j] = images.data[i * pixels + j] / 255.0f;
    const float label = labels.data[i];
    if (!(label >= 0.0f && label < static_cast<float>(classes))) throw std::runtime_error(prefix + ": bad label");
    s.y[i] = static_cast<edgeloop::class_label>(label);
  }
  return s;
}

}  // namespace fashion_mnist
