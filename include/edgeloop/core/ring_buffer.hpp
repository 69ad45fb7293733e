#pragma once
/// Fixed-capacity FIFO over an array (no heap). push() on a full buffer overwrites the
/// oldest element and hands it back, which is what sliding-window statistics need.
/// Index 0 is the oldest element, size()-1 the newest.

#include <array>
#include <cstddef>

#include "assert.hpp"

namespace edgeloop {

template <class T, std::size_t Capacity>
class ring_buffer {
  static_assert(Capacity > 0, "ring_buffer needs a capacity of at least 1");

 public:
  using value_type = T;
  using size_type = std::size_t;

  static constexpr size_type capacity() noexcept { return Capacity; }
  constexpr size_type size() const noexcept { return size_; }
  constexpr bool empty() const noexcept { return size_ == 0; }
  constexpr bool full() const noexcept { return size_ == Capacity; }

  /// Appends `v`. When full, the oldest element is dropped; it is written to *evicted if
  /// that is not null. Returns true when an element was evicted.
  constexpr bool push(const T& v, T* evicted = nullptr) noexcept {
    const bool was_full = full();
    if (was_full && evicted) *evicted = data_[head_];
    data_[wrap(head_ + size_)] = v;  // when full this is the slot of the oldest element
    if (was_full)
      head_ = wrap(head_ + 1);
    else
      ++size_;
    return was_full;
  }

  /// Removes and returns the oldest element.
  constexpr T pop_front() noexcept {
    EDGELOOP_ASSERT(!empty(), "ring_buffer: pop_front on an empty buffer");
    const T v = data_[head_];
    head_ = wrap(head_ + 1);
    --size_;
    return v;
  }

  constexpr const T& operator[](size_type i) const noexcept {
    EDGELOOP_ASSERT(i < size_, "ring_buffer: index out of range");
    return data_[wrap(head_ + i)];
  }
  constexpr T& operator[](size_type i) noexcept {
    EDGELOOP_ASSERT(i < size_, "ring_buffer: index out of range");
    return data_[wrap(head_ + i)];
  }
  constexpr const T& front() const noexcept { return (*this)[0]; }
  constexpr const T& back() const noexcept { return (*this)[size_ - 1]; }

  constexpr void clear() noexcept { head_ = size_ = 0; }

  /// Copies the contents, oldest first, into out[0..size()).
  template <class Out>
  constexpr void copy_to(Out& out) const noexcept {
    for (size_type i = 0; i < size_; ++i) out[i] = (*this)[i];
  }

 private:
  static constexpr size_type wrap(size_type i) noexcept { return i >= Capacity ? i - Capacity : i; }

  std::array<T, Capacity> data_{};
  size_type head_ = 0;
  size_type size_ = 0;
};

}  // namespace edgeloop
