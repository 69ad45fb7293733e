// Signed artifacts end to end with real signatures: Ed25519 through libsodium and ECDSA
// P-256 through mbedTLS (keys generated here, never stored). Host only; each part is
// skipped with a message when its library was not found by cmake/edgeloop-crypto.cmake.

#include <cstdint>
#include <cstdio>
#include <cstring>
#include <vector>

#include "edgeloop/lifecycle/artifact_format.hpp"
#include "edgeloop/lifecycle/artifact_parser.hpp"
#include "edgeloop/lifecycle/artifact_writer.hpp"
#include "edgeloop/lifecycle/mbedtls_ecdsa_p256.hpp"
#include "edgeloop/lifecycle/model_artifact.hpp"
#include "edgeloop/lifecycle/sodium_ed25519.hpp"
#include "edgeloop/linear/gaussian_nb.hpp"
#include "edgeloop/preprocessing/standard_scaler.hpp"
#include "support/test.hpp"

using namespace edgeloop;
using edgeloop::test::same_bytes;

namespace {

using scaler = standard_scaler<float, 4>;
using scaler_state = scaler::state_type;
constexpr std::uint32_t counter = 5;  // the artifacts' security counter and the device floor

scaler trained_scaler(float offset) {
  scaler s;
  for (int i = 0; i < 40; ++i) {
    const float v = static_cast<float>(i % 7) + offset;
    (void)s.partial_fit({v, 2 * v, -v, v * v});
  }
  return s;
}

const artifact_identity scaler_id = model_identity<scaler>("standard_scaler<float,4>");

/// Feeds `bytes` in chunks of `chunk` bytes into a parser for the scaler and applies the
/// artifact to `model` only if everything verified. Returns the first non-ok status.
template <class V>
artifact_status receive(const std::vector<std::uint8_t>& bytes, std::size_t chunk, const V& v, scaler& model,
                        std::uint32_t floor = counter, const artifact_identity& id = scaler_id) {
  artifact_parser<sizeof(scaler_state), V> p(v, expectation(id, floor));
  for (std::size_t at = 0; at < bytes.size(); at += chunk) {
    const std::size_t n = chunk < bytes.size() - at ? chunk : bytes.size() - at;
    const artifact_status s = p.feed(bytes.data() + at, n);
    if (s != artifact_status::ok) return s;
  }
  EDGELOOP_TRY_ARTIFACT(p.finish());
  return apply_artifact(p, model);
}

template <signer S, class M>
std::vector<std::uint8_t> make_artifact(const M& model, const artifact_identity& id, const S& s,
                                        std::uint32_t security_counter = counter) {
  std::vector<std::uint8_t> out(artifact::total_bytes(id.payload_length));
  std::size_t written = 0;
  REQUIRE(write_model_artifact(model, info_from(id, 3, security_counter, 1764000000u), out.data(), out.size(),
                               written) == artifact_status::ok);
  REQUIRE(written == out.size());
  REQUIRE(sign_artifact(out.data(), out.size(), s) == artifact_status::ok);
  return out;
}

/// The status a parser must give when bit `bit` of a signed Ed25519 scaler artifact with
/// security counter `counter` is flipped, from the documented layout (docs/artifact-format.md).
artifact_status expected_for_flip(std::size_t bit) {
  const std::size_t byte = bit / 8;
  const std::size_t payload = sizeof(scaler_state);
  if (byte < 4) return artifact_status::bad_magic;
  if (byte < 6) return artifact_status::unsupported_version;
  if (byte < 8) return artifact_status::bad_header;
  if (byte < 12) return artifact_status::wrong_model_kind;
  if (byte < 16) return artifact_status::bad_header;
  if (byte < 24) return artifact_status::wrong_type;
  if (byte < 28) return artifact_status::digest_mismatch;  // model version: only the digest covers it
  if (byte < 32) {
    const std::uint32_t flipped = counter ^ (1u << (bit - 28 * 8));
    return flipped < counter ? artifact_status::rolled_back : artifact_status::digest_mismatch;
  }
  if (byte < 36) return artifact_status::bad_length;
  if (byte < 40) return artifact_status::bad_header;
  if (byte < 48 + payload + 32) return artifact_status::digest_mismatch;  // time, payload, digest
  const std::size_t r = byte - (48 + payload + 32);
  if (r < 2) return bit % 8 == 0 && r == 0 ? artifact_status::unsigned_artifact  // 1 -> 0
                                           : artifact_status::unsupported_algorithm;
  if (r < 4) return artifact_status::bad_signature_record;
  if (r < 12) return artifact_status::unknown_key;
  return artifact_status::bad_signature;
}

}  // namespace

