#pragma once
/// Host only. decode_batch: the inverse of lifecycle/batch_encoder (format described
/// there). Checks the magic, version, coding, CRC-32 and that the coded values fill the
/// batch exactly; every value comes back as q * resolution (within resolution/2 of what
/// was encoded).

#include <cstddef>
#include <cstdint>
#include <cstring>
#include <string>
#include <vector>

#include "../lifecycle/batch_codec.hpp"
#include "../lifecycle/crc32.hpp"

namespace edgeloop::host {

enum class batch_decode_status : std::uint8_t {
  ok = 0,
  truncated,      ///< shorter than a header and CRC, or the values run past the end
  bad_magic,      ///< not "EB"
  bad_version,    ///< unknown format version or coding
  bad_crc,        ///< CRC-32 mismatch
  bad_values,     ///< a varint longer than 32 bits, or bytes left over after the last row
};

inline const char* to_string(batch_decode_status s) {
  switch (s) {
    case batch_decode_status::ok: return "ok";
    case batch_decode_status::truncated: return "truncated";
    case batch_decode_status::bad_magic: return "bad_magic";
    case batch_decode_status::bad_version: return "bad_version";
    case batch_decode_status::bad_crc: return "bad_crc";
    case batch_decode_status::bad_values: return "bad_values";
  }
  return "unknown";
}

struct decoded_batch {
  batch_decode_status status = batch_decode_status::truncated;
  unsigned channels = 0;
  batch_coding coding = batch_coding::rice;
  float resolution = 0.0f;
  std::uint32_t rows = 0;
  std::vector<double> values;  ///< rows * channels, row-major
  double at(std::size_t row, std::size_t channel) const { return values[row * channels + channel]; }
};

namespace detail {
class bit_reader {
 public:
  bit_reader(const std::uint8_t* p, std::size_t begin, std::size_t end) : p_(p), byte_(begin), end_(end) {}
  bool bit(unsigned& b) {
    if (byte_ >= end_) return false;
    b = (p_[byte_] >> (7 - bit_)) & 1u;
    if (++bit_ == 8) {
      bit_ = 0;
      ++byte_;
    }
    return true;
  }
  bool bits(unsigned n, std::uint32_t& v) {
    v = 0;
    for (unsigned i = 0; i < n; ++i) {
      unsigned b = 0;
      if (!bit(b)) return false;
      v = (v << 1) | b;
    }
    return true;
  }
  /// True when only zero padding bits remain in the current byte and nothing after it.
  bool at_padded_end() const {
    if (bit_ == 0) return byte_ == end_;
    if (byte_ + 1 != end_) return false;
    return (p_[byte_] & (0xFFu >> bit_)) == 0;
  }

 private:
  const std::uint8_t* p_;
  std::size_t byte_;
  std::size_t end_;
  unsigned bit_ = 0;
};
}  // namespace detail

inline decoded_batch decode_batch(const std::uint8_t* data, std::size_t n) {
  decoded_batch out;
  using edgeloop::detail::batch_crc_bytes;
  using edgeloop::detail::batch_header_bytes;
  if (n < batch_header_bytes + batch_crc_bytes) return out;  // truncated
  if (data[0] != 'E' || data[1] != 'B') {
    out.status = batch_decode_status::bad_magic;
    return out;
  }
  const auto get32 = [&](std::size_t at) {
    return std::uint32_t{data[at]} | std::uint32_t{data[at + 1]} << 8 | std::uint32_t{data[at + 2]} << 16 |
           std::uint32_t{data[at + 3]} << 24;
  };
  if (get32(n - batch_crc_bytes) != crc32_of(data, n - batch_crc_bytes)) {
    out.status = batch_decode_status::bad_crc;
    return out;
  }
  if (data[2] != edgeloop::detail::batch_version || data[4] > 1 || data[3] == 0) {
    out.status = batch_decode_status::bad_version;
    return out;
  }
  out.channels = data[3];
  out.coding = static_cast<batch_coding>(data[4]);
  const std::uint32_t rbits = get32(8);
  std::memcpy(&out.resolution, &rbits, 4);
  out.rows = get32(12);
  const double res = static_cast<double>(out.resolution);
  detail::bit_reader in(data, batch_header_bytes, n - batch_crc_bytes);
  std::vector<std::int64_t> prev(out.channels, 0);
  std::vector<edgeloop::detail::rice_state> rice(out.channels);
  out.values.reserve(std::size_t{out.rows} * out.channels);
  for (std::uint32_t r = 0; r < out.rows; ++r) {
    for (unsigned c = 0; c < out.channels; ++c) {
      std::uint32_t z = 0;
      if (out.coding == batch_coding::rice) {
        const unsigned k = rice[c].parameter();
        std::uint32_t q = 0;
        unsigned b = 1;
        while (q < edgeloop::detail::rice_escape) {
          if (!in.bit(b)) {
            out.status = batch_decode_status::truncated;
            return out;
          }
          if (!b) break;
          ++q;
        }
        std::uint32_t low = 0;
        if (q == edgeloop::detail::rice_escape) {
          if (!in.bits(32, z)) {
            out.status = batch_decode_status::truncated;
            return out;
          }
        } else {
          if (!in.bits(k, low)) {
            out.status = batch_decode_status::truncated;
            return out;
          }
          z = (q << k) | low;
        }
        rice[c].update(z, k);
      } else {
        std::uint64_t v = 0;
        for (unsigned shift = 0;; shift += 7) {
          std::uint32_t byte = 0;
          if (!in.bits(8, byte)) {
            out.status = batch_decode_status::truncated;
            return out;
          }
          if (shift > 28) {
            out.status = batch_decode_status::bad_values;
            return out;
          }
          v |= std::uint64_t{byte & 0x7Fu} << shift;
          if (!(byte & 0x80u)) break;
        }
        if (v > 0xFFFFFFFFu) {
          out.status = batch_decode_status::bad_values;
          return out;
        }
        z = static_cast<std::uint32_t>(v);
      }
      prev[c] += edgeloop::detail::unzigzag(z);
      out.values.push_back(static_cast<double>(prev[c]) * res);
    }
  }
  if (!in.at_padded_end()) {
    out.status = batch_decode_status::bad_values;
    return out;
  }
  out.status = batch_decode_status::ok;
  return out;
}

}  // namespace edgeloop::host
