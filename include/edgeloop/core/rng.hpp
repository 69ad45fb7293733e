#pragma once
/// Seedable pseudo-random generator whose sequence is bit-identical on every platform
/// (host, Cortex-M0/M4/M33): xoshiro128** 1.1 (Blackman & Vigna 2018), seeded through
/// splitmix64. Only 32-bit integer arithmetic in next(); 16 bytes of state.
/// uniform() and uniform_int() are exact functions of the integer sequence and therefore
/// identical everywhere; normal() goes through the C library's log/sin/cos and may
/// differ in the last bit between C libraries.

#include <array>
#include <cmath>
#include <cstdint>
#include <limits>

#include "assert.hpp"
#include "status.hpp"

namespace edgeloop {

class rng {
 public:
  using result_type = std::uint32_t;
  struct state_type {
    std::array<std::uint32_t, 4> words;
  };

  constexpr rng() noexcept : rng(0x5EED5EEDu) {}
  constexpr explicit rng(std::uint64_t seed) noexcept { this->seed(seed); }

  constexpr void seed(std::uint64_t seed) noexcept {
    std::uint64_t x = seed;
    for (std::size_t i = 0; i < 4; i += 2) {
      const std::uint64_t z = splitmix64(x);
      s_[i] = static_cast<std::uint32_t>(z);
      s_[i + 1] = static_cast<std::uint32_t>(z >> 32);
    }
    if ((s_[0] | s_[1] | s_[2] | s_[3]) == 0) s_[0] = 1;  // the all-zero state is a fixed point
  }

  static constexpr result_type min() noexcept { return 0; }
  static constexpr result_type max() noexcept { return std::numeric_limits<result_type>::max(); }

  /// Next 32 random bits (UniformRandomBitGenerator, so <random> distributions work too).
  constexpr result_type operator()() noexcept { return next(); }
  constexpr result_type next() noexcept {
    const std::uint32_t result = rotl(s_[1] * 5u, 7) * 9u;
    const std::uint32_t t = s_[1] << 9;
    s_[2] ^= s_[0];
    s_[3] ^= s_[1];
    s_[1] ^= s_[2];
    s_[0] ^= s_[3];
    s_[2] ^= t;
    s_[3] = rotl(s_[3], 11);
    return result;
  }

  /// Uniform in [0, 1): float from 24 random bits, double from 53.
  template <class Scalar = float>
  constexpr Scalar uniform() noexcept {
    if constexpr (sizeof(Scalar) <= 4) {
      return static_cast<Scalar>(next() >> 8) * Scalar(1.0f / 16777216.0f);
    } else {
      const std::uint64_t hi = next() >> 5, lo = next() >> 6;  // 27 + 26 bits
      return static_cast<Scalar>((hi << 26) | lo) * Scalar(1.0 / 9007199254740992.0);
    }
  }
  /// Uniform in [lo, hi).
  template <class Scalar>
  constexpr Scalar uniform(Scalar lo, Scalar hi) noexcept {
    return lo + (hi - lo) * uniform<Scalar>();
  }

  /// Uniform integer in [0, n), without modulo bias (Lemire 2019). n > 0.
  constexpr std::uint32_t uniform_int(std::uint32_t n) noexcept {
    EDGELOOP_ASSERT(n > 0, "rng::uniform_int needs n > 0");
    std::uint64_t m = std::uint64_t{next()} * n;
    auto low = static_cast<std::uint32_t>(m);
    if (low < n) {
      const std::uint32_t threshold = static_cast<std::uint32_t>(-n) % n;
      while (low < threshold) {
        m = std::uint64_t{next()} * n;
        low = static_cast<std::uint32_t>(m);
      }
    }
    return static_cast<std::uint32_t>(m >> 32);
  }

  /// True with probability p.
  template <class Scalar>
  constexpr bool bernoulli(Scalar p) noexcept { return uniform<Scalar>() < p; }

  /// Standard normal (Box-Muller; the second value of each pair is cached).
  template <class Scalar = float>
  Scalar normal() noexcept {
    if (has_spare_) {
      has_spare_ = false;
      return static_cast<Scalar>(spare_);
    }
    constexpr double two_pi = 6.283185307179586476925286766559;
    const double u1 = 1.0 - uniform<double>();  // (0, 1]: log stays finite
    const double u2 = uniform<double>();
    const double r = std::sqrt(-2.0 * std::log(u1));
    spare_ = r * std::sin(two_pi * u2);
    has_spare_ = true;
    return static_cast<Scalar>(r * std::cos(two_pi * u2));
  }
  template <class Scalar>
  Scalar normal(Scalar mean, Scalar stddev) noexcept { return mean + stddev * normal<Scalar>(); }

  /// Fisher-Yates shuffle of any random-access range.
  template <class Range>
  constexpr void shuffle(Range& r) noexcept {
    const auto n = static_cast<std::uint32_t>(std::size(r));
    for (std::uint32_t i = n; i > 1; --i) {
      const std::uint32_t j = uniform_int(i);
      auto tmp = r[i - 1];
      r[i - 1] = r[j];
      r[j] = tmp;
    }
  }

  constexpr state_type state() const noexcept { return {s_}; }
  constexpr status restore(const state_type& s) noexcept {
    if ((s.words[0] | s.words[1] | s.words[2] | s.words[3]) == 0) return status::invalid_state;
    s_ = s.words;
    has_spare_ = false;
    return status::ok;
  }

 private:
  static constexpr std::uint32_t rotl(std::uint32_t x, int k) noexcept {
    return (x << k) | (x >> (32 - k));
  }
  static constexpr std::uint64_t splitmix64(std::uint64_t& x) noexcept {
    std::uint64_t z = (x += 0x9E3779B97F4A7C15ull);
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
    return z ^ (z >> 31);
  }

  std::array<std::uint32_t, 4> s_{};
  double spare_ = 0.0;
  bool has_spare_ = false;
};

}  // namespace edgeloop
