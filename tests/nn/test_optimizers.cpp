// Optimizer steps against hand-computed values (PyTorch's update rules written out),
// learning-rate schedules against their formulas.
#include <array>
#include <cmath>

#include "edgeloop/nn/adam.hpp"
#include "edgeloop/nn/lr_schedule.hpp"
#include "edgeloop/nn/sgd.hpp"
#include "support/test.hpp"

namespace nn = edgeloop::nn;
using edgeloop::test::close;

TEST_CASE("adam: the first two steps written out", "[nn][optimizers]") {
  using A = nn::adam::bind<double, 2>;
  A::params p;
  p.learning_rate = 0.1;
  std::array<double, 2> w{1.0, -2.0};
  std::array<double, A::state_size> s{};
  A::reset_state(s.data());
  const std::array<double, 2> g1{0.5, -0.1};  // then g2 = {-0.2, 0.3}
  A::step(w.data(), g1.data(), 1.0, s.data(), p.learning_rate, p);
  // m = 0.1 g, v = 0.001 g^2, m^ = g, v^ = g^2: w -= 0.1 * g / (|g| + 1e-8)
  CHECK(close(w[0], 1.0 - 0.1 * 0.5 / (0.5 + 1e-8), 1e-15));
  CHECK(close(w[1], -2.0 + 0.1 * 0.1 / (0.1 + 1e-8), 1e-15));
  // The gradient passed scaled by 1/2 (the mean of an accumulated pair) is the same step.
  const std::array<double, 2> g2x2{-0.4, 0.6};
  A::step(w.data(), g2x2.data(), 0.5, s.data(), p.learning_rate, p);
  // m = 0.9 * 0.1 g1 + 0.1 g2, v = 0.999 * 0.001 g1^2 + 0.001 g2^2, bias corrections
  // 1 - 0.9^2 = 0.19 and 1 - 0.999^2 = 0.001999.
  const long double m0 = 0.9L * 0.05L + 0.1L * -0.2L, m1 = 0.9L * -0.01L + 0.1L * 0.3L;
  const long double v0 = 0.999L * 0.00025L + 0.001L * 0.04L, v1 = 0.999L * 0.00001L + 0.001L * 0.09L;
  const long double w0 = (1.0L - 0.1L * 0.5L / (0.5L + 1e-8L)) - 0.1L * (m0 / 0.19L) / (std::sqrt(v0 / 0.001999L) + 1e-8L);
  const long double w1 = (-2.0L + 0.1L * 0.1L / (0.1L + 1e-8L)) - 0.1L * (m1 / 0.19L) / (std::sqrt(v1 / 0.001999L) + 1e-8L);
  CHECK(close(w[0], w0, 1e-12));
  CHECK(close(w[1], w1, 1e-12));
  CHECK(close(w[0], 0.8654394181165108, 1e-12));  // the same in Python, float64
  CHECK(close(w[1], -1.9494189911200654, 1e-12));
  CHECK(close(s[4], 0.81, 1e-15));   // b1^t
  CHECK(close(s[5], 0.998001, 1e-15));  // b2^t
  CHECK(A::valid_state(s.data()));
  s[3] = -1.0;  // a negative second moment is impossible
  CHECK_FALSE(A::valid_state(s.data()));
}

TEST_CASE("adam: coupled and decoupled weight decay", "[nn][optimizers]") {
  using A = nn::adam::bind<double, 1>;
  A::params p;
  p.learning_rate = 0.01;
  p.weight_decay = 0.5;
  std::array<double, 1> w{2.0}, g{0.25};
  std::array<double, A::state_size> s{};
  A::reset_state(s.data());
  A::step(w.data(), g.data(), 1.0, s.data(), p.learning_rate, p);
  // coupled: g' = 0.25 + 0.5 * 2 = 1.25, first step moves by lr * g'/(|g'| + eps)
  CHECK(close(w[0], 2.0 - 0.01 * 1.25 / (1.25 + 1e-8), 1e-15));
  p.decoupled_weight_decay = true;
  w = {2.0};
  A::reset_state(s.data());
  A::step(w.data(), g.data(), 1.0, s.data(), p.learning_rate, p);
  CHECK(close(w[0], 2.0 * (1.0 - 0.01 * 0.5) - 0.01 * 0.25 / (0.25 + 1e-8), 1e-15));
  CHECK(A::validate(p) == edgeloop::status::ok);
  p.beta2 = 1.0;
  CHECK(A::validate(p) == edgeloop::status::invalid_argument);
}

