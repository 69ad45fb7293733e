#pragma once
// Test-only stand-in for a signature, shared by the lifecycle tests that run on the boards
// (no crypto library linked there): the record must hold the SHA-256 digest twice under a
// fixed key id. It is NOT a signature; it lets the parser's and the update manager's own
// checks run everywhere. Real signatures: the *_host.cpp tests (libsodium, mbedTLS).

#include <array>
#include <cstddef>
#include <cstdint>

#include "edgeloop/core/status.hpp"
#include "edgeloop/lifecycle/artifact_format.hpp"
#include "edgeloop/lifecycle/verifier.hpp"

namespace edgeloop::test {

inline constexpr std::array<std::uint8_t, 8> digest_echo_key_id{1, 2, 3, 4, 5, 6, 7, 8};

struct digest_echo_verifier {
  artifact_status verify(const sha256_digest& d, const signature_record& r) const noexcept {
    EDGELOOP_TRY_ARTIFACT(detail::check_record(r, signature_algorithm::ed25519, 64, digest_echo_key_id));
    for (std::size_t i = 0; i < 64; ++i)
      if (r.signature[i] != d[i % 32]) return artifact_status::bad_signature;
    return artifact_status::ok;
  }
};

struct digest_echo_signer {
  status sign(const sha256_digest& d, signature_record& r) const noexcept {
    r.algorithm = signature_algorithm::ed25519;
    r.signature_length = 64;
    r.key_id = digest_echo_key_id;
    for (std::size_t i = 0; i < 64; ++i) r.signature[i] = d[i % 32];
    return status::ok;
  }
};

}  // namespace edgeloop::test
