#pragma once
/// lag_features: current vector, first differences and lagged copies of a vector stream
/// (the lag/delta features of time-series models; no learned statistics).
///
/// features() layout, Features values per block, (2 + Lags) blocks:
///   block 0            x_t                       (offset 0)
///   block 1            x_t - x_{t-1}             (offset Features)
///   block 2 + j        x_{t-1-j}, j = 0..Lags-1  (offset (2 + j) * Features)
/// Before the history is full, missing past vectors repeat the oldest vector seen (edge
/// replication), so the first delta is 0 and no artificial jump appears; with nothing pushed
/// every feature is 0. ready() is true once max(Lags, 1) + 1 vectors have been pushed.
///
/// Memory: (max(Lags, 1) + 1) * Features * sizeof(Scalar) + two size_t counters.

#include <array>
#include <cstddef>
#include <cstdint>

#include "../core/concepts.hpp"
#include "../core/numeric.hpp"
#include "../core/ring_buffer.hpp"
#include "../core/status.hpp"
#include "feature_extractor.hpp"

namespace edgeloop {

template <scalar Scalar, std::size_t Features, std::size_t Lags>
class lag_features {
  static_assert(Features >= 1, "lag_features needs at least one feature");

 public:
  /// Vectors kept: the current one, and at least one previous (for the delta).
  static constexpr std::size_t history = (Lags >= 1 ? Lags : 1) + 1;
  static constexpr std::size_t current_offset = 0;
  static constexpr std::size_t delta_offset = Features;
  static constexpr std::size_t lag_offset(std::size_t lag) noexcept { return (1 + lag) * Features; }  ///< lag >= 1

  using input_type = std::array<Scalar, Features>;
  using output_type = std::array<Scalar, (2 + Lags) * Features>;
  static const std::size_t memory_bytes;

  static constexpr std::uint32_t state_magic = 0x454C4147u;  // "ELAG"
  static constexpr std::uint16_t state_version = 1;
  struct state_type {
    std::uint32_t magic;
    std::uint16_t version;
    std::uint16_t reserved;
    std::uint32_t size;  ///< vectors in the history
    std::uint32_t reserved2;
    std::array<input_type, history> vectors;  ///< oldest first, zero past size
  };

  /// Appends x; a non-finite element -> non_finite_input, unchanged.
  status push(const input_type& x) noexcept {
    if (!all_finite(x)) return status::non_finite_input;
    history_.push(x);
    return status::ok;
  }

  output_type features() const noexcept {
    output_type out{};
    const std::size_t n = history_.size();
    if (n == 0) return out;
    const input_type& current = history_[n - 1];
    const input_type& previous = past(1);
    for (std::size_t i = 0; i < Features; ++i) {
      out[current_offset + i] = current[i];
      out[delta_offset + i] = current[i] - previous[i];
    }
    for (std::size_t lag = 1; lag <= Lags; ++lag) {
      const input_type& v = past(lag);
      for (std::size_t i = 0; i < Features; ++i) out[lag_offset(lag) + i] = v[i];
    }
    return out;
  }

  bool ready() const noexcept { return history_.full(); }
  std::size_t size() const noexcept { return history_.size(); }
  void reset() noexcept { history_.clear(); }

  state_type state() const noexcept {
    state_type s{};
    s.magic = state_magic;
    s.version = state_version;
    s.reserved = 0;
    s.size = static_cast<std::uint32_t>(history_.size());
    s.reserved2 = 0;
    for (std::size_t v = 0; v < history; ++v)
      s.vectors[v] = v < history_.size() ? history_[v] : input_type{};
    return s;
  }

  status restore(const state_type& s) noexcept {
    if (s.magic != state_magic || s.version != state_version || s.size > history)
      return status::invalid_state;
    for (std::size_t v = 0; v < s.size; ++v)
      if (!all_finite(s.vectors[v])) return status::invalid_state;
    history_.clear();
    for (std::size_t v = 0; v < s.size; ++v) history_.push(s.vectors[v]);
    return status::ok;
  }

 private:
  /// x_{t-lag}, replicating the oldest vector when the history is shorter (size() >= 1).
  const input_type& past(std::size_t lag) const noexcept {
    const std::size_t n = history_.size();
    return lag < n ? history_[n - 1 - lag] : history_[0];
  }

  ring_buffer<input_type, history> history_;
};

template <scalar Scalar, std::size_t Features, std::size_t Lags>
constexpr std::size_t lag_features<Scalar, Features, Lags>::memory_bytes =
    sizeof(lag_features<Scalar, Features, Lags>);

static_assert(feature_extractor<lag_features<float, 3, 2>>);
static_assert(feature_extractor<lag_features<double, 1, 0>>);
static_assert(persistable<lag_features<float, 3, 2>>);
static_assert(sizeof(lag_features<float, 3, 2>::state_type) == 16 + 3 * 3 * sizeof(float),
              "lag_features::state_type must have no padding");

}  // namespace edgeloop
