#include <cstdint>
#include <cstdio>
#include <cstring>
#include <limits>

#include "edgeloop/core/rng.hpp"
#include "edgeloop/platform/cycle_counter.hpp"
#include "edgeloop/platform/semihosting.hpp"
#include "support/test.hpp"

#if defined(__ARM_FEATURE_DSP) && __ARM_FEATURE_DSP
#include <arm_acle.h>
#endif

using edgeloop::platform::text_writer;

namespace {

// Formats with text_writer into a fresh buffer and compares with the expected string.
template <class Format>
bool formats_as(const char* expected, Format format) {
  char buffer[48];
  text_writer w(buffer, sizeof buffer);
  format(w);
  return !w.truncated() && std::strcmp(w.c_str(), expected) == 0 && w.size() == std::strlen(expected);
}

// Collects what a writer flushes, and how many times it flushed.
struct capture {
  char text[64];
  std::size_t size;
  int flushes;
};
capture captured{};
void capture_flush(const char* data, std::size_t size) noexcept {
  for (std::size_t i = 0; i < size && captured.size + 1 < sizeof captured.text; ++i)
    captured.text[captured.size++] = data[i];
  captured.text[captured.size] = '\0';
  ++captured.flushes;
}

}  // namespace

TEST_CASE("text_writer writes integers of every width and sign", "[platform][semihosting]") {
  CHECK(formats_as("0", [](text_writer& w) { w.integer(0); }));
  CHECK(formats_as("42", [](text_writer& w) { w.integer(42u); }));
  CHECK(formats_as("-7", [](text_writer& w) { w.integer(-7); }));
  CHECK(formats_as("255", [](text_writer& w) { w.integer(std::uint8_t{255}); }));
  CHECK(formats_as("-128", [](text_writer& w) { w.integer(std::int8_t{-128}); }));
  CHECK(formats_as("4294967295", [](text_writer& w) { w.integer(std::uint32_t{4294967295u}); }));
  CHECK(formats_as("4294967296", [](text_writer& w) { w.integer(std::uint64_t{4294967296u}); }));
  CHECK(formats_as("18446744073709551615",
                   [](text_writer& w) { w.integer(std::numeric_limits<std::uint64_t>::max()); }));
  CHECK(formats_as("-9223372036854775808",
                   [](text_writer& w) { w.integer(std::numeric_limits<std::int64_t>::min()); }));
  CHECK(formats_as("1", [](text_writer& w) { w.integer(true); }));
  CHECK(formats_as("{\"a\":-12,\"b\":3}", [](text_writer& w) {
    w.text("{\"a\":").integer(-12).text(",\"b\":").integer(3).put('}');
  }));
}

TEST_CASE("text_writer writes fixed-point decimals", "[platform][semihosting]") {
  CHECK(formats_as("3.14", [](text_writer& w) { w.fixed(3.14159, 2); }));
  CHECK(formats_as("3.142", [](text_writer& w) { w.fixed(3.14159f, 3); }));
  CHECK(formats_as("-2.50", [](text_writer& w) { w.fixed(-2.5f, 2); }));
  CHECK(formats_as("0.13", [](text_writer& w) { w.fixed(0.125, 2); }));    // exact tie: away from 0
  CHECK(formats_as("-0.13", [](text_writer& w) { w.fixed(-0.125f, 2); }));
  CHECK(formats_as("1.00", [](text_writer& w) { w.fixed(0.996, 2); }));    // carry into the integer
  CHECK(formats_as("10.0", [](text_writer& w) { w.fixed(9.96f, 1); }));
  CHECK(formats_as("0.00", [](text_writer& w) { w.fixed(-0.001, 2); }));   // no "-0.00"
  CHECK(formats_as("0.05", [](text_writer& w) { w.fixed(0.05f, 2); }));    // leading zeros kept
  CHECK(formats_as("123", [](text_writer& w) { w.fixed(123.456, 0); }));
  CHECK(formats_as("124", [](text_writer& w) { w.fixed(123.5f, 0); }));
  CHECK(formats_as("16777216.0", [](text_writer& w) { w.fixed(16777216.0f, 1); }));
  CHECK(formats_as("0.000000001", [](text_writer& w) { w.fixed(1e-9, 12); }));  // clamped to 9
  CHECK(formats_as("123456789012.250", [](text_writer& w) { w.fixed(123456789012.25, 3); }));
  CHECK(formats_as("1.50e+20", [](text_writer& w) { w.fixed(1.5e20, 2); }));
  CHECK(formats_as("-2.0e+30", [](text_writer& w) { w.fixed(-2e30, 1); }));
  CHECK(formats_as("nan", [](text_writer& w) { w.fixed(std::numeric_limits<float>::quiet_NaN(), 2); }));
  CHECK(formats_as("inf", [](text_writer& w) { w.fixed(std::numeric_limits<double>::infinity(), 2); }));
  CHECK(formats_as("-inf", [](text_writer& w) { w.fixed(-std::numeric_limits<float>::infinity(), 2); }));
}

