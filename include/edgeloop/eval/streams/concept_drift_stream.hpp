#pragma once
/// Concept drift between two streams, as MOA's ConceptDriftStream (Bifet et al. 2009,
/// "New ensemble methods for evolving data streams"): the t-th sample (t = 1, 2, ...)
/// comes from the drift stream B with probability 1 / (1 + exp(-4 (t - position) / width))
/// and from A otherwise; only the stream that is used advances. width = 1 gives an
/// abrupt change at `position` (B with probability 0.018 at t = position - 1, 0.5 at
/// position, 0.982 at position + 1, above 0.9997 from position + 2 on).
/// Both streams must have the same scalar type, features, classes and nominal
/// cardinalities. Memory: sizeof(A) + sizeof(B) + about 64 bytes.

#include <array>
#include <cmath>
#include <cstdint>

#include "../../core/assert.hpp"
#include "../../core/rng.hpp"
#include "sea.hpp"
#include "stream.hpp"

namespace edgeloop::streams {

template <data_stream StreamA, data_stream StreamB>
class concept_drift_stream {
  static_assert(std::is_same_v<typename StreamA::scalar_type, typename StreamB::scalar_type>,
                "concept_drift_stream: both streams need the same scalar type");
  static_assert(StreamA::features == StreamB::features && StreamA::classes == StreamB::classes,
                "concept_drift_stream: both streams need the same features and classes");
  static_assert(StreamA::nominal_cardinality == StreamB::nominal_cardinality,
                "concept_drift_stream: both streams need the same nominal attributes");

 public:
  using scalar_type = typename StreamA::scalar_type;
  static constexpr std::size_t features = StreamA::features;
  static constexpr std::size_t classes = StreamA::classes;
  static constexpr std::array<std::uint8_t, features> nominal_cardinality = StreamA::nominal_cardinality;
  using sample_type = typename StreamA::sample_type;
  static const std::size_t memory_bytes;  ///< sizeof(*this): all storage is inline

  struct params {
    std::uint64_t position = 5000;  ///< centre of the change (sample index, 1-based)
    std::uint64_t width = 1000;     ///< >= 1
    std::uint64_t seed = 1;
  };

  static constexpr status validate(const params& p) noexcept {
    return p.width >= 1 ? status::ok : status::invalid_argument;
  }

  concept_drift_stream(const StreamA& a, const StreamB& b, const params& p = {}) noexcept
      : params_(p), a_(a), b_(b), rng_(p.seed) {
    EDGELOOP_ASSERT(validate(p) == status::ok, "concept_drift_stream: invalid params");
  }

  /// Probability that sample t (1-based) comes from B.
  static double drift_probability(std::uint64_t t, const params& p) noexcept {
    const double d = t >= p.position ? static_cast<double>(t - p.position)
                                     : -static_cast<double>(p.position - t);
    return 1.0 / (1.0 + std::exp(-4.0 * d / static_cast<double>(p.width)));
  }

  sample_type next() noexcept {
    ++t_;
    last_from_b_ = !(rng_.uniform<double>() > drift_probability(t_, params_));
    return last_from_b_ ? b_.next() : a_.next();
  }

  /// Resets both streams, the choice sequence and the sample counter.
  void reset() noexcept {
    a_.reset();
    b_.reset();
    rng_ = rng(params_.seed);
    t_ = 0;
    last_from_b_ = false;
  }

  std::uint64_t samples_seen() const noexcept { return t_; }
  bool last_from_drift_stream() const noexcept { return last_from_b_; }
  const StreamA& stream_a() const noexcept { return a_; }
  const StreamB& stream_b() const noexcept { return b_; }
  const params& parameters() const noexcept { return params_; }

 private:
  params params_;
  StreamA a_;
  StreamB b_;
  rng rng_;
  std::uint64_t t_ = 0;
  bool last_from_b_ = false;
};

template <data_stream StreamA, data_stream StreamB>
constexpr std::size_t concept_drift_stream<StreamA, StreamB>::memory_bytes = sizeof(concept_drift_stream<StreamA, StreamB>);

static_assert(data_stream<concept_drift_stream<sea<float>, sea<float>>>);

}  // namespace edgeloop::streams
