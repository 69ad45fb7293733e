#pragma once
/// batch_encoder<Channels>: packs rows of sensor values (or features) into a compact
/// upload batch for the radio, into a caller buffer, without heap.
///
/// 1. Fixed-point quantization with a stated resolution r: q = floor(x / r + 0.5), so
///    the decoder's q * r is within r/2 of x (|x / r| must stay below 2^30).
/// 2. Per channel, the delta to the previous row (the first row: to 0), zigzag-mapped
///    to an unsigned integer (0, -1, 1, -2, ... -> 0, 1, 2, 3, ...).
/// 3. Either LEB128 varints (byte-aligned, batch_coding::varint) or adaptive Golomb-Rice
///    codes (batch_coding::rice, the default): value v with parameter k is v >> k in
///    unary (ones, then a zero) and the low k bits; k per channel is the smallest with
///    N << k >= A, where A sums the past values and N counts them (both halved when N
///    reaches 32; the LOCO-I rule, Weinberger, Seroussi & Sapiro 2000). A quotient of
///    24 or more is written as 24 ones and the value in 32 bits, and adds only
///    24 << k to A (a single spike does not spoil the following codes).
/// 4. CRC-32 (IEEE) of everything before it, at the end.
///
/// Batch layout (little-endian): "EB", version 1, channels, coding (0 varint, 1 rice),
/// 3 zero bytes, resolution (float32), row count (uint32), the coded values row by row,
/// zero bits to a byte boundary, CRC-32. The host decoder is host/batch_decoder.hpp.
/// Memory: 24 + 12*Channels bytes (plus the caller's buffer).

#include <array>
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <cstring>

#include "../core/numeric.hpp"
#include "../core/status.hpp"
#include "crc32.hpp"

namespace edgeloop {

enum class batch_coding : std::uint8_t { varint = 0, rice = 1 };

namespace detail {
inline constexpr std::size_t batch_header_bytes = 16;
inline constexpr std::size_t batch_crc_bytes = 4;
inline constexpr std::uint8_t batch_version = 1;
inline constexpr std::uint32_t rice_escape = 24;
inline constexpr std::uint32_t rice_reset = 32;
inline constexpr double batch_max_quantum = 1073741824.0;  // 2^30

constexpr std::uint32_t zigzag(std::int64_t d) noexcept {
  return static_cast<std::uint32_t>(d >= 0 ? static_cast<std::uint64_t>(d) << 1
                                           : (static_cast<std::uint64_t>(-(d + 1)) << 1) | 1u);
}
constexpr std::int64_t unzigzag(std::uint32_t z) noexcept {
  return (z & 1u) ? -static_cast<std::int64_t>(z >> 1) - 1 : static_cast<std::int64_t>(z >> 1);
}

/// LOCO-I style adaptive Rice parameter (shared by encoder and decoder).
struct rice_state {
  std::uint32_t a = 4;  ///< sum of recent values
  std::uint32_t n = 1;  ///< number of recent values
  constexpr unsigned parameter() const noexcept {
    unsigned k = 0;
    while (k < 24 && (std::uint64_t{n} << k) < a) ++k;
    return k;
  }
  /// Learns from value v coded with parameter k; an escaped value counts as the
  /// escape threshold, so that one spike does not inflate k for the following values.
  constexpr void update(std::uint32_t v, unsigned k) noexcept {
    const std::uint64_t cap = std::uint64_t{rice_escape} << k;
    const std::uint64_t s = std::uint64_t{a} + (v < cap ? v : cap);
    a = s > 0xFFFFFFFFu ? 0xFFFFFFFFu : static_cast<std::uint32_t>(s);
    if (++n >= rice_reset) {
      a >>= 1;
      n >>= 1;
    }
  }
};
}  // namespace detail

template <std::size_t Channels>
class batch_encoder {
  static_assert(Channels > 0 && Channels <= 255, "batch_encoder: 1 to 255 channels");

 public:
  using row_type = std::array<float, Channels>;
  static constexpr std::size_t channels = Channels;
  /// Smallest buffer that holds an empty batch.
  static constexpr std::size_t min_buffer_bytes = detail::batch_header_bytes + detail::batch_crc_bytes;
  static const std::size_t memory_bytes;

  struct params {
    float resolution = 0.01f;  ///< quantization step; finite, > 0
    batch_coding coding = batch_coding::rice;
  };
  static status validate(const params& p) noexcept {
    if (!is_finite(p.resolution) || !(p.resolution > 0.0f)) return status::invalid_argument;
    if (p.coding != batch_coding::varint && p.coding != batch_coding::rice) return status::invalid_argument;
    return status::ok;
  }

  /// Starts a batch in buffer[0, capacity). invalid_argument (bad params, null buffer) or
  /// capacity_exceeded (capacity < min_buffer_bytes); the encoder is then not started.
  status start(std::uint8_t* buffer, std::size_t capacity, const params& p = {}) noexcept {
    if (validate(p) != status::ok || buffer == nullptr) return status::invalid_argument;
    if (capacity < min_buffer_bytes) return status::capacity_exceeded;
    buf_ = buffer;
    limit_ = capacity - detail::batch_crc_bytes;
    p_ = p;
    res_ = static_cast<double>(p.resolution);
    s_ = {};
    s_.byte = detail::batch_header_bytes;
    finished_ = false;
    return status::ok;
  }

