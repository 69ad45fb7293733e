#pragma once
/// majority_class: the baseline classifier that predicts the most frequent class seen so
/// far (ties: the lowest label). It ignores x, but still refuses non-finite x like every
/// other learner, so that it sees exactly the samples the models it is compared with see.
/// predict_proba gives the class frequencies (uniform before any sample).
///
/// Memory: Classes*4 + 4 bytes; exact value in memory_bytes.
/// state_type: 8 + Classes*4 bytes.

#include <array>
#include <cstddef>
#include <cstdint>
#include <limits>

#include "../core/concepts.hpp"
#include "../core/numeric.hpp"
#include "../core/status.hpp"

namespace edgeloop {

template <scalar Scalar, std::size_t Features, std::size_t Classes>
class majority_class {
  static_assert(Classes >= 2, "majority_class needs at least two classes");
  static_assert(Classes <= std::numeric_limits<class_label>::max(), "too many classes for class_label");

 public:
  using input_type = std::array<Scalar, Features>;
  using output_type = class_label;
  using target_type = class_label;
  using proba_type = std::array<Scalar, Classes>;
  struct params {};

  struct state_type {
    std::uint32_t magic;
    std::uint16_t version;
    std::uint16_t reserved;  ///< 0
    std::array<std::uint32_t, Classes> counts;
  };
  static constexpr std::uint32_t magic = 0x434A414Du;  // "MAJC" little-endian
  static constexpr std::uint16_t version = 1;
  static const std::size_t memory_bytes;

  static constexpr status validate(const params&) noexcept { return status::ok; }

  constexpr majority_class() noexcept = default;
  constexpr explicit majority_class(const params&) noexcept {}

  /// Counts y. non_finite_input, label_out_of_range or capacity_exceeded (2^32 - 1
  /// samples) leave the model unchanged.
  constexpr status partial_fit(const input_type& x, class_label y) noexcept {
    if (!all_finite(x)) return status::non_finite_input;
    if (y >= Classes) return status::label_out_of_range;
    if (total_ == std::numeric_limits<std::uint32_t>::max()) return status::capacity_exceeded;
    ++counts_[y];
    ++total_;
    if (counts_[y] > counts_[best_] || (counts_[y] == counts_[best_] && y < best_)) best_ = y;
    return status::ok;
  }

  constexpr class_label predict(const input_type&) const noexcept { return best_; }

  constexpr proba_type predict_proba(const input_type&) const noexcept {
    proba_type p{};
    for (std::size_t c = 0; c < Classes; ++c)
      p[c] = total_ == 0 ? Scalar(1) / static_cast<Scalar>(Classes)
                         : static_cast<Scalar>(counts_[c]) / static_cast<Scalar>(total_);
    return p;
  }

  constexpr void reset() noexcept {
    counts_.fill(0u);
    total_ = 0;
    best_ = 0;
  }

  constexpr std::uint32_t count(class_label c) const noexcept { return c < Classes ? counts_[c] : 0u; }
  constexpr std::uint32_t samples() const noexcept { return total_; }

  constexpr state_type state() const noexcept {
    state_type s{};
    s.magic = magic;
    s.version = version;
    s.reserved = 0;
    s.counts = counts_;
    return s;
  }

  /// Adopts `s` or returns invalid_state (wrong magic/version, counts summing past 2^32-1).
  constexpr status restore(const state_type& s) noexcept {
    if (s.magic != magic || s.version != version || s.reserved != 0) return status::invalid_state;
    std::uint64_t total = 0;
    class_label best = 0;
    for (std::size_t c = 0; c < Classes; ++c) {
      total += s.counts[c];
      if (s.counts[c] > s.counts[best]) best = static_cast<class_label>(c);
    }
    if (total > std::numeric_limits<std::uint32_t>::max()) return status::invalid_state;
    counts_ = s.counts;
    total_ = static_cast<std::uint32_t>(total);
    best_ = best;
    return status::ok;
  }

 private:
  std::array<std::uint32_t, Classes> counts_{};
  std::uint32_t total_ = 0;
  class_label best_ = 0;
};

template <scalar Scalar, std::size_t Features, std::size_t Classes>
constexpr std::size_t majority_class<Scalar, Features, Classes>::memory_bytes =
    sizeof(majority_class<Scalar, Features, Classes>);

static_assert(online_learner<majority_class<float, 4, 3>>);
static_assert(persistable<majority_class<float, 4, 3>>);
static_assert(has_memory_bytes<majority_class<float, 4, 3>>);

}  // namespace edgeloop
