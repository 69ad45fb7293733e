#pragma once
/// feature_extractor: the concept every streaming feature extractor satisfies.
///
/// Feature extractors are not online_transformers: they consume a stream of samples one
/// at a time and expose the features of what they have seen (a window, a history), not a
/// transform of the current input.
///
///   push(x)     noexcept -> status   adds one sample; a non-finite sample (or one that
///                                    would make the running state non-finite) returns
///                                    status::non_finite_input and changes nothing
///   features()  const noexcept       a std::array of the features, in a documented order
///   reset()     noexcept             back to the freshly constructed state
///   ready()     const noexcept       true once the window/history is full
///   input_type, output_type, memory_bytes (sizeof the object: all storage is inside)
///
/// Extractors with a meaningful state (window contents + counters) are also
/// edgeloop::persistable.

#include <concepts>
#include <cstddef>

#include "../core/concepts.hpp"
#include "../core/status.hpp"

namespace edgeloop {

template <class E>
concept feature_extractor =
    has_memory_bytes<E> && requires(E& e, const E& ce, const typename E::input_type& x) {
      typename E::output_type;
      { e.push(x) } noexcept -> std::same_as<status>;
      { ce.features() } noexcept -> std::convertible_to<typename E::output_type>;
      { e.reset() } noexcept -> std::same_as<void>;
      { ce.ready() } noexcept -> std::same_as<bool>;
    };

}  // namespace edgeloop
