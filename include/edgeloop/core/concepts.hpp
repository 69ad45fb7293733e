#pragma once
/// The streaming Model concepts every edgeloop component satisfies (DESIGN.md §3).
/// Checked with static_asserts at the end of each component's header.

#include <concepts>
#include <cstddef>
#include <type_traits>

#include "status.hpp"

namespace edgeloop {

/// Maps an input to an output; cannot fail.
template <class M>
concept predictor = requires(const M& m, const typename M::input_type& x) {
  typename M::output_type;
  { m.predict(x) } noexcept -> std::convertible_to<typename M::output_type>;
};

/// Learns one (x, y) at a time in place; a failed partial_fit leaves the model unchanged.
template <class M>
concept online_learner =
    predictor<M> && requires(M& m, const typename M::input_type& x, const typename M::target_type& y) {
      { m.partial_fit(x, y) } noexcept -> std::same_as<status>;
      { m.reset() } noexcept -> std::same_as<void>;
    };

/// Learns statistics of its inputs (no target) and transforms inputs with them.
template <class T>
concept online_transformer = requires(T& t, const T& ct, const typename T::input_type& x) {
  typename T::output_type;
  { t.partial_fit(x) } noexcept -> std::same_as<status>;
  { ct.transform(x) } noexcept -> std::convertible_to<typename T::output_type>;
  { t.reset() } noexcept -> std::same_as<void>;
};

/// Whole learned state as one plain trivially copyable value: save it anywhere (flash,
/// a file, a radio packet) and restore it later. restore() validates before it applies.
template <class M>
concept persistable = std::is_trivially_copyable_v<typename M::state_type> &&
                      requires(M& m, const M& cm, const typename M::state_type& s) {
                        { cm.state() } noexcept -> std::same_as<typename M::state_type>;
                        { m.restore(s) } noexcept -> std::same_as<status>;
                      };

/// A float model with an int8 twin: quantize(model, calibration, out) fills `out`.
template <class M>
concept quantizable = requires(const M& m, const typename M::calibration_type& c,
                               typename M::quantized_type& q) {
  { quantize(m, c, q) } noexcept -> std::same_as<status>;
};

/// Components that publish their exact footprint (storage lives inside the object).
template <class M>
concept has_memory_bytes = requires {
  { M::memory_bytes } -> std::convertible_to<std::size_t>;
};

}  // namespace edgeloop
