#include <array>
#include <cstdint>

#include "edgeloop/lifecycle/crc32.hpp"
#include "support/test.hpp"

using namespace edgeloop;

namespace {
/// Bit-at-a-time reference straight from the polynomial definition.
std::uint32_t crc32_bitwise(const std::uint8_t* p, std::size_t n) {
  std::uint32_t c = 0xFFFFFFFFu;
  for (std::size_t i = 0; i < n; ++i) {
    c ^= p[i];
    for (int k = 0; k < 8; ++k) c = (c >> 1) ^ (0xEDB88320u & (0u - (c & 1u)));
  }
  return ~c;
}
}  // namespace

TEST_CASE("crc32 check value of \"123456789\" is 0xCBF43926", "[lifecycle][crc32]") {
  const std::uint8_t msg[] = {'1', '2', '3', '4', '5', '6', '7', '8', '9'};
  CHECK(crc32_of(msg, sizeof msg) == 0xCBF43926u);
  STATIC_REQUIRE(crc32_of(nullptr, 0) == 0u);
  // published values: "a" -> 0xE8B7BE43, "The quick brown fox jumps over the lazy dog" -> 0x414FA339
  const std::uint8_t a[] = {'a'};
  CHECK(crc32_of(a, 1) == 0xE8B7BE43u);
  const char* fox = "The quick brown fox jumps over the lazy dog";
  std::size_t n = 0;
  while (fox[n] != '\0') ++n;
  CHECK(crc32_of(reinterpret_cast<const std::uint8_t*>(fox), n) == 0x414FA339u);
}

TEST_CASE("crc32 matches a bitwise reference under any chunking", "[lifecycle][crc32]") {
  std::array<std::uint8_t, 97> data{};
  std::uint32_t x = 12345;
  for (auto& b : data) {
    x = x * 1664525u + 1013904223u;
    b = static_cast<std::uint8_t>(x >> 24);
  }
  const std::uint32_t ref = crc32_bitwise(data.data(), data.size());
  CHECK(crc32_of(data.data(), data.size()) == ref);
  for (std::size_t chunk = 1; chunk <= 13; ++chunk) {
    crc32 c;
    for (std::size_t off = 0; off < data.size(); off += chunk)
      c.update(data.data() + off, off + chunk <= data.size() ? chunk : data.size() - off);
    CHECK(c.value() == ref);
  }
  // any single-bit change changes the CRC
  for (std::size_t bit = 0; bit < 64; ++bit) {
    data[bit / 8] = static_cast<std::uint8_t>(data[bit / 8] ^ (1u << (bit % 8)));
    CHECK(crc32_of(data.data(), data.size()) != ref);
    data[bit / 8] = static_cast<std::uint8_t>(data[bit / 8] ^ (1u << (bit % 8)));
  }
}