TEST_CASE("artifact type hash and layout constants", "[lifecycle][artifact]") {
  // FNV-1a 64 published test values.
  STATIC_REQUIRE(detail::fnv1a64("") == 0xcbf29ce484222325ull);
  STATIC_REQUIRE(detail::fnv1a64("a") == 0xaf63dc4c8601ec8cull);
  STATIC_REQUIRE(detail::fnv1a64("foobar") == 0x85944171f73967e8ull);
  STATIC_REQUIRE(artifact::total_bytes(sizeof(scaler_state)) == 48 + 52 + 32 + 76);
  // Capacities, pipeline and family all change the hash.
  const auto other_capacity = model_identity<standard_scaler<float, 5>>("standard_scaler<float,5>");
  const auto other_pipeline = model_identity<scaler>("standard_scaler<float,4>", "imputer<float,4>");
  const auto other_family = model_identity<gaussian_nb<float, 4, 2>>("gaussian_nb<float,4,2>");
  CHECK(scaler_id.type_hash != other_capacity.type_hash);
  CHECK(scaler_id.type_hash != other_pipeline.type_hash);
  CHECK(scaler_id.model_kind == scaler::magic);
  CHECK(other_family.model_kind != scaler_id.model_kind);
  CHECK(scaler_id.payload_length == sizeof(scaler_state));
}

#if defined(EDGELOOP_HAVE_SODIUM)

TEST_CASE("Ed25519 artifact round trip in chunks of every size", "[lifecycle][artifact][sodium]") {
  ed25519_public_key pk{};
  ed25519_secret_key sk{};
  REQUIRE(ed25519_keygen(pk, sk) == status::ok);
  const sodium_ed25519_signer signer_(sk);
  const sodium_ed25519_verifier verifier_(pk);
  const scaler source = trained_scaler(0.5f);
  const std::vector<std::uint8_t> bytes = make_artifact(source, scaler_id, signer_);
  // Header bytes at their documented offsets.
  CHECK(std::memcmp(bytes.data(), "ELAF", 4) == 0);
  CHECK(bytes[4] == 1);
  CHECK(bytes[6] == 48);
  CHECK(bytes[28] == counter);
  CHECK(bytes[32] == sizeof(scaler_state));
  CHECK(bytes[48 + 52 + 32] == 1);  // algorithm ed25519
  CHECK(bytes[48 + 52 + 32 + 2] == 64);
  // The digest is SHA-256 over header and payload.
  const sha256_digest d = sha256::hash(bytes.data(), 48 + 52);
  CHECK(std::memcmp(bytes.data() + 100, d.data(), 32) == 0);

  int applied = 0;
  for (std::size_t chunk = 1; chunk <= bytes.size(); ++chunk) {
    scaler target = trained_scaler(9.0f);
    applied += receive(bytes, chunk, verifier_, target) == artifact_status::ok ? 1 : 0;
    if (chunk == 7) {
      CHECK(same_bytes(target.state(), source.state()));
      const std::array<float, 4> x{1.0f, -2.0f, 3.0f, 0.25f};
      CHECK(target.transform(x) == source.transform(x));
    }
  }
  CHECK(applied == static_cast<int>(bytes.size()));
}

TEST_CASE("every single-bit flip of a signed artifact is refused with its status; model untouched",
          "[lifecycle][artifact][sodium]") {
  ed25519_public_key pk{};
  ed25519_secret_key sk{};
  REQUIRE(ed25519_keygen(pk, sk) == status::ok);
  const sodium_ed25519_signer signer_(sk);
  const sodium_ed25519_verifier verifier_(pk);
  const std::vector<std::uint8_t> good = make_artifact(trained_scaler(0.5f), scaler_id, signer_);
  scaler target = trained_scaler(9.0f);
  const scaler_state before = target.state();
  std::size_t refused = 0, right_status = 0, untouched = 0;
  std::size_t by_status[32] = {};
  const std::size_t bits = good.size() * 8;
  for (std::size_t bit = 0; bit < bits; ++bit) {
    std::vector<std::uint8_t> bad = good;
    bad[bit / 8] = static_cast<std::uint8_t>(bad[bit / 8] ^ (1u << (bit % 8)));
    const artifact_status s = receive(bad, 1 + bit % 37, verifier_, target);
    refused += s != artifact_status::ok ? 1 : 0;
    right_status += s == expected_for_flip(bit) ? 1 : 0;
    if (s != expected_for_flip(bit))
      std::printf("bit %zu: got %s, expected %s\n", bit, to_string(s), to_string(expected_for_flip(bit)));
    untouched += same_bytes(target.state(), before) ? 1 : 0;
    ++by_status[static_cast<std::size_t>(s)];
  }
  CHECK(bits == 208 * 8);
  CHECK(refused == bits);
  CHECK(right_status == bits);
  CHECK(untouched == bits);
  // Every kind of refusal the layout allows occurred.
  CHECK(by_status[static_cast<std::size_t>(artifact_status::bad_signature)] == 64 * 8);
  CHECK(by_status[static_cast<std::size_t>(artifact_status::rolled_back)] == 2);  // 5 -> 4, 5 -> 1
  CHECK(by_status[static_cast<std::size_t>(artifact_status::unsigned_artifact)] == 1);
  std::printf("bit flips: %zu of %zu refused with the documented status, model untouched\n", right_status, bits);
  // And the unmodified artifact is still accepted (the loop did not test a broken pipeline).
  CHECK(receive(good, 13, verifier_, target) == artifact_status::ok);
}

