#pragma once
/// sha256: SHA-256 message digest (NIST FIPS 180-4, section 6.2), streaming: update() takes
/// chunks of any size, finish() pads and returns the 32-byte digest. No heap, no tables
/// beyond the 64 round constants. Memory: 32 (state) + 64 (block) + 8 (length) + 8 bytes.

#include <array>
#include <cstddef>
#include <cstdint>

namespace edgeloop {

/// A SHA-256 digest (32 bytes, big-endian words as FIPS 180-4 prints them).
using sha256_digest = std::array<std::uint8_t, 32>;

class sha256 {
 public:
  static constexpr std::size_t digest_bytes = 32;
  static constexpr std::size_t block_bytes = 64;
  static const std::size_t memory_bytes;

  constexpr sha256() noexcept { reset(); }

  /// Starts a new message.
  constexpr void reset() noexcept {
    h_ = {0x6a09e667u, 0xbb67ae85u, 0x3c6ef372u, 0xa54ff53au,
          0x510e527fu, 0x9b05688cu, 0x1f83d9abu, 0x5be0cd19u};
    block_ = {};
    total_bytes_ = 0;
    fill_ = 0;
  }

  /// Appends `size` bytes (any size, including 0) to the message.
  constexpr void update(const std::uint8_t* data, std::size_t size) noexcept {
    total_bytes_ += size;
    std::size_t i = 0;
    if (fill_ != 0) {
      while (i < size && fill_ < block_bytes) block_[fill_++] = data[i++];
      if (fill_ < block_bytes) return;
      compress(block_.data());
      fill_ = 0;
    }
    for (; size - i >= block_bytes; i += block_bytes) compress(data + i);
    while (i < size) block_[fill_++] = data[i++];
  }

  /// Pads the message (a 1 bit, zeros, the 64-bit big-endian bit length) and returns the
  /// digest. The object must be reset() before it hashes another message.
  constexpr sha256_digest finish() noexcept {
    const std::uint64_t bits = total_bytes_ * 8u;
    block_[fill_++] = 0x80u;
    if (fill_ > block_bytes - 8) {
      while (fill_ < block_bytes) block_[fill_++] = 0;
      compress(block_.data());
      fill_ = 0;
    }
    while (fill_ < block_bytes - 8) block_[fill_++] = 0;
    for (int k = 7; k >= 0; --k) block_[fill_++] = static_cast<std::uint8_t>(bits >> (8 * k));
    compress(block_.data());
    fill_ = 0;
    sha256_digest out{};
    for (std::size_t w = 0; w < 8; ++w)
      for (std::size_t b = 0; b < 4; ++b)
        out[4 * w + b] = static_cast<std::uint8_t>(h_[w] >> (24 - 8 * b));
    return out;
  }

  /// One-shot digest of a buffer.
  static constexpr sha256_digest hash(const std::uint8_t* data, std::size_t size) noexcept {
    sha256 h;
    h.update(data, size);
    return h.finish();
  }

 private:
  static constexpr std::uint32_t rotr(std::uint32_t x, unsigned n) noexcept {
    return (x >> n) | (x << (32u - n));
  }

  constexpr void compress(const std::uint8_t* p) noexcept {
    constexpr std::uint32_t k[64] = {
        0x428a2f98u, 0x71374491u, 0xb5c0fbcfu, 0xe9b5dba5u, 0x3956c25bu, 0x59f111f1u, 0x923f82a4u, 0xab1c5ed5u,
        0xd807aa98u, 0x12835b01u, 0x243185beu, 0x550c7dc3u, 0x72be5d74u, 0x80deb1feu, 0x9bdc06a7u, 0xc19bf174u,
        0xe49b69c1u, 0xefbe4786u, 0x0fc19dc6u, 0x240ca1ccu, 0x2de92c6fu, 0x4a7484aau, 0x5cb0a9dcu, 0x76f988dau,
        0x983e5152u, 0xa831c66du, 0xb00327c8u, 0xbf597fc7u, 0xc6e00bf3u, 0xd5a79147u, 0x06ca6351u, 0x14292967u,
        0x27b70a85u, 0x2e1b2138u, 0x4d2c6dfcu, 0x53380d13u, 0x650a7354u, 0x766a0abbu, 0x81c2c92eu, 0x92722c85u,
        0xa2bfe8a1u, 0xa81a664bu, 0xc24b8b70u, 0xc76c51a3u, 0xd192e819u, 0xd6990624u, 0xf40e3585u, 0x106aa070u,
        0x19a4c116u, 0x1e376c08u, 0x2748774cu, 0x34b0bcb5u, 0x391c0cb3u, 0x4ed8aa4au, 0x5b9cca4fu, 0x682e6ff3u,
        0x748f82eeu, 0x78a5636fu, 0x84c87814u, 0x8cc70208u, 0x90befffau, 0xa4506cebu, 0xbef9a3f7u, 0xc67178f2u};
    // Message schedule as a 16-word ring (64 bytes of stack instead of 256).
    std::uint32_t w[16] = {};
    for (std::size_t t = 0; t < 16; ++t)
      w[t] = (static_cast<std::uint32_t>(p[4 * t]) << 24) | (static_cast<std::uint32_t>(p[4 * t + 1]) << 16) |
             (static_cast<std::uint32_t>(p[4 * t + 2]) << 8) | static_cast<std::uint32_t>(p[4 * t + 3]);
    std::uint32_t a = h_[0], b = h_[1], c = h_[2], d = h_[3], e = h_[4], f = h_[5], g = h_[6], h = h_[7];
    for (std::size_t t = 0; t < 64; ++t) {
      if (t >= 16) {
        const std::uint32_t w15 = w[(t - 15) & 15u], w2 = w[(t - 2) & 15u];
        const std::uint32_t s0 = rotr(w15, 7) ^ rotr(w15, 18) ^ (w15 >> 3);
        const std::uint32_t s1 = rotr(w2, 17) ^ rotr(w2, 19) ^ (w2 >> 10);
        w[t & 15u] = w[t & 15u] + s0 + w[(t - 7) & 15u] + s1;
      }
      const std::uint32_t big_s1 = rotr(e, 6) ^ rotr(e, 11) ^ rotr(e, 25);
      const std::uint32_t ch = (e & f) ^ (~e & g);
      const std::uint32_t t1 = h + big_s1 + ch + k[t] + w[t & 15u];
      const std::uint32_t big_s0 = rotr(a, 2) ^ rotr(a, 13) ^ rotr(a, 22);
      const std::uint32_t maj = (a & b) ^ (a & c) ^ (b & c);
      const std::uint32_t t2 = big_s0 + maj;
      h = g;
      g = f;
      f = e;
      e = d + t1;
      d = c;
      c = b;
      b = a;
      a = t1 + t2;
    }
    h_[0] += a;
    h_[1] += b;
    h_[2] += c;
    h_[3] += d;
    h_[4] += e;
    h_[5] += f;
    h_[6] += g;
    h_[7] += h;
  }

  std::array<std::uint32_t, 8> h_{};
  std::array<std::uint8_t, 64> block_{};
  std::uint64_t total_bytes_ = 0;
  std::size_t fill_ = 0;
};

inline constexpr std::size_t sha256::memory_bytes = sizeof(sha256);

}  // namespace edgeloop