TEST_CASE("text_writer fixed() agrees with snprintf away from ties", "[platform][semihosting]") {
  // snprintf("%.*f") rounds the exact binary value; away from a tie both must agree.
  edgeloop::rng r(11);
  int compared = 0, mismatches = 0;
  for (int i = 0; i < 200; ++i) {
    const double value = (r.uniform<double>() - 0.5) * (i % 2 == 0 ? 2e3 : 2e9);
    const unsigned decimals = r.uniform_int(7);
    double scaled = (value < 0 ? -value : value);
    for (unsigned d = 0; d < decimals; ++d) scaled *= 10;
    const double distance_to_tie = scaled - static_cast<double>(static_cast<std::uint64_t>(scaled)) - 0.5;
    if (distance_to_tie > -1e-3 && distance_to_tie < 1e-3) continue;
    char expected[48];
    std::snprintf(expected, sizeof expected, "%.*f", static_cast<int>(decimals), value);
    if (std::strcmp(expected, "-0") == 0 || std::strncmp(expected, "-0.", 3) == 0) {
      bool all_zero = true;  // snprintf keeps the sign of a value that rounds to zero
      for (const char* p = expected + 1; *p != '\0'; ++p) all_zero = all_zero && (*p == '0' || *p == '.');
      if (all_zero) std::memmove(expected, expected + 1, std::strlen(expected));
    }
    ++compared;
    if (!formats_as(expected, [&](text_writer& w) { w.fixed(value, decimals); })) ++mismatches;
  }
  CHECK(compared > 150);
  CHECK(mismatches == 0);
}

TEST_CASE("text_writer truncates without a flush function and flushes with one", "[platform][semihosting]") {
  char small[8];
  text_writer w(small, sizeof small);
  CHECK(std::strcmp(w.c_str(), "") == 0);
  w.text("hello world");
  CHECK(w.truncated());
  CHECK(std::strcmp(w.c_str(), "hello w") == 0);
  w.clear();
  CHECK_FALSE(w.truncated());
  CHECK(w.size() == 0);

  captured = {};
  char line[4];
  text_writer f(line, sizeof line, &capture_flush);
  f.text("ab\ncd");
  CHECK(captured.flushes == 1);  // at the newline
  CHECK(std::strcmp(captured.text, "ab\n") == 0);
  f.flush();
  CHECK(captured.flushes == 2);
  CHECK(std::strcmp(captured.text, "ab\ncd") == 0);
  f.flush();  // nothing buffered: no call
  CHECK(captured.flushes == 2);
  f.text("efghijk");  // 3 characters fit: flushed when full, nothing lost
  f.flush();
  CHECK_FALSE(f.truncated());
  CHECK(std::strcmp(captured.text, "ab\ncdefghijk") == 0);
  CHECK(captured.flushes == 5);
}

