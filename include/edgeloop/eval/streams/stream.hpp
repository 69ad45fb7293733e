#pragma once
/// Common shape of the synthetic data streams (edgeloop::streams): every generator yields
/// labelled_sample<Scalar, Features> from next(), is deterministic from its seed through
/// edgeloop::rng, goes back to the seed with reset(), and publishes its feature count,
/// class count and the cardinality of each nominal attribute at compile time, so that
/// trees can treat nominal attributes as such. No heap; all state lives in the object.

#include <array>
#include <concepts>
#include <cstddef>
#include <cstdint>

#include "../../core/numeric.hpp"
#include "../../core/status.hpp"

namespace edgeloop::streams {

/// One sample of a classification stream: the attribute vector and its class (0..classes-1).
/// Nominal attribute j takes the values 0 .. nominal_cardinality[j]-1, stored in x[j].
template <class Scalar, std::size_t Features>
struct labelled_sample {
  std::array<Scalar, Features> x;
  class_label y;
};

/// A deterministic, resettable, infinite classification stream.
///  - features, classes: compile-time sizes; nominal_cardinality[j] is 0 for a numeric
///    attribute, else the number of nominal values (encoded 0..k-1 in x[j]);
///  - next() cannot fail; reset() goes back to the seed (the same sequence again);
///  - validate(params) -> status checks runtime hyper-parameters.
template <class S>
concept data_stream =
    requires(S& s, const typename S::params& p) {
      typename S::scalar_type;
      typename S::sample_type;
      requires scalar<typename S::scalar_type>;
      { S::features } -> std::convertible_to<std::size_t>;
      { S::classes } -> std::convertible_to<std::size_t>;
      requires std::same_as<std::remove_cvref_t<decltype(S::nominal_cardinality)>,
                            std::array<std::uint8_t, S::features>>;
      requires std::same_as<typename S::sample_type,
                            labelled_sample<typename S::scalar_type, S::features>>;
      { s.next() } noexcept -> std::same_as<typename S::sample_type>;
      { s.reset() } noexcept -> std::same_as<void>;
      { S::validate(p) } noexcept -> std::same_as<status>;
    };

namespace detail {

/// MOA's balanceClasses option for binary streams: candidates are drawn until the class
/// alternates 1, 0, 1, 0, ... (the first accepted sample is of class 1).
struct class_balancer {
  bool next_class_should_be_zero = false;
  constexpr bool accept(class_label y) noexcept {
    if ((next_class_should_be_zero && y == 0) || (!next_class_should_be_zero && y == 1)) {
      next_class_should_be_zero = !next_class_should_be_zero;
      return true;
    }
    return false;
  }
};

/// True when p is a probability (NaN is not).
template <class T>
constexpr bool is_probability(T p) noexcept {
  return p >= T(0) && p <= T(1);
}

}  // namespace detail
}  // namespace edgeloop::streams
