// nn::fit: a generated three-class problem learned with a validation split, per-epoch
// metrics, early stopping with patience, the convergence criterion, the callback stop,
// restoring the best epoch's weights, a split fixed by split_seed, bad data and bad
// parameters leave the model unchanged.
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

TEST_CASE("fit: best_parameters puts back the weights of the best validation epoch", "[nn][fit]") {
  blobs& b = make_blobs();
  const dataset data{b.x, b.y};
  static std::array<std::uint16_t, samples> order;
  static std::array<float, clf::param_count> best, seen_at_best, one_epoch;
  clf::params mp;
  mp.optimizer.learning_rate = 0.02f;
  nn::fit_params<float> p;
  p.epochs = 1;
  p.batch_size = 8;
  p.validation_fraction = 0.2f;
  // Reference: the weights after one epoch, trained without best_parameters.
  clf& model = shared_model(mp);
  REQUIRE(nn::fit(model, data, std::span<std::uint16_t>(order), p, [](const nn::epoch_metrics<float>&) {}) == status::ok);
  one_epoch = model.network().parameters();
  // min_delta: only epoch 1 counts as an improvement, so patience 2 stops after epoch 3
  // and the weights of epoch 1 must come back.
  model = clf(mp);
  p.epochs = 20;
  p.patience = 2;
  p.min_delta = 100.0f;
  p.best_parameters = best;
  nn::fit_result<float> result{};
  REQUIRE(nn::fit(model, data, std::span<std::uint16_t>(order), p,
                  [&](const nn::epoch_metrics<float>& m) {
                    if (m.improved) seen_at_best = model.network().parameters();
                  },
                  &result) == status::ok);
  CHECK(result.epochs_run == 3);
  CHECK(result.best_epoch == 1);
  CHECK(result.restored);
  CHECK(model.updates() == 3 * 15);  // the optimizer state is the last epoch's
  CHECK(model.network().parameters() == seen_at_best);
  CHECK(model.network().parameters() == one_epoch);
  // Best at the last epoch: nothing to put back.
  model = clf(mp);
  p.epochs = 1;
  REQUIRE(nn::fit(model, data, std::span<std::uint16_t>(order), p, [](const nn::epoch_metrics<float>&) {}, &result) ==
          status::ok);
  CHECK_FALSE(result.restored);
  CHECK(model.network().parameters() == one_epoch);
}

TEST_CASE("fit: split_seed holds out the same samples whatever the seed", "[nn][fit]") {
  blobs& b = make_blobs();
  const dataset data{b.x, b.y};
  static std::array<std::uint16_t, samples> order, expected;
  clf::params mp;
  mp.optimizer.learning_rate = 0.02f;
  nn::fit_params<float> p;
  p.epochs = 2;
  p.batch_size = 8;
  p.validation_fraction = 0.2f;
  p.split_seed = 77;
  // The held-out samples, drawn independently of fit with the split functions.
  edgeloop::rng r(77);
  edgeloop::split_ranges ranges{};
  REQUIRE(edgeloop::shuffled_split(std::span<std::uint16_t>(expected), 30, r, ranges) == status::ok);
  const std::span<const std::uint16_t> held_out(expected.data() + ranges.validation.begin, ranges.validation.size());
  for (const std::uint64_t seed : {1u, 2u, 3u}) {
    clf& model = shared_model(mp);
    p.seed = seed;
    nn::fit_result<float> result{};
    REQUIRE(nn::fit(model, data, std::span<std::uint16_t>(order), p, [](const nn::epoch_metrics<float>&) {}, &result) ==
            status::ok);
    const nn::batch_result<float> v = model.evaluate(data, held_out);
    CHECK(v.samples == result.last.validation_samples);
    CHECK(v.loss_sum / static_cast<float>(v.samples) == result.last.validation_loss);
    CHECK(static_cast<float>(v.correct) / static_cast<float>(v.samples) == result.last.validation_accuracy);
  }
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
  static std::array<float, clf::param_count + 1> best;
  p.best_parameters = std::span<float>(best.data(), clf::param_count + 1);  // wrong size
  CHECK(nn::fit<samples>(model, dataset{b.x, b.y}, p, [](const nn::epoch_metrics<float>&) {}) == status::invalid_argument);
  p.best_parameters = std::span<float>(best.data(), clf::param_count);
  p.validation_fraction = 0.0f;  // nothing to choose the best epoch on
  CHECK(nn::fit<samples>(model, dataset{b.x, b.y}, p, [](const nn::epoch_metrics<float>&) {}) == status::invalid_argument);
  after = model.state();
  CHECK(edgeloop::test::same_bytes(before, after));
}
