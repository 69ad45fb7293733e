#include <array>
#include <cstdint>
#include <limits>

#include "edgeloop/lifecycle/batch_codec.hpp"
#include "edgeloop/lifecycle/crc32.hpp"
#include "support/test.hpp"

using namespace edgeloop;

namespace {
std::uint32_t le32(const std::uint8_t* p) {
  return std::uint32_t{p[0]} | std::uint32_t{p[1]} << 8 | std::uint32_t{p[2]} << 16 | std::uint32_t{p[3]} << 24;
}
}  // namespace

TEST_CASE("batch_encoder: zigzag maps 0,-1,1,-2,2 to 0,1,2,3,4 and back", "[lifecycle][batch]") {
  STATIC_REQUIRE(detail::zigzag(0) == 0);
  STATIC_REQUIRE(detail::zigzag(-1) == 1);
  STATIC_REQUIRE(detail::zigzag(1) == 2);
  STATIC_REQUIRE(detail::zigzag(-2) == 3);
  STATIC_REQUIRE(detail::zigzag(2) == 4);
  STATIC_REQUIRE(detail::zigzag(-2147483648LL) == 0xFFFFFFFFu);
  for (std::int64_t d = -300; d <= 300; ++d) CHECK(detail::unzigzag(detail::zigzag(d)) == d);
}

TEST_CASE("batch_encoder: hand-encoded varint and Rice batches", "[lifecycle][batch]") {
  // values 0, 1, -1 at resolution 1 -> deltas 0, 1, -2 -> zigzag 0, 2, 3
  const std::array<float, 3> xs{0.0f, 1.0f, -1.0f};
  std::array<std::uint8_t, 32> buf{};
  batch_encoder<1> e;
  REQUIRE(e.start(buf.data(), buf.size(), {1.0f, batch_coding::varint}) == status::ok);
  for (float x : xs) REQUIRE(e.add({x}) == status::ok);
  std::size_t n = 0;
  REQUIRE(e.finish(n) == status::ok);
  REQUIRE(n == 16 + 3 + 4);
  CHECK(buf[0] == 'E');
  CHECK(buf[1] == 'B');
  CHECK(buf[2] == 1);
  CHECK(buf[3] == 1);
  CHECK(buf[4] == 0);
  CHECK(le32(&buf[8]) == 0x3F800000u);  // 1.0f
  CHECK(le32(&buf[12]) == 3);
  CHECK(buf[16] == 0x00);
  CHECK(buf[17] == 0x02);
  CHECK(buf[18] == 0x03);
  CHECK(le32(&buf[19]) == crc32_of(buf.data(), 19));
  CHECK(e.add({0.0f}) == status::invalid_argument);  // finished
  // Rice: k = 2, 1, 1 by the LOCO-I rule -> bits 0|00 10|0 10|1 -> 0x12 0x80
  REQUIRE(e.start(buf.data(), buf.size(), {1.0f, batch_coding::rice}) == status::ok);
  for (float x : xs) REQUIRE(e.add({x}) == status::ok);
  REQUIRE(e.finish(n) == status::ok);
  REQUIRE(n == 16 + 2 + 4);
  CHECK(buf[4] == 1);
  CHECK(buf[16] == 0x12);
  CHECK(buf[17] == 0x80);
  CHECK(le32(&buf[18]) == crc32_of(buf.data(), 18));
}

TEST_CASE("batch_encoder: a full buffer is a clear status and leaves the batch as it was", "[lifecycle][batch]") {
  static std::array<std::uint8_t, 64> buf{};
  static std::array<std::uint8_t, 64> copy{};
  batch_encoder<2> e;
  CHECK(e.start(buf.data(), 19, {}) == status::capacity_exceeded);
  CHECK(e.start(nullptr, 64, {}) == status::invalid_argument);
  CHECK(e.start(buf.data(), 64, {0.0f, batch_coding::rice}) == status::invalid_argument);
  CHECK(e.add({1.0f, 2.0f}) == status::invalid_argument);  // not started
  REQUIRE(e.start(buf.data(), buf.size(), {0.01f, batch_coding::rice}) == status::ok);
  std::uint32_t x = 7;
  status s = status::ok;
  std::size_t before = 0;
  for (int i = 0; i < 200 && s == status::ok; ++i) {
    x = x * 1103515245u + 12345u;
    before = e.size();
    copy = buf;
    s = e.add({static_cast<float>(x >> 16) * 0.013f, -static_cast<float>(i)});
  }
  REQUIRE(s == status::capacity_exceeded);
  CHECK(e.size() == before);
  CHECK(e.size() <= buf.size());
  const std::uint32_t rows = e.rows();
  // bad data is refused without a change either
  CHECK(e.add({std::numeric_limits<float>::infinity(), 0.0f}) == status::non_finite_input);
  CHECK(e.add({2.0e7f, 0.0f}) == status::invalid_argument);  // 2e9 steps > 2^30
  CHECK(e.rows() == rows);
  std::size_t n = 0;
  REQUIRE(e.finish(n) == status::ok);
  CHECK(n == before);
  CHECK(n <= buf.size());
  // every byte before the refused row is what it was
  bool same_prefix = true;
  for (std::size_t i = 16; i + 1 < n - 4; ++i) same_prefix = same_prefix && buf[i] == copy[i];
  CHECK(same_prefix);
  CHECK(le32(&buf[n - 4]) == crc32_of(buf.data(), n - 4));
  CHECK(le32(&buf[12]) == rows);
}
