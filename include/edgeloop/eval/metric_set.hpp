#pragma once
/// metric_set<Metrics...>: several streaming metrics fed with the same pairs, itself a
/// streaming_metric. update() checks every metric first, then updates them all, so it
/// keeps the strong guarantee (a non-ok status changed none of them).
/// Memory: the sum of the metrics (a std::tuple of them).

#include <cstddef>
#include <tuple>

#include "../core/status.hpp"
#include "confusion_matrix.hpp"
#include "metric.hpp"

namespace edgeloop {

template <class... Metrics>
class metric_set {
  static_assert(sizeof...(Metrics) >= 1, "metric_set needs at least one metric");

 public:
  static const std::size_t memory_bytes;

  constexpr metric_set() noexcept = default;

  template <class Truth, class Prediction>
  constexpr status check(const Truth& y, const Prediction& p) const noexcept {
    return std::apply(
        [&](const Metrics&... m) {
          status s = status::ok;
          ((s = (s == status::ok ? m.check(y, p) : s)), ...);
          return s;
        },
        metrics_);
  }

  template <class Truth, class Prediction>
  constexpr status update(const Truth& y, const Prediction& p) noexcept {
    if (const status s = check(y, p); s != status::ok) return s;
    std::apply([&](Metrics&... m) { (static_cast<void>(m.update(y, p)), ...); }, metrics_);
    return status::ok;
  }

  constexpr void reset() noexcept {
    std::apply([](Metrics&... m) { (m.reset(), ...); }, metrics_);
  }

  /// The I-th metric (std::get<I> on the tuple).
  template <std::size_t I>
  constexpr const auto& get() const noexcept { return std::get<I>(metrics_); }
  /// The metric of type M (must appear once).
  template <class M>
  constexpr const M& get() const noexcept { return std::get<M>(metrics_); }

  friend constexpr bool operator==(const metric_set&, const metric_set&) = default;

 private:
  std::tuple<Metrics...> metrics_{};
};

template <class... Metrics>
constexpr std::size_t metric_set<Metrics...>::memory_bytes = sizeof(metric_set<Metrics...>);

static_assert(streaming_metric<metric_set<confusion_matrix<2>, confusion_matrix<2, double>>, class_label, class_label>);

}  // namespace edgeloop
