// Artifact format and streaming parser on every target (boards included), with a test-only
// stand-in for the signature (the record must hold the digest twice under a fixed key id).
// It is NOT a signature: it lets the parser's own checks run where no crypto library is
// linked. Real signatures: test_artifact_host.cpp.

#include <cstdint>
#include <cstring>

#include "edgeloop/lifecycle/artifact_format.hpp"
#include "edgeloop/lifecycle/artifact_parser.hpp"
#include "edgeloop/lifecycle/artifact_writer.hpp"
#include "edgeloop/lifecycle/model_artifact.hpp"
#include "edgeloop/preprocessing/standard_scaler.hpp"
#include "digest_echo.hpp"
#include "support/test.hpp"

using namespace edgeloop;
using edgeloop::test::same_bytes;

namespace {

using edgeloop::test::digest_echo_signer;
using edgeloop::test::digest_echo_verifier;
constexpr auto& fake_key_id = edgeloop::test::digest_echo_key_id;
static_assert(verifier<digest_echo_verifier>);
static_assert(signer<digest_echo_signer>);

using scaler = standard_scaler<float, 4>;
using parser_type = artifact_parser<sizeof(scaler::state_type), digest_echo_verifier>;
constexpr std::uint32_t counter = 5;
constexpr std::size_t artifact_size = artifact::total_bytes(sizeof(scaler::state_type));
const artifact_identity scaler_id = model_identity<scaler>("standard_scaler<float,4>");

// Shared static storage (small boards): the artifact, a working copy and the parser.
std::uint8_t good[artifact_size];
std::uint8_t work[artifact_size];
parser_type parser{digest_echo_verifier{}, expectation(scaler_id, counter)};

void train(scaler& s, float offset) {
  for (int i = 0; i < 20; ++i) {
    const float v = static_cast<float>(i % 5) + offset;
    (void)s.partial_fit({v, 2 * v, -v, v * v});
  }
}

void make_good(const scaler& source) {
  std::size_t written = 0;
  REQUIRE(write_model_artifact(source, info_from(scaler_id, 7, counter, 1700000000u), good, sizeof good, written) ==
          artifact_status::ok);
  REQUIRE(written == artifact_size);
  REQUIRE(sign_artifact(good, sizeof good, digest_echo_signer{}) == artifact_status::ok);
}

artifact_status receive(const std::uint8_t* bytes, std::size_t size, std::size_t chunk, scaler& model) {
  parser.reset(expectation(scaler_id, counter));
  for (std::size_t at = 0; at < size; at += chunk) {
    const artifact_status s = parser.feed(bytes + at, chunk < size - at ? chunk : size - at);
    if (s != artifact_status::ok) return s;
  }
  EDGELOOP_TRY_ARTIFACT(parser.finish());
  return apply_artifact(parser, model);
}

}  // namespace

TEST_CASE("artifact header encodes field by field, little-endian, at the documented offsets",
          "[lifecycle][artifact]") {
  artifact_header h;
  h.model_kind = 0x11223344u;
  h.type_hash = 0x0102030405060708ull;
  h.model_version = 0xA0B0C0D0u;
  h.security_counter = 9;
  h.payload_length = 0x00010203u;
  h.creation_time = 0x1122334455667788ull;
  const auto b = encode_header(h);
  const std::uint8_t expected[48] = {'E',  'L',  'A',  'F',  1,    0,    48,   0,    0x44, 0x33, 0x22, 0x11,
                                     0,    0,    0,    0,    8,    7,    6,    5,    4,    3,    2,    1,
                                     0xD0, 0xC0, 0xB0, 0xA0, 9,    0,    0,    0,    3,    2,    1,    0,
                                     0,    0,    0,    0,    0x88, 0x77, 0x66, 0x55, 0x44, 0x33, 0x22, 0x11};
  CHECK(std::memcmp(b.data(), expected, 48) == 0);
  const artifact_header back = decode_header(b.data());
  CHECK(same_bytes(back, h));
  signature_record r;
  r.algorithm = signature_algorithm::ecdsa_p256_sha256;
  r.signature_length = 64;
  r.key_id = fake_key_id;
  r.signature[63] = 0xEE;
  const auto rb = encode_signature_record(r);
  CHECK(rb[0] == 2);
  CHECK(rb[1] == 0);
  CHECK(rb[2] == 64);
  CHECK(rb[4] == 1);
  CHECK(rb[11] == 8);
  CHECK(rb[75] == 0xEE);
  const signature_record rback = decode_signature_record(rb.data());
  CHECK(rback.algorithm == r.algorithm);
  CHECK(rback.key_id == r.key_id);
  CHECK(rback.signature == r.signature);
}

