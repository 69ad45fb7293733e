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
//   --model distill  the cnn as teacher, student MLP 784-32-10 alone vs distilled
//
// Defaults: mlp 10 epochs at a constant learning rate; cnn 15 epochs with the learning
// rate halved every 5 epochs (--lr-decay-epochs K --lr-decay G: times G every K epochs,
// PyTorch's StepLR counted in updates; K = 0 keeps it constant).
//
// Usage: fashion_mnist [--model mlp|cnn|distill] [--epochs N] [--student-epochs N] [--lr-decay-epochs K] [--lr-decay G] [--data DIR]
//                      [--seed N] [--test-every-epoch] [--json]
// DIR holds train-images-idx3-ubyte.gz, train-labels-idx1-ubyte.gz,
// t10k-images-idx3-ubyte.gz, t10k-labels-idx1-ubyte.gz (Debian: dataset-fashion-mnist
// installs them in /usr/share/datasets/fashion-mnist, the default).
// With --json the last line is one JSON object: test_accuracy, params, epochs, seconds
// (training), seconds_per_epoch, inference_bytes, training_bytes, ...

#include <array>
#include <cstdio>
#include <ctime>
#include <cstdlib>
#include <cstring>
#include <exception>
#include <memory>
#include <string>
#include <vector>

#include "edgeloop/host/epoch_printer.hpp"
#include "edgeloop/host/timer.hpp"
#include "edgeloop/nn/distillation.hpp"
#include "edgeloop/nn/fit.hpp"
#include "fashion_mnist_data.hpp"

namespace nn = edgeloop::nn;

