#pragma once
/// sodium_ed25519: Ed25519 (RFC 8032) signatures for artifacts through libsodium
/// (crypto_sign_detached / crypto_sign_verify_detached), host side. The signed message is
/// the artifact's 32-byte SHA-256 digest. Optional adapter: link edgeloop::sodium_verifier
/// (cmake/edgeloop-crypto.cmake, defines EDGELOOP_HAVE_SODIUM=1). Without libsodium's
/// header this file declares nothing.
/// Memory: verifier 32 (public key) + 8 (key id); signer 64 (secret key) + 8.

#if __has_include(<sodium.h>)
#include <sodium.h>

#include <array>
#include <cstdint>
#include <cstring>

#include "../core/status.hpp"
#include "artifact_format.hpp"
#include "verifier.hpp"

namespace edgeloop {

using ed25519_public_key = std::array<std::uint8_t, 32>;
using ed25519_secret_key = std::array<std::uint8_t, 64>;  ///< libsodium's seed | public key

/// True once libsodium is initialised (idempotent; false only if its RNG cannot start).
inline bool sodium_ready() noexcept { return sodium_init() >= 0; }

/// Generates a key pair from the system RNG (host only).
inline status ed25519_keygen(ed25519_public_key& pk, ed25519_secret_key& sk) noexcept {
  if (!sodium_ready()) return status::not_ready;
  return crypto_sign_keypair(pk.data(), sk.data()) == 0 ? status::ok : status::invalid_state;
}

class sodium_ed25519_verifier {
 public:
  explicit sodium_ed25519_verifier(const ed25519_public_key& pk) noexcept
      : pk_(pk), key_id_(artifact_key_id(pk.data(), pk.size())) {}

  artifact_status verify(const sha256_digest& digest, const signature_record& r) const noexcept {
    EDGELOOP_TRY_ARTIFACT(detail::check_record(r, signature_algorithm::ed25519, 64, key_id_));
    if (!sodium_ready()) return artifact_status::bad_signature;
    return crypto_sign_verify_detached(r.signature.data(), digest.data(), digest.size(), pk_.data()) == 0
               ? artifact_status::ok
               : artifact_status::bad_signature;
  }
  const std::array<std::uint8_t, artifact::key_id_bytes>& key_id() const noexcept { return key_id_; }

 private:
  ed25519_public_key pk_;
  std::array<std::uint8_t, artifact::key_id_bytes> key_id_;
};

class sodium_ed25519_signer {
 public:
  explicit sodium_ed25519_signer(const ed25519_secret_key& sk) noexcept : sk_(sk) {
    ed25519_public_key pk{};
    std::memcpy(pk.data(), sk.data() + 32, pk.size());  // libsodium keeps the public key in the upper half
    key_id_ = artifact_key_id(pk.data(), pk.size());
  }
  ~sodium_ed25519_signer() { sodium_memzero(sk_.data(), sk_.size()); }
  sodium_ed25519_signer(const sodium_ed25519_signer&) = default;
  sodium_ed25519_signer& operator=(const sodium_ed25519_signer&) = default;

  status sign(const sha256_digest& digest, signature_record& r) const noexcept {
    if (!sodium_ready()) return status::not_ready;
    signature_record out;
    unsigned long long length = 0;
    if (crypto_sign_detached(out.signature.data(), &length, digest.data(), digest.size(), sk_.data()) != 0 ||
        length != 64)
      return status::invalid_state;
    out.algorithm = signature_algorithm::ed25519;
    out.signature_length = 64;
    out.key_id = key_id_;
    r = out;
    return status::ok;
  }

 private:
  ed25519_secret_key sk_;
  std::array<std::uint8_t, artifact::key_id_bytes> key_id_{};
};

static_assert(verifier<sodium_ed25519_verifier>);
static_assert(signer<sodium_ed25519_signer>);

}  // namespace edgeloop

#endif  // __has_include(<sodium.h>)