TEST_CASE("wrong type, rollback, truncation, over-long and wrong key are refused", "[lifecycle][artifact][sodium]") {
  ed25519_public_key pk{}, pk2{};
  ed25519_secret_key sk{}, sk2{};
  REQUIRE(ed25519_keygen(pk, sk) == status::ok);
  REQUIRE(ed25519_keygen(pk2, sk2) == status::ok);
  const sodium_ed25519_signer signer_(sk);
  const sodium_ed25519_verifier verifier_(pk);
  scaler target = trained_scaler(9.0f);
  const scaler_state before = target.state();

  // A properly signed artifact for another model type (same family, other pipeline).
  const auto other_pipeline = model_identity<scaler>("standard_scaler<float,4>", "imputer<float,4>");
  CHECK(receive(make_artifact(trained_scaler(1.0f), other_pipeline, signer_), 16, verifier_, target) ==
        artifact_status::wrong_type);
  // Another family.
  gaussian_nb<float, 4, 2> nb;
  const auto nb_id = model_identity<gaussian_nb<float, 4, 2>>("gaussian_nb<float,4,2>");
  CHECK(receive(make_artifact(nb, nb_id, signer_), 16, verifier_, target) == artifact_status::wrong_model_kind);
  // Anti-rollback: counter 4 below the floor 5; 5 and 6 pass.
  const scaler source = trained_scaler(1.0f);
  CHECK(receive(make_artifact(source, scaler_id, signer_, 4), 16, verifier_, target) == artifact_status::rolled_back);
  CHECK(receive(make_artifact(source, scaler_id, signer_, 0), 16, verifier_, target, 1) ==
        artifact_status::rolled_back);
  CHECK(same_bytes(target.state(), before));

  const std::vector<std::uint8_t> good = make_artifact(source, scaler_id, signer_);
  // Every truncation (0 .. size-1 bytes) is refused at finish().
  std::size_t truncated = 0;
  for (std::size_t len = 0; len < good.size(); ++len) {
    const std::vector<std::uint8_t> part(good.begin(), good.begin() + static_cast<std::ptrdiff_t>(len));
    truncated += receive(part, 5, verifier_, target) == artifact_status::truncated ? 1 : 0;
  }
  CHECK(truncated == good.size());
  // Over-long: any extra byte, in the same chunk or later.
  std::vector<std::uint8_t> longer = good;
  longer.push_back(0);
  CHECK(receive(longer, longer.size(), verifier_, target) == artifact_status::trailing_data);
  CHECK(receive(longer, 1, verifier_, target) == artifact_status::trailing_data);
  CHECK(receive(longer, good.size(), verifier_, target) == artifact_status::trailing_data);
  // Unsigned (packed only), and signed by another key.
  std::vector<std::uint8_t> unsigned_(good.size());
  std::size_t written = 0;
  REQUIRE(write_model_artifact(source, info_from(scaler_id, 3, counter, 0), unsigned_.data(), unsigned_.size(),
                               written) == artifact_status::ok);
  CHECK(receive(unsigned_, 64, verifier_, target) == artifact_status::unsigned_artifact);
  CHECK(receive(make_artifact(source, scaler_id, sodium_ed25519_signer(sk2)), 64, verifier_, target) ==
        artifact_status::unknown_key);
  CHECK(same_bytes(target.state(), before));

  // The error is sticky and apply_artifact refuses an unverified parser.
  artifact_parser<sizeof(scaler_state), sodium_ed25519_verifier> p(verifier_, expectation(scaler_id, counter));
  CHECK(p.feed(longer.data(), longer.size()) == artifact_status::trailing_data);
  CHECK(p.feed(good.data(), 1) == artifact_status::trailing_data);
  CHECK(p.finish() == artifact_status::trailing_data);
  CHECK(p.payload() == nullptr);
  CHECK(apply_artifact(p, target) == artifact_status::truncated);
  p.reset();
  CHECK(p.feed(good.data(), good.size()) == artifact_status::ok);
  CHECK(p.finish() == artifact_status::ok);
  CHECK(p.header().model_version == 3);
  CHECK(p.header().creation_time == 1764000000u);
  // A verified state that restore() refuses (reserved field set): model_rejected, unchanged.
  scaler_state odd = source.state();
  odd.reserved = 1;
  std::vector<std::uint8_t> odd_bytes(good.size());
  REQUIRE(write_artifact(info_from(scaler_id, 3, counter, 0), reinterpret_cast<const std::uint8_t*>(&odd),
                         sizeof odd, odd_bytes.data(), odd_bytes.size(), written) == artifact_status::ok);
  REQUIRE(sign_artifact(odd_bytes.data(), odd_bytes.size(), signer_) == artifact_status::ok);
  CHECK(receive(odd_bytes, 64, verifier_, target) == artifact_status::model_rejected);
  CHECK(same_bytes(target.state(), before));
}

