#include <csetjmp>
#include <cstdint>

#include "edgeloop/config.hpp"
#include "edgeloop/core/assert.hpp"
#include "edgeloop/core/concepts.hpp"
#include "edgeloop/core/numeric.hpp"
#include "edgeloop/core/ring_buffer.hpp"
#include "edgeloop/core/rng.hpp"
#include "edgeloop/core/static_vector.hpp"
#include "edgeloop/core/status.hpp"
#include "edgeloop/version.hpp"
#include "support/test.hpp"

using namespace edgeloop;
using edgeloop::test::close;

namespace {
status fails_with(status s) noexcept { return s; }
status try_chain(status first, int& reached) noexcept {
  EDGELOOP_TRY(fails_with(first));
  reached = 1;
  return status::ok;
}

std::jmp_buf assert_jump;
const char* assert_message = nullptr;
[[noreturn]] void jumping_handler(const char*, const char* message, const char*, int) {
  assert_message = message;
  std::longjmp(assert_jump, 1);
}
}  // namespace

TEST_CASE("EDGELOOP_TRY returns the first non-ok status", "[core][status]") {
  int reached = 0;
  CHECK(try_chain(status::non_finite_input, reached) == status::non_finite_input);
  CHECK(reached == 0);
  CHECK(try_chain(status::ok, reached) == status::ok);
  CHECK(reached == 1);
  CHECK(is_ok(status::ok));
  CHECK_FALSE(is_ok(status::invalid_argument));
  CHECK(to_string(status::label_out_of_range)[0] == 'l');
}

TEST_CASE("version macros and constants agree", "[core][version]") {
  CHECK(version_major == EDGELOOP_VERSION_MAJOR);
  CHECK(version_minor == EDGELOOP_VERSION_MINOR);
  CHECK(version_string[0] == '0' + EDGELOOP_VERSION_MAJOR);
}

#if EDGELOOP_ENABLE_ASSERTS
TEST_CASE("a failed EDGELOOP_ASSERT calls the installed handler", "[core][assert]") {
  const assert_handler previous = set_assert_handler(&jumping_handler);
  static_vector<int, 2> v;
  volatile bool fired = false;
  if (setjmp(assert_jump) == 0) {
    v.pop_back();  // caller bug: pop on an empty vector
  } else {
    fired = true;
  }
  set_assert_handler(previous);
  CHECK(fired);
  REQUIRE(assert_message != nullptr);
  CHECK(assert_message[0] == 's');  // "static_vector: ..."
}
#endif

TEST_CASE("is_finite and all_finite reject NaN and infinities", "[core][numeric]") {
  const float inf = std::numeric_limits<float>::infinity();
  const float nan = std::numeric_limits<float>::quiet_NaN();
  CHECK(is_finite(1.0f));
  CHECK(is_finite(-std::numeric_limits<float>::max()));
  CHECK_FALSE(is_finite(inf));
  CHECK_FALSE(is_finite(-inf));
  CHECK_FALSE(is_finite(nan));
  const std::array<double, 3> ok{1.0, 2.0, -3.0};
  const std::array<double, 3> bad{1.0, std::numeric_limits<double>::quiet_NaN(), 3.0};
  CHECK(all_finite(ok));
  CHECK_FALSE(all_finite(bad));
  STATIC_REQUIRE(is_finite(2.0));
}

TEST_CASE("static_vector keeps its elements inside the object", "[core][static_vector]") {
  static_vector<int, 4> v{1, 2, 3};
  CHECK(v.size() == 3);
  CHECK(v.capacity() == 4);
  CHECK(v.try_push_back(4));
  CHECK(v.full());
  CHECK_FALSE(v.try_push_back(5));  // full: refused, contents unchanged
  CHECK(v.size() == 4);
  CHECK(v.back() == 4);
  v.swap_remove(0);
  CHECK(v.size() == 3);
  CHECK(v[0] == 4);
  int sum = 0;
  for (int x : v) sum += x;
  CHECK(sum == 4 + 2 + 3);
  v.resize(4, 9);
  CHECK(v[3] == 9);
  static_vector<int, 4> w{4, 2, 3, 9};
  CHECK(v == w);
  v.clear();
  CHECK(v.empty());
  STATIC_REQUIRE(sizeof(static_vector<std::uint8_t, 16>) <= 16 + sizeof(std::size_t));
}