  /// Appends one row. non_finite_input, invalid_argument (not started, finished, or a
  /// value beyond 2^30 resolution steps) or capacity_exceeded (the row and the CRC do not
  /// fit: finish this batch and start another) leave the batch exactly as it was.
  status add(const row_type& x) noexcept {
    if (buf_ == nullptr || finished_) return status::invalid_argument;
    std::array<std::int32_t, Channels> q{};
    for (std::size_t c = 0; c < Channels; ++c) {
      if (!is_finite(x[c])) return status::non_finite_input;
      const double v = std::floor(static_cast<double>(x[c]) / res_ + 0.5);
      if (!(v > -detail::batch_max_quantum && v < detail::batch_max_quantum)) return status::invalid_argument;
      q[c] = static_cast<std::int32_t>(v);
    }
    const stream saved = s_;
    const std::uint8_t saved_byte = s_.byte < limit_ ? buf_[s_.byte] : 0;
    for (std::size_t c = 0; c < Channels; ++c) {
      const std::uint32_t z = detail::zigzag(std::int64_t{q[c]} - s_.prev[c]);
      const bool fits = p_.coding == batch_coding::rice ? put_rice(z, s_.rice[c]) : put_varint(z);
      if (!fits) {
        s_ = saved;
        if (s_.byte < limit_) buf_[s_.byte] = saved_byte;
        return status::capacity_exceeded;
      }
      s_.prev[c] = q[c];
    }
    ++s_.rows;
    return status::ok;
  }

  /// Completes the header and appends the CRC; `bytes` gets the batch size. Afterwards
  /// add() is refused until the next start().
  status finish(std::size_t& bytes) noexcept {
    if (buf_ == nullptr || finished_) return status::invalid_argument;
    const std::size_t end = s_.byte + (s_.bit > 0 ? 1 : 0);
    buf_[0] = 'E';
    buf_[1] = 'B';
    buf_[2] = detail::batch_version;
    buf_[3] = static_cast<std::uint8_t>(Channels);
    buf_[4] = static_cast<std::uint8_t>(p_.coding);
    buf_[5] = buf_[6] = buf_[7] = 0;
    std::uint32_t rbits = 0;
    std::memcpy(&rbits, &p_.resolution, 4);
    put32(buf_ + 8, rbits);
    put32(buf_ + 12, s_.rows);
    put32(buf_ + end, crc32_of(buf_, end));
    bytes = end + detail::batch_crc_bytes;
    finished_ = true;
    return status::ok;
  }

  std::uint32_t rows() const noexcept { return s_.rows; }
  /// Bytes the batch would have if finished now.
  std::size_t size() const noexcept {
    return s_.byte + (s_.bit > 0 ? 1 : 0) + detail::batch_crc_bytes;
  }
  const params& parameters() const noexcept { return p_; }

 private:
  struct stream {
    std::size_t byte = detail::batch_header_bytes;  ///< current byte
    unsigned bit = 0;                               ///< bits used in it (MSB first)
    std::uint32_t rows = 0;
    std::array<std::int32_t, Channels> prev{};
    std::array<detail::rice_state, Channels> rice{};
  };

  static void put32(std::uint8_t* p, std::uint32_t v) noexcept {
    for (int i = 0; i < 4; ++i) p[i] = static_cast<std::uint8_t>(v >> (8 * i));
  }

  bool put_bit(unsigned b) noexcept {
    if (s_.byte >= limit_) return false;
    if (s_.bit == 0) buf_[s_.byte] = 0;
    if (b) buf_[s_.byte] = static_cast<std::uint8_t>(buf_[s_.byte] | (0x80u >> s_.bit));
    if (++s_.bit == 8) {
      s_.bit = 0;
      ++s_.byte;
    }
    return true;
  }
  bool put_bits(std::uint32_t v, unsigned n) noexcept {
    for (unsigned i = n; i-- > 0;)
      if (!put_bit((v >> i) & 1u)) return false;
    return true;
  }
  bool put_rice(std::uint32_t z, detail::rice_state& st) noexcept {
    const unsigned k = st.parameter();
    const std::uint32_t quotient = z >> k;
    if (quotient >= detail::rice_escape) {
      for (std::uint32_t i = 0; i < detail::rice_escape; ++i)
        if (!put_bit(1)) return false;
      if (!put_bits(z, 32)) return false;
    } else {
      for (std::uint32_t i = 0; i < quotient; ++i)
        if (!put_bit(1)) return false;
      if (!put_bit(0) || !put_bits(z & ((std::uint32_t{1} << k) - 1u), k)) return false;
    }
    st.update(z, k);
    return true;
  }
  bool put_varint(std::uint32_t z) noexcept {
    do {
      const std::uint32_t low = z & 0x7Fu;
      z >>= 7;
      if (!put_bits(low | (z ? 0x80u : 0u), 8)) return false;
    } while (z);
    return true;
  }

  std::uint8_t* buf_ = nullptr;
  std::size_t limit_ = 0;
  params p_{};
  double res_ = 0.01;
  stream s_{};
  bool finished_ = false;
};

template <std::size_t Channels>
constexpr std::size_t batch_encoder<Channels>::memory_bytes = sizeof(batch_encoder<Channels>);

}  // namespace edgeloop
