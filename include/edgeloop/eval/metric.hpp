#pragma once
/// The streaming metric concept: what prequential_evaluator and metric_set accept.
/// A metric consumes one (truth, prediction) pair at a time in fixed memory.
/// `check(y, p)` says whether `update(y, p)` would accept the pair without changing
/// anything, so a caller can validate several metrics before mutating any of them.

#include <concepts>

#include "../core/status.hpp"

namespace edgeloop {

/// Metric over pairs (Truth, Prediction): check() -> status (no change),
/// update() -> status (strong guarantee: a non-ok status changed nothing), reset().
template <class M, class Truth, class Prediction>
concept streaming_metric = requires(M& m, const M& cm, const Truth& y, const Prediction& p) {
  { cm.check(y, p) } noexcept -> std::same_as<status>;
  { m.update(y, p) } noexcept -> std::same_as<status>;
  { m.reset() } noexcept -> std::same_as<void>;
};

}  // namespace edgeloop