TEST_CASE("artifact parser: chunks of every size verify and restore the exact state", "[lifecycle][artifact]") {
  static scaler source, target;
  source.reset();
  train(source, 0.25f);
  make_good(source);
  int applied = 0;
  for (std::size_t chunk = 1; chunk <= artifact_size + 3; ++chunk) {
    target.reset();
    applied += receive(good, artifact_size, chunk, target) == artifact_status::ok ? 1 : 0;
  }
  CHECK(applied == static_cast<int>(artifact_size) + 3);
  CHECK(same_bytes(target.state(), source.state()));
  CHECK(parser.header().model_version == 7);
  CHECK(parser.payload_size() == sizeof(scaler::state_type));
  CHECK(parser_type::memory_bytes < sizeof(scaler::state_type) + 400);
}

TEST_CASE("artifact parser: every bit flip is refused before the model is touched", "[lifecycle][artifact]") {
  static scaler source, target;
  source.reset();
  train(source, 0.25f);
  target.reset();
  train(target, 3.0f);
  make_good(source);
  const scaler::state_type before = target.state();
  std::size_t refused = 0, untouched = 0, early = 0;
  for (std::size_t bit = 0; bit < artifact_size * 8; ++bit) {
    std::memcpy(work, good, sizeof work);
    work[bit / 8] = static_cast<std::uint8_t>(work[bit / 8] ^ (1u << (bit % 8)));
    const artifact_status s = receive(work, sizeof work, 1 + bit % 29, target);
    refused += s != artifact_status::ok ? 1 : 0;
    untouched += same_bytes(target.state(), before) ? 1 : 0;
    // Header refusals come as soon as the 48 header bytes are in, before any payload.
    if (bit < 48 * 8 && s != artifact_status::digest_mismatch) early += parser.bytes_received() == 48 ? 1 : 0;
  }
  CHECK(refused == artifact_size * 8);
  CHECK(untouched == artifact_size * 8);
  // 384 header bits less model version (32), creation time (64) and the 30 counter bits that
  // raise the counter (digest_mismatch later): 258.
  CHECK(early == 258);
  CHECK(receive(good, sizeof good, 11, target) == artifact_status::ok);
}

TEST_CASE("artifact parser: truncated, over-long, rollback and sticky errors", "[lifecycle][artifact]") {
  static scaler source, target;
  source.reset();
  train(source, 1.0f);
  make_good(source);
  target.reset();
  const scaler::state_type before = target.state();
  std::size_t truncated = 0;
  for (std::size_t len = 0; len < artifact_size; ++len)
    truncated += receive(good, len, 16, target) == artifact_status::truncated ? 1 : 0;
  CHECK(truncated == artifact_size);
  std::memcpy(work, good, sizeof work);
  parser.reset(expectation(scaler_id, counter));
  CHECK(parser.feed(work, sizeof work) == artifact_status::ok);
  CHECK(parser.verified());
  CHECK(parser.feed(work, 1) == artifact_status::trailing_data);
  CHECK_FALSE(parser.verified());
  CHECK(parser.payload() == nullptr);
  CHECK(parser.finish() == artifact_status::trailing_data);
  CHECK(apply_artifact(parser, target) == artifact_status::truncated);
  // The floor rose above the artifact's counter.
  parser.reset(expectation(scaler_id, counter + 1));
  CHECK(parser.feed(good, sizeof good) == artifact_status::rolled_back);
  CHECK(parser.bytes_received() == 48);  // refused at the end of the header
  // Expected length differs (a model with another state size).
  artifact_expectation e = expectation(scaler_id, counter);
  e.payload_length += 4;
  parser.reset(e);
  CHECK(parser.feed(good, sizeof good) == artifact_status::bad_length);
  CHECK(same_bytes(target.state(), before));
  // Writer: buffer too small writes nothing.
  std::size_t written = 1;
  CHECK(write_model_artifact(source, info_from(scaler_id, 1, 1, 0), work, sizeof work - 1, written) ==
        artifact_status::buffer_too_small);
  CHECK(written == 0);
  // Signing an artifact whose digest was damaged refuses and leaves it as it was.
  std::memcpy(work, good, sizeof work);
  work[50] ^= 0x10;
  CHECK(sign_artifact(work, sizeof work, digest_echo_signer{}) == artifact_status::digest_mismatch);
  work[50] ^= 0x10;
  CHECK(std::memcmp(work, good, sizeof work) == 0);
}
