#pragma once
/// artifact_format: the byte layout of a signed model artifact (docs/artifact-format.md),
/// its little-endian field codecs, the type hash and the outcome of parsing one.
///
///   header (48 B) | payload (payload_length B) | SHA-256(header|payload) (32 B) | signature record (76 B)
///
/// The header and the signature record are encoded field by field in little-endian order,
/// whatever the compiler. The payload is a persistable model's state_type as its bytes on a
/// little-endian target (static_assert in model_payload); its layout (size, alignment) and
/// the model's type descriptor are bound into the header's type_hash.

#include <array>
#include <concepts>
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "sha256.hpp"

namespace edgeloop {

/// Why an artifact was accepted or refused. Every refusal left the target model untouched.
enum class artifact_status : std::uint8_t {
  ok = 0,
  bad_magic,               ///< header magic is not "ELAF"
  unsupported_version,     ///< format_version is not one this parser reads
  bad_header,              ///< header_size, flags or reserved fields not as specified
  wrong_model_kind,        ///< made for another model family
  wrong_type,              ///< type_hash differs: other capacities, scalar, state layout or pipeline
  rolled_back,             ///< security_counter below the device's minimum (anti-rollback)
  bad_length,              ///< payload_length not the expected one or above the parser's capacity
  digest_mismatch,         ///< SHA-256 over header and payload differs from the stored digest
  unsigned_artifact,       ///< signature algorithm 0 (packed but never signed)
  unsupported_algorithm,   ///< a signature algorithm this verifier does not check
  bad_signature_record,    ///< signature_length not valid for the algorithm
  unknown_key,             ///< key_id is not the verifier's key
  bad_signature,           ///< the signature does not verify
  truncated,               ///< finish() before the whole artifact arrived
  trailing_data,           ///< bytes after the end of the artifact
  model_rejected,          ///< verified, but the model's restore() refused the state
  buffer_too_small,        ///< writer: output buffer smaller than the artifact
};

constexpr const char* to_string(artifact_status s) noexcept {
  switch (s) {
    case artifact_status::ok: return "ok";
    case artifact_status::bad_magic: return "bad_magic";
    case artifact_status::unsupported_version: return "unsupported_version";
    case artifact_status::bad_header: return "bad_header";
    case artifact_status::wrong_model_kind: return "wrong_model_kind";
    case artifact_status::wrong_type: return "wrong_type";
    case artifact_status::rolled_back: return "rolled_back";
    case artifact_status::bad_length: return "bad_length";
    case artifact_status::digest_mismatch: return "digest_mismatch";
    case artifact_status::unsigned_artifact: return "unsigned_artifact";
    case artifact_status::unsupported_algorithm: return "unsupported_algorithm";
    case artifact_status::bad_signature_record: return "bad_signature_record";
    case artifact_status::unknown_key: return "unknown_key";
    case artifact_status::bad_signature: return "bad_signature";
    case artifact_status::truncated: return "truncated";
    case artifact_status::trailing_data: return "trailing_data";
    case artifact_status::model_rejected: return "model_rejected";
    case artifact_status::buffer_too_small: return "buffer_too_small";
  }
  return "unknown";
}

/// Signature algorithms of the signature record.
enum class signature_algorithm : std::uint16_t {
  none = 0,            ///< not signed yet (artifact_writer output before sign_artifact)
  ed25519 = 1,         ///< Ed25519 (RFC 8032) over the 32 digest bytes as the message
  ecdsa_p256_sha256 = 2,  ///< ECDSA P-256, the digest as the hash, signature r|s (2 x 32 B big-endian)
};

namespace artifact {

inline constexpr std::uint32_t magic = 0x46414C45u;  ///< "ELAF" as little-endian bytes
inline constexpr std::uint16_t format_version = 1;
inline constexpr std::size_t header_bytes = 48;
inline constexpr std::size_t digest_bytes = 32;
inline constexpr std::size_t max_signature_bytes = 64;
inline constexpr std::size_t key_id_bytes = 8;
inline constexpr std::size_t signature_record_bytes = 2 + 2 + key_id_bytes + max_signature_bytes;  // 76
inline constexpr std::size_t overhead_bytes = header_bytes + digest_bytes + signature_record_bytes;  // 156

/// Total artifact size for a payload of `payload_length` bytes.
constexpr std::size_t total_bytes(std::size_t payload_length) noexcept { return overhead_bytes + payload_length; }

// Header field offsets (docs/artifact-format.md).
inline constexpr std::size_t off_magic = 0;
inline constexpr std::size_t off_format_version = 4;
inline constexpr std::size_t off_header_size = 6;
inline constexpr std::size_t off_model_kind = 8;
inline constexpr std::size_t off_flags = 12;
inline constexpr std::size_t off_type_hash = 16;
inline constexpr std::size_t off_model_version = 24;
inline constexpr std::size_t off_security_counter = 28;
inline constexpr std::size_t off_payload_length = 32;
inline constexpr std::size_t off_reserved = 36;
inline constexpr std::size_t off_creation_time = 40;

// Signature record field offsets, relative to the record.
inline constexpr std::size_t off_algorithm = 0;
inline constexpr std::size_t off_signature_length = 2;
inline constexpr std::size_t off_key_id = 4;
inline constexpr std::size_t off_signature = 12;

}  // namespace artifact

/// Decoded header. model_kind, type_hash and payload_length must match the receiver's
/// expectation; security_counter must be at least its minimum; model_version and
/// creation_time are informative (covered by digest and signature).
struct artifact_header {
  std::uint32_t magic = artifact::magic;
  std::uint16_t format_version = artifact::format_version;
  std::uint16_t header_size = static_cast<std::uint16_t>(artifact::header_bytes);
  std::uint32_t model_kind = 0;
  std::uint32_t flags = 0;  ///< 0 in format version 1
  std::uint64_t type_hash = 0;
  std::uint32_t model_version = 0;
  std::uint32_t security_counter = 0;
  std::uint32_t payload_length = 0;
  std::uint32_t reserved = 0;  ///< 0
  std::uint64_t creation_time = 0;  ///< seconds since 1970-01-01 UTC (informative)
};

/// Decoded signature record.
struct signature_record {
  signature_algorithm algorithm = signature_algorithm::none;
  std::uint16_t signature_length = 0;
  std::array<std::uint8_t, artifact::key_id_bytes> key_id{};
  std::array<std::uint8_t, artifact::max_signature_bytes> signature{};
};

namespace detail {

template <std::unsigned_integral T>
constexpr void store_le(std::uint8_t* p, T v) noexcept {
  for (std::size_t i = 0; i < sizeof(T); ++i) p[i] = static_cast<std::uint8_t>(v >> (8 * i));
}

template <std::unsigned_integral T>
constexpr T load_le(const std::uint8_t* p) noexcept {
  T v = 0;
  for (std::size_t i = 0; i < sizeof(T); ++i) v = static_cast<T>(v | static_cast<T>(static_cast<T>(p[i]) << (8 * i)));
  return v;
}

/// FNV-1a, 64 bit (Fowler, Noll, Vo), continued from `h`.
constexpr std::uint64_t fnv1a64(std::string_view s, std::uint64_t h = 0xcbf29ce484222325ull) noexcept {
  for (const char c : s) {
    h ^= static_cast<std::uint8_t>(c);
    h *= 0x100000001b3ull;
  }
  return h;
}

constexpr std::uint64_t fnv1a64_u32(std::uint32_t v, std::uint64_t h) noexcept {
  for (std::size_t i = 0; i < 4; ++i) {
    h ^= static_cast<std::uint8_t>(v >> (8 * i));
    h *= 0x100000001b3ull;
  }
  return h;
}

}  // namespace detail

/// The header as its 48 little-endian bytes.
constexpr std::array<std::uint8_t, artifact::header_bytes> encode_header(const artifact_header& h) noexcept {
  std::array<std::uint8_t, artifact::header_bytes> b{};
  detail::store_le(b.data() + artifact::off_magic, h.magic);
  detail::store_le(b.data() + artifact::off_format_version, h.format_version);
  detail::store_le(b.data() + artifact::off_header_size, h.header_size);
  detail::store_le(b.data() + artifact::off_model_kind, h.model_kind);
  detail::store_le(b.data() + artifact::off_flags, h.flags);
  detail::store_le(b.data() + artifact::off_type_hash, h.type_hash);
  detail::store_le(b.data() + artifact::off_model_version, h.model_version);
  detail::store_le(b.data() + artifact::off_security_counter, h.security_counter);
  detail::store_le(b.data() + artifact::off_payload_length, h.payload_length);
  detail::store_le(b.data() + artifact::off_reserved, h.reserved);
  detail::store_le(b.data() + artifact::off_creation_time, h.creation_time);
  return b;
}

/// Decodes 48 header bytes (no validation: see artifact_parser).
constexpr artifact_header decode_header(const std::uint8_t* b) noexcept {
  artifact_header h;
  h.magic = detail::load_le<std::uint32_t>(b + artifact::off_magic);
  h.format_version = detail::load_le<std::uint16_t>(b + artifact::off_format_version);
  h.header_size = detail::load_le<std::uint16_t>(b + artifact::off_header_size);
  h.model_kind = detail::load_le<std::uint32_t>(b + artifact::off_model_kind);
  h.flags = detail::load_le<std::uint32_t>(b + artifact::off_flags);
  h.type_hash = detail::load_le<std::uint64_t>(b + artifact::off_type_hash);
  h.model_version = detail::load_le<std::uint32_t>(b + artifact::off_model_version);
  h.security_counter = detail::load_le<std::uint32_t>(b + artifact::off_security_counter);
  h.payload_length = detail::load_le<std::uint32_t>(b + artifact::off_payload_length);
  h.reserved = detail::load_le<std::uint32_t>(b + artifact::off_reserved);
  h.creation_time = detail::load_le<std::uint64_t>(b + artifact::off_creation_time);
  return h;
}

/// The signature record as its 76 little-endian bytes (unused signature bytes are zero).
constexpr std::array<std::uint8_t, artifact::signature_record_bytes> encode_signature_record(
    const signature_record& r) noexcept {
  std::array<std::uint8_t, artifact::signature_record_bytes> b{};
  detail::store_le(b.data() + artifact::off_algorithm, static_cast<std::uint16_t>(r.algorithm));
  detail::store_le(b.data() + artifact::off_signature_length, r.signature_length);
  for (std::size_t i = 0; i < artifact::key_id_bytes; ++i) b[artifact::off_key_id + i] = r.key_id[i];
  for (std::size_t i = 0; i < artifact::max_signature_bytes; ++i) b[artifact::off_signature + i] = r.signature[i];
  return b;
}

constexpr signature_record decode_signature_record(const std::uint8_t* b) noexcept {
  signature_record r;
  r.algorithm = static_cast<signature_algorithm>(detail::load_le<std::uint16_t>(b + artifact::off_algorithm));
  r.signature_length = detail::load_le<std::uint16_t>(b + artifact::off_signature_length);
  for (std::size_t i = 0; i < artifact::key_id_bytes; ++i) r.key_id[i] = b[artifact::off_key_id + i];
  for (std::size_t i = 0; i < artifact::max_signature_bytes; ++i) r.signature[i] = b[artifact::off_signature + i];
  return r;
}

/// The type hash: FNV-1a 64 over the model's type descriptor (family, scalar, capacities,
/// e.g. "standard_scaler<float,4>"), a 0 byte, the preprocessing pipeline's descriptor
/// (empty when none), and the state layout (size and alignment of state_type, 32-bit LE
/// each). Two artifacts for models that differ in any of these never share a hash, up to
/// FNV collisions (the hash protects against mistakes; the signature against attackers).
constexpr std::uint64_t artifact_type_hash(std::string_view model_descriptor, std::string_view pipeline_descriptor,
                                           std::size_t state_size, std::size_t state_align) noexcept {
  std::uint64_t h = detail::fnv1a64(model_descriptor);
  h = detail::fnv1a64(std::string_view("\0", 1), h);
  h = detail::fnv1a64(pipeline_descriptor, h);
  h = detail::fnv1a64_u32(static_cast<std::uint32_t>(state_size), h);
  return detail::fnv1a64_u32(static_cast<std::uint32_t>(state_align), h);
}

/// Key identifier: the first 8 bytes of SHA-256 over the public key's bytes.
constexpr std::array<std::uint8_t, artifact::key_id_bytes> artifact_key_id(const std::uint8_t* public_key,
                                                                           std::size_t size) noexcept {
  const sha256_digest d = sha256::hash(public_key, size);
  std::array<std::uint8_t, artifact::key_id_bytes> id{};
  for (std::size_t i = 0; i < id.size(); ++i) id[i] = d[i];
  return id;
}

}  // namespace edgeloop
