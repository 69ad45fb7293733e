// nn::fit: a generated three-class problem learned with a validation split, per-epoch
// metrics, early stopping with patience, the convergence criterion, the callback stop,
// bad data and bad parameters leave the model unchanged.
#include <array>
#include <cmath>

#include "edgeloop/nn/dense.hpp"
#include "edgeloop/nn/fit.hpp"
#include "edgeloop/nn/relu.hpp"
#include "support/test.hpp"

namespace nn = edgeloop::nn;
using edgeloop::status;

namespace {
constexpr std::size_t samples = 150;
using net = nn::sequential<float, nn::shape<2>, nn::dense<12>, nn::relu, nn::dense<3>>;
using clf = nn::classifier<net>;
using dataset = nn::span_dataset<std::array<float, 2>, edgeloop::class_label>;

struct blobs {
  std::array<std::array<float, 2>, samples> x;
  std::array<edgeloop::class_label, samples> y;
};

// Three Gaussian-like blobs (sum of uniforms) around (0, 2), (2, -1), (-2, -1).
blobs& make_blobs() {
  static blobs b;
  edgeloop::rng r(21);
  const float cx[3] = {0.0f, 2.0f, -2.0f}, cy[3] = {2.0f, -1.0f, -1.0f};
  for (std::size_t i = 0; i < samples; ++i) {
    const auto c = static_cast<edgeloop::class_label>(i % 3);
    b.y[i] = c;
    b.x[i] = {cx[c] + r.uniform<float>(-0.7f, 0.7f) + r.uniform<float>(-0.7f, 0.7f),
              cy[c] + r.uniform<float>(-0.7f, 0.7f) + r.uniform<float>(-0.7f, 0.7f)};
  }
  return b;
}

clf& shared_model(const clf::params& p = {}) {
  static clf model;
  model = clf(p);
  return model;
}
}  // namespace

TEST_CASE("fit: learns three blobs with a validation split", "[nn][fit]") {
  blobs& b = make_blobs();
  const dataset data{b.x, b.y};
  clf::params mp;
  mp.optimizer.learning_rate = 0.02f;
  clf& model = shared_model(mp);
  nn::fit_params<float> p;
  p.epochs = 20;
  p.batch_size = 8;
  p.validation_fraction = 0.2f;
  std::uint32_t calls = 0, last_epoch = 0, validation_samples = 0, train_samples = 0;
  float first_loss = 0, last_loss = 0, last_val_acc = 0;
  nn::fit_result<float> result{};
  const status s = nn::fit<samples>(
      model, data, p,
      [&](const nn::epoch_metrics<float>& m) {
        ++calls;
        last_epoch = m.epoch;
        if (m.epoch == 1) first_loss = m.train_loss;
        last_loss = m.train_loss;
        last_val_acc = m.validation_accuracy;
        validation_samples = m.validation_samples;
        train_samples = m.train_samples;
      },
      &result);
  REQUIRE(s == status::ok);
  CHECK(calls == 20);
  CHECK(last_epoch == 20);
  CHECK(result.epochs_run == 20);
  CHECK_FALSE(result.stopped_early);
  CHECK(validation_samples == 30);  // ceil(0.2 * 150)
  CHECK(train_samples == 120);
  CHECK(model.updates() == 20 * 15);  // 120 / 8 mini-batches per epoch
  CHECK(last_loss < 0.5f * first_loss);
  CHECK(last_val_acc >= 0.9f);
  std::uint32_t right = 0;
  for (std::size_t i = 0; i < samples; ++i) right += model.predict(b.x[i]) == b.y[i] ? 1u : 0u;
  CHECK(right >= 140u);
}

TEST_CASE("fit: early stopping, convergence and the callback stop", "[nn][fit]") {
  blobs& b = make_blobs();
  const dataset data{b.x, b.y};
  clf& model = shared_model();
  static std::array<std::uint16_t, samples> order;
  nn::fit_params<float> p;
  p.epochs = 50;
  p.patience = 2;
  p.min_delta = 100.0f;  // nothing after the first epoch counts as an improvement
  nn::fit_result<float> result{};
  REQUIRE(nn::fit(model, data, std::span<std::uint16_t>(order), p, [](const nn::epoch_metrics<float>&) {}, &result) ==
          status::ok);
  CHECK(result.epochs_run == 3);  // best at 1, no improvement at 2 and 3
  CHECK(result.stopped_early);
  CHECK(result.best_epoch == 1);
  // Convergence on the training loss: tolerance huge, patience 1 -> stops at epoch 2.
  p.min_delta = 0.0f;
  p.patience = 1;
  p.tolerance = 100.0f;
  p.validation_fraction = 0.0f;
  REQUIRE(nn::fit(model, data, std::span<std::uint16_t>(order), p, [](const nn::epoch_metrics<float>&) {}, &result) ==
          status::ok);
  CHECK(result.epochs_run == 2);
  CHECK_FALSE(result.last.has_validation);
  // The callback stops after epoch 4.
  p.tolerance = 0.0f;
  p.patience = 0;
  REQUIRE(nn::fit(model, data, std::span<std::uint16_t>(order), p,
                  [](const nn::epoch_metrics<float>& m) { return m.epoch < 4; }, &result) == status::ok);
  CHECK(result.epochs_run == 4);
  CHECK(result.stopped_early);
}

TEST_CASE("fit: bad data and bad parameters change nothing", "[nn][fit]") {
  blobs& b = make_blobs();
  clf& model = shared_model();
  static clf::state_type before, after;
  before = model.state();
  nn::fit_params<float> p;
  p.epochs = 2;
  b.x[77][1] = NAN;
  CHECK(nn::fit<samples>(model, dataset{b.x, b.y}, p, [](const nn::epoch_metrics<float>&) {}) == status::non_finite_input);
  b.x[77][1] = 0.0f;
  b.y[5] = 3;
  CHECK(nn::fit<samples>(model, dataset{b.x, b.y}, p, [](const nn::epoch_metrics<float>&) {}) ==
        status::label_out_of_range);
  b.y[5] = 2;
  p.batch_size = 0;
  CHECK(nn::fit<samples>(model, dataset{b.x, b.y}, p, [](const nn::epoch_metrics<float>&) {}) == status::invalid_argument);
  p.batch_size = 4;
  CHECK(nn::fit<100>(model, dataset{b.x, b.y}, p, [](const nn::epoch_metrics<float>&) {}) == status::capacity_exceeded);
  after = model.state();
  CHECK(edgeloop::test::same_bytes(before, after));
}
