#pragma once
/// weight_packing: the order int8 kernels read dense and convolution weights in, made
/// once when a model is built or loaded (constexpr, so const weights can be packed at
/// compile time straight into flash). Rows (output channels, each K = kernel_h * kernel_w
/// * in_channels weights in TFLite's OHWI order, or `inputs` for dense) are taken four at a
/// time; within such a block of R <= 4 rows, the first floor(K/4)*4 weights are stored as
/// groups of 4 consecutive weights per row, rows interleaved (R words per group), then the
/// K % 4 tail weights one per row, rows interleaved. A kernel then reads the 4 rows with
/// one pointer and one word per row (SXTB16 + SMLAD), and the same x word serves 4 rows.
/// Memory: exactly rows * K bytes, like the unpacked weights.

#include <cstddef>
#include <cstdint>

namespace edgeloop::quant {

/// Rows per block of the packed order.
inline constexpr std::size_t packed_rows = 4;

/// Offset of weight (row, k) in the packed order of a rows x depth matrix.
constexpr std::size_t packed_index(std::size_t rows, std::size_t depth, std::size_t row, std::size_t k) noexcept {
  const std::size_t block = row / packed_rows, r = row % packed_rows;
  const std::size_t block_rows = rows - block * packed_rows < packed_rows ? rows - block * packed_rows : packed_rows;
  const std::size_t base = block * packed_rows * depth;
  const std::size_t main = depth / 4 * 4;
  if (k < main) return base + (k / 4) * (block_rows * 4) + r * 4 + k % 4;
  return base + main * block_rows + (k - main) * block_rows + r;
}

/// Packs row-major weights (rows x depth) into the kernels' order; `packed` must not alias.
constexpr void pack_weights(const std::int8_t* weights, std::size_t rows, std::size_t depth,
                            std::int8_t* packed) noexcept {
  for (std::size_t row = 0; row < rows; ++row)
    for (std::size_t k = 0; k < depth; ++k) packed[packed_index(rows, depth, row, k)] = weights[row * depth + k];
}

}  // namespace edgeloop::quant
