// Receiving a signed model artifact on the boards: SHA-256 over the payload, and (when the
// image is built with mbedTLS for the board, EDGELOOP_MBEDTLS_SOURCE_DIR, see
// docs/artifact-format.md) ECDSA P-256 signature verification through mbedTLS's PSA API
// and the whole receive path: a 16 KB-payload artifact fed in 256-byte chunks through
// artifact_parser (header checks, SHA-256, digest compare, signature verification).
//
// The signature is made on the board before the measurement: a P-256 key pair from PSA
// with a deterministic test RNG (edgeloop::rng behind mbedtls_psa_external_get_random;
// for a benchmark only, never a device's entropy source). mbedTLS allocates from a static
// buffer (MBEDTLS_MEMORY_BUFFER_ALLOC_C, first fit from the start); calloc zeroes what it
// hands out, so the highest byte changed in the painted buffer is the heap's high-water
// mark (allocator headers included), reported for each case from an empty heap.
//
// Sizes: 16 KB payload on the M4/M33 (4 MB RAM); 2 KB on the 16 KB Cortex-M0.
#include <array>
#include <cstddef>
#include <cstdint>
#include <new>

#include "edgeloop/core/rng.hpp"
#include "edgeloop/lifecycle/artifact_parser.hpp"
#include "edgeloop/lifecycle/artifact_writer.hpp"
#include "edgeloop/lifecycle/sha256.hpp"
#include "target_bench.hpp"

#if defined(EDGELOOP_HAVE_MBEDTLS)
#include "edgeloop/lifecycle/mbedtls_ecdsa_p256.hpp"
#include "mbedtls/memory_buffer_alloc.h"
#endif

namespace {

#if defined(__ARM_ARCH_6M__)
constexpr std::size_t payload_bytes = 2048;
#define EDGELOOP_BENCH_PAYLOAD_SHAPE "2KB"
#else
constexpr std::size_t payload_bytes = 16384;
#define EDGELOOP_BENCH_PAYLOAD_SHAPE "16KB"
#endif

std::uint8_t payload[payload_bytes];

void fill_payload() {
  edgeloop::rng r(3);
  for (auto& b : payload) b = static_cast<std::uint8_t>(r.next());
}

}  // namespace

TARGET_BENCH("sha256", EDGELOOP_BENCH_PAYLOAD_SHAPE) {
  fill_payload();
  edgeloop::sha256_digest d{};
  const std::uint64_t instructions =
      edgeloop::bench::measure([&] { d = edgeloop::sha256::hash(payload, payload_bytes); });
  edgeloop::bench::do_not_optimize(d);
  edgeloop::bench::report(state, instructions, "byte", payload_bytes, sizeof(edgeloop::sha256));
}

#if defined(EDGELOOP_HAVE_MBEDTLS)

