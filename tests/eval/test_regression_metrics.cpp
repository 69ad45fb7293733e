#include <array>
#include <cmath>
#include <cstddef>
#include <limits>

#include "edgeloop/core/rng.hpp"
#include "edgeloop/eval/regression_metrics.hpp"
#include "edgeloop/eval/windowed_regression_metrics.hpp"
#include "support/test.hpp"

using namespace edgeloop;
using edgeloop::test::close;

namespace {

#if defined(EDGELOOP_TARGET_TEST)
constexpr std::size_t stream_length = 100;
#else
constexpr std::size_t stream_length = 1000;
#endif

struct two_pass {
  long double mae, mse, r2;
};

// Two-pass long-double reference over y[first, last), yhat[first, last).
template <class T>
two_pass reference(const T* y, const T* yhat, std::size_t first, std::size_t last) {
  const long double n = static_cast<long double>(last - first);
  long double mean = 0, abs_sum = 0, sq_sum = 0, sst = 0;
  for (std::size_t i = first; i < last; ++i) mean += y[i];
  mean /= n;
  for (std::size_t i = first; i < last; ++i) {
    const long double e = static_cast<long double>(y[i]) - static_cast<long double>(yhat[i]);
    abs_sum += e < 0 ? -e : e;
    sq_sum += e * e;
    sst += (y[i] - mean) * (y[i] - mean);
  }
  return {abs_sum / n, sq_sum / n, sst > 0 ? 1 - sq_sum / sst : (sq_sum == 0 ? 1.0L : 0.0L)};
}

// Targets with a large offset (Welford matters) and noisy predictions.
template <class T>
void make_stream(std::array<T, stream_length>& y, std::array<T, stream_length>& yhat, std::uint64_t seed) {
  rng r(seed);
  for (std::size_t i = 0; i < stream_length; ++i) {
    const T signal = static_cast<T>(std::sin(0.05 * static_cast<double>(i)));
    y[i] = T(1000) + signal + r.normal<T>(T(0), T(0.3));
    yhat[i] = T(1000) + signal + r.normal<T>(T(0), T(0.2));
  }
}

// One shared pair of buffers (board RAM is small).
std::array<double, stream_length> g_y{}, g_yhat{};

}  // namespace

TEST_CASE("regression_metrics match a two-pass long-double computation", "[eval][regression_metrics]") {
  make_stream(g_y, g_yhat, 21);
  regression_metrics<double> m;
  regression_metrics<float> mf;
  std::size_t mismatches = 0;
  for (std::size_t i = 0; i < stream_length; ++i) {
    REQUIRE(m.update(g_y[i], g_yhat[i]) == status::ok);
    REQUIRE(mf.update(static_cast<float>(g_y[i]), static_cast<float>(g_yhat[i])) == status::ok);
    if (i < 1) continue;
    const two_pass ref = reference(g_y.data(), g_yhat.data(), 0, i + 1);
    if (!close(m.mae(), ref.mae, 1e-12L) || !close(m.mse(), ref.mse, 1e-12L) ||
        !close(m.rmse(), std::sqrt(ref.mse), 1e-12L) || !close(m.r2(), ref.r2, 1e-9L, 1e-12L))
      ++mismatches;
  }
  CHECK(mismatches == 0);
  CHECK(m.samples() == stream_length);
  const two_pass ref = reference(g_y.data(), g_yhat.data(), 0, stream_length);
  CHECK(ref.r2 > 0.2L);  // the predictions carry signal: R^2 is not trivially 0 or 1
  // float: the errors are computed from float inputs (y - yhat in float loses ~1e-4 at 1000).
  CHECK(close(mf.mae(), ref.mae, 2e-3L));
  CHECK(close(mf.rmse(), std::sqrt(ref.mse), 2e-3L));
  CHECK(close(mf.r2(), ref.r2, 5e-3L));
}

TEST_CASE("regression_metrics: hand-computed values and constant targets", "[eval][regression_metrics]") {
  regression_metrics<double> m;
  // errors 1, -2, 3 -> MAE 2, MSE 14/3; targets 3, 5, 7: mean 5, SST 8 -> R^2 = 1 - 14/8.
  REQUIRE(m.update(3.0, 2.0) == status::ok);
  REQUIRE(m.update(5.0, 7.0) == status::ok);
  REQUIRE(m.update(7.0, 4.0) == status::ok);
  CHECK(close(m.mae(), 2.0L, 1e-15L));
  CHECK(close(m.mse(), 14.0L / 3.0L, 1e-15L));
  CHECK(close(m.r2(), 1.0L - 14.0L / 8.0L, 1e-14L));
  CHECK(close(m.target_mean(), 5.0L, 1e-15L));
  CHECK(close(m.target_variance(), 8.0L / 3.0L, 1e-15L));
  regression_metrics<double> c;  // constant target: R^2 is 1 if exact, else 0 (scikit-learn)
  REQUIRE(c.update(2.0, 2.0) == status::ok);
  REQUIRE(c.update(2.0, 2.0) == status::ok);
  CHECK(c.r2() == 1.0);
  REQUIRE(c.update(2.0, 2.5) == status::ok);
  CHECK(c.r2() == 0.0);
}

TEST_CASE("regression_metrics reject non-finite input and stay unchanged", "[eval][regression_metrics]") {
  regression_metrics<float> m;
  REQUIRE(m.update(1.0f, 2.0f) == status::ok);
  const auto before = m;
  CHECK(m.update(std::numeric_limits<float>::quiet_NaN(), 1.0f) == status::non_finite_input);
  CHECK(m.update(1.0f, std::numeric_limits<float>::infinity()) == status::non_finite_input);
  CHECK(m.update(std::numeric_limits<float>::max(), -std::numeric_limits<float>::max()) == status::non_finite_input);
  CHECK(m == before);
  windowed_regression_metrics<float, 4> w;
  REQUIRE(w.update(1.0f, 2.0f) == status::ok);
  const auto wbefore = w;
  CHECK(w.update(std::numeric_limits<float>::quiet_NaN(), 1.0f) == status::non_finite_input);
  CHECK(w == wbefore);
}

template <std::size_t Window>
static void check_windowed_regression(std::uint64_t seed) {
  make_stream(g_y, g_yhat, seed);
  windowed_regression_metrics<double, Window> w;
  std::size_t mismatches = 0;
  for (std::size_t i = 0; i < stream_length; ++i) {
    REQUIRE(w.update(g_y[i], g_yhat[i]) == status::ok);
    const std::size_t first = i + 1 > Window ? i + 1 - Window : 0;
    const two_pass ref = reference(g_y.data(), g_yhat.data(), first, i + 1);
    if (w.samples() != i + 1 - first || !close(w.mae(), ref.mae, 1e-9L, 1e-12L) ||
        !close(w.mse(), ref.mse, 1e-9L, 1e-12L) || !close(w.rmse(), std::sqrt(ref.mse), 1e-9L, 1e-12L) ||
        !close(w.r2(), ref.r2, 1e-7L, 1e-9L))
      ++mismatches;
  }
  CHECK(mismatches == 0);
}

TEST_CASE("windowed_regression_metrics equal a two-pass recomputation over the last W pairs at every step",
          "[eval][windowed_regression_metrics]") {
  check_windowed_regression<1>(31);
  check_windowed_regression<5>(32);
  check_windowed_regression<64>(33);
}
