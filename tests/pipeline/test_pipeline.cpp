#include <array>
#include <cstdint>
#include <limits>

#include "edgeloop/core/numeric.hpp"
#include "edgeloop/pipeline/pipeline.hpp"
#include "support/test.hpp"

using namespace edgeloop;
using edgeloop::test::same_bytes;

namespace {
using vec2 = std::array<float, 2>;

// A persistable transformer: subtracts the running mean of what it has seen.
struct centerer {
  using input_type = vec2;
  using output_type = vec2;
  struct state_type {
    vec2 mean;
    std::uint32_t count;
  };
  status partial_fit(const vec2& x) noexcept {
    if (!all_finite(x)) return status::non_finite_input;
    ++count_;
    for (std::size_t i = 0; i < 2; ++i) mean_[i] += (x[i] - mean_[i]) / static_cast<float>(count_);
    return status::ok;
  }
  vec2 transform(const vec2& x) const noexcept { return {x[0] - mean_[0], x[1] - mean_[1]}; }
  void reset() noexcept { *this = centerer{}; }
  state_type state() const noexcept { return {mean_, count_}; }
  status restore(const state_type& s) noexcept {
    if (!all_finite(s.mean)) return status::invalid_state;
    mean_ = s.mean;
    count_ = s.count;
    return status::ok;
  }
  vec2 mean_{};
  std::uint32_t count_ = 0;
};

// A fixed (not persistable) transformer: doubles its input.
struct doubler {
  using input_type = vec2;
  using output_type = vec2;
  status partial_fit(const vec2&) noexcept { return status::ok; }
  vec2 transform(const vec2& x) const noexcept { return {2 * x[0], 2 * x[1]}; }
  void reset() noexcept {}
};

// An online least-mean-squares learner.
struct lms {
  using input_type = vec2;
  using output_type = float;
  using target_type = float;
  struct state_type {
    vec2 w;
  };
  float predict(const vec2& x) const noexcept { return w_[0] * x[0] + w_[1] * x[1]; }
  status partial_fit(const vec2& x, const float& y) noexcept {
    if (!all_finite(x) || !is_finite(y)) return status::non_finite_input;
    const float err = y - predict(x);
    for (std::size_t i = 0; i < 2; ++i) w_[i] += 0.1f * err * x[i];
    return status::ok;
  }
  void reset() noexcept { w_ = {}; }
  state_type state() const noexcept { return {w_}; }
  status restore(const state_type& s) noexcept {
    if (!all_finite(s.w)) return status::invalid_state;
    w_ = s.w;
    return status::ok;
  }
  vec2 w_{};
};

using model = pipeline<centerer, doubler, lms>;
static_assert(online_learner<model>);
static_assert(persistable<model>);
static_assert(online_transformer<pipeline<centerer, doubler>>);
static_assert(!online_learner<pipeline<centerer, doubler>>);
static_assert(std::is_trivially_copyable_v<model::state_type>);
static_assert(model::memory_bytes == sizeof(model));

const vec2 samples[] = {{1, 2}, {3, -1}, {0.5f, 0.25f}, {-2, 4}, {7, 1}};
const float targets[] = {1, -2, 0.5f, 3, 1.5f};
}  // namespace

TEST_CASE("a pipeline learns and predicts exactly as its stages chained by hand", "[pipeline]") {
  model p;
  centerer c;
  doubler d;
  lms l;
  for (std::size_t i = 0; i < 5; ++i) {
    // predict uses the statistics learned so far
    CHECK(p.predict(samples[i]) == l.predict(d.transform(c.transform(samples[i]))));
    REQUIRE(p.partial_fit(samples[i], targets[i]) == status::ok);
    REQUIRE(c.partial_fit(samples[i]) == status::ok);
    REQUIRE(l.partial_fit(d.transform(c.transform(samples[i])), targets[i]) == status::ok);
  }
  CHECK(p.stage<0>().mean_ == c.mean_);
  CHECK(p.stage<2>().w_ == l.w_);
}

TEST_CASE("a refused sample leaves every stage of the pipeline unchanged", "[pipeline]") {
  model p;
  for (std::size_t i = 0; i < 3; ++i) REQUIRE(p.partial_fit(samples[i], targets[i]) == status::ok);
  const model::state_type before = p.state();
  // The learner refuses the target after the centerer has already learned from x:
  // the centerer must be rolled back.
  CHECK(p.partial_fit(samples[3], std::numeric_limits<float>::quiet_NaN()) == status::non_finite_input);
  CHECK(same_bytes(before, p.state()));
  // The first stage refuses x.
  CHECK(p.partial_fit({std::numeric_limits<float>::infinity(), 0}, 1.0f) == status::non_finite_input);
  CHECK(same_bytes(before, p.state()));
}

TEST_CASE("pipeline state round-trips and a bad state is refused without change", "[pipeline]") {
  model a;
  for (std::size_t i = 0; i < 5; ++i) REQUIRE(a.partial_fit(samples[i], targets[i]) == status::ok);
  model b;
  REQUIRE(b.restore(a.state()) == status::ok);
  CHECK(same_bytes(a.state(), b.state()));
  CHECK(a.predict({1, 1}) == b.predict({1, 1}));

  model::state_type bad = a.state();
  detail::pack_get<2>(bad.stages).w[0] = std::numeric_limits<float>::quiet_NaN();  // learner refuses
  model c;
  const model::state_type fresh = c.state();
  CHECK(c.restore(bad) == status::invalid_state);
  CHECK(same_bytes(fresh, c.state()));  // the centerer restored before the learner was put back
  a.reset();
  CHECK(same_bytes(fresh, a.state()));
}

TEST_CASE("a transformer-only pipeline is a transformer", "[pipeline]") {
  pipeline<centerer, doubler> t;
  REQUIRE(t.partial_fit({2, 4}) == status::ok);
  REQUIRE(t.partial_fit({4, 8}) == status::ok);
  const vec2 out = t.transform({3, 6});
  CHECK(out[0] == 0.0f);
  CHECK(out[1] == 0.0f);
  const vec2 out2 = t.transform({4, 7});
  CHECK(out2[0] == 2.0f);
  CHECK(out2[1] == 2.0f);
}
