#pragma once
/// one_vs_rest<BinaryLearner, Classes>: a multi-class classifier from any binary linear
/// learner (perceptron, passive_aggressive_classifier, alma, ...): learner c learns
/// "class c" (label 1) against the rest (label 0) and the class with the highest
/// decision_function wins (ties: the lowest label), as scikit-learn's OvR for its linear
/// models. With Classes == 2 there is a single learner whose positive class is 1 (the
/// binary learner itself, as scikit-learn does for two classes).
///
/// partial_fit keeps the strong guarantee: with more than one learner it first trains a
/// copy of each learner (a dry run, one learner's worth of stack) and only when all accept
/// trains the learners themselves (twice the work of a plain loop).
///
/// Memory: (Classes == 2 ? 1 : Classes) * sizeof(BinaryLearner) (+ padding); exact value in
/// memory_bytes.

#include <array>
#include <cstddef>
#include <cstdint>
#include <limits>
#include <type_traits>
#include <utility>

#include "../core/concepts.hpp"
#include "../core/numeric.hpp"
#include "../core/status.hpp"

namespace edgeloop {

/// A binary (labels 0 and 1) online learner with a real-valued score, persistable and
/// constructible from its params.
template <class L>
concept binary_learner = online_learner<L> && persistable<L> && std::same_as<typename L::target_type, class_label> &&
                         std::is_constructible_v<L, const typename L::params&> &&
                         requires(const L& l, const typename L::input_type& x) {
                           { l.decision_function(x) } noexcept -> std::floating_point;
                         };

template <binary_learner BinaryLearner, std::size_t Classes>
class one_vs_rest {
  static_assert(Classes >= 2, "one_vs_rest needs at least two classes");
  static_assert(Classes <= std::numeric_limits<class_label>::max(), "too many classes for class_label");

 public:
  static constexpr std::size_t learners = Classes == 2 ? 1 : Classes;
  using learner_type = BinaryLearner;
  using input_type = typename BinaryLearner::input_type;
  using output_type = class_label;
  using target_type = class_label;
  using params = typename BinaryLearner::params;
  using score_type = decltype(std::declval<const BinaryLearner&>().decision_function(std::declval<const input_type&>()));
  using proba_type = std::array<score_type, Classes>;

  struct state_type {
    std::uint32_t magic;
    std::uint16_t version;
    std::uint16_t classes;
    std::array<typename BinaryLearner::state_type, learners> learner_states;
  };
  static constexpr std::uint32_t magic = 0x5253564Fu;  // "OVSR"
  static constexpr std::uint16_t version = 1;
  static const std::size_t memory_bytes;

  static constexpr status validate(const params& p) noexcept {
    if constexpr (requires { BinaryLearner::validate(p); }) return BinaryLearner::validate(p);
    else return status::ok;
  }

  one_vs_rest() noexcept : one_vs_rest(params{}) {}
  explicit one_vs_rest(const params& p) noexcept {
    for (auto& l : learners_) l = BinaryLearner(p);
  }

  /// label_out_of_range (y >= Classes) or the first failure of a learner (e.g.
  /// non_finite_input); nothing changed then.
  status partial_fit(const input_type& x, class_label y) noexcept {
    if (y >= Classes) return status::label_out_of_range;
    if constexpr (learners == 1) {
      return learners_[0].partial_fit(x, y);
    } else {
      for (std::size_t c = 0; c < learners; ++c) {  // dry run on copies
        BinaryLearner copy = learners_[c];
        EDGELOOP_TRY(copy.partial_fit(x, c == y ? class_label{1} : class_label{0}));
      }
      for (std::size_t c = 0; c < learners; ++c)
        static_cast<void>(learners_[c].partial_fit(x, c == y ? class_label{1} : class_label{0}));
      return status::ok;
    }
  }

