// fashion_mnist: trains a small network on the 60,000 Fashion-MNIST training images
// (Xiao et al. 2017) with edgeloop::nn on the host and evaluates it on the 10,000 test
// images. Pixels are scaled to [0, 1]; Adam (lr 1e-3), mini-batches of 32 by gradient
// accumulation (micro-batches of 32 samples through matrix-matrix products), shuffled
// every epoch with edgeloop::rng.
//
//   --model mlp   784-128-10, relu (101,770 parameters)
//   --model cnn   conv3x3(16)-pool-conv3x3(32)-pool-dropout-dense32-dense10 (30,762 parameters)
//   --model cnn-small / cnn-plain  conv3x3(8)-pool-conv3x3(16)-pool-dense64-dense10 (27,562
//                 parameters) with / without dropout 0.25 before dense64
//   --model distill  the cnn as teacher, student MLP 784-32-10 (or --student-hidden 128) alone vs distilled
//
// Defaults: 15 epochs with the learning rate halved every 5 epochs (--lr-decay-epochs K
// --lr-decay G: times G every K epochs, PyTorch's StepLR counted in updates; K = 0 keeps
// it constant); the mlp also with Adam weight decay 1e-4 (--weight-decay W), a recipe
// chosen on a validation split of the training images (README).
// --validation-fraction F (mlp/cnn) holds out a fixed split and reports validation
// accuracy and loss; --patience N stops early on the validation loss and puts back the
// weights of the best epoch.
//
// Usage: fashion_mnist [--model mlp|cnn|distill] [--epochs N] [--student-epochs N] [--lr-decay-epochs K] [--lr-decay G] [--data DIR]
//                      [--weight-decay W] [--validation-fraction F] [--patience N] [--seed N] [--test-every-epoch] [--json]
// DIR holds train-images-idx3-ubyte.gz, train-labels-idx1-ubyte.gz,
// t10k-images-idx3-ubyte.gz, t10k-labels-idx1-ubyte.gz (Debian: dataset-fashion-mnist
// installs them in /usr/share/datasets/fashion-mnist, the default).
// With --json the last line is one JSON object: test_accuracy, params, epochs, seconds
// (training), seconds_per_epoch, inference_bytes, training_bytes, ...

#include <array>
#include <climits>
#include <cstdint>
#include <cstdio>
#include <ctime>
#include <cstdlib>
#include <cstring>
#include <exception>
#include <limits>
#include <memory>
#include <sstream>
#include <string>
#include <vector>

#include "edgeloop/host/command_line.hpp"
#include "edgeloop/host/epoch_printer.hpp"
#include "edgeloop/host/timer.hpp"
#include "edgeloop/nn/distillation.hpp"
#include "edgeloop/nn/fit.hpp"
#include "edgeloop/nn/pruned_learner.hpp"
#include "fashion_mnist_data.hpp"

namespace host = edgeloop::host;
namespace nn = edgeloop::nn;

