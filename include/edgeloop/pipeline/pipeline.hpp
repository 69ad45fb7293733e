#pragma once
/// pipeline<Stages...>: transformers followed by a learner (or by another transformer),
/// itself an online_learner (or online_transformer), so it plugs in wherever a model does.
///
/// Semantics (as River's pipelines): predict(x) transforms x through every stage with the
/// statistics learned so far and asks the last stage. partial_fit(x, y) lets each
/// transformer learn from its input and then transforms it for the next stage; the last
/// stage learns from the fully transformed sample. If any stage refuses the sample, every
/// transformer is put back as it was (their state() is saved before), so the pipeline as a
/// whole keeps the strong guarantee. Stages that are not persistable must not change in
/// partial_fit (e.g. fixed random features).
/// Memory: the sum of the stages (memory_bytes = sizeof).

#include <cstddef>
#include <tuple>
#include <type_traits>
#include <utility>

#include "../core/concepts.hpp"
#include "../core/status.hpp"

namespace edgeloop {

namespace detail {

/// Trivially copyable aggregate of several states (std::tuple is not trivially copyable).
template <class... States>
struct state_pack {};
template <class Head, class... Tail>
struct state_pack<Head, Tail...> {
  Head head;
  state_pack<Tail...> tail;
};

template <std::size_t I, class Pack>
constexpr auto& pack_get(Pack& p) noexcept {
  if constexpr (I == 0)
    return p.head;
  else
    return pack_get<I - 1>(p.tail);
}

/// The state a stage contributes: its state_type, or nothing.
struct no_state {};
template <class T>
struct stage_state {
  using type = no_state;
};
template <persistable T>
struct stage_state<T> {
  using type = typename T::state_type;
};

template <class T>
struct target_of {
  using type = void;  // transformers learn without a target
};
template <class T>
  requires requires { typename T::target_type; }
struct target_of<T> {
  using type = typename T::target_type;
};

}  // namespace detail

template <class... Stages>
class pipeline {
  static_assert(sizeof...(Stages) >= 1, "a pipeline needs at least one stage");
  using stages_tuple = std::tuple<Stages...>;
  static constexpr std::size_t stage_count = sizeof...(Stages);
  static constexpr std::size_t transformer_count = stage_count - 1;
  template <std::size_t I>
  using stage_t = std::tuple_element_t<I, stages_tuple>;
  using last_stage = stage_t<stage_count - 1>;

  template <std::size_t... I>
  static consteval bool transformers_chain(std::index_sequence<I...>) {
    return ((online_transformer<stage_t<I>> &&
             std::is_convertible_v<typename stage_t<I>::output_type, typename stage_t<I + 1>::input_type>) && ...);
  }
  static_assert(transformers_chain(std::make_index_sequence<transformer_count>{}),
                "every stage but the last must be an online_transformer whose output_type "
                "is the next stage's input_type");
  static_assert(online_learner<last_stage> || online_transformer<last_stage>,
                "the last stage must be an online_learner or an online_transformer");

  static constexpr bool ends_in_learner = online_learner<last_stage>;

  // What partial_fit saves for a roll-back: the transformers' states only (the last stage
  // keeps its own strong guarantee, and copying a learner per sample would be wasteful).
  template <std::size_t... I>
  static auto transformer_states_of(std::index_sequence<I...>)
      -> detail::state_pack<typename detail::stage_state<stage_t<I>>::type...>;
  using transformer_states = decltype(transformer_states_of(std::make_index_sequence<transformer_count>{}));

 public:
  using input_type = typename stage_t<0>::input_type;
  using output_type = typename last_stage::output_type;
  using target_type = typename detail::target_of<last_stage>::type;  ///< void without a learner
  struct state_type {
    detail::state_pack<typename detail::stage_state<Stages>::type...> stages;
  };
  static const std::size_t memory_bytes;

  constexpr pipeline() noexcept = default;
  constexpr explicit pipeline(Stages... stages) noexcept : stages_(std::move(stages)...) {}

  /// Stage I, to read its statistics or set it up.
  template <std::size_t I>
  constexpr auto& stage() noexcept { return std::get<I>(stages_); }
  template <std::size_t I>
  constexpr const auto& stage() const noexcept { return std::get<I>(stages_); }

