#pragma once
/// class_reservoir<T, PerClass, Classes>: one Algorithm R reservoir per class label, so
/// rare classes keep PerClass samples however skewed the stream is (stratified reservoir
/// sampling). Within class c, every item is kept with probability min(1, PerClass/n_c).
/// Memory: Classes * reservoir<T, PerClass>::memory_bytes.

#include <array>
#include <cstddef>

#include "../core/assert.hpp"
#include "../core/numeric.hpp"
#include "../core/rng.hpp"
#include "../core/status.hpp"
#include "reservoir.hpp"

namespace edgeloop {

template <class T, std::size_t PerClass, std::size_t Classes>
class class_reservoir {
  static_assert(Classes > 0, "class_reservoir: at least one class");

 public:
  static constexpr std::size_t classes = Classes;
  static const std::size_t memory_bytes;

  /// label_out_of_range (nothing changes) or ok; `kept` (optional) tells whether x was stored.
  status offer(const T& x, class_label label, rng& r, bool* kept = nullptr) noexcept {
    if (label >= Classes) return status::label_out_of_range;
    const bool k = per_class_[label].offer(x, r);
    if (kept) *kept = k;
    return status::ok;
  }
  const reservoir<T, PerClass>& of_class(class_label c) const noexcept {
    EDGELOOP_ASSERT(c < Classes, "class_reservoir: class out of range");
    return per_class_[c];
  }
  std::size_t size() const noexcept {
    std::size_t n = 0;
    for (const auto& r : per_class_) n += r.size();
    return n;
  }
  void reset() noexcept {
    for (auto& r : per_class_) r.reset();
  }

 private:
  std::array<reservoir<T, PerClass>, Classes> per_class_{};
};

template <class T, std::size_t PerClass, std::size_t Classes>
constexpr std::size_t class_reservoir<T, PerClass, Classes>::memory_bytes = sizeof(class_reservoir<T, PerClass, Classes>);

}  // namespace edgeloop