namespace {

using fashion_mnist::classes;
using fashion_mnist::image;
using fashion_mnist::image_set;
using fashion_mnist::load;
using fashion_mnist::pixels;

// The (T, alpha) grid of --model distill (the loss takes them at compile time: distill_grid).
constexpr float distill_temperatures[] = {1.0f, 2.0f, 4.0f};
constexpr float distill_alphas[] = {0.5f, 0.9f};
// mlp/cnn with --validation-fraction: the split's rng seed, fixed so that every --seed
// holds out the same images (the recipes are compared on them).
constexpr std::uint64_t validation_split_seed = 20260601u;

struct options {
  std::string model = "mlp";
  std::string data = "/usr/share/datasets/fashion-mnist";
  std::uint32_t epochs = 0;            // 0: the model's default (15)
  long lr_decay_epochs = -1;           // -1: the model's default (5)
  float lr_decay = 0.5f;
  std::uint32_t student_epochs = 10;   // --model distill
  std::size_t student_hidden = 32;     // --model distill: 784-32-10 or 784-128-10
  std::uint64_t seed = 1;
  bool json = false;
  bool test_every_epoch = false;  // also print the test accuracy after each epoch (not timed)
  std::vector<std::uint64_t> seeds;   // --model distill: student seeds (default: --seed)
  float validation_fraction = 0.1f;    // --model distill: held out to choose T and alpha
  bool validation_given = false;       // mlp/cnn: --validation-fraction holds out a split (else none)
  std::uint32_t patience = 0;          // mlp/cnn: early stopping on the validation loss, best weights back
  float weight_decay = 0.0f;           // Adam's L2 weight decay (coupled, as torch.optim.Adam)
  bool weight_decay_given = false;     // else the model's default (mlp 1e-4, cnn 0)
  float temperature = 0.0f;            // --model distill: 0 = choose from the grid
  float alpha = -1.0f;                 // --model distill: < 0 = choose from the grid
  std::vector<float> prune;            // --prune: sparsities to prune the trained model to
  std::uint32_t prune_epochs = 4;      // fine-tuning epochs per sparsity (gradual pruning in the first half)
  nn::pruning_scope prune_scope = nn::pruning_scope::per_layer;
};

options parse(int argc, char** argv) {
  options o;
  host::command_line cl("fashion_mnist",
                        "usage: fashion_mnist [--model mlp|cnn|distill] [--epochs N] [--student-epochs N] [--lr-decay-epochs K] [--lr-decay G] [--data DIR] [--seed N] [--test-every-epoch] [--prune S1,S2,...] [--prune-epochs N] [--prune-scope layer|global] [--student-hidden 32|128] [--seeds S1,S2,...] [--validation-fraction F] [--temperature T] [--alpha A] [--patience N] [--weight-decay W] [--json]",
                        argc, argv);
  constexpr double unbounded = std::numeric_limits<double>::max();
  while (cl.next()) {
    const std::string a = cl.argument();
    if (a == "--model") o.model = cl.value();
    else if (a == "--data") o.data = cl.value();
    else if (a == "--epochs") o.epochs = static_cast<std::uint32_t>(cl.unsigned_value(0, UINT32_MAX));
    else if (a == "--student-epochs") o.student_epochs = static_cast<std::uint32_t>(cl.unsigned_value(0, UINT32_MAX));
    else if (a == "--lr-decay-epochs") o.lr_decay_epochs = static_cast<long>(cl.unsigned_value(0, LONG_MAX));
    else if (a == "--lr-decay") o.lr_decay = static_cast<float>(cl.number_value(0, 1));
    else if (a == "--seed") o.seed = cl.unsigned_value(0, UINT64_MAX);
    else if (a == "--json") o.json = true;
    else if (a == "--test-every-epoch") o.test_every_epoch = true;
    else if (a == "--seeds") {
      std::stringstream list(cl.value());
      for (std::string item; std::getline(list, item, ',');) o.seeds.push_back(cl.unsigned_from(item, 0, UINT64_MAX));
    } else if (a == "--student-hidden") o.student_hidden = static_cast<std::size_t>(cl.unsigned_value(32, 128));
    else if (a == "--validation-fraction") {
      o.validation_fraction = static_cast<float>(cl.number_value(0, 0.5));
      o.validation_given = true;
    } else if (a == "--patience") o.patience = static_cast<std::uint32_t>(cl.unsigned_value(0, UINT32_MAX));
    else if (a == "--weight-decay") {
      o.weight_decay = static_cast<float>(cl.number_value(0, 1));
      o.weight_decay_given = true;
    }
    else if (a == "--temperature") o.temperature = static_cast<float>(cl.number_value(0, unbounded));
    else if (a == "--alpha") o.alpha = static_cast<float>(cl.number_value(0, 1));
    else if (a == "--prune") {
      std::stringstream list(cl.value());
      for (std::string item; std::getline(list, item, ',');) {
        const auto v = host::parse_number(item, 0, 1);
        if (!v || *v >= 1)
          cl.fail("--prune takes sparsities in [0, 1), e.g. 0,0.5,0.75,0.9 (0: dense, fine-tuned the same epochs)");
        o.prune.push_back(static_cast<float>(*v));
      }
    } else if (a == "--prune-epochs") o.prune_epochs = static_cast<std::uint32_t>(cl.unsigned_value(0, UINT32_MAX));
    else if (a == "--prune-scope") {
      const std::string v = cl.value();
      if (v == "layer") o.prune_scope = nn::pruning_scope::per_layer;
      else if (v == "global") o.prune_scope = nn::pruning_scope::global;
      else cl.fail("--prune-scope is layer or global");
    }
    else cl.fail("unknown argument '" + a + "'");
  }
  if (o.model != "mlp" && o.model != "cnn" && o.model != "cnn-plain" && o.model != "cnn-small" &&
      o.model != "distill")
    cl.fail("unknown model '" + o.model + "' (available: mlp, cnn, distill)");
  // Defaults: 15 epochs, learning rate halved every 5; the mlp adds weight decay 1e-4 (chosen
  // on a validation split, README).
  if (o.epochs == 0) o.epochs = 15;  // distill: the teacher's epochs
  if (o.lr_decay_epochs < 0) o.lr_decay_epochs = 5;
  if (!o.weight_decay_given) o.weight_decay = o.model == "mlp" ? 1e-4f : 0.0f;
  if (!(o.lr_decay > 0.0f && o.lr_decay <= 1.0f)) cl.fail("--lr-decay must be in (0, 1]");
  if (!o.prune.empty() && o.model == "distill") cl.fail("--prune applies to mlp and the cnns");
  if (o.prune_epochs < 2) cl.fail("--prune-epochs must be at least 2");
  if (o.seeds.empty()) o.seeds.push_back(o.seed);
  if (o.student_hidden != 32 && o.student_hidden != 128) cl.fail("--student-hidden is 32 or 128");
  if (!(o.validation_fraction > 0.0f && o.validation_fraction < 0.5f)) cl.fail("--validation-fraction must be in (0, 0.5)");
  if (o.patience > 0 && !o.validation_given) cl.fail("--patience needs --validation-fraction (early stopping on the validation loss)");
  if (!(o.weight_decay >= 0.0f && o.weight_decay < 1.0f)) cl.fail("--weight-decay must be in [0, 1)");
  if (o.weight_decay > 0.0f && o.model == "distill") cl.fail("--weight-decay applies to mlp and the cnns");
  bool t_ok = o.temperature == 0.0f, a_ok = o.alpha < 0.0f;
  for (const float t : distill_temperatures) t_ok |= t == o.temperature;
  for (const float a : distill_alphas) a_ok |= a == o.alpha;
  if (!t_ok || !a_ok) cl.fail("--temperature/--alpha: not in the compiled grid (T 1, 2, 4; alpha 0.5, 0.9)");
  return o;
}

// --prune: magnitude pruning of the trained model (nn::pruned_learner). For every
// sparsity s a copy of the trained learner (weights, Adam state, learning-rate schedule)
// is fine-tuned --prune-epochs epochs: the masks grow from 0 to s on Zhu & Gupta's cubic
// schedule over the first half (recomputed every 100 updates), the second half fine-tunes
// at s; pruned weights are zeroed after every optimizer step. Also reported: the accuracy
// of one-shot pruning to s without fine-tuning.
struct pruning_row {
  float sparsity = 0;
  double one_shot_accuracy = 0, test_accuracy = 0, seconds = 0;
  std::size_t nonzero_params = 0, nonzero_weights = 0;
};

template <class Net>
std::size_t nonzero(const Net& net) {
  std::size_t n = 0;
  for (const float w : net.parameters()) n += w != 0.0f;
  return n;
}

template <class Model>
std::vector<pruning_row> prune_and_fine_tune(const options& o, const Model& trained, const typename Model::params& mp,
                                             const image_set& train, const image_set& test) {
  using pruned = nn::pruned_learner<Model>;
  using mask_type = typename pruned::pruning_type;
  std::vector<std::uint32_t> order(train.size()), all(test.size());
  for (std::size_t i = 0; i < all.size(); ++i) all[i] = static_cast<std::uint32_t>(i);
  const std::span<const std::uint32_t> everything(all);
  const auto updates_per_epoch = static_cast<std::uint32_t>((train.size() + 31) / 32);
  std::FILE* log = o.json ? stderr : stdout;
  std::vector<pruning_row> rows;
  for (const float s : o.prune) {
    pruning_row row;
    row.sparsity = s;
    typename pruned::params pp;
    pp.learner = mp;
    pp.scope = o.prune_scope;
    auto one_shot = std::make_unique<pruned>(pp);
    one_shot->learner() = trained;
    if (one_shot->prune(s) != edgeloop::status::ok) throw std::runtime_error("prune failed");
    const nn::batch_result<float> shot = one_shot->evaluate(test, everything);
    row.one_shot_accuracy = static_cast<double>(shot.correct) / shot.samples;
    one_shot.reset();
    auto model = std::make_unique<pruned>(pp);  // dense again: the schedule prunes gradually
    model->learner() = trained;
    nn::pruning_schedule<float> schedule;
    schedule.final_sparsity = s;
    schedule.begin = model->updates();
    schedule.end = schedule.begin + o.prune_epochs / 2 * updates_per_epoch;
    schedule.frequency = 100;
    if (model->set_schedule(schedule) != edgeloop::status::ok) throw std::runtime_error("bad pruning schedule");
    nn::fit_params<float> fp;
    fp.epochs = o.prune_epochs;
    fp.batch_size = 32;
    fp.validation_fraction = 0.0f;
    fp.seed = o.seed + 1000;  // another shuffle than the dense training's
    edgeloop::host::epoch_printer printer(log);
    edgeloop::host::stopwatch clock;
    std::fprintf(log, "pruning to sparsity %.2f:\n", static_cast<double>(s));
    if (nn::fit(*model, train, std::span<std::uint32_t>(order), fp, [&](const nn::epoch_metrics<float>& m) { printer(m); }) !=
        edgeloop::status::ok)
      throw std::runtime_error("fit failed while pruning");
    row.seconds = clock.elapsed_seconds();
    const nn::batch_result<float> t = model->evaluate(test, everything);
    row.test_accuracy = static_cast<double>(t.correct) / t.samples;
    row.nonzero_params = nonzero(model->network());
    row.nonzero_weights = model->mask().kept_count();
    std::fprintf(log, "sparsity %.2f: one-shot %.2f%%, after fine-tuning %.2f%% (%zu of %zu prunable weights kept, %zu non-zero parameters)\n",
                 static_cast<double>(s), 100.0 * row.one_shot_accuracy, 100.0 * row.test_accuracy, row.nonzero_weights,
                 mask_type::weight_count, row.nonzero_params);
    rows.push_back(row);
  }
  return rows;
}

template <class Model>
int run(const options& o, const image_set& train, const image_set& test, const char* name) {
  typename Model::params mp;
  mp.optimizer.learning_rate = 1e-3f;
  mp.optimizer.weight_decay = o.weight_decay;
  mp.seed = o.seed;
  const float validation_fraction = o.validation_given ? o.validation_fraction : 0.0f;
  const std::size_t n_validation = o.validation_given ? edgeloop::validation_size(train.size(), validation_fraction) : 0;
  const std::uint32_t updates_per_epoch = static_cast<std::uint32_t>((train.size() - n_validation + 31) / 32);
  if (o.lr_decay_epochs > 0) {
    mp.schedule.kind = nn::schedule_kind::step;
    mp.schedule.gamma = o.lr_decay;
    mp.schedule.period = static_cast<std::uint32_t>(o.lr_decay_epochs) * updates_per_epoch;
  }
  auto model = std::make_unique<Model>(mp);  // MBs (training buffers): the heap of a host program
  nn::fit_params<float> fp;
  fp.epochs = o.epochs;
  fp.batch_size = 32;
  fp.validation_fraction = validation_fraction;  // default 0: all 60,000 training images; the test set is separate
  fp.seed = o.seed;
  fp.split_seed = validation_split_seed;  // the same held-out images for every --seed
  fp.patience = o.patience;
  std::vector<float> best_weights;  // --patience: the weights of the best validation epoch come back
  if (o.patience > 0) {
    best_weights.resize(Model::param_count);
    fp.best_parameters = best_weights;
  }
  nn::epoch_metrics<float> at_best{};  // validation figures of the epoch whose weights are kept
  std::vector<std::uint32_t> order(train.size());
  edgeloop::host::epoch_printer printer(o.json ? stderr : stdout);
  double training_seconds = 0, cpu_seconds = 0;
  edgeloop::host::stopwatch clock;
  std::clock_t cpu_start = std::clock();
  nn::fit_result<float> result{};
  std::vector<std::uint32_t> all(test.size());
  for (std::size_t i = 0; i < all.size(); ++i) all[i] = static_cast<std::uint32_t>(i);
  const edgeloop::status s = nn::fit(
      *model, train, std::span<std::uint32_t>(order), fp,
      [&](const nn::epoch_metrics<float>& m) {
        training_seconds += clock.elapsed_seconds();
        cpu_seconds += static_cast<double>(std::clock() - cpu_start) / CLOCKS_PER_SEC;
        printer(m);
        if (m.improved) at_best = m;
        if (o.test_every_epoch) {
          const nn::batch_result<float> t = model->evaluate(test, std::span<const std::uint32_t>(all));
          std::fprintf(o.json ? stderr : stdout, "  test accuracy after epoch %u: %.2f%%\n", m.epoch,
                       100.0 * t.correct / t.samples);
        }
        clock.restart();
        cpu_start = std::clock();
      },
      &result);
  if (s != edgeloop::status::ok) {
    std::fprintf(stderr, "fashion_mnist: fit failed: %s\n", edgeloop::to_string(s));
    return 1;
  }
  const nn::epoch_metrics<float>& kept = result.restored ? at_best : result.last;
  if (n_validation > 0)
    std::printf("%s: validation accuracy %.2f%%, validation loss %.4f (%zu held-out training images; weights of epoch %u of %u)\n",
                name, 100.0 * static_cast<double>(kept.validation_accuracy), static_cast<double>(kept.validation_loss),
                n_validation, kept.epoch, result.epochs_run);
  edgeloop::host::stopwatch eval_clock;
  const nn::batch_result<float> t = model->evaluate(test, std::span<const std::uint32_t>(all));
  const double eval_seconds = eval_clock.elapsed_seconds();
  const double accuracy = static_cast<double>(t.correct) / static_cast<double>(t.samples);
  const double per_epoch = training_seconds / result.epochs_run;
  const double cpu_per_epoch = cpu_seconds / result.epochs_run;
  std::printf("%s: test accuracy %.2f%% (%u/%u), test loss %.4f; %.2f s training, %.3f s per epoch (%.3f s CPU); "
              "%zu parameters, inference %zu bytes, training %zu bytes\n",
              name, 100.0 * accuracy, t.correct, t.samples, static_cast<double>(t.loss_sum) / t.samples,
              training_seconds, per_epoch, cpu_per_epoch, Model::param_count, Model::inference_bytes,
              Model::training_bytes + Model::network_type::parameter_bytes);
  std::vector<pruning_row> pruning;
  if (!o.prune.empty()) {
    try {
      pruning = prune_and_fine_tune(o, *model, mp, train, test);
    } catch (const std::exception& e) {
      std::fprintf(stderr, "fashion_mnist: %s\n", e.what());
      return 1;
    }
    std::printf("%s pruned (%s masks, %u fine-tuning epochs; dense %.2f%%, %zu non-zero parameters):\n"
                "  sparsity  one-shot  fine-tuned  non-zero parameters\n",
                name, o.prune_scope == nn::pruning_scope::global ? "global" : "per-layer", o.prune_epochs, 100.0 * accuracy,
                nonzero(model->network()));
    for (const pruning_row& r : pruning)
      std::printf("  %8.2f  %7.2f%%  %9.2f%%  %zu\n", static_cast<double>(r.sparsity), 100.0 * r.one_shot_accuracy,
                  100.0 * r.test_accuracy, r.nonzero_params);
  }
  std::string pruning_json;
  if (!o.prune.empty()) {
    pruning_json = std::string(",\"prune_scope\":\"") + (o.prune_scope == nn::pruning_scope::global ? "global" : "layer") +
                   "\",\"prune_epochs\":" + std::to_string(o.prune_epochs) +
                   ",\"prunable_weights\":" + std::to_string(nn::magnitude_pruning<typename Model::network_type>::weight_count) +
                   ",\"mask_bytes\":" + std::to_string(nn::magnitude_pruning<typename Model::network_type>::mask_bytes) +
                   ",\"pruning\":[";
    char buffer[256];
    for (std::size_t i = 0; i < pruning.size(); ++i) {
      std::snprintf(buffer, sizeof buffer,
                    "%s{\"sparsity\":%.4f,\"test_accuracy\":%.4f,\"one_shot_accuracy\":%.4f,\"nonzero_params\":%zu,"
                    "\"nonzero_weights\":%zu,\"seconds\":%.1f}",
                    i ? "," : "", static_cast<double>(pruning[i].sparsity), pruning[i].test_accuracy,
                    pruning[i].one_shot_accuracy, pruning[i].nonzero_params, pruning[i].nonzero_weights, pruning[i].seconds);
      pruning_json += buffer;
    }
    pruning_json += "]";
  }
  if (o.json)
    std::printf("{\"model\":\"%s\",\"test_accuracy\":%.4f,\"test_loss\":%.4f,\"params\":%zu,\"epochs\":%u,"
                "\"seconds\":%.3f,\"seconds_per_epoch\":%.3f,\"cpu_seconds_per_epoch\":%.3f,\"eval_seconds\":%.3f,\"inference_bytes\":%zu,"
                "\"training_bytes\":%zu,\"train_samples\":%zu,\"test_samples\":%u,\"batch_size\":32,\"lr_decay_epochs\":%ld,\"lr_decay\":%.3f,"
                "\"weight_decay\":%g,\"patience\":%u,\"validation_samples\":%zu,\"validation_accuracy\":%.4f,\"validation_loss\":%.4f,"
                "\"best_epoch\":%u,\"restored_best\":%s,\"seed\":%llu%s}\n",
                name, accuracy, static_cast<double>(t.loss_sum) / t.samples, Model::param_count, result.epochs_run,
                training_seconds, per_epoch, cpu_per_epoch, eval_seconds, Model::inference_bytes,
                Model::training_bytes + Model::network_type::parameter_bytes, train.size() - n_validation, t.samples,
                o.lr_decay_epochs, static_cast<double>(o.lr_decay), static_cast<double>(o.weight_decay), o.patience,
                n_validation, n_validation > 0 ? static_cast<double>(kept.validation_accuracy) : 0.0,
                n_validation > 0 ? static_cast<double>(kept.validation_loss) : 0.0, kept.epoch,
                result.restored ? "true" : "false", static_cast<unsigned long long>(o.seed), pruning_json.c_str());
  return 0;
}

// --model distill: knowledge distillation (Hinton et al. 2015). A validation split of
// --validation-fraction (10%) of the training images is held out (shuffled with
// edgeloop::rng(seed of the teacher)). The CNN teacher trains on the rest as --model cnn
// does. Then for every student seed (--seeds, default --seed) the student MLP 784-32-10
// (--student-hidden 128: 784-128-10)
// trains --student-epochs epochs on the same images from that seed, with the teacher's
// learning-rate schedule: alone on the labels, and distilled
// (nn::distillation<T, alpha>: labels and the teacher's logits) for every (T, alpha) of
// the grid below, or only --temperature/--alpha when given. The pair with the best mean
// validation accuracy over the seeds is chosen; only then are the test accuracies of the
// chosen students and of the students alone reported (each seed and the mean).
/// The student MLP 784-Hidden-10 (--student-hidden 32 or 128).
template <std::size_t Hidden>
using student_net = nn::sequential<float, nn::shape<pixels>, nn::dense<Hidden>, nn::relu, nn::dense<classes>>;

struct distill_set {
  const image_set* images;
  std::vector<nn::distillation_target<float, classes>> y;
  std::size_t size() const noexcept { return images->size(); }
  const image& input(std::size_t i) const noexcept { return images->x[i]; }
  const nn::distillation_target<float, classes>& target(std::size_t i) const noexcept { return y[i]; }
};

/// The samples data[index[k]] as a dataset (the training part or the validation split).
template <class Data>
struct subset {
  const Data* data;
  std::vector<std::uint32_t> index;
  std::size_t size() const noexcept { return index.size(); }
  decltype(auto) input(std::size_t i) const noexcept { return data->input(index[i]); }
  decltype(auto) target(std::size_t i) const noexcept { return data->target(index[i]); }
};

template <class Model>
double accuracy_on(Model& model, const auto& data) {
  std::vector<std::uint32_t> all(data.size());
  for (std::size_t i = 0; i < all.size(); ++i) all[i] = static_cast<std::uint32_t>(i);
  const nn::batch_result<float> t = model.evaluate(data, std::span<const std::uint32_t>(all));
  return static_cast<double>(t.correct) / static_cast<double>(t.samples);
}

template <class Params>
void set_schedule(Params& p, const options& o, std::size_t train_size) {
  if (o.lr_decay_epochs <= 0) return;
  p.schedule.kind = nn::schedule_kind::step;
  p.schedule.gamma = o.lr_decay;
  p.schedule.period = static_cast<std::uint32_t>(o.lr_decay_epochs) * static_cast<std::uint32_t>((train_size + 31) / 32);
}

template <class Model, class Data>
void train_on(Model& model, const options& o, const Data& train, std::uint32_t epochs, std::uint64_t seed, const char* label) {
  nn::fit_params<float> fp;
  fp.epochs = epochs;
  fp.batch_size = 32;
  fp.validation_fraction = 0.0f;  // the split is made by the caller
  fp.seed = seed;
  std::vector<std::uint32_t> order(train.size());
  std::FILE* log = o.json ? stderr : stdout;
  std::fprintf(log, "%s (seed %llu):\n", label, static_cast<unsigned long long>(seed));
  edgeloop::host::epoch_printer printer(log);
  if (nn::fit(model, train, std::span<std::uint32_t>(order), fp, [&](const nn::epoch_metrics<float>& m) { printer(m); }) !=
      edgeloop::status::ok)
    throw std::runtime_error(std::string("fit failed: ") + label);
}

struct student_result {
  double validation = 0, test = 0;
};

/// Trains one student (alone when Loss is softmax_cross_entropy) and measures it.
template <std::size_t Hidden, class Loss, class Train, class Validation, class Test>
student_result train_student(const options& o, const Train& train, const Validation& validation, const Test& test,
                             std::uint64_t seed, const char* label) {
  using model_type = nn::learner<student_net<Hidden>, Loss, nn::adam, fashion_mnist::micro_batch>;
  typename model_type::params p;
  p.seed = seed;
  set_schedule(p, o, train.size());
  auto model = std::make_unique<model_type>(p);
  train_on(*model, o, train, o.student_epochs, seed, label);
  return {accuracy_on(*model, validation), accuracy_on(*model, test)};
}

struct distill_data {
  subset<distill_set> train, validation;
  const distill_set* test;
};

template <std::size_t Hidden, float T, float Alpha>
student_result distilled_student(const options& o, const distill_data& d, std::uint64_t seed) {
  char label[64];
  std::snprintf(label, sizeof label, "student distilled, T = %g, alpha = %g", static_cast<double>(T), static_cast<double>(Alpha));
  return train_student<Hidden, nn::distillation<T, Alpha>>(o, d.train, d.validation, *d.test, seed, label);
}

/// The (T, alpha) pairs --model distill chooses from (the loss takes them at compile time).
struct distill_choice {
  float temperature, alpha;
  student_result (*train)(const options&, const distill_data&, std::uint64_t);
};
template <std::size_t H>
constexpr distill_choice distill_grid[] = {
    {1.0f, 0.5f, distilled_student<H, 1.0f, 0.5f>}, {2.0f, 0.5f, distilled_student<H, 2.0f, 0.5f>},
    {4.0f, 0.5f, distilled_student<H, 4.0f, 0.5f>}, {1.0f, 0.9f, distilled_student<H, 1.0f, 0.9f>},
    {2.0f, 0.9f, distilled_student<H, 2.0f, 0.9f>}, {4.0f, 0.9f, distilled_student<H, 4.0f, 0.9f>},
};

std::string json_list(const std::vector<double>& v) {
  std::string s = "[";
  char buffer[32];
  for (std::size_t i = 0; i < v.size(); ++i) {
    std::snprintf(buffer, sizeof buffer, "%s%.4f", i ? "," : "", v[i]);
    s += buffer;
  }
  return s + "]";
}
double mean_of(const std::vector<double>& v) {
  double s = 0;
  for (const double x : v) s += x;
  return v.empty() ? 0.0 : s / static_cast<double>(v.size());
}

template <std::size_t Hidden>
int run_distillation(const options& o, const image_set& train_all, const image_set& test) {
  using teacher_model = fashion_mnist::cnn_classifier;
  const std::uint64_t teacher_seed = o.seeds.front();
  // The validation split: the last ceil(fraction * n) of a shuffled order.
  std::vector<std::uint32_t> order(train_all.size());
  for (std::size_t i = 0; i < order.size(); ++i) order[i] = static_cast<std::uint32_t>(i);
  edgeloop::rng r(teacher_seed ^ 0x5EEDu);
  std::span<std::uint32_t> shuffled(order);
  r.shuffle(shuffled);
  const std::size_t n_validation = edgeloop::validation_size(order.size(), o.validation_fraction);
  const std::size_t n_train = order.size() - n_validation;
  const std::vector<std::uint32_t> train_index(order.begin(), order.begin() + static_cast<std::ptrdiff_t>(n_train));
  const std::vector<std::uint32_t> validation_index(order.begin() + static_cast<std::ptrdiff_t>(n_train), order.end());
  const subset<image_set> train{&train_all, train_index}, validation{&train_all, validation_index};

  typename teacher_model::params tp;
  tp.seed = teacher_seed;
  set_schedule(tp, o, train.size());
  auto teacher = std::make_unique<teacher_model>(tp);
  train_on(*teacher, o, train, o.epochs, teacher_seed, "teacher cnn");
  const double teacher_validation = accuracy_on(*teacher, validation), teacher_test = accuracy_on(*teacher, test);
  auto with_teacher = [&](const image_set& s) {
    distill_set d{&s, std::vector<nn::distillation_target<float, classes>>(s.size())};
    std::vector<float> scratch(fashion_mnist::cnn::inference_scratch_size), logits(classes);
    for (std::size_t i = 0; i < s.size(); ++i) {
      teacher->network().forward(s.x[i].data(), logits.data(), 1, scratch.data());
      d.y[i].label = s.y[i];
      for (std::size_t k = 0; k < classes; ++k) d.y[i].teacher[k] = logits[k];
    }
    return d;
  };
  const distill_set dall = with_teacher(train_all), dtest = with_teacher(test);
  const distill_data d{{&dall, train_index}, {&dall, validation_index}, &dtest};

  std::vector<const distill_choice*> grid;
  for (const distill_choice& c : distill_grid<Hidden>)
    if ((o.temperature == 0.0f || c.temperature == o.temperature) && (o.alpha < 0.0f || c.alpha == o.alpha)) grid.push_back(&c);
  std::vector<student_result> alone;
  std::vector<std::vector<student_result>> distilled(grid.size());
  for (const std::uint64_t seed : o.seeds) {
    alone.push_back(train_student<Hidden, nn::softmax_cross_entropy>(o, train, validation, test, seed, "student alone"));
    for (std::size_t g = 0; g < grid.size(); ++g) distilled[g].push_back(grid[g]->train(o, d, seed));
  }
  // Choice on the validation split only.
  std::FILE* log = o.json ? stderr : stdout;
  std::size_t best = 0;
  std::vector<double> mean_validation(grid.size());
  std::fprintf(log, "validation accuracy (mean over %zu seeds): alone %.2f%%\n", o.seeds.size(), 100.0 * [&] {
    double s = 0;
    for (const auto& a : alone) s += a.validation;
    return s / static_cast<double>(alone.size());
  }());
  for (std::size_t g = 0; g < grid.size(); ++g) {
    for (const auto& x : distilled[g]) mean_validation[g] += x.validation / static_cast<double>(o.seeds.size());
    std::fprintf(log, "  T = %g, alpha = %g: %.2f%%\n", static_cast<double>(grid[g]->temperature),
                 static_cast<double>(grid[g]->alpha), 100.0 * mean_validation[g]);
    if (mean_validation[g] > mean_validation[best]) best = g;
  }
  std::vector<double> alone_test, distilled_test, alone_validation, distilled_validation;
  for (std::size_t k = 0; k < o.seeds.size(); ++k) {
    alone_test.push_back(alone[k].test);
    alone_validation.push_back(alone[k].validation);
    distilled_test.push_back(distilled[best][k].test);
    distilled_validation.push_back(distilled[best][k].validation);
  }
  const float t_best = grid[best]->temperature, a_best = grid[best]->alpha;
  std::printf("distillation: teacher cnn %.2f%% test, %.2f%% validation (%zu parameters, %zu training images); chosen on "
              "validation: T = %g, alpha = %g\n",
              100.0 * teacher_test, 100.0 * teacher_validation, fashion_mnist::cnn::param_count, train.size(),
              static_cast<double>(t_best), static_cast<double>(a_best));
  std::printf("student 784-%zu-10 (%zu parameters, %u epochs), test accuracy:\n", Hidden, student_net<Hidden>::param_count,
              o.student_epochs);
  for (std::size_t k = 0; k < o.seeds.size(); ++k)
    std::printf("  seed %llu: alone %.2f%%, distilled %.2f%%\n", static_cast<unsigned long long>(o.seeds[k]),
                100.0 * alone_test[k], 100.0 * distilled_test[k]);
  std::printf("  mean:   alone %.2f%%, distilled %.2f%%\n", 100.0 * mean_of(alone_test), 100.0 * mean_of(distilled_test));
  if (o.json) {
    std::string seeds = "[";
    for (std::size_t k = 0; k < o.seeds.size(); ++k) {
      if (k > 0) seeds += ',';
      seeds += std::to_string(o.seeds[k]);
    }
    seeds += "]";
    std::string grid_json = "[";
    for (std::size_t g = 0; g < grid.size(); ++g) {
      char buffer[96];
      std::snprintf(buffer, sizeof buffer, "%s{\"temperature\":%g,\"alpha\":%g,\"validation_accuracy\":%.4f}", g ? "," : "",
                    static_cast<double>(grid[g]->temperature), static_cast<double>(grid[g]->alpha), mean_validation[g]);
      grid_json += buffer;
    }
    grid_json += "]";
    std::printf("{\"model\":\"distill\",\"teacher_accuracy\":%.4f,\"teacher_validation_accuracy\":%.4f,\"teacher_params\":%zu,"
                "\"student_params\":%zu,\"train_samples\":%zu,\"validation_samples\":%zu,\"seeds\":%s,"
                "\"student_alone_accuracy\":%.4f,\"student_distilled_accuracy\":%.4f,\"test_accuracy\":%.4f,"
                "\"student_alone_accuracies\":%s,\"student_distilled_accuracies\":%s,"
                "\"student_alone_validation\":%s,\"student_distilled_validation\":%s,"
                "\"temperature\":%g,\"alpha\":%g,\"grid\":%s,\"teacher_epochs\":%u,\"epochs\":%u,\"lr_decay_epochs\":%ld,\"lr_decay\":%.3f}\n",
                teacher_test, teacher_validation, fashion_mnist::cnn::param_count, student_net<Hidden>::param_count, train.size(),
                validation.size(), seeds.c_str(), mean_of(alone_test), mean_of(distilled_test), mean_of(distilled_test),
                json_list(alone_test).c_str(), json_list(distilled_test).c_str(), json_list(alone_validation).c_str(),
                json_list(distilled_validation).c_str(), static_cast<double>(t_best), static_cast<double>(a_best),
                grid_json.c_str(), o.epochs, o.student_epochs, o.lr_decay_epochs, static_cast<double>(o.lr_decay));
  }
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  const options o = parse(argc, argv);
  image_set train, test;
  try {
    train = load(o.data, "train");
    test = load(o.data, "t10k");
  } catch (const std::exception& e) {
    std::fprintf(stderr, "fashion_mnist: cannot read Fashion-MNIST from '%s': %s\n"
                         "(install Debian's dataset-fashion-mnist or pass --data DIR)\n",
                 o.data.c_str(), e.what());
    return 1;
  }
  if (o.model == "cnn") return run<fashion_mnist::cnn_classifier>(o, train, test, "cnn");
  if (o.model == "cnn-plain") return run<fashion_mnist::cnn_plain_classifier>(o, train, test, "cnn-plain");
  if (o.model == "cnn-small") return run<fashion_mnist::cnn_small_classifier>(o, train, test, "cnn-small");
  if (o.model == "distill") {
    try {
      return o.student_hidden == 128 ? run_distillation<128>(o, train, test) : run_distillation<32>(o, train, test);
    } catch (const std::exception& e) {
      std::fprintf(stderr, "fashion_mnist: %s\n", e.what());
      return 1;
    }
  }
  return run<fashion_mnist::mlp_classifier>(o, train, test, "mlp");
}
