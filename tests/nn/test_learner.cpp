// nn::learner: Model concepts, XOR learned online, gradient accumulation equal to a
// mini-batch (and to a micro-batched learner), state round trips, bad input leaves the
// model unchanged.
#include <array>
#include <cmath>
#include <cstddef>
#include <new>

#include "edgeloop/core/concepts.hpp"
#include "edgeloop/nn/dense.hpp"
#include "edgeloop/nn/dropout.hpp"
#include "edgeloop/nn/learner.hpp"
#include "edgeloop/nn/mse.hpp"
#include "edgeloop/nn/relu.hpp"
#include "edgeloop/nn/sgd.hpp"
#include "edgeloop/nn/tanh.hpp"
#include "support/test.hpp"

namespace nn = edgeloop::nn;
using edgeloop::status;

namespace {
using xor_net = nn::sequential<float, nn::shape<2>, nn::dense<8>, nn::tanh, nn::dense<2>>;
using xor_clf = nn::classifier<xor_net>;
using drop_net = nn::sequential<float, nn::shape<3>, nn::dense<6>, nn::relu, nn::dropout<0.25f>, nn::dense<3>>;
constexpr std::array<std::array<float, 2>, 4> xor_x{{{0, 0}, {0, 1}, {1, 0}, {1, 1}}};
constexpr std::array<edgeloop::class_label, 4> xor_y{0, 1, 1, 0};

// The test cases run one after the other: their models and states are built in place in
// four shared static slots (board RAM), not in separate statics.
constexpr std::size_t slot_bytes = 1320;
alignas(16) unsigned char arena[4][slot_bytes];
template <class T, class... Args>
T& make_in(std::size_t slot, Args&&... args) {
  static_assert(sizeof(T) <= slot_bytes, "slot too small");
  return *new (arena[slot]) T(static_cast<Args&&>(args)...);
}
}  // namespace


TEST_CASE("learner: online_learner and persistable", "[nn][learner]") {
  STATIC_REQUIRE(edgeloop::online_learner<xor_clf>);
  STATIC_REQUIRE(edgeloop::persistable<xor_clf>);
  STATIC_REQUIRE(edgeloop::online_learner<nn::regressor<xor_net, nn::mse, nn::sgd, 2>>);
  STATIC_REQUIRE(std::is_trivially_copyable_v<xor_clf::state_type>);
}

TEST_CASE("learner: learns XOR one sample at a time", "[nn][learner]") {
  xor_clf::params p;
  p.optimizer.learning_rate = 0.05f;
  p.seed = 3;
  xor_clf& model = make_in<xor_clf>(0, p);
  for (int epoch = 0; epoch < 300; ++epoch)
    for (std::size_t i = 0; i < 4; ++i) REQUIRE(model.partial_fit(xor_x[i], xor_y[i]) == status::ok);
  for (std::size_t i = 0; i < 4; ++i) {
    CHECK(model.predict(xor_x[i]) == xor_y[i]);
    CHECK(model.predict_proba(xor_x[i])[xor_y[i]] > 0.9f);
  }
  CHECK(model.updates() == 1200);
  model.reset();
  CHECK(model.updates() == 0);
  CHECK(edgeloop::test::same_bytes(model.network(), xor_net(3)));
}

TEST_CASE("learner: accumulated partial_fit equals one mini-batch", "[nn][learner]") {
  using clf1 = nn::classifier<drop_net, nn::sgd, 1>;
  using clf4 = nn::classifier<drop_net, nn::sgd, 4>;
  clf1::params p;
  p.optimizer.learning_rate = 0.1f;
  p.optimizer.momentum = 0.9f;
  p.batch_size = 5;
  clf1& a = make_in<clf1>(0, p);
  clf1& b = make_in<clf1>(1, p);
  clf4::params p4;
  p4.optimizer = p.optimizer;
  p4.batch_size = 5;
  clf4& c = make_in<clf4>(2, p4);
  static std::array<std::array<float, 3>, 10> x;
  static std::array<edgeloop::class_label, 10> y;
  edgeloop::rng r(8);
  for (std::size_t i = 0; i < x.size(); ++i) {
    for (auto& v : x[i]) v = r.uniform<float>(-1.0f, 1.0f);
    y[i] = static_cast<edgeloop::class_label>(r.uniform_int(3));
  }
  for (std::size_t i = 0; i < 10; ++i) REQUIRE(a.partial_fit(x[i], y[i]) == status::ok);
  CHECK(a.updates() == 2);
  const nn::span_dataset<std::array<float, 3>, edgeloop::class_label> data{x, y};
  const std::array<std::uint16_t, 5> first{0, 1, 2, 3, 4}, second{5, 6, 7, 8, 9};
  nn::batch_result<float> rb{}, rc{};
  REQUIRE(b.train_minibatch(data, std::span<const std::uint16_t>(first), rb) == status::ok);
  REQUIRE(b.train_minibatch(data, std::span<const std::uint16_t>(second), rb) == status::ok);
  REQUIRE(c.train_minibatch(data, std::span<const std::uint16_t>(first), rc) == status::ok);
  REQUIRE(c.train_minibatch(data, std::span<const std::uint16_t>(second), rc) == status::ok);
  CHECK(rb.samples == 10);
  CHECK(b.updates() == 2);
  // Same samples, same order, same dropout draws: bit-identical to partial_fit.
  CHECK(edgeloop::test::same_bytes(a.network(), b.network()));
  // Micro-batches of 4 (matrix-matrix products, other summation order): float-close.
  CHECK(edgeloop::test::all_close(b.network().parameters(), c.network().parameters(), 1e-4L, 1e-6L));
  // One update per sample instead is a different model.
  p.batch_size = 1;
  clf1& d = make_in<clf1>(3, p);
  for (std::size_t i = 0; i < 10; ++i) REQUIRE(d.partial_fit(x[i], y[i]) == status::ok);
  CHECK_FALSE(edgeloop::test::all_close(b.network().parameters(), d.network().parameters(), 1e-3L));
}

