#pragma once
/// The drift detector concept shared by adwin, page_hinkley, ddm and kswin.
///
/// A detector watches one scalar stream (an error indicator, a loss, a sensor value) and
/// answers every update with a drift_state. Contract common to all detectors:
/// - `update(v) noexcept -> drift_state` feeds one value. A non-finite value (NaN, inf),
///   or one outside the detector's documented domain, is ignored: the detector is left
///   exactly as it was (state() byte-identical), `update` returns drift_state::none and
///   `last_status()` tells why (non_finite_input or invalid_argument). Every accepted
///   value sets `last_status()` back to ok.
/// - `update_checked(v, out) noexcept -> status` is the same step with the outcome as a
///   status; `out` is written only when the value was accepted.
/// - `reset()` forgets everything learned (the params stay, the detection count too).
/// - `detections()` counts drifts signalled since construction (or restore).
/// - `state()` / `restore()` round-trip the whole detector, params included (persistable).
/// - Each detector publishes `memory_bytes` (everything lives inside the object).

#include <concepts>
#include <cstdint>

#include "../core/concepts.hpp"
#include "../core/status.hpp"

namespace edgeloop {

/// Outcome of one detector update.
enum class drift_state : std::uint8_t {
  none,     ///< nothing to report
  warning,  ///< the stream may be changing (only detectors with a warning zone: ddm)
  drift,    ///< a change was detected
};

constexpr const char* to_string(drift_state s) noexcept {
  switch (s) {
    case drift_state::none: return "none";
    case drift_state::warning: return "warning";
    case drift_state::drift: return "drift";
  }
  return "unknown";
}

/// A streaming change detector over one scalar stream (see the contract above).
template <class D>
concept drift_detector =
    persistable<D> && has_memory_bytes<D> &&
    requires(D& d, const D& cd, const typename D::value_type& v, drift_state& out) {
      { d.update(v) } noexcept -> std::same_as<drift_state>;
      { d.update_checked(v, out) } noexcept -> std::same_as<status>;
      { d.reset() } noexcept -> std::same_as<void>;
      { cd.last_status() } noexcept -> std::same_as<status>;
      { cd.detections() } noexcept -> std::convertible_to<std::uint32_t>;
      { cd.samples() } noexcept -> std::convertible_to<std::uint32_t>;
    };

}  // namespace edgeloop
