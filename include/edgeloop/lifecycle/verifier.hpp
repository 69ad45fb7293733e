#pragma once
/// verifier and signer: the interface between artifacts and signature schemes. A verifier
/// checks a signature record against the artifact's SHA-256 digest; a signer (host side,
/// or a secure element) fills one. Implementations: sodium_ed25519.hpp (Ed25519 through
/// libsodium), mbedtls_ecdsa_p256.hpp (ECDSA P-256 through mbedTLS's PSA API); both are
/// optional adapters that CMake enables when the library is found (cmake/edgeloop-crypto.cmake).
/// There is deliberately no checksum or keyed-hash "verifier" in the library.

#include <concepts>

#include "../core/status.hpp"
#include "artifact_format.hpp"
#include "sha256.hpp"

namespace edgeloop {

/// verify(digest, record) returns ok only for a valid signature by the verifier's key over
/// the 32 digest bytes; otherwise unsigned_artifact, unsupported_algorithm,
/// bad_signature_record, unknown_key or bad_signature. Never throws, never allocates on
/// the caller's behalf beyond what its library does.
template <class V>
concept verifier = requires(const V& v, const sha256_digest& digest, const signature_record& record) {
  { v.verify(digest, record) } noexcept -> std::same_as<artifact_status>;
};

/// sign(digest, record) fills algorithm, signature_length, key_id and signature; ok or a
/// non-ok status (record unchanged).
template <class S>
concept signer = requires(const S& s, const sha256_digest& digest, signature_record& record) {
  { s.sign(digest, record) } noexcept -> std::same_as<status>;
};

namespace detail {

/// Checks the parts of a record every single-key verifier checks, in the order the
/// artifact format documents: algorithm, signature length, key id.
constexpr artifact_status check_record(const signature_record& r, signature_algorithm expected,
                                       std::uint16_t signature_length,
                                       const std::array<std::uint8_t, artifact::key_id_bytes>& key_id) noexcept {
  if (r.algorithm == signature_algorithm::none) return artifact_status::unsigned_artifact;
  if (r.algorithm != expected) return artifact_status::unsupported_algorithm;
  if (r.signature_length != signature_length) return artifact_status::bad_signature_record;
  if (r.key_id != key_id) return artifact_status::unknown_key;
  return artifact_status::ok;
}

}  // namespace detail

}  // namespace edgeloop

/// Returns the artifact_status `expr` from the enclosing function unless it is ok.
#define EDGELOOP_TRY_ARTIFACT(expr)                                        \
  do {                                                                     \
    if (const ::edgeloop::artifact_status edgeloop_try_a_ = (expr);        \
        edgeloop_try_a_ != ::edgeloop::artifact_status::ok)                \
      return edgeloop_try_a_;                                              \
  } while (false)