TEST_CASE("learner: state round trip continues identically", "[nn][learner]") {
  using clf = nn::classifier<drop_net, nn::adam, 1>;
  clf::params p;
  p.batch_size = 3;
  clf& a = make_in<clf>(0, p);
  clf& b = make_in<clf>(1);
  static std::array<float, 3> x{0.5f, -0.25f, 1.0f};
  for (int i = 0; i < 7; ++i) REQUIRE(a.partial_fit(x, static_cast<edgeloop::class_label>(i % 3)) == status::ok);
  CHECK(a.pending() == 1);
  clf::state_type& s = make_in<clf::state_type>(2);
  s = a.state();
  REQUIRE(b.restore(s) == status::ok);
  clf::state_type& t = make_in<clf::state_type>(3);
  t = b.state();
  CHECK(edgeloop::test::same_bytes(s, t));
  for (int i = 0; i < 5; ++i) {
    REQUIRE(a.partial_fit(x, 2) == status::ok);
    REQUIRE(b.partial_fit(x, 2) == status::ok);
  }
  s = a.state();
  t = b.state();
  CHECK(edgeloop::test::same_bytes(s, t));
  CHECK(a.predict(x) == b.predict(x));
}

TEST_CASE("learner: bad input and bad states leave it unchanged", "[nn][learner]") {
  using clf = nn::classifier<drop_net, nn::adam, 1>;
  clf& m = make_in<clf>(0);
  static std::array<float, 3> x{0.5f, -0.25f, 1.0f};
  REQUIRE(m.partial_fit(x, 1) == status::ok);
  clf::state_type& before = make_in<clf::state_type>(1);
  clf::state_type& after = make_in<clf::state_type>(2);
  clf::state_type& bad = make_in<clf::state_type>(3);
  before = m.state();
  std::array<float, 3> nan_x = x;
  nan_x[1] = NAN;
  CHECK(m.partial_fit(nan_x, 1) == status::non_finite_input);
  std::array<float, 3> inf_x = x;
  inf_x[2] = INFINITY;
  CHECK(m.partial_fit(inf_x, 1) == status::non_finite_input);
  CHECK(m.partial_fit(x, 3) == status::label_out_of_range);
  std::array<float, 3> huge = x;
  huge[0] = 3e38f;  // finite, but the logits overflow
  CHECK(m.partial_fit(huge, 0) == status::non_finite_input);
  after = m.state();
  CHECK(edgeloop::test::same_bytes(before, after));
  bad = before;
  bad.magic ^= 1u;
  CHECK(m.restore(bad) == status::invalid_state);
  bad = before;
  bad.version = 2;
  CHECK(m.restore(bad) == status::invalid_state);
  bad = before;
  bad.weights[3] = NAN;
  CHECK(m.restore(bad) == status::invalid_state);
  bad = before;
  bad.optimizer[clf::param_count + 1] = -1.0f;  // negative second moment
  CHECK(m.restore(bad) == status::invalid_state);
  bad = before;
  bad.pending = bad.hyper.batch_size;
  CHECK(m.restore(bad) == status::invalid_state);
  bad = before;
  bad.hyper.optimizer.learning_rate = -1.0f;
  CHECK(m.restore(bad) == status::invalid_state);
  after = m.state();
  CHECK(edgeloop::test::same_bytes(before, after));
  // A bad sample inside a mini-batch: nothing learned.
  static std::array<std::array<float, 3>, 3> xs{{{1, 2, 3}, {1, NAN, 3}, {0, 0, 0}}};
  static std::array<edgeloop::class_label, 3> ys{0, 1, 2};
  const nn::span_dataset<std::array<float, 3>, edgeloop::class_label> data{xs, ys};
  const std::array<std::uint8_t, 3> all{0, 1, 2};
  nn::batch_result<float> res{};
  CHECK(m.train_minibatch(data, std::span<const std::uint8_t>(all), res) == status::non_finite_input);
  ys[1] = 7;
  xs[1][1] = 0;
  CHECK(m.train_minibatch(data, std::span<const std::uint8_t>(all), res) == status::label_out_of_range);
  after = m.state();
  CHECK(edgeloop::test::same_bytes(before, after));
  CHECK(res.samples == 0);
}

TEST_CASE("learner: a regressor learns a linear map", "[nn][learner]") {
  using net = nn::sequential<double, nn::shape<2>, nn::dense<2>>;
  using reg = nn::regressor<net, nn::mse, nn::sgd>;
  reg::params p;
  p.optimizer.learning_rate = 0.1;
  reg& m = make_in<reg>(0, p);
  edgeloop::rng r(4);
  for (int i = 0; i < 2000; ++i) {
    const std::array<double, 2> x{r.uniform<double>(-1, 1), r.uniform<double>(-1, 1)};
    REQUIRE(m.partial_fit(x, {2 * x[0] - x[1] + 0.5, -x[0]}) == status::ok);
  }
  const auto y = m.predict({0.3, -0.6});
  CHECK(edgeloop::test::close(y[0], 2 * 0.3 + 0.6 + 0.5, 1e-6));
  CHECK(edgeloop::test::close(y[1], -0.3, 1e-6));
}