namespace {

using fashion_mnist::classes;
using fashion_mnist::image;
using fashion_mnist::image_set;
using fashion_mnist::load;
using fashion_mnist::pixels;

struct options {
  std::string model = "mlp";
  std::string data = "/usr/share/datasets/fashion-mnist";
  std::uint32_t epochs = 0;            // 0: the model's default (mlp 10, cnn 15)
  long lr_decay_epochs = -1;           // -1: the model's default (mlp 0, cnn 5)
  float lr_decay = 0.5f;
  std::uint32_t student_epochs = 10;   // --model distill
  std::uint64_t seed = 1;
  bool json = false;
  bool test_every_epoch = false;  // also print the test accuracy after each epoch (not timed)
};

[[noreturn]] void usage_error(const std::string& message) {
  std::fprintf(stderr,
               "fashion_mnist: %s\nusage: fashion_mnist [--model mlp|cnn|distill] [--epochs N] [--student-epochs N] [--lr-decay-epochs K] [--lr-decay G] [--data DIR] [--seed N] [--test-every-epoch] [--json]\n",
               message.c_str());
  std::exit(2);
}

options parse(int argc, char** argv) {
  options o;
  for (int i = 1; i < argc; ++i) {
    const std::string a = argv[i];
    auto value = [&]() -> std::string {
      if (i + 1 >= argc) usage_error(a + " needs a value");
      return argv[++i];
    };
    if (a == "--model") o.model = value();
    else if (a == "--data") o.data = value();
    else if (a == "--epochs") o.epochs = static_cast<std::uint32_t>(std::strtoul(value().c_str(), nullptr, 10));
    else if (a == "--student-epochs") o.student_epochs = static_cast<std::uint32_t>(std::strtoul(value().c_str(), nullptr, 10));
    else if (a == "--lr-decay-epochs") o.lr_decay_epochs = std::strtol(value().c_str(), nullptr, 10);
    else if (a == "--lr-decay") o.lr_decay = std::strtof(value().c_str(), nullptr);
    else if (a == "--seed") o.seed = std::strtoull(value().c_str(), nullptr, 10);
    else if (a == "--json") o.json = true;
    else if (a == "--test-every-epoch") o.test_every_epoch = true;
    else usage_error("unknown argument '" + a + "'");
  }
  if (o.model != "mlp" && o.model != "cnn" && o.model != "cnn-plain" && o.model != "cnn-small" &&
      o.model != "distill")
    usage_error("unknown model '" + o.model + "' (available: mlp, cnn, distill)");
  if (o.epochs == 0) o.epochs = o.model == "mlp" ? 10 : 15;  // distill: the teacher's epochs
  if (o.lr_decay_epochs < 0) o.lr_decay_epochs = o.model == "mlp" ? 0 : 5;
  if (!(o.lr_decay > 0.0f && o.lr_decay <= 1.0f)) usage_error("--lr-decay must be in (0, 1]");
  return o;
}

template <class Model>
int run(const options& o, const image_set& train, const image_set& test, const char* name) {
  typename Model::params mp;
  mp.optimizer.learning_rate = 1e-3f;
  mp.seed = o.seed;
  const std::uint32_t updates_per_epoch = static_cast<std::uint32_t>((train.size() + 31) / 32);
  if (o.lr_decay_epochs > 0) {
    mp.schedule.kind = nn::schedule_kind::step;
    mp.schedule.gamma = o.lr_decay;
    mp.schedule.period = static_cast<std::uint32_t>(o.lr_decay_epochs) * updates_per_epoch;
  }
  auto model = std::make_unique<Model>(mp);  // MBs (training buffers): the heap of a host program
  nn::fit_params<float> fp;
  fp.epochs = o.epochs;
  fp.batch_size = 32;
  fp.validation_fraction = 0.0f;  // all 60,000 training images; the test set is separate
  fp.seed = o.seed;
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
  if (o.json)
    std::printf("{\"model\":\"%s\",\"test_accuracy\":%.4f,\"test_loss\":%.4f,\"params\":%zu,\"epochs\":%u,"
                "\"seconds\":%.3f,\"seconds_per_epoch\":%.3f,\"cpu_seconds_per_epoch\":%.3f,\"eval_seconds\":%.3f,\"inference_bytes\":%zu,"
                "\"training_bytes\":%zu,\"train_samples\":%zu,\"test_samples\":%u,\"batch_size\":32,\"lr_decay_epochs\":%ld,\"lr_decay\":%.3f}\n",
                name, accuracy, static_cast<double>(t.loss_sum) / t.samples, Model::param_count, result.epochs_run,
                training_seconds, per_epoch, cpu_per_epoch, eval_seconds, Model::inference_bytes,
                Model::training_bytes + Model::network_type::parameter_bytes, train.size(), t.samples,
                o.lr_decay_epochs, static_cast<double>(o.lr_decay));
  return 0;
}

// --model distill: knowledge distillation (Hinton et al. 2015). The CNN teacher trains as
// --model cnn does; then the student MLP 784-32-10 trains twice from the same seed for
// --student-epochs epochs (constant learning rate): alone on the labels, and on the labels
// and the teacher's logits (nn::distillation<T = 4, Alpha = 0.9>). Both test accuracies
// are printed.
using student_net = nn::sequential<float, nn::shape<pixels>, nn::dense<32>, nn::relu, nn::dense<classes>>;
using distill_loss = nn::distillation<4.0f, 0.9f>;

struct distill_set {
  const image_set* images;
  std::vector<nn::distillation_target<float, classes>> y;
  std::size_t size() const noexcept { return images->size(); }
  const image& input(std::size_t i) const noexcept { return images->x[i]; }
  const nn::distillation_target<float, classes>& target(std::size_t i) const noexcept { return y[i]; }
};

template <class Model, class Data>
double fit_and_test(Model& model, const options& o, const Data& train, const Data& test, std::uint32_t epochs,
                    const char* label) {
  nn::fit_params<float> fp;
  fp.epochs = epochs;
  fp.batch_size = 32;
  fp.validation_fraction = 0.0f;
  fp.seed = o.seed;
  std::vector<std::uint32_t> order(train.size());
  edgeloop::host::epoch_printer printer(o.json ? stderr : stdout);
  if (nn::fit(model, train, std::span<std::uint32_t>(order), fp, [&](const nn::epoch_metrics<float>& m) { printer(m); }) !=
      edgeloop::status::ok)
    throw std::runtime_error(std::string("fit failed: ") + label);
  std::vector<std::uint32_t> all(test.size());
  for (std::size_t i = 0; i < all.size(); ++i) all[i] = static_cast<std::uint32_t>(i);
  const nn::batch_result<float> t = model.evaluate(test, std::span<const std::uint32_t>(all));
  const double accuracy = static_cast<double>(t.correct) / static_cast<double>(t.samples);
  std::fprintf(o.json ? stderr : stdout, "%s: test accuracy %.2f%%\n", label, 100.0 * accuracy);
  return accuracy;
}

int run_distillation(const options& o, const image_set& train, const image_set& test) {
  using teacher_model = fashion_mnist::cnn_classifier;
  using alone_model = nn::classifier<student_net, nn::adam, fashion_mnist::micro_batch>;
  using distilled_model = nn::learner<student_net, distill_loss, nn::adam, fashion_mnist::micro_batch>;
  typename teacher_model::params tp;
  tp.seed = o.seed;
  if (o.lr_decay_epochs > 0) {
    tp.schedule.kind = nn::schedule_kind::step;
    tp.schedule.gamma = o.lr_decay;
    tp.schedule.period = static_cast<std::uint32_t>(o.lr_decay_epochs) * static_cast<std::uint32_t>((train.size() + 31) / 32);
  }
  auto teacher = std::make_unique<teacher_model>(tp);
  const double teacher_accuracy = fit_and_test(*teacher, o, train, test, o.epochs, "teacher cnn");
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
  const distill_set dtrain = with_teacher(train), dtest = with_teacher(test);
  typename alone_model::params ap;
  ap.seed = o.seed;
  auto alone = std::make_unique<alone_model>(ap);
  const double alone_accuracy = fit_and_test(*alone, o, train, test, o.student_epochs, "student alone");
  typename distilled_model::params dp;
  dp.seed = o.seed;
  auto distilled = std::make_unique<distilled_model>(dp);
  const double distilled_accuracy = fit_and_test(*distilled, o, dtrain, dtest, o.student_epochs, "student distilled");
  std::printf("distillation: teacher cnn %.2f%% (%zu parameters); student 784-32-10 (%zu parameters) alone %.2f%%, "
              "distilled %.2f%% (T = 4, alpha = 0.9, %u epochs)\n",
              100.0 * teacher_accuracy, fashion_mnist::cnn::param_count, student_net::param_count, 100.0 * alone_accuracy,
              100.0 * distilled_accuracy, o.student_epochs);
  if (o.json)
    std::printf("{\"model\":\"distill\",\"teacher_accuracy\":%.4f,\"teacher_params\":%zu,\"student_params\":%zu,"
                "\"student_alone_accuracy\":%.4f,\"student_distilled_accuracy\":%.4f,\"test_accuracy\":%.4f,"
                "\"temperature\":4,\"alpha\":0.9,\"teacher_epochs\":%u,\"epochs\":%u}\n",
                teacher_accuracy, fashion_mnist::cnn::param_count, student_net::param_count, alone_accuracy,
                distilled_accuracy, distilled_accuracy, o.epochs, o.student_epochs);
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
      return run_distillation(o, train, test);
    } catch (const std::exception& e) {
      std::fprintf(stderr, "fashion_mnist: %s\n", e.what());
      return 1;
    }
  }
  return run<fashion_mnist::mlp_classifier>(o, train, test, "mlp");
}
