// fashion_mnist_int8: post-training int8 quantization of the Fashion-MNIST MLP and
// on-device learning of its int8 head (edgeloop::quant).
//
//  1. PTQ: trains the float MLP 784-128(relu)-10 as examples/host/fashion_mnist does
//     (pixels in [0, 1], Adam lr 1e-3, mini-batches of 32, 60,000 training images),
//     calibrates on the first --calibration training images (min/max, moving-average,
//     99.99th-percentile and histogram (least squared error) observers) and compares float
//     and int8 test accuracy.
//  2. Class-incremental: the same MLP trained only on the images of classes 0-7 (its
//     rows 8 and 9 never see a label); the int8 twin of its hidden layer is the frozen
//     backbone, its first 8 head rows start an int8_head_learner<net, 10>, which then
//     learns from a stream of labelled training images of all 10 classes (shuffled),
//     one SGD step per sample. Reported after 500 and 2,000 samples: 10-class test
//     accuracy, accuracy on test classes 0-7 (kept) and on 8-9 (learned).
//  3. Domain shift: x' = clamp(0.5 x + 0.25 + N(0, 0.05^2), 0, 1) (contrast halved, a
//     brightness offset, pixel noise; fixed noise seed per image). The int8 network of
//     part 1 adapts its head on 1,000 shifted training images streamed once; test
//     accuracy on shifted and unshifted images before and after.
//
//  4. --qat: quantization-aware training instead of parts 2 and 3: the trained float
//     network is fine-tuned with fake-quant nodes (quant::qat_learner: per-channel int8
//     weights from the current weights at every step, per-tensor int8 activations with
//     EMA ranges, clipped straight-through estimator) for --qat-epochs epochs (3) at Adam
//     lr --qat-lr (3e-5), times --qat-lr-decay (1) after each epoch, the ranges (and their
//     EMA) frozen after epoch --qat-freeze-after (1), on the training images minus a fixed
//     --qat-validation share (0.1) held out; after every epoch the int8 twin is built and
//     the epoch whose twin has the lowest validation cross-entropy is kept (a
//     qat_learner checkpoint), then quantized; float, PTQ and QAT int8 test accuracies.
//     A control fine-tunes the float network the same way (--no-control skips it).
//  --layer-report: where PTQ loses accuracy: for each observer, per block, the
//     signal-to-quantization-noise ratio of the int8 twin's (dequantized) activations
//     against the float network's on the first 500 test images, and the block's range.
//
// Usage: fashion_mnist_int8 [--model mlp|cnn|cnn-plain] [--data DIR] [--epochs N] [--seed N]
//                           [--lr X] [--lr-decay-epochs K] [--calibration N]
//                           [--qat] [--qat-epochs N] [--qat-lr X] [--qat-lr-decay G]
//                           [--qat-freeze-after K] [--qat-validation F] [--no-control]
//                           [--layer-report] [--float-cache FILE] [--json]
// --float-cache FILE keeps the trained float weights of part 1 (raw floats of this host):
// read when the file exists and has the network's size, else trained and written, so
// calibrations and QAT can be compared on one float network without training it again.
// --model cnn is the 27,562-parameter CNN of examples/host/fashion_mnist (cnn-small there:
// conv3x3(8)-pool-conv3x3(16)-pool-dropout-dense64-dense10), cnn-plain the same without
// dropout. The float network trains with Adam lr 1e-3, halved every --lr-decay-epochs
// epochs (cnn: 5, as the fashion_mnist example; mlp: 0 = constant).
// DIR holds the four Fashion-MNIST IDX gzip files (Debian dataset-fashion-mnist:
// /usr/share/datasets/fashion-mnist, the default). The last line with --json is one
// JSON object with every figure.

#include <algorithm>
#include <array>
#include <cerrno>
#include <climits>
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <exception>
#include <limits>
#include <memory>
#include <span>
#include <string>
#include <utility>
#include <vector>

#include "edgeloop/host/command_line.hpp"
#include "edgeloop/host/timer.hpp"
#include "edgeloop/nn/dense.hpp"
#include "edgeloop/nn/fit.hpp"
#include "edgeloop/nn/learner.hpp"
#include "edgeloop/nn/relu.hpp"
#include "edgeloop/nn/sequential.hpp"
#include "edgeloop/quant/calibration.hpp"
#include "edgeloop/quant/histogram_observer.hpp"
#include "edgeloop/quant/int8_head_learner.hpp"
#include "edgeloop/quant/post_training.hpp"
#include "edgeloop/quant/quantization_aware_training.hpp"
#include "../fashion_mnist/models.hpp"
#include "../fashion_mnist/fashion_mnist_data.hpp"

namespace host = edgeloop::host;
namespace nn = edgeloop::nn;
namespace q = edgeloop::quant;