#else
TEST_CASE("Ed25519 artifact tests skipped", "[lifecycle][artifact][sodium]") {
  std::puts("SKIPPED: libsodium not found (apt-get install libsodium-dev); Ed25519 artifact tests not built");
}
#endif

#if defined(EDGELOOP_HAVE_MBEDTLS)

TEST_CASE("ECDSA P-256 artifact through mbedTLS: accepted, and every signature bit flip refused",
          "[lifecycle][artifact][mbedtls]") {
  mbedtls_ecdsa_p256_signer signer_;
  REQUIRE(signer_.generate() == status::ok);
  const mbedtls_ecdsa_p256_verifier verifier_(signer_.public_key());
  CHECK(signer_.public_key()[0] == 0x04);  // uncompressed point
  const scaler source = trained_scaler(2.0f);
  const std::vector<std::uint8_t> good = make_artifact(source, scaler_id, signer_);
  CHECK(good[48 + 52 + 32] == 2);  // algorithm ecdsa_p256_sha256
  scaler target = trained_scaler(9.0f);
  const scaler_state before = target.state();
  std::size_t refused = 0;
  const std::size_t sig_at = 48 + 52 + 32 + 12;
  for (std::size_t bit = 0; bit < 64 * 8; ++bit) {
    std::vector<std::uint8_t> bad = good;
    bad[sig_at + bit / 8] = static_cast<std::uint8_t>(bad[sig_at + bit / 8] ^ (1u << (bit % 8)));
    refused += receive(bad, 32, verifier_, target) == artifact_status::bad_signature ? 1 : 0;
  }
  CHECK(refused == 512);
  // A payload bit: digest_mismatch before the signature is even looked at.
  std::vector<std::uint8_t> bad = good;
  bad[60] ^= 1;
  CHECK(receive(bad, 32, verifier_, target) == artifact_status::digest_mismatch);
  CHECK(same_bytes(target.state(), before));
  CHECK(receive(good, 3, verifier_, target) == artifact_status::ok);
  CHECK(same_bytes(target.state(), source.state()));

  // Another key pair: unknown key; the digest re-signed by the other key under our key id:
  // bad_signature.
  mbedtls_ecdsa_p256_signer other;
  REQUIRE(other.generate() == status::ok);
  std::vector<std::uint8_t> foreign = make_artifact(source, scaler_id, other);
  CHECK(receive(foreign, 32, verifier_, target) == artifact_status::unknown_key);
  for (std::size_t i = 0; i < 8; ++i) foreign[48 + 52 + 32 + 4 + i] = good[48 + 52 + 32 + 4 + i];
  CHECK(receive(foreign, 32, verifier_, target) == artifact_status::bad_signature);
}

#if defined(EDGELOOP_HAVE_SODIUM)
TEST_CASE("an Ed25519 verifier refuses ECDSA artifacts and vice versa", "[lifecycle][artifact][mbedtls]") {
  mbedtls_ecdsa_p256_signer ecdsa;
  REQUIRE(ecdsa.generate() == status::ok);
  ed25519_public_key pk{};
  ed25519_secret_key sk{};
  REQUIRE(ed25519_keygen(pk, sk) == status::ok);
  const scaler source = trained_scaler(2.0f);
  scaler target;
  CHECK(receive(make_artifact(source, scaler_id, ecdsa), 32, sodium_ed25519_verifier(pk), target) ==
        artifact_status::unsupported_algorithm);
  CHECK(receive(make_artifact(source, scaler_id, sodium_ed25519_signer(sk)), 32,
                mbedtls_ecdsa_p256_verifier(ecdsa.public_key()), target) == artifact_status::unsupported_algorithm);
}
#endif

#else
TEST_CASE("ECDSA P-256 artifact tests skipped", "[lifecycle][artifact][mbedtls]") {
  std::puts("SKIPPED: mbedTLS not found (apt-get install libmbedtls-dev); ECDSA P-256 artifact tests not built");
}
#endif
