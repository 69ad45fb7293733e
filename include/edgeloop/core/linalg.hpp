#pragma once
/// The one place edgeloop includes Eigen. Fixed-size vector/matrix aliases and Map
/// helpers over std::array, so persistent state stays trivially copyable while math runs
/// through Eigen's expression templates. On embedded builds Eigen may not allocate.

#include <array>
#include <cstddef>

#include "../config.hpp"

#if EDGELOOP_EMBEDDED && !defined(EIGEN_NO_MALLOC)
#define EIGEN_NO_MALLOC
#endif
#if !defined(EIGEN_NO_IO) && EDGELOOP_EMBEDDED
#define EIGEN_NO_IO
#endif

#if defined(__GNUC__)
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wconversion"
#pragma GCC diagnostic ignored "-Wsign-conversion"
#pragma GCC diagnostic ignored "-Wshadow"
#pragma GCC diagnostic ignored "-Wpedantic"
#pragma GCC diagnostic ignored "-Wdeprecated-copy"
#pragma GCC diagnostic ignored "-Wclass-memaccess"
#pragma GCC diagnostic ignored "-Wmaybe-uninitialized"
#pragma GCC diagnostic ignored "-Wunused-parameter"
#if !defined(__clang__)
#pragma GCC diagnostic ignored "-Wuseless-cast"
#pragma GCC diagnostic ignored "-Wdouble-promotion"
#endif
#endif
#include <Eigen/Core>
#if defined(__GNUC__)
#pragma GCC diagnostic pop
#endif

namespace edgeloop {

template <class Scalar, int Rows>
using vector = Eigen::Matrix<Scalar, Rows, 1>;
template <class Scalar, int Rows, int Cols>
using matrix = Eigen::Matrix<Scalar, Rows, Cols, (Cols == 1 ? Eigen::ColMajor : Eigen::RowMajor)>;

/// Column-vector view of a std::array (no copy).
template <class Scalar, std::size_t N>
auto as_vector(std::array<Scalar, N>& a) noexcept {
  return Eigen::Map<Eigen::Matrix<Scalar, static_cast<int>(N), 1>>(a.data());
}
template <class Scalar, std::size_t N>
auto as_vector(const std::array<Scalar, N>& a) noexcept {
  return Eigen::Map<const Eigen::Matrix<Scalar, static_cast<int>(N), 1>>(a.data());
}

/// Row-major Rows x Cols view of a std::array of Rows*Cols elements (no copy).
template <int Rows, int Cols, class Scalar, std::size_t N>
auto as_matrix(std::array<Scalar, N>& a) noexcept {
  static_assert(N == static_cast<std::size_t>(Rows) * static_cast<std::size_t>(Cols));
  return Eigen::Map<Eigen::Matrix<Scalar, Rows, Cols, (Cols == 1 ? Eigen::ColMajor : Eigen::RowMajor)>>(a.data());
}
template <int Rows, int Cols, class Scalar, std::size_t N>
auto as_matrix(const std::array<Scalar, N>& a) noexcept {
  static_assert(N == static_cast<std::size_t>(Rows) * static_cast<std::size_t>(Cols));
  return Eigen::Map<const Eigen::Matrix<Scalar, Rows, Cols, (Cols == 1 ? Eigen::ColMajor : Eigen::RowMajor)>>(a.data());
}

}  // namespace edgeloop
