#pragma once
/// The anomaly detector concept shared by half_space_trees, gaussian_detector,
/// autoencoder_detector and one_class_detector (and anything else that wants to be one).
///
/// A detector learns what "normal" looks like from an unlabelled stream and scores how
/// unusual a sample is. Contract common to all detectors:
/// - `learn(x) noexcept -> status` learns one sample in place (unsupervised). A sample with
///   a NaN or infinity (or outside a documented domain) is rejected with a non-ok status
///   and the detector is left exactly as it was (state() byte-identical).
/// - `score(x) const noexcept -> scalar_type`: HIGHER = MORE ANOMALOUS. Every detector
///   documents its range (e.g. [0, 1] for half_space_trees, [0, inf) for a squared
///   Mahalanobis distance). score() never changes the detector; for a non-finite x its
///   value is unspecified (but score_then_learn() below rejects such x first).
/// - `reset()` forgets everything learned (params kept).
/// - `samples()` counts samples learned since construction, reset or restore's state.
/// - `state()` / `restore()` round-trip the whole detector (persistable), restore()
///   validates before it applies.
/// - `memory_bytes`: everything lives inside the object, no heap.
///
/// Scores of different detectors are not on one scale; turn any of them into an alarm at a
/// chosen false-alarm rate with quantile_threshold (anomaly/quantile_threshold.hpp), or
/// into a tail probability with anomaly_likelihood (anomaly/anomaly_likelihood.hpp).

#include <concepts>
#include <cstdint>

#include "../core/concepts.hpp"
#include "../core/numeric.hpp"
#include "../core/status.hpp"

namespace edgeloop {

/// An unsupervised streaming anomaly detector (see the contract above).
template <class D>
concept anomaly_detector =
    persistable<D> && has_memory_bytes<D> &&
    requires(D& d, const D& cd, const typename D::input_type& x) {
      typename D::scalar_type;
      requires scalar<typename D::scalar_type>;
      { d.learn(x) } noexcept -> std::same_as<status>;
      { cd.score(x) } noexcept -> std::convertible_to<typename D::scalar_type>;
      { d.reset() } noexcept -> std::same_as<void>;
      { cd.samples() } noexcept -> std::convertible_to<std::uint32_t>;
    };

/// The usual streaming step: score x with what was learned before it (so a sample cannot
/// hide itself), then learn it. A non-finite x gives non_finite_input, leaves `out` and
/// the detector unchanged; any other status of learn() is returned with `out` written.
/// A detector may provide a faster member `score_then_learn(x, out)` with the same
/// meaning (half_space_trees descends each tree once); it is used when present.
template <anomaly_detector D>
status score_then_learn(D& detector, const typename D::input_type& x,
                        typename D::scalar_type& out) noexcept {
  if constexpr (requires { { detector.score_then_learn(x, out) } noexcept -> std::same_as<status>; }) {
    return detector.score_then_learn(x, out);
  } else {
    if (!all_finite(x)) return status::non_finite_input;
    out = detector.score(x);
    return detector.learn(x);
  }
}

}  // namespace edgeloop
