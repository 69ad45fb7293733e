#include <array>
#include <cstddef>
#include <limits>

#include "edgeloop/linear/majority_class.hpp"
#include "edgeloop/linear/no_change.hpp"
#include "support/test.hpp"

using namespace edgeloop;
using edgeloop::test::close;
using edgeloop::test::same_bytes;

namespace {
using x2 = std::array<float, 2>;
constexpr x2 any{0.5f, -1.f};
constexpr class_label sequence[10] = {2, 0, 0, 1, 1, 1, 0, 2, 2, 2};
}  // namespace

TEST_CASE("majority_class predicts the running mode (ties: lowest label)", "[linear][baselines]") {
  // Mode after each prefix, worked out by hand: 2 | 0 (tie 0/2) | 0 | 0 | 0 (tie 0/1) | 1 | 0
  // (tie 0/1) | 0 (3,3,2) | 0 (three-way tie 3,3,3 -> 0) | 2
  constexpr class_label expected[10] = {2, 0, 0, 0, 0, 1, 0, 0, 0, 2};
  majority_class<float, 2, 3> m;
  CHECK(m.predict(any) == 0);
  for (std::size_t i = 0; i < 10; ++i) {
    REQUIRE(m.partial_fit(any, sequence[i]) == status::ok);
    CHECK(m.predict(any) == expected[i]);
  }
  const auto p = m.predict_proba(any);
  CHECK(close(p[0], 0.3, 1e-6));
  CHECK(close(p[1], 0.3, 1e-6));
  CHECK(close(p[2], 0.4, 1e-6));
}

TEST_CASE("no_change repeats the last label", "[linear][baselines]") {
  no_change<float, 2, 3> m;
  CHECK(m.predict(any) == 0);
  CHECK_FALSE(m.seen());
  std::size_t hits = 0;
  for (std::size_t i = 0; i < 10; ++i) {
    if (m.predict(any) == sequence[i]) ++hits;
    REQUIRE(m.partial_fit(any, sequence[i]) == status::ok);
    CHECK(m.predict(any) == sequence[i]);
  }
  CHECK(hits == 5u);  // first (0 vs 2) misses; then 0,1,1,2,2 repeat -> 5 hits
  const auto p = m.predict_proba(any);
  CHECK(p[2] == 1.0f);
  CHECK(p[0] == 0.0f);

  no_change<float, 2, 3> n({2});
  CHECK(n.predict(any) == 2);
  CHECK(no_change<float, 2, 3>::validate({3}) == status::invalid_argument);
}

TEST_CASE("baselines refuse bad samples unchanged and round-trip their state", "[linear][baselines]") {
  const float nan = std::numeric_limits<float>::quiet_NaN();
  majority_class<float, 2, 3> m;
  no_change<float, 2, 3> n;
  for (std::size_t i = 0; i < 5; ++i) {
    REQUIRE(m.partial_fit(any, sequence[i]) == status::ok);
    REQUIRE(n.partial_fit(any, sequence[i]) == status::ok);
  }
  const auto ms = m.state();
  const auto ns = n.state();
  CHECK(m.partial_fit({nan, 0.f}, 0) == status::non_finite_input);
  CHECK(m.partial_fit(any, 3) == status::label_out_of_range);
  CHECK(n.partial_fit({0.f, nan}, 0) == status::non_finite_input);
  CHECK(n.partial_fit(any, 7) == status::label_out_of_range);
  CHECK(same_bytes(ms, m.state()));
  CHECK(same_bytes(ns, n.state()));

  majority_class<float, 2, 3> m2;
  REQUIRE(m2.restore(ms) == status::ok);
  CHECK(same_bytes(ms, m2.state()));
  CHECK(m2.predict(any) == m.predict(any));
  no_change<float, 2, 3> n2;
  REQUIRE(n2.restore(ns) == status::ok);
  CHECK(n2.predict(any) == 1);

  auto bad = ns;
  bad.last = 3;
  CHECK(n2.restore(bad) == status::invalid_state);
  auto badm = ms;
  badm.magic = 0;
  CHECK(m2.restore(badm) == status::invalid_state);
  CHECK(same_bytes(ms, m2.state()));
  m.reset();
  CHECK(m.samples() == 0u);
  CHECK(m.predict(any) == 0);
}
