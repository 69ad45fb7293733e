// libFuzzer target for the streaming artifact parser (issue 9, acceptance 3).
//
// Input: byte 0 picks the chunk size (1..256), the rest is the artifact, fed in chunks.
// Two receivers per input:
//  - Ed25519 through libsodium when available (a fixed key: nothing the fuzzer makes can
//    verify, so this exercises every refusal path with a real verifier);
//  - a digest-echo stand-in (the record must hold the digest twice under a fixed key id;
//    NOT a signature) so that the fuzzer can get past verification and into
//    apply_artifact / standard_scaler::restore with arbitrary state bytes.
// Invariants (trap on violation): an accepted input is exactly header + payload + 108
// bytes, its digest is SHA-256 of header and payload, the model is unchanged unless the
// artifact verified and restore() accepted it, and an error is sticky.
//
// Built with -DEDGELOOP_FUZZ_CORPUS=1 instead, the same file is a program that writes seed
// inputs (valid and slightly damaged artifacts) into the directory given as argument.

#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>

#include "edgeloop/lifecycle/artifact_format.hpp"
#include "edgeloop/lifecycle/artifact_parser.hpp"
#include "edgeloop/lifecycle/artifact_writer.hpp"
#include "edgeloop/lifecycle/model_artifact.hpp"
#include "edgeloop/lifecycle/sodium_ed25519.hpp"
#include "edgeloop/preprocessing/standard_scaler.hpp"

using namespace edgeloop;

namespace {

constexpr std::array<std::uint8_t, 8> echo_key_id{0x45, 0x43, 0x48, 0x4f, 0x45, 0x43, 0x48, 0x4f};

struct digest_echo_verifier {
  artifact_status verify(const sha256_digest& d, const signature_record& r) const noexcept {
    EDGELOOP_TRY_ARTIFACT(detail::check_record(r, signature_algorithm::ed25519, 64, echo_key_id));
    for (std::size_t i = 0; i < 64; ++i)
      if (r.signature[i] != d[i % 32]) return artifact_status::bad_signature;
    return artifact_status::ok;
  }
};
struct digest_echo_signer {
  status sign(const sha256_digest& d, signature_record& r) const noexcept {
    r.algorithm = signature_algorithm::ed25519;
    r.signature_length = 64;
    r.key_id = echo_key_id;
    for (std::size_t i = 0; i < 64; ++i) r.signature[i] = d[i % 32];
    return status::ok;
  }
};

using scaler = standard_scaler<float, 4>;
constexpr std::uint32_t floor_counter = 3;
const artifact_identity scaler_id = model_identity<scaler>("standard_scaler<float,4>");

#if !defined(EDGELOOP_FUZZ_CORPUS)
void check(bool ok) {
  if (!ok) __builtin_trap();
}

template <class V>
void run(const V& v, const std::uint8_t* data, std::size_t size, std::size_t chunk) {
  static artifact_parser<sizeof(scaler::state_type), V> parser(v, expectation(scaler_id, floor_counter));
  parser.reset(expectation(scaler_id, floor_counter));
  scaler model;
  (void)model.partial_fit({1.0f, 2.0f, 3.0f, 4.0f});
  const scaler::state_type before = model.state();
  artifact_status first = artifact_status::ok;
  for (std::size_t at = 0; at < size; at += chunk) {
    const artifact_status s = parser.feed(data + at, chunk < size - at ? chunk : size - at);
    if (first != artifact_status::ok) check(s == first);  // sticky
    if (s != artifact_status::ok && first == artifact_status::ok) first = s;
  }
  const artifact_status fin = parser.finish();
  if (first != artifact_status::ok) check(fin == first);
  if (fin == artifact_status::ok) {
    check(size == artifact::total_bytes(sizeof(scaler::state_type)));
    const sha256_digest d = sha256::hash(data, artifact::header_bytes + sizeof(scaler::state_type));
    check(std::memcmp(d.data(), data + artifact::header_bytes + sizeof(scaler::state_type), 32) == 0);
    check(parser.header().security_counter >= floor_counter);
    const artifact_status a = apply_artifact(parser, model);
    check(a == artifact_status::ok || a == artifact_status::model_rejected);
    const scaler::state_type after = model.state();
    if (a == artifact_status::ok)
      check(std::memcmp(&after, data + artifact::header_bytes, sizeof after) == 0);
    else
      check(std::memcmp(&after, &before, sizeof after) == 0);
  } else {
    check(parser.payload() == nullptr);
    check(apply_artifact(parser, model) == artifact_status::truncated);
    const scaler::state_type after = model.state();
    check(std::memcmp(&after, &before, sizeof after) == 0);
  }
}

#endif

}  // namespace

#if !defined(EDGELOOP_FUZZ_CORPUS)

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size == 0) return 0;
  const std::size_t chunk = std::size_t{data[0]} + 1;
  run(digest_echo_verifier{}, data + 1, size - 1, chunk);
#if defined(EDGELOOP_HAVE_SODIUM)
  static const ed25519_public_key pk = [] {
    ed25519_public_key k{};
    for (std::size_t i = 0; i < k.size(); ++i) k[i] = static_cast<std::uint8_t>(i * 13 + 1);
    return k;
  }();
  run(sodium_ed25519_verifier(pk), data + 1, size - 1, chunk);
#endif
  return 0;
}

#else

int main(int argc, char** argv) {
  if (argc != 2) {
    std::fprintf(stderr, "usage: %s CORPUS_DIR\n", argv[0]);
    return 2;
  }
  int written_files = 0;
  auto emit = [&](const std::uint8_t* bytes, std::size_t size, std::uint8_t chunk, const char* name) {
    const std::string path = std::string(argv[1]) + "/" + name;
    std::FILE* f = std::fopen(path.c_str(), "wb");
    if (!f) {
      std::fprintf(stderr, "%s: cannot create file\n", path.c_str());
      std::exit(1);
    }
    std::fputc(chunk, f);
    std::fwrite(bytes, 1, size, f);
    std::fclose(f);
    ++written_files;
  };
  std::uint8_t a[artifact::total_bytes(sizeof(scaler::state_type))];
  std::size_t written = 0;
  scaler model;
  for (int i = 0; i < 30; ++i) (void)model.partial_fit({float(i), float(i % 3), -float(i), 0.5f});
  (void)write_model_artifact(model, info_from(scaler_id, 1, floor_counter, 1700000000u), a, sizeof a, written);
  (void)sign_artifact(a, sizeof a, digest_echo_signer{});
  emit(a, sizeof a, 0, "valid_chunk1");
  emit(a, sizeof a, 63, "valid_chunk64");
  emit(a, sizeof a, 255, "valid_whole");
  emit(a, 100, 7, "truncated");
  a[60] ^= 1;
  emit(a, sizeof a, 15, "payload_flipped");
  a[60] ^= 1;
  a[28] = 1;  // counter below the floor
  emit(a, sizeof a, 15, "rolled_back");
  std::printf("%d seed inputs written to %s\n", written_files, argv[1]);
  return 0;
}

#endif
