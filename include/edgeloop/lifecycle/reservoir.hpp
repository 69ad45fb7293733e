#pragma once
/// reservoir<T, Capacity>: uniform sample of a stream of unknown length (Algorithm R,
/// Vitter 1985, after Waterman): the first Capacity items are kept; item n > Capacity
/// replaces a random slot with probability Capacity/n, so after n items every item is in
/// the sample with probability min(1, Capacity/n). Randomness from edgeloop::rng, so the
/// sample is identical on every platform. The count saturates at 2^32 - 1 (from then on
/// new items are offered as the 2^32 - 1-th). Memory: Capacity*sizeof(T) + 8 bytes.

#include <array>
#include <cstddef>
#include <cstdint>

#include "../core/assert.hpp"
#include "../core/rng.hpp"

namespace edgeloop {

template <class T, std::size_t Capacity>
class reservoir {
  static_assert(Capacity > 0 && Capacity < 0xFFFFFFFFu, "reservoir: capacity out of range");

 public:
  using value_type = T;
  static constexpr std::size_t capacity = Capacity;
  static const std::size_t memory_bytes;

  /// Offers one item; returns true when it was stored (appended or replacing one).
  bool offer(const T& x, rng& r) noexcept {
    if (seen_ < 0xFFFFFFFFu) ++seen_;
    if (size_ < Capacity) {
      items_[size_++] = x;
      return true;
    }
    const std::uint32_t j = r.uniform_int(seen_);
    if (j >= Capacity) return false;
    items_[j] = x;
    return true;
  }

  std::size_t size() const noexcept { return size_; }
  bool empty() const noexcept { return size_ == 0; }
  bool full() const noexcept { return size_ == Capacity; }
  /// Items offered since construction or reset().
  std::uint32_t seen() const noexcept { return seen_; }
  const T& operator[](std::size_t i) const noexcept {
    EDGELOOP_ASSERT(i < size_, "reservoir: index out of range");
    return items_[i];
  }
  const T* begin() const noexcept { return items_.data(); }
  const T* end() const noexcept { return items_.data() + size_; }
  void reset() noexcept {
    size_ = 0;
    seen_ = 0;
  }

 private:
  std::array<T, Capacity> items_{};
  std::size_t size_ = 0;
  std::uint32_t seen_ = 0;
};

template <class T, std::size_t Capacity>
constexpr std::size_t reservoir<T, Capacity>::memory_bytes = sizeof(reservoir<T, Capacity>);

}  // namespace edgeloop