TEST_CASE("cycle counters wrap and convert as documented", "[platform][cycle_counter]") {
  using edgeloop::platform::systick_counter;
  STATIC_REQUIRE(systick_counter::elapsed(0x00FFFFF0u, 0x00000010u) == 0x20u);
  STATIC_REQUIRE(systick_counter::elapsed(5u, 5u) == 0u);
  STATIC_REQUIRE(edgeloop::platform::dwt_counter::elapsed(0xFFFFFFF0u, 0x10u) == 0x20u);
  // Under -icount shift=3 an instruction is 8 ns: 25 MHz -> 5, 20 MHz -> 6.25, 16 MHz -> 7.8125.
  const std::uint64_t per_1600_ticks = systick_counter::instructions(1600);
  const std::uint64_t expected = std::uint64_t{1600} * 1000000000u / (systick_counter::clock_hz * 8u);
  CHECK(per_1600_ticks == expected);
  if (systick_counter::clock_hz == 25000000u) CHECK(per_1600_ticks == 8000u);
  if (systick_counter::clock_hz == 20000000u) CHECK(per_1600_ticks == 10000u);
  if (systick_counter::clock_hz == 16000000u) CHECK(per_1600_ticks == 12500u);
}

TEST_CASE("the cycle counter measures a loop of known length", "[platform][cycle_counter]") {
  using edgeloop::platform::cycle_counter;
  cycle_counter::enable();
  if constexpr (!edgeloop::platform::has_cycle_counter) {
    CHECK(cycle_counter::now() == 0u);  // the host has no counter
    return;
  }
  const std::uint32_t t0 = cycle_counter::now();
  const std::uint32_t t1 = cycle_counter::now();
  edgeloop::platform::calibration_loop(1);
  const std::uint32_t t2 = cycle_counter::now();
  CHECK(cycle_counter::elapsed(t0, t2) >= cycle_counter::elapsed(t0, t1));  // monotonic

  // Board images run under QEMU -icount: 2 * n instructions plus a small, fixed overhead.
  std::uint64_t measured[3] = {};
  const std::uint32_t lengths[3] = {1000, 2000, 4000};
  for (int i = 0; i < 3; ++i) {
    const std::uint32_t start = cycle_counter::now();
    edgeloop::platform::calibration_loop(lengths[i]);
    const std::uint32_t stop = cycle_counter::now();
    measured[i] = cycle_counter::instructions(cycle_counter::elapsed(start, stop));
    CHECK(measured[i] >= 2u * lengths[i]);
    CHECK(measured[i] <= 2u * lengths[i] + 40u);
  }
  // Doubling the loop adds exactly its instructions, up to one tick (<= 8 instructions).
  const std::uint64_t step = measured[2] - measured[1];
  CHECK(step >= 4000u - 8u);
  CHECK(step <= 4000u + 8u);
}

#if defined(__ARM_FEATURE_DSP) && __ARM_FEATURE_DSP
TEST_CASE("the core executes the DSP extension (SMLAD, SXTB16)", "[platform][dsp]") {
  // Operands through volatile so the instructions run instead of being folded.
  volatile std::uint32_t a_bits = (static_cast<std::uint32_t>(static_cast<std::uint16_t>(-4)) << 16) | 3u;
  volatile std::uint32_t b_bits = (6u << 16) | static_cast<std::uint16_t>(-5);
  volatile std::int32_t accumulator = 100;
  const std::int32_t a = static_cast<std::int32_t>(a_bits), b = static_cast<std::int32_t>(b_bits);
  CHECK(__smlad(a, b, accumulator) == 100 + 3 * -5 + -4 * 6);
  volatile std::uint32_t bytes = 0x7FFF0080u;  // bytes 0 and 2: 0x80 (-128) and 0xFF (-1)
  const auto widened = static_cast<std::uint32_t>(__sxtb16(static_cast<std::int32_t>(bytes)));
  CHECK(widened == 0xFFFFFF80u);
}
#endif