TEST_CASE("adam: moments that decay below 2^-100 are flushed, never subnormal", "[nn][optimizers]") {
  // One gradient, then 1,500 zero gradients: m decays by 0.9 and v by 0.999 per step, so
  // unflushed m would be subnormal after ~800 steps (x86 then takes ~100 cycles per
  // operation). The weights must still follow Adam (a long double reference without
  // flushing) as closely as float allows. 37 parameters: whole vectors and a scalar tail.
  constexpr std::size_t n = 37;
  using A = nn::adam::bind<float, n>;
  A::params p;
  p.learning_rate = 0.01f;
  std::array<float, n> w{}, g{}, zero{};
  std::array<float, A::state_size> s{};
  std::array<long double, n> rw{}, rm{}, rv{};
  A::reset_state(s.data());
  for (std::size_t i = 0; i < n; ++i) {
    w[i] = 0.5f - 0.03f * static_cast<float>(i);
    rw[i] = w[i];
    g[i] = (i % 3 == 0 ? -1.0f : 1.0f) * (0.001f + 0.1f * static_cast<float>(i));
  }
  long double b1t = 1, b2t = 1;
  bool subnormal = false;
  for (int t = 0; t < 1500; ++t) {
    A::step(w.data(), (t == 0 ? g : zero).data(), 1.0f, s.data(), p.learning_rate, p);
    b1t *= 0.9L;
    b2t *= 0.999L;
    for (std::size_t i = 0; i < n; ++i) {
      const long double gi = t == 0 ? g[i] : 0.0L;
      rm[i] = 0.9L * rm[i] + 0.1L * gi;
      rv[i] = 0.999L * rv[i] + 0.001L * gi * gi;
      rw[i] -= 0.01L * (rm[i] / (1 - b1t)) / (std::sqrt(rv[i] / (1 - b2t)) + 1e-8L);
    }
    for (std::size_t i = 0; i < 2 * n; ++i) subnormal = subnormal || std::fpclassify(s[i]) == FP_SUBNORMAL;
  }
  CHECK_FALSE(subnormal);
  bool m_flushed = true, v_kept = true, weights_follow = true;
  for (std::size_t i = 0; i < n; ++i) {
    m_flushed = m_flushed && s[i] == 0.0f && rm[i] < 1e-60L && rm[i] > 0.0L - 1e-60L;  // 0.9^1500 ~ 1e-69
    v_kept = v_kept && s[n + i] > 0.0f;  // 0.999^1500 ~ 0.22: not flushed
    weights_follow = weights_follow && close(w[i], rw[i], 1e-5, 1e-6);
  }
  CHECK(m_flushed);
  CHECK(v_kept);
  CHECK(weights_follow);
}

TEST_CASE("sgd: momentum, nesterov, weight decay written out", "[nn][optimizers]") {
  using G = nn::sgd::bind<double, 1>;
  G::params p;
  p.learning_rate = 0.1;
  p.momentum = 0.9;
  p.weight_decay = 0.01;
  std::array<double, 1> w{1.0}, v{};
  const std::array<double, 1> g1{0.5}, g2{-0.25};
  G::reset_state(v.data());
  G::step(w.data(), g1.data(), 1.0, v.data(), p.learning_rate, p);
  CHECK(close(w[0], 0.949, 1e-15));  // g' = 0.51, v = 0.51
  G::step(w.data(), g2.data(), 1.0, v.data(), p.learning_rate, p);
  CHECK(close(v[0], 0.21849, 1e-14));  // 0.9 * 0.51 - 0.25 + 0.01 * 0.949
  CHECK(close(w[0], 0.927151, 1e-14));
  p.nesterov = true;
  w = {1.0};
  G::reset_state(v.data());
  G::step(w.data(), g1.data(), 1.0, v.data(), p.learning_rate, p);
  CHECK(close(w[0], 0.9031, 1e-14));  // update g' + 0.9 v = 0.969
  G::step(w.data(), g2.data(), 1.0, v.data(), p.learning_rate, p);
  CHECK(close(w[0], 0.90757411, 1e-13));
  p.momentum = 0.0;
  p.nesterov = false;
  p.weight_decay = 0.0;
  w = {1.0};
  G::step(w.data(), g1.data(), 2.0, v.data(), p.learning_rate, p);
  CHECK(close(w[0], 0.9, 1e-15));
  p.nesterov = true;
  CHECK(G::validate(p) == edgeloop::status::invalid_argument);  // nesterov needs momentum
}

TEST_CASE("learning-rate schedules", "[nn][optimizers]") {
  nn::lr_schedule<double> s;
  CHECK(s.factor(1000) == 1.0);
  s.kind = nn::schedule_kind::step;
  s.gamma = 0.5;
  s.period = 10;
  CHECK(s.validate() == edgeloop::status::ok);
  CHECK(s.factor(9) == 1.0);
  CHECK(s.factor(10) == 0.5);
  CHECK(s.factor(35) == 0.125);
  CHECK(close(s.factor(1000), std::pow(0.5, 100), 1e-15));
  s.kind = nn::schedule_kind::inverse_time;
  s.gamma = 0.5;
  s.period = 4;
  CHECK(close(s.factor(8), 1.0 / (1.0 + 0.5 * 2.0), 1e-15));
  s.period = 0;
  CHECK(s.validate() == edgeloop::status::invalid_argument);
  s.period = 1;
  s.kind = nn::schedule_kind::step;
  s.gamma = 1.5;
  CHECK(s.validate() == edgeloop::status::invalid_argument);
}
