#pragma once
/// The layer interface of edgeloop::nn.
///
/// A layer *spec* (dense<128>, relu, dropout<0.2f>, ...) is a type with a member template
///   template <scalar Scalar, class InputShape> struct bind;
/// sequential<> binds each spec to the output shape of the layer before it. A *bound*
/// layer (concept bound_layer) is stateless: its parameters are a view into the network's
/// one parameter block, and it publishes at compile time
///   input_shape, output_shape   shape<H, W, C>
///   param_count                 trainable scalars (its slice of the parameter block)
///   aux_count                   extra scalars per sample saved for backward (dropout mask)
/// and static functions over n samples stored one after the other (sample j of an
/// activation starts at j * shape::size):
///   initialize(p, rng)                          fill its parameters
///   forward(p, x, y, n)                         inference
///   forward_train(p, x, y, aux, n, rng)         training (may draw random numbers)
///   backward(p, x, y, aux, gy, gx, gp, n)       gx = dL/dx (skipped when gx is nullptr),
///                                               gp += dL/dparams (accumulates)
/// x and y are the layer's input and output of the same forward_train call.

#include <concepts>
#include <cstddef>

#include "../core/numeric.hpp"
#include "../core/rng.hpp"
#include "shape.hpp"

namespace edgeloop::nn {

template <class L>
concept bound_layer = requires(const typename L::scalar_type* cp, typename L::scalar_type* p, rng& r, std::size_t n) {
  typename L::input_shape;
  typename L::output_shape;
  { L::param_count } -> std::convertible_to<std::size_t>;
  { L::aux_count } -> std::convertible_to<std::size_t>;
  L::initialize(p, r);
  L::forward(cp, cp, p, n);
  L::forward_train(cp, cp, p, p, n, r);
  L::backward(cp, cp, cp, cp, cp, p, p, n);
};

/// A layer spec: binds to any scalar type and input shape it supports.
template <class Spec, class Scalar, class InputShape>
concept layer_spec_for = bound_layer<typename Spec::template bind<Scalar, InputShape>>;

namespace detail {

/// Parameter-free element-wise layers: Fn::value(x) and Fn::derivative(x, y).
template <class Fn, scalar Scalar, class InputShape>
struct elementwise_layer {
  using scalar_type = Scalar;
  using input_shape = InputShape;
  using output_shape = InputShape;
  static constexpr std::size_t param_count = 0;
  static constexpr std::size_t aux_count = 0;

  static void initialize(Scalar*, rng&) noexcept {}
  static void forward(const Scalar*, const Scalar* x, Scalar* y, std::size_t n) noexcept {
    const std::size_t m = n * InputShape::size;
    for (std::size_t i = 0; i < m; ++i) y[i] = Fn::value(x[i]);
  }
  static void forward_train(const Scalar* p, const Scalar* x, Scalar* y, Scalar*, std::size_t n, rng&) noexcept {
    forward(p, x, y, n);
  }
  static void backward(const Scalar*, const Scalar* x, const Scalar* y, const Scalar*, const Scalar* gy, Scalar* gx,
                       Scalar*, std::size_t n) noexcept {
    if (gx == nullptr) return;
    const std::size_t m = n * InputShape::size;
    for (std::size_t i = 0; i < m; ++i) gx[i] = gy[i] * Fn::derivative(x[i], y[i]);
  }
};

}  // namespace detail
}  // namespace edgeloop::nn
