#include <array>
#include <cstdint>

#include "edgeloop/lifecycle/flash_simulator.hpp"
#include "support/test.hpp"

using namespace edgeloop;

namespace {
using flash = flash_simulator<64, 4, 4>;
flash& fresh() {
  static flash f;
  f = flash{};
  return f;
}
}  // namespace

TEST_CASE("flash_simulator starts erased and enforces the flash rules", "[lifecycle][flash]") {
  STATIC_REQUIRE(flash_device<flash>);
  flash& f = fresh();
  for (std::size_t i = 0; i < flash::size_bytes; ++i) REQUIRE(f.byte_at(i) == 0xFF);
  const std::array<std::uint8_t, 8> a{0xF0, 0x0F, 0x12, 0x34, 0x00, 0xFF, 0x80, 0x01};
  CHECK(f.program(0, a.data(), 8) == flash_status::ok);
  std::array<std::uint8_t, 8> r{};
  CHECK(f.read(0, r.data(), 8) == flash_status::ok);
  CHECK(r == a);
  CHECK(f.program(2, a.data(), 4) == flash_status::misaligned);
  CHECK(f.program(0, a.data(), 3) == flash_status::misaligned);
  CHECK(f.program(flash::size_bytes - 4, a.data(), 8) == flash_status::out_of_range);
  CHECK(f.read(flash::size_bytes - 4, r.data(), 8) == flash_status::out_of_range);
  CHECK(f.erase_page(4) == flash_status::out_of_range);
  // 1 -> 0 is allowed on a programmed word, 0 -> 1 is not
  const std::array<std::uint8_t, 4> clear{0x00, 0x0F, 0x02, 0x04};
  const std::array<std::uint8_t, 4> set{0xF8, 0x0F, 0x12, 0x34};
  CHECK(f.program(0, set.data(), 4) == flash_status::not_erased);
  CHECK(f.byte_at(0) == 0xF0);  // refused write changed nothing
  CHECK(f.program(0, clear.data(), 4) == flash_status::ok);
  CHECK(f.byte_at(0) == 0x00);
  CHECK(f.programmed_bytes() == 12);
  CHECK(f.erase_page(0) == flash_status::ok);
  CHECK(f.erase_count(0) == 1);
  for (std::size_t i = 0; i < 64; ++i) REQUIRE(f.byte_at(i) == 0xFF);
}

TEST_CASE("flash_simulator power cut stops writing after the budget", "[lifecycle][flash]") {
  std::array<std::uint8_t, 16> a{};
  for (std::size_t i = 0; i < a.size(); ++i) a[i] = static_cast<std::uint8_t>(i);
  for (std::size_t budget = 0; budget <= 20; ++budget) {
    flash& f = fresh();
    f.cut_power_after(budget);
    const flash_status s1 = f.program(0, a.data(), 8);
    const flash_status s2 = f.program(8, a.data() + 8, 8);
    const flash_status s3 = f.erase_page(1);
    CHECK(s1 == (budget >= 8 ? flash_status::ok : flash_status::power_lost));
    CHECK(s2 == (budget >= 16 ? flash_status::ok : flash_status::power_lost));
    CHECK(s3 == (budget > 16 ? flash_status::ok : flash_status::power_lost));
    const std::size_t done = budget < 16 ? budget : 16;
    for (std::size_t i = 0; i < 16; ++i) CHECK(f.byte_at(i) == (i < done ? a[i] : 0xFF));
    CHECK(f.programmed_bytes() == done);
    f.power_on();
    CHECK(f.powered());
    CHECK(f.erase_page(0) == flash_status::ok);  // after the reboot everything works again
  }
}

TEST_CASE("flash_simulator torn writes only clear bits; torn erases leave half a page", "[lifecycle][flash]") {
  flash& f = fresh();
  std::array<std::uint8_t, 8> a{0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00};
  f.cut_power_after(5, {true, false}, 7);
  CHECK(f.program(0, a.data(), 8) == flash_status::power_lost);
  for (std::size_t i = 0; i < 5; ++i) CHECK(f.byte_at(i) == 0x00);
  CHECK(f.byte_at(6) == 0xFF);
  CHECK(f.byte_at(7) == 0xFF);
  f.power_on();
  const std::array<std::uint8_t, 4> zeros{0, 0, 0, 0};
  CHECK(f.program(64, zeros.data(), 4) == flash_status::ok);
  CHECK(f.program(64 + 40, zeros.data(), 4) == flash_status::ok);
  f.cut_power_after(0, {false, true}, 3);
  CHECK(f.erase_page(1) == flash_status::power_lost);
  for (std::size_t i = 0; i < 32; ++i) CHECK(f.byte_at(64 + i) == 0xFF);  // first half erased
  bool scrambled = false;  // the second half's programmed word got random bits set
  for (std::size_t i = 40; i < 44; ++i) scrambled = scrambled || f.byte_at(64 + i) != 0x00;
  CHECK(scrambled);
  CHECK(f.erase_count(1) == 0);
}

TEST_CASE("flash_simulator bit flips and failed erases", "[lifecycle][flash]") {
  flash& f = fresh();
  f.flip_bit(70, 3);
  CHECK(f.byte_at(70) == 0xF7);
  f.flip_bit(70, 3);
  CHECK(f.byte_at(70) == 0xFF);
  const std::array<std::uint8_t, 4> z{0, 0, 0, 0};
  CHECK(f.program(64, z.data(), 4) == flash_status::ok);
  f.fail_erases(1);
  CHECK(f.erase_page(1) == flash_status::erase_failed);
  CHECK(f.byte_at(64) == 0x00);
  f.fail_erases(1, true);
  CHECK(f.erase_page(1) == flash_status::ok);  // silent: only a read-back notices
  CHECK(f.byte_at(64) == 0x00);
  CHECK(f.erase_page(1) == flash_status::ok);
  CHECK(f.byte_at(64) == 0xFF);
}
