#pragma once
// Stream generators shared by the drift tests.
//
// python_random reproduces CPython's `random.Random(seed)` for a small non-negative integer
// seed (MT19937 seeded by init_by_array with the seed's 32-bit words, random() from two
// 32-bit outputs as 53 bits), so River's docstring examples, which draw their streams with
// `rng.choices(...)`, can be regenerated bit for bit. Written from the published MT19937
// algorithm (Matsumoto & Nishimura 1998).

#include <array>
#include <cstddef>
#include <cstdint>

namespace edgeloop::test {

class python_random {
 public:
  explicit python_random(std::uint32_t seed) noexcept { reseed(seed); }

  /// random.seed(seed) for 0 <= seed < 2^32.
  void reseed(std::uint32_t seed) noexcept {
    init_genrand(19650218u);
    // init_by_array with key = {seed}
    std::size_t i = 1, j = 0;
    for (std::size_t k = n; k > 0; --k) {
      mt_[i] = (mt_[i] ^ ((mt_[i - 1] ^ (mt_[i - 1] >> 30)) * 1664525u)) + seed + static_cast<std::uint32_t>(j);
      ++i;
      j = 0;  // key length 1
      if (i >= n) {
        mt_[0] = mt_[n - 1];
        i = 1;
      }
    }
    for (std::size_t k = n - 1; k > 0; --k) {
      mt_[i] = (mt_[i] ^ ((mt_[i - 1] ^ (mt_[i - 1] >> 30)) * 1566083941u)) - static_cast<std::uint32_t>(i);
      ++i;
      if (i >= n) {
        mt_[0] = mt_[n - 1];
        i = 1;
      }
    }
    mt_[0] = 0x80000000u;
    index_ = n;
  }

  std::uint32_t genrand() noexcept {
    if (index_ >= n) twist();
    std::uint32_t y = mt_[index_++];
    y ^= y >> 11;
    y ^= (y << 7) & 0x9d2c5680u;
    y ^= (y << 15) & 0xefc60000u;
    y ^= y >> 18;
    return y;
  }

  /// random.random(): uniform double in [0, 1) with 53 bits.
  double random() noexcept {
    const double a = static_cast<double>(genrand() >> 5), b = static_cast<double>(genrand() >> 6);
    return (a * 67108864.0 + b) * (1.0 / 9007199254740992.0);
  }

  /// One draw of rng.choices(range(lo, lo + count)) (no weights): lo + floor(random() * count).
  int choice(int lo, int count) noexcept { return lo + static_cast<int>(random() * static_cast<double>(count)); }

 private:
  static constexpr std::size_t n = 624, m = 397;
  void init_genrand(std::uint32_t s) noexcept {
    mt_[0] = s;
    for (std::size_t i = 1; i < n; ++i)
      mt_[i] = 1812433253u * (mt_[i - 1] ^ (mt_[i - 1] >> 30)) + static_cast<std::uint32_t>(i);
  }
  void twist() noexcept {
    for (std::size_t k = 0; k < n; ++k) {
      const std::uint32_t y = (mt_[k] & 0x80000000u) | (mt_[(k + 1) % n] & 0x7fffffffu);
      mt_[k] = mt_[(k + m) % n] ^ (y >> 1) ^ ((y & 1u) ? 0x9908b0dfu : 0u);
    }
    index_ = 0;
  }
  std::array<std::uint32_t, n> mt_{};
  std::size_t index_ = n;
};

/// One generator for all drift tests (2.5 KB: static, not on a board's small stack).
inline python_random& shared_python_random() {
  static python_random gen(0u);
  return gen;
}

/// River's docstring stream: random.Random(12345); choices([0, 1], k=1000) + choices(range(4, 8), k=1000).
/// Calls f(index, value) for each of the 2000 values.
template <class F>
void river_example_stream(F&& f) {
  python_random& gen = shared_python_random();
  gen.reseed(12345u);
  for (int i = 0; i < 1000; ++i) f(i, gen.choice(0, 2));
  for (int i = 1000; i < 2000; ++i) f(i, gen.choice(4, 4));
}

}  // namespace edgeloop::test
