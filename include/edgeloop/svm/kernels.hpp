#pragma once
/// Kernel policies for the kernel SVMs (budget_kernel_svm, smo_svm).
///
/// A kernel policy is a stateless type with a trivially copyable `params` struct (its
/// hyper-parameters, stored inside the model and its state) and
///   static status validate(const params&);
///   static Scalar evaluate(const params&, a, b);   // a, b: Eigen vector expressions
///   static Scalar self(const params&, a);          // k(a, a)
///   static constexpr bool mergeable;               // k(z, z) = 1 and k a function of ||a - b||
///                                                  // (what BSGD merging needs: RBF only);
///                                                  // mergeable kernels also provide
///                                                  // from_squared_distance(p, d2) and
///                                                  // complement_from_squared_distance(p, d2) = 1 - k
/// Two are provided:
///   rbf_kernel:        k(a, b) = exp(-gamma ||a - b||^2)                (gamma > 0)
///   polynomial_kernel: k(a, b) = (gamma <a, b> + coef0)^degree          (gamma > 0, degree 1..10)
/// as LIBSVM's kernel types 2 and 1. Memory: params only (one to three scalars).

#include <cmath>
#include <concepts>
#include <cstdint>
#include <type_traits>

#include "../core/linalg.hpp"
#include "../core/numeric.hpp"
#include "../core/padding.hpp"
#include "../core/status.hpp"

namespace edgeloop {

/// Gaussian radial basis function kernel exp(-gamma ||a - b||^2).
template <scalar Scalar>
struct rbf_kernel {
  using scalar_type = Scalar;
  struct params {
    Scalar gamma = Scalar(1);  ///< > 0; scikit-learn's "scale" is 1 / (features * variance)
  };
  static constexpr bool mergeable = true;

  static constexpr status validate(const params& p) noexcept {
    return is_finite(p.gamma) && p.gamma > Scalar(0) ? status::ok : status::invalid_argument;
  }
  template <class A, class B>
  static Scalar evaluate(const params& p, const Eigen::MatrixBase<A>& a, const Eigen::MatrixBase<B>& b) noexcept {
    return std::exp(-p.gamma * (a - b).squaredNorm());
  }
  /// exp(-gamma d2) from a squared distance.
  static Scalar from_squared_distance(const params& p, Scalar d2) noexcept { return std::exp(-p.gamma * d2); }
  /// 1 - exp(-gamma d2), without cancellation for small d2.
  static Scalar complement_from_squared_distance(const params& p, Scalar d2) noexcept {
    return -std::expm1(-p.gamma * d2);
  }
  template <class A>
  static Scalar self(const params&, const Eigen::MatrixBase<A>&) noexcept {
    return Scalar(1);
  }
};

/// Polynomial kernel (gamma <a, b> + coef0)^degree.
template <scalar Scalar>
struct polynomial_kernel {
  using scalar_type = Scalar;
  struct params {
    Scalar gamma = Scalar(1);   ///< > 0
    Scalar coef0 = Scalar(1);   ///< finite
    std::uint32_t degree = 3;   ///< 1..10
    [[no_unique_address]] explicit_padding<padding_to(alignof(Scalar), sizeof(std::uint32_t)), 16> reserved{};  ///< 0: no undefined bytes in states
  };
  static constexpr bool mergeable = false;

  static constexpr status validate(const params& p) noexcept {
    if (!is_finite(p.gamma) || !(p.gamma > Scalar(0)) || !is_finite(p.coef0)) return status::invalid_argument;
    return p.degree >= 1 && p.degree <= 10 ? status::ok : status::invalid_argument;
  }
  template <class A, class B>
  static Scalar evaluate(const params& p, const Eigen::MatrixBase<A>& a, const Eigen::MatrixBase<B>& b) noexcept {
    return power(p.gamma * a.dot(b) + p.coef0, p.degree);
  }
  template <class A>
  static Scalar self(const params& p, const Eigen::MatrixBase<A>& a) noexcept {
    return power(p.gamma * a.squaredNorm() + p.coef0, p.degree);
  }
  static Scalar power(Scalar base, std::uint32_t degree) noexcept {
    Scalar r = Scalar(1);
    for (std::uint32_t i = 0; i < degree; ++i) r *= base;
    return r;
  }
};

/// What the kernel SVMs require of a kernel policy.
template <class K, class Scalar>
concept kernel_policy = std::is_trivially_copyable_v<typename K::params> &&
                        std::same_as<typename K::scalar_type, Scalar> && requires(const typename K::params& p) {
                          { K::validate(p) } noexcept -> std::same_as<status>;
                          { K::mergeable } -> std::convertible_to<bool>;
                        };

static_assert(kernel_policy<rbf_kernel<float>, float>);
static_assert(kernel_policy<polynomial_kernel<double>, double>);

}  // namespace edgeloop