namespace {

using fashion_mnist::classes;
using fashion_mnist::image;
using fashion_mnist::image_set;
using fashion_mnist::load;
using fashion_mnist::pixels;
constexpr std::size_t old_classes = 8;

struct options {
  std::string model = "mlp";
  std::string data = "/usr/share/datasets/fashion-mnist";
  std::uint32_t epochs = 5;
  std::uint64_t seed = 1;
  float lr = 0.003f;
  std::size_t calibration = 2000;
  long lr_decay_epochs = -1;  // -1: the model's default (mlp 0, cnn 5)
  bool qat = false;
  std::uint32_t qat_epochs = 3;
  float qat_lr = 3e-5f;
  float qat_lr_decay = 1.0f;        // learning-rate factor after each QAT epoch (1: constant)
  std::uint32_t qat_freeze_after = 1;  // activation ranges frozen after this epoch
  float qat_validation = 0.1f;      // share of the training images held out to choose the QAT epoch
  bool qat_control = true;          // also fine-tune in float (the control)
  bool layer_report = false;
  std::string float_cache;  // --float-cache FILE: the trained float weights (read if present, else written)
  bool json = false;
};

constexpr const char* usage_text =
    "usage: fashion_mnist_int8 [--model mlp|cnn|cnn-plain] [--data DIR] [--epochs N] [--seed N] [--lr X] "
    "[--lr-decay-epochs K] [--calibration N] [--qat] [--qat-epochs N] [--qat-lr X] [--qat-lr-decay G] "
    "[--qat-freeze-after K] [--qat-validation F] [--no-control] [--layer-report] [--float-cache FILE] [--json]";

options parse(int argc, char** argv) {
  options o;
  host::command_line cl("fashion_mnist_int8", usage_text, argc, argv);
  constexpr double float_max = std::numeric_limits<float>::max();  // larger would become inf
  while (cl.next()) {
    const std::string a = cl.argument();
    if (a == "--model") o.model = cl.value();
    else if (a == "--data") o.data = cl.value();
    else if (a == "--epochs") o.epochs = static_cast<std::uint32_t>(cl.unsigned_value(0, UINT32_MAX));
    else if (a == "--seed") o.seed = cl.unsigned_value(0, UINT64_MAX);
    else if (a == "--lr") o.lr = static_cast<float>(cl.number_value(-float_max, float_max));
    else if (a == "--calibration") o.calibration = static_cast<std::size_t>(cl.unsigned_value(0, SIZE_MAX));
    else if (a == "--lr-decay-epochs") o.lr_decay_epochs = static_cast<long>(cl.unsigned_value(0, UINT32_MAX));
    else if (a == "--qat") o.qat = true;
    else if (a == "--qat-epochs") o.qat_epochs = static_cast<std::uint32_t>(cl.unsigned_value(0, UINT32_MAX));
    else if (a == "--qat-lr") o.qat_lr = static_cast<float>(cl.number_value(-float_max, float_max));
    else if (a == "--qat-lr-decay") o.qat_lr_decay = static_cast<float>(cl.number_value(-float_max, float_max));
    else if (a == "--qat-freeze-after") o.qat_freeze_after = static_cast<std::uint32_t>(cl.unsigned_value(0, UINT32_MAX));
    else if (a == "--qat-validation") o.qat_validation = static_cast<float>(cl.number_value(-float_max, float_max));
    else if (a == "--no-control") o.qat_control = false;
    else if (a == "--layer-report") o.layer_report = true;
    else if (a == "--float-cache") o.float_cache = cl.value();
    else if (a == "--json") o.json = true;
    else if (a == "--help" || a == "-h") cl.show_usage();
    else cl.fail("unknown argument '" + a + "'");
  }
  if (o.model != "mlp" && o.model != "cnn" && o.model != "cnn-plain")
    cl.fail("unknown model '" + o.model + "' (available: mlp, cnn, cnn-plain)");
  if (o.lr_decay_epochs < 0) o.lr_decay_epochs = o.model == "mlp" ? 0 : 5;
  if (o.qat_epochs == 0) cl.fail("--qat-epochs must be at least 1");
  if (!(o.qat_lr > 0.0f)) cl.fail("--qat-lr must be > 0");
  if (!(o.qat_lr_decay > 0.0f && o.qat_lr_decay <= 1.0f)) cl.fail("--qat-lr-decay must be in (0, 1]");
  if (o.qat_freeze_after == 0) cl.fail("--qat-freeze-after must be at least 1 (the ranges need one epoch)");
  if (!(o.qat_validation >= 0.0f && o.qat_validation <= 0.5f)) cl.fail("--qat-validation must be in [0, 0.5]");
  if (o.epochs == 0) cl.fail("--epochs must be at least 1");
  if (!(o.lr > 0.0f)) cl.fail("--lr must be > 0");
  if (o.calibration == 0) cl.fail("--calibration must be at least 1");
  return o;
}

image_set subset_below(const image_set& s, std::size_t limit) {
  image_set r;
  for (std::size_t i = 0; i < s.size(); ++i)
    if (s.y[i] < limit) r.x.push_back(s.x[i]), r.y.push_back(s.y[i]);
  return r;
}

/// The fixed shift: contrast 0.5, brightness +0.25, Gaussian pixel noise (sigma 0.05),
/// clamped to [0, 1]; the noise of image i comes from rng(seed + i).
image shifted(const image& x, std::uint64_t seed) {
  edgeloop::rng r(seed);
  image y;
  for (std::size_t j = 0; j < pixels; ++j) y[j] = std::clamp(0.5f * x[j] + 0.25f + r.normal(0.0f, 0.05f), 0.0f, 1.0f);
  return y;
}
image_set shifted_set(const image_set& s, std::uint64_t seed) {
  image_set r = s;
  for (std::size_t i = 0; i < s.size(); ++i) r.x[i] = shifted(s.x[i], seed + i);
  return r;
}

template <class classifier>
std::unique_ptr<classifier> train(const options& o, const image_set& data, const char* what) {
  typename classifier::params mp;
  mp.optimizer.learning_rate = 1e-3f;
  mp.seed = o.seed;
  if (o.lr_decay_epochs > 0) {  // halved every K epochs (counted in updates of 32 samples)
    mp.schedule.kind = nn::schedule_kind::step;
    mp.schedule.gamma = 0.5f;
    mp.schedule.period = static_cast<std::uint32_t>(o.lr_decay_epochs) * static_cast<std::uint32_t>((data.size() + 31) / 32);
  }
  auto model = std::make_unique<classifier>(mp);  // MBs of training buffers: the host's heap
  nn::fit_params<float> fp;
  fp.epochs = o.epochs;
  fp.batch_size = 32;
  fp.validation_fraction = 0.0f;
  fp.seed = o.seed;
  std::vector<std::uint32_t> order(data.size());
  edgeloop::host::stopwatch clock;
  const edgeloop::status s = nn::fit(*model, data, std::span<std::uint32_t>(order), fp, [](const auto&) {});
  if (s != edgeloop::status::ok) {
    std::fprintf(stderr, "fashion_mnist_int8: fit failed: %s\n", edgeloop::to_string(s));
    std::exit(1);
  }
  std::fprintf(stderr, "trained %s (%zu images, %u epochs) in %.1f s\n", what, data.size(), o.epochs,
               clock.elapsed_seconds());
  return model;
}

/// Accuracy of predict(x) over the images of s whose label is in [lo, hi).
template <class Predict>
double accuracy(const image_set& s, Predict&& predict, std::size_t lo = 0, std::size_t hi = classes) {
  std::size_t n = 0, correct = 0;
  for (std::size_t i = 0; i < s.size(); ++i) {
    if (s.y[i] < lo || s.y[i] >= hi) continue;
    ++n;
    correct += predict(s.x[i]) == s.y[i] ? 1 : 0;
  }
  return n ? 100.0 * static_cast<double>(correct) / static_cast<double>(n) : 0.0;
}

template <class Net>
edgeloop::class_label float_predict(const Net& net, const image& x) {
  const auto z = net.forward(x);
  return static_cast<edgeloop::class_label>(std::max_element(z.begin(), z.end()) - z.begin());
}

/// Calibrates `net` on the first n images of `data` with Observer; returns the tensor parameters.
template <class Net, class Observer>
std::array<q::quant_params, q::quantized_sequential<Net>::tensors> calibrate(const Net& net, const image_set& data,
                                                                             std::size_t n,
                                                                             const Observer& prototype = Observer{}) {
  auto cal = std::make_unique<q::calibrator<Net, Net::layer_count, Observer>>(prototype);
  for (std::size_t i = 0; i < std::min(n, data.size()); ++i)
    if (cal->observe(net, data.x[i]) != edgeloop::status::ok) std::exit(1);
  std::array<q::quant_params, q::quantized_sequential<Net>::tensors> r{};
  if (cal->ranges(r) != edgeloop::status::ok) std::exit(1);
  return r;
}

struct ptq_result {
  std::string observer;
  double accuracy;
};
double ptq_accuracy(const std::vector<ptq_result>& ptq, const char* observer) {
  for (const ptq_result& r : ptq)
    if (r.observer == observer) return r.accuracy;
  return 0.0;
}

/// Every layer's float output for one image (outs: Net::output_offsets[layer_count] floats).
template <class Net, std::size_t... I>
void float_layers(const Net& net, const float* x, float* outs, std::index_sequence<I...>) {
  const float* in = x;
  ((Net::template layer<I>::forward(net.parameters().data() + Net::param_offsets[I], in, outs + Net::output_offsets[I], 1),
    in = outs + Net::output_offsets[I]),
   ...);
}

/// Block J of the int8 twin (the twin of the layers up to its activation) against the float
/// network on the first n test images: SQNR = 10 log10(sum f^2 / sum (f - int8)^2) and
/// the share of float values outside the block's int8 range.
template <class Net, std::size_t J>
void report_block(const Net& net, const image_set& test, std::size_t n, const char* observer,
                  std::span<const q::quant_params> r) {
  constexpr auto& plan = q::quantization_plan<Net>::plan;
  constexpr std::size_t layers = plan.block[J].observed_layer + 1;
  using prefix = q::quantized_sequential<Net, layers>;
  auto twin = std::make_unique<prefix>();
  if (twin->build(net, r.first(prefix::tensors)) != edgeloop::status::ok) std::exit(1);
  std::vector<float> outs(Net::output_offsets[Net::layer_count]);
  const q::quant_params& p = r[J + 1];
  const double lo = p.scale * (-128.0 - p.zero_point), hi = p.scale * (127.0 - p.zero_point);
  double signal = 0, noise = 0;
  std::size_t outside = 0, values = 0;
  for (std::size_t i = 0; i < std::min(n, test.size()); ++i) {
    float_layers(net, test.x[i].data(), outs.data(), std::make_index_sequence<Net::layer_count>{});
    const float* f = outs.data() + Net::output_offsets[layers - 1];
    const auto y = twin->predict_dequantized(test.x[i]);
    for (std::size_t k = 0; k < prefix::output_size; ++k) {
      signal += static_cast<double>(f[k]) * f[k];
      noise += (static_cast<double>(f[k]) - y[k]) * (static_cast<double>(f[k]) - y[k]);
      outside += f[k] < lo || f[k] > hi ? 1 : 0;
      ++values;
    }
  }
  std::printf("  %-15s block %zu (%s, %zu values): range [%.3f, %.3f], step %.4f, SQNR %.1f dB, outside range %.3f%%\n",
              observer, J, plan.block[J].conv ? "conv" : "dense", prefix::output_size, lo, hi, static_cast<double>(p.scale),
              10.0 * std::log10(signal / (noise > 0 ? noise : 1e-30)), 100.0 * static_cast<double>(outside) / static_cast<double>(values));
}

template <class Net, std::size_t... J>
void report_blocks(const Net& net, const image_set& test, std::size_t n, const char* observer,
                   std::span<const q::quant_params> r, std::index_sequence<J...>) {
  (report_block<Net, J>(net, test, n, observer, r), ...);
}

/// Loss (softmax cross-entropy of the output, mean) and accuracy over a set.
struct set_figures {
  double loss = 0, accuracy = 0;
};
template <class Logits>
set_figures figures(const image_set& s, Logits&& logits) {
  using ce = nn::softmax_cross_entropy::bind<float, classes>;
  double loss = 0;
  std::size_t correct = 0;
  for (std::size_t i = 0; i < s.size(); ++i) {
    const auto z = logits(s.x[i]);
    loss += static_cast<double>(ce::loss(z.data(), s.y[i]));
    correct += ce::predict(z.data()) == s.y[i] ? 1 : 0;
  }
  const double n = s.size() ? static_cast<double>(s.size()) : 1.0;
  return {loss / n, 100.0 * static_cast<double>(correct) / n};
}

/// The QAT validation split: a fixed share of the training images (the same images for
/// every seed), held out of the fine-tuning to choose its epoch.
void split_for_qat(const image_set& all, float fraction, image_set& train, image_set& validation) {
  std::vector<std::size_t> order(all.size());
  for (std::size_t i = 0; i < order.size(); ++i) order[i] = i;
  edgeloop::rng r(0x0A7F17u);
  r.shuffle(order);
  const auto held = static_cast<std::size_t>(static_cast<double>(fraction) * static_cast<double>(all.size()) + 0.5);
  for (std::size_t k = 0; k < order.size(); ++k) {
    image_set& to = k < held ? validation : train;
    to.x.push_back(all.x[order[k]]);
    to.y.push_back(all.y[order[k]]);
  }
}

/// Fine-tunes `model` for o.qat_epochs epochs on `train` (one nn::fit epoch at a time, a
/// new shuffle each); after_epoch(e) returns the validation loss of epoch e (or 0 without
/// a validation set) and keeps what it needs of the best epoch.
template <class Model, class AfterEpoch>
bool fine_tune(const options& o, Model& model, const image_set& train, AfterEpoch&& after_epoch) {
  std::vector<std::uint32_t> order(train.size());
  for (std::uint32_t e = 1; e <= o.qat_epochs; ++e) {
    nn::fit_params<float> fp;
    fp.epochs = 1;
    fp.batch_size = 32;
    fp.validation_fraction = 0.0f;
    fp.seed = o.seed + 1000u * e;  // a new shuffle every epoch
    const edgeloop::status st = nn::fit(model, train, std::span<std::uint32_t>(order), fp, [](const auto&) {});
    if (st != edgeloop::status::ok) {
      std::fprintf(stderr, "fashion_mnist_int8: fine-tuning failed: %s\n", edgeloop::to_string(st));
      return false;
    }
    after_epoch(e);
  }
  return true;
}

/// The fine-tuning's learning-rate schedule: o.qat_lr, times o.qat_lr_decay after every epoch.
template <class Params>
void set_schedule(const options& o, Params& p, std::size_t train_images) {
  p.optimizer.learning_rate = o.qat_lr;
  p.seed = o.seed;
  if (o.qat_lr_decay < 1.0f) {
    p.schedule.kind = nn::schedule_kind::step;
    p.schedule.gamma = o.qat_lr_decay;
    p.schedule.period = static_cast<std::uint32_t>((train_images + 31) / 32);  // updates per epoch
  }
}

/// 4. Quantization-aware fine-tuning of the trained float network, then its int8 twin.
/// The epoch kept is the one whose int8 twin has the lowest cross-entropy on the held-out
/// validation images (with --qat-validation 0: the last epoch).
template <class Net>
int run_qat(const options& o, const Net& net, const image_set& train_set, const image_set& test_set, double float_acc,
            const std::vector<ptq_result>& ptq,
            const std::array<q::quant_params, q::quantized_sequential<Net>::tensors>& minmax_ranges) {
  using qat = q::qat_learner<Net, nn::softmax_cross_entropy, nn::adam, 32>;
  using twin = typename qat::twin_type;
  image_set tune_set, validation_set;
  split_for_qat(train_set, o.qat_validation, tune_set, validation_set);
  const bool choose = validation_set.size() > 0;
  typename qat::params qp;
  set_schedule(o, qp, tune_set.size());
  auto learner = std::make_unique<qat>(net, qp);  // MBs of training buffers: the host's heap
  auto int8_net = std::make_unique<twin>();
  auto best = std::make_unique<typename qat::checkpoint_type>();
  auto twin_logits = [&](const image& x) { return int8_net->predict_dequantized(x); };
  auto float_logits = [](const Net& n) { return [&n](const image& x) { return n.forward(x); }; };

  // Validation figures of the starting points: the float network and its PTQ (min/max) twin.
  const set_figures float_validation = figures(validation_set, float_logits(net));
  if (int8_net->build(net, minmax_ranges) != edgeloop::status::ok) return 1;
  const set_figures ptq_validation = figures(validation_set, twin_logits);

  std::vector<set_figures> epochs;
  std::uint32_t best_epoch = 0;
  edgeloop::host::stopwatch clock;
  const bool tuned = fine_tune(o, *learner, tune_set, [&](std::uint32_t e) {
    if (e == o.qat_freeze_after) learner->freeze_ranges();  // later epochs train against the final ranges
    if (!choose) return;
    if (learner->quantize(*int8_net) != edgeloop::status::ok) std::exit(1);
    epochs.push_back(figures(validation_set, twin_logits));
    if (best_epoch == 0 || epochs.back().loss < epochs[best_epoch - 1].loss) {
      best_epoch = e;
      learner->save_checkpoint(*best);
    }
  });
  if (!tuned) return 1;
  if (choose && learner->restore_checkpoint(*best) != edgeloop::status::ok) return 1;
  if (!choose) best_epoch = o.qat_epochs;
  const double seconds = clock.elapsed_seconds();
  if (learner->quantize(*int8_net) != edgeloop::status::ok) return 1;
  const double qat_int8 = accuracy(test_set, [&](const image& x) { return int8_net->predict(x); });
  const double qat_fake = accuracy(test_set, [&](const image& x) { return learner->predict(x); });
  const double qat_float = accuracy(test_set, [&](const image& x) { return float_predict(learner->network(), x); });

  // Control: the same fine-tuning without fake quantization, its epoch chosen the same way
  // on the float network's validation loss (is QAT's gain just more training?).
  double control_float = 0, control_seconds = 0;
  std::uint32_t control_epoch = 0;
  if (o.qat_control) {
    using classifier = nn::classifier<Net, nn::adam, 32>;
    typename classifier::params cp;
    set_schedule(o, cp, tune_set.size());
    auto control = std::make_unique<classifier>(cp);
    control->network() = net;
    auto kept = std::make_unique<Net>(net);
    double kept_loss = 0;
    edgeloop::host::stopwatch control_clock;
    if (!fine_tune(o, *control, tune_set, [&](std::uint32_t e) {
          if (!choose) return;
          const double l = figures(validation_set, float_logits(control->network())).loss;
          if (control_epoch == 0 || l < kept_loss) control_epoch = e, kept_loss = l, *kept = control->network();
        }))
      return 1;
    if (choose) control->network() = *kept;
    else control_epoch = o.qat_epochs;
    control_seconds = control_clock.elapsed_seconds();
    control_float = accuracy(test_set, [&](const image& x) { return float_predict(control->network(), x); });
  }

  std::printf("QAT: %u epochs on %zu images at Adam lr %.2g (x%.2g per epoch), ranges frozen after epoch %u, in %.1f s; "
              "epoch %u kept (%s); int8 test accuracy %.2f%% (fake-quant forward %.2f%%, its float weights without "
              "quantization %.2f%%); float %.2f%%, PTQ %.2f%% (min/max) %.2f%% (moving average) %.2f%% (percentile) "
              "%.2f%% (histogram); fake-quant state %zu bytes, checkpoint %zu bytes\n",
              o.qat_epochs, tune_set.size(), static_cast<double>(o.qat_lr), static_cast<double>(o.qat_lr_decay),
              o.qat_freeze_after, seconds, best_epoch, choose ? "lowest validation loss of the int8 twin" : "the last",
              qat_int8, qat_fake, qat_float, float_acc, ptq_accuracy(ptq, "minmax"), ptq_accuracy(ptq, "moving_average"),
              ptq_accuracy(ptq, "percentile"), ptq_accuracy(ptq, "histogram"), qat::fake_quant_bytes,
              qat::checkpoint_bytes);
  if (choose) {
    std::printf("Validation (%zu held-out training images; loss / accuracy): float %.4f / %.2f%%, PTQ min/max %.4f / "
                "%.2f%%",
                validation_set.size(), float_validation.loss, float_validation.accuracy, ptq_validation.loss,
                ptq_validation.accuracy);
    for (std::size_t e = 0; e < epochs.size(); ++e)
      std::printf(", QAT epoch %zu %.4f / %.2f%%", e + 1, epochs[e].loss, epochs[e].accuracy);
    std::printf("\n");
  }
  if (o.qat_control)
    std::printf("Control (the same fine-tuning in float, epoch %u kept): float %.2f%%; %.1f s (QAT %.2fx)\n",
                control_epoch, control_float, control_seconds, seconds / control_seconds);
  if (o.json) {
    std::printf("{\"model\":\"%s\",\"epochs\":%u,\"seed\":%llu,\"lr_decay_epochs\":%ld,\"calibration_images\":%zu,"
                "\"float_accuracy\":%.2f,\"int8_accuracy_minmax\":%.2f,\"int8_accuracy_moving_average\":%.2f,"
                "\"int8_accuracy_percentile\":%.2f,\"int8_accuracy_histogram\":%.2f,\"qat_epochs\":%u,\"qat_lr\":%.3g,"
                "\"qat_lr_decay\":%.3g,\"qat_freeze_after\":%u,\"qat_train_images\":%zu,\"qat_validation_images\":%zu,"
                "\"qat_kept_epoch\":%u,\"qat_int8_accuracy\":%.2f,\"qat_delta\":%.2f,"
                "\"qat_fake_quant_accuracy\":%.2f,\"qat_float_weights_accuracy\":%.2f,\"qat_seconds\":%.1f,",
                o.model.c_str(), o.epochs, static_cast<unsigned long long>(o.seed), o.lr_decay_epochs, o.calibration,
                float_acc, ptq_accuracy(ptq, "minmax"), ptq_accuracy(ptq, "moving_average"), ptq_accuracy(ptq, "percentile"),
                ptq_accuracy(ptq, "histogram"), o.qat_epochs, static_cast<double>(o.qat_lr),
                static_cast<double>(o.qat_lr_decay), o.qat_freeze_after, tune_set.size(), validation_set.size(), best_epoch,
                qat_int8, qat_int8 - float_acc, qat_fake, qat_float, seconds);
    std::printf("\"validation\":{\"float_loss\":%.4f,\"float_accuracy\":%.2f,\"ptq_minmax_loss\":%.4f,"
                "\"ptq_minmax_accuracy\":%.2f,\"qat_epochs\":[",
                float_validation.loss, float_validation.accuracy, ptq_validation.loss, ptq_validation.accuracy);
    for (std::size_t e = 0; e < epochs.size(); ++e)
      std::printf("%s{\"epoch\":%zu,\"loss\":%.4f,\"accuracy\":%.2f}", e ? "," : "", e + 1, epochs[e].loss,
                  epochs[e].accuracy);
    std::printf("]},");
    if (o.qat_control)
      std::printf("\"float_finetuned_accuracy\":%.2f,\"float_finetuned_epoch\":%u,\"float_finetune_seconds\":%.1f,",
                  control_float, control_epoch, control_seconds);
    std::printf("\"fake_quant_bytes\":%zu,\"checkpoint_bytes\":%zu,\"int8_model_bytes\":%zu}\n", qat::fake_quant_bytes,
                qat::checkpoint_bytes, twin::memory_bytes);
  }
  return 0;
}

template <class Net>
int run(const options& o, const image_set& train_set, const image_set& test_set) {
  using mlp = Net;  // the float network (MLP or CNN)
  using classifier = nn::classifier<Net, nn::adam, 32>;
  using twin = q::quantized_sequential<Net>;
  using head_learner = q::int8_head_learner<Net, classes>;
  constexpr std::size_t logits = twin::tensors - 1;

  // 1. Post-training quantization.
  std::unique_ptr<classifier> full;
  if (!o.float_cache.empty()) {
    typename classifier::params mp;
    mp.seed = o.seed;
    full = std::make_unique<classifier>(mp);
    std::FILE* f = std::fopen(o.float_cache.c_str(), "rb");
    auto& w = full->network().parameters();
    const bool loaded = f != nullptr && std::fread(w.data(), sizeof(float), w.size(), f) == w.size() &&
                        std::fgetc(f) == EOF && edgeloop::all_finite(w);
    if (f != nullptr) std::fclose(f);
    if (loaded) std::fprintf(stderr, "float network read from %s\n", o.float_cache.c_str());
    else full.reset();
  }
  if (!full) {
    full = train<classifier>(o, train_set, "float network on 10 classes");
    if (!o.float_cache.empty()) {
      std::FILE* f = std::fopen(o.float_cache.c_str(), "wb");
      const auto& w = full->network().parameters();
      if (f == nullptr || std::fwrite(w.data(), sizeof(float), w.size(), f) != w.size()) {
        std::fprintf(stderr, "fashion_mnist_int8: cannot write %s\n", o.float_cache.c_str());
        return 1;
      }
      std::fclose(f);
    }
  }
  const mlp& net = full->network();
  const double float_acc = accuracy(test_set, [&](const image& x) { return float_predict(net, x); });
  std::vector<ptq_result> ptq;
  auto twin_storage = std::make_unique<twin>();  // 100 KB: heap on the host, flash/static on a device
  twin& int8_net = *twin_storage;
  auto evaluate_twin = [&](const char* name, const std::array<q::quant_params, twin::tensors>& r) {
    if (int8_net.build(net, r) != edgeloop::status::ok) std::exit(1);
    ptq.push_back({name, accuracy(test_set, [&](const image& x) { return int8_net.predict(x); })});
  };
  const auto percentile_ranges = calibrate<mlp, q::percentile_observer>(
      net, train_set, o.calibration, q::percentile_observer(q::percentile_observer::params_type{0.9999f}));
  evaluate_twin("percentile", percentile_ranges);
  const auto average_ranges = calibrate<mlp, q::moving_average_observer>(net, train_set, o.calibration);
  evaluate_twin("moving_average", average_ranges);
  const auto histogram_ranges = calibrate<mlp, q::histogram_observer<>>(net, train_set, o.calibration);
  evaluate_twin("histogram", histogram_ranges);
  const auto ranges = calibrate<mlp, q::minmax_observer>(net, train_set, o.calibration);
  evaluate_twin("minmax", ranges);  // last: int8_net stays the min/max twin
  std::printf("PTQ: float test accuracy %.2f%%, int8 %.2f%% (min/max), %.2f%% (moving average), %.2f%% (percentile "
              "99.99), %.2f%% (histogram, least squared error), calibration on %zu training images; int8 model %zu bytes\n",
              float_acc, ptq_accuracy(ptq, "minmax"), ptq_accuracy(ptq, "moving_average"), ptq_accuracy(ptq, "percentile"),
              ptq_accuracy(ptq, "histogram"), o.calibration, twin::memory_bytes);
  if (o.layer_report) {
    std::printf("Per block, int8 twin vs float on 500 test images (errors accumulate from the input on):\n");
    const auto blocks = std::make_index_sequence<twin::blocks>{};
    report_blocks(net, test_set, 500, "min/max", std::span<const q::quant_params>(ranges), blocks);
    report_blocks(net, test_set, 500, "moving average", std::span<const q::quant_params>(average_ranges), blocks);
    report_blocks(net, test_set, 500, "percentile", std::span<const q::quant_params>(percentile_ranges), blocks);
    report_blocks(net, test_set, 500, "histogram", std::span<const q::quant_params>(histogram_ranges), blocks);
  }
  if (o.qat) return run_qat<Net>(o, net, train_set, test_set, float_acc, ptq, ranges);

  // The backbone (hidden layer) shared by the two learning experiments' full network.
  using backbone = typename head_learner::backbone_type;
  auto backbone_storage = std::make_unique<backbone>();
  if (backbone_storage->build(net, ranges) != edgeloop::status::ok) return 1;

  // 3. Domain shift (on the 10-class network).
  const image_set test_shifted = shifted_set(test_set, 1000000);
  auto adapt = std::make_unique<head_learner>(*backbone_storage, typename head_learner::params{o.lr});
  if (adapt->init(net, classes, ranges[logits]) != edgeloop::status::ok) return 1;
  const double shift_float_clean = float_acc;
  const double shift_float_shifted = accuracy(test_shifted, [&](const image& x) { return float_predict(net, x); });
  const double before_clean = accuracy(test_set, [&](const image& x) { return adapt->predict(x); });
  const double before_shifted = accuracy(test_shifted, [&](const image& x) { return adapt->predict(x); });
  std::vector<std::uint32_t> order(train_set.size());
  for (std::size_t i = 0; i < order.size(); ++i) order[i] = static_cast<std::uint32_t>(i);
  edgeloop::rng shuffle(o.seed + 7);
  shuffle.shuffle(order);
  edgeloop::host::stopwatch step_clock;
  for (std::size_t i = 0; i < 1000; ++i) {
    const std::uint32_t k = order[i];
    if (adapt->partial_fit(shifted(train_set.x[k], 2000000 + k), train_set.y[k]) != edgeloop::status::ok) return 1;
  }
  const double step_us = step_clock.elapsed_seconds() * 1e6 / 1000.0;  // includes making the shifted image
  const double after_clean = accuracy(test_set, [&](const image& x) { return adapt->predict(x); });
  const double after_shifted = accuracy(test_shifted, [&](const image& x) { return adapt->predict(x); });
  const double lost = before_shifted > before_clean ? 0.0 : before_clean - before_shifted;
  const double recovered = lost > 0 ? (after_shifted - before_shifted) / lost : 0.0;
  std::printf("Domain shift (contrast 0.5, +0.25, noise 0.05): int8 accuracy shifted %.2f%% -> %.2f%% after 1,000 "
              "streamed samples (%.0f%% of the %.2f points lost recovered); unshifted %.2f%% -> %.2f%% (float: %.2f%% "
              "clean, %.2f%% shifted); %.1f us per learning step on this host\n",
              before_shifted, after_shifted, 100.0 * recovered, lost, before_clean, after_clean, shift_float_clean,
              shift_float_shifted, step_us);

  // 2. Class-incremental: a network that never saw classes 8 and 9.
  const image_set train_old = subset_below(train_set, old_classes);
  const auto partial = train<classifier>(o, train_old, "float network on classes 0-7");
  const mlp& net8 = partial->network();
  const auto ranges8 = calibrate<mlp, q::minmax_observer>(net8, train_old, o.calibration);
  auto backbone8 = std::make_unique<backbone>();
  if (backbone8->build(net8, ranges8) != edgeloop::status::ok) return 1;
  auto incremental = std::make_unique<head_learner>(*backbone8, typename head_learner::params{o.lr});
  if (incremental->init(net8, old_classes, ranges8[logits]) != edgeloop::status::ok) return 1;
  auto predict_inc = [&](const image& x) { return incremental->predict(x); };
  struct inc_point {
    std::size_t samples;
    double all, kept, learned;
  };
  std::vector<inc_point> inc;
  auto record = [&](std::size_t n) {
    inc.push_back({n, accuracy(test_set, predict_inc), accuracy(test_set, predict_inc, 0, old_classes),
                   accuracy(test_set, predict_inc, old_classes, classes)});
  };
  record(0);
  shuffle.shuffle(order);
  for (std::size_t i = 0; i < 2000; ++i) {
    const std::uint32_t k = order[i];
    if (incremental->partial_fit(train_set.x[k], train_set.y[k]) != edgeloop::status::ok) return 1;
    if (i + 1 == 500 || i + 1 == 2000) record(i + 1);
  }
  for (const inc_point& p : inc)
    std::printf("Class-incremental after %zu samples: 10-class %.2f%%, classes 0-7 %.2f%%, classes 8-9 %.2f%%\n",
                p.samples, p.all, p.kept, p.learned);
  std::printf("RAM for learning: %zu bytes (float shadow + counters); whole head learner %zu bytes; int8 backbone %zu "
              "bytes\n",
              head_learner::learning_bytes, head_learner::memory_bytes, backbone::memory_bytes);

  if (o.json) {
    std::printf("{\"model\":\"%s\",\"epochs\":%u,\"seed\":%llu,\"head_lr\":%.4g,\"calibration_images\":%zu,\"float_accuracy\":%.2f,"
                "\"int8_accuracy_minmax\":%.2f,\"int8_accuracy_moving_average\":%.2f,\"int8_accuracy_percentile\":%.2f,"
                "\"int8_accuracy_histogram\":%.2f,\"int8_model_bytes\":%zu,",
                o.model.c_str(), o.epochs, static_cast<unsigned long long>(o.seed), static_cast<double>(o.lr), o.calibration, float_acc,
                ptq_accuracy(ptq, "minmax"), ptq_accuracy(ptq, "moving_average"), ptq_accuracy(ptq, "percentile"),
                ptq_accuracy(ptq, "histogram"), twin::memory_bytes);
    std::printf("\"shift\":{\"transform\":\"clamp(0.5x+0.25+N(0,0.05^2),0,1)\",\"samples\":1000,"
                "\"shifted_before\":%.2f,\"shifted_after\":%.2f,\"clean_before\":%.2f,\"clean_after\":%.2f,"
                "\"recovered_fraction\":%.3f,\"float_shifted\":%.2f,\"step_us\":%.1f},",
                before_shifted, after_shifted, before_clean, after_clean, recovered, shift_float_shifted, step_us);
    std::printf("\"incremental\":[");
    for (std::size_t i = 0; i < inc.size(); ++i)
      std::printf("%s{\"samples\":%zu,\"accuracy\":%.2f,\"classes_0_7\":%.2f,\"classes_8_9\":%.2f}", i ? "," : "",
                  inc[i].samples, inc[i].all, inc[i].kept, inc[i].learned);
    std::printf("],\"learning_bytes\":%zu,\"head_learner_bytes\":%zu,\"backbone_bytes\":%zu}\n",
                head_learner::learning_bytes, head_learner::memory_bytes, backbone::memory_bytes);
  }
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  const options o = parse(argc, argv);
  image_set train_set, test_set;
  try {
    train_set = load(o.data, "train");
    test_set = load(o.data, "t10k");
  } catch (const std::exception& e) {
    std::fprintf(stderr,
                 "fashion_mnist_int8: cannot read Fashion-MNIST from '%s': %s\n"
                 "(install Debian's dataset-fashion-mnist or pass --data DIR)\n",
                 o.data.c_str(), e.what());
    return 1;
  }
  if (o.model == "cnn") return run<fashion_mnist::cnn_small>(o, train_set, test_set);
  if (o.model == "cnn-plain") return run<fashion_mnist::cnn_plain>(o, train_set, test_set);
  return run<fashion_mnist::mlp>(o, train_set, test_set);
}
