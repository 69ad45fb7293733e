#include <cstdint>
#include <cstring>

#include "edgeloop/lifecycle/sha256.hpp"
#include "support/test.hpp"

using namespace edgeloop;

namespace {

constexpr std::uint8_t hex_value(char c) noexcept {
  return static_cast<std::uint8_t>(c <= '9' ? c - '0' : c - 'a' + 10);
}

/// A 64-character lowercase hex string as a digest.
constexpr sha256_digest from_hex(const char* s) noexcept {
  sha256_digest d{};
  for (std::size_t i = 0; i < 32; ++i)
    d[i] = static_cast<std::uint8_t>(hex_value(s[2 * i]) << 4 | hex_value(s[2 * i + 1]));
  return d;
}

const std::uint8_t* bytes(const char* s) noexcept { return reinterpret_cast<const std::uint8_t*>(s); }

sha256_digest hash_string(const char* s) noexcept { return sha256::hash(bytes(s), std::strlen(s)); }

// FIPS 180-4 examples (NIST "SHA256.pdf" example values) and the SHA-2 long-message vectors.
const char* const abc_digest = "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad";
const char* const msg448 = "abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq";
const char* const msg448_digest = "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1";
const char* const msg896 =
    "abcdefghbcdefghicdefghijdefghijkefghijklfghijklmghijklmnhijklmnoijklmnopjklmnopqklmnopqrlmnopqrsmnopqrst"
    "nopqrstu";
const char* const msg896_digest = "cf5b16a778af8380036ce59e7b0492370b249b11e8f07a51afac45037afee9d1";

}  // namespace

TEST_CASE("sha256 of the FIPS 180-4 examples", "[lifecycle][sha256]") {
  CHECK(hash_string("") == from_hex("e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"));
  CHECK(hash_string("abc") == from_hex(abc_digest));
  CHECK(hash_string(msg448) == from_hex(msg448_digest));  // padding spills into a second block
  CHECK(hash_string(msg896) == from_hex(msg896_digest));
  CHECK_FALSE(hash_string("abd") == from_hex(abc_digest));
}

TEST_CASE("sha256 of SHA256ShortMsg vectors (CAVP)", "[lifecycle][sha256]") {
  const std::uint8_t m8[] = {0xd3};
  const std::uint8_t m16[] = {0x11, 0xaf};
  const std::uint8_t m24[] = {0xb4, 0x19, 0x0e};
  const std::uint8_t m32[] = {0x74, 0xba, 0x25, 0x21};
  CHECK(sha256::hash(m8, 1) == from_hex("28969cdfa74a12c82f3bad960b0b000aca2ac329deea5c2328ebc6f2ba9802c1"));
  CHECK(sha256::hash(m16, 2) == from_hex("5ca7133fa735326081558ac312c620eeca9970d1e70a4b95533d956f072d1f98"));
  CHECK(sha256::hash(m24, 3) == from_hex("dff2e73091f6c05e528896c4c831b9448653dc2ff043528f6769437bc7b975c2"));
  CHECK(sha256::hash(m32, 4) == from_hex("b16aa56be3880d18cd41e68384cf1ec8c17680c45a02b1575dc1518923ae8b0e"));
}

TEST_CASE("sha256 of one million 'a' fed in uneven chunks", "[lifecycle][sha256]") {
  static std::uint8_t chunk[251];
  std::memset(chunk, 'a', sizeof chunk);
  sha256 h;
  std::size_t left = 1000000;
  std::size_t step = 1;
  while (left > 0) {
    const std::size_t n = step < left ? step : left;
    h.update(chunk, n);
    left -= n;
    step = step * 7 % 251 + 1;  // 1..251 bytes, never block-aligned for long
  }
  CHECK(h.finish() == from_hex("cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0"));
}

TEST_CASE("sha256 split at every position equals the published digest", "[lifecycle][sha256]") {
  const std::size_t n = std::strlen(msg896);
  const sha256_digest expected = from_hex(msg896_digest);
  bool all_equal = true;
  for (std::size_t cut = 0; cut <= n; ++cut) {
    sha256 h;
    h.update(bytes(msg896), cut);
    h.update(bytes(msg896) + cut, 0);
    h.update(bytes(msg896) + cut, n - cut);
    all_equal = all_equal && h.finish() == expected;
  }
  CHECK(all_equal);
}

TEST_CASE("sha256 chunked equals one-shot for every chunk size around the block size", "[lifecycle][sha256]") {
  static std::uint8_t message[200];
  for (std::size_t i = 0; i < sizeof message; ++i) message[i] = static_cast<std::uint8_t>(i * 31u + 7u);
  // Lengths around the padding boundaries (55, 56, 63, 64, 65 bytes) and beyond two blocks.
  const std::size_t lengths[] = {0, 1, 55, 56, 57, 63, 64, 65, 119, 120, 128, 200};
  bool all_equal = true;
  int distinct = 0;
  sha256_digest previous{};
  for (const std::size_t len : lengths) {
    const sha256_digest one_shot = sha256::hash(message, len);
    distinct += one_shot == previous ? 0 : 1;
    previous = one_shot;
    for (std::size_t chunk = 1; chunk <= 70; ++chunk) {
      sha256 h;
      for (std::size_t at = 0; at < len; at += chunk) h.update(message + at, chunk < len - at ? chunk : len - at);
      all_equal = all_equal && h.finish() == one_shot;
    }
  }
  CHECK(all_equal);
  CHECK(distinct == 12);  // different lengths give different digests
}

TEST_CASE("sha256 reset starts a new message; constexpr evaluation", "[lifecycle][sha256]") {
  sha256 h;
  h.update(bytes("garbage"), 7);
  h.reset();
  h.update(bytes("abc"), 3);
  CHECK(h.finish() == from_hex(abc_digest));
  constexpr sha256_digest at_compile_time = [] {
    const std::uint8_t m[3] = {'a', 'b', 'c'};
    return sha256::hash(m, 3);
  }();
  STATIC_REQUIRE(at_compile_time[0] == 0xba && at_compile_time[31] == 0xad);
  CHECK(sha256::memory_bytes <= 120);
}