  /// The input as the last stage sees it, with the statistics learned so far.
  constexpr auto transform_to_last(const input_type& x) const noexcept {
    return transform_from<0>(x);
  }

  /// Prediction of the last stage (learner pipelines).
  constexpr output_type predict(const input_type& x) const noexcept
    requires ends_in_learner
  {
    return std::get<stage_count - 1>(stages_).predict(transform_from<0>(x));
  }

  /// Output of the last transformer (transformer-only pipelines).
  constexpr output_type transform(const input_type& x) const noexcept
    requires(!ends_in_learner)
  {
    return std::get<stage_count - 1>(stages_).transform(transform_from<0>(x));
  }

  template <class Target = target_type>
    requires ends_in_learner
  [[nodiscard]] constexpr status partial_fit(const input_type& x, const Target& y) noexcept {
    transformer_states saved{};
    save_from<0, transformer_count>(saved);
    const status s = fit_from<0>(x, y);
    if (s != status::ok) static_cast<void>(restore_from<0, transformer_count>(saved));
    return s;
  }

  [[nodiscard]] constexpr status partial_fit(const input_type& x) noexcept
    requires(!ends_in_learner)
  {
    transformer_states saved{};
    save_from<0, transformer_count>(saved);
    const status s = fit_from<0>(x);
    if (s != status::ok) static_cast<void>(restore_from<0, transformer_count>(saved));
    return s;
  }

  constexpr void reset() noexcept {
    std::apply([](auto&... s) { (s.reset(), ...); }, stages_);
  }

  /// Whole pipeline state (stages that are not persistable contribute nothing).
  state_type state() const noexcept { return save(); }
  /// Restores every stage; if one refuses, the stages restored before it are put back.
  [[nodiscard]] status restore(const state_type& s) noexcept {
    const state_type saved = save();
    const status result = restore_from<0, stage_count>(s.stages);
    if (result != status::ok) roll_back(saved);
    return result;
  }

 private:
  template <std::size_t I, class X>
  constexpr auto transform_from(const X& x) const noexcept {
    if constexpr (I == transformer_count)
      return x;
    else
      return transform_from<I + 1>(std::get<I>(stages_).transform(x));
  }

  template <std::size_t I, class X, class... Target>
  constexpr status fit_from(const X& x, const Target&... y) noexcept {
    auto& s = std::get<I>(stages_);
    if constexpr (I == transformer_count) {
      return s.partial_fit(x, y...);
    } else {
      EDGELOOP_TRY(s.partial_fit(x));
      return fit_from<I + 1>(s.transform(x), y...);
    }
  }

  state_type save() const noexcept {
    state_type out{};
    save_from<0, stage_count>(out.stages);
    return out;
  }
  void roll_back(const state_type& saved) noexcept {
    // A state that came from save() is always accepted by restore().
    static_cast<void>(restore_from<0, stage_count>(saved.stages));
  }
  template <std::size_t I, std::size_t End, class Pack>
  constexpr void save_from(Pack& out) const noexcept {
    if constexpr (I < End) {
      if constexpr (persistable<stage_t<I>>) detail::pack_get<I>(out) = std::get<I>(stages_).state();
      save_from<I + 1, End>(out);
    }
  }
  template <std::size_t I, std::size_t End, class Pack>
  constexpr status restore_from(const Pack& in) noexcept {
    if constexpr (I < End) {
      if constexpr (persistable<stage_t<I>>) EDGELOOP_TRY(std::get<I>(stages_).restore(detail::pack_get<I>(in)));
      return restore_from<I + 1, End>(in);
    } else {
      return status::ok;
    }
  }

  stages_tuple stages_{};
};

template <class... Stages>
constexpr std::size_t pipeline<Stages...>::memory_bytes = sizeof(pipeline<Stages...>);

/// Builds a pipeline from stage objects: make_pipeline(standard_scaler<float, 8>{}, model).
template <class... Stages>
constexpr pipeline<Stages...> make_pipeline(Stages... stages) noexcept {
  return pipeline<Stages...>(std::move(stages)...);
}

}  // namespace edgeloop
