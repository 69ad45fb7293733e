// distillation: the loss against its definition computed independently (softmax
// probabilities, KL and cross-entropy in long double), its gradient against central
// differences, the limits (Alpha = 0 is cross-entropy; z = t gives a zero soft term), and a
// student learner trained through fit() on a teacher's logits.
#include <array>
#include <cmath>

#include "edgeloop/nn/dense.hpp"
#include "edgeloop/nn/distillation.hpp"
#include "edgeloop/nn/fit.hpp"
#include "edgeloop/nn/learner.hpp"
#include "edgeloop/nn/softmax_cross_entropy.hpp"
#include "edgeloop/nn/tanh.hpp"
#include "support/test.hpp"

namespace nn = edgeloop::nn;

namespace {
constexpr std::size_t n = 4;

long double reference_loss(const std::array<double, n>& z, const nn::distillation_target<double, n>& y, long double t,
                           long double alpha) {
  auto softmax = [](const auto& v, long double temp) {
    std::array<long double, n> p{};
    long double sum = 0;
    for (std::size_t i = 0; i < n; ++i) sum += (p[i] = std::exp(static_cast<long double>(v[i]) / temp));
    for (auto& x : p) x /= sum;
    return p;
  };
  const auto p = softmax(y.teacher, t), q = softmax(z, t), s = softmax(z, 1.0L);
  long double kl = 0;
  for (std::size_t i = 0; i < n; ++i) kl += p[i] * std::log(p[i] / q[i]);
  return alpha * t * t * kl - (1 - alpha) * std::log(s[y.label]);
}
}  // namespace

TEST_CASE("distillation: loss equals the definition, gradient equals central differences", "[nn][distillation]") {
  using L = nn::distillation<3.0f, 0.7f>::bind<double, n>;
  edgeloop::rng r(4);
  for (int k = 0; k < 5; ++k) {
    std::array<double, n> z{};
    nn::distillation_target<double, n> y;
    for (auto& v : z) v = r.uniform<double>(-3.0, 3.0);
    for (auto& v : y.teacher) v = r.uniform<double>(-3.0, 3.0);
    y.label = static_cast<edgeloop::class_label>(r.uniform_int(n));
    std::array<double, n> g{};
    const double l = L::loss_gradient(z.data(), y, g.data());
    CHECK(edgeloop::test::close(l, reference_loss(z, y, L::temperature, L::alpha), 1e-12));  // 0.7f as double
    CHECK(edgeloop::test::close(L::loss(z.data(), y), l, 1e-15));
    for (std::size_t i = 0; i < n; ++i) {
      auto zp = z, zm = z;
      zp[i] += 1e-6;
      zm[i] -= 1e-6;
      const double fd = (L::loss(zp.data(), y) - L::loss(zm.data(), y)) / 2e-6;
      CHECK(edgeloop::test::close(g[i], fd, 1e-7, 1e-9));
    }
  }
}

TEST_CASE("distillation: limits", "[nn][distillation]") {
  using hard = nn::distillation<2.0f, 0.0f>::bind<float, n>;
  using ce = nn::softmax_cross_entropy::bind<float, n>;
  using soft = nn::distillation<5.0f, 1.0f>::bind<float, n>;
  const std::array<float, n> z{0.5f, -1.0f, 2.0f, 0.25f};
  nn::distillation_target<float, n> y{2, z};
  std::array<float, n> g1{}, g2{};
  CHECK(edgeloop::test::close(hard::loss_gradient(z.data(), y, g1.data()), ce::loss_gradient(z.data(), 2, g2.data()), 1e-6));
  CHECK(edgeloop::test::all_close(g1, g2, 1e-6L, 1e-7L));
  // Student equal to the teacher: no soft loss and no soft gradient.
  CHECK(soft::loss_gradient(z.data(), y, g1.data()) == 0.0f);
  CHECK(edgeloop::test::all_close(g1, std::array<float, n>{}, 0.0L, 1e-7L));
  // Bad targets are rejected.
  y.label = n;
  CHECK(soft::check(y) == edgeloop::status::label_out_of_range);
  y.label = 0;
  y.teacher[1] = NAN;
  CHECK(soft::check(y) == edgeloop::status::non_finite_input);
}

TEST_CASE("distillation: a student learns a teacher's soft outputs through fit", "[nn][distillation]") {
  // Teacher: a fixed random network; its arg max defines the labels. A student distilled
  // from its logits ends close to it (soft term small) and agrees with its labels.
  using net = nn::sequential<float, nn::shape<3>, nn::dense<8>, nn::tanh, nn::dense<3>>;
  using student = nn::learner<net, nn::distillation<2.0f, 0.8f>, nn::adam, 1>;
  static net teacher(21);
  struct data_set {
    std::array<std::array<float, 3>, 96> x;
    std::array<nn::distillation_target<float, 3>, 96> y;
    std::size_t size() const { return x.size(); }
    const std::array<float, 3>& input(std::size_t i) const { return x[i]; }
    const nn::distillation_target<float, 3>& target(std::size_t i) const { return y[i]; }
  };
  static data_set d;
  edgeloop::rng r(6);
  for (std::size_t i = 0; i < d.size(); ++i) {
    for (auto& v : d.x[i]) v = r.uniform<float>(-1.5f, 1.5f);
    const auto t = teacher.forward(d.x[i]);
    for (std::size_t k = 0; k < 3; ++k) d.y[i].teacher[k] = 2.0f * t[k];
    d.y[i].label = nn::softmax_cross_entropy::bind<float, 3>::predict(d.y[i].teacher.data());
  }
  student::params p;
  p.optimizer.learning_rate = 0.02f;
  p.seed = 9;
  static student s(p);
  nn::fit_params<float> fp;
  fp.epochs = 60;
  fp.batch_size = 8;
  fp.validation_fraction = 0.0f;
  nn::fit_result<float> first{}, last{};
  REQUIRE(nn::fit<96>(s, d, fp, [&](const nn::epoch_metrics<float>& m) {
            if (m.epoch == 1) first.last = m;
            last.last = m;
          }) == edgeloop::status::ok);
  CHECK(last.last.train_loss < 0.5f * first.last.train_loss);
  CHECK(last.last.train_accuracy > 0.9f);
}
