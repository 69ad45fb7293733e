#pragma once
/// Host only. read_idx / read_idx_dataset: the IDX format of MNIST and Fashion-MNIST
/// (LeCun et al.): two zero bytes, a type byte (0x08 uint8, 0x09 int8, 0x0B int16,
/// 0x0C int32, 0x0D float32, 0x0E float64), a dimension count, the dimensions as
/// big-endian uint32, then the values big-endian in row-major order.
///
/// gzip-compressed files (*.gz, detected by their magic bytes) are read through zlib when
/// EDGELOOP_HOST_ZLIB is defined (then link zlib, e.g. CMake's ZLIB::ZLIB); without it a
/// gzip file is an error that says so. Errors throw parse_error "FILE: byte OFFSET: ..."
/// where OFFSET counts bytes of the (decompressed) IDX stream.

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <fstream>
#include <iterator>
#include <string>
#include <vector>

#include "dataset.hpp"

#if defined(EDGELOOP_HOST_ZLIB)
#include <zlib.h>
#endif

namespace edgeloop::host {

/// An IDX tensor: its shape and its values converted to float.
struct idx_array {
  std::vector<std::size_t> shape;
  std::vector<float> data;
  std::uint8_t type = 0;  ///< IDX type byte
  std::size_t size() const noexcept { return data.size(); }
};

namespace detail {

/// The whole file, decompressed when it is gzip.
inline std::vector<unsigned char> read_file_bytes(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) detail::fail(parse_error(path, "cannot open file"));
  std::vector<unsigned char> bytes((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  const bool gzip = bytes.size() >= 2 && bytes[0] == 0x1f && bytes[1] == 0x8b;
  if (!gzip) return bytes;
#if defined(EDGELOOP_HOST_ZLIB)
  std::vector<unsigned char> out;
  z_stream zs{};
  if (inflateInit2(&zs, 15 + 32) != Z_OK) detail::fail(parse_error(path, "zlib initialisation failed"));
  zs.next_in = bytes.data();
  zs.avail_in = static_cast<uInt>(bytes.size());
  unsigned char chunk[1 << 16];
  int rc = Z_OK;
  while (rc != Z_STREAM_END) {
    zs.next_out = chunk;
    zs.avail_out = sizeof(chunk);
    rc = inflate(&zs, Z_NO_FLUSH);
    if (rc != Z_OK && rc != Z_STREAM_END) {
      const std::size_t at = out.size() + (sizeof(chunk) - zs.avail_out);
      const std::string msg = zs.msg ? zs.msg : "truncated or corrupt data";
      inflateEnd(&zs);
      detail::fail(parse_error(path, at, "gzip: " + msg));
    }
    out.insert(out.end(), chunk, chunk + (sizeof(chunk) - zs.avail_out));
    if (rc != Z_STREAM_END && zs.avail_in == 0 && zs.avail_out != 0) {
      inflateEnd(&zs);
      detail::fail(parse_error(path, out.size(), "gzip: truncated stream"));
    }
  }
  inflateEnd(&zs);
  return out;
#else
  detail::fail(parse_error(path, 0, "gzip-compressed IDX needs zlib (define EDGELOOP_HOST_ZLIB and link zlib)"));
#endif
}

/// Bytes per value of an IDX type byte; 0 for an unknown type.
constexpr std::size_t idx_element_size(std::uint8_t type) noexcept {
  switch (type) {
    case 0x08: case 0x09: return 1;
    case 0x0B: return 2;
    case 0x0C: case 0x0D: return 4;
    case 0x0E: return 8;
    default: return 0;
  }
}

inline std::uint32_t big_endian_u32(const unsigned char* p) {
  return (std::uint32_t(p[0]) << 24) | (std::uint32_t(p[1]) << 16) | (std::uint32_t(p[2]) << 8) | std::uint32_t(p[3]);
}

}  // namespace detail

/// Parses an IDX stream held in memory; `name` is used in error messages.
inline idx_array parse_idx(const std::vector<unsigned char>& bytes, const std::string& name) {
  if (bytes.size() < 4) detail::fail(parse_error(name, bytes.size(), "truncated header (need 4 bytes)"));
  if (bytes[0] != 0 || bytes[1] != 0) detail::fail(parse_error(name, bytes[0] != 0 ? 0 : 1, "bad magic (expected two zero bytes)"));
  idx_array a;
  a.type = bytes[2];
  const std::size_t elem = detail::idx_element_size(a.type);
  if (elem == 0) detail::fail(parse_error(name, 2, "unknown IDX type byte " + std::to_string(a.type)));
  const std::size_t dims = bytes[3];
  if (dims == 0) detail::fail(parse_error(name, 3, "zero dimensions"));
  const std::size_t header = 4 + 4 * dims;
  if (bytes.size() < header) detail::fail(parse_error(name, bytes.size(), "truncated header (dimensions)"));
  std::size_t count = 1;
  for (std::size_t d = 0; d < dims; ++d) {
    const std::size_t n = detail::big_endian_u32(&bytes[4 + 4 * d]);
    a.shape.push_back(n);
    if (n != 0 && count > (std::size_t(1) << 40) / n) detail::fail(parse_error(name, 4 + 4 * d, "tensor too large"));
    count *= n;
  }
  const std::size_t expected = header + count * elem;
  if (bytes.size() < expected)
    detail::fail(parse_error(name, bytes.size(), "truncated data: expected " + std::to_string(expected) + " bytes, found " +
                                              std::to_string(bytes.size())));
  if (bytes.size() > expected)
    detail::fail(parse_error(name, expected, std::to_string(bytes.size() - expected) + " unexpected trailing bytes"));
  a.data.resize(count);
  const unsigned char* p = bytes.data() + header;
  for (std::size_t i = 0; i < count; ++i, p += elem) {
    std::uint64_t u = 0;
    for (std::size_t b = 0; b < elem; ++b) u = (u << 8) | p[b];
    switch (a.type) {
      case 0x08: a.data[i] = static_cast<float>(u); break;
      case 0x09: a.data[i] = static_cast<float>(static_cast<std::int8_t>(u)); break;
      case 0x0B: a.data[i] = static_cast<float>(static_cast<std::int16_t>(u)); break;
      case 0x0C: a.data[i] = static_cast<float>(static_cast<std::int32_t>(u)); break;
      case 0x0D: {
        const auto w = static_cast<std::uint32_t>(u);
        float f;
        std::memcpy(&f, &w, sizeof f);
        a.data[i] = f;
        break;
      }
      default: {
        double d;
        std::memcpy(&d, &u, sizeof d);
        a.data[i] = static_cast<float>(d);
        break;
      }
    }
  }
  return a;
}

/// Reads the IDX file (plain or gzip) at `path`.
inline idx_array read_idx(const std::string& path) { return parse_idx(detail::read_file_bytes(path), path); }

/// An image file (N x d1 x d2 ...) and a label file (N, integer labels) as a dataset:
/// one row of d1*d2*... raw values per image (uint8 pixels stay 0..255), classes
/// "0" .. "max label". Scalar: the rows' type (the values pass through idx_array's float,
/// exact for the integer element types and float32).
template <class Scalar = float>
basic_dataset<Scalar> read_idx_dataset(const std::string& images_path, const std::string& labels_path) {
  const idx_array images = read_idx(images_path);
  const idx_array labels = read_idx(labels_path);
  if (labels.shape.size() != 1) detail::fail(parse_error(labels_path, 3, "labels must be one-dimensional"));
  const std::size_t n = images.shape[0];
  if (labels.shape[0] != n)
    detail::fail(parse_error(labels_path, 4, "label count " + std::to_string(labels.shape[0]) + " differs from image count " +
                                          std::to_string(n) + " in " + images_path));
  const std::size_t d = n == 0 ? 0 : images.size() / n;
  basic_dataset<Scalar> out;
  for (std::size_t j = 0; j < d; ++j) out.features.push_back(feature_info{"px" + std::to_string(j), false, 0, {}});
  out.target_name = "label";
  out.task = task_kind::classification;
  std::size_t classes = 0;
  const std::size_t label_header = 4 + 4 * labels.shape.size();
  for (std::size_t i = 0; i < n; ++i) {
    const float y = labels.data[i];
    if (!(y >= 0.0f) || y != static_cast<float>(static_cast<std::size_t>(y)) || y > 65535.0f)
      detail::fail(parse_error(labels_path, label_header + i * detail::idx_element_size(labels.type),
                        "label " + std::to_string(y) + " is not a class index"));
    classes = std::max(classes, static_cast<std::size_t>(y) + 1);
    out.targets.push_back(static_cast<double>(y));
    out.rows.emplace_back(images.data.begin() + static_cast<std::ptrdiff_t>(i * d),
                          images.data.begin() + static_cast<std::ptrdiff_t>((i + 1) * d));
  }
  for (std::size_t c = 0; c < classes; ++c) out.class_names.push_back(std::to_string(c));
  return out;
}

}  // namespace edgeloop::host
