#pragma once
/// artifact_writer: lays out an artifact (header, payload, SHA-256 digest, signature
/// record) in a caller buffer, and signs it with any `signer`. write_artifact() leaves the
/// record unsigned (algorithm none): an artifact can be packed on one machine and signed
/// on another (tools/edgeloop-artifact pack / sign). Memory: a sha256 on the stack.

#include <cstddef>
#include <cstdint>

#include "../core/status.hpp"
#include "artifact_format.hpp"
#include "sha256.hpp"
#include "verifier.hpp"

namespace edgeloop {

/// What the header says about the payload (magic, format version, sizes are filled in).
struct artifact_info {
  std::uint32_t model_kind = 0;
  std::uint64_t type_hash = 0;
  std::uint32_t model_version = 0;
  std::uint32_t security_counter = 0;
  std::uint64_t creation_time = 0;
};

/// Writes header | payload | digest | unsigned record into out[0, capacity). On ok,
/// `written` = artifact::total_bytes(payload_length). buffer_too_small or bad_length (a
/// payload above 4 GiB - 1) write nothing.
inline artifact_status write_artifact(const artifact_info& info, const std::uint8_t* payload,
                                      std::size_t payload_length, std::uint8_t* out, std::size_t capacity,
                                      std::size_t& written) noexcept {
  written = 0;
  if (payload_length > 0xFFFFFFFFu) return artifact_status::bad_length;
  const std::size_t total = artifact::total_bytes(payload_length);
  if (capacity < total) return artifact_status::buffer_too_small;
  artifact_header h;
  h.model_kind = info.model_kind;
  h.type_hash = info.type_hash;
  h.model_version = info.model_version;
  h.security_counter = info.security_counter;
  h.payload_length = static_cast<std::uint32_t>(payload_length);
  h.creation_time = info.creation_time;
  const auto hb = encode_header(h);
  std::size_t at = 0;
  for (const std::uint8_t b : hb) out[at++] = b;
  for (std::size_t i = 0; i < payload_length; ++i) out[at++] = payload[i];
  const sha256_digest d = sha256::hash(out, at);
  for (const std::uint8_t b : d) out[at++] = b;
  const auto rb = encode_signature_record(signature_record{});
  for (const std::uint8_t b : rb) out[at++] = b;
  written = at;
  return artifact_status::ok;
}

/// The offset of the digest in an artifact whose header says `payload_length`.
constexpr std::size_t artifact_digest_offset(std::size_t payload_length) noexcept {
  return artifact::header_bytes + payload_length;
}

/// Recomputes the digest of a complete artifact of `size` bytes, checks it matches the
/// stored one, and writes the signer's record. truncated / bad_magic / bad_length if size
/// and header disagree, digest_mismatch if the stored digest is wrong, bad_signature if
/// the signer fails; the artifact is unchanged on every refusal.
template <signer S>
artifact_status sign_artifact(std::uint8_t* artifact_bytes, std::size_t size, const S& s) noexcept {
  if (size < artifact::overhead_bytes) return artifact_status::truncated;
  const artifact_header h = decode_header(artifact_bytes);
  if (h.magic != artifact::magic) return artifact_status::bad_magic;
  if (artifact::total_bytes(h.payload_length) != size) return artifact_status::bad_length;
  const std::size_t at = artifact_digest_offset(h.payload_length);
  const sha256_digest d = sha256::hash(artifact_bytes, at);
  for (std::size_t i = 0; i < d.size(); ++i)
    if (artifact_bytes[at + i] != d[i]) return artifact_status::digest_mismatch;
  signature_record r;
  if (s.sign(d, r) != status::ok) return artifact_status::bad_signature;
  const auto rb = encode_signature_record(r);
  for (std::size_t i = 0; i < rb.size(); ++i) artifact_bytes[at + artifact::digest_bytes + i] = rb[i];
  return artifact_status::ok;
}

}  // namespace edgeloop
