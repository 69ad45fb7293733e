#include <array>
#include <cstddef>
#include <cstdint>
#include <span>

#include "edgeloop/core/rng.hpp"
#include "edgeloop/eval/split.hpp"
#include "support/test.hpp"

using namespace edgeloop;

namespace {

// Every value 0..n-1 appears exactly once in a[0..n).
template <class T>
bool is_permutation_of_iota(const T* a, std::size_t n) {
  static std::array<std::uint8_t, 256> seen{};
  if (n > seen.size()) return false;
  for (std::size_t i = 0; i < n; ++i) seen[i] = 0;
  for (std::size_t i = 0; i < n; ++i) {
    if (static_cast<std::size_t>(a[i]) >= n || seen[a[i]]) return false;
    seen[a[i]] = 1;
  }
  return true;
}

}  // namespace

TEST_CASE("validation_size is ceil(fraction * n) like train_test_split", "[eval][split]") {
  CHECK(validation_size(10, 0.2) == 2);
  CHECK(validation_size(10, 0.2f) == 2);
  CHECK(validation_size(10, 0.25) == 3);
  CHECK(validation_size(7, 0.5) == 4);
  CHECK(validation_size(100, 0.01) == 1);
  CHECK(validation_size(10, 0.0) == 0);
  CHECK(validation_size(10, 1.0) == 0);
}

TEST_CASE("time_ordered_split: first part trains, last part validates", "[eval][split]") {
  split_ranges s{};
  REQUIRE(time_ordered_split(10, 3, s) == status::ok);
  CHECK(s.train == (index_range{0, 7}));
  CHECK(s.validation == (index_range{7, 10}));
  CHECK(s.train.size() + s.validation.size() == 10);
  const split_ranges before = s;
  CHECK(time_ordered_split(10, 0, s) == status::invalid_argument);
  CHECK(time_ordered_split(10, 10, s) == status::invalid_argument);
  CHECK(time_ordered_split(0, 0, s) == status::invalid_argument);
  CHECK(s.train == before.train);
  CHECK(s.validation == before.validation);
}

TEST_CASE("shuffled_split: a permutation, deterministic for a seed, sizes right", "[eval][split]") {
  std::array<std::uint16_t, 97> a{}, b{}, c{};
  rng ra(7), rb(7), rc(8);
  split_ranges sa{}, sb{}, sc{};
  REQUIRE(shuffled_split(std::span<std::uint16_t>(a), 20, ra, sa) == status::ok);
  REQUIRE(shuffled_split(std::span<std::uint16_t>(b), 20, rb, sb) == status::ok);
  REQUIRE(shuffled_split(std::span<std::uint16_t>(c), 20, rc, sc) == status::ok);
  CHECK(is_permutation_of_iota(a.data(), a.size()));
  CHECK(is_permutation_of_iota(c.data(), c.size()));
  CHECK(a == b);  // same seed, same split
  CHECK_FALSE(a == c);
  std::size_t fixed_points = 0;
  for (std::size_t i = 0; i < a.size(); ++i) fixed_points += a[i] == i ? 1u : 0u;
  CHECK(fixed_points < 10);  // actually shuffled (expected about 1 fixed point)
  CHECK(sa.train.size() == 77);
  CHECK(sa.validation.size() == 20);
  CHECK(sa.validation.end == 97);
  // Bad sizes: nothing written, generator not advanced.
  std::array<std::uint16_t, 5> d{9, 9, 9, 9, 9};
  const auto rng_before = ra.state();
  CHECK(shuffled_split(std::span<std::uint16_t>(d), 5, ra, sa) == status::invalid_argument);
  CHECK(d[0] == 9);
  CHECK(edgeloop::test::same_bytes(ra.state(), rng_before));
  // Index too narrow for the size.
  static std::array<std::uint8_t, 300> e{};
  CHECK(shuffled_indices(std::span<std::uint8_t>(e), ra) == status::invalid_argument);
  std::array<std::uint8_t, 256> f{};
  CHECK(shuffled_indices(std::span<std::uint8_t>(f), ra) == status::ok);
  CHECK(is_permutation_of_iota(f.data(), f.size()));
}

TEST_CASE("k_fold partitions the positions: each validates exactly once, sizes like KFold", "[eval][split]") {
  const std::size_t n = 23, k = 5;  // folds of 5, 5, 5, 4, 4
  REQUIRE(k_fold::validate(n, k) == status::ok);
  CHECK(k_fold::validate(5, 1) == status::invalid_argument);
  CHECK(k_fold::validate(3, 4) == status::invalid_argument);
  const k_fold folds(n, k);
  std::array<std::uint8_t, n> validated{};
  const std::size_t expected_sizes[k] = {5, 5, 5, 4, 4};
  std::array<std::uint32_t, n> order{};
  rng r(3);
  REQUIRE(shuffled_indices(std::span<std::uint32_t>(order), r) == status::ok);
  std::array<std::uint32_t, n> train{};
  for (std::size_t f = 0; f < k; ++f) {
    const index_range v = folds.validation(f);
    CHECK(v.size() == expected_sizes[f]);
    CHECK(folds.train_size(f) == n - expected_sizes[f]);
    for (std::size_t p = v.begin; p < v.end; ++p) ++validated[p];
    const std::size_t written = folds.train_indices(f, std::span<const std::uint32_t>(order), std::span<std::uint32_t>(train));
    CHECK(written == n - v.size());
    // Training indices plus validation indices are all of 0..n-1 exactly once.
    std::array<std::uint32_t, n> all{};
    std::size_t w = 0;
    for (std::size_t i = 0; i < written; ++i) all[w++] = train[i];
    for (std::size_t p = v.begin; p < v.end; ++p) {
      all[w++] = order[p];
      CHECK(folds.is_validation(f, p));
    }
    CHECK(w == n);
    CHECK(is_permutation_of_iota(all.data(), n));
    std::size_t members = 0;
    for (std::size_t p = 0; p < n; ++p) members += folds.is_validation(f, p) ? 1u : 0u;
    CHECK(members == v.size());
  }
  bool once = true;
  for (const auto c : validated) once = once && c == 1;
  CHECK(once);
}
