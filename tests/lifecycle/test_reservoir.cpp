#include <array>
#include <cmath>
#include <cstdint>
#include <limits>

#include "edgeloop/lifecycle/class_reservoir.hpp"
#include "edgeloop/lifecycle/reservoir.hpp"
#include "edgeloop/lifecycle/uncertainty_reservoir.hpp"
#include "support/test.hpp"

using namespace edgeloop;

namespace {
#if defined(EDGELOOP_TARGET_TEST)
constexpr std::uint32_t runs = 600;
#else
constexpr std::uint32_t runs = 4000;
#endif

/// |count - runs*p| within 5 binomial standard deviations (false alarm < 1e-6 per check).
bool within_binomial(std::uint32_t count, double p) {
  const double mean = runs * p;
  const double sd = std::sqrt(runs * p * (1.0 - p));
  return std::fabs(static_cast<double>(count) - mean) <= 5.0 * sd + 1e-9;
}
}  // namespace

TEST_CASE("reservoir keeps each of n items with probability k/n", "[lifecycle][reservoir]") {
  constexpr std::size_t n = 20, k = 5;
  static std::array<std::uint32_t, n> hits{};
  hits.fill(0);
  for (std::uint32_t seed = 0; seed < runs; ++seed) {
    rng r(seed + 1);
    reservoir<std::uint16_t, k> s;
    for (std::uint16_t i = 0; i < n; ++i) (void)s.offer(i, r);
    REQUIRE(s.size() == k);
    REQUIRE(s.seen() == n);
    for (const std::uint16_t v : s) ++hits[v];
  }
  for (std::size_t i = 0; i < n; ++i) CHECK(within_binomial(hits[i], double(k) / n));
  // the test can fail: a biased sampler (always the first k) is far outside the bound
  CHECK_FALSE(within_binomial(runs, double(k) / n));
}

TEST_CASE("reservoir fills first, then replaces; reset empties", "[lifecycle][reservoir]") {
  rng r(3);
  reservoir<int, 3> s;
  CHECK(s.empty());
  CHECK(s.offer(10, r));
  CHECK(s.offer(11, r));
  CHECK(s.offer(12, r));
  CHECK(s.full());
  CHECK(s[0] == 10);
  CHECK(s[2] == 12);
  std::uint32_t stored = 0;
  for (int i = 0; i < 300; ++i) stored += s.offer(100 + i, r) ? 1u : 0u;
  // expected number of replacements: sum_{n=4}^{303} 3/n = 3*(H_303 - H_3) = 12.2
  CHECK(stored >= 3);
  CHECK(stored <= 30);
  s.reset();
  CHECK(s.size() == 0);
  CHECK(s.seen() == 0);
}

TEST_CASE("class_reservoir keeps rare classes and samples each class uniformly", "[lifecycle][reservoir]") {
  constexpr std::size_t per = 4;
  static std::array<std::uint32_t, 3> first_of{};  // hits of the first item of each class
  first_of.fill(0);
  const std::array<std::uint16_t, 3> n_of{50, 10, 3};
  for (std::uint32_t seed = 0; seed < runs; ++seed) {
    rng r(seed + 77);
    class_reservoir<std::uint16_t, per, 3> s;
    // interleaved stream: item id = class*100 + index in class
    std::array<std::uint16_t, 3> next{};
    for (std::uint16_t t = 0; t < 63; ++t) {
      const class_label c = t % 7 == 3 && next[2] < 3 ? 2 : (t % 5 == 1 && next[1] < 10 ? 1 : 0);
      const std::uint16_t c_idx = next[c]++;
      REQUIRE(s.offer(static_cast<std::uint16_t>(c * 100 + c_idx), c, r) == status::ok);
    }
    REQUIRE(next[0] == 50);
    REQUIRE(next[1] == 10);
    REQUIRE(next[2] == 3);
    CHECK(s.of_class(2).size() == 3);
    CHECK(s.size() == per + per + 3);
    for (class_label c = 0; c < 3; ++c)
      for (const std::uint16_t v : s.of_class(c)) {
        REQUIRE(v / 100 == c);
        if (v % 100 == 0) ++first_of[c];
      }
  }
  CHECK(within_binomial(first_of[0], double(per) / n_of[0]));
  CHECK(within_binomial(first_of[1], double(per) / n_of[1]));
  CHECK(first_of[2] == runs);
  rng r(1);
  class_reservoir<int, 2, 3> s;
  CHECK(s.offer(1, 3, r) == status::label_out_of_range);
  CHECK(s.size() == 0);
}

TEST_CASE("uncertainty_reservoir with one slot keeps item i with probability w_i/sum(w)", "[lifecycle][reservoir]") {
  const std::array<float, 5> u{0.0f, 0.2f, 0.5f, 0.9f, 1.0f};
  std::array<std::uint32_t, 5> hits{};
  double total = 0;
  for (float x : u) total += 0.1 + double(x);
  for (std::uint32_t seed = 0; seed < runs; ++seed) {
    rng r(seed + 5);
    uncertainty_reservoir<std::uint8_t, 1> s;
    for (std::uint8_t i = 0; i < 5; ++i) REQUIRE(s.offer(i, u[i], r) == status::ok);
    ++hits[s[0]];
  }
  for (std::size_t i = 0; i < 5; ++i) CHECK(within_binomial(hits[i], (0.1 + double(u[i])) / total));
}

TEST_CASE("uncertainty_reservoir with equal uncertainty is a uniform k/n sample; bad input", "[lifecycle][reservoir]") {
  constexpr std::size_t n = 20, k = 5;
  static std::array<std::uint32_t, n> hits{};
  hits.fill(0);
  for (std::uint32_t seed = 0; seed < runs; ++seed) {
    rng r(seed + 9);
    uncertainty_reservoir<std::uint16_t, k> s;
    for (std::uint16_t i = 0; i < n; ++i) REQUIRE(s.offer(i, 0.4f, r) == status::ok);
    for (const std::uint16_t v : s) ++hits[v];
  }
  for (std::size_t i = 0; i < n; ++i) CHECK(within_binomial(hits[i], double(k) / n));
  rng r(1);
  const rng::state_type before = r.state();
  uncertainty_reservoir<int, 2> s;
  bool kept = true;
  CHECK(s.offer(1, std::numeric_limits<float>::quiet_NaN(), r, &kept) == status::non_finite_input);
  CHECK(s.offer(1, 1.5f, r) == status::invalid_argument);
  CHECK(s.offer(1, -0.1f, r) == status::invalid_argument);
  CHECK(s.size() == 0);
  CHECK(s.seen() == 0);
  CHECK(r.state().words == before.words);
  CHECK(uncertainty_reservoir<int, 2>::validate({0.0f}) == status::invalid_argument);
  CHECK(s.offer(7, 0.5f, r, &kept) == status::ok);
  CHECK(kept);
}
