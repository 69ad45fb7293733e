#pragma once
/// Vector with a fixed capacity and the storage inside the object (no heap).
/// Elements must be default-constructible (storage is a std::array); size() <= Capacity.
/// push_back on a full vector is a caller bug (assert); try_push_back reports it instead.

#include <array>
#include <cstddef>
#include <initializer_list>
#include <type_traits>

#include "assert.hpp"

namespace edgeloop {

template <class T, std::size_t Capacity>
class static_vector {
 public:
  using value_type = T;
  using size_type = std::size_t;
  using iterator = T*;
  using const_iterator = const T*;

  constexpr static_vector() noexcept = default;
  constexpr static_vector(std::initializer_list<T> values) noexcept {
    EDGELOOP_ASSERT(values.size() <= Capacity, "static_vector: initializer too long");
    for (const T& v : values) data_[size_++] = v;
  }

  static constexpr size_type capacity() noexcept { return Capacity; }
  constexpr size_type size() const noexcept { return size_; }
  constexpr bool empty() const noexcept { return size_ == 0; }
  constexpr bool full() const noexcept { return size_ == Capacity; }

  constexpr T& operator[](size_type i) noexcept {
    EDGELOOP_ASSERT(i < size_, "static_vector: index out of range");
    return data_[i];
  }
  constexpr const T& operator[](size_type i) const noexcept {
    EDGELOOP_ASSERT(i < size_, "static_vector: index out of range");
    return data_[i];
  }
  constexpr T& front() noexcept { return (*this)[0]; }
  constexpr T& back() noexcept { return (*this)[size_ - 1]; }
  constexpr const T& front() const noexcept { return (*this)[0]; }
  constexpr const T& back() const noexcept { return (*this)[size_ - 1]; }

  constexpr T* data() noexcept { return data_.data(); }
  constexpr const T* data() const noexcept { return data_.data(); }
  constexpr iterator begin() noexcept { return data_.data(); }
  constexpr iterator end() noexcept { return data_.data() + size_; }
  constexpr const_iterator begin() const noexcept { return data_.data(); }
  constexpr const_iterator end() const noexcept { return data_.data() + size_; }

  /// Appends `v`; returns false (and changes nothing) when full.
  [[nodiscard]] constexpr bool try_push_back(const T& v) noexcept {
    if (full()) return false;
    data_[size_++] = v;
    return true;
  }
  constexpr void push_back(const T& v) noexcept {
    EDGELOOP_ASSERT(!full(), "static_vector: push_back on a full vector");
    data_[size_++] = v;
  }
  constexpr void pop_back() noexcept {
    EDGELOOP_ASSERT(!empty(), "static_vector: pop_back on an empty vector");
    --size_;
  }
  /// Removes element i by moving the last element into its place (O(1), order not kept).
  constexpr void swap_remove(size_type i) noexcept {
    EDGELOOP_ASSERT(i < size_, "static_vector: index out of range");
    data_[i] = data_[size_ - 1];
    --size_;
  }
  constexpr void resize(size_type n, const T& fill = T{}) noexcept {
    EDGELOOP_ASSERT(n <= Capacity, "static_vector: resize beyond capacity");
    for (size_type i = size_; i < n; ++i) data_[i] = fill;
    size_ = n;
  }
  constexpr void clear() noexcept { size_ = 0; }

  friend constexpr bool operator==(const static_vector& a, const static_vector& b) noexcept {
    if (a.size_ != b.size_) return false;
    for (size_type i = 0; i < a.size_; ++i)
      if (!(a.data_[i] == b.data_[i])) return false;
    return true;
  }

 private:
  std::array<T, Capacity> data_{};
  size_type size_ = 0;
};

}  // namespace edgeloop
