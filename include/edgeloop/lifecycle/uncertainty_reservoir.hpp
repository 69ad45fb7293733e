#pragma once
/// uncertainty_reservoir<T, Capacity>: a reservoir that prefers the samples the model was
/// unsure about, for labelling and retraining in the cloud. Weighted reservoir sampling
/// A-Res (Efraimidis & Spirakis 2006): item i gets the key u_i^(1/w_i) with u_i uniform in
/// (0, 1] and the Capacity largest keys are kept (compared as ln(u_i)/w_i, the same
/// order). The rule: w_i = certain_weight + uncertainty_i, where the caller's uncertainty
/// is in [0, 1] (e.g. 1 - the top class probability, or 1 - |margin| clipped) and
/// certain_weight > 0 keeps some confidently-classified samples too. With Capacity = 1
/// item i is the one kept with probability w_i / sum(w); with equal weights this is a
/// uniform sample like Algorithm R. Default certain_weight = 0.1: a maximally uncertain
/// sample weighs 11 times a certain one. Memory: Capacity*(sizeof(T) + 4) + 16 bytes.

#include <array>
#include <cmath>
#include <cstddef>
#include <cstdint>

#include "../core/assert.hpp"
#include "../core/numeric.hpp"
#include "../core/rng.hpp"
#include "../core/status.hpp"

namespace edgeloop {

template <class T, std::size_t Capacity>
class uncertainty_reservoir {
  static_assert(Capacity > 0, "uncertainty_reservoir: capacity must be positive");

 public:
  using value_type = T;
  static constexpr std::size_t capacity = Capacity;
  static const std::size_t memory_bytes;

  struct params {
    float certain_weight = 0.1f;  ///< weight of a sample with uncertainty 0; > 0, finite
  };
  static status validate(const params& p) noexcept {
    return (is_finite(p.certain_weight) && p.certain_weight > 0.0f) ? status::ok : status::invalid_argument;
  }

  explicit uncertainty_reservoir(const params& p = {}) noexcept : p_(p) {
    EDGELOOP_ASSERT(validate(p) == status::ok, "uncertainty_reservoir: invalid params");
  }

  /// Offers x with the model's uncertainty about it. non_finite_input or invalid_argument
  /// (uncertainty outside [0, 1]) change nothing (not even the generator); ok otherwise,
  /// with `kept` (optional) telling whether x was stored.
  status offer(const T& x, float uncertainty, rng& r, bool* kept = nullptr) noexcept {
    if (!is_finite(uncertainty)) return status::non_finite_input;
    if (uncertainty < 0.0f || uncertainty > 1.0f) return status::invalid_argument;
    const float w = p_.certain_weight + uncertainty;
    const float u = 1.0f - r.uniform<float>();  // (0, 1]
    const float key = std::log(u) / w;          // <= 0; larger keeps
    if (seen_ < 0xFFFFFFFFu) ++seen_;
    bool stored = false;
    if (size_ < Capacity) {
      items_[size_] = x;
      keys_[size_] = key;
      ++size_;
      stored = true;
    } else {
      std::size_t lowest = 0;
      for (std::size_t i = 1; i < Capacity; ++i)
        if (keys_[i] < keys_[lowest]) lowest = i;
      if (key > keys_[lowest]) {
        items_[lowest] = x;
        keys_[lowest] = key;
        stored = true;
      }
    }
    if (kept) *kept = stored;
    return status::ok;
  }

  std::size_t size() const noexcept { return size_; }
  bool full() const noexcept { return size_ == Capacity; }
  std::uint32_t seen() const noexcept { return seen_; }
  const T& operator[](std::size_t i) const noexcept {
    EDGELOOP_ASSERT(i < size_, "uncertainty_reservoir: index out of range");
    return items_[i];
  }
  const T* begin() const noexcept { return items_.data(); }
  const T* end() const noexcept { return items_.data() + size_; }
  void reset() noexcept {
    size_ = 0;
    seen_ = 0;
  }

 private:
  params p_;
  std::array<T, Capacity> items_{};
  std::array<float, Capacity> keys_{};
  std::size_t size_ = 0;
  std::uint32_t seen_ = 0;
};

template <class T, std::size_t Capacity>
constexpr std::size_t uncertainty_reservoir<T, Capacity>::memory_bytes = sizeof(uncertainty_reservoir<T, Capacity>);

}  // namespace edgeloop