TEST_CASE("ring_buffer matches a shifting-array reference", "[core][ring_buffer]") {
  ring_buffer<int, 5> ring;
  int reference[5] = {};
  int ref_size = 0;
  for (int i = 0; i < 23; ++i) {
    int evicted = -1;
    const bool did_evict = ring.push(i * 7, &evicted);
    int expected_evicted = -1;
    if (ref_size == 5) {
      expected_evicted = reference[0];
      for (int k = 0; k < 4; ++k) reference[k] = reference[k + 1];
      reference[4] = i * 7;
    } else {
      reference[ref_size++] = i * 7;
    }
    CHECK(did_evict == (expected_evicted != -1));
    CHECK(evicted == expected_evicted);
    REQUIRE(static_cast<int>(ring.size()) == ref_size);
    for (int k = 0; k < ref_size; ++k) CHECK(ring[static_cast<std::size_t>(k)] == reference[k]);
  }
  CHECK(ring.pop_front() == reference[0]);
  CHECK(ring.size() == 4);
  CHECK(ring.front() == reference[1]);
  CHECK(ring.back() == reference[4]);
}

TEST_CASE("rng reproduces the xoshiro128** reference sequence", "[core][rng]") {
  // Reference values from an independent implementation of xoshiro128** 1.1 (state 1,2,3,4)
  // and of splitmix64 seeding (seed 42).
  rng r;
  REQUIRE(r.restore({{1u, 2u, 3u, 4u}}) == status::ok);
  const std::uint32_t expected[] = {11520u, 0u, 5927040u, 70819200u, 2031721883u, 1637235492u};
  for (std::uint32_t e : expected) CHECK(r.next() == e);

  rng seeded(42);
  const rng::state_type s = seeded.state();
  CHECK(s.words[0] == 803958421u);
  CHECK(s.words[1] == 3184996902u);
  CHECK(s.words[2] == 2993090819u);
  CHECK(s.words[3] == 686809907u);
  CHECK(seeded.next() == 1776835114u);
  CHECK(seeded.next() == 4165204688u);
  CHECK(seeded.next() == 17111135u);

  CHECK(r.restore({{0u, 0u, 0u, 0u}}) == status::invalid_state);  // refused, unchanged
  CHECK(r.state().words[0] != 0u);
}

TEST_CASE("rng distributions have the right moments", "[core][rng]") {
  rng r(7);
  constexpr int n = 20000;
  double sum = 0, sum_sq = 0;
  int counts[6] = {};
  double normal_sum = 0, normal_sq = 0;
  for (int i = 0; i < n; ++i) {
    const float u = r.uniform<float>();
    CHECK((u >= 0.0f && u < 1.0f));
    sum += u;
    sum_sq += double(u) * u;
    ++counts[r.uniform_int(6)];
    const double z = r.normal<double>();
    normal_sum += z;
    normal_sq += z * z;
  }
  const double mean = sum / n, var = sum_sq / n - mean * mean;
  CHECK(close(mean, 0.5, 0.0, 0.01));     // standard error 0.002
  CHECK(close(var, 1.0 / 12, 0.0, 0.003));
  double chi2 = 0;
  for (int c : counts) chi2 += (c - n / 6.0) * (c - n / 6.0) / (n / 6.0);
  CHECK(chi2 < 20.5);  // chi-square, 5 degrees of freedom, p = 0.001
  CHECK(close(normal_sum / n, 0.0, 0.0, 0.03));
  CHECK(close(normal_sq / n, 1.0, 0.0, 0.04));
}

TEST_CASE("rng state round-trips and the shuffle is a permutation", "[core][rng]") {
  rng a(123);
  a.next();
  rng b;
  REQUIRE(b.restore(a.state()) == status::ok);
  for (int i = 0; i < 10; ++i) CHECK(a.next() == b.next());
  std::array<int, 10> p{0, 1, 2, 3, 4, 5, 6, 7, 8, 9};
  a.shuffle(p);
  int seen = 0;
  for (int v : p) seen |= 1 << v;
  CHECK(seen == 0x3FF);
}