  /// Score of each learner (one for two classes: > 0 means class 1).
  std::array<score_type, learners> decision_function(const input_type& x) const noexcept {
    std::array<score_type, learners> s;
    for (std::size_t c = 0; c < learners; ++c) s[c] = learners_[c].decision_function(x);
    return s;
  }

  class_label predict(const input_type& x) const noexcept {
    if constexpr (learners == 1) {
      return learners_[0].predict(x);
    } else {
      class_label best = 0;
      score_type top = learners_[0].decision_function(x);
      for (std::size_t c = 1; c < learners; ++c) {
        const score_type s = learners_[c].decision_function(x);
        if (s > top) {
          top = s;
          best = static_cast<class_label>(c);
        }
      }
      return best;
    }
  }

  /// Probabilities when the learner has predict_proba: its own for two classes, else each
  /// learner's P(1) normalised over the classes (scikit-learn's OvR; uniform if all 0).
  proba_type predict_proba(const input_type& x) const noexcept
    requires requires(const BinaryLearner& l) { l.predict_proba(x); }
  {
    proba_type p{};
    if constexpr (learners == 1) {
      const auto q = learners_[0].predict_proba(x);
      p[0] = q[0];
      p[1] = q[1];
    } else {
      score_type sum = 0;
      for (std::size_t c = 0; c < learners; ++c) sum += p[c] = learners_[c].predict_proba(x)[1];
      if (sum > score_type(0)) for (auto& v : p) v /= sum;
      else p.fill(score_type(1) / static_cast<score_type>(Classes));
    }
    return p;
  }

  void reset() noexcept {
    for (auto& l : learners_) l.reset();
  }

  const BinaryLearner& learner(std::size_t c) const noexcept { return learners_[c]; }

  state_type state() const noexcept {
    state_type s{};
    s.magic = magic;
    s.version = version;
    s.classes = static_cast<std::uint16_t>(Classes);
    for (std::size_t c = 0; c < learners; ++c) s.learner_states[c] = learners_[c].state();
    return s;
  }

  /// Restores every learner or none: each state is first checked on a scratch learner.
  status restore(const state_type& s) noexcept {
    if (s.magic != magic || s.version != version || s.classes != Classes) return status::invalid_state;
    for (std::size_t c = 0; c < learners; ++c) {
      BinaryLearner scratch = learners_[c];
      EDGELOOP_TRY(scratch.restore(s.learner_states[c]));
    }
    for (std::size_t c = 0; c < learners; ++c) static_cast<void>(learners_[c].restore(s.learner_states[c]));
    return status::ok;
  }

 private:
  std::array<BinaryLearner, learners> learners_;
};

template <binary_learner BinaryLearner, std::size_t Classes>
constexpr std::size_t one_vs_rest<BinaryLearner, Classes>::memory_bytes = sizeof(one_vs_rest<BinaryLearner, Classes>);

namespace detail {
/// The smallest binary_learner, only for the concept checks below.
struct ovr_check_learner {
  using input_type = std::array<float, 2>;
  using output_type = class_label;
  using target_type = class_label;
  struct params {};
  struct state_type {
    float w;
  };
  ovr_check_learner() = default;
  explicit ovr_check_learner(const params&) noexcept {}
  status partial_fit(const input_type&, class_label) noexcept { return status::ok; }
  class_label predict(const input_type&) const noexcept { return 0; }
  float decision_function(const input_type&) const noexcept { return 0.0f; }
  void reset() noexcept {}
  state_type state() const noexcept { return {0.0f}; }
  status restore(const state_type&) noexcept { return status::ok; }
};
}  // namespace detail

static_assert(binary_learner<detail::ovr_check_learner>);
static_assert(online_learner<one_vs_rest<detail::ovr_check_learner, 3>>);
static_assert(persistable<one_vs_rest<detail::ovr_check_learner, 3>>);
static_assert(has_memory_bytes<one_vs_rest<detail::ovr_check_learner, 3>>);

}  // namespace edgeloop
