#pragma once
/// no_change: the baseline classifier that repeats the last label it learned (the
/// "no-change" or persistence classifier of Zliobaite et al. 2015, the reference of
/// kappa-temporal). Before any sample it predicts params.initial_label (default 0). It
/// ignores x, but still refuses non-finite x like every other learner.
/// predict_proba is one-hot on the predicted label.
///
/// Memory: 6 bytes (+ padding); exact value in memory_bytes. state_type: 12 bytes.

#include <array>
#include <cstddef>
#include <cstdint>
#include <limits>

#include "../core/assert.hpp"
#include "../core/concepts.hpp"
#include "../core/numeric.hpp"
#include "../core/status.hpp"

namespace edgeloop {

template <scalar Scalar, std::size_t Features, std::size_t Classes>
class no_change {
  static_assert(Classes >= 2, "no_change needs at least two classes");
  static_assert(Classes <= std::numeric_limits<class_label>::max(), "too many classes for class_label");

 public:
  using input_type = std::array<Scalar, Features>;
  using output_type = class_label;
  using target_type = class_label;
  using proba_type = std::array<Scalar, Classes>;
  struct params {
    class_label initial_label = 0;  ///< prediction before the first sample, < Classes
  };

  struct state_type {
    std::uint32_t magic;
    std::uint16_t version;
    class_label initial_label;
    class_label last;
    std::uint16_t seen;  ///< 0 or 1
  };
  static constexpr std::uint32_t magic = 0x47484E4Eu;  // "NNHG" little-endian
  static constexpr std::uint16_t version = 1;
  static const std::size_t memory_bytes;

  static constexpr status validate(const params& p) noexcept {
    return p.initial_label < Classes ? status::ok : status::invalid_argument;
  }

  constexpr no_change() noexcept = default;
  constexpr explicit no_change(const params& p) noexcept : initial_(p.initial_label), last_(p.initial_label) {
    EDGELOOP_ASSERT(validate(p) == status::ok, "no_change: invalid params");
  }

  constexpr status partial_fit(const input_type& x, class_label y) noexcept {
    if (!all_finite(x)) return status::non_finite_input;
    if (y >= Classes) return status::label_out_of_range;
    last_ = y;
    seen_ = true;
    return status::ok;
  }

  constexpr class_label predict(const input_type&) const noexcept { return last_; }

  constexpr proba_type predict_proba(const input_type&) const noexcept {
    proba_type p{};
    p[last_] = Scalar(1);
    return p;
  }

  constexpr void reset() noexcept {
    last_ = initial_;
    seen_ = false;
  }

  /// True once a sample was learned.
  constexpr bool seen() const noexcept { return seen_; }

  constexpr state_type state() const noexcept {
    return state_type{magic, version, initial_, last_, static_cast<std::uint16_t>(seen_ ? 1u : 0u)};
  }

  constexpr status restore(const state_type& s) noexcept {
    if (s.magic != magic || s.version != version || s.initial_label >= Classes || s.last >= Classes ||
        s.seen > 1u || (s.seen == 0u && s.last != s.initial_label))
      return status::invalid_state;
    initial_ = s.initial_label;
    last_ = s.last;
    seen_ = s.seen == 1u;
    return status::ok;
  }

 private:
  class_label initial_ = 0;
  class_label last_ = 0;
  bool seen_ = false;
};

template <scalar Scalar, std::size_t Features, std::size_t Classes>
constexpr std::size_t no_change<Scalar, Features, Classes>::memory_bytes =
    sizeof(no_change<Scalar, Features, Classes>);

static_assert(online_learner<no_change<float, 4, 3>>);
static_assert(persistable<no_change<float, 4, 3>>);
static_assert(has_memory_bytes<no_change<float, 4, 3>>);

}  // namespace edgeloop
