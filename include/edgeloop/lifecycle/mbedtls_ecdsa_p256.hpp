#pragma once
/// mbedtls_ecdsa_p256: ECDSA over P-256 with SHA-256 for artifacts through mbedTLS's PSA
/// Crypto API (psa_verify_hash / psa_sign_hash, PSA_ALG_ECDSA(PSA_ALG_SHA_256)), the usual
/// library on microcontrollers. The artifact's SHA-256 digest is the signed hash; the
/// signature is r | s (2 x 32 bytes, big-endian), the public key the uncompressed point
/// 0x04 | X | Y (65 bytes). Optional adapter: link edgeloop::mbedtls_verifier
/// (cmake/edgeloop-crypto.cmake, defines EDGELOOP_HAVE_MBEDTLS=1). Without mbedTLS's
/// headers this file declares nothing. mbedTLS allocates through its own calloc while a
/// key is imported (on boards: MBEDTLS_MEMORY_BUFFER_ALLOC_C over a static buffer).
/// Memory: verifier 65 (public key) + 8 (key id) bytes.

#if __has_include(<psa/crypto.h>)
#include <psa/crypto.h>

#include <array>
#include <cstdint>

#include "../core/status.hpp"
#include "artifact_format.hpp"
#include "verifier.hpp"

namespace edgeloop {

using p256_public_key = std::array<std::uint8_t, 65>;

/// psa_crypto_init() (idempotent); false if the PSA core cannot start.
inline bool psa_ready() noexcept { return psa_crypto_init() == PSA_SUCCESS; }

class mbedtls_ecdsa_p256_verifier {
 public:
  explicit mbedtls_ecdsa_p256_verifier(const p256_public_key& pk) noexcept
      : pk_(pk), key_id_(artifact_key_id(pk.data(), pk.size())) {}

  artifact_status verify(const sha256_digest& digest, const signature_record& r) const noexcept {
    EDGELOOP_TRY_ARTIFACT(detail::check_record(r, signature_algorithm::ecdsa_p256_sha256, 64, key_id_));
    if (!psa_ready()) return artifact_status::bad_signature;
    psa_key_attributes_t attributes = PSA_KEY_ATTRIBUTES_INIT;
    psa_set_key_type(&attributes, PSA_KEY_TYPE_ECC_PUBLIC_KEY(PSA_ECC_FAMILY_SECP_R1));
    psa_set_key_bits(&attributes, 256);
    psa_set_key_usage_flags(&attributes, PSA_KEY_USAGE_VERIFY_HASH);
    psa_set_key_algorithm(&attributes, PSA_ALG_ECDSA(PSA_ALG_SHA_256));
    psa_key_id_t key = 0;
    if (psa_import_key(&attributes, pk_.data(), pk_.size(), &key) != PSA_SUCCESS) return artifact_status::unknown_key;
    const psa_status_t s =
        psa_verify_hash(key, PSA_ALG_ECDSA(PSA_ALG_SHA_256), digest.data(), digest.size(), r.signature.data(), 64);
    (void)psa_destroy_key(key);
    return s == PSA_SUCCESS ? artifact_status::ok : artifact_status::bad_signature;
  }
  const std::array<std::uint8_t, artifact::key_id_bytes>& key_id() const noexcept { return key_id_; }

 private:
  p256_public_key pk_;
  std::array<std::uint8_t, artifact::key_id_bytes> key_id_;
};

/// A P-256 key pair held by the PSA key store (volatile key, destroyed with the object):
/// generate() makes one from mbedTLS's RNG; sign() signs a digest. Host tests and tools.
class mbedtls_ecdsa_p256_signer {
 public:
  mbedtls_ecdsa_p256_signer() noexcept = default;
  ~mbedtls_ecdsa_p256_signer() {
    if (key_ != 0) (void)psa_destroy_key(key_);
  }
  mbedtls_ecdsa_p256_signer(const mbedtls_ecdsa_p256_signer&) = delete;
  mbedtls_ecdsa_p256_signer& operator=(const mbedtls_ecdsa_p256_signer&) = delete;

  status generate() noexcept {
    if (!psa_ready()) return status::not_ready;
    psa_key_attributes_t attributes = PSA_KEY_ATTRIBUTES_INIT;
    psa_set_key_type(&attributes, PSA_KEY_TYPE_ECC_KEY_PAIR(PSA_ECC_FAMILY_SECP_R1));
    psa_set_key_bits(&attributes, 256);
    psa_set_key_usage_flags(&attributes, PSA_KEY_USAGE_SIGN_HASH);
    psa_set_key_algorithm(&attributes, PSA_ALG_ECDSA(PSA_ALG_SHA_256));
    psa_key_id_t key = 0;
    if (psa_generate_key(&attributes, &key) != PSA_SUCCESS) return status::invalid_state;
    std::size_t length = 0;
    p256_public_key pk{};
    if (psa_export_public_key(key, pk.data(), pk.size(), &length) != PSA_SUCCESS || length != pk.size()) {
      (void)psa_destroy_key(key);
      return status::invalid_state;
    }
    if (key_ != 0) (void)psa_destroy_key(key_);
    key_ = key;
    pk_ = pk;
    key_id_ = artifact_key_id(pk.data(), pk.size());
    return status::ok;
  }

  const p256_public_key& public_key() const noexcept { return pk_; }

  status sign(const sha256_digest& digest, signature_record& r) const noexcept {
    if (key_ == 0) return status::not_ready;
    signature_record out;
    std::size_t length = 0;
    if (psa_sign_hash(key_, PSA_ALG_ECDSA(PSA_ALG_SHA_256), digest.data(), digest.size(), out.signature.data(),
                      out.signature.size(), &length) != PSA_SUCCESS ||
        length != 64)
      return status::invalid_state;
    out.algorithm = signature_algorithm::ecdsa_p256_sha256;
    out.signature_length = 64;
    out.key_id = key_id_;
    r = out;
    return status::ok;
  }

 private:
  psa_key_id_t key_ = 0;
  p256_public_key pk_{};
  std::array<std::uint8_t, artifact::key_id_bytes> key_id_{};
};

static_assert(verifier<mbedtls_ecdsa_p256_verifier>);
static_assert(signer<mbedtls_ecdsa_p256_signer>);

}  // namespace edgeloop

#endif  // __has_include(<psa/crypto.h>)