namespace {

constexpr std::size_t artifact_bytes = edgeloop::artifact::total_bytes(payload_bytes);
constexpr std::size_t chunk = 256;
std::uint8_t artifact_buffer[artifact_bytes];
edgeloop::rng test_rng(12345);
constexpr std::size_t heap_bytes = 16384;
alignas(8) unsigned char heap[heap_bytes];
constexpr unsigned char paint = 0xA5;

/// Highest byte of the heap buffer that differs from the paint: the high-water mark.
/// With MBEDTLS_MEMORY_DEBUG (configure with -DEDGELOOP_MBEDTLS_MEMORY_DEBUG in the C and
/// C++ flags) mbedTLS's own peak of live requested bytes instead (no headers, no holes).
std::size_t heap_high_water() {
#if defined(MBEDTLS_MEMORY_DEBUG)
  std::size_t used = 0, blocks = 0;
  mbedtls_memory_buffer_alloc_max_get(&used, &blocks);
  return used;
#else
  for (std::size_t i = heap_bytes; i > 0; --i)
    if (heap[i - 1] != paint) return i;
  return 0;
#endif
}

bool ready = false;
edgeloop::p256_public_key public_key{};

/// A key pair and a signed artifact of `payload` (once, outside any measurement); then
/// PSA and the heap are shut down so that each case starts from an empty heap.
bool prepare() {
  if (ready) return true;
  mbedtls_memory_buffer_alloc_init(heap, heap_bytes);
  if (edgeloop::psa_ready()) {
    edgeloop::mbedtls_ecdsa_p256_signer signer;  // its key is destroyed at the end of this block
    fill_payload();
    const edgeloop::artifact_info info{0x54534542u, 0x1234, 1, 1, 1764000000u};
    std::size_t written = 0;
    ready = signer.generate() == edgeloop::status::ok &&
            edgeloop::write_artifact(info, payload, payload_bytes, artifact_buffer, artifact_bytes, written) ==
                edgeloop::artifact_status::ok &&
            edgeloop::sign_artifact(artifact_buffer, artifact_bytes, signer) == edgeloop::artifact_status::ok;
    public_key = signer.public_key();
  }
  mbedtls_psa_crypto_free();
  mbedtls_memory_buffer_alloc_free();
  return ready;
}

/// An empty heap, painted after mbedtls_memory_buffer_alloc_init() (which zeroes the
/// buffer and writes the first block header, 32 bytes on 32-bit targets: the first 64
/// bytes are left alone), and an initialised PSA core (its own allocations count).
void fresh_heap() {
  mbedtls_memory_buffer_alloc_init(heap, heap_bytes);
  for (std::size_t i = 64; i < heap_bytes; ++i) heap[i] = paint;
#if defined(MBEDTLS_MEMORY_DEBUG)
  mbedtls_memory_buffer_alloc_max_reset();
#endif
  (void)edgeloop::psa_ready();
}
void release_heap() {
  mbedtls_psa_crypto_free();
  mbedtls_memory_buffer_alloc_free();
}

using parser_type = edgeloop::artifact_parser<payload_bytes, edgeloop::mbedtls_ecdsa_p256_verifier>;
parser_type* parser_storage() {
  alignas(parser_type) static unsigned char storage[sizeof(parser_type)];
  return reinterpret_cast<parser_type*>(storage);
}

}  // namespace

/// Test-only RNG for PSA (key generation and ECDSA signing before the measurement).
extern "C" psa_status_t mbedtls_psa_external_get_random(mbedtls_psa_external_random_context_t*, uint8_t* output,
                                                        size_t output_size, size_t* output_length) {
  for (size_t i = 0; i < output_size; ++i) output[i] = static_cast<uint8_t>(test_rng.next() >> 24);
  *output_length = output_size;
  return PSA_SUCCESS;
}

TARGET_BENCH("ecdsa_p256_verify", "mbedtls_psa") {
  if (!prepare()) return;
  const edgeloop::mbedtls_ecdsa_p256_verifier v(public_key);
  const edgeloop::sha256_digest d = edgeloop::sha256::hash(artifact_buffer, edgeloop::artifact_digest_offset(payload_bytes));
  const edgeloop::signature_record r =
      edgeloop::decode_signature_record(artifact_buffer + artifact_bytes - edgeloop::artifact::signature_record_bytes);
  fresh_heap();
  edgeloop::artifact_status s = edgeloop::artifact_status::truncated;
  const std::uint64_t instructions = edgeloop::bench::measure([&] { s = v.verify(d, r); });
  const std::size_t heap_used = heap_high_water();
  release_heap();
  if (s != edgeloop::artifact_status::ok) return;  // no line: the run's check fails
  edgeloop::bench::report(state, instructions, "signature", 1, sizeof v + heap_used);
}

TARGET_BENCH("artifact_receive_verify", EDGELOOP_BENCH_PAYLOAD_SHAPE "_ecdsa_p256_256B_chunks") {
  if (!prepare()) return;
  fresh_heap();
  parser_type* p = new (parser_storage()) parser_type(
      edgeloop::mbedtls_ecdsa_p256_verifier(public_key),
      edgeloop::artifact_expectation{0x54534542u, 0x1234, static_cast<std::uint32_t>(payload_bytes), 1});
  edgeloop::artifact_status s = edgeloop::artifact_status::truncated;
  const std::uint64_t instructions = edgeloop::bench::measure([&] {
    for (std::size_t at = 0; at < artifact_bytes; at += chunk)
      (void)p->feed(artifact_buffer + at, artifact_bytes - at < chunk ? artifact_bytes - at : chunk);
    s = p->finish();
  });
  const std::size_t heap_used = heap_high_water();
  release_heap();
  if (s != edgeloop::artifact_status::ok) return;
  edgeloop::bench::report(state, instructions, "byte", artifact_bytes, parser_type::memory_bytes + heap_used);
}

#endif  // EDGELOOP_HAVE_MBEDTLS
